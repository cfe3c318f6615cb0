#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A parsed Excel number format code: up to four sections (positive; negative; zero; text), each
/// with an optional condition (`[<100]`) and colour, made of tokens. Formats numbers as TEXT() and a
/// cell display do: digit placeholders `0 # ?`, thousands separators and scaling commas, percent,
/// scientific notation, fractions, dates and times (elapsed `[h]`, AM/PM, fractional seconds),
/// literal text (quoted, escaped, `_x` spacing; `*x` fill is dropped), `@` and General.
struct FormatCode: Sendable {
    let sections: [Section]
    /// False when the code is not a valid format (TEXT gives #VALUE!).
    let isValid: Bool

    init(_ code: String) {
        let raw = FormatCode.splitSections(code)
        var sections: [Section] = []
        var valid = raw != nil
        for text in raw ?? [] {
            guard let section = Section(parsing: text) else { valid = false; break }
            sections.append(section)
        }
        if sections.count > 4 { valid = false }
        self.sections = sections
        isValid = valid && !sections.isEmpty
    }

    /// Splits at `;` outside quotes, escapes and brackets. Nil when a quote is left open.
    static func splitSections(_ code: String) -> [String]? {
        var out: [String] = []
        var current = ""
        var inQuote = false, inBracket = false, escaped = false
        for ch in code {
            if escaped { current.append(ch); escaped = false; continue }
            if inQuote {
                current.append(ch)
                if ch == "\"" { inQuote = false }
                continue
            }
            if inBracket {
                current.append(ch)
                if ch == "]" { inBracket = false }
                continue
            }
            switch ch {
            case "\\", "_", "*": escaped = true; current.append(ch)
            case "\"": inQuote = true; current.append(ch)
            case "[": inBracket = true; current.append(ch)
            case ";": out.append(current); current = ""
            default: current.append(ch)
            }
        }
        if inQuote { return nil }
        out.append(current)
        return out
    }

    /// Kept for callers that only need the raw sections.
    static func sections(_ code: String) -> [String] { splitSections(code) ?? [code] }

    // MARK: - Choosing a section

    private var textSectionIndex: Int? {
        if sections.count == 4 { return 3 }
        return sections.firstIndex { $0.hasText }
    }

    private var numericSections: [Section] {
        if let t = textSectionIndex { return Array(sections[..<t]) }
        return sections
    }

    /// The value formatted; nil when Excel gives #VALUE! (invalid code, dates out of range).
    func format(_ value: Double, date1904: Bool) -> String? {
        guard isValid, value.isFinite else { return nil }
        // A text section before the last numeric one, or numbers mixed with @, is invalid.
        if sections.count == 4, sections[..<3].contains(where: { $0.hasText }) { return nil }
        let numeric = numericSections
        if numeric.isEmpty { return NumberText.cellGeneral(value) }
        let (section, signed) = choose(value, in: numeric)
        guard let section else { return NumberText.cellGeneral(value) }
        return section.format(signed, date1904: date1904)
    }

    /// A text value: the text section with `@` replaced, or the text itself.
    func format(text: String) -> String? {
        guard isValid else { return nil }
        if sections.count == 4, sections[..<3].contains(where: { $0.hasText }) { return nil }
        guard let t = textSectionIndex else { return text }
        return sections[t].formatText(text)
    }

    /// The section for a value and the value it shows (negative sections show the magnitude).
    private func choose(_ value: Double, in numeric: [Section]) -> (Section?, Double) {
        if numeric.contains(where: { $0.condition != nil }) {
            for (i, s) in numeric.enumerated() {
                if let c = s.condition {
                    if c.matches(value) { return (s, value) }
                } else if i == numeric.count - 1 {
                    return (s, value)
                } else if i == 0 ? value >= 0 : value < 0 {
                    return (i == 0 ? s : s.unsigned(), value)
                }
            }
            return (nil, value)
        }
        switch numeric.count {
        case 1: return (numeric[0], value)
        case 2: return value < 0 ? (numeric[1].unsigned(), value) : (numeric[0], value)
        default:
            if value < 0 { return (numeric[1].unsigned(), value) }
            if value == 0 { return (numeric[2].unsigned(), value) }
            return (numeric[0], value)
        }
    }
}

extension FormatCode {
    struct Condition: Sendable {
        enum Op: Sendable { case lt, le, gt, ge, eq, ne }
        let op: Op
        let operand: Double

        func matches(_ v: Double) -> Bool {
            switch op {
            case .lt: v < operand
            case .le: v <= operand
            case .gt: v > operand
            case .ge: v >= operand
            case .eq: v == operand
            case .ne: v != operand
            }
        }

        var onlyNegative: Bool {
            switch op {
            case .lt: operand <= 0
            case .le: operand < 0
            default: false
            }
        }

