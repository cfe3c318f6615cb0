import Foundation

/// Text functions. Excel measures text in UTF-16 code units (LEN of an emoji is 2) and limits
/// results to 32,767 of them. The byte variants (LEFTB, LENB, …) count like the character ones, as
/// Excel does when no double-byte language is the default.
enum TextFunctions {
    static let maxLength = 32_767

    static let all: [FunctionDefinition] = [
        // MARK: Joining
        FunctionDefinition("CONCATENATE", 1...255) { args, ctx in
            try ctx.lift(args) { values in
                var out = ""
                for v in values {
                    switch Coercion.text(v) {
                    case .success(let s): out += s
                    case .failure(let e): return .error(e)
                    }
                }
                return out.utf16.count > maxLength ? .error(.value) : .text(out)
            }
        },
        FunctionDefinition("CONCAT", 1...254) { args, ctx in
            var out = ""
            for a in args {
                for v in try ctx.values(a) {
                    switch Coercion.text(v) {
                    case .success(let s): out += s
                    case .failure(let e): return .error(e)
                    }
                    if out.utf16.count > maxLength { return .error(.value) }
                }
            }
            return .text(out)
        },
        FunctionDefinition("TEXTJOIN", 3...255) { args, ctx in
            var delimiters: [String] = []
            for v in try ctx.values(args[0]) {
                switch Coercion.text(v) {
                case .success(let s): delimiters.append(s)
                case .failure(let e): return .error(e)
                }
            }
            if delimiters.isEmpty { delimiters = [""] }
            let ignoreEmpty: Bool
            switch Coercion.boolean(try ctx.scalar(args[1])) {
            case .success(let b): ignoreEmpty = b
            case .failure(let e): return .error(e)
            }
            var pieces: [String] = []
            for a in args.dropFirst(2) {
                for v in try ctx.values(a) {
                    switch Coercion.text(v) {
                    case .success(let s):
                        if ignoreEmpty && s.isEmpty { continue }
                        pieces.append(s)
                    case .failure(let e): return .error(e)
                    }
                }
            }
            var out = ""
            for (i, p) in pieces.enumerated() {
                if i > 0 { out += delimiters[(i - 1) % delimiters.count] }
                out += p
                if out.utf16.count > maxLength { return .error(.value) }
            }
            return .text(out)
        },

        // MARK: Pieces of text
        .scalar("LEFT", 1...2) { args, _ in left(args) },
        .scalar("LEFTB", 1...2) { args, _ in left(args) },
        .scalar("RIGHT", 1...2) { args, _ in right(args) },
        .scalar("RIGHTB", 1...2) { args, _ in right(args) },
        .scalar("MID", 3...3) { args, _ in mid(args) },
        .scalar("MIDB", 3...3) { args, _ in mid(args) },
        .scalar("LEN", 1...1) { args, _ in len(args) },
        .scalar("LENB", 1...1) { args, _ in len(args) },
        .scalar("REPLACE", 4...4) { args, _ in replace(args) },
        .scalar("REPLACEB", 4...4) { args, _ in replace(args) },
        .scalar("FIND", 2...3) { args, _ in find(args, caseSensitive: true) },
        .scalar("FINDB", 2...3) { args, _ in find(args, caseSensitive: true) },
        .scalar("SEARCH", 2...3) { args, _ in find(args, caseSensitive: false) },
        .scalar("SEARCHB", 2...3) { args, _ in find(args, caseSensitive: false) },
        .scalar("SUBSTITUTE", 3...4) { args, _ in
            guard case .success(let text) = Coercion.text(args[0]) else { return errorOf(args[0]) }
            guard case .success(let old) = Coercion.text(args[1]) else { return errorOf(args[1]) }
            guard case .success(let new) = Coercion.text(args[2]) else { return errorOf(args[2]) }
            var instance: Int? = nil
            if args.count > 3 {
                if case .boolean = args[3] { return .error(.value) }
                switch integer(args[3]) {
                case .success(let n): guard n >= 1 else { return .error(.value) }; instance = n
                case .failure(let e): return .error(e)
                }
            }
            let t = Array(text.utf16), o = Array(old.utf16), n = Array(new.utf16)
            guard !o.isEmpty else { return .text(text) }
            var out: [UInt16] = []
            var i = 0, seen = 0
            while i < t.count {
                if i + o.count <= t.count, t[i..<(i + o.count)].elementsEqual(o) {
                    seen += 1
                    if instance == nil || instance == seen {
                        out += n
                        i += o.count
                        if out.count > maxLength { return .error(.value) }
                        continue
                    }
                }
                out.append(t[i])
                i += 1
            }
            guard out.count <= maxLength else { return .error(.value) }
            return .text(string(out[...]))
        },
        .scalar("REPT", 2...2) { args, _ in
            guard case .success(let text) = Coercion.text(args[0]) else { return errorOf(args[0]) }
            guard case .success(let n) = Coercion.number(args[1]) else { return errorOf(args[1]) }
            let count = n.rounded(.towardZero)
            guard count >= 0 else { return .error(.value) }
            let length = text.utf16.count
            if length == 0 || count == 0 { return .text("") }
            guard count * Double(length) <= Double(maxLength) else { return .error(.value) }
            return .text(String(repeating: text, count: Int(count)))
        },
        .scalar("EXACT", 2...2) { args, _ in
            guard case .success(let a) = Coercion.text(args[0]) else { return errorOf(args[0]) }
            guard case .success(let b) = Coercion.text(args[1]) else { return errorOf(args[1]) }
            return .boolean(a.utf16.elementsEqual(b.utf16))
        },

        // MARK: Cleaning and case
        .scalar("TRIM", 1...1) { args, _ in
            guard case .success(let s) = Coercion.text(args[0]) else { return errorOf(args[0]) }
            // Only the space character (32) counts; other white space stays.
            return .text(s.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " "))
        },
        .scalar("CLEAN", 1...1) { args, _ in
            guard case .success(let s) = Coercion.text(args[0]) else { return errorOf(args[0]) }
            return .text(String(String.UnicodeScalarView(s.unicodeScalars.filter { $0.value >= 32 })))
        },
        .scalar("UPPER", 1...1) { args, _ in
            guard case .success(let s) = Coercion.text(args[0]) else { return errorOf(args[0]) }
            return .text(mapCase(s, upper: true))
        },
        .scalar("LOWER", 1...1) { args, _ in
            guard case .success(let s) = Coercion.text(args[0]) else { return errorOf(args[0]) }
            return .text(mapCase(s, upper: false))
        },
        .scalar("PROPER", 1...1) { args, _ in
            guard case .success(let s) = Coercion.text(args[0]) else { return errorOf(args[0]) }
            var out = ""
            var previousIsLetter = false
            for scalar in s.unicodeScalars {
                let isLetter = scalar.properties.isAlphabetic
                let piece = String(scalar)
                if isLetter {
                    out += previousIsLetter ? mapCase(piece, upper: false) : mapCase(piece, upper: true)
                } else {
                    out += piece
                }
                previousIsLetter = isLetter
            }
            return .text(out)
        },

