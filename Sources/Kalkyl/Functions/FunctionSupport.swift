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
            criteria.append(Criterion(c))
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
    private func usedExtent(of areas: [Reference.Area]) -> Int {
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

    private func criteriaIndex(for area: Reference.Area, limit: Int) throws -> CriteriaIndex {
        let key = CriteriaIndexKey(area: area)
        if let cached = caches.criteriaIndexes[key] { return cached }
        if let kept = workbook.keptCriteriaIndexes[area], kept.count == limit {
            caches.criteriaIndexes[key] = kept
            return kept
        }
        var values: [CellValue] = []
        values.reserveCapacity(limit)
        for i in 0..<limit { values.append(try value(in: area, offset: i)) }
        let index = CriteriaIndex(values: values)
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
