/// Formats values with Excel number format codes, as TEXT() and the General format show them.
public enum NumberFormatter {
    /// The value formatted with `format` (e.g. `"0.0 %"`, `"#,##0"`, `"yyyy-mm-dd"`).
    public static func text(_ value: CellValue, format: String, date1904: Bool = false) -> CellValue {
        switch value {
        case .text(let s):
            // A text value uses the format's fourth section, or shows as it is.
            let sections = FormatCode.sections(format)
            if sections.count >= 4 { return .text(sections[3].replacingOccurrences(of: "@", with: s)) }
            if sections.count == 1, sections[0].contains("@") { return .text(sections[0].replacingOccurrences(of: "@", with: s)) }
            return .text(s)
        case .boolean(let b): return .text(b ? "TRUE" : "FALSE")
        case .error(let e): return .error(e)
        case .empty: return text(.number(0), format: format, date1904: date1904)
        case .number(let n): return FormatCode(format).format(n, date1904: date1904).map { .text($0) } ?? .error(.value)
        }
    }
}
