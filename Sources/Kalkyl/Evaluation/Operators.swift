#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The arithmetic, text and comparison operators on values, element by element over arrays.
enum Operators {
    static func apply(_ op: BinaryOperator, _ a: Value, _ b: Value) -> Value {
        switch (a, b) {
        case (.array(let x), .array(let y)):
            let rows = max(x.rows, y.rows), columns = max(x.columns, y.columns)
            var out = Matrix(rows: rows, columns: columns, repeating: .empty)
            for r in 0..<rows {
                for c in 0..<columns { out[r, c] = scalar(op, x.broadcast(row: r, column: c), y.broadcast(row: r, column: c)) }
            }
            return .array(out)
        case (.array(let x), _):
            let s = b.scalar
            var out = x
            for i in 0..<x.values.count { out.values[i] = scalar(op, x.values[i], s) }
            return .array(out)
        case (_, .array(let y)):
            let s = a.scalar
            var out = y
            for i in 0..<y.values.count { out.values[i] = scalar(op, s, y.values[i]) }
            return .array(out)
        default:
            return Value(scalar(op, a.scalar, b.scalar))
        }
    }

    static func scalar(_ op: BinaryOperator, _ a: CellValue, _ b: CellValue) -> CellValue {
        if case .error(let e) = a { return .error(e) }
        if case .error(let e) = b { return .error(e) }
        switch op {
        case .concatenate:
            guard case .success(let x) = Coercion.text(a), case .success(let y) = Coercion.text(b) else { return .error(.value) }
            return .text(x + y)
        case .equal: return .boolean(Coercion.compare(a, b) == 0)
        case .notEqual: return .boolean(Coercion.compare(a, b) != 0)
        case .less: return .boolean(Coercion.compare(a, b) < 0)
        case .lessOrEqual: return .boolean(Coercion.compare(a, b) <= 0)
        case .greater: return .boolean(Coercion.compare(a, b) > 0)
        case .greaterOrEqual: return .boolean(Coercion.compare(a, b) >= 0)
        default:
            let x: Double, y: Double
            switch Coercion.number(a) { case .success(let n): x = n; case .failure(let e): return .error(e) }
            switch Coercion.number(b) { case .success(let n): y = n; case .failure(let e): return .error(e) }
            return arithmetic(op, x, y)
        }
    }

    static func arithmetic(_ op: BinaryOperator, _ x: Double, _ y: Double) -> CellValue {
        let r: Double
        switch op {
        case .add: r = NumberPrecision.sum(x, y)
        case .subtract: r = NumberPrecision.sum(x, -y)
        case .multiply: r = x * y
        case .divide:
            guard y != 0 else { return .error(.divisionByZero) }
            r = x / y
        case .power:
            return MathFunctions.power(x, y)  // odd roots of negative numbers as POWER
        default: return .error(.value)
        }
        guard r.isFinite else { return .error(.number) }
        return .number(r == 0 ? 0 : r)  // no negative zero
    }
}

/// `:`, intersection and union on references.
enum ReferenceOperators {
    static func apply(_ op: BinaryOperator, _ a: Reference, _ b: Reference) -> Value {
        switch op {
        case .union:
            return .reference(Reference(areas: a.areas + b.areas))
        case .range:
            // The smallest area covering both (they must be on one sheet).
            let all = a.areas + b.areas
            guard let sheet = all.first?.sheet, all.allSatisfy({ $0.sheet == sheet }) else { return .error(.value) }
            let first = CellAddress(row: Int(all.map(\.range.first.row).min()!), column: Int(all.map(\.range.first.column).min()!))
            let last = CellAddress(row: Int(all.map(\.range.last.row).max()!), column: Int(all.map(\.range.last.column).max()!))
            return .reference(Reference(sheet: sheet, range: CellRange(first: first, last: last)))
        case .intersection:
            var areas: [Reference.Area] = []
            for x in a.areas {
                for y in b.areas where x.sheet == y.sheet {
                    let r1 = max(x.range.first.row, y.range.first.row), r2 = min(x.range.last.row, y.range.last.row)
                    let c1 = max(x.range.first.column, y.range.first.column), c2 = min(x.range.last.column, y.range.last.column)
                    if r1 <= r2 && c1 <= c2 {
                        areas.append(Reference.Area(sheet: x.sheet, range: CellRange(
                            first: CellAddress(row: Int(r1), column: Int(c1)), last: CellAddress(row: Int(r2), column: Int(c2)))))
                    }
                }
            }
            return areas.isEmpty ? .error(.null) : .reference(Reference(areas: areas))
        default:
            return .error(.value)
        }
    }
}