        init?(_ text: String) {
            var s = Substring(text)
            let ops: [(String, Op)] = [("<=", .le), (">=", .ge), ("<>", .ne), ("<", .lt), (">", .gt), ("=", .eq)]
            guard let (prefix, op) = ops.first(where: { s.hasPrefix($0.0) }) else { return nil }
            s = s.dropFirst(prefix.count)
            let trimmed = s.trimmingSpaces
            guard let v = Double(trimmed) else { return nil }
            self.op = op
            operand = v
        }
    }

    enum DatePart: Sendable, Equatable {
        case year(Int), month(Int), minute(Int), day(Int), hour(Int), second(Int)
        case elapsedHours(Int), elapsedMinutes(Int), elapsedSeconds(Int)
        case ampm(String, String)
        case fraction(Int)  // fractional seconds digits
    }

    enum Token: Sendable, Equatable {
        case literal(String)
        case digit(Character)  // 0 # ?
        case point
        case comma
        case percent
        case exponent(Bool)  // true: E+ (always sign)
        case slash
        case text  // @
        case general
        case date(DatePart)
    }

    struct Section: Sendable {
        var tokens: [Token]
        var condition: Condition?
        /// Shows negatives without a sign (the chosen section is the negative one).
        var showsMagnitude = false

        var hasText: Bool { tokens.contains(.text) }
        var isDate: Bool { tokens.contains { if case .date = $0 { true } else { false } } }
        var hasDigits: Bool { tokens.contains { if case .digit = $0 { true } else { false } } }
        var isGeneral: Bool { tokens.contains(.general) }

        func unsigned() -> Section { var s = self; s.showsMagnitude = true; return s }

        init(tokens: [Token], condition: Condition?) {
            self.tokens = tokens
            self.condition = condition
        }

        // MARK: Parsing