        // MARK: Characters and codes
        .scalar("CHAR", 1...1) { args, ctx in
            guard case .success(let n) = Coercion.number(args[0]) else { return errorOf(args[0]) }
            let code = n.rounded(.towardZero)
            guard code >= 1, code <= 255 else { return .error(.value) }
            let table = ctx.usesMacintoshCharacterSet ? macRoman : windows1252
            return .text(String(Character(table[Int(code)])))
        },
        .scalar("CODE", 1...1) { args, ctx in
            guard case .success(let s) = Coercion.text(args[0]) else { return errorOf(args[0]) }
            guard let first = s.unicodeScalars.first else { return .error(.value) }
            let codes = ctx.usesMacintoshCharacterSet ? macRomanCode : windows1252Code
            return .number(Double(codes[first] ?? 63))
        },
        .scalar("UNICHAR", 1...1) { args, _ in
            guard case .success(let n) = Coercion.number(args[0]) else { return errorOf(args[0]) }
            let code = n.rounded(.towardZero)
            guard code >= 1, code <= 0x10FFFF else { return .error(.value) }
            guard let scalar = Unicode.Scalar(UInt32(code)) else { return .error(.notAvailable) }
            return .text(String(Character(scalar)))
        },
        .scalar("UNICODE", 1...1) { args, _ in
            guard case .success(let s) = Coercion.text(args[0]) else { return errorOf(args[0]) }
            guard let first = s.unicodeScalars.first else { return .error(.value) }
            return .number(Double(first.value))
        },
        .scalar("ASC", 1...1) { args, _ in
            guard case .success(let s) = Coercion.text(args[0]) else { return errorOf(args[0]) }
            return .text(String(String.UnicodeScalarView(s.unicodeScalars.map { u -> Unicode.Scalar in
                if u.value == 0x3000 { return " " }
                if (0xFF01...0xFF5E).contains(u.value) { return Unicode.Scalar(u.value - 0xFEE0) ?? u }
                return u
            })))
        },
        .scalar("DBCS", 1...1) { args, _ in
            guard case .success(let s) = Coercion.text(args[0]) else { return errorOf(args[0]) }
            return .text(String(String.UnicodeScalarView(s.unicodeScalars.map { u -> Unicode.Scalar in
                if u.value == 0x20 { return Unicode.Scalar(0x3000)! }
                if (0x21...0x7E).contains(u.value) { return Unicode.Scalar(u.value + 0xFEE0) ?? u }
                return u
            })))
        },

