/// A sheet's values gathered before they go into a workbook at once, as when a file is read.
///
/// Putting 800,000 cells in one `loadValue` call at a time grows each column's array step by step
/// (copying it each time it doubles, and leaving up to half of it unused). Here a first pass
/// (`plan`) learns how far each column's dense part reaches, each is allocated once at that size,
/// and a second pass (`set`) fills it in place: a numeric cell costs one `CellValue`, no slack.
public struct SheetValues: Sendable {
    var columns: [CellColumn] = []
    private var denseCounts: [Int] = []
    private var allocated = false

    public init() {}

    /// First pass: a cell that will get a value. Within a column, rows must come in ascending
    /// order (as they do in a file); the dense part reaches as far as `CellColumn.set` would grow
    /// it, so a far-away cell (`A1048576`) still goes to the sparse map.
    public mutating func plan(row: Int, column: Int) {
        precondition(!allocated, "plan every cell before the first set")
        if column >= denseCounts.count { denseCounts.append(contentsOf: repeatElement(0, count: column - denseCounts.count + 1)) }
        let dense = denseCounts[column]
        if row >= dense && (row < dense + 4096 || row < 2 * dense) { denseCounts[column] = row + 1 }
    }

    /// Second pass: a cell's value (cells need not be planned; those that were not go where
    /// `CellColumn.set` puts them).
    public mutating func set(_ value: CellValue, row: Int, column: Int) {
        if !allocated { allocate() }
        if column < denseCounts.count && row < denseCounts[column] {
            columns[column].setDense(row: row, value)
            return
        }
        if column >= columns.count {
            if value.isEmpty { return }
            columns.append(contentsOf: repeatElement(CellColumn(), count: column - columns.count + 1))
        }
        columns[column].set(row: row, value)
    }

    /// Takes the columns `other` holds values in (gathered apart, e.g. on another thread, for
    /// columns this one has none in).
    public mutating func take(columnsOf other: consuming SheetValues) {
        if !allocated { allocate() }
        let taken = other.columns
        if taken.count > columns.count { columns.append(contentsOf: repeatElement(CellColumn(), count: taken.count - columns.count)) }
        for (c, column) in taken.enumerated() where column.rowLimit > 0 { columns[c] = column }
    }

    private mutating func allocate() {
        allocated = true
        columns = denseCounts.map { CellColumn(denseCount: $0) }
    }
}

extension Workbook {
    /// Puts a sheet's gathered values in (for loading, like `loadValue`: nothing is marked dirty).
    /// An empty sheet takes the columns as they are; values already in the sheet stay unless
    /// `values` has one for the same cell.
    public func load(_ values: consuming SheetValues, sheet: Int) {
        let columns = values.columns
        if sheets[sheet].columns.isEmpty {
            sheets[sheet].columns = columns
            return
        }
        for (c, column) in columns.enumerated() {
            for (row, value) in column.dense.enumerated() where !value.isEmpty {
                sheets[sheet].set(row: row, column: c, value)
            }
            guard column.hasSparseCells else { continue }
            for row in column.sparseRows(in: column.dense.count...max(column.dense.count, column.rowLimit - 1)) {
                sheets[sheet].set(row: row, column: c, column.value(row: row))
            }
        }
    }

    /// The values the sheets hold (formula results too) and the bytes their cell storage takes:
    /// the arrays and maps of `CellValue`s, not the text of strings they refer to.
    public var valueStorage: (values: Int, bytes: Int) {
        var values = 0, bytes = 0
        for sheet in sheets {
            for column in sheet.columns {
                let s = column.storage
                values += s.values
                bytes += s.bytes
            }
            bytes += sheet.columns.capacity * MemoryLayout<CellColumn>.stride
        }
        return (values, bytes)
    }
}
