/// The shape of a budget report's SUMIFS — equality on some ledger columns (cost centre, account)
/// and an order comparison on one (the period, `"<="&Rapportmånad`) — answered without scanning:
/// the ledger's positions grouped by their values in the equality columns, each group sorted by
/// the ordered column. A call is one hash lookup and two binary searches; the matching positions
/// come back in ascending order, so sums add in the same order as a scan and give the same result.
///
/// Built once per set of ranges and kept across recalculations until one of its ranges is edited
/// (a new report month reuses it; an edited amount in the summed column does not touch it).
struct GroupedCriteriaIndex {
    struct Group {
        /// The ordered column's values, ascending (only positions where it holds a number: an order
        /// comparison with a number never matches anything else).
        var values: [Double] = []
        /// The positions, in the same order as `values` (ties in ascending position).
        var offsets: [Int32] = []
    }

    /// How many leading positions were indexed.
    let count: Int
    let hasOrderedColumn: Bool
    /// Each equality column's distinct keys, numbered.
    private var keyIDs: [[CriteriaIndex.Key: Int32]]
    /// A combination of key numbers is found one column at a time: the node reached after the
    /// first c columns and the next column's key number, packed in one word, give the next node
    /// (integer keys, no array per position). The node after the last column is a group.
    private var nodeAfter: [UInt64: Int32] = [:]
    /// Node 0 is the empty combination (where every search starts).
    private var nodeCount: Int32 = 1
    /// The group of each last node (-1 until one is made).
    private var groupOfNode: [Int32] = [-1]
    private var groups: [Group] = []

    /// `equality[c][i]`: the value of position i in the c-th equality column; `ordered`: the ordered
    /// column's values, when there is one.
    init(equality: [[CellValue]], ordered: [CellValue]?) {
        count = equality.first?.count ?? ordered?.count ?? 0
        hasOrderedColumn = ordered != nil
        keyIDs = Array(repeating: [:], count: equality.count)
        var combination = [Int32](repeating: 0, count: equality.count)
        // A ledger column repeats a few texts 100,000 times: read each as key numbers once per column.
        var textIDs: [[String: [Int32]]] = Array(repeating: [:], count: equality.count)
        var numberIDs: [[Double: Int32]] = Array(repeating: [:], count: equality.count)
        var extra: [[Int32]] = []
        var alternatives: [(column: Int, id: Int32)] = []
        for i in 0..<count {
            var orderValue = 0.0
            if let ordered {
                guard case .number(let x) = ordered[i] else { continue }
                orderValue = x
            }
            // The keys position i answers to in each column: a text that reads as a number answers
            // to both, as for a one-column index (rare: the other combinations go to `extra`).
            var matchesSomething = true
            alternatives.removeAll(keepingCapacity: true)
            for c in equality.indices {
                switch equality[c][i] {
                case .number(let n):
                    let n = n == 0 ? 0 : n
                    if let known = numberIDs[c][n] {
                        combination[c] = known
                    } else {
                        let new = id(.number(n), column: c)
                        numberIDs[c][n] = new
                        combination[c] = new
                    }
                case .text(let t):
                    let ids: [Int32]
                    if let known = textIDs[c][t] {
                        ids = known
                    } else {
                        ids = Self.keys(ofText: t).map { id($0, column: c) }
                        textIDs[c][t] = ids
                    }
                    combination[c] = ids[0]
                    for other in ids.dropFirst() { alternatives.append((c, other)) }
                case .boolean(let b): combination[c] = id(.boolean(b), column: c)
                case .error(let e): combination[c] = id(.error(e), column: c)
                case .empty: matchesSomething = false
                }
                if !matchesSomething { break }
            }
            guard matchesSomething else { continue }
            add(Int32(i), orderValue, to: group(for: combination))
            guard !alternatives.isEmpty else { continue }
            extra.removeAll(keepingCapacity: true)
            for (c, alternative) in alternatives {
                extra += ([combination] + extra).map { var k = $0; k[c] = alternative; return k }
            }
            for key in extra { add(Int32(i), orderValue, to: group(for: key)) }
        }
        if ordered != nil {
            for g in groups.indices where !Self.isSorted(groups[g].values) {
                let group = groups[g]
                let order = group.values.indices.sorted { (group.values[$0], group.offsets[$0]) < (group.values[$1], group.offsets[$1]) }
                groups[g] = Group(values: order.map { group.values[$0] }, offsets: order.map { group.offsets[$0] })
            }
        }
    }