        init?(parsing text: String) {
            var tokens: [Token] = []
            var condition: Condition?
            let chars = Array(text)
            var i = 0
            var lastDateKind: Character? = nil  // last of h/m/s/y/d seen, for m as minutes
            var pendingMonthIndex: [Int] = []  // indexes of m tokens that may be minutes when s follows
            func appendLiteral(_ s: String) {
                if case .literal(let prev)? = tokens.last { tokens[tokens.count - 1] = .literal(prev + s) } else { tokens.append(.literal(s)) }
            }
            func run(_ c: Character) -> Int {
                var n = 0
                while i + n < chars.count, chars[i + n].lowercased() == String(c) { n += 1 }
                return n
            }
            while i < chars.count {
                let ch = chars[i]
                let lower = Character(ch.lowercased())
                switch ch {
                case "\"":
                    var j = i + 1
                    var lit = ""
                    while j < chars.count, chars[j] != "\"" { lit.append(chars[j]); j += 1 }
                    guard j < chars.count else { return nil }
                    appendLiteral(lit)
                    i = j + 1
                    continue
                case "\\":
                    if i + 1 < chars.count { appendLiteral(String(chars[i + 1])) }
                    i += 2
                    continue
                case "_":
                    appendLiteral(" ")
                    i += 2
                    continue
                case "*":
                    i += 2  // fill: no width to fill in text
                    continue
                case "[":
                    var j = i + 1
                    var inner = ""
                    while j < chars.count, chars[j] != "]" { inner.append(chars[j]); j += 1 }
                    guard j < chars.count else { return nil }
                    i = j + 1
                    let lowerInner = inner.lowercased()
                    if !lowerInner.isEmpty, lowerInner.allSatisfy({ $0 == "h" }) {
                        tokens.append(.date(.elapsedHours(lowerInner.count))); lastDateKind = "h"
                    } else if !lowerInner.isEmpty, lowerInner.allSatisfy({ $0 == "m" }) {
                        tokens.append(.date(.elapsedMinutes(lowerInner.count))); lastDateKind = "m"
                    } else if !lowerInner.isEmpty, lowerInner.allSatisfy({ $0 == "s" }) {
                        tokens.append(.date(.elapsedSeconds(lowerInner.count))); lastDateKind = "s"
                    } else if let first = inner.first, "<>=".contains(first) {
                        guard let c = Condition(inner) else { return nil }
                        condition = c
                    } else if inner.hasPrefix("$") {
                        // [$€-407]: currency text before the dash; [$-409]: locale only.
                        let body = inner.dropFirst()
                        let symbol = body.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
                        if !symbol.isEmpty { appendLiteral(String(symbol)) }
                    }
                    // Colours ([Red], [Color12]) and other brackets show nothing.
                    continue
                case "0", "#", "?":
                    // Fractional seconds: digits after "s." (or [s].)
                    if ch == "0", case .point? = tokens.last, lastDateKind == "s" {
                        tokens.removeLast()
                        var n = 0
                        while i + n < chars.count, chars[i + n] == "0" { n += 1 }
                        tokens.append(.date(.fraction(n)))
                        i += n
                        continue
                    }
                    tokens.append(.digit(ch))
                case ".":
                    tokens.append(.point)
                case ",":
                    tokens.append(.comma)
                case "%":
                    tokens.append(.percent)
                case "/":
                    tokens.append(.slash)
                case "@":
                    tokens.append(.text)
                case "E", "e":
                    if i + 1 < chars.count, chars[i + 1] == "+" || chars[i + 1] == "-" {
                        tokens.append(.exponent(chars[i + 1] == "+"))
                        i += 2
                        continue
                    }
                    if ch == "e" || ch == "E" {
                        // "e" is a year in dates; a bare E otherwise shows as itself.
                        let n = run("e")
                        if tokens.contains(where: { if case .date = $0 { true } else { false } }) || !tokens.contains(where: { if case .digit = $0 { true } else { false } }) && n > 0 && lastDateKind != nil {
                            tokens.append(.date(.year(4)))
                        } else {
                            appendLiteral(String(repeating: ch, count: n))
                        }
                        i += n
                        continue
                    }
                default:
                    if lower == "g", text.lowercased().dropFirst(i).hasPrefix("general") {
                        tokens.append(.general)
                        i += 7
                        continue
                    }
                    if lower == "a" {
                        let rest = String(chars[i...])
                        let restLower = rest.lowercased()
                        if restLower.hasPrefix("am/pm") {
                            let am = String(rest.prefix(2)), pm = String(rest.dropFirst(3).prefix(2))
                            tokens.append(.date(.ampm(am, pm)))
                            i += 5
                            continue
                        }
                        if restLower.hasPrefix("a/p") {
                            tokens.append(.date(.ampm(String(rest.prefix(1)), String(rest.dropFirst(2).prefix(1)))))
                            i += 3
                            continue
                        }
                    }
                    switch lower {
                    case "y":
                        let n = run("y")
                        tokens.append(.date(.year(n <= 2 ? 2 : 4))); lastDateKind = "y"
                        i += n
                        continue
                    case "d":
                        let n = run("d")
                        tokens.append(.date(.day(n))); lastDateKind = "d"
                        i += n
                        continue
                    case "h":
                        let n = run("h")
                        tokens.append(.date(.hour(n))); lastDateKind = "h"
                        i += n
                        continue
                    case "s":
                        let n = run("s")
                        tokens.append(.date(.second(n))); lastDateKind = "s"
                        // m just before s (only separators between) is minutes.
                        for idx in pendingMonthIndex {
                            if case .date(.month(let k)) = tokens[idx], k <= 2 { tokens[idx] = .date(.minute(k)) }
                        }
                        pendingMonthIndex = []
                        i += n
                        continue
                    case "m":
                        let n = run("m")
                        if n <= 2 && lastDateKind == "h" {
                            tokens.append(.date(.minute(n)))
                        } else {
                            tokens.append(.date(.month(n)))
                            if n <= 2 { pendingMonthIndex = [tokens.count - 1] }
                        }
                        lastDateKind = "m"
                        i += n
                        continue
                    default:
                        appendLiteral(String(ch))
                    }
                }
                // A date token other than m between m and s keeps m a month.
                if case .date = tokens.last {} else if !pendingMonthIndex.isEmpty {
                    // Literals and separators keep the candidate.
                }
                i += 1
            }
            self.tokens = tokens
            self.condition = condition
            // Digits mixed with date parts (other than fractional seconds), or with @, are invalid.
            if isDate && hasDigits { return nil }
            if hasText && (hasDigits || isDate) { return nil }
        }

        // MARK: Text

        func formatText(_ text: String) -> String {
            var out = ""
            for t in tokens {
                switch t {
                case .literal(let s): out += s
                case .text: out += text
                case .point: out += "."
                case .comma: out += ","
                case .percent: out += "%"
                case .slash: out += "/"
                case .digit(let c): out.append(c)
                default: break
                }
            }
            return out
        }

        // MARK: Numbers

        func format(_ value: Double, date1904: Bool) -> String? {
            var v = value
            var sign = ""
            if showsMagnitude { v = abs(v) }
            if isDate {
                return DateFormatCode.format(v, tokens: tokens, date1904: date1904)
            }
            if v < 0 { sign = "-"; v = -v }
            if isGeneral {
                var out = ""
                for t in tokens {
                    switch t {
                    case .general: out += NumberText.cellGeneral(v)
                    case .literal(let s): out += s
                    case .point: out += "."
                    case .comma: out += ","
                    case .percent: out += "%"
                    case .slash: out += "/"
                    default: break
                    }
                }
                return sign + out
            }
            if tokens.contains(where: { if case .exponent = $0 { true } else { false } }), hasDigits {
                return scientific(v).map { sign + $0 }
            }
            if let slash = fractionSlash() {
                return fraction(v, slash: slash).map { sign + $0 }
            }
            return sign + fixed(v)
        }

