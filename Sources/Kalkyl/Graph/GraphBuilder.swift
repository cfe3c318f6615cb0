/// Building the dependency graph from the workbook's formulas.
extension Workbook {
    func rebuildGraph() {
        sumPositions.removeAll()
        var g = DependencyGraph()
        g.formulaCount = formulas.count
        g.cellDependents.reserveCapacity(formulas.count)
        g.dynamic = Array(repeating: false, count: formulas.count)
        g.eachAreaListed = Array(repeating: false, count: formulas.count)
        // Edges are collected as (source, destination) pairs and packed into rows at the end.
        var sources: [Int32] = [], destinations: [Int32] = []
        sources.reserveCapacity(formulas.count * 2)
        destinations.reserveCapacity(formulas.count * 2)
        var rangeNodes = AreaNodes()
        var unknown: [String: [String]] = [:]
        var collector = PrecedentCollector(workbook: self)

        for i in formulas.indices where !formulas[i].isRemoved {
            let formula = formulas[i]
            collector.start(sheet: Int(formula.sheet), cell: formula.anchor)
            collector.collect(formula.expression)
            let node = Int32(i)
            if collector.isVolatile { g.volatileNodes.append(node) }
            for name in collector.namesSeen { g.nameDependents[name, default: []].append(node) }
            g.dynamic[i] = collector.isDynamic
            g.eachAreaListed[i] = !collector.isDynamic && !collector.repeatsName && !collector.readsParameter
            for name in collector.unknownFunctions {
                unknown[name, default: []].append(SheetName.quotedIfNeeded(sheetNames[Int(formula.sheet)]) + "!" + formula.anchor.a1)
            }
            for area in collector.areas {
                if area.range.first == area.range.last {
                    let key = CellKey(sheet: area.sheet, cell: area.range.first)
                    g.cellDependents.append(node, for: key)
                    if let source = formulaAt[key] {
                        sources.append(source)
                        destinations.append(node)
                    }
                } else {
                    let r: Int32
                    if let existing = rangeNodes.node(of: area) {
                        r = existing
                    } else {
                        r = Int32(g.formulaCount + g.rangeAreas.count)
                        rangeNodes.insert(area, node: r)
                        g.rangeAreas.append(area)
                        g.rangesBySheet[area.sheet, default: []].append(r)
                    }
                    sources.append(r)
                    destinations.append(node)
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
                if node != last {
                    sources.append(node)
                    destinations.append(r)
                    last = node
                }
            }
        }
        g.dependents = Adjacency(nodeCount: g.formulaCount + g.rangeAreas.count, sources: sources, destinations: destinations)
        g.sort()
        g.dirty = Array(repeating: false, count: g.nodeCount)
        graph = g
        for (name, cells) in unknown.sorted(by: { $0.key < $1.key }) {
            addDiagnostic(.unknownFunction(name: name, cells: cells))
        }
    }
}

/// Range nodes by area, while the graph is built: open addressing over two packed words per area.
/// A running total down 100,000 rows has 100,000 distinct ranges, and hashing each `Reference.Area`
/// with SipHash was most of its graph build.
private struct AreaNodes {
    private var firsts: [UInt64]
    private var lasts: [UInt64]
    private var nodes: [Int32]
    private var count = 0

    init() {
        firsts = Array(repeating: .max, count: 64)
        lasts = Array(repeating: 0, count: 64)
        nodes = Array(repeating: 0, count: 64)
    }

    private static func words(_ area: Reference.Area) -> (UInt64, UInt64) {
        (CellKey(sheet: area.sheet, cell: area.range.first).raw, CellKey(sheet: 0, cell: area.range.last).raw)
    }

    private func slot(_ first: UInt64, _ last: UInt64) -> Int {
        let h = (first &* 0x9E37_79B9_7F4A_7C15) ^ (last &* 0xC2B2_AE3D_27D4_EB4F)
        return Int(truncatingIfNeeded: h >> 17) & (nodes.count - 1)
    }

    func node(of area: Reference.Area) -> Int32? {
        let (first, last) = Self.words(area)
        var i = slot(first, last)
        while firsts[i] != .max {
            if firsts[i] == first && lasts[i] == last { return nodes[i] }
            i = (i + 1) & (nodes.count - 1)
        }
        return nil
    }

