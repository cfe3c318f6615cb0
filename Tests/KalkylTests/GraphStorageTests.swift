import Testing
@testable import Kalkyl

/// The flat structures the dependency graph is built from: the cell map (dense by column, sparse
/// far below), per-cell edge chains and compressed rows of edges.
@Suite("Graph storage")
struct GraphStorageTests {
    @Test("a cell map agrees with a dictionary through inserts, overwrites and removals")
    func cellMapMatchesDictionary() {
        var map = CellMap()
        var reference: [CellKey: Int32] = [:]
        // Deterministic pseudo-random cells: dense near the top, a few far down and on other sheets.
        var state: UInt64 = 0x1234_5678
        func next() -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(state >> 33)
        }
        for step in 0..<20_000 {
            let far = next() % 50 == 0
            let key = CellKey(sheet: next() % 3, row: far ? 1_048_575 - next() % 1000 : next() % 3000, column: next() % 40)
            if step % 5 == 4 {
                #expect(map.removeValue(forKey: key) == reference.removeValue(forKey: key))
            } else {
                let value = Int32(step)
                map[key] = value
                reference[key] = value
            }
        }
        #expect(map.count == reference.count)
        for (key, value) in reference { #expect(map[key] == value) }
        #expect(map[CellKey(sheet: 7, row: 1, column: 1)] == nil)
        #expect(map[CellKey(sheet: 0, row: 0, column: 16_000)] == nil)

        // forEach visits each entry once, by sheet, column and ascending row.
        var visited: [(CellKey, Int32)] = []
        map.forEach { visited.append(($0, $1)) }
        #expect(visited.count == reference.count)
        let order = visited.map { [$0.0.sheet, $0.0.column, $0.0.row] }
        #expect(order == order.sorted { $0.lexicographicallyPrecedes($1) })
        #expect(visited.allSatisfy { reference[$0.0] == $0.1 })
    }

    @Test("a cell far down the sheet costs one sparse entry, not a dense column")
    func farCellIsSparse() {
        var map = CellMap()
        map[CellKey(sheet: 0, row: 1_048_575, column: 16_383)] = 9
        map[CellKey(sheet: 0, row: 0, column: 16_383)] = 1
        #expect(map.count == 2)
        #expect(map[CellKey(sheet: 0, row: 1_048_575, column: 16_383)] == 9)
        map[CellKey(sheet: 0, row: 1_048_575, column: 16_383)] = nil
        #expect(map.count == 1)
        #expect(map[CellKey(sheet: 0, row: 1_048_575, column: 16_383)] == nil)
    }

    @Test("per-cell edge chains list every node added for a cell")
    func multiMap() {
        var map = CellMultiMap()
        let a = CellKey(sheet: 0, row: 4, column: 2), b = CellKey(sheet: 1, row: 4, column: 2)
        map.append(3, for: a)
        map.append(5, for: b)
        map.append(8, for: a)
        var seen: [Int32] = []
        map.forEach(of: a) { seen.append($0) }
        #expect(seen == [8, 3])
        seen = []
        map.forEach(of: CellKey(sheet: 0, row: 5, column: 2)) { seen.append($0) }
        #expect(seen.isEmpty)
    }

    @Test("compressed rows keep each node's edges, in the order they were added")
    func adjacency() {
        let rows = Adjacency(nodeCount: 4, sources: [2, 0, 2, 3, 0], destinations: [1, 3, 0, 1, 2])
        #expect(rows.nodeCount == 4)
        #expect(Array(rows[0]) == [3, 2])
        #expect(Array(rows[1]) == [])
        #expect(Array(rows[2]) == [1, 0])
        #expect(Array(rows[3]) == [1])
    }

    @Test("the graph links formulas through single cells, shared ranges and far cells")
    func graphThroughFlatStorage() throws {
        let book = Workbook()
        let s = book.addSheet(named: "Blad1")
        book.setValue(.number(2), sheet: s, at: CellAddress(row: 0, column: 0))
        try book.setFormula("=A1*10", at: "Blad1!B1")
        try book.setFormula("=SUM(A1:B1)", at: "Blad1!C1")
        try book.setFormula("=SUM(A1:B1)+C1", at: "Blad1!D1")
        try book.setFormula("=D1+1", at: "Blad1!XFD1048576")
        try book.setFormula("=XFD1048576*2", at: "Blad1!E1")
        book.recalculate()
        #expect(book.value(at: "Blad1!E1") == .number(90))
        book.setValue(.number(3), sheet: s, at: CellAddress(row: 0, column: 0))
        let report = book.recalculate()
        #expect(book.value(at: "Blad1!C1") == .number(33))
        #expect(book.value(at: "Blad1!E1") == .number(134))
        #expect(report.evaluations == 5)
    }