        /// The index of the `/` of a fraction: a slash with digit placeholders (or a fixed
        /// denominator) after it and digit placeholders before it.
        private func fractionSlash() -> Int? {
            guard let s = tokens.firstIndex(of: .slash) else { return nil }
            let before = tokens[..<s].contains { if case .digit = $0 { true } else { false } }
            var after = false
            for t in tokens[(s + 1)...] {
                if case .digit = t { after = true; break }
                if case .literal(let l) = t, let f = l.first, f.isASCII, f.isNumber, f != "0" { after = true; break }
                if case .literal = t { continue }
                break
            }
            return before && after ? s : nil
        }

        // MARK: Fixed-point numbers

        /// Commas: a thousands separator (between digit placeholders), a scaling comma (after the
        /// last digit placeholder of the integer or fraction part), dropped (after a placeholder
        /// otherwise) or literal (after other text).
        private enum CommaRole { case grouping, scaling, dropped, literal }

        private func commaRoles(_ tokens: [Token]) -> [Int: CommaRole] {
            var roles: [Int: CommaRole] = [:]
            var i = 0
            while i < tokens.count {
                guard tokens[i] == .comma else { i += 1; continue }
                var j = i
                while j < tokens.count, tokens[j] == .comma { j += 1 }
                let afterDigit: Bool = i > 0 && { if case .digit = tokens[i - 1] { return true }; return false }()
                let next: Token? = j < tokens.count ? tokens[j] : nil
                let nextIsDigit: Bool = { if case .digit? = next { return true }; return false }()
                let moreDigitsLater = tokens[j...].contains { if case .digit = $0 { true } else { false } }
                for k in i..<j {
                    if !afterDigit { roles[k] = .literal; continue }
                    if nextIsDigit { roles[k] = .grouping }
                    else if next == .point || !moreDigitsLater { roles[k] = .scaling }
                    else { roles[k] = .dropped }
                }
                i = j
            }
            return roles
        }

        private func fixed(_ value: Double) -> String {
            let roles = commaRoles(tokens)
            let pointIndex = tokens.firstIndex(of: .point)
            var integerPlaceholders: [Int] = []
            var decimalPlaceholders: [Int] = []
            var grouping = false
            var scale = 0
            var percents = 0
            for (i, t) in tokens.enumerated() {
                switch t {
                case .digit:
                    if let p = pointIndex, i > p { decimalPlaceholders.append(i) } else { integerPlaceholders.append(i) }
                case .comma:
                    if roles[i] == .grouping, pointIndex == nil || i < pointIndex! { grouping = true }
                    if roles[i] == .scaling { scale += 1 }
                case .percent: percents += 1
                default: break
                }
            }
            var v = value
            for _ in 0..<percents { v *= 100 }
            for _ in 0..<scale { v /= 1000 }
            let decimals = decimalPlaceholders.count
            let digits = DecimalDigits(v).rounded(decimals: decimals)
            let intDigits = digits.integerDigits
            let fracDigits = digits.fractionDigits(decimals)
            let n = integerPlaceholders.count
            var out = ""
            var placeholderNumber = 0
            var decimalNumber = 0
            for (i, t) in tokens.enumerated() {
                switch t {
                case .digit(let c):
                    if let p = pointIndex, i > p {
                        let d = fracDigits[decimalNumber]
                        let rest = fracDigits[decimalNumber...]
                        let significant = rest.contains { $0 != 0 }
                        switch c {
                        case "0": out.append(Character(String(d)))
                        case "?": out += significant ? String(d) : " "
                        default: if significant { out += String(d) }
                        }
                        decimalNumber += 1
                    } else {
                        let position = n - placeholderNumber  // 1-based from the right
                        out += integerDigit(position: position, placeholder: c, digits: intDigits, isFirst: placeholderNumber == 0, grouping: grouping)
                        placeholderNumber += 1
                    }
                case .point:
                    if i == pointIndex {
                        if n == 0 { out += groupedDigits(intDigits, from: 0, grouping: grouping) }
                        out += "."
                    } else {
                        out += "."
                    }
                case .comma:
                    if roles[i] == .literal { out += "," }
                case .percent: out += "%"
                case .literal(let s): out += s
                case .slash: out += "/"
                case .text, .general, .exponent, .date: break
                }
            }
            if n == 0, pointIndex == nil, !intDigits.isEmpty, !integerPlaceholders.isEmpty || !decimalPlaceholders.isEmpty {
                // No integer placeholders and no point: nothing to show the integer part in.
            }
            return out
        }

