#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A value a cell holds: what a file stores and what a formula's result is when it is a single value.
public enum CellValue: Sendable, Equatable, CustomStringConvertible {
    case empty
    case number(Double)
    case text(String)
    case boolean(Bool)
    case error(ErrorValue)

    public var description: String {
        switch self {
        case .empty: ""
        case .number(let n): NumberText.general(n)
        case .text(let s): s
        case .boolean(let b): b ? "TRUE" : "FALSE"
        case .error(let e): e.text
        }
    }

    public var isEmpty: Bool { if case .empty = self { true } else { false } }
}

/// How numbers read when shown without a format: Excel's General format rounds to 15 significant
/// digits; scientific notation is used for very large or very small magnitudes.
public enum NumberText {
    public static func general(_ value: Double) -> String {
        guard value.isFinite else { return value.isNaN ? "#NUM!" : "#NUM!" }
        if value == value.rounded(), abs(value) < 1e15 {
            return String(Int64(value))
        }
        let rounded = Double(String(format15(value))) ?? value
        var text = "\(rounded)"
        if text.hasSuffix(".0") { text.removeLast(2) }
        return text
    }

    /// The value rounded to 15 significant digits, as text Swift can read back.
    static func format15(_ value: Double) -> String {
        // %.14e keeps 15 significant digits.
        var buffer = [CChar](repeating: 0, count: 40)
        _ = withVaList([value]) { vsnprintf(&buffer, buffer.count, "%.14e", $0) }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
