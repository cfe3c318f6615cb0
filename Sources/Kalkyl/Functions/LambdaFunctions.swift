#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// LET, LAMBDA and the functions that take a LAMBDA (MAP, REDUCE, SCAN, BYROW, BYCOL, MAKEARRAY).
///
/// Names bound by LET and declared by LAMBDA are `Expression.parameter`s (the parser binds them);
/// while a LET body or a LAMBDA call is evaluated, `EvaluationContext.locals` holds their values.
/// A LAMBDA is a value (`Value.lambda`) that keeps the names around it where it was made. It is
/// called in place (`LAMBDA(x,x+1)(5)`), through a defined name (`=WEEK()`), through a LET name
/// (`_xlpm.f(2)`), or by the functions below; a function named as a value (`_xleta.SUM`) is one too.
enum LambdaFunctions {
    static let all: [FunctionDefinition] = [
        FunctionDefinition("LET", 3...253, lazy: .let),
        FunctionDefinition("LAMBDA", 1...254, lazy: .lambda),
        FunctionDefinition("ISOMITTED", 1...1, lazy: .isOmitted),
        FunctionDefinition("MAP", 2...254) { args, ctx in try ctx.map(args) },
        FunctionDefinition("REDUCE", 3...3) { args, ctx in try ctx.reduce(args, scan: false) },
        FunctionDefinition("SCAN", 3...3) { args, ctx in try ctx.reduce(args, scan: true) },
        FunctionDefinition("BYROW", 2...2) { args, ctx in try ctx.byLine(args, rows: true) },
        FunctionDefinition("BYCOL", 2...2) { args, ctx in try ctx.byLine(args, rows: false) },
        FunctionDefinition("MAKEARRAY", 3...3, scalarArguments: [0, 1]) { args, ctx in try ctx.makeArray(args) },
    ]
}

/// What a LET or LAMBDA name holds: a value, or nothing for a LAMBDA argument left out (ISOMITTED).
enum LocalBinding: Sendable {
    case value(Value)
    case omitted
}

/// A function as a value: a LAMBDA with the names it sees, or a function named as a value.
public final class LambdaValue: Sendable, Equatable, CustomStringConvertible {
    struct Parameter: Sendable {
        let name: String
        /// Upper-cased, as `locals` is keyed.
        let key: String
        /// Declared `[x]` (`_xlop.x`): the call may leave it out.
        let isOptional: Bool
    }

    enum Kind: Sendable {
        case closure(parameters: [Parameter], body: Expression, captured: [String: LocalBinding])
        case function(FunctionDefinition)
    }

    let kind: Kind

    init(_ kind: Kind) { self.kind = kind }

    public static func == (a: LambdaValue, b: LambdaValue) -> Bool {
        if a === b { return true }
        if case .function(let x) = a.kind, case .function(let y) = b.kind { return x.name == y.name }
        return false
    }

    public var description: String {
        switch kind {
        case .closure(let parameters, _, _): "LAMBDA(\(parameters.map(\.name).joined(separator: ",")))"
        case .function(let d): d.name
        }
    }

    /// Whether a call with `count` arguments fits (MAP and the others check before calling).
    func accepts(_ count: Int) -> Bool {
        switch kind {
        case .closure(let parameters, _, _):
            return count <= parameters.count && !parameters.dropFirst(count).contains { !$0.isOptional }
        case .function(let d): return d.arity.contains(count)
        }
    }
}

/// The lowest stack address usable by one thread (LAMBDA recursion stops well before it).
struct StackLimit {
    let thread: pthread_t
    let low: UInt
    let size: UInt

    static func current() -> StackLimit? {
        let me = pthread_self()
        #if canImport(Darwin)
        let top = UInt(bitPattern: pthread_get_stackaddr_np(me))
        let size = UInt(pthread_get_stacksize_np(me))
        guard top > size else { return nil }
        return StackLimit(thread: me, low: top - size, size: size)
        #else
        // pthread_getattr_np is a GNU extension the Glibc module does not show: found at run time.
        typealias GetAttributes = @convention(c) (pthread_t, UnsafeMutablePointer<pthread_attr_t>) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "pthread_getattr_np") else { return nil }
        let getAttributes = unsafeBitCast(symbol, to: GetAttributes.self)
        var attributes = pthread_attr_t()
        guard getAttributes(me, &attributes) == 0 else { return nil }
        defer { pthread_attr_destroy(&attributes) }
        var address: UnsafeMutableRawPointer?
        var size = 0
        guard pthread_attr_getstack(&attributes, &address, &size) == 0, let address, size > 0 else { return nil }
        return StackLimit(thread: me, low: UInt(bitPattern: address), size: UInt(size))
        #endif
    }
}

