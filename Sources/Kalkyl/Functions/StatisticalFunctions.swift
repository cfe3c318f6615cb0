/// Statistical functions: counting, averages, extremes, and their criteria forms.
enum StatisticalFunctions {
    static let all: [FunctionDefinition] = [
        FunctionDefinition("COUNT", 1...255) { args, ctx in
            var n = 0
            for a in args {
                switch a {
                case .reference, .array:
                    for v in try ctx.values(a) { if case .number = v { n += 1 } }
                case .error: continue
                default:
                    if case .success = Coercion.number(a.scalar), !isEmptyArgument(a) { n += 1 }
                }
            }
            return .number(Double(n))
        },
        FunctionDefinition("COUNTA", 1...255) { args, ctx in
            var n = 0
            for a in args {
                switch a {
                case .reference(let r): try ctx.forEachValue(in: r) { _ in n += 1 }
                case .array(let m): n += m.values.filter { !$0.isEmpty }.count
                default: n += 1
                }
            }
            return .number(Double(n))
        },
        FunctionDefinition("COUNTBLANK", 1...1) { args, ctx in
            guard case .reference(let r) = args[0] else { return .error(.value) }
            var filled = 0
            try ctx.forEachValue(in: r) { v in
                if case .text(let s) = v, s.isEmpty { return }
                filled += 1
            }
            let total = r.areas.reduce(0) { $0 + $1.range.cellCount }
            return .number(Double(total - filled))
        },
        FunctionDefinition("COUNTIF", 2...2) { args, ctx in try ctx.countIfs([(args[0], args[1])]) },
        FunctionDefinition("COUNTIFS", 2...254) { args, ctx in
            guard let pairs = EvaluationContext.criteriaPairs(args[0...]) else { return .error(.value) }
            return try ctx.countIfs(pairs)
        },
        FunctionDefinition("AVERAGE", 1...255) { args, ctx in
            switch try ctx.numbers(args) {
            case .failure(let e): return .error(e)
            case .success(let xs): return xs.isEmpty ? .error(.divisionByZero) : .number(xs.reduce(0, +) / Double(xs.count))
            }
        },
        FunctionDefinition("AVERAGEIF", 2...3) { args, ctx in
            try ctx.averageIfs(averageRange: args.count == 3 ? args[2] : args[0], pairs: [(args[0], args[1])])
        },
        FunctionDefinition("AVERAGEIFS", 3...255) { args, ctx in
            guard let pairs = EvaluationContext.criteriaPairs(args[1...]) else { return .error(.value) }
            return try ctx.averageIfs(averageRange: args[0], pairs: pairs)
        },
        FunctionDefinition("MIN", 1...255) { args, ctx in
            Value(try ctx.numbers(args).map { $0.min() ?? 0 })
        },
        FunctionDefinition("MAX", 1...255) { args, ctx in
            Value(try ctx.numbers(args).map { $0.max() ?? 0 })
        },
        FunctionDefinition("MINIFS", 3...255) { args, ctx in
            guard let pairs = EvaluationContext.criteriaPairs(args[1...]) else { return .error(.value) }
            return try ctx.criteriaNumbers(args[0], pairs) { $0.min() ?? 0 }
        },
        FunctionDefinition("MAXIFS", 3...255) { args, ctx in
            guard let pairs = EvaluationContext.criteriaPairs(args[1...]) else { return .error(.value) }
            return try ctx.criteriaNumbers(args[0], pairs) { $0.max() ?? 0 }
        },
    ]

    private static func isEmptyArgument(_ v: Value) -> Bool {
        if case .empty = v { return true }
        return false
    }
}

extension EvaluationContext {
    func countIfs(_ pairs: [(Value, Value)]) throws -> Value {
        switch try matchingOffsets(pairs) {
        case .failure(let e): return .error(e)
        case .success(let (offsets, _)): return .number(Double(offsets.count))
        }
    }

    func averageIfs(averageRange: Value, pairs: [(Value, Value)]) throws -> Value {
        try criteriaNumbers(averageRange, pairs) { xs in xs.isEmpty ? .nan : xs.reduce(0, +) / Double(xs.count) }
    }

    /// The numbers of a value range at the positions where all criteria hold, combined.
    func criteriaNumbers(_ valueRange: Value, _ pairs: [(Value, Value)], _ combine: ([Double]) -> Double) throws -> Value {
        guard case .reference(let r) = valueRange, r.isSingleArea else { return .error(.value) }
        switch try matchingOffsets(pairs) {
        case .failure(let e): return .error(e)
        case .success(let (offsets, shape)):
            let area = Reference.Area(sheet: r.areas[0].sheet, range: CellRange(
                first: r.areas[0].range.first,
                last: CellAddress(row: Int(r.areas[0].range.first.row) + shape.rowCount - 1,
                                  column: Int(r.areas[0].range.first.column) + shape.columnCount - 1)))
            var xs: [Double] = []
            for offset in offsets {
                switch try value(in: area, offset: Int(offset)) {
                case .number(let n): xs.append(n)
                case .error(let e): return .error(e)
                default: continue
                }
            }
            let result = combine(xs)
            return result.isNaN ? .error(.divisionByZero) : .number(result)
        }
    }
}
