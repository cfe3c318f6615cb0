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

/// How numbers read when shown without a format.
public enum NumberText {
    /// A number converted to text in a formula (`="a"&1/3`, CONCATENATE, LEN): up to 15
    /// significant digits, no width limit; scientific notation from 1E+15 up, and for small
    /// magnitudes whose fixed form would need more than 19 decimals (`1.28233995888454E-06`).
    public static func general(_ value: Double) -> String {
        guard value.isFinite else { return "#NUM!" }
        if value == 0 { return "0" }
        // Whole numbers (a report month in `"<="&B1`) need no digit generation.
        if abs(value) < 1e15, value == value.rounded(.towardZero) { return String(Int64(value)) }
        let sign = value < 0 ? "-" : ""
        let d = DecimalDigits(value)
        let exponent = d.pointPosition - 1
        let decimals = max(0, d.digits.count - d.pointPosition)
        if exponent >= 15 || decimals > 19 {
            return sign + scientific(d, exponent: exponent)
        }
        return sign + d.description
    }

    /// General format in a cell of standard width (and TEXT(x, "General")): at most 11
    /// characters besides the sign, rounding decimals away; scientific from 1E+11 and below 1E-09.
    public static func cellGeneral(_ value: Double) -> String {
        guard value.isFinite else { return "#NUM!" }
        if value == 0 { return "0" }
        let sign = value < 0 ? "-" : ""
        let width = 11
        var d = DecimalDigits(value)
        var exponent = d.pointPosition - 1
        if exponent >= width || exponent < -9 {
            let expDigits = abs(exponent) >= 100 ? 3 : 2
            let mantissaDecimals = max(0, width - 4 - expDigits)
            var m = d.shifted(by: -exponent).rounded(decimals: mantissaDecimals)
            if m.pointPosition > 1 { exponent += 1; m = d.shifted(by: -exponent).rounded(decimals: mantissaDecimals) }
            return sign + scientific(m.shifted(by: exponent), exponent: exponent)
        }
        let decimals = exponent >= 0 ? max(0, width - 1 - (exponent + 1)) : width - 2
        d = d.rounded(decimals: decimals)
        if d.pointPosition > width { return sign + scientific(d, exponent: d.pointPosition - 1) }
        return sign + d.description
    }

    /// "1.23456789012346E+17", "1E-07": significant digits, E, sign, at least two exponent digits.
    static func scientific(_ d: DecimalDigits, exponent: Int) -> String {
        var mantissa = d.digits.isEmpty ? "0" : String(d.digits[0])
        if d.digits.count > 1 { mantissa += "." + d.digits.dropFirst().map(String.init).joined() }
        let e = abs(exponent)
        return mantissa + "E" + (exponent < 0 ? "-" : "+") + (e < 10 ? "0" : "") + String(e)
    }

    /// The value rounded to 15 significant digits, as text Swift can read back.
    static func format15(_ value: Double) -> String { scientificDigits(value, significant: 15) }

    /// `value` as "d.ddde±XX" with `significant` digits (printf rounding of the exact binary value).
    static func scientificDigits(_ value: Double, significant: Int) -> String {
        var buffer = [CChar](repeating: 0, count: 64)
        _ = withVaList([max(significant - 1, 0), value]) { vsnprintf(&buffer, buffer.count, "%.*e", $0) }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