extension EvaluationContext {
    /// LAMBDA calls nested deeper than this give #NUM! (Excel's limit for recursion is of this order).
    static let maximumCallDepth = 1000
    /// LAMBDA calls made under one outermost call: beyond this (recursion that branches, such as
    /// a naive Fibonacci of 100) the calls give #NUM! rather than running for ever.
    static let maximumCallsPerCall = 10_000_000

    // MARK: - LET, LAMBDA, ISOMITTED

    /// LET(name1, value1, …, calculation): each value is evaluated in turn and may use the names
    /// before it; the calculation sees them all.
    func evaluateLet(_ arguments: [Expression]) throws -> Value {
        guard arguments.count % 2 == 1 else { return .error(.value) }
        let saved = locals
        defer { locals = saved }
        var i = 0
        while i + 1 < arguments.count {
            guard case .parameter(let name) = arguments[i] else { return .error(.value) }
            let value = try evaluate(arguments[i + 1])
            locals[name.uppercased()] = .value(value)
            i += 2
        }
        return try evaluate(arguments[arguments.count - 1])
    }

    /// LAMBDA(parameter…, body): a function value keeping the LET and LAMBDA names around it.
    func makeLambda(_ arguments: [Expression]) -> Value {
        guard let body = arguments.last else { return .error(.value) }
        var parameters: [LambdaValue.Parameter] = []
        for a in arguments.dropLast() {
            switch a {
            case .parameter(let n):
                parameters.append(.init(name: n, key: n.uppercased(), isOptional: false))
            case .name(let written):
                guard let n = FormulaParser.optionalParameterName(written) else { return .error(.value) }
                parameters.append(.init(name: n, key: n.uppercased(), isOptional: true))
            default:
                return .error(.value)
            }
        }
        return .lambda(LambdaValue(.closure(parameters: parameters, body: body, captured: locals)))
    }

    /// ISOMITTED(parameter): TRUE when the LAMBDA call being evaluated left that argument out.
    func isOmitted(_ argument: Expression) -> Value {
        guard case .parameter(let name) = argument, case .omitted? = locals[name.uppercased()] else { return .boolean(false) }
        return .boolean(true)
    }

    /// `_xleta.SUM`: the function SUM as a value.
    static func etaFunction(_ name: String) -> Value? {
        guard name.utf8.count > 7, name.prefix(7).uppercased() == "_XLETA." else { return nil }
        guard let definition = FunctionLibrary.standard.definition(named: FunctionName.normalized(String(name.dropFirst(7)))) else {
            return nil
        }
        return .lambda(LambdaValue(.function(definition)))
    }

    // MARK: - Calling

    /// Calls a function value with argument expressions (an omitted one, `f(1,)`, is left out).
    func apply(_ callee: Value, _ arguments: [Expression]) throws -> Value {
        let function: LambdaValue
        switch callee {
        case .lambda(let f): function = f
        case .error(let e): return .error(e)
        default: return .error(.value)
        }
        var values: [Value?] = []
        values.reserveCapacity(arguments.count)
        for a in arguments {
            if case .missing = a { values.append(nil) } else { values.append(try evaluate(a)) }
        }
        return try invoke(function, values)
    }

    /// Calls a function value with evaluated arguments (nil: left out). Too many arguments, or too
    /// few for the parameters that are not optional, give #VALUE!; recursion too deep gives #NUM!.
    func invoke(_ function: LambdaValue, _ values: [Value?]) throws -> Value {
        switch function.kind {
        case .function(let definition):
            return try call(definition, evaluated: values.map { $0 ?? .empty })
        case .closure(let parameters, let body, let captured):
            guard function.accepts(values.count) else { return .error(.value) }
            guard callDepth < Self.maximumCallDepth, stackHasRoom() else { return .error(.number) }
            if callDepth == 0 { callCount = 0 }
            callCount += 1
            guard callCount <= Self.maximumCallsPerCall else { return .error(.number) }
            let saved = locals
            locals = Self.scope(captured, parameters, values)
            callDepth += 1
            defer {
                locals = saved
                callDepth -= 1
            }
            return try evaluate(body)
        }
    }

