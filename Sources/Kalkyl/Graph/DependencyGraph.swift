/// Which formulas depend on which cells, and the order to compute them in.
///
/// Nodes are formula cells (numbered as `Workbook.formulas`) and ranges (numbered after them). A
/// multi-cell range that formulas read is one node however many formulas read it, so 3,000 SUMIFS
/// over the same ledger column add 3,000 edges, not 300 million; a single cell is an edge of its own.
/// The edges are held in flat arrays (compressed rows), not an array per node: a 200,000-formula
/// sheet builds its graph without 200,000 allocations. The order is found without recursion
/// (Kahn's algorithm, then Tarjan's with an explicit stack for what is left in cycles).
struct DependencyGraph {
    var formulaCount = 0
    /// The nodes that depend on each node.
    var dependents = Adjacency()
    /// The area of each range node (node `formulaCount + i`).
    var rangeAreas: [Reference.Area] = []
    var rangesBySheet: [Int: [Int32]] = [:]
    /// Formula nodes that read a single cell, by that cell.
    var cellDependents = CellMultiMap()
    /// Every node, precedents before dependents; members of a cycle next to each other.
    var order: [Int32] = []
    var inCycle: [Bool] = []
    var dirty: [Bool] = []
    /// Formula nodes that use a defined name (lower-cased, any scope), directly or through another.
    var nameDependents: [String: [Int32]] = [:]
    /// Formula nodes recomputed on every recalculation.
    var volatileNodes: [Int32] = []
    /// Formula nodes whose references are only known when evaluated (INDIRECT, OFFSET).
    var dynamic: [Bool] = []
    /// Formula nodes with an edge for every time they read an area (not dynamic, no name read
    /// twice): one edge from a range means the range is read once (see `markEditedDirty`).
    var eachAreaListed: [Bool] = []

    var nodeCount: Int { dependents.nodeCount }

    func isDirty(_ node: Int32) -> Bool { Int(node) < dirty.count && dirty[Int(node)] }
    func isRange(_ node: Int32) -> Bool { Int(node) >= formulaCount }

    /// Marks a node and everything downstream of it dirty.
    mutating func markDirty(_ start: Int32) {
        if dirty[Int(start)] { return }
        var stack = [start]
        while let n = stack.popLast() {
            if dirty[Int(n)] { continue }
            dirty[Int(n)] = true
            let targets = dependents.range(of: Int(n))
            for e in targets where !dirty[Int(dependents.targets[e])] { stack.append(dependents.targets[e]) }
        }
    }

    /// Computes `order` and `inCycle` from the edges.
    mutating func sort() {
        let n = nodeCount
        var indegree = [Int32](repeating: 0, count: n)
        for d in dependents.targets { indegree[Int(d)] += 1 }
        order = []
        order.reserveCapacity(n)
        for i in 0..<n where indegree[i] == 0 { order.append(Int32(i)) }
        var head = 0
        while head < order.count {
            let node = order[head]
            head += 1
            for e in dependents.range(of: Int(node)) {
                let d = dependents.targets[e]
                indegree[Int(d)] -= 1
                if indegree[Int(d)] == 0 { order.append(d) }
            }
        }
        inCycle = [Bool](repeating: false, count: n)
        guard order.count < n else { return }
        // What is left lies in or behind a cycle: strongly connected components, in dependency order.
        var left = [Bool](repeating: false, count: n)
        for i in 0..<n where indegree[i] > 0 { left[i] = true }
        for component in stronglyConnectedComponents(among: left) {
            if component.count > 1 || dependents[Int(component[0])].contains(component[0]) {
                for c in component { inCycle[Int(c)] = true }
            }
            order.append(contentsOf: component)
        }
    }

    /// Tarjan's algorithm with an explicit stack; components come out precedents first.
    private func stronglyConnectedComponents(among included: [Bool]) -> [[Int32]] {
        let n = nodeCount
        var index = [Int32](repeating: -1, count: n)
        var low = [Int32](repeating: 0, count: n)
        var onStack = [Bool](repeating: false, count: n)
        var stack: [Int32] = []
        var components: [[Int32]] = []
        var counter: Int32 = 0
        for root in 0..<n where included[root] && index[root] < 0 {
            var work: [(node: Int32, edge: Int)] = [(Int32(root), dependents.range(of: root).lowerBound)]
            index[root] = counter; low[root] = counter; counter += 1
            stack.append(Int32(root)); onStack[root] = true
            while let (v, e) = work.last {
                if e < dependents.range(of: Int(v)).upperBound {
                    work[work.count - 1].edge += 1
                    let w = dependents.targets[e]
                    guard included[Int(w)] else { continue }
                    if index[Int(w)] < 0 {
                        index[Int(w)] = counter; low[Int(w)] = counter; counter += 1
                        stack.append(w); onStack[Int(w)] = true
                        work.append((w, dependents.range(of: Int(w)).lowerBound))
                    } else if onStack[Int(w)] {
                        low[Int(v)] = min(low[Int(v)], index[Int(w)])
                    }
                } else {
                    work.removeLast()
                    if let parent = work.last { low[Int(parent.node)] = min(low[Int(parent.node)], low[Int(v)]) }
                    if low[Int(v)] == index[Int(v)] {
                        var component: [Int32] = []
                        while let w = stack.popLast() {
                            onStack[Int(w)] = false
                            component.append(w)
                            if w == v { break }
                        }
                        components.append(component.reversed())
                    }
                }
            }
        }
        // Tarjan emits a component after everything reachable from it (its dependents): reverse.
        return components.reversed()
    }
}

/// Edges in compressed-row form: the targets of node n are `targets[offsets[n]..<offsets[n + 1]]`.
struct Adjacency {
    private(set) var offsets: [Int32] = [0]
    private(set) var targets: [Int32] = []

    var nodeCount: Int { offsets.count - 1 }

    /// Builds the rows from edge lists (a counting sort by source); each row keeps its edges' order.
    init(nodeCount: Int = 0, sources: [Int32] = [], destinations: [Int32] = []) {
        var counts = [Int32](repeating: 0, count: nodeCount + 1)
        for s in sources { counts[Int(s) + 1] += 1 }
        for i in 0..<nodeCount { counts[i + 1] += counts[i] }
        offsets = counts
        var fill = counts
        var out = [Int32](repeating: 0, count: sources.count)
        for (s, d) in zip(sources, destinations) {
            out[Int(fill[Int(s)])] = d
            fill[Int(s)] += 1
        }
        targets = out
    }

    @inline(__always)
    func range(of node: Int) -> Range<Int> { Int(offsets[node])..<Int(offsets[node + 1]) }

    subscript(node: Int) -> ArraySlice<Int32> { targets[range(of: node)] }
}
