/// Lookup and reference functions.
enum LookupFunctions {
    static let all: [FunctionDefinition] = [
        FunctionDefinition("CHOOSE", 2...255, lazy: .choose),
        FunctionDefinition("MATCH", 2...3, scalarArguments: [0, 2]) { args, ctx in try ctx.match(args) },
        FunctionDefinition("VLOOKUP", 3...4, scalarArguments: [0, 3]) { args, ctx in try ctx.tableLookup(args, vertical: true) },
        FunctionDefinition("HLOOKUP", 3...4, scalarArguments: [0, 3]) { args, ctx in try ctx.tableLookup(args, vertical: false) },
        FunctionDefinition("LOOKUP", 2...3, scalarArguments: [0]) { args, ctx in try ctx.lookup(args) },
        FunctionDefinition("XLOOKUP", 3...6, scalarArguments: [0, 4, 5]) { args, ctx in try ctx.xlookup(args) },
        FunctionDefinition("XMATCH", 2...4, scalarArguments: [0, 2, 3]) { args, ctx in try ctx.xmatch(args) },
        FunctionDefinition("INDEX", 2...4, scalarArguments: [1, 2, 3]) { args, ctx in try ctx.index(args) },
        FunctionDefinition("OFFSET", 3...5, volatile: true, scalarArguments: [1, 2, 3, 4]) { args, ctx in try ctx.offset(args) },
        FunctionDefinition("INDIRECT", 1...2, volatile: true, scalarArguments: [0, 1]) { args, ctx in try ctx.indirect(args) },
        FunctionDefinition("ROW", 0...1) { args, ctx in try ctx.position(args, row: true) },
        FunctionDefinition("COLUMN", 0...1) { args, ctx in try ctx.position(args, row: false) },
        FunctionDefinition("ROWS", 1...1) { args, _ in
            switch args[0] {
            case .reference(let r): return r.isSingleArea ? .number(Double(r.areas[0].range.rowCount)) : .error(.reference)
            case .array(let m): return .number(Double(m.rows))
            case .error(let e): return .error(e)
            default: return .number(1)
            }
        },
        FunctionDefinition("COLUMNS", 1...1) { args, _ in
            switch args[0] {
            case .reference(let r): return r.isSingleArea ? .number(Double(r.areas[0].range.columnCount)) : .error(.reference)
            case .array(let m): return .number(Double(m.columns))
            case .error(let e): return .error(e)
            default: return .number(1)
            }
        },
        FunctionDefinition("AREAS", 1...1) { args, _ in
            switch args[0] {
            case .reference(let r): return .number(Double(r.areas.count))
            case .error(let e): return .error(e)
            default: return .error(.value)
            }
        },
        FunctionDefinition("ADDRESS", 2...5, scalarArguments: [0, 1, 2, 3, 4]) { args, ctx in
            // An omitted argument takes its default; an empty cell counts as 0, FALSE or "".
            var values: [CellValue?] = []
            for a in args { values.append(ctx.isOmittedArgument(a) ? nil : try ctx.scalar(a)) }
            return Value(ctx.address(values))
        },
        FunctionDefinition("HYPERLINK", 1...2, scalarArguments: [0, 1]) { args, ctx in
            if args.count > 1, case .empty = args[1] {} else if args.count > 1 {
                return Value(try ctx.scalar(args[1]))
            }
            return Value(try ctx.scalar(args[0]))
        },
        FunctionDefinition("ANCHORARRAY", 1...1) { args, ctx in try ctx.anchorArray(args) },
    ]
}

// MARK: - Matching