        /// The text for one integer placeholder at `position` (1 = units). The leftmost one also
        /// shows every higher digit. Thousands separators follow each digit at a group boundary.
        private func integerDigit(position: Int, placeholder: Character, digits: [UInt8], isFirst: Bool, grouping: Bool) -> String {
            var out = ""
            let count = digits.count
            func digit(at p: Int) -> UInt8? { p <= count ? digits[count - p] : nil }
            if isFirst && count > position {
                // Overflow: all the higher digits at the first placeholder.
                for p in stride(from: count, to: position, by: -1) {
                    out += String(digits[count - p])
                    if grouping && (p - 1) % 3 == 0 { out += "," }
                }
            }
            var padding: Character? = nil
            if let d = digit(at: position) {
                out += String(d)
            } else {
                switch placeholder {
                case "0": out += "0"; padding = "0"
                case "?": out += " "; padding = "?"
                default: padding = "#"
                }
            }
            if grouping && position > 1 && (position - 1) % 3 == 0 {
                if let padding {
                    if padding == "0" { out += "," } else if padding == "?" { out += " " }
                } else {
                    out += ","
                }
            }
            return out
        }

        private func groupedDigits(_ digits: [UInt8], from: Int, grouping: Bool) -> String {
            var out = ""
            let count = digits.count
            for (i, d) in digits.enumerated() {
                out += String(d)
                let p = count - i
                if grouping && p > 1 && (p - 1) % 3 == 0 { out += "," }
            }
            return out
        }

        // MARK: Scientific

        private func scientific(_ value: Double) -> String? {
            guard let e = tokens.firstIndex(where: { if case .exponent = $0 { true } else { false } }),
                  case .exponent(let plus) = tokens[e] else { return nil }
            var mantissaTokens = Array(tokens[..<e])
            let exponentTokens = Array(tokens[(e + 1)...])
            var percents = 0
            for t in mantissaTokens where t == .percent { percents += 1 }
            var v = value
            for _ in 0..<percents { v *= 100 }
            let pointIndex = mantissaTokens.firstIndex(of: .point)
            var intCount = 0, decimals = 0
            for (i, t) in mantissaTokens.enumerated() {
                if case .digit = t {
                    if let p = pointIndex, i > p { decimals += 1 } else { intCount += 1 }
                }
            }
            let step = max(intCount, 1)
            var exponent = 0
            var mantissa = DecimalDigits(v)
            if !mantissa.isZero {
                let e10 = mantissa.pointPosition - 1
                exponent = step > 1 ? Int((Double(e10) / Double(step)).rounded(.down)) * step : e10
                mantissa = DecimalDigits(v).shifted(by: -exponent).rounded(decimals: decimals)
                if mantissa.integerDigits.count > step {
                    exponent += step
                    mantissa = DecimalDigits(v).shifted(by: -exponent).rounded(decimals: decimals)
                }
            }
            // Format the mantissa with the plain formatter (no commas scaling in scientific).
            mantissaTokens = mantissaTokens.filter { $0 != .comma }
            var mantissaSection = Section(tokens: mantissaTokens, condition: nil)
            mantissaSection.showsMagnitude = true
            let mantissaValue = Double(mantissa.description) ?? 0
            let percentFree = mantissaSection.tokens.map { $0 == .percent ? Token.literal("%") : $0 }
            mantissaSection.tokens = percentFree
            var out = mantissaSection.fixed(mantissaValue)
            out += "E"
            if exponent < 0 { out += "-" } else if plus { out += "+" }
            let minDigits = exponentTokens.filter { $0 == .digit("0") }.count
            var expText = String(abs(exponent))
            while expText.count < minDigits { expText = "0" + expText }
            var expOut = ""
            var placed = false
            for t in exponentTokens {
                switch t {
                case .digit: if !placed { expOut += expText; placed = true }
                case .literal(let s): expOut += s
                case .percent: expOut += "%"
                case .point: expOut += "."
                default: break
                }
            }
            if !placed { expOut = expText + expOut }
            return out + expOut
        }

        // MARK: Fractions

