/// Evaluates expressions for one formula cell at a time, and gives functions what they need: the
/// cell they are in, cell values behind references, coercions.
///
/// Reading a formula cell that is still dirty throws `NeedsEvaluation`; the recalculation loop then
/// evaluates that cell first and comes back (see `Recalculation`). This happens only where the
/// static order cannot know better: in cycles, and behind INDIRECT and OFFSET.
public final class EvaluationContext {
    // Strong: an unowned reference costs a check and a retain on every access, and the workbook
    // never holds its contexts.
    let workbook: Workbook
    /// The sheet and cell of the formula being evaluated.
    public internal(set) var sheet: Int = 0
    public internal(set) var cell = CellAddress(row: 0, column: 0)
    /// Evaluating an array formula, or arguments a function takes as arrays.
    var arrayMode = false
    /// Check every formula cell read for dirtiness (evaluation outside the static order).
    var checkDirty = false
    /// The formula node being computed (nil outside a recalculation run).
    var node: Int32?
    /// Nodes whose current value may be read although dirty (members of an iterated cycle).
    var staleAllowed: Set<Int32> = []
    private var nameDepth = 0
    /// LET and LAMBDA names in scope, upper-cased (see `LambdaFunctions.swift`).
    var locals: [String: LocalBinding] = [:]
    /// LAMBDA calls in progress (recursion through a defined name is bounded), and calls made
    /// under the outermost one in progress.
    var callDepth = 0
    var callCount = 0
    /// The lowest usable stack address of the thread evaluating, found once per thread.
    var stackLimit: StackLimit?
    /// Caches that live for one recalculation (criteria indexes); see `CriteriaIndex`.
    var caches = CalculationCaches()

    init(workbook: Workbook) { self.workbook = workbook }

    public var date1904: Bool { workbook.date1904 }

    // MARK: - Expressions

    func evaluate(_ expression: Expression) throws -> Value {
        switch expression {
        case .number(let n): return .number(n)
        case .text(let s): return .text(s)
        case .boolean(let b): return .boolean(b)
        case .error(let e): return .error(e)
        case .array(let m): return .array(m)
        case .missing: return .empty
        case .reference(let r):
            guard let resolved = r.resolve(at: cell, sheet: sheet) else { return .error(.reference) }
            return .reference(resolved)
        case .name(let name):
            return try evaluateName(name)
        case .unary(let op, let operand):
            return try evaluateUnary(op, operand)
        case .percent(let operand):
            return try evaluatePercent(operand)
        case .binary(let op, let lhs, let rhs):
            return try evaluateBinary(op, lhs, rhs)
        case .call(let function, let arguments):
            return try call(function, arguments)
        case .parameter(let name):
            return evaluateParameter(name)
        case .apply(let function, let arguments):
            return try apply(try evaluate(function), arguments)
        }
    }

    // The cases of `evaluate` that need room are functions of their own: LAMBDA recursion passes
    // through `evaluate` on every level, and its frame would be as large as the largest case.

    private func evaluateUnary(_ op: UnaryOperator, _ operand: Expression) throws -> Value {
        let v = try evaluate(operand)
        if op == .implicitIntersection { return .init(try intersect(v)) }
        return try mapScalar(dereference(v)) { x in
            switch Coercion.number(x) {
            case .failure(let e): return .error(e)
            case .success(let n): return .number(op == .minus ? -n : n)
            }
        }
    }

    private func evaluatePercent(_ operand: Expression) throws -> Value {
        try mapScalar(dereference(try evaluate(operand))) { x in
            switch Coercion.number(x) {
            case .failure(let e): return .error(e)
            case .success(let n): return .number(n / 100)
            }
        }
    }

    private func evaluateParameter(_ name: String) -> Value {
        switch locals[name.uppercased()] {
        case .value(let v)?: return v
        case .omitted?: return .empty
        case nil: return .error(.name)
        }
    }

    private func evaluateName(_ name: String) throws -> Value {
        if let function = Self.etaFunction(name) { return function }
        guard let entry = workbook.lookupName(name, sheet: sheet) else { return .error(.name) }
        return try evaluateDefinedName(entry)
    }

    /// A defined name's formula, evaluated where it is used but without the LET and LAMBDA names
    /// around the use (a name's formula cannot see them).
    func evaluateDefinedName(_ entry: DefinedNameEntry) throws -> Value {
        guard nameDepth < 32 else { return .error(.reference) }  // a name defined through itself
        nameDepth += 1
        let saved = locals
        locals = [:]
        defer {
            nameDepth -= 1
            locals = saved
        }
        return try evaluate(entry.expression)
    }