    private static func scope(_ captured: [String: LocalBinding], _ parameters: [LambdaValue.Parameter],
                              _ values: [Value?]) -> [String: LocalBinding] {
        var scope = captured
        for (i, p) in parameters.enumerated() {
            if i < values.count, let v = values[i] { scope[p.key] = .value(v) } else { scope[p.key] = .omitted }
        }
        return scope
    }

    /// Whether the stack has room for another LAMBDA call: a quarter of it (up to 512 kB) is kept
    /// free for the evaluation below the deepest call.
    private func stackHasRoom() -> Bool {
        if stackLimit.map({ pthread_equal($0.thread, pthread_self()) == 0 }) ?? true { stackLimit = StackLimit.current() }
        guard let limit = stackLimit else { return true }  // unknown: the depth bound alone
        var marker: UInt8 = 0
        let here = withUnsafeMutablePointer(to: &marker) { UInt(bitPattern: $0) }
        let reserve = min(UInt(1 << 19), limit.size / 4)
        return here > limit.low && here - limit.low > reserve
    }

    // MARK: - MAP, REDUCE, SCAN, BYROW, BYCOL, MAKEARRAY

    /// The function argument of MAP and the others, taking `count` arguments; nil when it is not
    /// a function or takes another number of arguments (#VALUE!).
    private func function(_ argument: Value, taking count: Int) -> LambdaValue? {
        guard case .lambda(let f) = argument, f.accepts(count) else { return nil }
        return f
    }

    /// An array argument as cells to walk: a range gives single-cell references (so a LAMBDA sees
    /// the cell as a formula would), an array its values, a single value one element.
    private struct Elements {
        var rows: Int
        var columns: Int
        var area: Reference.Area?
        var matrix: Matrix?
        var single: Value?

        func element(_ r: Int, _ c: Int) -> Value {
            if let area {
                return .reference(Reference(sheet: area.sheet, range: CellRange(CellAddress(
                    row: Int(area.range.first.row) + r, column: Int(area.range.first.column) + c))))
            }
            if let matrix { return Value(matrix.broadcast(row: r, column: c)) }
            return single ?? .empty
        }

        /// Row `r` (or column) as a value: a reference for a range, an array otherwise.
        func line(_ i: Int, row: Bool) -> Value {
            if let area {
                let first = area.range.first
                let range = row
                    ? CellRange(first: CellAddress(row: Int(first.row) + i, column: Int(first.column)),
                                last: CellAddress(row: Int(first.row) + i, column: Int(area.range.last.column)))
                    : CellRange(first: CellAddress(row: Int(first.row), column: Int(first.column) + i),
                                last: CellAddress(row: Int(area.range.last.row), column: Int(first.column) + i))
                return .reference(Reference(sheet: area.sheet, range: range))
            }
            if let matrix {
                return .array(row ? Matrix(row: (0..<matrix.columns).map { matrix[i, $0] })
                                  : Matrix(column: (0..<matrix.rows).map { matrix[$0, i] }))
            }
            return single ?? .empty
        }
    }

    private static let maximumElements = 1 << 22

    private func elements(_ argument: Value) -> Result<Elements, ErrorValue> {
        switch argument {
        case .reference(let r):
            guard r.isSingleArea else { return .failure(.value) }
            let area = r.areas[0]
            guard area.range.cellCount <= Self.maximumElements else { return .failure(.value) }
            return .success(Elements(rows: area.range.rowCount, columns: area.range.columnCount, area: area))
        case .array(let m):
            guard m.count > 0 else { return .failure(.value) }
            return .success(Elements(rows: m.rows, columns: m.columns, matrix: m))
        case .lambda:
            return .failure(.value)
        default:
            return .success(Elements(rows: 1, columns: 1, single: argument))
        }
    }

    /// A LAMBDA's result as one element of the array MAP and the others build: an array or a
    /// range of more than one cell cannot be one (#CALC!, Excel's nested arrays).
    private func element(_ result: Value) throws -> CellValue {
        switch result {
        case .reference(let r):
            guard r.isSingleCell else { return .error(.calc) }
            return try dereference(result).scalar
        case .array(let m):
            return m.count == 1 ? m[0, 0] : .error(.calc)
        case .lambda:
            return .error(.calc)
        default:
            return result.scalar
        }
    }