/// Matching a value in a vector as MATCH, VLOOKUP, HLOOKUP and LOOKUP do.
enum Lookup {
    /// Zero-based position. `type` 0: the first equal value (text wildcards allowed); 1: the last
    /// value not greater, by Excel's binary search (values of another type than the lookup value
    /// are stepped over); -1: the last value not smaller in a scan that stops at the first smaller
    /// or equal one.
    static func match(_ lookupValue: CellValue, in vector: [CellValue], type: Int) -> Int? {
        var lookup = lookupValue
        if type == 0 {
            if case .empty = lookup { return nil }
            if case .text(let t) = lookup, let pattern = WildcardPattern(t) {
                return vector.firstIndex { if case .text(let s) = $0 { pattern.matches(s) } else { false } }
            }
            return vector.firstIndex { sameType(lookup, $0) && Coercion.compare(lookup, $0) == 0 }
        }
        if case .empty = lookup { lookup = .number(0) }
        if type < 0 {
            var found: Int?
            for (i, v) in vector.enumerated() where sameType(lookup, v) {
                let c = Coercion.compare(v, lookup)
                if c < 0 { break }
                found = i
                if c == 0 { break }
            }
            return found
        }
        var low = 0, high = vector.count - 1
        var found: Int?
        while low <= high {
            let mid = low + (high - low) / 2
            var probe = mid
            // Values of another type are neither smaller nor greater: look on to the next one.
            while probe <= high, !sameType(lookup, vector[probe]) { probe += 1 }
            if probe > high { high = mid - 1; continue }
            let c = Coercion.compare(vector[probe], lookup)
            if c == 0 {
                // An exact match ends the search (at the last of equal neighbours).
                var last = probe
                while last + 1 < vector.count, sameType(lookup, vector[last + 1]),
                      Coercion.compare(vector[last + 1], lookup) == 0 { last += 1 }
                return last
            }
            if c < 0 {
                found = probe
                low = probe + 1
            } else {
                high = mid - 1
            }
        }
        return found
    }

    static func sameType(_ a: CellValue, _ b: CellValue) -> Bool {
        switch (a, b) {
        case (.number, .number), (.text, .text), (.boolean, .boolean): true
        default: false
        }
    }

    // MARK: XLOOKUP and XMATCH

    /// The order XLOOKUP and XMATCH compare in: numbers < text < logical values < errors; an empty
    /// lookup value comes after all of them, and empty cells after that.
    static func rank(_ v: CellValue, isLookup: Bool) -> Int {
        switch v {
        case .number: 0
        case .text: 1
        case .boolean: 2
        case .error: 3
        case .empty: isLookup ? 4 : 5
        }
    }

    static func xcompare(_ cell: CellValue, _ lookup: CellValue) -> Int {
        let a = rank(cell, isLookup: false), b = rank(lookup, isLookup: true)
        if a != b { return a < b ? -1 : 1 }
        return Coercion.compare(cell, lookup)
    }

    /// XMATCH's search: `matchMode` 0 exact, -1 exact or next smaller, 1 exact or next larger,
    /// 2 wildcard; `searchMode` 1 first to last, -1 last to first, 2 binary (ascending), -2
    /// binary (descending). Nil when nothing matches.
    static func xmatch(_ lookup: CellValue, in keys: [CellValue], matchMode: Int, searchMode: Int) -> Int? {
        if searchMode == 2 || searchMode == -2 {
            return binary(lookup, in: keys, matchMode: matchMode, descending: searchMode == -2)
        }
        let indices: [Int] = searchMode == -1 ? Array(keys.indices.reversed()) : Array(keys.indices)
        if matchMode == 2, case .text(let t) = lookup, let pattern = WildcardPattern(t) {
            return indices.first { if case .text(let s) = keys[$0] { pattern.matches(s) } else { false } }
        }
        if case .empty = lookup, matchMode == 0 || matchMode == 2 {
            return indices.first { keys[$0].isEmpty }
        }
        var best: Int?
        for i in indices {
            let v = keys[i]
            if v.isEmpty { continue }
            if case .error = v { continue }
            let c = xcompare(v, lookup)
            if c == 0 { return i }
            guard matchMode == 1 ? c > 0 : (matchMode == -1 ? c < 0 : false) else { continue }
            if let b = best {
                let d = xcompare(v, keys[b])
                if matchMode == 1 ? d < 0 : d > 0 { best = i }
            } else {
                best = i
            }
        }
        return best
    }

    /// Excel's binary search: an equal value is remembered and the search goes on toward the
    /// smaller values (so the first of equal values in an ascending list, the last in a
    /// descending one); otherwise the last value passed on the wanted side is the answer.
    private static func binary(_ lookup: CellValue, in keys: [CellValue], matchMode: Int, descending: Bool) -> Int? {
        var low = 0, high = keys.count - 1
        var candidate: Int?, exact: Int?
        while low <= high {
            let mid = low + (high - low) / 2
            let c = xcompare(keys[mid], lookup)
            let towardSmaller = c >= 0
            if c == 0 {
                exact = mid
            } else if c < 0 {
                if matchMode == -1 { candidate = mid }
            } else {
                if matchMode == 1 { candidate = mid }
            }
            // Smaller values lie to the left in an ascending list, to the right in a descending one.
            if towardSmaller != descending { high = mid - 1 } else { low = mid + 1 }
        }
        if let exact { return exact }
        return matchMode == 0 ? nil : candidate
    }
}