    private mutating func add(_ position: Int32, _ orderValue: Double, to g: Int) {
        groups[g].values.append(orderValue)
        groups[g].offsets.append(position)
    }

    /// The group of a combination of key numbers, made when new.
    private mutating func group(for ids: [Int32]) -> Int {
        var node: Int32 = 0
        for id in ids {
            let packed = UInt64(node) << 32 | UInt64(UInt32(bitPattern: id))
            if let next = nodeAfter[packed] {
                node = next
            } else {
                node = nodeCount
                nodeCount += 1
                nodeAfter[packed] = node
                groupOfNode.append(-1)
            }
        }
        if groupOfNode[Int(node)] < 0 {
            groupOfNode[Int(node)] = Int32(groups.count)
            groups.append(Group())
        }
        return Int(groupOfNode[Int(node)])
    }

    /// The group of a combination, nil when no position has it.
    private func existingGroup(for ids: [Int32]) -> Int? {
        var node: Int32 = 0
        for id in ids {
            guard let next = nodeAfter[UInt64(node) << 32 | UInt64(UInt32(bitPattern: id))] else { return nil }
            node = next
        }
        let g = groupOfNode[Int(node)]
        return g < 0 ? nil : Int(g)
    }

    private mutating func id(_ key: CriteriaIndex.Key, column: Int) -> Int32 {
        if let existing = keyIDs[column][key] { return existing }
        let new = Int32(keyIDs[column].count)
        keyIDs[column][key] = new
        return new
    }

    private static func isSorted(_ values: [Double]) -> Bool {
        zip(values, values.dropFirst()).allSatisfy { $0 <= $1 }
    }

    private static func keys(ofText s: String) -> [CriteriaIndex.Key] {
        var keys: [CriteriaIndex.Key] = [.text(s.lowercased())]
        if let n = Coercion.parseNumber(s) { keys.append(.number(n == 0 ? 0 : n)) }
        return keys
    }

    /// The positions whose equality columns hold `key` and whose ordered column satisfies every
    /// criterion in `ordered` (order comparisons with a number), in the index's order (by the
    /// ordered column's value, not by position).
    func slice(for key: [CriteriaIndex.Key], ordered: [Criterion]) -> ArraySlice<Int32> {
        var ids: [Int32] = []
        ids.reserveCapacity(key.count)
        for (c, k) in key.enumerated() {
            guard let id = keyIDs[c][k] else { return [] }
            ids.append(id)
        }
        guard let g = existingGroup(for: ids) else { return [] }
        let group = groups[g]
        var low = 0, high = group.values.count
        for criterion in ordered {
            // Each comparison holds on a prefix (less…) or a suffix (greater…) of the sorted values.
            let holds = { (x: Double) in criterion.matches(.number(x)) }
            if criterion.comparison == .less || criterion.comparison == .lessOrEqual {
                high = min(high, Self.partition(group.values, low, high) { holds($0) })
            } else {
                low = max(low, Self.partition(group.values, low, high) { !holds($0) })
            }
        }
        return low < high ? group.offsets[low..<high] : []
    }

    /// The first index in `low..<high` where `isPrefix` stops holding (it holds on a prefix).
    private static func partition(_ values: [Double], _ low: Int, _ high: Int, _ isPrefix: (Double) -> Bool) -> Int {
        var lo = low, hi = high
        while lo < hi {
            let mid = (lo + hi) / 2
            if isPrefix(values[mid]) { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}

/// Which ranges a grouped index covers: the equality columns in a fixed order, and the ordered one.
struct GroupedIndexKey: Hashable {
    let equality: [Reference.Area]
    let ordered: Reference.Area?
}

extension Criterion {
    /// An order comparison with a number (`"<=5"`, `">="&A1`), which a grouped index answers.
    var isNumericOrder: Bool {
        guard case .number = operand else { return false }
        switch comparison {
        case .less, .lessOrEqual, .greater, .greaterOrEqual: return true
        case .equal, .notEqual: return false
        }
    }
}