/// Functions whose arguments are evaluated only when needed.
enum LazyForms {
    static func evaluate(_ form: FunctionDefinition.LazyForm, _ arguments: [Expression], in context: EvaluationContext) throws -> Value {
        switch form {
        case .let: return try context.evaluateLet(arguments)
        case .lambda: return context.makeLambda(arguments)
        case .isOmitted: return context.isOmitted(arguments[0])
        case .if: return try evaluateIf(arguments, in: context)
        case .ifError, .ifNA: return try evaluateIfError(form, arguments, in: context)
        case .ifs: return try evaluateIfs(arguments, in: context)
        case .switch: return try evaluateSwitch(arguments, in: context)
        case .choose: return try evaluateChoose(arguments, in: context)
        }
    }

    // Each form in its own function: LAMBDA recursion passes through here, and one function for
    // all of them would take the stack room of the largest on every level.
    private static func evaluateIf(_ arguments: [Expression], in context: EvaluationContext) throws -> Value {
        let condition = try context.dereference(try context.evaluate(arguments[0]))
        if case .array(let m) = condition { return try elementwiseIf(m, arguments, in: context) }
        switch Coercion.boolean(condition.scalar) {
        case .failure(let e): return .error(e)
        case .success(true):
            guard arguments.count > 1 else { return .boolean(true) }
            if case .missing = arguments[1] { return .number(0) }
            return try context.evaluate(arguments[1])
        case .success(false):
            guard arguments.count > 2 else { return .boolean(false) }
            if case .missing = arguments[2] { return .number(0) }
            return try context.evaluate(arguments[2])
        }
    }

    /// IF with an array condition (array formulas): chosen element by element.
    private static func elementwiseIf(_ m: Matrix, _ arguments: [Expression], in context: EvaluationContext) throws -> Value {
        let then = arguments.count > 1 ? try context.dereference(try context.evaluate(arguments[1])) : .boolean(true)
        let otherwise = arguments.count > 2 ? try context.dereference(try context.evaluate(arguments[2])) : .boolean(false)
        var out = m
        for r in 0..<m.rows {
            for c in 0..<m.columns {
                switch Coercion.boolean(m[r, c]) {
                case .failure(let e): out[r, c] = .error(e)
                case .success(let t): out[r, c] = element(t ? then : otherwise, r, c)
                }
            }
        }
        return .array(out)
    }

    private static func evaluateIfError(_ form: FunctionDefinition.LazyForm, _ arguments: [Expression], in context: EvaluationContext) throws -> Value {
        let value = try context.evaluate(arguments[0])
        let v = try context.dereference(value)
        func caught(_ x: CellValue) -> Bool {
            guard case .error(let e) = x else { return false }
            return form == .ifError || e == .notAvailable
        }
        if case .array(let m) = v {
            let fallback = try context.dereference(try context.evaluate(arguments[1]))
            var out = m
            for r in 0..<m.rows { for c in 0..<m.columns where caught(m[r, c]) { out[r, c] = element(fallback, r, c) } }
            return .array(out)
        }
        if caught(v.scalar) {
            if case .missing = arguments[1] { return .number(0) }
            return try context.evaluate(arguments[1])
        }
        return value
    }

    private static func evaluateIfs(_ arguments: [Expression], in context: EvaluationContext) throws -> Value {
        guard arguments.count % 2 == 0 else { return .error(.value) }
        for i in stride(from: 0, to: arguments.count, by: 2) {
            let evaluated = try context.dereference(try context.evaluate(arguments[i]))
            if case .array(let m) = evaluated, m.count != 1 { return try elementwiseIfs(arguments, in: context) }
            let condition = evaluated.scalar
            switch Coercion.boolean(condition) {
            case .failure(let e): return .error(e)
            case .success(true): return try context.evaluate(arguments[i + 1])
            case .success(false): continue
            }
        }
        return .error(.notAvailable)
    }

    private static func evaluateSwitch(_ arguments: [Expression], in context: EvaluationContext) throws -> Value {
        let subjectValue = try context.dereference(try context.evaluate(arguments[0]))
        if case .array(let m) = subjectValue, m.count != 1 { return try elementwiseSwitch(m, arguments, in: context) }
        let subject = subjectValue.scalar
        if case .error(let e) = subject { return .error(e) }
        var i = 1
        while i + 1 < arguments.count {
            let candidate = try context.dereference(try context.evaluate(arguments[i])).scalar
            if case .error(let e) = candidate { return .error(e) }
            if Coercion.compare(subject, candidate) == 0, sameKind(subject, candidate) {
                return try context.evaluate(arguments[i + 1])
            }
            i += 2
        }
        return i < arguments.count ? try context.evaluate(arguments[i]) : .error(.notAvailable)
    }

