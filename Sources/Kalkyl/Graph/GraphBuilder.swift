/// Building the dependency graph from the workbook's formulas.
extension Workbook {
    func rebuildGraph() {
        sumPositions.removeAll()
        singleUseAreas.removeAll()
        var g = DependencyGraph()
        g.formulaCount = formulas.count
        g.dependents = Array(repeating: [], count: formulas.count)
        g.cellDependents.reserveCapacity(formulas.count)
        g.dynamic = Array(repeating: false, count: formulas.count)
        var rangeNodes: [Reference.Area: Int32] = [:]
        var unknown: [String: [String]] = [:]

        for (i, formula) in formulas.enumerated() where !formula.isRemoved {
            var collector = PrecedentCollector(workbook: self, sheet: Int(formula.sheet), cell: formula.anchor)
            collector.collect(formula.expression)
            let node = Int32(i)
            if collector.isVolatile { g.volatileNodes.append(node) }
            for name in collector.namesSeen { g.nameDependents[name, default: []].append(node) }
            g.dynamic[i] = collector.isDynamic
            for name in collector.unknownFunctions {
                unknown[name, default: []].append(SheetName.quotedIfNeeded(sheetNames[Int(formula.sheet)]) + "!" + formula.anchor.a1)
            }
            for area in collector.areas {
                if area.range.first == area.range.last {
                    let key = CellKey(sheet: area.sheet, cell: area.range.first)
                    g.cellDependents[key, default: []].append(node)
                    if let source = formulaAt[key] { g.dependents[Int(source)].append(node) }
                } else {
                    let r: Int32
                    if let existing = rangeNodes[area] {
                        r = existing
                    } else {
                        r = Int32(g.dependents.count)
                        rangeNodes[area] = r
                        g.dependents.append([])
                        g.rangeAreas.append(area)
                        g.rangesBySheet[area.sheet, default: []].append(r)
                    }
                    g.dependents[Int(r)].append(node)
                }
            }
        }

        // Formula cells inside each range feed it.
        let index = FormulaCellIndex(formulaAt)
        formulaCellIndexCache = index  // the evaluation asks the same (`areaHasFormulas`)
        for (k, area) in g.rangeAreas.enumerated() {
            let r = Int32(g.formulaCount + k)
            var last: Int32 = -1
            index.forEachFormula(in: area) { node in
                if node != last { g.dependents[Int(node)].append(r); last = node }
            }
        }
        g.sort()
        g.dirty = Array(repeating: false, count: g.nodeCount)
        graph = g
        for (name, cells) in unknown.sorted(by: { $0.key < $1.key }) {
            addDiagnostic(.unknownFunction(name: name, cells: cells))
        }
    }
}

/// The references a formula reads, found by walking its expression (names included).
struct PrecedentCollector {
    let workbook: Workbook
    let sheet: Int
    let cell: CellAddress
    var areas: [Reference.Area] = []
    var isVolatile = false
    var isDynamic = false
    var unknownFunctions: Set<String> = []
    private var nameDepth = 0
    /// Names whose formulas were walked already: each once (a LAMBDA name calling itself twice
    /// would otherwise be walked 2^32 times).
    private(set) var namesSeen: Set<String> = []

    init(workbook: Workbook, sheet: Int, cell: CellAddress) {
        self.workbook = workbook
        self.sheet = sheet
        self.cell = cell
    }