    private func evaluateBinary(_ op: BinaryOperator, _ lhs: Expression, _ rhs: Expression) throws -> Value {
        switch op {
        case .range, .intersection, .union:
            let a = try evaluate(lhs), b = try evaluate(rhs)
            if case .error(let e) = a { return .error(e) }
            if case .error(let e) = b { return .error(e) }
            guard case .reference(let x) = a, case .reference(let y) = b else { return .error(.value) }
            return ReferenceOperators.apply(op, x, y)
        default:
            let a = try operand(lhs)
            let b = try operand(rhs)
            return Operators.apply(op, a, b)
        }
    }

    /// An operand's value: a reference to one cell is read straight from the cell, without making
    /// a `Reference` (whose array would cost an allocation in every `=A1*1.01+1`).
    private func operand(_ e: Expression) throws -> Value {
        if case .reference(let r) = e, case .cell(let rowPart, let columnPart) = r.shape {
            let target: Int
            switch r.sheets {
            case .current: target = sheet
            case .sheet(let s): target = s
            case .span: return try dereference(try evaluate(e))
            }
            let row = rowPart.isAbsolute ? Int(rowPart.index) : Int(cell.row) + Int(rowPart.index)
            let column = columnPart.isAbsolute ? Int(columnPart.index) : Int(cell.column) + Int(columnPart.index)
            guard row >= 0 && row < Grid.rowCount && column >= 0 && column < Grid.columnCount else { return .error(.reference) }
            return Value(try cellValue(sheet: target, row: row, column: column))
        }
        return try dereference(try evaluate(e))
    }

    // MARK: - Functions

    private func call(_ function: FunctionReference, _ arguments: [Expression]) throws -> Value {
        guard case .known(let definition) = function else { return try callDefinedName(function.name, arguments) }
        guard definition.arity.contains(arguments.count) else { return .error(.value) }
        switch definition.kind {
        case .lazy(let form):
            return try LazyForms.evaluate(form, arguments, in: self)
        case .eager(let implementation):
            return try callEager(definition, implementation, arguments)
        }
    }

    /// A defined name whose formula is a LAMBDA, called like a function (`=WEEK()`).
    private func callDefinedName(_ name: String, _ arguments: [Expression]) throws -> Value {
        guard let entry = workbook.lookupName(name, sheet: sheet) else { return .error(.name) }
        return try apply(try evaluateDefinedName(entry), arguments)
    }

    private func callEager(_ definition: FunctionDefinition, _ implementation: FunctionDefinition.Implementation,
                           _ arguments: [Expression]) throws -> Value {
        let savedMode = arrayMode
        if definition.evaluatesArgumentsAsArrays { arrayMode = true }
        var values: [Value] = []
        values.reserveCapacity(arguments.count)
        for a in arguments { values.append(try evaluate(a)) }
        arrayMode = savedMode
        if !definition.scalarArguments.isEmpty, let lifted = try liftScalarArguments(definition, values, implementation) {
            return lifted
        }
        return try implementation(values, self)
    }

    /// Calls a function with arguments already evaluated (a function passed as a value, `_xleta.SUM`).
    func call(_ definition: FunctionDefinition, evaluated values: [Value]) throws -> Value {
        guard definition.arity.contains(values.count) else { return .error(.value) }
        switch definition.kind {
        case .lazy(let form):
            // Lazy forms read expressions: bind the values to names only they can see.
            var expressions: [Expression] = []
            let saved = locals
            defer { locals = saved }
            for (i, v) in values.enumerated() {
                let name = "\u{1}\(i)"
                locals[name] = .value(v)
                expressions.append(.parameter(name))
            }
            return try LazyForms.evaluate(form, expressions, in: self)
        case .eager(let implementation):
            if !definition.scalarArguments.isEmpty, let lifted = try liftScalarArguments(definition, values, implementation) {
                return lifted
            }
            return try implementation(values, self)
        }
    }

    /// Applies a function element by element over the arrays given to its single-value arguments
    /// (array constants anywhere; ranges in array formulas). Nil when there are none.
    private func liftScalarArguments(_ definition: FunctionDefinition, _ values: [Value],
                                     _ implementation: FunctionDefinition.Implementation) throws -> Value? {
        var arrays: [(Int, Matrix)] = []
        for i in definition.scalarArguments where i < values.count {
            switch values[i] {
            case .array(let m) where m.count > 1:
                arrays.append((i, m))
            case .reference(let r) where arrayMode && r.isSingleArea && !r.isSingleCell:
                arrays.append((i, try matrix(r.areas[0])))
            default:
                continue
            }
        }
        guard !arrays.isEmpty else { return nil }
        let rows = arrays.map(\.1.rows).max()!, columns = arrays.map(\.1.columns).max()!
        var out = Matrix(rows: rows, columns: columns, repeating: .empty)
        var arguments = values
        for r in 0..<rows {
            for c in 0..<columns {
                for (i, m) in arrays { arguments[i] = Value(m.broadcast(row: r, column: c)) }
                out[r, c] = try intersect(try dereferenceSingle(try implementation(arguments, self)))
            }
        }
        return .array(out)
    }

