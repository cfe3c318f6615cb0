/// Excel's conversions between value types, and its ordering of values.
public enum Coercion {
    /// A value as a number where a function or operator wants one: empty is 0, TRUE is 1, text that
    /// reads as a number (or a date or time) is that number, other text is #VALUE!.
    public static func number(_ value: CellValue) -> Result<Double, ErrorValue> {
        switch value {
        case .number(let n): return .success(n)
        case .empty: return .success(0)
        case .boolean(let b): return .success(b ? 1 : 0)
        case .error(let e): return .failure(e)
        case .text(let s):
            if let n = parseNumber(s) { return .success(n) }
            return .failure(.value)
        }
    }

    /// A value as text: numbers in General format, TRUE/FALSE, empty as "".
    public static func text(_ value: CellValue) -> Result<String, ErrorValue> {
        switch value {
        case .text(let s): return .success(s)
        case .number(let n): return .success(NumberText.general(n))
        case .boolean(let b): return .success(b ? "TRUE" : "FALSE")
        case .empty: return .success("")
        case .error(let e): return .failure(e)
        }
    }

    /// A value as a truth value: numbers are TRUE unless 0, the texts "TRUE"/"FALSE" count, other
    /// text is #VALUE!, empty is FALSE.
    public static func boolean(_ value: CellValue) -> Result<Bool, ErrorValue> {
        switch value {
        case .boolean(let b): return .success(b)
        case .number(let n): return .success(n != 0)
        case .empty: return .success(false)
        case .error(let e): return .failure(e)
        case .text(let s):
            switch s.uppercased() {
            case "TRUE": return .success(true)
            case "FALSE": return .success(false)
            default: return .failure(.value)
            }
        }
    }

    /// Text that Excel reads as a number: " 1,234.5 ", "-3", "1E3", "50%", "$12", "(5)", and dates
    /// and times ("2026-05-31", "13:30").
    public static func parseNumber(_ text: String) -> Double? {
        var s = Substring(text)
        while let f = s.first, f == " " { s.removeFirst() }
        while let l = s.last, l == " " { s.removeLast() }
        guard let first = s.first, mayStartNumber(first) else { return nil }
        var negative = false
        var percent = false
        if s.hasPrefix("(") && s.hasSuffix(")") { negative = true; s = s.dropFirst().dropLast() }
        if s.hasPrefix("-") { negative.toggle(); s = s.dropFirst() } else if s.hasPrefix("+") { s = s.dropFirst() }
        if s.hasPrefix("$") { s = s.dropFirst() }
        if s.hasSuffix("%") { percent = true; s = s.dropLast() }
        while let l = s.last, l == " " { s.removeLast() }
        if let n = plainNumber(s) {
            let v = percent ? n / 100 : n
            return negative ? -v : v
        }
        // Dates and times count only without surrounding spaces (" 10 " is 10, " 2024-01-10 " is not a date).
        if !negative, !percent, text.first != " ", text.last != " ", let serial = DateText.serial(from: String(text)) { return serial }
        return nil
    }

    /// Whether text starting with this character can read as a number, date or time: a digit, a
    /// sign, a point, `$`, `(`, or the first letter of a month name. Ledger texts such as "KS1034"
    /// are turned down here, before any parsing.
    private static func mayStartNumber(_ c: Character) -> Bool {
        guard let a = c.asciiValue else { return false }
        switch a | 0x20 {
        case 0x30...0x39: return true  // digits (| 0x20 keeps them)
        case UInt8(ascii: "j"), UInt8(ascii: "f"), UInt8(ascii: "m"), UInt8(ascii: "a"), UInt8(ascii: "s"),
             UInt8(ascii: "o"), UInt8(ascii: "n"), UInt8(ascii: "d"):
            return true
        default:
            return a == UInt8(ascii: "+") || a == UInt8(ascii: "-") || a == UInt8(ascii: ".") || a == UInt8(ascii: "$")
                || a == UInt8(ascii: "(")
        }
    }

    /// Digits with optional thousands separators (in groups of three), decimals and exponent.
    private static func plainNumber(_ s: Substring) -> Double? {
        guard let first = s.first, first.isASCII, first.isNumber || first == "." else { return nil }
        if s.contains(",") {
            let parts = s.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
            let groups = parts[0].split(separator: ",", omittingEmptySubsequences: false)
            guard groups.count > 1, (1...3).contains(groups[0].count), groups.dropFirst().allSatisfy({ $0.count == 3 }) else {
                return nil
            }
            let joined = groups.joined() + (parts.count > 1 ? "." + parts[1] : "")
            return Double(joined)
        }
        guard s.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "." || $0 == "e" || $0 == "E" || $0 == "+" || $0 == "-") })
        else { return nil }
        return Double(s)
    }

    /// Excel's order for sorting and comparing: numbers < text < booleans; text without regard to
    /// case. Errors are not ordered here (callers propagate them first). Returns -1, 0 or 1.
    public static func compare(_ a: CellValue, _ b: CellValue) -> Int {
        func rank(_ v: CellValue) -> Int {
            switch v {
            case .number, .empty: 0
            case .text: 1
            case .boolean: 2
            case .error: 3
            }
        }
        // An empty cell compares as the other side's type's zero value.
        var a = a, b = b
        if case .empty = a { a = zero(like: b) }
        if case .empty = b { b = zero(like: a) }
        let ra = rank(a), rb = rank(b)
        if ra != rb { return ra < rb ? -1 : 1 }
        switch (a, b) {
        case (.number(let x), .number(let y)):
            if NumberPrecision.equal(x, y) { return 0 }
            return x < y ? -1 : 1
        case (.text(let x), .text(let y)):
            return compareText(x, y)
        case (.boolean(let x), .boolean(let y)):
            return x == y ? 0 : (!x ? -1 : 1)
        default:
            return 0
        }
    }

    public static func compareText(_ x: String, _ y: String) -> Int {
        if x == y { return 0 }
        let lx = x.lowercased(), ly = y.lowercased()
        if lx == ly { return 0 }
        return lx < ly ? -1 : 1
    }

    private static func zero(like other: CellValue) -> CellValue {
        switch other {
        case .text: .text("")
        case .boolean: .boolean(false)
        default: .number(0)
        }
    }
}

/// Excel keeps 15 significant digits where people see numbers: in comparisons and in sums that
/// cancel out (`=0.1+0.2-0.3` is 0, `=0.1+0.2=0.3` is TRUE).
public enum NumberPrecision {
    public static func equal(_ a: Double, _ b: Double) -> Bool {
        if a == b { return true }
        let scale = max(abs(a), abs(b))
        return abs(a - b) <= scale * 1e-15
    }

    /// The result of an addition or subtraction, snapped to 0 when it only differs from 0 in the
    /// digits beyond the 15th of its operands.
    public static func sum(_ a: Double, _ b: Double) -> Double {
        let r = a + b
        if r != 0 && abs(r) < max(abs(a), abs(b)) * 1e-15 { return 0 }
        return r
    }
}
