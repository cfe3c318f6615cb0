/// A cell or range on a named sheet, as people write it: `Rapport!B5`, `'Nära vård'!A1:D20`,
/// `'It''s'!A1`, or `B5` with no sheet.
public struct SheetRangeReference: Sendable, Equatable, CustomStringConvertible {
    public var sheet: String?
    public var range: CellRange

    public init(sheet: String?, range: CellRange) {
        self.sheet = sheet
        self.range = range
    }

    public init?(parsing text: String) {
        let trimmed = text.trimmingCharacters(in: " ")
        guard let bang = trimmed.lastIndex(of: "!") else {
            guard let range = CellRange(a1: trimmed) else { return nil }
            self.init(sheet: nil, range: range)
            return
        }
        var sheetText = trimmed[..<bang]
        if sheetText.hasPrefix("'") {
            guard sheetText.count >= 2, sheetText.hasSuffix("'") else { return nil }
            sheetText = sheetText.dropFirst().dropLast()
        }
        let sheet = sheetText.replacingOccurrences(of: "''", with: "'")
        guard !sheet.isEmpty, let range = CellRange(a1: trimmed[trimmed.index(after: bang)...]) else { return nil }
        self.init(sheet: sheet, range: range)
    }

    public var description: String {
        guard let sheet else { return range.a1 }
        return SheetName.quotedIfNeeded(sheet) + "!" + range.a1
    }
}

public enum SheetName {
    /// `Blad1` stays as it is; `Nära vård` becomes `'Nära vård'`, `It's` becomes `'It''s'`.
    public static func quotedIfNeeded(_ name: String) -> String {
        let plain = name.unicodeScalars.allSatisfy { s in
            s.properties.isAlphabetic || ("0"..."9").contains(s) || s == "_" || s == "."
        }
        let startsLikeReference = name.first.map { $0.isNumber } ?? true
            || CellAddress(a1: name) != nil || CellRange(a1: name) != nil
        if plain && !startsLikeReference { return name }
        return "'" + name.replacingOccurrences(of: "'", with: "''") + "'"
    }
}

extension StringProtocol {
    func trimmingCharacters(in set: Character) -> String {
        var s = Substring(self)
        while s.first == set { s.removeFirst() }
        while s.last == set { s.removeLast() }
        return String(s)
    }

    func replacingOccurrences(of target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return String(self) }
        var result = ""
        var rest = Substring(self)
        while let r = rest.range(of: target) {
            result += rest[..<r.lowerBound]
            result += replacement
            rest = rest[r.upperBound...]
        }
        return result + rest
    }
}

extension Substring {
    func range(of target: String) -> Range<Index>? {
        guard let first = target.first else { return nil }
        var i = startIndex
        while i < endIndex {
            if self[i] == first, self[i...].hasPrefix(target) {
                return i..<self.index(i, offsetBy: target.count)
            }
            i = index(after: i)
        }
        return nil
    }
}