    /// A single-cell reference as its value; other values unchanged.
    private func dereferenceSingle(_ v: Value) throws -> Value {
        if case .reference(let r) = v, r.isSingleCell { return try dereference(v) }
        return v
    }

    // MARK: - References to values

    /// A reference made a value: in an ordinary cell by implicit intersection with the formula's
    /// row or column, in array mode as an array. Other values pass through.
    public func dereference(_ value: Value) throws -> Value {
        guard case .reference(let r) = value else { return value }
        if r.isSingleCell {
            return Value(try cellValue(sheet: r.areas[0].sheet, row: Int(r.areas[0].range.first.row),
                                       column: Int(r.areas[0].range.first.column)))
        }
        guard r.isSingleArea else { return .error(.value) }
        if arrayMode { return .array(try matrix(r.areas[0])) }
        return Value(try intersect(value))
    }

    /// A dynamic array's result as an array: a reference gives its cells (all of them, empty ones as
    /// 0 when shown), a single value a 1×1 array.
    func dereferenceForSpill(_ value: Value) throws -> Matrix {
        switch value {
        case .reference(let r):
            guard r.isSingleArea else { return Matrix(rows: 1, columns: 1, values: [.error(.value)]) }
            let area = r.areas[0]
            // A reference spills at its full size, as in Excel (`=Data!1:1` fills a whole row);
            // only a huge one (whole columns) is cut to the part of the sheet in use.
            let range = area.range.cellCount <= 1 << 22 ? area.range : (usedPart(of: area) ?? CellRange(area.range.first))
            var values: [CellValue] = []
            values.reserveCapacity(range.cellCount)
            for row in range.first.row...range.last.row {
                for column in range.first.column...range.last.column {
                    values.append(try cellValue(sheet: area.sheet, row: Int(row), column: Int(column)))
                }
            }
            return Matrix(rows: range.rowCount, columns: range.columnCount, values: values)
        case .array(let m): return m
        default: return Matrix(rows: 1, columns: 1, values: [value.scalar])
        }
    }

    /// Implicit intersection: the cell of a range in the formula's row (for a column) or column
    /// (for a row); #VALUE! when there is none.
    func intersect(_ value: Value) throws -> CellValue {
        switch value {
        case .reference(let r):
            guard r.isSingleArea else { return .error(.value) }
            let area = r.areas[0]
            let range = area.range
            if range.first == range.last {
                return try cellValue(sheet: area.sheet, row: Int(range.first.row), column: Int(range.first.column))
            }
            if range.columnCount == 1, cell.row >= range.first.row, cell.row <= range.last.row {
                return try cellValue(sheet: area.sheet, row: Int(cell.row), column: Int(range.first.column))
            }
            if range.rowCount == 1, cell.column >= range.first.column, cell.column <= range.last.column {
                return try cellValue(sheet: area.sheet, row: Int(range.first.row), column: Int(cell.column))
            }
            return .error(.value)
        case .array(let m): return m.count > 0 ? m[0, 0] : .error(.value)
        default: return value.scalar
        }
    }

    /// The value of one cell; throws `NeedsEvaluation` when checking and the cell's formula is dirty.
    public func cellValue(sheet: Int, row: Int, column: Int) throws -> CellValue {
        guard sheet < workbook.sheets.count else { return .error(.reference) }
        if checkDirty, let node = workbook.formulaAt[CellKey(sheet: sheet, row: row, column: column)],
           workbook.graph.isDirty(node), !staleAllowed.contains(node) {
            throw NeedsEvaluation(node: node)
        }
        return workbook.sheets[sheet].value(row: row, column: column)
    }

    /// The cells of an area as an array, cut to the part of the sheet in use (so `A:A` is as long
    /// as the column's data, not 1,048,576 rows).
    public func matrix(_ area: Reference.Area) throws -> Matrix {
        let range = usedPart(of: area)
        guard let range else { return Matrix(rows: 1, columns: 1, values: [.empty]) }
        var values: [CellValue] = []
        values.reserveCapacity(range.cellCount)
        for row in range.first.row...range.last.row {
            for column in range.first.column...range.last.column {
                values.append(try cellValue(sheet: area.sheet, row: Int(row), column: Int(column)))
            }
        }
        return Matrix(rows: range.rowCount, columns: range.columnCount, values: values)
    }