    /// Adds an area not yet present.
    mutating func insert(_ area: Reference.Area, node: Int32) {
        if (count + 1) * 2 > nodes.count { grow() }
        let (first, last) = Self.words(area)
        place(first, last, node)
        count += 1
    }

    private mutating func place(_ first: UInt64, _ last: UInt64, _ node: Int32) {
        var i = slot(first, last)
        while firsts[i] != .max { i = (i + 1) & (nodes.count - 1) }
        firsts[i] = first
        lasts[i] = last
        nodes[i] = node
    }

    private mutating func grow() {
        let (oldFirsts, oldLasts, oldNodes) = (firsts, lasts, nodes)
        firsts = Array(repeating: .max, count: oldNodes.count * 2)
        lasts = Array(repeating: 0, count: oldNodes.count * 2)
        nodes = Array(repeating: 0, count: oldNodes.count * 2)
        for i in oldNodes.indices where oldFirsts[i] != .max { place(oldFirsts[i], oldLasts[i], oldNodes[i]) }
    }
}

/// The references a formula reads, found by walking its expression (names included).
struct PrecedentCollector {
    let workbook: Workbook
    private(set) var sheet = 0
    private(set) var cell = CellAddress(row: 0, column: 0)
    var areas: [Reference.Area] = []
    var isVolatile = false
    var isDynamic = false
    /// A name used twice is walked once: its areas are then listed fewer times than they are read.
    var repeatsName = false
    /// A LET or LAMBDA parameter is read: the area bound to it is listed once however often it is read.
    var readsParameter = false
    var unknownFunctions: Set<String> = []
    private var nameDepth = 0
    /// Names whose formulas were walked already: each once (a LAMBDA name calling itself twice
    /// would otherwise be walked 2^32 times).
    private(set) var namesSeen: Set<String> = []

    init(workbook: Workbook) {
        self.workbook = workbook
    }

    init(workbook: Workbook, sheet: Int, cell: CellAddress) {
        self.workbook = workbook
        start(sheet: sheet, cell: cell)
    }

    /// Readies the collector for another formula, keeping its storage (one collector serves a
    /// whole graph build).
    mutating func start(sheet: Int, cell: CellAddress) {
        self.sheet = sheet
        self.cell = cell
        areas.removeAll(keepingCapacity: true)
        isVolatile = false
        isDynamic = false
        repeatsName = false
        readsParameter = false
        if !unknownFunctions.isEmpty { unknownFunctions.removeAll() }
        if !namesSeen.isEmpty { namesSeen.removeAll() }
        nameDepth = 0
    }

    mutating func collect(_ e: Expression) {
        switch e {
        case .reference(let r):
            r.resolveAreas(at: cell, sheet: sheet) { areas.append($0) }
        case .name(let n):
            guard nameDepth < 32, let entry = workbook.lookupName(n, sheet: sheet) else { return }
            guard namesSeen.insert(n.lowercased()).inserted else {
                repeatsName = true
                return
            }
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
                    } else {
                        repeatsName = true
                    }
                } else if workbook.lookupName(name, sheet: sheet) == nil {
                    unknownFunctions.insert(name)
                }
            }
            for a in args { collect(a) }
        case .apply(let f, let args):
            collect(f)
            for a in args { collect(a) }
        case .parameter:
            readsParameter = true
        case .number, .text, .boolean, .error, .array, .missing:
            break
        }
    }
}

/// Formula cells by sheet and column, rows sorted, to find those inside a range quickly.
struct FormulaCellIndex {
    /// Columns that hold formulas, by sheet, in column order: (column, its formula rows).
    private var columnsBySheet: [Int: [(column: Int, rows: [(row: Int32, node: Int32)])]] = [:]

    init(_ formulaAt: CellMap) {
        // The map hands its entries over by sheet, column and ascending row: no sorting needed.
        var current: (sheet: Int, column: Int) = (-1, -1)
        var rows: [(row: Int32, node: Int32)] = []
        func flush() {
            if !rows.isEmpty { columnsBySheet[current.sheet, default: []].append((current.column, rows)) }
            rows = []
        }
        formulaAt.forEach { key, node in
            if key.sheet != current.sheet || key.column != current.column {
                flush()
                current = (key.sheet, key.column)
            }
            rows.append((Int32(key.row), node))
        }
        flush()
    }