extension EvaluationContext {
    /// A one-dimensional list from a single row or column (reference or array); nil otherwise.
    func vector(_ argument: Value) throws -> [CellValue]? {
        switch argument {
        case .reference(let r):
            guard r.isSingleArea else { return nil }
            let m = try matrix(r.areas[0])
            return m.rows == 1 || m.columns == 1 ? m.values : nil
        case .array(let m):
            return m.rows == 1 || m.columns == 1 ? m.values : nil
        default:
            return [argument.scalar]
        }
    }

    /// The full shape (rows, columns) of an argument: a range's whole extent, an array's size.
    func shape(_ argument: Value) -> (rows: Int, columns: Int) {
        switch argument {
        case .reference(let r): (r.areas[0].range.rowCount, r.areas[0].range.columnCount)
        case .array(let m): (m.rows, m.columns)
        default: (1, 1)
        }
    }

    /// The lookup value of MATCH-like functions: the value itself (a range implicitly intersected).
    func lookupValue(_ argument: Value) throws -> CellValue {
        switch argument {
        case .reference(let r) where r.isSingleCell: return try scalar(argument)
        case .reference: return try intersect(argument)
        case .array(let m): return m.count > 0 ? m[0, 0] : .error(.value)
        default: return argument.scalar
        }
    }

    func match(_ args: [Value]) throws -> Value {
        let lookup = try lookupValue(args[0])
        if case .error(let e) = lookup { return .error(e) }
        var type = 1.0
        if args.count > 2, !isOmittedArgument(args[2]) {
            switch try number(args[2]) {
            case .success(let t): type = t
            case .failure(let e): return .error(e)
            }
        } else if args.count > 2 {
            type = 0
        }
        if case .error(let e) = args[1] { return .error(e) }
        if type == 0, case .reference(let r) = args[1], r.isSingleArea, let found = try indexedExactMatch(lookup, in: r.areas[0]) {
            return found.map { .number(Double($0 + 1)) } ?? .error(.notAvailable)
        }
        guard let vector = try vector(args[1]) else { return .error(.notAvailable) }
        guard let i = Lookup.match(lookup, in: vector, type: type < 0 ? -1 : (type > 0 ? 1 : 0)) else { return .error(.notAvailable) }
        return .number(Double(i + 1))
    }

    /// An exact MATCH in a long row or column answered from the range's criteria index (shared with
    /// SUMIFS and kept across recalculations) instead of a scan: the first indexed position holding
    /// the value with its type. nil when the index does not apply (short range, wildcards, …);
    /// `.some(nil)` when the value is not there.
    private func indexedExactMatch(_ lookup: CellValue, in area: Reference.Area) throws -> Int?? {
        guard area.range.rowCount == 1 || area.range.columnCount == 1 else { return nil }
        switch lookup {
        case .number: break
        case .text(let t) where WildcardPattern(t) == nil: break
        default: return nil
        }
        guard let key = Criterion(lookup).indexKey else { return nil }
        let usable = usedExtent(of: [area])
        guard usable >= Self.groupedIndexThreshold else { return nil }
        for offset in try criteriaIndex(for: area, limit: usable).offsets(for: key) {
            let v = try value(in: area, offset: Int(offset))
            if Lookup.sameType(lookup, v) && Coercion.compare(lookup, v) == 0 { return .some(Int(offset)) }
        }
        return .some(nil)
    }

    func isOmittedArgument(_ v: Value) -> Bool {
        if case .empty = v { return true }
        return false
    }

