/// What a recalculation did.
public struct RecalculationReport: Sendable, Equatable {
    /// Formula evaluations, counting each formula cell (or array formula) once per evaluation.
    public var evaluations = 0
    /// Cells of each circular reference met, as `Sheet!A1`.
    public var circularReferences: [[String]] = []
    /// Time spent rebuilding the dependency graph (zero when the structure had not changed).
    public var graphBuildTime: Duration = .zero
    /// Time spent evaluating.
    public var evaluationTime: Duration = .zero
}

extension Workbook {
    /// Evaluates every formula whose inputs changed since the last recalculation (all of them the
    /// first time), each once, in dependency order.
    @discardableResult
    public func recalculate() -> RecalculationReport {
        let clock = ContinuousClock()
        let start = clock.now
        var graphTime = Duration.zero
        if structureChanged {
            keptCriteriaIndexes.removeAll()
            keptGroupedIndexes.removeAll()
            formulaCellIndexCache = nil
            clearCalculationDiagnostics()
            rebuildGraph()
            graphTime = clock.now - start
            structureChanged = false
            changedCells.removeAll()
            changedNames.removeAll()
            for f in 0..<graph.formulaCount where !formulas[f].isRemoved { graph.dirty[f] = true }
        } else {
            forgetCriteriaIndexes(touching: changedCells)
            markEditedDirty(changedCells)
            for (node, wanted) in blockedSpills where changedCells.contains(where: {
                Int(formulas[Int(node)].sheet) == $0.sheet && wanted.contains(CellAddress(row: $0.row, column: $0.column))
            }) {
                graph.markDirty(node)
            }
            changedCells.removeAll()
            for name in changedNames { for node in graph.nameDependents[name] ?? [] { graph.markDirty(node) } }
            changedNames.removeAll()
        }
        for v in graph.volatileNodes { graph.markDirty(v) }
        var run = RecalculationRun(workbook: self)
        let evaluationStart = clock.now
        run.run()
        // A dynamic array that spilled over a new range changed what depends on what: rebuild
        // and compute what is affected again (a few rounds at most; spills settle quickly).
        var rounds = 0
        while structureChanged && rounds < 4 {
            rounds += 1
            rebuildGraph()
            structureChanged = false
            for f in 0..<graph.formulaCount where !formulas[f].isRemoved { graph.dirty[f] = true }
            var again = RecalculationRun(workbook: self)
            again.run()
            run.report.evaluations += again.report.evaluations
            run.report.circularReferences += again.report.circularReferences
        }
        run.report.graphBuildTime = graphTime
        run.report.evaluationTime = clock.now - evaluationStart
        return run.report
    }

    /// Recomputes every formula, as Excel's full calculation (Ctrl+Alt+F9): the dependency graph
    /// is kept when nothing changed its structure (Ctrl+Shift+Alt+F9 would rebuild it:
    /// `rebuildAndCalculateAll()`), the indexes over ranges are built again.
    @discardableResult
    public func calculateAll() -> RecalculationReport {
        if !structureChanged {
            keptCriteriaIndexes.removeAll()
            keptGroupedIndexes.removeAll()
            for f in 0..<graph.formulaCount where !formulas[f].isRemoved { graph.dirty[f] = true }
        }
        return recalculate()
    }

    /// Rebuilds the dependency graph and recomputes every formula (Excel's Ctrl+Shift+Alt+F9).
    @discardableResult
    public func rebuildAndCalculateAll() -> RecalculationReport {
        structureChanged = true
        return recalculate()
    }
}

/// One pass over the dirty nodes. Nodes are taken in the graph's order; when one reads a dirty cell
/// the order could not foresee (a cycle, INDIRECT), that cell is pushed on an explicit stack and
/// evaluated first — no recursion, however long the chain.
struct RecalculationRun {
    let workbook: Workbook
    let context: EvaluationContext
    var report = RecalculationReport()
    private var onStack: Set<Int32> = []

    init(workbook: Workbook) {
        self.workbook = workbook
        context = EvaluationContext(workbook: workbook)
    }

    mutating func run() {
        for node in workbook.graph.order where workbook.graph.dirty[Int(node)] {
            if workbook.graph.isRange(node) {
                workbook.graph.dirty[Int(node)] = false
                continue
            }
            // In order, a formula's precedents are computed already: evaluate it directly, and fall
            // back to the explicit stack only when it meets a dirty cell (a cycle, INDIRECT).
            do {
                try compute(node, checking: workbook.graph.inCycle[Int(node)] || workbook.graph.dynamic[Int(node)])
                workbook.graph.dirty[Int(node)] = false
            } catch is NeedsEvaluation {
                evaluate(from: node)
            } catch {
                workbook.graph.dirty[Int(node)] = false
            }
        }
    }

