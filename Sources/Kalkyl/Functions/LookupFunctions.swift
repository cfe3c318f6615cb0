/// Lookup and reference functions.
enum LookupFunctions {
    static let all: [FunctionDefinition] = [
        FunctionDefinition("CHOOSE", 2...255, lazy: .choose),
        FunctionDefinition("MATCH", 2...3, scalarArguments: [0, 2]) { args, ctx in
            let lookup = try ctx.scalar(args[0])
            if case .error(let e) = lookup { return .error(e) }
            let type = args.count > 2 ? try ctx.number(args[2]) : .success(1)
            guard case .success(let t) = type else { return .error(.value) }
            guard let vector = try ctx.vector(args[1]) else { return .error(.notAvailable) }
            guard let i = Lookup.match(lookup, in: vector, type: t < 0 ? -1 : (t > 0 ? 1 : 0)) else { return .error(.notAvailable) }
            return .number(Double(i + 1))
        },
        FunctionDefinition("VLOOKUP", 3...4, scalarArguments: [0, 2, 3]) { args, ctx in try ctx.tableLookup(args, vertical: true) },
        FunctionDefinition("HLOOKUP", 3...4, scalarArguments: [0, 2, 3]) { args, ctx in try ctx.tableLookup(args, vertical: false) },
        FunctionDefinition("XLOOKUP", 3...6, scalarArguments: [0, 4, 5]) { args, ctx in try ctx.xlookup(args) },
        FunctionDefinition("INDEX", 2...4, scalarArguments: [1, 2, 3]) { args, ctx in try ctx.index(args) },
        FunctionDefinition("OFFSET", 3...5, volatile: true, scalarArguments: [1, 2, 3, 4]) { args, ctx in try ctx.offset(args) },
        FunctionDefinition("INDIRECT", 1...2, volatile: true, scalarArguments: [0, 1]) { args, ctx in
            guard case .success(let text) = try ctx.text(args[0]) else { return .error(.reference) }
            guard let r = ctx.reference(fromText: text) else { return .error(.reference) }
            return .reference(r)
        },
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
    ]
}

