import Foundation
import Kalkyl

/// A ledger export read from a file: a header row and data rows, with the rows that could not be
/// read listed (never silently dropped).
public struct LedgerTable: Sendable {
    public var headers: [String]
    public var rows: [[CellValue]]
    public var problems: [LedgerProblem]

    public init(headers: [String], rows: [[CellValue]], problems: [LedgerProblem] = []) {
        self.headers = headers
        self.rows = rows
        self.problems = problems
    }
}

/// A row that could not be read, with where it is.
public struct LedgerProblem: Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var message: String

    public var description: String { "\(file):\(line): \(message)" }
}

public struct LedgerInputError: Error, Equatable, CustomStringConvertible {
    public var file: String
    public var message: String
    public var description: String { "\(file): \(message)" }
}

/// Reads CSV ledger exports as Swedish finance systems write them: `;` (or `,` or tab) between
/// fields, decimal comma, space or non-breaking-space thousands separators, minus-sign variants,
/// quoted fields, UTF-8 (with or without BOM) or Windows-1252.
public enum CSVLedgerReader {
    public static func read(_ url: URL) throws -> LedgerTable {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw LedgerInputError(file: url.lastPathComponent, message: "cannot read: \(error.localizedDescription)")
        }
        return try read(data, file: url.lastPathComponent)
    }

    public static func read(_ data: Data, file: String) throws -> LedgerTable {
        let text = decode(data)
        let lines = records(in: text)
        guard let headerRecord = lines.first(where: { !$0.fields.allSatisfy { $0.trimmingCharacters(in: .whitespaces).isEmpty } }) else {
            throw LedgerInputError(file: file, message: "no header row")
        }
        let separator = headerRecord.separator
        let headers = headerRecord.fields.map { $0.trimmingCharacters(in: .whitespaces) }
        var rows: [[CellValue]] = []
        var problems: [LedgerProblem] = []
        for record in lines where record.line > headerRecord.line {
            if record.fields.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) { continue }
            let fields = record.separator == separator ? record.fields : split(record.raw, on: separator)
            if fields.count != headers.count {
                problems.append(LedgerProblem(file: file, line: record.line,
                                              message: "\(fields.count) fields where the header has \(headers.count)"))
                continue
            }
            rows.append(fields.map(value))
        }
        return LedgerTable(headers: headers, rows: rows, problems: problems)
    }

    /// UTF-8 when the bytes are valid UTF-8 (a BOM is dropped), Windows-1252 otherwise.
    static func decode(_ data: Data) -> String {
        var bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        if let s = String(validating: bytes, as: UTF8.self) { return s }
        return String(bytes.map { windows1252[Int($0)] })
    }

    /// The 0x80–0x9F block of Windows-1252 (the rest is Latin-1).
    private static let windows1252: [Character] = (0..<256).map { b in
        let high: [UInt32] = [0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152,
                              0x8D, 0x017D, 0x8F, 0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122,
                              0x0161, 0x203A, 0x0153, 0x9D, 0x017E, 0x0178]
        let scalar = (0x80...0x9F).contains(b) ? high[b - 0x80] : UInt32(b)
        return Character(Unicode.Scalar(scalar)!)
    }

    struct Record {
        var line: Int
        var raw: String
        var fields: [String]
        var separator: Character
    }

    /// Splits the text into records (quoted fields may hold line breaks), each split on the
    /// separator that its line uses most outside quotes.
    static func records(in text: String) -> [Record] {
        var out: [Record] = []
        var current = ""
        var inQuotes = false
        var line = 1, startLine = 1
        for ch in text {
            if ch == "\"" { inQuotes.toggle() }
            if (ch == "\n" || ch == "\r\n") && !inQuotes {
                out.append(record(current, line: startLine))
                current = ""
                line += 1
                startLine = line
                continue
            }
            if ch == "\n" || ch == "\r\n" { line += 1 }
            if ch == "\r" && !inQuotes { continue }
            current.append(ch)
        }
        if !current.isEmpty { out.append(record(current, line: startLine)) }
        return out
    }

    private static func record(_ raw: String, line: Int) -> Record {
        var counts: [Character: Int] = [";": 0, ",": 0, "\t": 0]
        var inQuotes = false
        for ch in raw {
            if ch == "\"" { inQuotes.toggle() } else if !inQuotes, counts[ch] != nil { counts[ch]! += 1 }
        }
        // `;` wins ties: with a decimal comma, commas appear inside numbers.
        let separator: Character = counts[";"]! > 0 ? ";" : (counts["\t"]! > 0 ? "\t" : ",")
        return Record(line: line, raw: raw, fields: split(raw, on: separator), separator: separator)
    }

    static func split(_ raw: String, on separator: Character) -> [String] {
        var fields: [String] = []
        var field = ""
        var inQuotes = false
        var chars = Array(raw)[...]
        while let ch = chars.first {
            chars = chars.dropFirst()
            if inQuotes {
                if ch == "\"" {
                    if chars.first == "\"" { field.append("\""); chars = chars.dropFirst() } else { inQuotes = false }
                } else {
                    field.append(ch)
                }
            } else if ch == "\"" {
                inQuotes = true
            } else if ch == separator {
                fields.append(field)
                field = ""
            } else {
                field.append(ch)
            }
        }
        fields.append(field)
        return fields
    }

    /// A field as a value: a number when it reads as one in Swedish or English form, else text.
    static func value(_ field: String) -> CellValue {
        let t = field.trimmingCharacters(in: .whitespaces)
        if t.isEmpty { return .empty }
        if let n = SwedishNumber.parse(t) { return .number(n) }
        return .text(t)
    }
}

/// Numbers as Swedish exports write them: "1 234,50", "1 234,50" (non-breaking space),
/// "−1 234" (minus sign U+2212), "1234-" (trailing minus), "-1234.5", "(1 234)".
public enum SwedishNumber {
    public static func parse(_ text: String) -> Double? {
        var s = text.trimmingCharacters(in: .whitespaces)
        var negative = false
        if s.hasPrefix("(") && s.hasSuffix(")") { negative = true; s = String(s.dropFirst().dropLast()) }
        for minus in ["-", "\u{2212}", "\u{2013}"] {
            if s.hasPrefix(minus) { negative.toggle(); s = String(s.dropFirst()); break }
            if s.hasSuffix(minus) { negative.toggle(); s = String(s.dropLast()); break }
        }
        if s.hasPrefix("+") { s = String(s.dropFirst()) }
        // Thousands separators: spaces of every kind, and the apostrophe.
        s = String(s.filter { !($0 == " " || $0 == "\u{00A0}" || $0 == "\u{202F}" || $0 == "\u{2009}" || $0 == "'") })
        guard let first = s.first, first.isNumber || first == "," || first == "." else { return nil }
        let commas = s.filter { $0 == "," }.count, points = s.filter { $0 == "." }.count
        if commas > 0 && points > 0 {
            // The last separator is the decimal one: "1.234,5" or "1,234.5".
            if s.lastIndex(of: ",")! > s.lastIndex(of: ".")! {
                s = s.replacingOccurrences(of: ".", with: "").replacingOccurrences(of: ",", with: ".")
            } else {
                s = s.replacingOccurrences(of: ",", with: "")
            }
        } else if commas == 1 {
            s = s.replacingOccurrences(of: ",", with: ".")
        } else if commas > 1 || points > 1 {
            return nil
        }
        guard s.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "." || $0 == "e" || $0 == "E" || $0 == "+" || $0 == "-") }),
              let n = Double(s), n.isFinite else { return nil }
        return negative ? -n : n
    }
}
