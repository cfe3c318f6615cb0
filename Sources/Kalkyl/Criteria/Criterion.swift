/// One criterion of SUMIF(S), COUNTIF(S), AVERAGEIF(S), MINIFS, MAXIFS, as Excel reads it:
/// `5`, `"<=5"`, `"<>"`, `""`, `"Nära*"`, `"~*"`, `TRUE`, `"#N/A"`.
public struct Criterion: Sendable, Equatable {
    public enum Comparison: Sendable, Equatable { case equal, notEqual, less, lessOrEqual, greater, greaterOrEqual }

    enum Operand: Sendable, Equatable {
        case number(Double)
        case text(String)
        /// A text with `*`/`?` wildcards, compiled.
        case pattern(WildcardPattern)
        case boolean(Bool)
        case error(ErrorValue)
        /// `""` (empty cells and empty text), `"="` and `"<>"` (strict: truly empty cells only).
        case blank(strict: Bool)
    }

    let comparison: Comparison
    let operand: Operand
    /// The key an equality criterion looks up in a criteria index (nil for other criteria), made
    /// once: a criterion read from a cached text serves thousands of SUMIFS.
    let indexKey: CriteriaIndex.Key?

    public init(_ value: CellValue) {
        switch value {
        case .number(let n): self.init(.equal, .number(n))
        case .boolean(let b): self.init(.equal, .boolean(b))
        case .error(let e): self.init(.equal, .error(e))
        case .empty: self.init(.equal, .number(0))
        case .text(let s): self.init(text: s)
        }
    }

    private init(_ comparison: Comparison, _ operand: Operand) {
        self.comparison = comparison
        self.operand = operand
        indexKey = Self.indexKey(comparison, operand)
    }

    private init(text: String) {
        var comparison = Comparison.equal
        var rest = Substring(text)
        for (prefix, c) in [("<=", Comparison.lessOrEqual), (">=", .greaterOrEqual), ("<>", .notEqual),
                            ("<", .less), (">", .greater), ("=", .equal)] where rest.hasPrefix(prefix) {
            comparison = c
            rest = rest.dropFirst(prefix.count)
            break
        }
        let operandText = String(rest)
        if operandText.isEmpty {
            self.init(comparison, .blank(strict: !text.isEmpty))
            return
        }
        if let n = Coercion.parseNumber(operandText) {
            self.init(comparison, .number(n))
        } else if operandText.uppercased() == "TRUE" || operandText.uppercased() == "FALSE" {
            self.init(comparison, .boolean(operandText.uppercased() == "TRUE"))
        } else if let e = ErrorValue(text: operandText) {
            self.init(comparison, .error(e))
        } else if (comparison == .equal || comparison == .notEqual), let pattern = WildcardPattern(operandText) {
            self.init(comparison, .pattern(pattern))
        } else {
            self.init(comparison, .text(WildcardPattern.unescaped(operandText)))
        }
    }

    public func matches(_ value: CellValue) -> Bool {
        switch comparison {
        case .equal: return equals(value)
        case .notEqual: return !equals(value)
        default: return ordered(value)
        }
    }

    private func equals(_ value: CellValue) -> Bool {
        switch (operand, value) {
        case (.blank, .empty): return true
        case (.blank(let strict), .text(let s)): return !strict && s.isEmpty
        case (.blank, _): return false
        case (.number(let n), .number(let v)): return NumberPrecision.equal(n, v)
        case (.number(let n), .text(let s)):
            // "=5" also finds the text "5" in a cell.
            guard let v = Coercion.parseNumber(s) else { return false }
            return NumberPrecision.equal(n, v)
        case (.text(let t), .text(let s)): return Coercion.compareText(t, s) == 0
        case (.pattern(let p), .text(let s)): return p.matches(s)
        case (.boolean(let b), .boolean(let v)): return b == v
        case (.error(let e), .error(let v)): return e == v
        default: return false
        }
    }

    private func ordered(_ value: CellValue) -> Bool {
        let c: Int
        switch (operand, value) {
        case (.number(let n), .number(let v)):
            c = NumberPrecision.equal(v, n) ? 0 : (v < n ? -1 : 1)
        case (.text(let t), .text(let s)):
            c = Coercion.compareText(s, t)
        case (.boolean(let b), .boolean(let v)):
            c = v == b ? 0 : (!v ? -1 : 1)
        default:
            return false
        }
        switch comparison {
        case .less: return c < 0
        case .lessOrEqual: return c <= 0
        case .greater: return c > 0
        case .greaterOrEqual: return c >= 0
        default: return false
        }
    }

    /// The key an index can look this criterion up by, when it is a plain equality.
    private static func indexKey(_ comparison: Comparison, _ operand: Operand) -> CriteriaIndex.Key? {
        guard comparison == .equal else { return nil }
        switch operand {
        case .number(let n): return .number(n == 0 ? 0 : n)
        case .text(let t): return .text(t.lowercased())
        case .boolean(let b): return .boolean(b)
        case .error(let e): return .error(e)
        case .blank, .pattern: return nil
        }
    }
}

/// A text pattern with Excel's wildcards: `*` any run, `?` one character, `~` escapes the next.
/// Matching ignores case.
public struct WildcardPattern: Sendable, Equatable {
    enum Element: Sendable, Equatable { case literal(Character), any, one }
    let elements: [Element]

    /// nil when the text has no wildcard (then it is compared as plain text).
    init?(_ text: String) {
        var elements: [Element] = []
        var escaped = false
        var hasWildcard = false
        for ch in text.lowercased() {
            if escaped { elements.append(.literal(ch)); escaped = false; continue }
            switch ch {
            case "~": escaped = true
            case "*": elements.append(.any); hasWildcard = true
            case "?": elements.append(.one); hasWildcard = true
            default: elements.append(.literal(ch))
            }
        }
        if escaped { elements.append(.literal("~")) }
        guard hasWildcard else { return nil }
        self.elements = elements
    }

    static func unescaped(_ text: String) -> String {
        var out = ""
        var escaped = false
        for ch in text {
            if !escaped && ch == "~" { escaped = true; continue }
            escaped = false
            out.append(ch)
        }
        return out
    }

    func matches(_ text: String) -> Bool {
        let s = Array(text.lowercased())
        var p = 0, i = 0
        var star = -1, mark = 0
        while i < s.count {
            if p < elements.count {
                switch elements[p] {
                case .literal(let c) where c == s[i]: p += 1; i += 1; continue
                case .one: p += 1; i += 1; continue
                case .any: star = p; mark = i; p += 1; continue
                default: break
                }
            }
            if star >= 0 { p = star + 1; mark += 1; i = mark; continue }
            return false
        }
        while p < elements.count, elements[p] == .any { p += 1 }
        return p == elements.count
    }
}
