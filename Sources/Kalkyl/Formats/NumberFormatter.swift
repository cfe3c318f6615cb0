/// Formats values with Excel number format codes, as TEXT() and cells show them.
public enum NumberFormatter {
    /// The value formatted with `format` (e.g. `"0.0 %"`, `"#,##0"`, `"yyyy-mm-dd"`); #VALUE!
    /// when the code is invalid or a date is out of range. Text uses the format's text section.
    public static func text(_ value: CellValue, format: String, date1904: Bool = false) -> CellValue {
        text(value, code: FormatCode(format), date1904: date1904)
    }

    static func text(_ value: CellValue, code: FormatCode, date1904: Bool) -> CellValue {
        switch value {
        case .text(let s): return code.format(text: s).map { .text($0) } ?? .error(.value)
        case .boolean(let b): return .text(b ? "TRUE" : "FALSE")
        case .error(let e): return .error(e)
        case .empty: return text(.number(0), code: code, date1904: date1904)
        case .number(let n): return code.format(n, date1904: date1904).map { .text($0) } ?? .error(.value)
        }
    }

    /// A number as a cell shows it in General format (at most 11 characters).
    public static func general(_ value: Double) -> String { NumberText.cellGeneral(value) }
}
