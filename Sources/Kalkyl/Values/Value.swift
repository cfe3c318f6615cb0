/// What evaluating an expression gives: a single value, an array, or a reference that the caller
/// may read as cells (SUM skips text in a range but not in an argument; INDEX returns a reference).
public enum Value: Sendable, Equatable {
    case number(Double)
    case text(String)
    case boolean(Bool)
    case error(ErrorValue)
    /// An empty cell, or an omitted argument.
    case empty
    case array(Matrix)
    case reference(Reference)
    /// A function value: a LAMBDA, or a function named as a value (`_xleta.SUM`).
    case lambda(LambdaValue)

    public init(_ cell: CellValue) {
        switch cell {
        case .empty: self = .empty
        case .number(let n): self = .number(n)
        case .text(let s): self = .text(s)
        case .boolean(let b): self = .boolean(b)
        case .error(let e): self = .error(e)
        }
    }

    /// The value as a single cell value; arrays give their top-left element. References must be
    /// dereferenced by the evaluator first (they give #VALUE! here).
    public var scalar: CellValue {
        switch self {
        case .number(let n): .number(n)
        case .text(let s): .text(s)
        case .boolean(let b): .boolean(b)
        case .error(let e): .error(e)
        case .empty: .empty
        case .array(let m): m.count > 0 ? m[0, 0] : .error(.value)
        case .reference: .error(.value)
        case .lambda: .error(.calc)  // a LAMBDA that is never called
        }
    }

    public var isError: Bool { if case .error = self { true } else { false } }
}

/// A rectangular array of values, row-major (array constants, array results, dereferenced ranges).
public struct Matrix: Sendable, Equatable {
    public let rows: Int
    public let columns: Int
    public var values: [CellValue]

    public init(rows: Int, columns: Int, values: [CellValue]) {
        precondition(values.count == rows * columns)
        self.rows = rows
        self.columns = columns
        self.values = values
    }

    public init(rows: Int, columns: Int, repeating value: CellValue) {
        self.init(rows: rows, columns: columns, values: Array(repeating: value, count: rows * columns))
    }

    public init(column: [CellValue]) { self.init(rows: column.count, columns: 1, values: column) }
    public init(row: [CellValue]) { self.init(rows: 1, columns: row.count, values: row) }

    public var count: Int { values.count }

    public subscript(row: Int, column: Int) -> CellValue {
        get { values[row * columns + column] }
        set { values[row * columns + column] = newValue }
    }

    /// Excel's broadcasting: a 1×1 array repeats everywhere, a single row or column repeats along
    /// the other axis, and positions outside a smaller array are #N/A.
    public func broadcast(row: Int, column: Int) -> CellValue {
        let r = rows == 1 ? 0 : row
        let c = columns == 1 ? 0 : column
        guard r < rows, c < columns else { return .error(.notAvailable) }
        return self[r, c]
    }
}

/// A reference to cells: one or more rectangular areas, each on a sheet.
public struct Reference: Sendable, Equatable {
    public struct Area: Sendable, Equatable, Hashable {
        public var sheet: Int
        public var range: CellRange
        public init(sheet: Int, range: CellRange) {
            self.sheet = sheet
            self.range = range
        }
    }

    public var areas: [Area]

    public init(sheet: Int, range: CellRange) { areas = [Area(sheet: sheet, range: range)] }
    public init(areas: [Area]) { self.areas = areas }

    public var isSingleArea: Bool { areas.count == 1 }
    public var isSingleCell: Bool { areas.count == 1 && areas[0].range.first == areas[0].range.last }
}
