/// One column of a sheet's values. Dense from row 0 while the column is filled densely (ledgers,
/// reports); cells far below the dense part go to a sparse map, so a hostile `A1048576` costs one
/// entry, not a million.
struct CellColumn: Sendable {
    private(set) var dense: [CellValue] = []
    private var sparse: [Int32: CellValue] = [:]

    init() {}

    /// A column whose dense part is `count` empty rows, allocated once (bulk loading).
    init(denseCount count: Int) {
        dense = Array(repeating: .empty, count: count)
    }

    /// Sets a row of the dense part (`row < dense.count`).
    mutating func setDense(row: Int, _ value: CellValue) { dense[row] = value }

    func value(row: Int) -> CellValue {
        if row < dense.count { return dense[row] }
        if sparse.isEmpty { return .empty }
        return sparse[Int32(row)] ?? .empty
    }

    mutating func set(row: Int, _ value: CellValue) {
        if row < dense.count {
            dense[row] = value
            return
        }
        if row < dense.count + 4096 || row < 2 * dense.count {
            if case .empty = value, sparse.isEmpty { return }
            // No reserveCapacity here: an exact reservation on every append would defeat the
            // array's geometric growth and copy the column each time (quadratic fill).
            while dense.count < row { dense.append(sparse.removeValue(forKey: Int32(dense.count)) ?? .empty) }
            dense.append(value)
            return
        }
        if case .empty = value { sparse.removeValue(forKey: Int32(row)) } else { sparse[Int32(row)] = value }
    }

    /// One past the last row that may hold a value.
    var rowLimit: Int {
        guard let m = sparse.keys.max() else { return dense.count }
        return max(dense.count, Int(m) + 1)
    }

    var hasSparseCells: Bool { !sparse.isEmpty }

    /// Values held (not counting empty dense slots) and the bytes the column's storage takes.
    var storage: (values: Int, bytes: Int) {
        var values = sparse.count
        for v in dense where !v.isEmpty { values += 1 }
        // A dictionary entry: key and value, at the table's load factor (about 3/4).
        let sparseBytes = sparse.capacity * (MemoryLayout<Int32>.stride + MemoryLayout<CellValue>.stride)
        return (values, dense.capacity * MemoryLayout<CellValue>.stride + sparseBytes)
    }

    /// Rows at or beyond the dense part that hold values, in order.
    func sparseRows(in rows: ClosedRange<Int>) -> [Int] {
        sparse.keys.map(Int.init).filter { rows.contains($0) }.sorted()
    }
}

/// The values of one sheet, by column.
struct SheetCells: Sendable {
    var columns: [CellColumn] = []

    func value(row: Int, column: Int) -> CellValue {
        column < columns.count ? columns[column].value(row: row) : .empty
    }

    mutating func set(row: Int, column: Int, _ value: CellValue) {
        if column >= columns.count {
            if case .empty = value { return }
            columns.append(contentsOf: repeatElement(CellColumn(), count: column - columns.count + 1))
        }
        columns[column].set(row: row, value)
    }

    /// The rows of a column worth visiting for a range: the used part only, so `A:A` costs what is
    /// there, not 1,048,576 rows.
    func usedRows(column: Int, in rows: ClosedRange<Int>) -> ClosedRange<Int>? {
        guard column < columns.count else { return nil }
        let limit = columns[column].rowLimit
        let upper = min(rows.upperBound, limit - 1)
        return rows.lowerBound <= upper ? rows.lowerBound...upper : nil
    }

    var columnCount: Int { columns.count }
    var rowLimit: Int { columns.map(\.rowLimit).max() ?? 0 }
}