    /// An area without the rows and columns beyond the sheet's used extent (whole columns and rows
    /// are cut there); nil when the area lies entirely outside it.
    public func usedPart(of area: Reference.Area) -> CellRange? {
        guard area.sheet < workbook.sheets.count else { return nil }
        let range = area.range
        let wholeColumns = range.first.row == 0 && Int(range.last.row) == Grid.rowCount - 1
        let wholeRows = range.first.column == 0 && Int(range.last.column) == Grid.columnCount - 1
        guard wholeColumns || wholeRows else { return range }
        let cells = workbook.sheets[area.sheet]
        var last = range.last
        if wholeColumns { last.row = Int32(max(Int(range.first.row), min(Int(last.row), max(cells.rowLimit, 1) - 1))) }
        if wholeRows { last.column = Int32(max(Int(range.first.column), min(Int(last.column), max(cells.columnCount, 1) - 1))) }
        return CellRange(first: range.first, last: last)
    }

    /// Calls `body` with every cell value that is not empty in a reference's areas, in row-major
    /// order per area. Only the used part of the sheet is visited.
    public func forEachValue(in reference: Reference, _ body: (CellValue) throws -> Void) throws {
        for area in reference.areas {
            guard area.sheet < workbook.sheets.count else { continue }
            let range = area.range
            let cells = workbook.sheets[area.sheet]
            let lastColumn = min(Int(range.last.column), cells.columnCount - 1)
            guard Int(range.first.column) <= lastColumn else { continue }
            if range.columnCount == 1 || !checkDirty {
                // Column by column is fastest; the order only matters to lookups, which use matrix().
                for column in Int(range.first.column)...lastColumn {
                    guard let rows = cells.usedRows(column: column, in: Int(range.first.row)...Int(range.last.row)) else { continue }
                    for row in rows {
                        let v = try cellValue(sheet: area.sheet, row: row, column: column)
                        if case .empty = v { continue }
                        try body(v)
                    }
                }
            } else {
                let m = try matrix(area)
                for v in m.values where !v.isEmpty { try body(v) }
            }
        }
    }

    // MARK: - Lifting scalar functions over arrays

    /// Applies a function of single values: element by element when an argument is an array (or,
    /// in array mode, a range), otherwise once.
    public func lift(_ arguments: [Value], _ body: ([CellValue]) -> CellValue) throws -> Value {
        var scalars: [CellValue] = []
        scalars.reserveCapacity(arguments.count)
        var arrays: [(Int, Matrix)] = []
        for (i, a) in arguments.enumerated() {
            let v = try dereference(a)
            switch v {
            case .array(let m) where m.count != 1:
                arrays.append((i, m))
                scalars.append(.empty)
            default:
                scalars.append(v.scalar)
            }
        }
        if arrays.isEmpty { return Value(body(scalars)) }
        let rows = arrays.map(\.1.rows).max()!, columns = arrays.map(\.1.columns).max()!
        var out = Matrix(rows: rows, columns: columns, repeating: .empty)
        for r in 0..<rows {
            for c in 0..<columns {
                var args = scalars
                for (i, m) in arrays { args[i] = m.broadcast(row: r, column: c) }
                out[r, c] = body(args)
            }
        }
        return .array(out)
    }

    func mapScalar(_ value: Value, _ body: (CellValue) -> Value) throws -> Value {
        switch value {
        case .array(let m):
            var out = m
            for i in 0..<m.values.count { out.values[i] = body(m.values[i]).scalar }
            return .array(out)
        default:
            return body(value.scalar)
        }
    }

    /// Parses a reference written as text (INDIRECT) in this formula's context.
    func reference(fromText text: String, a1: Bool = true) -> Reference? {
        let context = workbook.parseContext(sheet: sheet, anchor: cell)
        guard let e = try? FormulaParser.parse(text, context: context) else {
            if let entry = workbook.lookupName(text, sheet: sheet), case .reference(let r) = entry.expression {
                return r.resolve(at: cell, sheet: sheet)
            }
            return nil
        }
        switch e {
        case .reference(let r): return r.resolve(at: cell, sheet: sheet)
        case .name(let n):
            guard let entry = workbook.lookupName(n, sheet: sheet), case .reference(let r) = entry.expression else { return nil }
            return r.resolve(at: cell, sheet: sheet)
        case .binary(.range, _, _):
            if case .reference(let r)? = try? evaluate(e) { return r }
            return nil
        default: return nil
        }
    }
}

/// Thrown when evaluation reads a formula cell that must be computed first.
struct NeedsEvaluation: Error {
    let node: Int32
}