    func tableLookup(_ args: [Value], vertical: Bool) throws -> Value {
        // An array of column (row) numbers gives one result for each, when the lookup value is single.
        if case .array(let indexes) = args[2], indexes.count > 1 {
            let lifted: Bool
            switch args[0] {
            case .array(let m): lifted = m.count > 1
            case .reference(let r): lifted = arrayMode && !r.isSingleCell
            default: lifted = false
            }
            if !lifted {
                var out = Matrix(rows: indexes.rows, columns: indexes.columns, repeating: .empty)
                var a = args
                for i in 0..<indexes.count {
                    a[2] = Value(indexes.values[i])
                    out.values[i] = try intersect(try dereference(try tableLookup(a, vertical: vertical)))
                }
                return .array(out)
            }
        }
        let lookup = try lookupValue(args[0])
        if case .error(let e) = lookup { return .error(e) }
        let indexValue: CellValue
        switch args[2] {
        case .array(let m): indexValue = m.count > 0 ? m[0, 0] : .error(.value)
        default: indexValue = try scalar(args[2])
        }
        let n: Double
        switch Coercion.number(indexValue) {
        case .success(let x): n = x
        case .failure(let e): return .error(e)
        }
        let column = n >= 1 && n < 1e9 ? Int(n) : 0
        var approximate = true
        if args.count > 3 {
            if case .empty = args[3] { approximate = false } else {
                switch try boolean(args[3]) {
                case .success(let b): approximate = b
                case .failure(let e): return .error(e)
                }
            }
        }
        let table: Matrix
        let width: Int
        switch args[1] {
        case .reference(let r):
            guard r.isSingleArea else { return .error(.reference) }
            table = try matrix(r.areas[0])
            let full = r.areas[0].range
            width = vertical ? full.columnCount : full.rowCount
        case .array(let m):
            table = m
            width = vertical ? m.columns : m.rows
        case .error(let e): return .error(e)
        default:
            table = Matrix(rows: 1, columns: 1, values: [args[1].scalar])
            width = 1
        }
        // The lookup comes first: a value not found is #N/A whatever the column number.
        let keys = vertical ? (0..<table.rows).map { table[$0, 0] } : (0..<table.columns).map { table[0, $0] }
        let found = Lookup.match(lookup, in: keys, type: approximate ? 1 : 0)
        guard column >= 1 else { return .error(found == nil ? .notAvailable : .value) }
        guard column <= width else { return .error(found == nil ? .notAvailable : .reference) }
        guard let i = found else { return .error(.notAvailable) }
        // The used part may be narrower than the range: the cell is empty.
        guard column <= (vertical ? table.columns : table.rows) else { return .number(0) }
        let v = vertical ? table[i, column - 1] : table[column - 1, i]
        return Value(v)
    }

    // MARK: LOOKUP

    func lookup(_ args: [Value]) throws -> Value {
        let lookup = try lookupValue(args[0])
        if case .error(let e) = lookup { return .error(e) }
        if case .error(let e) = args[1] { return .error(e) }
        guard case .success(let table) = try grid(args[1]) else { return .error(.notAvailable) }
        let (rows, columns) = shape(args[1])
        // The array form, or a two-dimensional lookup vector: search the first row when the
        // array is wider than tall, else the first column.
        let byRow = columns > rows
        let keys = byRow ? (0..<table.columns).map { table[0, $0] } : (0..<table.rows).map { table[$0, 0] }
        guard let i = Lookup.match(lookup, in: keys, type: 1) else { return .error(.notAvailable) }
        if args.count < 3 {
            if byRow {
                let r = table.rows - 1
                return Value(rows - 1 < table.rows ? table[r, i] : .empty)
            }
            return Value(columns - 1 < table.columns ? table[i, table.columns - 1] : .empty)
        }
        // The result vector: the i-th cell along it (a range reaches on beyond its end).
        switch args[2] {
        case .reference(let r):
            guard r.isSingleArea else { return .error(.reference) }
            let area = r.areas[0], range = area.range
            guard range.rowCount == 1 || range.columnCount == 1 else { return .error(.notAvailable) }
            let horizontal = range.rowCount == 1 && range.columnCount > 1
            let row = Int(range.first.row) + (horizontal ? 0 : i)
            let column = Int(range.first.column) + (horizontal ? i : 0)
            guard row < Grid.rowCount, column < Grid.columnCount else { return .error(.reference) }
            return .reference(Reference(sheet: area.sheet, range: CellRange(CellAddress(row: row, column: column))))
        case .array(let m):
            guard m.rows == 1 || m.columns == 1 else { return .error(.notAvailable) }
            let values = m.values
            return i < values.count ? Value(values[i]) : .error(.notAvailable)
        case .error(let e): return .error(e)
        default:
            return i == 0 ? Value(args[2].scalar) : .error(.notAvailable)
        }
    }

    // MARK: XLOOKUP and XMATCH