        private func fraction(_ value: Double, slash: Int) -> String? {
            // Denominator: placeholders or a fixed number after the slash.
            var denominatorTokens: [Int] = []
            var fixedDenominator: Int? = nil
            var j = slash + 1
            while j < tokens.count, case .literal(let l) = tokens[j], !(l.first?.isNumber ?? false) { j += 1 }
            let denominatorStart = j
            if j < tokens.count, case .literal(let l) = tokens[j], let f = l.first, f.isNumber {
                let digitsText = String(l.prefix { $0.isNumber })
                var text = digitsText
                var k = j + 1
                if digitsText.count == l.count {
                    while k < tokens.count, case .digit("0") = tokens[k] { text += "0"; k += 1 }
                }
                fixedDenominator = Int(text.prefix(9))
                denominatorTokens = Array(j..<k)
            } else {
                while j < tokens.count, case .digit = tokens[j] { denominatorTokens.append(j); j += 1 }
            }
            // Numerator: the run of placeholders just before the slash (literals may separate).
            var k = slash - 1
            while k >= 0, case .literal = tokens[k] { k -= 1 }
            var numeratorTokens: [Int] = []
            while k >= 0, case .digit = tokens[k] { numeratorTokens.insert(k, at: 0); k -= 1 }
            guard !numeratorTokens.isEmpty else { return nil }
            // Integer part: placeholders before the numerator.
            let integerEnd = numeratorTokens[0]  // exclusive
            var integerPlaceholders: [Int] = []
            for i in 0..<integerEnd { if case .digit = tokens[i] { integerPlaceholders.append(i) } }
            let lastIntegerPlaceholder = integerPlaceholders.last
            let hasInteger = lastIntegerPlaceholder != nil

            var percents = 0
            for t in tokens where t == .percent { percents += 1 }
            var v = value
            for _ in 0..<percents { v *= 100 }

            var whole = hasInteger ? v.rounded(.down) : 0
            let part = v - whole
            var numerator: Double
            var denominator: Double
            if let fixedDenominator, fixedDenominator > 0 {
                denominator = Double(fixedDenominator)
                numerator = (part * denominator).rounded(.toNearestOrAwayFromZero)
            } else {
                let places = min(max(denominatorTokens.count, 1), 7)
                let maxDenominator = Int(pow(10, Double(places))) - 1
                (numerator, denominator) = Self.bestFraction(part, maxDenominator: maxDenominator)
            }
            if hasInteger, numerator >= denominator, denominator > 0 {
                whole += (numerator / denominator).rounded(.down)
                numerator = numerator.truncatingRemainder(dividingBy: denominator)
            }
            guard whole < 1e15 else { return nil }
            let wholeDigits = whole == 0 ? [] : DecimalDigits(whole).integerDigits
            let numeratorHasZero = numeratorTokens.contains { tokens[$0] == .digit("0") }
            let anyQuestion = (integerPlaceholders + numeratorTokens + denominatorTokens).contains { tokens[$0] == .digit("?") }

            // What to show of the integer part, the separator between it and the numerator, and
            // the fraction.
            enum FractionShow { case shown, blank, dropped }
            var fractionShow = FractionShow.shown
            var forceIntegerZero = false
            var separatorShow = FractionShow.shown
            if hasInteger {
                if numerator == 0 {
                    if numeratorHasZero {
                        if whole == 0 {
                            if tokens[lastIntegerPlaceholder!] == .digit("#") { separatorShow = .dropped } else { forceIntegerZero = true }
                        }
                    } else {
                        fractionShow = anyQuestion ? .blank : .dropped
                        forceIntegerZero = whole == 0
                    }
                } else if whole == 0 {
                    switch tokens[lastIntegerPlaceholder!] {
                    case .digit("0"): separatorShow = .shown
                    case .digit("?"): separatorShow = .blank
                    default: separatorShow = tokens[numeratorTokens[0]] == .digit("?") ? .blank : .dropped
                    }
                }
            }
            let integerText: [UInt8] = forceIntegerZero ? [0] : wholeDigits
            let numeratorDigits = numerator == 0 ? [UInt8(0)] : DecimalDigits(numerator).integerDigits
            var denominatorText = denominator <= 0 ? "" : DecimalDigits(denominator).integerDigits.map(String.init).joined()
            if fixedDenominator == nil {
                let zeros = denominatorTokens.filter { tokens[$0] == .digit("0") }.count
                while denominatorText.count < zeros { denominatorText = "0" + denominatorText }
                let questions = denominatorTokens.filter { tokens[$0] == .digit("?") }.count
                let width = zeros + questions
                if denominatorText.count < width {
                    denominatorText += String(repeating: " ", count: width - denominatorText.count)
                }
            }

            var out = ""
            var blankWidth = 0
            let intCount = integerPlaceholders.count
            var intNumber = 0
            let numeratorCount = numeratorTokens.count
            var numNumber = 0
            for (i, t) in tokens.enumerated() {
                let inSeparator = hasInteger && i > lastIntegerPlaceholder! && i < numeratorTokens[0]
                let inFraction = i >= numeratorTokens[0]
                let piece: String
                switch t {
                case .digit(let c):
                    if i < integerEnd {
                        piece = integerDigit(position: intCount - intNumber, placeholder: c, digits: integerText, isFirst: intNumber == 0, grouping: false)
                        intNumber += 1
                    } else if numeratorTokens.contains(i) {
                        let position = numeratorCount - numNumber
                        var p = integerDigit(position: position, placeholder: c, digits: numeratorDigits, isFirst: numNumber == 0, grouping: false)
                        if numerator == 0 && position == 1 { p = "0" }
                        piece = p
                        numNumber += 1
                    } else if denominatorTokens.contains(i) {
                        piece = i == denominatorTokens.first ? denominatorText : ""
                    } else {
                        piece = String(c)
                    }
                case .literal(let s):
                    if denominatorTokens.contains(i), i == denominatorTokens.first { piece = denominatorText }
                    else if denominatorTokens.contains(i) { piece = "" }
                    else { piece = s }
                case .slash: piece = "/"
                case .point: piece = "."
                case .comma: piece = ","
                case .percent: piece = "%"
                default: piece = ""
                }
                _ = denominatorStart
                if inSeparator {
                    switch fractionShow == .shown ? separatorShow : fractionShow {
                    case .shown: out += piece
                    case .blank: out += String(repeating: " ", count: piece.count)
                    case .dropped: break
                    }
                } else if inFraction && fractionShow != .shown && (i <= (denominatorTokens.last ?? slash)) {
                    if fractionShow == .blank { blankWidth += piece.count; out += String(repeating: " ", count: piece.count) }
                } else {
                    out += piece
                }
            }
            return out
        }

