/// Number format codes: Excel's built-in table and what a code says about its values.
/// Both the reader (which cells hold dates) and TEXT() need this, so it lives in the engine.
public enum NumberFormat {
    /// The built-in formats every workbook has without declaring them (ECMA-376 §18.8.30).
    /// Ids 5–8, 23–36 and 50–81 depend on the locale; the codes given are the en-US ones.
    public static let builtIn: [Int: String] = [
        0: "General", 1: "0", 2: "0.00", 3: "#,##0", 4: "#,##0.00",
        5: "\"$\"#,##0_);(\"$\"#,##0)", 6: "\"$\"#,##0_);[Red](\"$\"#,##0)",
        7: "\"$\"#,##0.00_);(\"$\"#,##0.00)", 8: "\"$\"#,##0.00_);[Red](\"$\"#,##0.00)",
        9: "0%", 10: "0.00%", 11: "0.00E+00", 12: "# ?/?", 13: "# ??/??",
        14: "m/d/yyyy", 15: "d-mmm-yy", 16: "d-mmm", 17: "mmm-yy", 18: "h:mm AM/PM",
        19: "h:mm:ss AM/PM", 20: "h:mm", 21: "h:mm:ss", 22: "m/d/yyyy h:mm",
        37: "#,##0_);(#,##0)", 38: "#,##0_);[Red](#,##0)", 39: "#,##0.00_);(#,##0.00)",
        40: "#,##0.00_);[Red](#,##0.00)", 41: "_(* #,##0_);_(* (#,##0);_(* \"-\"_);_(@_)",
        42: "_(\"$\"* #,##0_);_(\"$\"* (#,##0);_(\"$\"* \"-\"_);_(@_)",
        43: "_(* #,##0.00_);_(* (#,##0.00);_(* \"-\"??_);_(@_)",
        44: "_(\"$\"* #,##0.00_);_(\"$\"* (#,##0.00);_(\"$\"* \"-\"??_);_(@_)",
        45: "mm:ss", 46: "[h]:mm:ss", 47: "mm:ss.0", 48: "##0.0E+0", 49: "@",
    ]

    /// Built-in ids that are dates or times, including the East Asian ones not in `builtIn`.
    private static let builtInDateIds: Set<Int> = Set(14...22).union(27...36).union(45...47).union(50...58)

    public static func isDate(id: Int, code: String?) -> Bool {
        if let code { return isDate(code: code) }
        return builtInDateIds.contains(id)
    }

    /// True when the code formats numbers as dates or times: it has d, m, y, h or s outside
    /// quoted text, escapes and colour/condition brackets (elapsed-time brackets such as [h] count).
    public static func isDate(code: String) -> Bool {
        if code.lowercased() == "general" { return false }
        var inQuote = false
        var skipNext = false
        var inBracket = false
        var bracket = ""
        for ch in code.lowercased() {
            if skipNext { skipNext = false; continue }
            if inQuote { if ch == "\"" { inQuote = false }; continue }
            if inBracket {
                if ch == "]" {
                    inBracket = false
                    if ["h", "hh", "m", "mm", "s", "ss"].contains(bracket) { return true }
                } else {
                    bracket.append(ch)
                }
                continue
            }
            switch ch {
            case "\"": inQuote = true
            case "\\", "_", "*": skipNext = true
            case "[": inBracket = true; bracket = ""
            case ";": return false  // only the first (positive) section decides
            case "d", "m", "y", "h", "s": return true
            default: break
            }
        }
        return false
    }
}
