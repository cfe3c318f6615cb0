/// A parsed formula. References keep their relative parts as offsets from the formula's own cell,
/// so one expression serves every cell of a filled-down (shared) formula.
public indirect enum Expression: Sendable, Equatable {
    case number(Double)
    case text(String)
    case boolean(Bool)
    case error(ErrorValue)
    /// An array constant such as `{1,2;3,4}`.
    case array(Matrix)
    case reference(ReferenceExpression)
    /// A defined name, as written (resolved when evaluated, by scope).
    case name(String)
    case unary(UnaryOperator, Expression)
    case percent(Expression)
    case binary(BinaryOperator, Expression, Expression)
    case call(FunctionReference, [Expression])
    /// An omitted argument, as in `IF(A1,,2)`.
    case missing
    /// A name bound by LET or declared by LAMBDA, written `_xlpm.x` in files; held without the
    /// prefix, spelled as where it is bound.
    case parameter(String)
    /// A call on a function value: `LAMBDA(x,x+1)(5)`, or a LET name bound to a LAMBDA, `_xlpm.f(2)`.
    case apply(Expression, [Expression])
}

extension Expression {
    /// Whether the expression reads nothing: literals and operators on literals only.
    public var isConstant: Bool {
        switch self {
        case .number, .text, .boolean, .error, .array, .missing: true
        case .unary(_, let x), .percent(let x): x.isConstant
        case .binary(let op, let a, let b): op.precedence < 8 && a.isConstant && b.isConstant
        case .reference, .name, .call, .parameter, .apply: false
        }
    }
}

public enum UnaryOperator: String, Sendable {
    case minus = "-", plus = "+"
    /// `@`: implicit intersection (stored in files as `_xlfn.SINGLE(…)`).
    case implicitIntersection = "@"
}

public enum BinaryOperator: String, Sendable {
    case add = "+", subtract = "-", multiply = "*", divide = "/", power = "^", concatenate = "&"
    case equal = "=", notEqual = "<>", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
    /// Reference operators: `A1:B2`, `A1:B2 B1:C3` (intersection), `(A1,B2)` (union).
    case range = ":", intersection = " ", union = ","

    /// Binding strength, higher binds tighter (Excel's order).
    var precedence: Int {
        switch self {
        case .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual: 1
        case .concatenate: 2
        case .add, .subtract: 3
        case .multiply, .divide: 4
        case .power: 5
        case .union: 8
        case .intersection: 9
        case .range: 10
        }
    }
}

/// A function as called in a formula: a known one by its definition, or an unknown name (#NAME?).
public enum FunctionReference: Sendable, Equatable {
    case known(FunctionDefinition)
    case unknown(String)

    public var name: String {
        switch self {
        case .known(let d): d.name
        case .unknown(let n): n
        }
    }

    public static func == (a: FunctionReference, b: FunctionReference) -> Bool { a.name == b.name }
}

/// A reference as written: which sheets, and the shape with relative parts as offsets.
public struct ReferenceExpression: Sendable, Equatable {
    public enum Sheets: Sendable, Equatable {
        /// The formula's own sheet.
        case current
        case sheet(Int)
        /// A 3-D span, `Jan:Maj!B2`: every sheet from the first to the last in workbook order.
        case span(Int, Int)
    }

    public var sheets: Sheets
    /// Parts with `isAbsolute == false` hold offsets from the formula's cell, not indexes.
    public var shape: ReferenceShape

    public init(sheets: Sheets, shape: ReferenceShape) {
        self.sheets = sheets
        self.shape = shape
    }

    /// The areas this reference covers when the formula sits at `cell` on `sheet`; nil when a
    /// relative part falls off the grid (#REF!).
    public func resolve(at cell: CellAddress, sheet: Int) -> Reference? {
        guard let range = Self.range(of: shape, at: cell) else { return nil }
        switch sheets {
        case .current: return Reference(sheet: sheet, range: range)
        case .sheet(let s): return Reference(sheet: s, range: range)
        case .span(let a, let b):
            return Reference(areas: (min(a, b)...max(a, b)).map { Reference.Area(sheet: $0, range: range) })
        }
    }

    /// The areas the reference covers from `cell`, handed over one by one: no `Reference` (and no
    /// array) is made for the common single-sheet case.
    func resolveAreas(at cell: CellAddress, sheet: Int, _ body: (Reference.Area) -> Void) {
        guard let range = Self.range(of: shape, at: cell) else { return }
        switch sheets {
        case .current: body(Reference.Area(sheet: sheet, range: range))
        case .sheet(let s): body(Reference.Area(sheet: s, range: range))
        case .span(let a, let b): for s in min(a, b)...max(a, b) { body(Reference.Area(sheet: s, range: range)) }
        }
    }

    static func range(of shape: ReferenceShape, at cell: CellAddress) -> CellRange? {
        func row(_ p: ReferencePart) -> Int? {
            let r = p.isAbsolute ? Int(p.index) : Int(cell.row) + Int(p.index)
            return r >= 0 && r < Grid.rowCount ? r : nil
        }
        func column(_ p: ReferencePart) -> Int? {
            let c = p.isAbsolute ? Int(p.index) : Int(cell.column) + Int(p.index)
            return c >= 0 && c < Grid.columnCount ? c : nil
        }
        switch shape {
        case .cell(let r, let c):
            guard let r = row(r), let c = column(c) else { return nil }
            return CellRange(CellAddress(row: r, column: c))
        case .area(let r1, let c1, let r2, let c2):
            guard let r1 = row(r1), let c1 = column(c1), let r2 = row(r2), let c2 = column(c2) else { return nil }
            return CellRange(first: CellAddress(row: r1, column: c1), last: CellAddress(row: r2, column: c2))
        case .columns(let a, let b):
            guard let a = column(a), let b = column(b) else { return nil }
            return CellRange(first: CellAddress(row: 0, column: a), last: CellAddress(row: Grid.rowCount - 1, column: b))
        case .rows(let a, let b):
            guard let a = row(a), let b = row(b) else { return nil }
            return CellRange(first: CellAddress(row: a, column: 0), last: CellAddress(row: b, column: Grid.columnCount - 1))
        }
    }
}