        /// The fraction closest to `x` (0 ≤ x < 1, or any for improper fractions) with a
        /// denominator up to `maxDenominator`; the smallest denominator wins ties.
        static func bestFraction(_ x: Double, maxDenominator: Int) -> (Double, Double) {
            if maxDenominator <= 1 { return (x.rounded(.toNearestOrAwayFromZero), 1) }
            if maxDenominator <= 99_999 {
                var best = (x.rounded(.toNearestOrAwayFromZero), 1.0)
                var bestError = abs(x - best.0)
                if bestError == 0 { return best }
                for d in 2...maxDenominator {
                    let n = (x * Double(d)).rounded(.toNearestOrAwayFromZero)
                    let error = abs(x - n / Double(d))
                    if error < bestError - 1e-15 * max(1, x) {
                        best = (n, Double(d)); bestError = error
                        if error == 0 { break }
                    }
                }
                return best
            }
            // Continued fractions for large denominators.
            var h0 = 0.0, h1 = 1.0, k0 = 1.0, k1 = 0.0
            var r = x
            for _ in 0..<64 {
                let a = r.rounded(.down)
                let h2 = a * h1 + h0, k2 = a * k1 + k0
                if k2 > Double(maxDenominator) { break }
                h0 = h1; h1 = h2; k0 = k1; k1 = k2
                let f = r - a
                if f < 1e-12 { break }
                r = 1 / f
            }
            return k1 == 0 ? (x.rounded(), 1) : (h1, k1)
        }
    }
}

private extension Substring {
    var trimmingSpaces: Substring {
        var s = self
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return s
    }
}

/// The decimal digits of a non-negative number rounded to 15 significant digits, as Excel keeps
/// them, with rounding (half away from zero) at a number of decimals.
struct DecimalDigits: CustomStringConvertible {
    /// Significant digits without leading or trailing zeros; empty for zero.
    var digits: [UInt8]
    /// How many digits come before the decimal point (may be ≤ 0 or beyond `digits.count`).
    var pointPosition: Int

    init(digits: [UInt8], pointPosition: Int) {
        var d = digits
        var p = pointPosition
        while d.first == 0 { d.removeFirst(); p -= 1 }
        while d.last == 0 { d.removeLast() }
        if d.isEmpty { p = 0 }
        self.digits = d
        self.pointPosition = p
    }

    init(_ value: Double, significant: Int = 15) {
        let v = abs(value)
        guard v.isFinite, v > 0 else { self.init(digits: [], pointPosition: 0); return }
        let text = NumberText.scientificDigits(v, significant: significant)
        // text: "d.ddddde±XX"
        var ds: [UInt8] = []
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            for ch in text[..<e] where ch.isNumber { ds.append(UInt8(ch.asciiValue! - 48)) }
            exponent = Int(text[text.index(after: e)...]) ?? 0
        }
        self.init(digits: ds, pointPosition: exponent + 1)
    }

    var isZero: Bool { digits.isEmpty }

    func shifted(by places: Int) -> DecimalDigits {
        DecimalDigits(digits: digits, pointPosition: pointPosition + places)
    }

    /// Rounded half away from zero to `decimals` places after the point.
    func rounded(decimals: Int) -> DecimalDigits {
        let keep = pointPosition + decimals
        guard keep < digits.count else { return self }
        if keep < 0 { return DecimalDigits(digits: [], pointPosition: 0) }
        var kept = Array(digits[..<keep])
        var point = pointPosition
        if digits[keep] >= 5 {
            var i = kept.count - 1
            var carry = true
            while carry && i >= 0 {
                if kept[i] == 9 { kept[i] = 0; i -= 1 } else { kept[i] += 1; carry = false }
            }
            if carry { kept.insert(1, at: 0); point += 1 }
        }
        return DecimalDigits(digits: kept, pointPosition: point)
    }

    /// Digits before the point; empty when the integer part is 0.
    var integerDigits: [UInt8] {
        guard pointPosition > 0 else { return [] }
        var out = Array(digits.prefix(pointPosition))
        while out.count < pointPosition { out.append(0) }
        return out
    }

    /// Exactly `count` digits after the point.
    func fractionDigits(_ count: Int) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(count)
        for i in 0..<max(count, 0) {
            let index = pointPosition + i
            out.append(index >= 0 && index < digits.count ? digits[index] : 0)
        }
        return out
    }

    /// Plain decimal text ("123.45", "0.001", "0").
    var description: String {
        if digits.isEmpty { return "0" }
        let intPart = integerDigits.map(String.init).joined()
        let fracCount = max(0, digits.count - pointPosition)
        let frac = fractionDigits(fracCount).map(String.init).joined()
        return (intPart.isEmpty ? "0" : intPart) + (frac.isEmpty ? "" : "." + frac)
    }
}