    private mutating func evaluate(from start: Int32) {
        var stack: [Int32] = [start]
        onStack = [start]
        while let node = stack.last {
            guard workbook.graph.dirty[Int(node)] else {
                stack.removeLast()
                onStack.remove(node)
                continue
            }
            if workbook.graph.isRange(node) {
                workbook.graph.dirty[Int(node)] = false
                continue
            }
            let outOfOrder = stack.count > 1
            do {
                try compute(node, checking: outOfOrder || workbook.graph.inCycle[Int(node)] || workbook.graph.dynamic[Int(node)])
                workbook.graph.dirty[Int(node)] = false
            } catch let needs as NeedsEvaluation {
                if onStack.contains(needs.node), let at = stack.firstIndex(of: needs.node) {
                    resolveCycle(Array(stack[at...]))
                } else {
                    stack.append(needs.node)
                    onStack.insert(needs.node)
                }
            } catch {
                workbook.graph.dirty[Int(node)] = false
            }
        }
    }

    /// Evaluates one formula node and stores its value (or values, for an array formula).
    private mutating func compute(_ node: Int32, checking: Bool) throws {
        let formula = workbook.formulas[Int(node)]
        context.sheet = Int(formula.sheet)
        context.cell = formula.anchor
        context.node = node
        if !workbook.sumPositions.isEmpty { workbook.sumPositions.removeValue(forKey: node) }
        context.checkDirty = checking
        context.arrayMode = formula.arrayRange != nil
        let raw = try context.evaluate(formula.expression)
        report.evaluations += 1
        if formula.spills {
            try spill(try context.dereferenceForSpill(raw), node: node)
            return
        }
        if let range = formula.arrayRange, case .reference(let r) = raw, r.isSingleArea {
            // An array formula that is a reference (`=Data!1:1`) shows the cells themselves, however
            // far the range reaches beyond the used part of the sheet.
            let area = r.areas[0]
            for row in 0..<range.rowCount {
                for column in 0..<range.columnCount {
                    // Broadcast as arrays do: a single row or column repeats, beyond that #N/A.
                    let sourceRow = area.range.rowCount == 1 ? 0 : row
                    let sourceColumn = area.range.columnCount == 1 ? 0 : column
                    let v: CellValue = sourceRow < area.range.rowCount && sourceColumn < area.range.columnCount
                        ? try context.cellValue(sheet: area.sheet, row: Int(area.range.first.row) + sourceRow,
                                                column: Int(area.range.first.column) + sourceColumn)
                        : .error(.notAvailable)
                    workbook.sheets[Int(formula.sheet)].set(row: Int(range.first.row) + row,
                                                            column: Int(range.first.column) + column, Self.shown(v))
                }
            }
            return
        }
        store(try context.dereference(raw), for: formula)
    }

    /// Writes a dynamic array's result from its anchor, moving its spill range to the result's size,
    /// or #SPILL! in the anchor when a constant or another formula is in the way.
    private func spill(_ result: Matrix, node: Int32) throws {
        let formula = workbook.formulas[Int(node)]
        let sheet = Int(formula.sheet)
        let anchor = formula.anchor
        let lastRow = Int(anchor.row) + result.rows - 1, lastColumn = Int(anchor.column) + result.columns - 1
        var target = CellRange(anchor)
        var blocked = lastRow >= Grid.rowCount || lastColumn >= Grid.columnCount
        if !blocked {
            target = CellRange(first: anchor, last: CellAddress(row: lastRow, column: lastColumn))
            outer: for row in Int(anchor.row)...lastRow {
                for column in Int(anchor.column)...lastColumn where row != Int(anchor.row) || column != Int(anchor.column) {
                    if workbook.blocksSpill(sheet: sheet, cell: CellAddress(row: row, column: column), formula: Int(node)) {
                        blocked = true
                        break outer
                    }
                }
            }
        }
        if blocked {
            workbook.blockedSpills[node] = CellRange(first: anchor, last: CellAddress(
                row: min(lastRow, Grid.rowCount - 1), column: min(lastColumn, Grid.columnCount - 1)))
            target = CellRange(anchor)
        } else {
            workbook.blockedSpills.removeValue(forKey: node)
        }
        if target != formula.range { workbook.respill(Int(node), to: target) }
        if blocked {
            workbook.sheets[sheet].set(row: Int(anchor.row), column: Int(anchor.column), .error(.spill))
            return
        }
        for r in 0..<result.rows {
            for c in 0..<result.columns {
                workbook.sheets[sheet].set(row: Int(anchor.row) + r, column: Int(anchor.column) + c, Self.shown(result[r, c]))
            }
        }
    }

