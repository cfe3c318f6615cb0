import Foundation

/// A month of a year: the unit of a ledger period and of a report ("maj-26", "jan–maj 2026").
public struct Period: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let year: Int
    /// 1…12.
    public let month: Int

    public init?(year: Int, month: Int) {
        guard (1...12).contains(month), (1900...9999).contains(year) else { return nil }
        self.year = year
        self.month = month
    }

    /// "2026-05", "2026-5", "202605", "2026/05", "maj-26", "maj 2026".
    public init?(parsing text: String) {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        let digits = t.filter(\.isNumber)
        if t.count == 6, digits.count == 6, let y = Int(t.prefix(4)), let m = Int(t.suffix(2)) {
            self.init(year: y, month: m)
            return
        }
        let parts = t.split(whereSeparator: { $0 == "-" || $0 == "/" || $0 == " " || $0 == "." })
        guard parts.count == 2 else { return nil }
        if let y = Int(parts[0]), let m = Int(parts[1]), parts[0].count == 4 {
            self.init(year: y, month: m)
        } else if let m = Self.monthNumber(String(parts[0])), let y = Int(parts[1]) {
            self.init(year: parts[1].count == 2 ? 2000 + y : y, month: m)
        } else {
            return nil
        }
    }

    /// One period or a span: "2026-05" or "2026-01..2026-06".
    public static func periods(parsing text: String) -> [Period]? {
        let bounds = text.components(separatedBy: "..")
        guard let first = Period(parsing: bounds[0]) else { return nil }
        guard bounds.count == 2 else { return bounds.count == 1 ? [first] : nil }
        guard let last = Period(parsing: bounds[1]), first <= last else { return nil }
        var out: [Period] = []
        var p = first
        while p <= last, out.count < 1200 {
            out.append(p)
            p = p.next
        }
        return out
    }

    public var next: Period { month == 12 ? Period(year: year + 1, month: 1)! : Period(year: year, month: month + 1)! }
    public var sameMonthLastYear: Period { Period(year: year - 1, month: month) ?? self }

    /// "2026-05".
    public var description: String { "\(year)-" + (month < 10 ? "0" : "") + "\(month)" }

    /// Swedish short month names as column headings use them: "maj-26".
    public static let swedishMonths = ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]
    public var shortLabel: String { "\(Self.swedishMonths[month - 1])-\(String(format: "%02d", year % 100))" }

    /// "jan–maj 2026" (the year to date), "jan 2026" for January.
    public var yearToDateLabel: String {
        month == 1 ? "jan \(year)" : "jan–\(Self.swedishMonths[month - 1]) \(year)"
    }

    public static func < (a: Period, b: Period) -> Bool { (a.year, a.month) < (b.year, b.month) }

    private static func monthNumber(_ word: String) -> Int? {
        let english = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
        let w = String(word.prefix(3))
        return (swedishMonths.firstIndex(of: w) ?? english.firstIndex(of: w)).map { $0 + 1 }
    }
}
