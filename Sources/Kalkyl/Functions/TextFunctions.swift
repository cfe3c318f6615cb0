/// Text functions.
enum TextFunctions {
    static let all: [FunctionDefinition] = [
        FunctionDefinition("CONCATENATE", 1...255) { args, ctx in
            try ctx.lift(args) { values in
                var out = ""
                for v in values {
                    switch Coercion.text(v) {
                    case .success(let s): out += s
                    case .failure(let e): return .error(e)
                    }
                }
                return .text(out)
            }
        },
        FunctionDefinition("CONCAT", 1...255) { args, ctx in
            var out = ""
            for a in args {
                for v in try ctx.values(a) {
                    switch Coercion.text(v) {
                    case .success(let s): out += s
                    case .failure(let e): return .error(e)
                    }
                }
            }
            return .text(out)
        },
        .scalar("LEFT", 1...2) { args, _ in
            substring(args) { s, n in String(s.prefix(n)) }
        },
        .scalar("RIGHT", 1...2) { args, _ in
            substring(args) { s, n in String(s.suffix(n)) }
        },
        .scalar("MID", 3...3) { args, _ in
            guard case .success(let s) = Coercion.text(args[0]) else { return errorOf(args[0]) }
            guard case .success(let start) = Coercion.number(args[1]) else { return errorOf(args[1]) }
            guard case .success(let count) = Coercion.number(args[2]) else { return errorOf(args[2]) }
            guard start >= 1, count >= 0 else { return .error(.value) }
            let chars = Array(s)
            let from = Int(start) - 1
            guard from < chars.count else { return .text("") }
            return .text(String(chars[from..<min(chars.count, from + Int(count))]))
        },
        .scalar("LEN", 1...1) { args, _ in
            guard case .success(let s) = Coercion.text(args[0]) else { return errorOf(args[0]) }
            return .number(Double(s.count))
        },
        .scalar("TRIM", 1...1) { args, _ in
            guard case .success(let s) = Coercion.text(args[0]) else { return errorOf(args[0]) }
            return .text(s.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " "))
        },
        .scalar("UPPER", 1...1) { args, _ in
            guard case .success(let s) = Coercion.text(args[0]) else { return errorOf(args[0]) }
            return .text(s.uppercased())
        },
        .scalar("LOWER", 1...1) { args, _ in
            guard case .success(let s) = Coercion.text(args[0]) else { return errorOf(args[0]) }
            return .text(s.lowercased())
        },
        .scalar("VALUE", 1...1) { args, _ in
            switch args[0] {
            case .number(let n): return .number(n)
            case .empty: return .number(0)
            case .text(let s): return Coercion.parseNumber(s).map { .number($0) } ?? .error(.value)
            case .error(let e): return .error(e)
            case .boolean: return .error(.value)
            }
        },
        .scalar("TEXT", 2...2) { args, ctx in
            if case .error(let e) = args[0] { return .error(e) }
            guard case .success(let format) = Coercion.text(args[1]) else { return errorOf(args[1]) }
            return NumberFormatter.text(args[0], format: format, date1904: ctx.date1904)
        },
    ]

    private static func substring(_ args: [CellValue], _ take: (String, Int) -> String) -> CellValue {
        guard case .success(let s) = Coercion.text(args[0]) else { return errorOf(args[0]) }
        var n = 1.0
        if args.count > 1 {
            guard case .success(let k) = Coercion.number(args[1]) else { return errorOf(args[1]) }
            n = k
        }
        guard n >= 0 else { return .error(.value) }
        return .text(take(s, Int(n)))
    }
}