    func forEachFormula(in area: Reference.Area, _ body: (Int32) -> Void) {
        guard let columns = columnsBySheet[area.sheet] else { return }
        let r = area.range
        for (column, rows) in columns where column >= Int(r.first.column) {
            if column > Int(r.last.column) { break }
            var low = 0, high = rows.count
            while low < high {
                let mid = (low + high) / 2
                if rows[mid].row < r.first.row { low = mid + 1 } else { high = mid }
            }
            var i = low
            while i < rows.count, rows[i].row <= r.last.row {
                body(rows[i].node)
                i += 1
            }
        }
    }
}

extension Workbook {
    /// Marks what edited cells reach dirty, except formulas that add up other positions of a range
    /// the cells are in: a SUMIFS over a 100,000-row ledger is not recomputed for an amount it does
    /// not include. A formula is spared only when it refers to that range once — as the sum range
    /// of the call that recorded its positions. Each range is visited once for all the edits inside
    /// it, so appending a month of ledger rows costs the ranges' dependents once, not once a cell.
    func markEditedDirty(_ keys: [CellKey]) {
        var direct: [Int32] = []
        for key in keys { graph.cellDependents.forEach(of: key) { direct.append($0) } }
        for n in direct { graph.markDirty(n) }
        // The edited cells by sheet and column, rows sorted, to find those inside each range.
        var columnsBySheet: [Int: [Int: [Int32]]] = [:]
        for key in keys { columnsBySheet[key.sheet, default: [:]][key.column, default: []].append(Int32(key.row)) }
        for (sheet, columns) in columnsBySheet {
            guard let ranges = graph.rangesBySheet[sheet] else { continue }
            let edited = columns.map { (column: $0.key, rows: Array(Set($0.value)).sorted()) }.sorted { $0.column < $1.column }
            let editedColumns = edited.map(\.column)
            for r in ranges {
                let area = graph.rangeAreas[Int(r) - graph.formulaCount]
                let range = area.range
                // Only the edited columns inside the range are visited (a whole-row range spans
                // 16,384 columns).
                var offsets: [Int32] = []
                var inside = false
                var c = Self.lowerBound(editedColumns, Int(range.first.column))
                while c < edited.count && edited[c].column <= Int(range.last.column) {
                    let rows = edited[c].rows
                    var i = Self.lowerBound(rows, range.first.row)
                    while i < rows.count && rows[i] <= range.last.row {
                        inside = true
                        let offset = Int(rows[i] - range.first.row) * range.columnCount + edited[c].column - Int(range.first.column)
                        if offset <= Int(Int32.max) { offsets.append(Int32(offset)) }
                        i += 1
                    }
                    c += 1
                }
                guard inside else { continue }
                if range.cellCount > Int(Int32.max) {
                    graph.markDirty(r)  // positions are not recorded for ranges this large
                    continue
                }
                offsets.sort()
                markDirty(range: r, area: area, editedOffsets: offsets)
            }
        }
    }

    /// Marks a range node and the formulas reading it dirty, sparing those that refer to it once
    /// and added up none of the edited positions.
    private func markDirty(range r: Int32, area: Reference.Area, editedOffsets: [Int32]) {
        graph.dirty[Int(r)] = true
        // A formula's edges from one range are next to each other in the range's row: a formula
        // that refers to the range once has one edge there.
        let edges = graph.dependents.range(of: Int(r))
        var e = edges.lowerBound
        while e < edges.upperBound {
            let d = graph.dependents.targets[e]
            var next = e + 1
            while next < edges.upperBound && graph.dependents.targets[next] == d { next += 1 }
            let once = next == e + 1 && !graph.isRange(d) && graph.eachAreaListed[Int(d)]
            e = next
            if graph.dirty[Int(d)] { continue }
            if once, let positions = sumPositions[d]?[area], !Self.intersects(positions, editedOffsets) { continue }
            graph.markDirty(d)
        }
    }

    /// Whether two ascending lists share an element (each element of the shorter one looked up).
    static func intersects(_ a: [Int32], _ b: [Int32]) -> Bool {
        let (small, large) = a.count <= b.count ? (a, b) : (b, a)
        return small.contains { containsSorted(large, $0) }
    }

    static func lowerBound<T: Comparable>(_ list: [T], _ x: T) -> Int {
        var low = 0, high = list.count
        while low < high {
            let mid = (low + high) / 2
            if list[mid] < x { low = mid + 1 } else { high = mid }
        }
        return low
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