    /// Match and search modes of XLOOKUP and XMATCH; an error value when invalid.
    private func modes(_ args: [Value], match matchIndex: Int) throws -> Result<(Int, Int), ErrorValue> {
        func mode(_ i: Int, _ d: Int) throws -> Result<Int, ErrorValue> {
            guard i < args.count, !isOmittedArgument(args[i]) else { return .success(d) }
            switch try number(args[i]) {
            case .success(let n): return .success(Int(max(-10, min(10, n.rounded(.down)))))
            case .failure(let e): return .failure(e)
            }
        }
        let m: Int, s: Int
        switch try mode(matchIndex, 0) {
        case .success(let x): m = x
        case .failure(let e): return .failure(e)
        }
        switch try mode(matchIndex + 1, 1) {
        case .success(let x): s = x
        case .failure(let e): return .failure(e)
        }
        guard [-1, 0, 1, 2].contains(m), [-2, -1, 1, 2].contains(s) else { return .failure(.value) }
        if m == 2 && (s == 2 || s == -2) { return .failure(.value) }
        return .success((m, s))
    }

    func xmatch(_ args: [Value]) throws -> Value {
        let lookup = try lookupValue(args[0])
        if case .error(let e) = lookup { return .error(e) }
        if case .error(let e) = args[1] { return .error(e) }
        guard let keys = try vector(args[1]) else { return .error(.value) }
        let (m, s): (Int, Int)
        switch try modes(args, match: 2) {
        case .success(let x): (m, s) = x
        case .failure(let e): return .error(e)
        }
        guard let i = Lookup.xmatch(lookup, in: keys, matchMode: m, searchMode: s) else { return .error(.notAvailable) }
        return .number(Double(i + 1))
    }

    func xlookup(_ args: [Value]) throws -> Value {
        let lookup = try lookupValue(args[0])
        if case .error(let e) = lookup { return .error(e) }
        if case .error(let e) = args[1] { return .error(e) }
        let lookupShape = shape(args[1])
        guard lookupShape.rows == 1 || lookupShape.columns == 1, let keys = try vector(args[1]) else { return .error(.value) }
        let vertical = lookupShape.columns == 1 && lookupShape.rows > 1 || lookupShape.rows == 1 && lookupShape.columns == 1
        if case .error(let e) = args[2] { return .error(e) }
        let returnShape = shape(args[2])
        let count = max(lookupShape.rows, lookupShape.columns)
        let verticalMatch = returnShape.rows == count
        let horizontalMatch = returnShape.columns == count
        let returnsRows: Bool
        if lookupShape.rows == 1 && lookupShape.columns == 1 {
            guard verticalMatch || horizontalMatch else { return .error(.value) }
            returnsRows = verticalMatch
        } else if vertical {
            guard verticalMatch else { return .error(.value) }
            returnsRows = true
        } else {
            guard horizontalMatch else { return .error(.value) }
            returnsRows = false
        }
        let (m, s): (Int, Int)
        switch try modes(args, match: 4) {
        case .success(let x): (m, s) = x
        case .failure(let e): return .error(e)
        }
        guard let i = Lookup.xmatch(lookup, in: keys, matchMode: m, searchMode: s) else {
            if args.count > 3, !isOmittedArgument(args[3]) { return args[3] }
            return .error(.notAvailable)
        }
        switch args[2] {
        case .reference(let r):
            guard r.isSingleArea else { return .error(.value) }
            let range = r.areas[0].range
            if returnsRows {
                let row = Int(range.first.row) + i
                return .reference(Reference(sheet: r.areas[0].sheet, range: CellRange(
                    first: CellAddress(row: row, column: Int(range.first.column)),
                    last: CellAddress(row: row, column: Int(range.last.column)))))
            }
            let column = Int(range.first.column) + i
            return .reference(Reference(sheet: r.areas[0].sheet, range: CellRange(
                first: CellAddress(row: Int(range.first.row), column: column),
                last: CellAddress(row: Int(range.last.row), column: column))))
        case .array(let a):
            if returnsRows {
                guard i < a.rows else { return .error(.value) }
                return a.columns == 1 ? Value(a[i, 0]) : .array(Matrix(row: a.row(i)))
            }
            guard i < a.columns else { return .error(.value) }
            return a.rows == 1 ? Value(a[0, i]) : .array(Matrix(column: a.column(i)))
        default:
            return args[2]
        }
    }

    // MARK: INDEX

    func index(_ args: [Value]) throws -> Value {
        // A one-element array given for a number gives a single value (as lifting would).
        var single = false
        var args = args
        for i in 1..<args.count {
            if case .array(let m) = args[i], m.count == 1 { args[i] = Value(m[0, 0]); single = true }
        }
        let result = try indexValue(args)
        if single, case .array(let m) = result { return m.count > 0 ? Value(m[0, 0]) : .error(.value) }
        if single, case .reference(let r) = result, r.isSingleArea, !r.isSingleCell {
            let a = r.areas[0]
            return .reference(Reference(sheet: a.sheet, range: CellRange(a.range.first)))
        }
        return result
    }