    private static func evaluateChoose(_ arguments: [Expression], in context: EvaluationContext) throws -> Value {
        let index = try context.dereference(try context.evaluate(arguments[0]))
        if case .array(let m) = index {
            var out = m
            for k in 0..<m.values.count {
                guard case .success(let n) = Coercion.number(m.values[k]) else { out.values[k] = .error(.value); continue }
                let i = Int(n)
                guard i >= 1 && i < arguments.count else { out.values[k] = .error(.value); continue }
                out.values[k] = try context.dereference(try context.evaluate(arguments[i])).scalar
            }
            return .array(out)
        }
        switch Coercion.number(index.scalar) {
        case .failure(let e): return .error(e)
        case .success(let n):
            let i = Int(n)
            guard i >= 1 && i < arguments.count else { return .error(.value) }
            if case .missing = arguments[i] { return .number(0) }
            return try context.evaluate(arguments[i])
        }
    }

    private static func element(_ v: Value, _ r: Int, _ c: Int) -> CellValue {
        if case .array(let m) = v { return m.broadcast(row: r, column: c) }
        return v.scalar
    }

    /// SWITCH's matching: an empty value counts as 0 (not as "" or FALSE); otherwise values of
    /// the same type that compare equal (text without regard to case).
    private static func sameKind(_ a: CellValue, _ b: CellValue) -> Bool {
        switch (a.isEmpty ? .number(0) : a, b.isEmpty ? .number(0) : b) {
        case (.number, .number), (.text, .text), (.boolean, .boolean): true
        default: false
        }
    }

    /// The shape covering every array among the values (a single element when there is none).
    private static func broadcastShape(_ values: [Value]) -> (rows: Int, columns: Int) {
        var rows = 1, columns = 1
        for v in values {
            if case .array(let m) = v { rows = max(rows, m.rows); columns = max(columns, m.columns) }
        }
        return (rows, columns)
    }

    private static func zeroIfEmpty(_ v: CellValue) -> CellValue { v.isEmpty ? .number(0) : v }

    /// IFS with array conditions (array formulas): chosen element by element.
    private static func elementwiseIfs(_ arguments: [Expression], in context: EvaluationContext) throws -> Value {
        var values: [Value] = []
        for a in arguments { values.append(try context.dereference(try context.evaluate(a))) }
        let shape = broadcastShape(values)
        guard shape.rows * shape.columns <= 1 << 22 else { return .error(.value) }
        var out = Matrix(rows: shape.rows, columns: shape.columns, repeating: .error(.notAvailable))
        for r in 0..<shape.rows {
            for c in 0..<shape.columns {
                var i = 0
                while i + 1 < values.count {
                    switch Coercion.boolean(element(values[i], r, c)) {
                    case .failure(let e): out[r, c] = .error(e)
                    case .success(true): out[r, c] = zeroIfEmpty(element(values[i + 1], r, c))
                    case .success(false): i += 2; continue
                    }
                    break
                }
            }
        }
        return .array(out)
    }

    /// SWITCH with an array to match (array formulas): matched element by element.
    private static func elementwiseSwitch(_ subjects: Matrix, _ arguments: [Expression], in context: EvaluationContext) throws -> Value {
        var values: [Value] = [.array(subjects)]
        for a in arguments.dropFirst() { values.append(try context.dereference(try context.evaluate(a))) }
        let shape = broadcastShape(values)
        guard shape.rows * shape.columns <= 1 << 22 else { return .error(.value) }
        let hasDefault = values.count % 2 == 0
        var out = Matrix(rows: shape.rows, columns: shape.columns, repeating: .error(.notAvailable))
        for r in 0..<shape.rows {
            for c in 0..<shape.columns {
                let subject = element(values[0], r, c)
                if case .error = subject { out[r, c] = subject; continue }
                var i = 1
                var result: CellValue?
                while i + 1 < values.count {
                    let candidate = element(values[i], r, c)
                    if case .error = candidate { result = candidate; break }
                    if sameKind(subject, candidate), Coercion.compare(zeroIfEmpty(subject), zeroIfEmpty(candidate)) == 0 {
                        result = zeroIfEmpty(element(values[i + 1], r, c))
                        break
                    }
                    i += 2
                }
                if result == nil, hasDefault, let last = values.last { result = zeroIfEmpty(element(last, r, c)) }
                out[r, c] = result ?? .error(.notAvailable)
            }
        }
        return .array(out)
    }
}