        // MARK: Numbers and text
        .scalar("VALUE", 1...1) { args, _ in
            switch args[0] {
            case .number(let n): return .number(n)
            case .empty: return .number(0)
            case .text(let s): return Coercion.parseNumber(s).map { .number($0) } ?? .error(.value)
            case .error(let e): return .error(e)
            case .boolean: return .error(.value)
            }
        },
        .scalar("NUMBERVALUE", 1...3) { args, _ in numberValue(args) },
        FunctionDefinition("T", 1...1) { args, ctx in
            func t(_ v: CellValue) -> CellValue {
                switch v {
                case .text(let s): return .text(s)
                case .error(let e): return .error(e)
                default: return .text("")
                }
            }
            // A range gives its first cell, even in an array formula.
            if case .reference(let r) = args[0], let area = r.areas.first {
                return Value(t(try ctx.cellValue(sheet: area.sheet, row: Int(area.range.first.row), column: Int(area.range.first.column))))
            }
            return try ctx.lift(args) { t($0[0]) }
        },
        .scalar("TEXT", 2...2) { args, ctx in
            guard case .success(let format) = Coercion.text(args[1]) else { return errorOf(args[1]) }
            var value = args[0]
            // Text that reads as a number (or date) is formatted as that number.
            if case .text(let s) = value, let n = Coercion.parseNumber(s) { value = .number(n) }
            return NumberFormatter.text(value, format: format, date1904: ctx.date1904)
        },
        .scalar("FIXED", 1...3) { args, _ in
            guard case .success(let n) = Coercion.number(args[0]) else { return errorOf(args[0]) }
            var decimals = 2
            if args.count > 1 {
                switch integer(args[1]) {
                case .success(let d): decimals = d
                case .failure(let e): return .error(e)
                }
            }
            var noCommas = false
            if args.count > 2 {
                switch Coercion.boolean(args[2]) {
                case .success(let b): noCommas = b
                case .failure(let e): return .error(e)
                }
            }
            guard decimals <= 127 else { return .error(.value) }
            return .text(fixedText(n, decimals: decimals, grouping: !noCommas))
        },
        .scalar("DOLLAR", 1...2) { args, _ in
            guard case .success(let n) = Coercion.number(args[0]) else { return errorOf(args[0]) }
            var decimals = 2
            if args.count > 1 {
                switch integer(args[1]) {
                case .success(let d): decimals = d
                case .failure(let e): return .error(e)
                }
            }
            guard decimals <= 127 else { return .error(.value) }
            let body = fixedText(abs(n), decimals: decimals, grouping: true)
            let isZero = !body.contains { $0 != "0" && $0 != "." && $0 != "," }
            return .text(n < 0 && !isZero ? "($" + body + ")" : "$" + body)
        },
        .scalar("VALUETOTEXT", 1...2) { args, _ in
            var strict = false
            if args.count > 1 {
                switch formatFlag(args[1]) {
                case .success(let s): strict = s
                case .failure(let e): return .error(e)
                }
            }
            return .text(valueText(args[0], strict: strict))
        },
        FunctionDefinition("ARRAYTOTEXT", 1...2) { args, ctx in
            var rows = 1, columns = 1
            var values: [CellValue]
            switch args[0] {
            case .reference(let r) where r.isSingleArea:
                let m = try ctx.matrix(r.areas[0])
                rows = m.rows; columns = m.columns; values = m.values
            case .array(let m):
                rows = m.rows; columns = m.columns; values = m.values
            default:
                values = try ctx.values(args[0])
                columns = values.count
            }
            let singleEmpty = values.count == 1 && values[0].isEmpty
            let formatArgs: [Value] = [args.count > 1 ? args[1] : .empty]
            return try ctx.lift(formatArgs) { f in
                var strict = false
                switch formatFlag(f[0]) {
                case .success(let s): strict = s
                case .failure(let e): return .error(e)
                }
                if strict {
                    if singleEmpty { return .error(.value) }
                    var out = "{"
                    for r in 0..<rows {
                        if r > 0 { out += ";" }
                        for c in 0..<columns {
                            if c > 0 { out += "," }
                            let i = r * columns + c
                            if i < values.count { out += valueText(values[i], strict: true) }
                        }
                    }
                    out += "}"
                    return out.utf16.count > maxLength ? .error(.value) : .text(out)
                }
                let out = values.map { valueText($0, strict: false) }.joined(separator: ", ")
                return out.utf16.count > maxLength ? .error(.value) : .text(out)
            }
        },

        // MARK: Splitting
        FunctionDefinition("TEXTBEFORE", 2...6) { args, ctx in
            try textBeforeAfter(args, ctx, before: true)
        },
        FunctionDefinition("TEXTAFTER", 2...6) { args, ctx in
            try textBeforeAfter(args, ctx, before: false)
        },
        FunctionDefinition("TEXTSPLIT", 2...6) { args, ctx in
            try textSplit(args, ctx)
        },

        // MARK: Thai
        .scalar("BAHTTEXT", 1...1) { args, _ in
            if case .text = args[0] { return .error(.value) }
            guard case .success(let n) = Coercion.number(args[0]) else { return errorOf(args[0]) }
            return bahtText(n)
        },