    /// MAP(array1, …, lambda): the LAMBDA applied to the elements of the arrays in the same place;
    /// arrays of other sizes are broadcast as in arithmetic (#N/A beyond a smaller one).
    func map(_ args: [Value]) throws -> Value {
        guard let last = args.last, let f = function(last, taking: args.count - 1) else { return .error(.value) }
        var sources: [Elements] = []
        for a in args.dropLast() {
            switch elements(a) {
            case .success(let e): sources.append(e)
            case .failure(let e): return .error(e)
            }
        }
        let rows = sources.map(\.rows).max() ?? 1, columns = sources.map(\.columns).max() ?? 1
        guard rows * columns <= Self.maximumElements else { return .error(.value) }
        var out = Matrix(rows: rows, columns: columns, repeating: .empty)
        for r in 0..<rows {
            for c in 0..<columns {
                var values: [Value?] = []
                var missing = false
                for s in sources {
                    let sr = s.rows == 1 ? 0 : r, sc = s.columns == 1 ? 0 : c
                    if sr >= s.rows || sc >= s.columns { missing = true; break }
                    values.append(s.element(sr, sc))
                }
                out[r, c] = missing ? .error(.notAvailable) : try element(try invoke(f, values))
            }
        }
        return .array(out)
    }

    /// REDUCE(initial, array, lambda) and SCAN: the accumulator goes through the array's elements
    /// row by row; REDUCE gives the last value, SCAN every one in the array's shape.
    func reduce(_ args: [Value], scan: Bool) throws -> Value {
        guard let f = function(args[2], taking: 2) else { return .error(.value) }
        let source: Elements
        switch elements(args[1]) {
        case .success(let e): source = e
        case .failure(let e): return .error(e)
        }
        var accumulator = args[0]
        var out = Matrix(rows: scan ? source.rows : 1, columns: scan ? source.columns : 1, repeating: .empty)
        for r in 0..<source.rows {
            for c in 0..<source.columns {
                accumulator = try invoke(f, [accumulator, source.element(r, c)])
                if scan { out[r, c] = try element(accumulator) }
            }
        }
        return scan ? .array(out) : accumulator
    }

    /// BYROW(array, lambda) and BYCOL: the LAMBDA applied to each row (a column of results) or
    /// each column (a row of results).
    func byLine(_ args: [Value], rows: Bool) throws -> Value {
        guard let f = function(args[1], taking: 1) else { return .error(.value) }
        let source: Elements
        switch elements(args[0]) {
        case .success(let e): source = e
        case .failure(let e): return .error(e)
        }
        let count = rows ? source.rows : source.columns
        var results: [CellValue] = []
        results.reserveCapacity(count)
        for i in 0..<count {
            results.append(try element(try invoke(f, [source.line(i, row: rows)])))
        }
        return .array(rows ? Matrix(column: results) : Matrix(row: results))
    }

    /// MAKEARRAY(rows, columns, lambda): the LAMBDA applied to each row and column number.
    func makeArray(_ args: [Value]) throws -> Value {
        func count(_ v: Value) throws -> Result<Int, ErrorValue> {
            switch try scalar(v) {
            case .error(let e): return .failure(e)
            case .boolean(let b): return b ? .success(1) : .failure(.value)
            case .number(let n):
                guard n >= 1, n == n.rounded(), n <= 1_048_576 else { return .failure(.value) }
                return .success(Int(n))
            default: return .failure(.value)
            }
        }
        let rows: Int, columns: Int
        switch try count(args[0]) {
        case .success(let n): rows = n
        case .failure(let e): return .error(e)
        }
        switch try count(args[1]) {
        case .success(let n): columns = n
        case .failure(let e): return .error(e)
        }
        guard let f = function(args[2], taking: 2) else { return .error(.value) }
        guard rows * columns <= Self.maximumElements else { return .error(.value) }
        var out = Matrix(rows: rows, columns: columns, repeating: .empty)
        for r in 0..<rows {
            for c in 0..<columns {
                out[r, c] = try element(try invoke(f, [.number(Double(r + 1)), .number(Double(c + 1))]))
            }
        }
        return .array(out)
    }
}