/// Date and time parts of a format section.
enum DateFormatCode {
    static let monthNames = ["January", "February", "March", "April", "May", "June", "July", "August",
                             "September", "October", "November", "December"]
    static let dayNames = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]

    /// Kept for callers that format a single date code.
    static func format(_ serial: Double, code: String, date1904: Bool) -> String? {
        FormatCode(code).format(serial, date1904: date1904)
    }

    static func format(_ serial: Double, tokens: [FormatCode.Token], date1904: Bool) -> String? {
        var fractionDigits = 0
        var onlyElapsed = true
        var hasAMPM = false
        for t in tokens {
            guard case .date(let p) = t else { continue }
            switch p {
            case .fraction(let n): fractionDigits = max(fractionDigits, n)
            case .elapsedHours, .elapsedMinutes, .elapsedSeconds: break
            case .ampm: hasAMPM = true; onlyElapsed = false
            default: onlyElapsed = false
            }
        }
        let elapsedCount = tokens.filter { if case .date(let p) = $0 { switch p { case .elapsedHours, .elapsedMinutes, .elapsedSeconds, .fraction: return true; default: return false } }; return false }.count
        var negative = false
        var s = serial
        if s < 0 {
            // Only a lone elapsed-time part shows negative durations.
            guard onlyElapsed, elapsedCount == 1 else { return nil }
            negative = true
            s = -s
        }
        if !onlyElapsed && s >= (date1904 ? 2_957_004 : 2_958_466) { return nil }
        guard s < 1e11 else { return nil }
        // Round to the precision shown.
        let unit = pow(10.0, Double(fractionDigits))
        let totalUnits = (s * 86400 * unit).rounded(.toNearestOrAwayFromZero)
        let totalSecondsExact = totalUnits / unit
        let totalSeconds = totalSecondsExact.rounded(.down)
        let subUnits = Int(totalUnits - totalSeconds * unit)
        var day = Int((totalSeconds / 86400).rounded(.down))
        let secondsOfDay = Int(totalSeconds - Double(day) * 86400)
        if day < 0 { day = 0 }
        let (y, mo, d) = ExcelDate.civil(serial: day, date1904: date1904)
        let weekday = ((date1904 ? day + 1462 : day) + 6) % 7
        let h = secondsOfDay / 3600, mi = (secondsOfDay % 3600) / 60, sec = secondsOfDay % 60
        var out = negative ? "-" : ""
        func pad(_ n: Int, _ width: Int) -> String {
            let t = String(n)
            return t.count >= width ? t : String(repeating: "0", count: width - t.count) + t
        }
        for t in tokens {
            switch t {
            case .literal(let l): out += l
            case .point: out += "."
            case .comma: out += ","
            case .percent: out += "%"
            case .slash: out += "/"
            case .digit(let c): out.append(c)
            case .date(let p):
                switch p {
                case .year(let n): out += n <= 2 ? pad(y % 100, 2) : pad(y, 4)
                case .month(let n):
                    let idx = max(0, min(11, mo - 1))
                    switch n {
                    case 1: out += String(mo)
                    case 2: out += pad(mo, 2)
                    case 3: out += String(monthNames[idx].prefix(3))
                    case 5: out += String(monthNames[idx].prefix(1))
                    default: out += monthNames[idx]
                    }
                case .minute(let n): out += n == 1 ? String(mi) : pad(mi, 2)
                case .day(let n):
                    switch n {
                    case 1: out += String(d)
                    case 2: out += pad(d, 2)
                    case 3: out += String(dayNames[weekday].prefix(3))
                    default: out += dayNames[weekday]
                    }
                case .hour(let n):
                    var hour = h
                    if hasAMPM { hour = h % 12 == 0 ? 12 : h % 12 }
                    out += n == 1 ? String(hour) : pad(hour, 2)
                case .second(let n): out += n == 1 ? String(sec) : pad(sec, 2)
                case .elapsedHours(let n): out += pad(Int(totalSeconds / 3600), n)
                case .elapsedMinutes(let n): out += pad(Int(totalSeconds / 60), n)
                case .elapsedSeconds(let n): out += pad(Int(totalSeconds), n)
                case .ampm(let am, let pm): out += h < 12 ? am : pm
                case .fraction(let n):
                    var frac = pad(subUnits, fractionDigits)
                    frac = String(frac.prefix(n))
                    out += "." + frac
                }
            case .text, .general, .exponent: break
            }
        }
        return out
    }
}