    private func indexValue(_ args: [Value]) throws -> Value {
        func int(_ i: Int) throws -> Result<Int, ErrorValue> {
            guard i < args.count else { return .success(0) }
            if case .empty = args[i] { return .success(0) }
            switch try number(args[i]) {
            case .success(let n):
                guard n > -1e9, n < 1e9 else { return .failure(.value) }
                return .success(Int(n))
            case .failure(let e): return .failure(e)
            }
        }
        let row: Int, column: Int, areaNumber: Int
        switch try int(1) {
        case .success(let x): row = x
        case .failure(let e): return .error(e)
        }
        switch try int(2) {
        case .success(let x): column = x
        case .failure(let e): return .error(e)
        }
        switch try int(3) {
        case .success(let x): areaNumber = x
        case .failure(let e): return .error(e)
        }
        guard row >= 0, column >= 0 else { return .error(.value) }
        switch args[0] {
        case .reference(let r):
            guard areaNumber >= 0, areaNumber <= r.areas.count else { return .error(.reference) }
            if args.count > 3, areaNumber == 0 { return .error(.reference) }
            let area = r.areas[max(0, areaNumber - 1)]
            let range = area.range
            var row = row, column = column
            if args.count == 2 {
                // INDEX(column, n) and INDEX(row, n) take n along the vector.
                if range.columnCount == 1 { column = 1 } else if range.rowCount == 1 { column = row; row = 1 } else {
                    return .error(.reference)
                }
            } else if column == 0 && range.columnCount == 1 && row > 0 {
                column = 1
            }
            guard row <= range.rowCount, column <= range.columnCount else { return .error(.reference) }
            let rows = row == 0 ? Int(range.first.row)...Int(range.last.row) : (Int(range.first.row) + row - 1)...(Int(range.first.row) + row - 1)
            let columns = column == 0 ? Int(range.first.column)...Int(range.last.column)
                : (Int(range.first.column) + column - 1)...(Int(range.first.column) + column - 1)
            return .reference(Reference(sheet: area.sheet, range: CellRange(
                first: CellAddress(row: rows.lowerBound, column: columns.lowerBound),
                last: CellAddress(row: rows.upperBound, column: columns.upperBound))))
        case .array(let m):
            guard areaNumber <= 1 else { return .error(.reference) }
            var row = row, column = column
            if args.count == 2 {
                if m.rows == 1 { column = row; row = 1 } else if m.columns == 1 { column = 1 }
            } else if m.columns == 1 && column == 0 {
                column = 1
            } else if m.rows == 1 && row == 0 && args.count > 2 {
                row = 1
            }
            guard row <= m.rows, column <= m.columns else { return .error(.reference) }
            if row == 0 && column == 0 { return .array(m) }
            if row == 0 { return .array(Matrix(column: m.column(column - 1))) }
            if column == 0 { return .array(Matrix(row: m.row(row - 1))) }
            return Value(m[row - 1, column - 1])
        case .error(let e): return .error(e)
        default:
            guard areaNumber <= 1 else { return .error(.reference) }
            return row <= 1 && column <= 1 ? args[0] : .error(.reference)
        }
    }

    // MARK: OFFSET, INDIRECT, ROW, COLUMN

    func offset(_ args: [Value]) throws -> Value {
        guard case .reference(let r) = args[0], r.isSingleArea else {
            if case .error(let e) = args[0] { return .error(e) }
            return .error(.value)
        }
        func int(_ i: Int, default d: Int, size: Bool) throws -> Result<Int, ErrorValue> {
            guard i < args.count else { return .success(d) }
            if case .empty = args[i] { return .success(d) }
            switch try number(args[i]) {
            case .success(let n):
                guard n > -1e9, n < 1e9 else { return .failure(.reference) }
                var t = Int(n.rounded(.towardZero))
                // A height or width between 0 and 1 counts as 1.
                if size, t == 0, n != 0 { t = n > 0 ? 1 : -1 }
                return .success(t)
            case .failure(let e): return .failure(e)
            }
        }
        let base = r.areas[0].range
        var values: [Int] = []
        for (i, d) in [(1, 0), (2, 0), (3, base.rowCount), (4, base.columnCount)] {
            switch try int(i, default: d, size: i >= 3) {
            case .success(let x): values.append(x)
            case .failure(let e): return .error(e)
            }
        }
        let dr = values[0], dc = values[1], height = values[2], width = values[3]
        guard height != 0, width != 0 else { return .error(.reference) }
        let top = Int(base.first.row) + dr, left = Int(base.first.column) + dc
        let r1 = height > 0 ? top : top + height + 1, r2 = height > 0 ? top + height - 1 : top
        let c1 = width > 0 ? left : left + width + 1, c2 = width > 0 ? left + width - 1 : left
        guard r1 >= 0, c1 >= 0, r2 < Grid.rowCount, c2 < Grid.columnCount else { return .error(.reference) }
        return .reference(Reference(sheet: r.areas[0].sheet, range: CellRange(
            first: CellAddress(row: r1, column: c1), last: CellAddress(row: r2, column: c2))))
    }

