/// Cells mapped to small integers (formula nodes, edge indexes), stored by sheet and column like
/// the values are: a dense array from row 0 while a column is filled densely, a sparse map for
/// cells far below. Building the dependency graph looks up every referenced cell, hundreds of
/// thousands of times, mostly next to the previous one; a hash map scattered those lookups over
/// memory (a cache miss each) and made them the largest cost of the first calculation.
struct CellMap {
    private var sheets: [[IndexColumn]] = []
    private(set) var count = 0

    var isEmpty: Bool { count == 0 }

    subscript(key: CellKey) -> Int32? {
        get {
            let sheet = key.sheet, column = key.column
            guard sheet < sheets.count, column < sheets[sheet].count else { return nil }
            let v = sheets[sheet][column].value(row: key.row)
            return v < 0 ? nil : v
        }
        set {
            let sheet = key.sheet, column = key.column
            guard let newValue else {
                removeValue(forKey: key)
                return
            }
            if sheet >= sheets.count { sheets.append(contentsOf: repeatElement([], count: sheet - sheets.count + 1)) }
            if column >= sheets[sheet].count {
                sheets[sheet].append(contentsOf: repeatElement(IndexColumn(), count: column - sheets[sheet].count + 1))
            }
            if sheets[sheet][column].set(row: key.row, newValue) { count += 1 }
        }
    }

    @discardableResult
    mutating func removeValue(forKey key: CellKey) -> Int32? {
        let sheet = key.sheet, column = key.column
        guard sheet < sheets.count, column < sheets[sheet].count else { return nil }
        let old = sheets[sheet][column].remove(row: key.row)
        if old != nil { count -= 1 }
        return old
    }

    mutating func removeAll() { self = CellMap() }

    /// Rows held in dense storage, over all columns (what the map costs beyond its entries).
    var denseSlotCount: Int { sheets.reduce(0) { $0 + $1.reduce(0) { $0 + $1.dense.count } } }

    /// Every entry by sheet, then column, then row ascending.
    func forEach(_ body: (CellKey, Int32) throws -> Void) rethrows {
        for (sheet, columns) in sheets.enumerated() {
            for (column, entries) in columns.enumerated() {
                try entries.forEach { row, v in try body(CellKey(sheet: sheet, row: row, column: column), v) }
            }
        }
    }
}

/// One column of a `CellMap`; -1 marks a row without an entry. The dense part grows only while
/// the column stays a quarter full (past its first 4,096 rows): cells that are merely referenced
/// far apart — a hostile `=A4096` filled across 16,384 columns — stay in the sparse map.
private struct IndexColumn {
    var dense: [Int32] = []
    var sparse: [Int32: Int32] = [:]
    /// Entries in the column, dense and sparse.
    var count = 0

    @inline(__always)
    func value(row: Int) -> Int32 {
        if row < dense.count { return dense[row] }
        if sparse.isEmpty { return -1 }
        return sparse[Int32(row)] ?? -1
    }

    /// Sets an entry; true when the row had none.
    mutating func set(row: Int, _ v: Int32) -> Bool {
        let added: Bool
        if row < dense.count {
            added = dense[row] < 0
            dense[row] = v
        } else if row < 4 * (count + 1) + 4096 {
            while dense.count < row { dense.append(sparse.removeValue(forKey: Int32(dense.count)) ?? -1) }
            added = sparse.removeValue(forKey: Int32(row)) == nil
            dense.append(v)
        } else {
            added = sparse.updateValue(v, forKey: Int32(row)) == nil
        }
        if added { count += 1 }
        return added
    }

    mutating func remove(row: Int) -> Int32? {
        let old: Int32?
        if row < dense.count {
            old = dense[row] < 0 ? nil : dense[row]
            dense[row] = -1
        } else {
            old = sparse.removeValue(forKey: Int32(row))
        }
        if old != nil { count -= 1 }
        return old
    }

    func forEach(_ body: (Int, Int32) throws -> Void) rethrows {
        for (row, v) in dense.enumerated() where v >= 0 { try body(row, v) }
        for row in sparse.keys.sorted() { try body(Int(row), sparse[row]!) }
    }
}

/// Formula nodes listed per cell (the formulas that read a cell directly): one `CellMap` entry per
/// cell pointing at the head of a chain of edges in flat arrays, instead of an array per cell.
struct CellMultiMap {
    private var heads = CellMap()
    private var nodes: [Int32] = []
    private var next: [Int32] = []

    mutating func reserveCapacity(_ n: Int) {
        nodes.reserveCapacity(n)
        next.reserveCapacity(n)
    }

    mutating func append(_ node: Int32, for key: CellKey) {
        let edge = Int32(nodes.count)
        nodes.append(node)
        next.append(heads[key] ?? -1)
        heads[key] = edge
    }

    /// The nodes listed for a cell, the most recently added first.
    func forEach(of key: CellKey, _ body: (Int32) -> Void) {
        var e = heads[key] ?? -1
        while e >= 0 {
            body(nodes[Int(e)])
            e = next[Int(e)]
        }
    }
}