/// Matching a value in a vector as MATCH, VLOOKUP and XLOOKUP do.
enum Lookup {
    /// Zero-based position. `type` 0: the first equal value (text wildcards allowed); 1: the last
    /// value not greater, in an ascending vector (binary search, as Excel); -1: the last value not
    /// smaller, in a descending vector.
    static func match(_ lookup: CellValue, in vector: [CellValue], type: Int) -> Int? {
        if type == 0 {
            if case .text(let t) = lookup, let pattern = WildcardPattern(t) {
                return vector.firstIndex { if case .text(let s) = $0 { pattern.matches(s) } else { false } }
            }
            return vector.firstIndex { sameType(lookup, $0) && Coercion.compare(lookup, $0) == 0 }
        }
        // Binary search over the values of the lookup value's type, as Excel does on sorted data.
        var low = 0, high = vector.count - 1
        var found: Int?
        while low <= high {
            let mid = (low + high) / 2
            var probe = mid
            // Skip values of another type (they are neither smaller nor greater).
            while probe <= high, !sameType(lookup, vector[probe]) { probe += 1 }
            if probe > high { high = mid - 1; continue }
            let c = Coercion.compare(vector[probe], lookup)
            if type > 0 ? c <= 0 : c >= 0 {
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
        case (.empty, .number), (.number, .empty): false
        default: false
        }
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

    func tableLookup(_ args: [Value], vertical: Bool) throws -> Value {
        let lookup = try scalar(args[0])
        if case .error(let e) = lookup { return .error(e) }
        guard case .success(let n) = try number(args[2]) else { return .error(.value) }
        let column = Int(n)
        guard column >= 1 else { return .error(.value) }
        var approximate = true
        if args.count > 3 {
            if case .empty = args[3] { approximate = false } else {
                guard case .success(let b) = try boolean(args[3]) else { return .error(.value) }
                approximate = b
            }
        }
        let table: Matrix
        switch args[1] {
        case .reference(let r):
            guard r.isSingleArea else { return .error(.reference) }
            table = try matrix(r.areas[0])
            let full = r.areas[0].range
            guard column <= (vertical ? full.columnCount : full.rowCount) else { return .error(.reference) }
        case .array(let m): table = m
        case .error(let e): return .error(e)
        default: return .error(.notAvailable)
        }
        guard column <= (vertical ? table.columns : table.rows) else {
            // The used part may be narrower than the range: the cell is empty.
            return .number(0)
        }
        let keys = vertical ? (0..<table.rows).map { table[$0, 0] } : (0..<table.columns).map { table[0, $0] }
        guard let i = Lookup.match(lookup, in: keys, type: approximate ? 1 : 0) else { return .error(.notAvailable) }
        let v = vertical ? table[i, column - 1] : table[column - 1, i]
        return Value(v)
    }

    func xlookup(_ args: [Value]) throws -> Value {
        let lookup = try scalar(args[0])
        if case .error(let e) = lookup { return .error(e) }
        guard let keys = try vector(args[1]) else { return .error(.value) }
        let matchMode = args.count > 4 ? (try number(args[4])).map(Int.init) : .success(0)
        let searchMode = args.count > 5 ? (try number(args[5])).map(Int.init) : .success(1)
        guard case .success(let mode) = matchMode, case .success(let search) = searchMode else { return .error(.value) }
        var indices = Array(keys.indices)
        if search == -1 || search == -2 { indices.reverse() }
        var found: Int?
        switch mode {
        case 0, 2:
            if mode == 2, case .text(let t) = lookup, let p = WildcardPattern(t) {
                found = indices.first { if case .text(let s) = keys[$0] { p.matches(s) } else { false } }
            } else {
                found = indices.first { Lookup.sameType(lookup, keys[$0]) && Coercion.compare(lookup, keys[$0]) == 0 }
            }
        case -1, 1:
            var best: Int?
            for i in indices where Lookup.sameType(lookup, keys[i]) {
                let c = Coercion.compare(keys[i], lookup)
                if c == 0 { best = i; break }
                if mode == -1 ? c < 0 : c > 0 {
                    if let b = best {
                        let better = mode == -1 ? Coercion.compare(keys[i], keys[b]) > 0 : Coercion.compare(keys[i], keys[b]) < 0
                        if better { best = i }
                    } else { best = i }
                }
            }
            found = best
        default: return .error(.value)
        }
        guard let i = found else {
            if args.count > 3, !isOmitted(args[3]) { return args[3] }
            return .error(.notAvailable)
        }
        // The result is the matching row (or column) of the return array.
        switch args[2] {
        case .reference(let r):
            guard r.isSingleArea else { return .error(.value) }
            let range = r.areas[0].range
            let keysVertical = keys.count == 1 || (try? vectorIsVertical(args[1])) ?? true
            if keysVertical {
                guard i < range.rowCount else { return .error(.value) }
                let row = Int(range.first.row) + i
                return .reference(Reference(sheet: r.areas[0].sheet, range: CellRange(
                    first: CellAddress(row: row, column: Int(range.first.column)),
                    last: CellAddress(row: row, column: Int(range.last.column)))))
            }
            guard i < range.columnCount else { return .error(.value) }
            let column = Int(range.first.column) + i
            return .reference(Reference(sheet: r.areas[0].sheet, range: CellRange(
                first: CellAddress(row: Int(range.first.row), column: column),
                last: CellAddress(row: Int(range.last.row), column: column))))
        case .array(let m):
            if m.columns == 1 || m.rows > 1 && keys.count == m.rows {
                return i < m.rows ? .array(Matrix(row: (0..<m.columns).map { m[i, $0] })) : .error(.value)
            }
            return i < m.columns ? .array(Matrix(column: (0..<m.rows).map { m[$0, i] })) : .error(.value)
        default:
            return args[2]
        }
    }

    private func vectorIsVertical(_ v: Value) throws -> Bool {
        switch v {
        case .reference(let r): return r.areas[0].range.columnCount == 1
        case .array(let m): return m.columns == 1
        default: return true
        }
    }

    private func isOmitted(_ v: Value) -> Bool {
        if case .empty = v { return true }
        return false
    }

    func index(_ args: [Value]) throws -> Value {
        func int(_ i: Int) throws -> Int? {
            guard i < args.count else { return 0 }
            if case .empty = args[i] { return 0 }
            guard case .success(let n) = try number(args[i]) else { return nil }
            return Int(n)
        }
        guard let row = try int(1), let column = try int(2), let areaNumber = try int(3) else { return .error(.value) }
        guard row >= 0, column >= 0 else { return .error(.value) }
        switch args[0] {
        case .reference(let r):
            guard areaNumber >= 0, areaNumber <= r.areas.count else { return .error(.reference) }
            let area = r.areas[max(0, areaNumber - 1)]
            let range = area.range
            var row = row, column = column
            // INDEX(column, n) and INDEX(row, n) take n along the vector.
            if args.count == 2 || (args.count > 2 && column == 0 && range.columnCount == 1) {
                if range.columnCount == 1 { column = 1 } else if range.rowCount == 1 { column = row; row = 1 }
            }
            guard row <= range.rowCount, column <= range.columnCount else { return .error(.reference) }
            let rows = row == 0 ? Int(range.first.row)...Int(range.last.row) : (Int(range.first.row) + row - 1)...(Int(range.first.row) + row - 1)
            let columns = column == 0 ? Int(range.first.column)...Int(range.last.column)
                : (Int(range.first.column) + column - 1)...(Int(range.first.column) + column - 1)
            return .reference(Reference(sheet: area.sheet, range: CellRange(
                first: CellAddress(row: rows.lowerBound, column: columns.lowerBound),
                last: CellAddress(row: rows.upperBound, column: columns.upperBound))))
        case .array(let m):
            var row = row, column = column
            if m.rows == 1 && args.count == 2 { column = row; row = 1 } else if m.columns == 1 && column == 0 { column = 1 }
            guard row <= m.rows, column <= m.columns else { return .error(.reference) }
            if row == 0 && column == 0 { return .array(m) }
            if row == 0 { return .array(Matrix(column: (0..<m.rows).map { m[$0, column - 1] })) }
            if column == 0 { return .array(Matrix(row: (0..<m.columns).map { m[row - 1, $0] })) }
            return Value(m[row - 1, column - 1])
        case .error(let e): return .error(e)
        default:
            return row <= 1 && column <= 1 ? args[0] : .error(.reference)
        }
    }

    func offset(_ args: [Value]) throws -> Value {
        guard case .reference(let r) = args[0], r.isSingleArea else {
            if case .error(let e) = args[0] { return .error(e) }
            return .error(.value)
        }
        func int(_ i: Int, default d: Int) throws -> Int? {
            guard i < args.count else { return d }
            if case .empty = args[i] { return d }
            guard case .success(let n) = try number(args[i]) else { return nil }
            return Int(n.rounded(.towardZero))
        }
        let base = r.areas[0].range
        guard let dr = try int(1, default: 0), let dc = try int(2, default: 0),
              let height = try int(3, default: base.rowCount), let width = try int(4, default: base.columnCount) else {
            return .error(.value)
        }
        guard height != 0, width != 0 else { return .error(.reference) }
        let top = Int(base.first.row) + dr, left = Int(base.first.column) + dc
        let r1 = height > 0 ? top : top + height + 1, r2 = height > 0 ? top + height - 1 : top
        let c1 = width > 0 ? left : left + width + 1, c2 = width > 0 ? left + width - 1 : left
        guard r1 >= 0, c1 >= 0, r2 < Grid.rowCount, c2 < Grid.columnCount else { return .error(.reference) }
        return .reference(Reference(sheet: r.areas[0].sheet, range: CellRange(
            first: CellAddress(row: r1, column: c1), last: CellAddress(row: r2, column: c2))))
    }

    func position(_ args: [Value], row: Bool) throws -> Value {
        guard let a = args.first else { return .number(Double((row ? cell.row : cell.column) + 1)) }
        switch a {
        case .reference(let r):
            let range = r.areas[0].range
            let first = Int(row ? range.first.row : range.first.column) + 1
            let count = row ? range.rowCount : range.columnCount
            if count > 1 && arrayMode {
                let values = (0..<count).map { CellValue.number(Double(first + $0)) }
                return .array(row ? Matrix(column: values) : Matrix(row: values))
            }
            return .number(Double(first))
        case .empty:
            return .number(Double((row ? cell.row : cell.column) + 1))
        case .error(let e): return .error(e)
        default: return .error(.value)
        }
    }
}