    mutating func collect(_ e: Expression) {
        switch e {
        case .reference(let r):
            if let resolved = r.resolve(at: cell, sheet: sheet) { areas.append(contentsOf: resolved.areas) }
        case .name(let n):
            guard nameDepth < 32, let entry = workbook.lookupName(n, sheet: sheet) else { return }
            guard namesSeen.insert(n.lowercased()).inserted else { return }
            nameDepth += 1
            collect(entry.expression)
            nameDepth -= 1
        case .unary(_, let x), .percent(let x):
            collect(x)
        case .binary(_, let a, let b):
            collect(a)
            collect(b)
        case .call(let f, let args):
            switch f {
            case .known(let d):
                if d.isVolatile {
                    isVolatile = true
                    if ["INDIRECT", "OFFSET"].contains(d.name) { isDynamic = true }
                }
            case .unknown(let name):
                // A defined name holding a LAMBDA, called like a function: its formula is read too.
                if nameDepth < 32, let entry = workbook.lookupName(name, sheet: sheet) {
                    if namesSeen.insert(name.lowercased()).inserted {
                        nameDepth += 1
                        collect(entry.expression)
                        nameDepth -= 1
                    }
                } else if workbook.lookupName(name, sheet: sheet) == nil {
                    unknownFunctions.insert(name)
                }
            }
            for a in args { collect(a) }
        case .apply(let f, let args):
            collect(f)
            for a in args { collect(a) }
        case .number, .text, .boolean, .error, .array, .missing, .parameter:
            break
        }
    }
}

/// Formula cells by sheet and column, rows sorted, to find those inside a range quickly.
struct FormulaCellIndex {
    private var rowsByColumn: [Int: [Int: [(row: Int, node: Int32)]]] = [:]

    init(_ formulaAt: [CellKey: Int32]) {
        for (key, node) in formulaAt {
            rowsByColumn[key.sheet, default: [:]][key.column, default: []].append((key.row, node))
        }
        for sheet in rowsByColumn.keys {
            for column in rowsByColumn[sheet]!.keys { rowsByColumn[sheet]![column]!.sort { $0.row < $1.row } }
        }
    }

    func forEachFormula(in area: Reference.Area, _ body: (Int32) -> Void) {
        guard let columns = rowsByColumn[area.sheet] else { return }
        let r = area.range
        for (column, rows) in columns where column >= Int(r.first.column) && column <= Int(r.last.column) {
            var low = 0, high = rows.count
            while low < high {
                let mid = (low + high) / 2
                if rows[mid].row < Int(r.first.row) { low = mid + 1 } else { high = mid }
            }
            var i = low
            while i < rows.count, rows[i].row <= Int(r.last.row) {
                body(rows[i].node)
                i += 1
            }
        }
    }
}

extension Workbook {
    /// Marks what an edited cell reaches dirty, except formulas that add up other positions of a
    /// range the cell is in: a SUMIFS over a 100,000-row ledger is not recomputed for an amount it
    /// does not include. A formula is spared only when it refers to that range once — as the sum
    /// range of the call that recorded its positions.
    func markEditedDirty(_ key: CellKey) {
        for n in graph.cellDependents[key] ?? [] { graph.markDirty(n) }
        let row = Int32(key.row), column = Int32(key.column)
        for r in graph.rangesBySheet[key.sheet] ?? [] {
            let area = graph.rangeAreas[Int(r) - graph.formulaCount]
            let range = area.range
            guard row >= range.first.row && row <= range.last.row && column >= range.first.column && column <= range.last.column else { continue }
            graph.dirty[Int(r)] = true
            let offset = Int32((Int(row - range.first.row)) * range.columnCount + Int(column - range.first.column))
            for d in graph.dependents[Int(r)] {
                if let positions = sumPositions[d]?[area], !Self.containsSorted(positions, offset), refersOnce(d, to: area) { continue }
                graph.markDirty(d)
            }
        }
    }

    private func refersOnce(_ node: Int32, to area: Reference.Area) -> Bool {
        if let known = singleUseAreas[node] { return known.contains(area) }
        let f = formulas[Int(node)]
        var collector = PrecedentCollector(workbook: self, sheet: Int(f.sheet), cell: f.anchor)
        collector.collect(f.expression)
        var counts: [Reference.Area: Int] = [:]
        for a in collector.areas { counts[a, default: 0] += 1 }
        let once = collector.isDynamic ? [] : Set(counts.filter { $0.value == 1 }.map(\.key))
        singleUseAreas[node] = once
        return once.contains(area)
    }

    static func containsSorted(_ list: [Int32], _ x: Int32) -> Bool {
        var low = 0, high = list.count
        while low < high {
            let mid = (low + high) / 2
            if list[mid] < x { low = mid + 1 } else { high = mid }
        }
        return low < list.count && list[low] == x
    }
}
