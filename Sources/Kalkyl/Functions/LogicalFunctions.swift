/// Logical functions: IF and its relatives, AND, OR, NOT, XOR, TRUE, FALSE.
enum LogicalFunctions {
    static let all: [FunctionDefinition] = [
        FunctionDefinition("IF", 1...3, lazy: .if),
        FunctionDefinition("IFS", 2...254, lazy: .ifs),
        FunctionDefinition("IFERROR", 2...2, lazy: .ifError),
        FunctionDefinition("IFNA", 2...2, lazy: .ifNA),
        FunctionDefinition("SWITCH", 3...254, lazy: .switch),
        FunctionDefinition("AND", 1...255) { args, ctx in try ctx.logical(args) { $0.allSatisfy { $0 } } },
        FunctionDefinition("OR", 1...255) { args, ctx in try ctx.logical(args) { $0.contains(true) } },
        FunctionDefinition("XOR", 1...255) { args, ctx in try ctx.logical(args) { $0.filter { $0 }.count % 2 == 1 } },
        .scalar("NOT", 1...1) { args, _ in
            switch Coercion.boolean(args[0]) {
            case .success(let b): .boolean(!b)
            case .failure(let e): .error(e)
            }
        },
        FunctionDefinition("TRUE", 0...0) { _, _ in .boolean(true) },
        FunctionDefinition("FALSE", 0...0) { _, _ in .boolean(false) },
    ]
}

extension EvaluationContext {
    /// AND/OR/XOR: logical values and numbers count, in references text and empty cells are
    /// skipped; text typed as an argument counts when it reads TRUE or FALSE and is skipped
    /// otherwise; no logical value at all is #VALUE!.
    func logical(_ arguments: [Value], _ combine: ([Bool]) -> Bool) throws -> Value {
        var flags: [Bool] = []
        for a in arguments {
            switch a {
            case .reference, .array:
                for v in try values(a) {
                    switch v {
                    case .boolean(let b): flags.append(b)
                    case .number(let n): flags.append(n != 0)
                    case .error(let e): return .error(e)
                    default: continue
                    }
                }
            case .empty: continue
            case .text(let s):
                // Text typed as an argument counts only when it reads TRUE or FALSE
                // (AND(TRUE,"0") is TRUE); other text is skipped.
                if case .success(let b) = Coercion.boolean(.text(s)) { flags.append(b) }
            default:
                switch Coercion.boolean(a.scalar) {
                case .success(let b): flags.append(b)
                case .failure(let e): return .error(e)
                }
            }
        }
        guard !flags.isEmpty else { return .error(.value) }
        return .boolean(combine(flags))
    }
}
