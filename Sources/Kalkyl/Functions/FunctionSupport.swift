/// What many functions share: collecting numbers the way SUM does, and reading criteria ranges.
extension EvaluationContext {
    /// The numbers of SUM-like functions: in references and arrays only numbers count (text,
    /// logical values and empty cells are skipped); typed directly as arguments, logical values and
    /// text that reads as a number count too, other text is #VALUE!. The first error met is returned.
    public func numbers(_ arguments: [Value], countLogicalsInReferences: Bool = false) throws -> Result<[Double], ErrorValue> {
        var out: [Double] = []
        for a in arguments {
            switch a {
            case .reference(let r):
                var failure: ErrorValue?
                try forEachValue(in: r) { v in
                    guard failure == nil else { return }
                    switch v {
                    case .number(let n): out.append(n)
                    case .error(let e): failure = e
                    case .boolean(let b) where countLogicalsInReferences: out.append(b ? 1 : 0)
                    default: break
                    }
                }
                if let failure { return .failure(failure) }
            case .array(let m):
                for v in m.values {
                    switch v {
                    case .number(let n): out.append(n)
                    case .error(let e): return .failure(e)
                    case .boolean(let b) where countLogicalsInReferences: out.append(b ? 1 : 0)
                    default: break
                    }
                }
            case .error(let e): return .failure(e)
            case .empty: continue
            default:
                switch Coercion.number(a.scalar) {
                case .success(let n): out.append(n)
                case .failure(let e): return .failure(e)
                }
            }
        }
        return .success(out)
    }

    /// Every value of an argument in order: the cells of a reference (empty ones included, within
    /// the used part of the sheet), the elements of an array, or the value itself.
    public func values(_ argument: Value) throws -> [CellValue] {
        switch argument {
        case .reference(let r):
            var out: [CellValue] = []
            for area in r.areas { out += try matrix(area).values }
            return out
        case .array(let m): return m.values
        default: return [argument.scalar]
        }
    }

    /// A single value from an argument: implicit intersection for a range, first element of an array.
    public func scalar(_ argument: Value) throws -> CellValue {
        switch argument {
        case .reference, .array: return try intersect(argument)
        default: return argument.scalar
        }
    }

    public func number(_ argument: Value) throws -> Result<Double, ErrorValue> {
        Coercion.number(try scalar(argument))
    }

    public func text(_ argument: Value) throws -> Result<String, ErrorValue> {
        Coercion.text(try scalar(argument))
    }

    public func boolean(_ argument: Value) throws -> Result<Bool, ErrorValue> {
        Coercion.boolean(try scalar(argument))
    }

    /// The arguments of an Analysis ToolPak function (CUMIPMT, CONVERT, EDATE…) as single values:
    /// unlike built-in functions these are never applied element by element; a range of more than
    /// one cell or an array of more than one value is #VALUE!.
    func toolPakScalars(_ arguments: [Value]) throws -> [CellValue] {
        try arguments.map { a in
            switch a {
            case .reference(let r): return r.isSingleCell ? try scalar(a) : .error(.value)
            case .array(let m): return m.count == 1 ? m[0, 0] : .error(.value)
            default: return a.scalar
            }
        }
    }

    // MARK: - Criteria (SUMIFS and its family)

