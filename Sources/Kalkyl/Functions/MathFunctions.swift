#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Math and trigonometry functions.
enum MathFunctions {
    static let all: [FunctionDefinition] = [
        FunctionDefinition("SUM", 1...255) { args, ctx in
            Value(try ctx.numbers(args).map { $0.reduce(0, NumberPrecision.sum) })
        },
        FunctionDefinition("SUMIF", 2...3) { args, ctx in
            try ctx.sumIfs(sumRange: args.count == 3 ? args[2] : args[0], pairs: [(args[0], args[1])])
        },
        FunctionDefinition("SUMIFS", 3...255) { args, ctx in
            guard let pairs = EvaluationContext.criteriaPairs(args[1...]) else { return .error(.value) }
            return try ctx.sumIfs(sumRange: args[0], pairs: pairs, sameShape: true)
        },
        FunctionDefinition("SUMPRODUCT", 1...255, arrayArguments: true) { args, ctx in
            var arrays: [Matrix] = []
            for a in args {
                switch try ctx.dereference(a) {
                case .array(let m): arrays.append(m)
                case .error(let e): return .error(e)
                case let v: arrays.append(Matrix(rows: 1, columns: 1, values: [v.scalar]))
                }
            }
            guard let first = arrays.first,
                  arrays.allSatisfy({ $0.rows == first.rows && $0.columns == first.columns }) else { return .error(.value) }
            var total = 0.0
            for i in 0..<first.count {
                var product = 1.0
                for m in arrays {
                    switch m.values[i] {
                    case .number(let n): product *= n
                    case .error(let e): return .error(e)
                    default: product = 0
                    }
                }
                total += product
            }
            return .number(total)
        },
        .scalar("ROUND", 2...2) { args, _ in roundFunction(args) { x, _ in x.rounded(.toNearestOrAwayFromZero) } },
        .scalar("ROUNDUP", 2...2) { args, _ in roundFunction(args) { x, _ in x.rounded(.awayFromZero) } },
        .scalar("ROUNDDOWN", 2...2) { args, _ in roundFunction(args) { x, _ in x.rounded(.towardZero) } },
        .scalar("INT", 1...1) { args, _ in CellValue(Coercion.number(args[0]).map { ($0).rounded(.down) }) },
        .scalar("ABS", 1...1) { args, _ in CellValue(Coercion.number(args[0]).map { abs($0) }) },
        .scalar("MOD", 2...2) { args, _ in
            guard case .success(let n) = Coercion.number(args[0]) else { return errorOf(args[0]) }
            guard case .success(let d) = Coercion.number(args[1]) else { return errorOf(args[1]) }
            guard d != 0 else { return .error(.divisionByZero) }
            let r = n - d * (n / d).rounded(.down)
            return .number(NumberPrecision.equal(r, d) ? 0 : r)
        },
    ]

    /// ROUND, ROUNDUP and ROUNDDOWN: `digits` may be negative (ROUND(1234, -2) is 1200). The value is
    /// first brought to 15 significant digits so that 2.675 (stored as 2.67499…) rounds like Excel.
    static func roundFunction(_ args: [CellValue], _ rule: (Double, Int) -> Double) -> CellValue {
        guard case .success(let x) = Coercion.number(args[0]) else { return errorOf(args[0]) }
        guard case .success(let d) = Coercion.number(args[1]) else { return errorOf(args[1]) }
        let digits = Int(d.rounded(.towardZero))
        guard abs(digits) <= 308 else { return .number(digits > 0 ? x : 0) }
        let factor = pow(10.0, Double(abs(digits)))
        let scaled = digits >= 0 ? x * factor : x / factor
        let cleaned = Double(NumberText.format15(scaled)) ?? scaled
        let r = rule(cleaned, digits)
        let result = digits >= 0 ? r / factor : r * factor
        return result.isFinite ? .number(result == 0 ? 0 : result) : .error(.number)
    }
}

/// The error a failed coercion gives (#VALUE! for text that is not a number).
func errorOf(_ value: CellValue) -> CellValue {
    if case .error(let e) = value { return .error(e) }
    return .error(.value)
}

extension EvaluationContext {
    /// SUMIF/SUMIFS. SUMIFS wants the sum range the criteria ranges' shape (`sameShape`); SUMIF
    /// takes the criteria range's shape from the sum range's top-left cell.
    func sumIfs(sumRange: Value, pairs: [(Value, Value)], sameShape: Bool = false) throws -> Value {
        guard case .reference(let r) = sumRange, r.isSingleArea else { return .error(.value) }
        if sameShape, case .reference(let c) = pairs[0].0,
           c.areas[0].range.rowCount != r.areas[0].range.rowCount || c.areas[0].range.columnCount != r.areas[0].range.columnCount {
            return .error(.value)
        }
        switch try matchingOffsets(pairs) {
        case .failure(let e): return .error(e)
        case .success(let (offsets, shape)):
            // SUMIF's sum range takes the criteria range's shape from its own top-left cell.
            let area = Reference.Area(sheet: r.areas[0].sheet, range: CellRange(
                first: r.areas[0].range.first,
                last: CellAddress(row: Int(r.areas[0].range.first.row) + shape.rowCount - 1,
                                  column: Int(r.areas[0].range.first.column) + shape.columnCount - 1)))
            var total = 0.0
            for offset in offsets {
                switch try value(in: area, offset: Int(offset)) {
                case .number(let n): total += n
                case .error(let e): return .error(e)
                default: continue
                }
            }
            return .number(total)
        }
    }
}