    private func store(_ value: Value, for formula: FormulaCell) {
        let sheet = Int(formula.sheet)
        guard let range = formula.arrayRange else {
            let v: CellValue
            switch value {
            case .array(let m): v = m.count > 0 ? m[0, 0] : .error(.value)
            case .reference: v = .error(.value)
            default: v = value.scalar
            }
            workbook.sheets[sheet].set(row: Int(formula.anchor.row), column: Int(formula.anchor.column), Self.shown(v))
            return
        }
        let m: Matrix
        if case .array(let a) = value { m = a } else { m = Matrix(rows: 1, columns: 1, values: [value.scalar]) }
        for r in 0..<range.rowCount {
            for c in 0..<range.columnCount {
                workbook.sheets[sheet].set(row: Int(range.first.row) + r, column: Int(range.first.column) + c,
                                           Self.shown(m.broadcast(row: r, column: c)))
            }
        }
    }

    /// A formula that yields an empty cell shows 0.
    private static func shown(_ v: CellValue) -> CellValue {
        if case .empty = v { return .number(0) }
        return v
    }

    /// A cycle met while evaluating: iterate it when the workbook allows, otherwise its cells are 0.
    private mutating func resolveCycle(_ members: [Int32]) {
        let cells = members.map { n -> String in
            let f = workbook.formulas[Int(n)]
            return SheetName.quotedIfNeeded(workbook.sheetNames[Int(f.sheet)]) + "!" + f.anchor.a1
        }
        report.circularReferences.append(cells)
        workbook.addDiagnostic(.circularReference(cells: cells))
        if let iteration = workbook.iteration {
            context.staleAllowed.formUnion(members)
            for _ in 0..<max(1, iteration.maximumIterations) {
                var change = 0.0
                for n in members {
                    let f = workbook.formulas[Int(n)]
                    let before = workbook.sheets[Int(f.sheet)].value(row: Int(f.anchor.row), column: Int(f.anchor.column))
                    do { try compute(n, checking: true) } catch { continue }
                    let after = workbook.sheets[Int(f.sheet)].value(row: Int(f.anchor.row), column: Int(f.anchor.column))
                    if case .number(let a) = before, case .number(let b) = after { change = max(change, abs(a - b)) }
                    else if before != after { change = .infinity }
                }
                if change < iteration.maximumChange { break }
            }
            context.staleAllowed.subtract(members)
        } else {
            for n in members {
                store(.number(0), for: workbook.formulas[Int(n)])
            }
        }
        for n in members { workbook.graph.dirty[Int(n)] = false }
    }
}

/// Per-recalculation caches (criteria indexes over ranges), dropped when cells change.
struct CalculationCaches {
    var criteriaIndexes: [CriteriaIndexKey: CriteriaIndex] = [:]
    var groupedIndexes: [GroupedIndexKey: GroupedCriteriaIndex] = [:]
    /// Areas known to hold no formula cell during this run.
    var formulaFree: [Reference.Area: Bool] = [:]
    /// Running totals: the SUM of a column from a fixed first row down to `lastRow`, so that
    /// `=SUM($B$1:Bn)` filled down n rows costs n additions, not n²/2.
    var prefixSums = PrefixSums()
    /// Criteria as read from their text (`"<=5"`, `"KS012"`), by that text.
    var criteria: [String: Criterion] = [:]
}

/// The running totals of a recalculation. A filled-down column asks for the same key row after
/// row, so the last one used is checked before the table is hashed.
struct PrefixSums {
    private var index: [PrefixSumKey: Int] = [:]
    private var keys: [PrefixSumKey] = []
    private var sums: [PrefixSum] = []
    private var last = -1

    mutating func sum(for key: PrefixSumKey) -> PrefixSum? {
        guard let i = slot(of: key) else { return nil }
        last = i
        return sums[i]
    }

    mutating func store(_ sum: PrefixSum, for key: PrefixSumKey) {
        if let i = slot(of: key) {
            sums[i] = sum
            last = i
        } else {
            index[key] = keys.count
            last = keys.count
            keys.append(key)
            sums.append(sum)
        }
    }

    private func slot(of key: PrefixSumKey) -> Int? {
        if last >= 0 && keys[last] == key { return last }
        return index[key]
    }
}

struct PrefixSumKey: Hashable {
    let sheet: Int
    let firstRow: Int32
    let column: Int32
}

struct PrefixSum {
    var lastRow: Int
    var total: Double
    var error: ErrorValue?
}