    /// The positions (row-major offsets into the ranges) that satisfy every (range, criterion) pair.
    /// All ranges must have the same shape as the first. Equality criteria use a per-range index
    /// built once per recalculation; the rest are tested only on the candidates the index leaves.
    func matchingOffsets(_ pairs: [(Value, Value)]) throws -> Result<(offsets: [Int32], shape: CellRange), ErrorValue> {
        var areas: [Reference.Area] = []
        var criteria: [Criterion] = []
        for (rangeValue, criterionValue) in pairs {
            guard case .reference(let r) = rangeValue, r.isSingleArea else { return .failure(.value) }
            areas.append(r.areas[0])
            // In an ordinary cell a range criterion is implicitly intersected.
            let c = try scalar(criterionValue)
            if case .text(let text) = c {
                // Thousands of SUMIFS ask for the same few criteria ("<=5", a cost centre): read once.
                if let known = caches.criteria[text] {
                    criteria.append(known)
                } else {
                    let parsed = Criterion(c)
                    caches.criteria[text] = parsed
                    criteria.append(parsed)
                }
            } else {
                criteria.append(Criterion(c))
            }
        }
        guard let firstArea = areas.first else { return .failure(.value) }
        let shape = firstArea.range
        for a in areas where a.range.rowCount != shape.rowCount || a.range.columnCount != shape.columnCount {
            return .failure(.value)
        }
        let usable = usedExtent(of: areas)
        guard usable > 0 else {
            // Nothing in use: only criteria that match empty cells could match, on every position.
            let all = criteria.allSatisfy { $0.matches(.empty) }
            return .success((all ? (0..<Int32(min(shape.cellCount, 1 << 20))).map { $0 } : [], shape))
        }
        if let grouped = try groupedOffsets(areas: areas, criteria: criteria, usable: usable) {
            return .success((grouped, shape))
        }
        // Equality criteria are answered by their ranges' indexes: intersect those row lists
        // (smallest first) and read cells only for the other criteria.
        var lists: [[Int32]] = []
        var tested = [Bool](repeating: false, count: criteria.count)
        for (i, c) in criteria.enumerated() {
            guard let key = c.indexKey else { continue }
            lists.append(try criteriaIndex(for: areas[i], limit: usable).offsets(for: key))
            tested[i] = true
        }
        lists.sort { $0.count < $1.count }
        var candidates: [Int32]? = lists.first
        for list in lists.dropFirst() {
            guard let current = candidates, !current.isEmpty else { break }
            candidates = Self.intersect(current, list)
        }
        let start = candidates ?? (0..<Int32(usable)).map { $0 }
        var result: [Int32] = []
        result.reserveCapacity(start.count)
        outer: for offset in start {
            for (i, c) in criteria.enumerated() where !tested[i] {
                if !c.matches(try value(in: areas[i], offset: Int(offset))) { continue outer }
            }
            result.append(offset)
        }
        // Criteria that match empty cells also match the positions beyond the used part.
        if usable < shape.cellCount, criteria.allSatisfy({ $0.matches(.empty) }) {
            let limit = min(shape.cellCount, 1 << 20)
            result += (Int32(usable)..<Int32(limit)).map { $0 }
        }
        return .success((result, shape))
    }

    /// The common elements of two ascending lists.
    static func intersect(_ a: [Int32], _ b: [Int32]) -> [Int32] {
        var out: [Int32] = []
        out.reserveCapacity(min(a.count, b.count))
        var i = 0, j = 0
        while i < a.count && j < b.count {
            if a[i] == b[j] { out.append(a[i]); i += 1; j += 1 } else if a[i] < b[j] { i += 1 } else { j += 1 }
        }
        return out
    }

    /// How many leading positions (row-major) of same-shaped areas can hold values.
    func usedExtent(of areas: [Reference.Area]) -> Int {
        var extent = 0
        for a in areas {
            guard let used = usedPart(of: a) else { continue }
            let rows = Int(used.last.row - a.range.first.row) + 1
            extent = max(extent, min(a.range.cellCount, rows * a.range.columnCount))
        }
        return extent
    }

    func value(in area: Reference.Area, offset: Int) throws -> CellValue {
        let columns = area.range.columnCount
        return try cellValue(sheet: area.sheet, row: Int(area.range.first.row) + offset / columns,
                             column: Int(area.range.first.column) + offset % columns)
    }

    /// The first `count` positions of an area (row-major).
    func values(in area: Reference.Area, count: Int) throws -> [CellValue] {
        let read = positionReader(area)
        var values: [CellValue] = []
        values.reserveCapacity(count)
        for i in 0..<count { values.append(try read(i)) }
        return values
    }

    /// Reads positions (row-major offsets) of an area. An area without formula cells is read
    /// straight from the sheet, without asking for each cell whether it is still to be computed.
    func positionReader(_ area: Reference.Area) -> (Int) throws -> CellValue {
        guard isFormulaFree(area) else { return { try self.value(in: area, offset: $0) } }
        let sheet = workbook.sheets[area.sheet]
        let columns = area.range.columnCount, top = Int(area.range.first.row), left = Int(area.range.first.column)
        return { sheet.value(row: top + $0 / columns, column: left + $0 % columns) }
    }

    /// Whether no formula cell lies in the area (on an existing sheet), remembered for the run.
    func isFormulaFree(_ area: Reference.Area) -> Bool {
        if let known = caches.formulaFree[area] { return known }
        let free = area.sheet < workbook.sheets.count && !workbook.areaHasFormulas(area)
        caches.formulaFree[area] = free
        return free
    }

    /// Below this many positions a scan with one-column indexes is as fast as building a grouped index.
    static let groupedIndexThreshold = 2_048