    @Test("an edited amount outside a SUMIFS's rows still reaches a formula that reads the range again", arguments: [
        "=SUMIFS(Belopp,Data!$B$1:$B$3,\"x\")+SUM(Belopp)",
        "=SUMIFS(Data!$A$1:$A$3,Data!$B$1:$B$3,\"x\")+SUM(Data!$A$1:$A$3)",
        "=SUMIFS(Data!$A$1:$A$3,Data!$B$1:$B$3,\"x\")+SUM(Belopp)",
        "=LET(x,Data!$A$1:$A$3,SUMIFS(x,Data!$B$1:$B$3,\"x\")+SUM(x))",
        "=LAMBDA(r,SUMIFS(r,Data!$B$1:$B$3,\"x\")+SUM(r))(Data!$A$1:$A$3)",
    ])
    func rangeReadTwice(formula: String) throws {
        let book = Workbook()
        let data = book.addSheet(named: "Data")
        book.addSheet(named: "Rapport")
        for (r, (amount, key)) in [(1.0, "x"), (2, "y"), (3, "x")].enumerated() {
            book.setValue(.number(amount), sheet: data, at: CellAddress(row: r, column: 0))
            book.setValue(.text(key), sheet: data, at: CellAddress(row: r, column: 1))
        }
        book.defineName("Belopp", formula: "=Data!$A$1:$A$3")
        try book.setFormula(formula, at: "Rapport!A1")
        try book.setFormula("=SUMIFS(Data!$A$1:$A$3,Data!$B$1:$B$3,\"x\")", at: "Rapport!A2")
        book.recalculate()
        #expect(book.value(at: "Rapport!A1") == .number(10))
        try book.setValue(.number(20), at: "Data!A2")
        let report = book.recalculate()
        #expect(book.value(at: "Rapport!A1") == .number(28))
        // The plain SUMIFS does not include row 2 and is not recomputed.
        #expect(book.value(at: "Rapport!A2") == .number(4))
        #expect(report.evaluations == 1)
    }

    @Test("many edits in one recalculation: each SUMIFS is recomputed when it must be, and only then")
    func batchOfEdits() throws {
        let book = Workbook()
        let data = book.addSheet(named: "Data")
        let report = book.addSheet(named: "Rapport")
        let keys = ["a", "b", "c", "d"]
        for r in 0..<200 {
            book.setValue(.text(keys[r % 4]), sheet: data, at: CellAddress(row: r, column: 0))
            book.setValue(.number(Double(r)), sheet: data, at: CellAddress(row: r, column: 1))
        }
        for (i, key) in keys.enumerated() {
            book.setValue(.text(key), sheet: report, at: CellAddress(row: i, column: 0))
            try book.setFormula("=SUMIFS(Data!$B$1:$B$400,Data!$A$1:$A$400,A\(i + 1))", at: "Rapport!B\(i + 1)")
        }
        book.recalculate()
        func totals() -> [CellValue] { (0..<4).map { book.value(sheet: report, at: CellAddress(row: $0, column: 1)) } }
        #expect(totals() == [.number(4900), .number(4950), .number(5000), .number(5050)])

        // Amounts of "a" only (rows 0, 4, 8…): only its SUMIFS is recomputed.
        for r in stride(from: 0, to: 40, by: 4) { book.setValue(.number(1000), sheet: data, at: CellAddress(row: r, column: 1)) }
        #expect(book.recalculate().evaluations == 1)
        #expect(totals()[0] == .number(4900 - 180 + 10_000))

        // Appended rows (keys and amounts) below the data, inside the ranges, and a key changed.
        for r in 200..<260 {
            book.setValue(.text(keys[(r / 3) % 4]), sheet: data, at: CellAddress(row: r, column: 0))
            book.setValue(.number(1), sheet: data, at: CellAddress(row: r, column: 1))
        }
        book.setValue(.text("d"), sheet: data, at: CellAddress(row: 1, column: 0))
        book.recalculate()
        let incremental = totals()
        book.rebuildAndCalculateAll()
        #expect(incremental == totals())
        // And both are the sums taken directly from the data.
        var expected = [String: Double]()
        for r in 0..<260 {
            if case .text(let k) = book.value(sheet: data, at: CellAddress(row: r, column: 0)),
               case .number(let x) = book.value(sheet: data, at: CellAddress(row: r, column: 1)) {
                expected[k, default: 0] += x
            }
        }
        #expect(incremental == keys.map { .number(expected[$0] ?? 0) })
    }

    @Test("an edit inside a whole-row range, or a range too large for recorded positions, reaches its formulas")
    func wideAndHugeRanges() throws {
        let book = Workbook()
        let data = book.addSheet(named: "Data")
        book.addSheet(named: "Rapport")
        book.setValue(.number(1), sheet: data, at: CellAddress(row: 4, column: 2))
        try book.setFormula("=SUM(Data!5:5)", at: "Rapport!A1")
        try book.setFormula("=SUM(Data!1:1048576)", at: "Rapport!A2")
        book.recalculate()
        book.setValue(.number(5), sheet: data, at: CellAddress(row: 200_000, column: 16_000))
        book.setValue(.number(2), sheet: data, at: CellAddress(row: 4, column: 9000))
        book.recalculate()
        #expect(book.value(at: "Rapport!A1") == .number(3))
        #expect(book.value(at: "Rapport!A2") == .number(8))
    }

    @Test("cells referenced far apart stay out of the dense part of the cell map")
    func sparseReferences() {
        var map = CellMap()
        for column in 0..<200 {
            for step in 1...20 { map[CellKey(sheet: 0, row: step * 4000, column: column)] = Int32(step) }
        }
        #expect(map.count == 4000)
        // Each column's first reference (row 4,000) is within the first 4,096 rows; the rest are sparse.
        #expect(map.denseSlotCount == 200 * 4001)
        #expect(map[CellKey(sheet: 0, row: 80_000, column: 199)] == 20)
        #expect(map[CellKey(sheet: 0, row: 79_999, column: 199)] == nil)
        var rows: [Int] = []
        map.forEach { key, _ in if key.column == 7 { rows.append(key.row) } }
        #expect(rows == (1...20).map { $0 * 4000 })
    }
}