    func indirect(_ args: [Value]) throws -> Value {
        let textValue = try scalar(args[0])
        if case .error(let e) = textValue { return .error(e) }
        guard case .success(let text) = Coercion.text(textValue) else { return .error(.reference) }
        var a1 = true
        if args.count > 1, !isOmittedArgument(args[1]) {
            switch try boolean(args[1]) {
            case .success(let b): a1 = b
            case .failure(let e): return .error(e)
            }
        }
        let trimmed = text.trimmingCharacters(in: " ")
        guard !trimmed.isEmpty else { return .error(.reference) }
        if !a1 {
            guard let converted = Self.r1c1ToA1(trimmed, at: cell), let r = reference(fromText: converted) else {
                return .error(.reference)
            }
            return .reference(r)
        }
        if let r = reference(fromText: trimmed) { return .reference(r) }
        // Row numbers written with leading zeros ("A01", "05:05").
        if let normalized = Self.withoutLeadingZeros(trimmed), let r = reference(fromText: normalized) {
            return .reference(r)
        }
        return .error(.reference)
    }

    /// The address part of a reference text with leading zeros dropped from its row numbers.
    static func withoutLeadingZeros(_ text: String) -> String? {
        let bang = text.lastIndex(of: "!")
        let prefix = bang.map { String(text[...$0]) } ?? ""
        let body = bang.map { String(text[text.index(after: $0)...]) } ?? text
        var out = ""
        var changed = false
        var digits = ""
        var previous: Character?
        func flush() {
            guard !digits.isEmpty else { return }
            let stripped = String(digits.drop { $0 == "0" })
            if stripped.count != digits.count { changed = true }
            out += stripped.isEmpty ? "0" : stripped
            digits = ""
        }
        for ch in body {
            if ch.isASCII && ch.isNumber && (previous.map { $0.isLetter || $0 == "$" || $0 == ":" || $0.isNumber } ?? true) {
                digits.append(ch)
            } else {
                flush()
                out.append(ch)
            }
            previous = ch
        }
        flush()
        return changed ? prefix + out : nil
    }

    /// An R1C1 reference text (`R2C3`, `R[-1]C`, `R1C1:R2C2`, `Sheet!R1`) as A1 text, relative
    /// parts taken from `anchor`; nil when it is not one.
    static func r1c1ToA1(_ text: String, at anchor: CellAddress) -> String? {
        let bang = text.lastIndex(of: "!")
        let prefix = bang.map { String(text[...$0]) } ?? ""
        let body = bang.map { String(text[text.index(after: $0)...]) } ?? text
        let parts = body.split(separator: ":", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count) else { return nil }
        // Each part: (row, column), either optional (a whole column or row).
        var parsed: [(Int?, Int?)] = []
        for p in parts {
            var s = Substring(p.uppercased())
            func component(_ letter: Character, _ base: Int) -> (present: Bool, value: Int?)? {
                guard s.first == letter else { return (false, nil) }
                s = s.dropFirst()
                if s.first == "[" {
                    guard let close = s.firstIndex(of: "]"), let n = Int(s[s.index(after: s.startIndex)..<close]),
                          n > -Grid.rowCount, n < Grid.rowCount else { return nil }
                    s = s[s.index(after: close)...]
                    return (true, base + n)
                }
                let digits = s.prefix { $0.isASCII && $0.isNumber }
                s = s.dropFirst(digits.count)
                if digits.isEmpty { return (true, base) }
                guard let n = Int(digits), n >= 1 else { return nil }
                return (true, n - 1)
            }
            guard let row = component("R", Int(anchor.row)) else { return nil }
            guard let column = component("C", Int(anchor.column)) else { return nil }
            guard s.isEmpty, row.present || column.present else { return nil }
            if let r = row.value, !(0..<Grid.rowCount).contains(r) { return nil }
            if let c = column.value, !(0..<Grid.columnCount).contains(c) { return nil }
            parsed.append((row.present ? row.value : nil, column.present ? column.value : nil))
        }
        func a1(_ p: (Int?, Int?)) -> String? {
            switch p {
            case (let r?, let c?): return "$" + A1.columnName(c) + "$" + String(r + 1)
            case (let r?, nil): return "$" + String(r + 1)
            case (nil, let c?): return "$" + A1.columnName(c)
            default: return nil
            }
        }
        guard let first = a1(parsed[0]) else { return nil }
        if parsed.count == 1 {
            switch parsed[0] {
            case (_?, nil), (nil, _?): return prefix + first + ":" + first
            default: return prefix + first
            }
        }
        guard let second = a1(parsed[1]) else { return nil }
        return prefix + first + ":" + second
    }