    /// The matching positions from a grouped index, when every criterion is an equality an index
    /// can look up or an order comparison with a number, and there is more than one equality or an
    /// order comparison to answer (see `GroupedCriteriaIndex`). With order comparisons on several
    /// columns (account interval and period interval), each column has its index; the narrowest
    /// slice is taken and the other comparisons are checked on its positions.
    private func groupedOffsets(areas: [Reference.Area], criteria: [Criterion], usable: Int) throws -> [Int32]? {
        guard usable >= Self.groupedIndexThreshold else { return nil }
        var equality: [(area: Reference.Area, key: CriteriaIndex.Key)] = []
        var ordered: [(area: Reference.Area, criteria: [Criterion])] = []
        for (area, criterion) in zip(areas, criteria) {
            if let key = criterion.indexKey {
                equality.append((area, key))
            } else if criterion.isNumericOrder {
                if let i = ordered.firstIndex(where: { $0.area == area }) { ordered[i].criteria.append(criterion) } else { ordered.append((area, [criterion])) }
            } else {
                return nil
            }
        }
        guard equality.count >= 2 || !ordered.isEmpty else { return nil }
        equality.sort { Self.precedes($0.area, $1.area) }
        let keys = equality.map(\.key)
        var best: (slice: ArraySlice<Int32>, area: Reference.Area?)?
        for candidate in ordered.isEmpty ? [nil] : ordered.map({ Optional($0) }) {
            let index = try groupedIndex(equality: equality.map(\.area), ordered: candidate?.area, usable: usable)
            let slice = index.slice(for: keys, ordered: candidate?.criteria ?? [])
            if best == nil || slice.count < best!.slice.count { best = (slice, candidate?.area) }
            if slice.isEmpty { break }
        }
        guard let best else { return [] }
        var result = Array(best.slice)
        for other in ordered where other.area != best.area {
            let read = positionReader(other.area)
            result = try result.filter { offset in
                let value = try read(Int(offset))
                return other.criteria.allSatisfy { $0.matches(value) }
            }
        }
        if !ordered.isEmpty { result.sort() }  // a slice is in the order of its sorted column
        return result
    }

    /// The grouped index over these ranges, from this run, kept from an earlier one, or built.
    private func groupedIndex(equality: [Reference.Area], ordered: Reference.Area?, usable: Int) throws -> GroupedCriteriaIndex {
        let key = GroupedIndexKey(equality: equality, ordered: ordered)
        if let cached = caches.groupedIndexes[key], cached.count == usable { return cached }
        if let kept = workbook.keptGroupedIndexes[key], kept.count == usable {
            caches.groupedIndexes[key] = kept
            return kept
        }
        func column(_ area: Reference.Area) throws -> [CellValue] { try values(in: area, count: usable) }
        let index = GroupedCriteriaIndex(equality: try equality.map(column), ordered: try ordered.map(column))
        caches.groupedIndexes[key] = index
        // Formula cells in a range change during recalculations; only plain data is kept.
        if !(equality + [ordered].compactMap { $0 }).contains(where: workbook.areaHasFormulas) {
            workbook.keptGroupedIndexes[key] = index
        }
        return index
    }

    private static func precedes(_ a: Reference.Area, _ b: Reference.Area) -> Bool {
        (a.sheet, a.range.first.row, a.range.first.column, a.range.last.row, a.range.last.column)
            < (b.sheet, b.range.first.row, b.range.first.column, b.range.last.row, b.range.last.column)
    }

    func criteriaIndex(for area: Reference.Area, limit: Int) throws -> CriteriaIndex {
        let key = CriteriaIndexKey(area: area)
        if let cached = caches.criteriaIndexes[key] { return cached }
        if let kept = workbook.keptCriteriaIndexes[area], kept.count == limit {
            caches.criteriaIndexes[key] = kept
            return kept
        }
        let index = CriteriaIndex(values: try values(in: area, count: limit))
        caches.criteriaIndexes[key] = index
        // Formula cells in the range change during recalculations; only plain data is kept.
        if !workbook.areaHasFormulas(area) { workbook.keptCriteriaIndexes[area] = index }
        return index
    }

    /// Pairs (range, criterion) from arguments laid out as range1, criterion1, range2, criterion2, …
    static func criteriaPairs(_ arguments: ArraySlice<Value>) -> [(Value, Value)]? {
        guard arguments.count % 2 == 0 else { return nil }
        return stride(from: arguments.startIndex, to: arguments.endIndex, by: 2).map { (arguments[$0], arguments[$0 + 1]) }
    }
}

extension Value {
    init(_ result: Result<Double, ErrorValue>) {
        switch result {
        case .success(let n): self = n.isFinite ? .number(n) : .error(.number)
        case .failure(let e): self = .error(e)
        }
    }
}

extension CellValue {
    init(_ result: Result<Double, ErrorValue>) {
        switch result {
        case .success(let n): self = n.isFinite ? .number(n) : .error(.number)
        case .failure(let e): self = .error(e)
        }
    }
}