        // MARK: Regular expressions
        .scalar("REGEXTEST", 2...3) { args, _ in
            guard case .success(let text) = Coercion.text(args[0]) else { return errorOf(args[0]) }
            guard case .success(let pattern) = Coercion.text(args[1]) else { return errorOf(args[1]) }
            let re: NSRegularExpression
            switch compiledRegex(pattern, flag: args.count > 2 ? args[2] : .empty) {
            case .success(let r): re = r
            case .failure(let e): return .error(e)
            }
            let ns = text as NSString
            return .boolean(re.firstMatch(in: text, range: NSRange(location: 0, length: ns.length)) != nil)
        },
        FunctionDefinition("REGEXEXTRACT", 2...4) { args, ctx in
            try regexExtract(args, ctx)
        },
        .scalar("REGEXREPLACE", 3...5) { args, _ in
            guard case .success(let text) = Coercion.text(args[0]) else { return errorOf(args[0]) }
            guard case .success(let pattern) = Coercion.text(args[1]) else { return errorOf(args[1]) }
            guard case .success(let replacement) = Coercion.text(args[2]) else { return errorOf(args[2]) }
            var occurrence = 0
            if args.count > 3 {
                switch integer(args[3]) {
                case .success(let n): occurrence = n
                case .failure(let e): return .error(e)
                }
            }
            let re: NSRegularExpression
            switch compiledRegex(pattern, flag: args.count > 4 ? args[4] : .empty) {
            case .success(let r): re = r
            case .failure(let e): return .error(e)
            }
            let ns = text as NSString
            let matches = re.matches(in: text, range: NSRange(location: 0, length: ns.length))
            var chosen: [NSTextCheckingResult]
            if occurrence == 0 {
                chosen = matches
            } else {
                let index = occurrence > 0 ? occurrence - 1 : matches.count + occurrence
                guard index >= 0, index < matches.count else { return .text(text) }
                chosen = [matches[index]]
            }
            let out = NSMutableString(string: text)
            for m in chosen.reversed() {
                let r = re.replacementString(for: m, in: text, offset: 0, template: replacement)
                out.replaceCharacters(in: m.range, with: r)
            }
            let result = out as String
            return result.utf16.count > maxLength ? .error(.value) : .text(result)
        },
    ]

    // MARK: - Helpers

    static func string(_ units: ArraySlice<UInt16>) -> String { String(decoding: units, as: UTF16.self) }

    /// A count or position argument: numbers are truncated toward zero.
    static func integer(_ v: CellValue) -> Result<Int, ErrorValue> {
        switch Coercion.number(v) {
        case .success(let n):
            let t = n.rounded(.towardZero)
            guard t.isFinite else { return .failure(.value) }
            return .success(Int(max(min(t, 1e15), -1e15)))
        case .failure(let e): return .failure(e)
        }
    }

    private static func left(_ args: [CellValue]) -> CellValue { edge(args) { $0.prefix($1) } }
    private static func right(_ args: [CellValue]) -> CellValue { edge(args) { $0.suffix($1) } }

    /// LEFT and RIGHT: the first or last n UTF-16 units (n defaults to 1).
    private static func edge(_ args: [CellValue], _ take: ([UInt16], Int) -> ArraySlice<UInt16>) -> CellValue {
        guard case .success(let s) = Coercion.text(args[0]) else { return errorOf(args[0]) }
        var n = 1
        if args.count > 1 {
            switch integer(args[1]) {
            case .success(let k): n = k
            case .failure(let e): return .error(e)
            }
        }
        guard n >= 0 else { return .error(.value) }
        return .text(string(take(Array(s.utf16), n)))
    }

    private static func mid(_ args: [CellValue]) -> CellValue {
        guard case .success(let s) = Coercion.text(args[0]) else { return errorOf(args[0]) }
        let start: Int, count: Int
        switch integer(args[1]) {
        case .success(let k): start = k
        case .failure(let e): return .error(e)
        }
        switch integer(args[2]) {
        case .success(let k): count = k
        case .failure(let e): return .error(e)
        }
        guard start >= 1, count >= 0 else { return .error(.value) }
        let u = Array(s.utf16)
        let from = start - 1
        guard from < u.count else { return .text("") }
        return .text(string(u[from..<min(u.count, from + count)]))
    }

    private static func len(_ args: [CellValue]) -> CellValue {
        guard case .success(let s) = Coercion.text(args[0]) else { return errorOf(args[0]) }
        return .number(Double(s.utf16.count))
    }

    private static func replace(_ args: [CellValue]) -> CellValue {
        guard case .success(let s) = Coercion.text(args[0]) else { return errorOf(args[0]) }
        let start: Int, count: Int
        switch integer(args[1]) {
        case .success(let k): start = k
        case .failure(let e): return .error(e)
        }
        switch integer(args[2]) {
        case .success(let k): count = k
        case .failure(let e): return .error(e)
        }
        guard case .success(let new) = Coercion.text(args[3]) else { return errorOf(args[3]) }
        guard start >= 1, count >= 0 else { return .error(.value) }
        let u = Array(s.utf16)
        let from = min(start - 1, u.count)
        let to = min(u.count, from + count)
        let out = Array(u[..<from]) + Array(new.utf16) + Array(u[to...])
        guard out.count <= maxLength else { return .error(.value) }
        return .text(string(out[...]))
    }

    private static func find(_ args: [CellValue], caseSensitive: Bool) -> CellValue {
        guard case .success(let needle) = Coercion.text(args[0]) else { return errorOf(args[0]) }
        guard case .success(let haystack) = Coercion.text(args[1]) else { return errorOf(args[1]) }
        var start = 1
        if args.count > 2 {
            switch integer(args[2]) {
            case .success(let k): start = k
            case .failure(let e): return .error(e)
            }
        }
        let h = caseSensitive ? Array(haystack.utf16) : folded(haystack)
        let n = caseSensitive ? Array(needle.utf16) : folded(needle)
        guard start >= 1, start <= h.count + (n.isEmpty ? 1 : 0) || start == 1 && n.isEmpty else { return .error(.value) }
        if n.isEmpty { return .number(Double(start)) }
        if caseSensitive {
            var i = start - 1
            while i + n.count <= h.count {
                if h[i..<(i + n.count)].elementsEqual(n) { return .number(Double(i + 1)) }
                i += 1
            }
            return .error(.value)
        }
        let pattern = WildcardPattern(n)
        for i in (start - 1)..<h.count where pattern.matchesPrefix(of: h, at: i) {
            return .number(Double(i + 1))
        }
        return .error(.value)
    }

    /// Text folded to lower case unit by unit (a unit whose lower case is not one unit stays).
    static func folded(_ s: String) -> [UInt16] {
        var out: [UInt16] = []
        out.reserveCapacity(s.utf16.count)
        for scalar in s.unicodeScalars {
            if scalar.isASCII {
                let v = scalar.value
                out.append(UInt16(v >= 65 && v <= 90 ? v + 32 : v))
                continue
            }
            let units = Array(String(scalar).utf16)
            let lower = Array(scalar.properties.lowercaseMapping.utf16)
            out += lower.count == units.count ? lower : units
        }
        return out
    }

    private static func mapCase(_ s: String, upper: Bool) -> String {
        var out = ""
        for scalar in s.unicodeScalars {
            let mapped = upper ? scalar.properties.uppercaseMapping : scalar.properties.lowercaseMapping
            // Keep one-to-one mappings only (Excel leaves ß as it is).
            out += mapped.unicodeScalars.count == 1 ? mapped : String(scalar)
        }
        return out
    }

    /// `?` any one unit, `*` any run, `~` escapes the next character.
    struct WildcardPattern {
        enum Element: Equatable { case unit(UInt16), one, any }
        let elements: [Element]

        init(_ units: [UInt16]) {
            var e: [Element] = []
            var i = 0
            while i < units.count {
                let u = units[i]
                if u == 126, i + 1 < units.count, [42, 63, 126].contains(units[i + 1]) {  // ~* ~? ~~
                    e.append(.unit(units[i + 1])); i += 2; continue
                }
                e.append(u == 42 ? .any : u == 63 ? .one : .unit(u))
                i += 1
            }
            elements = e
        }

        /// Whether the pattern matches text starting at `start` (any text may follow).
        func matchesPrefix(of text: [UInt16], at start: Int) -> Bool {
            var p = 0, t = start
            var starP = -1, starT = 0
            while p < elements.count {
                if t <= text.count, p < elements.count {
                    switch elements[p] {
                    case .any:
                        starP = p; starT = t; p += 1; continue
                    case .one where t < text.count:
                        p += 1; t += 1; continue
                    case .unit(let u) where t < text.count && text[t] == u:
                        p += 1; t += 1; continue
                    default: break
                    }
                }
                if starP >= 0, starT < text.count {
                    starT += 1; t = starT; p = starP + 1
                    continue
                }
                return false
            }
            return true
        }
    }

    /// FIXED's text: rounded half away from zero at `decimals` (negative: left of the point).
    static func fixedText(_ value: Double, decimals: Int, grouping: Bool) -> String {
        let d = max(decimals, -400)
        let digits = DecimalDigits(value).rounded(decimals: d)
        var intDigits = digits.integerDigits
        if intDigits.isEmpty { intDigits = [0] }
        var out = ""
        for (i, digit) in intDigits.enumerated() {
            out += String(digit)
            let p = intDigits.count - i
            if grouping && p > 1 && (p - 1) % 3 == 0 { out += "," }
        }
        if d > 0 { out += "." + digits.fractionDigits(d).map(String.init).joined() }
        return (value < 0 && !digits.isZero ? "-" : "") + out
    }

    /// VALUETOTEXT/ARRAYTOTEXT format: 0 (concise) or 1 (strict).
    private static func formatFlag(_ v: CellValue) -> Result<Bool, ErrorValue> {
        switch integer(v) {
        case .success(let n):
            guard n == 0 || n == 1 else { return .failure(.value) }
            return .success(n == 1)
        case .failure(let e): return .failure(e)
        }
    }

    static func valueText(_ v: CellValue, strict: Bool) -> String {
        switch v {
        case .empty: return ""
        case .number(let n): return NumberText.general(n)
        case .boolean(let b): return b ? "TRUE" : "FALSE"
        case .error(let e): return e.text
        case .text(let s): return strict ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
        }
    }

    // MARK: NUMBERVALUE

    private static func numberValue(_ args: [CellValue]) -> CellValue {
        let text: String
        switch args[0] {
        case .number(let n): return .number(n)
        case .empty: return .number(0)
        case .boolean: return .error(.value)
        case .error(let e): return .error(e)
        case .text(let s): text = s
        }
        var decimal: Character? = nil, group: Character? = nil
        if args.count > 1 {
            guard case .success(let s) = Coercion.text(args[1]) else { return errorOf(args[1]) }
            guard let f = s.first else { return .error(.value) }
            decimal = f
        }
        if args.count > 2 {
            guard case .success(let s) = Coercion.text(args[2]) else { return errorOf(args[2]) }
            guard let f = s.first else { return .error(.value) }
            group = f
        }
        let dec: Character = decimal ?? (group == "." ? "," : ".")
        let grp: Character = group ?? (dec == "," ? "." : ",")
        if dec == grp { return .error(.value) }
        let chars = Array(text.filter { $0 != " " && $0 != "\t" && $0 != "\n" && $0 != "\r" })
        if chars.isEmpty { return .number(0) }
        var i = 0
        var negative = false
        var percents = 0
        var inParens = false
        if chars[i] == "(" { inParens = true; negative = true; i += 1 }
        else if chars[i] == "-" { negative = true; i += 1 }
        else if chars[i] == "+" { i += 1 }
        var mantissa = ""
        var seenDecimal = false
        var seenDigit = false
        while i < chars.count {
            let c = chars[i]
            if c == dec {
                if seenDecimal { return .error(.value) }
                seenDecimal = true; mantissa.append("."); i += 1
            } else if c == grp {
                if seenDecimal { return .error(.value) }
                i += 1
            } else if c.isASCII, c.isNumber {
                mantissa.append(c); seenDigit = true; i += 1
            } else {
                break
            }
        }
        guard seenDigit else { return .error(.value) }
        var exponent = 0
        if i < chars.count, chars[i] == "E" || chars[i] == "e" {
            i += 1
            var sign = 1
            if i < chars.count, chars[i] == "+" || chars[i] == "-" { sign = chars[i] == "-" ? -1 : 1; i += 1 }
            var digits = ""
            while i < chars.count, chars[i].isASCII, chars[i].isNumber { digits.append(chars[i]); i += 1 }
            guard let e = Int(digits.prefix(6)) else { return .error(.value) }
            exponent = sign * e
        }
        while i < chars.count, chars[i] == "%" { percents += 1; i += 1 }
        if inParens {
            guard i < chars.count, chars[i] == ")" else { return .error(.value) }
            i += 1
            while i < chars.count, chars[i] == "%" { percents += 1; i += 1 }
        }
        guard i == chars.count, let m = Double(mantissa.hasPrefix(".") ? "0" + mantissa : mantissa) else { return .error(.value) }
        var v = m * pow(10, Double(exponent - 2 * percents))
        if negative { v = -v }
        return v.isFinite ? .number(v) : .error(.value)
    }

    // MARK: TEXTBEFORE / TEXTAFTER

    private static func textBeforeAfter(_ args: [Value], _ ctx: EvaluationContext, before: Bool) throws -> Value {
        var delimiters: [[UInt16]] = []
        for v in try ctx.values(args[1]) {
            switch Coercion.text(v) {
            case .success(let s): delimiters.append(Array(s.utf16))
            case .failure(let e): return .error(e)
            }
        }
        var lifted = args
        lifted[1] = .empty
        return try ctx.lift(lifted) { a in
            guard case .success(let text) = Coercion.text(a[0]) else { return errorOf(a[0]) }
            var instance = 1
            if a.count > 2, !(a[2].isEmpty && args[2] == .empty) {
                switch integer(a[2]) {
                case .success(let n): instance = n
                case .failure(let e): return .error(e)
                }
            }
            var caseInsensitive = false
            if a.count > 3 {
                switch integer(a[3]) {
                case .success(let n): guard n == 0 || n == 1 else { return .error(.value) }; caseInsensitive = n == 1
                case .failure(let e): return .error(e)
                }
            }
            var matchEnd = false
            if a.count > 4 {
                switch Coercion.boolean(a[4]) {
                case .success(let b): matchEnd = b
                case .failure(let e): return .error(e)
                }
            }
            let units = caseInsensitive ? folded(text) : Array(text.utf16)
            let original = Array(text.utf16)
            guard instance != 0, abs(instance) <= max(units.count, 1) else { return .error(.value) }
            let delims = caseInsensitive ? delimiters.map { folded(string($0[...])) } : delimiters
            // Occurrences as (start, end) ranges.
            var occurrences: [(Int, Int)] = []
            if delims.contains(where: { $0.isEmpty }) {
                // An empty delimiter matches at once: at the start (or end when counting back).
                occurrences = instance > 0 ? [(0, 0)] : [(units.count, units.count)]
            } else {
                var i = 0
                while i < units.count {
                    var best: Int? = nil
                    for d in delims where i + d.count <= units.count && units[i..<(i + d.count)].elementsEqual(d) {
                        best = max(best ?? 0, d.count)
                    }
                    if let b = best { occurrences.append((i, i + b)); i += b } else { i += 1 }
                }
            }
            if matchEnd {
                if instance > 0 { occurrences.append((units.count, units.count)) } else { occurrences.insert((0, 0), at: 0) }
            }
            let index = instance > 0 ? instance - 1 : occurrences.count + instance
            guard index >= 0, index < occurrences.count else {
                if a.count > 5, !(a[5].isEmpty && args[5] == .empty) { return a[5] }
                return .error(.notAvailable)
            }
            let (start, end) = occurrences[index]
            return .text(before ? string(original[..<start]) : string(original[end...]))
        }
    }

    // MARK: TEXTSPLIT

    private static func textSplit(_ args: [Value], _ ctx: EvaluationContext) throws -> Value {
        func delimiterList(_ v: Value) throws -> Result<[[UInt16]], ErrorValue> {
            var out: [[UInt16]] = []
            for c in try ctx.values(v) {
                switch c {
                case .empty: continue
                default:
                    switch Coercion.text(c) {
                    case .success(let s): out.append(Array(s.utf16))
                    case .failure(let e): return .failure(e)
                    }
                }
            }
            return .success(out)
        }
        var columnDelimiters: [[UInt16]] = [], rowDelimiters: [[UInt16]] = []
        switch try delimiterList(args[1]) {
        case .success(let d): columnDelimiters = d
        case .failure(let e): return .error(e)
        }
        if args.count > 2 {
            switch try delimiterList(args[2]) {
            case .success(let d): rowDelimiters = d
            case .failure(let e): return .error(e)
            }
        }
        columnDelimiters.removeAll { $0.isEmpty }
        rowDelimiters.removeAll { $0.isEmpty }
        if columnDelimiters.isEmpty && rowDelimiters.isEmpty { return .error(.value) }
        func scalarArg(_ i: Int) throws -> CellValue { i < args.count ? try ctx.scalar(args[i]) : .empty }
        var ignoreEmpty = false
        switch Coercion.boolean(try scalarArg(3)) {
        case .success(let b): ignoreEmpty = b
        case .failure(let e): return .error(e)
        }
        var caseInsensitive = false
        switch integer(try scalarArg(4)) {
        case .success(let n): guard n == 0 || n == 1 else { return .error(.value) }; caseInsensitive = n == 1
        case .failure(let e): return .error(e)
        }
        let padArg = try scalarArg(5)
        let pad: CellValue = args.count > 5 && !(args[5] == .empty) ? padArg : .error(.notAvailable)

        func split(_ text: String) -> Matrix {
            let original = Array(text.utf16)
            let units = caseInsensitive ? folded(text) : original
            let cds = caseInsensitive ? columnDelimiters.map { folded(string($0[...])) } : columnDelimiters
            let rds = caseInsensitive ? rowDelimiters.map { folded(string($0[...])) } : rowDelimiters
            var rows: [[String]] = []
            var row: [String] = []
            var pieceStart = 0
            var i = 0
            func longest(_ ds: [[UInt16]], at i: Int) -> Int? {
                var best: Int? = nil
                for d in ds where i + d.count <= units.count && units[i..<(i + d.count)].elementsEqual(d) {
                    best = max(best ?? 0, d.count)
                }
                return best
            }
            func endRow() {
                if !(ignoreEmpty && row.isEmpty) { rows.append(row) }
                row = []
            }
            while i < units.count {
                if let r = longest(rds, at: i) {
                    let piece = string(original[pieceStart..<i])
                    if !(ignoreEmpty && piece.isEmpty) { row.append(piece) }
                    endRow()
                    i += r; pieceStart = i
                } else if let c = longest(cds, at: i) {
                    let piece = string(original[pieceStart..<i])
                    if !(ignoreEmpty && piece.isEmpty) { row.append(piece) }
                    i += c; pieceStart = i
                } else {
                    i += 1
                }
            }
            let last = string(original[pieceStart...])
            if !(ignoreEmpty && last.isEmpty) { row.append(last) }
            if !row.isEmpty || !ignoreEmpty { rows.append(row) }
            if rows.isEmpty { return Matrix(rows: 1, columns: 1, values: [.error(.calc)]) }
            let width = max(1, rows.map(\.count).max() ?? 1)
            var values: [CellValue] = []
            for r in rows {
                for c in 0..<width { values.append(c < r.count ? .text(r[c]) : pad) }
            }
            return Matrix(rows: rows.count, columns: width, values: values)
        }

        let textArg = try ctx.dereference(args[0])
        if case .array(let m) = textArg, m.count != 1 {
            // Several texts: each gives the first piece of its split.
            var out = m
            for i in 0..<m.values.count {
                if m.values[i].isEmpty { out.values[i] = .error(.value); continue }
                switch Coercion.text(m.values[i]) {
                case .success(let s): out.values[i] = split(s).values[0]
                case .failure(let e): out.values[i] = .error(e)
                }
            }
            return .array(out)
        }
        if textArg.scalar.isEmpty { return .error(.value) }
        switch Coercion.text(textArg.scalar) {
        case .success(let s):
            let m = split(s)
            return m.count == 1 ? Value(m.values[0]) : .array(m)
        case .failure(let e): return .error(e)
        }
    }

    // MARK: Regular expressions

    private static func caseFlag(_ v: CellValue) -> Result<Bool, ErrorValue> {
        switch integer(v) {
        case .success(let n):
            guard n == 0 || n == 1 else { return .failure(.value) }
            return .success(n == 1)
        case .failure(let e): return .failure(e)
        }
    }

    /// The pattern compiled with the REGEX* functions' case flag (0 case-sensitive, 1 not); a flag
    /// that is not 0 or 1, or a pattern that does not compile, is #VALUE!.
    private static func compiledRegex(_ pattern: String, flag: CellValue) -> Result<NSRegularExpression, ErrorValue> {
        switch caseFlag(flag) {
        case .failure(let e): return .failure(e)
        case .success(let caseInsensitive):
            guard let re = try? NSRegularExpression(pattern: pattern, options: caseInsensitive ? [.caseInsensitive] : [])
            else { return .failure(.value) }
            return .success(re)
        }
    }

    private static func regexExtract(_ args: [Value], _ ctx: EvaluationContext) throws -> Value {
        // Mode 1 and 2 give arrays, so only the text and pattern are taken one by one.
        func one(_ a: [CellValue]) -> Value {
            guard case .success(let text) = Coercion.text(a[0]) else { return Value(errorOf(a[0])) }
            guard case .success(let pattern) = Coercion.text(a[1]) else { return Value(errorOf(a[1])) }
            var mode = 0
            if a.count > 2 {
                switch integer(a[2]) {
                case .success(let n): guard (0...2).contains(n) else { return .error(.value) }; mode = n
                case .failure(let e): return .error(e)
                }
            }
            let re: NSRegularExpression
            switch compiledRegex(pattern, flag: a.count > 3 ? a[3] : .empty) {
            case .success(let r): re = r
            case .failure(let e): return .error(e)
            }
            let ns = text as NSString
            let matches = re.matches(in: text, range: NSRange(location: 0, length: ns.length))
            guard let first = matches.first else { return .error(.notAvailable) }
            switch mode {
            case 0: return .text(ns.substring(with: first.range))
            case 1:
                let all: [CellValue] = matches.map { .text(ns.substring(with: $0.range)) }
                return all.count == 1 ? Value(all[0]) : .array(Matrix(row: all))
            default:
                guard first.numberOfRanges > 1 else { return .error(.value) }
                var groups: [CellValue] = []
                for g in 1..<first.numberOfRanges {
                    let r = first.range(at: g)
                    groups.append(r.location == NSNotFound ? .error(.notAvailable) : .text(ns.substring(with: r)))
                }
                if groups.count == 1 { return Value(groups[0]) }
                return .array(Matrix(row: groups))
            }
        }
        var scalars: [CellValue] = []
        var arrays = false
        for a in args {
            let v = try ctx.dereference(a)
            if case .array(let m) = v, m.count != 1 { arrays = true }
            scalars.append(v.scalar)
        }
        if !arrays { return one(scalars) }
        return try ctx.lift(args) { a in
            let r = one(a)
            // An array result in one element of a lifted call shows its first value.
            return r.scalar
        }
    }

    // MARK: BAHTTEXT

    private static let thaiDigits = ["ศูนย์", "หนึ่ง", "สอง", "สาม", "สี่", "ห้า", "หก", "เจ็ด", "แปด", "เก้า"]
    private static let thaiPlaces = ["", "สิบ", "ร้อย", "พัน", "หมื่น", "แสน"]

    /// Thai words for 1…999,999 (empty for 0).
    private static func thaiBelowMillion(_ n: Int) -> String {
        var out = ""
        let digits = String(n).compactMap { $0.wholeNumberValue }
        let count = digits.count
        for (i, d) in digits.enumerated() where d != 0 {
            let place = count - 1 - i
            if place == 0 && d == 1 && n > 9 { out += "เอ็ด"; continue }
            if place == 1 && d == 1 { out += "สิบ"; continue }
            if place == 1 && d == 2 { out += "ยี่สิบ"; continue }
            out += thaiDigits[d] + thaiPlaces[place]
        }
        return out
    }

    private static func thaiNumber(_ n: Int) -> String {
        if n == 0 { return "" }
        if n < 1_000_000 { return thaiBelowMillion(n) }
        return thaiNumber(n / 1_000_000) + "ล้าน" + thaiBelowMillion(n % 1_000_000)
    }

    private static func bahtText(_ value: Double) -> CellValue {
        let digits = DecimalDigits(value).rounded(decimals: 2)
        guard digits.pointPosition <= 15 else { return .error(.value) }
        let whole = Int(digits.integerDigits.reduce(0) { $0 * 10 + Int($1) })
        let frac = digits.fractionDigits(2)
        let satang = Int(frac[0]) * 10 + Int(frac[1])
        var out = value < 0 && !digits.isZero ? "ลบ" : ""
        if whole == 0 && satang == 0 { return .text("ศูนย์บาทถ้วน") }
        if whole > 0 { out += thaiNumber(whole) + "บาท" }
        out += satang == 0 ? "ถ้วน" : thaiNumber(satang) + "สตางค์"
        return .text(out)
    }

    // MARK: Code page

    /// Windows-1252, the code page of CHAR and CODE in Excel for Windows (Western languages).
    static let windows1252: [Unicode.Scalar] = (0..<256).map { i -> Unicode.Scalar in
        let high: [UInt32] = [0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
                              0x2039, 0x0152, 0x8D, 0x017D, 0x8F, 0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
                              0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D, 0x017E, 0x0178]
        let v: UInt32 = (128..<160).contains(i) ? high[i - 128] : UInt32(i)
        return Unicode.Scalar(v) ?? "?"
    }

    static let windows1252Code: [Unicode.Scalar: Int] = codes(of: windows1252)

    /// Mac OS Roman, the character set of CHAR and CODE in Excel for Mac.
    static let macRoman: [Unicode.Scalar] = (0..<256).map { i -> Unicode.Scalar in
        let high: [UInt32] = [
            196, 197, 199, 201, 209, 214, 220, 225, 224, 226, 228, 227, 229, 231, 233, 232, 234, 235, 237, 236,
            238, 239, 241, 243, 242, 244, 246, 245, 250, 249, 251, 252, 8224, 176, 162, 163, 167, 8226, 182, 223,
            174, 169, 8482, 180, 168, 8800, 198, 216, 8734, 177, 8804, 8805, 165, 181, 8706, 8721, 8719, 960, 8747,
            170, 186, 937, 230, 248, 191, 161, 172, 8730, 402, 8776, 8710, 171, 187, 8230, 160, 192, 195, 213, 338,
            339, 8211, 8212, 8220, 8221, 8216, 8217, 247, 9674, 255, 376, 8260, 8364, 8249, 8250, 64257, 64258,
            8225, 183, 8218, 8222, 8240, 194, 202, 193, 203, 200, 205, 206, 207, 204, 211, 212, 63743, 210, 218,
            219, 217, 305, 710, 732, 175, 728, 729, 730, 184, 733, 731, 711]
        return Unicode.Scalar(i < 128 ? UInt32(i) : high[i - 128]) ?? "?"
    }

    static let macRomanCode: [Unicode.Scalar: Int] = codes(of: macRoman)

    private static func codes(of table: [Unicode.Scalar]) -> [Unicode.Scalar: Int] {
        var map: [Unicode.Scalar: Int] = [:]
        for (i, s) in table.enumerated() where map[s] == nil { map[s] = i }
        return map
    }
}

extension EvaluationContext {
    /// Excel for Mac maps CHAR and CODE through the Macintosh character set, Excel for Windows
    /// through Windows-1252; the workbook says which (`Workbook.macintoshCharacterSet`).
    var usesMacintoshCharacterSet: Bool { workbook.macintoshCharacterSet }
}