    func position(_ args: [Value], row: Bool) throws -> Value {
        guard let a = args.first else { return .number(Double((row ? cell.row : cell.column) + 1)) }
        switch a {
        case .reference(let r):
            guard r.isSingleArea else { return .error(.reference) }
            let range = r.areas[0].range
            let first = Int(row ? range.first.row : range.first.column) + 1
            let count = row ? range.rowCount : range.columnCount
            if count > 1 && arrayMode {
                let values = (0..<min(count, DynamicArrayFunctions.maximumCells)).map { CellValue.number(Double(first + $0)) }
                return .array(row ? Matrix(column: values) : Matrix(row: values))
            }
            return .number(Double(first))
        case .empty:
            return .number(Double((row ? cell.row : cell.column) + 1))
        case .error(let e): return .error(e)
        default: return .error(.value)
        }
    }

    // MARK: ADDRESS and ANCHORARRAY

    func address(_ args: [CellValue?]) -> CellValue {
        for case .error(let e)? in args { return .error(e) }
        guard case .success(let r) = Coercion.number(args[0] ?? .empty), case .success(let c) = Coercion.number(args[1] ?? .empty) else {
            return .error(.value)
        }
        var absolute = 1.0
        if args.count > 2, let v = args[2] {
            guard case .success(let n) = Coercion.number(v) else { return .error(.value) }
            absolute = n
        }
        var a1 = true
        if args.count > 3, let v = args[3] {
            guard case .success(let b) = Coercion.boolean(v) else { return .error(.value) }
            a1 = b
        }
        let row = r.rounded(.towardZero), column = c.rounded(.towardZero)
        let kind = Int(max(0, min(10, absolute.rounded(.towardZero))))
        guard row >= 1, row <= Double(Grid.rowCount), column >= 1, column <= Double(Grid.columnCount), (1...4).contains(kind) else {
            return .error(.value)
        }
        let absRow = kind == 1 || kind == 2, absColumn = kind == 1 || kind == 3
        let text: String
        if a1 {
            text = (absColumn ? "$" : "") + A1.columnName(Int(column) - 1) + (absRow ? "$" : "") + String(Int(row))
        } else {
            text = (absRow ? "R\(Int(row))" : "R[\(Int(row))]") + (absColumn ? "C\(Int(column))" : "C[\(Int(column))]")
        }
        if args.count > 4, let v = args[4] {
            guard case .success(let sheetName) = Coercion.text(v) else { return .error(.value) }
            if sheetName.isEmpty { return .text("!" + text) }
            return .text(SheetName.quotedIfNeeded(sheetName) + "!" + text)
        }
        return .text(text)
    }

    /// `A1#`: the range an array formula anchored in a cell spills over.
    func anchorArray(_ args: [Value]) throws -> Value {
        guard case .reference(let r) = args[0], r.isSingleArea else {
            if case .error(let e) = args[0] { return .error(e) }
            return .error(.value)
        }
        let area = r.areas[0]
        let key = CellKey(sheet: area.sheet, row: Int(area.range.first.row), column: Int(area.range.first.column))
        guard let node = workbook.formulaAt[key] else { return .error(.reference) }
        let f = workbook.formulas[Int(node)]
        guard f.anchor == area.range.first, let range = f.arrayRange else {
            return f.anchor == area.range.first ? .reference(Reference(sheet: area.sheet, range: CellRange(f.anchor))) : .error(.reference)
        }
        // Make sure the anchor's values are current.
        _ = try cellValue(sheet: area.sheet, row: Int(range.first.row), column: Int(range.first.column))
        return .reference(Reference(sheet: area.sheet, range: range))
    }
}
