/// Functions that return arrays which spill (SORT, FILTER, UNIQUE, VSTACK, …).
enum DynamicArrayFunctions {
    static let all: [FunctionDefinition] = [
        FunctionDefinition("SEQUENCE", 1...4, scalarArguments: [0, 1, 2, 3]) { args, ctx in try ctx.sequence(args) },
        FunctionDefinition("TRANSPOSE", 1...1) { args, ctx in
            switch try ctx.grid(args[0]) {
            case .failure(let e): return .error(e)
            case .success(let m): return .array(m.transposed)
            }
        },
        FunctionDefinition("SORT", 1...4) { args, ctx in try ctx.sort(args) },
        FunctionDefinition("SORTBY", 2...255) { args, ctx in try ctx.sortBy(args) },
        FunctionDefinition("FILTER", 2...3) { args, ctx in try ctx.filter(args) },
        FunctionDefinition("UNIQUE", 1...3) { args, ctx in try ctx.unique(args) },
        FunctionDefinition("VSTACK", 1...254) { args, ctx in try ctx.stack(args, vertical: true) },
        FunctionDefinition("HSTACK", 1...254) { args, ctx in try ctx.stack(args, vertical: false) },
        FunctionDefinition("CHOOSECOLS", 2...254) { args, ctx in try ctx.choose(args, columns: true) },
        FunctionDefinition("CHOOSEROWS", 2...254) { args, ctx in try ctx.choose(args, columns: false) },
        FunctionDefinition("TAKE", 2...3, scalarArguments: [1, 2]) { args, ctx in try ctx.takeOrDrop(args, take: true) },
        FunctionDefinition("DROP", 2...3, scalarArguments: [1, 2]) { args, ctx in try ctx.takeOrDrop(args, take: false) },
        FunctionDefinition("EXPAND", 2...4, scalarArguments: [1, 2, 3]) { args, ctx in try ctx.expand(args) },
        FunctionDefinition("TOCOL", 1...3, scalarArguments: [1, 2]) { args, ctx in try ctx.flatten(args, column: true) },
        FunctionDefinition("TOROW", 1...3, scalarArguments: [1, 2]) { args, ctx in try ctx.flatten(args, column: false) },
        FunctionDefinition("WRAPROWS", 2...3, scalarArguments: [1, 2]) { args, ctx in try ctx.wrap(args, rows: true) },
        FunctionDefinition("WRAPCOLS", 2...3, scalarArguments: [1, 2]) { args, ctx in try ctx.wrap(args, rows: false) },
        FunctionDefinition("TRIMRANGE", 1...3) { args, ctx in try ctx.trimRange(args) },
        FunctionDefinition("GROUPBY", 3...8) { args, ctx in try ctx.groupBy(args) },
        FunctionDefinition("PIVOTBY", 4...11) { args, ctx in try ctx.pivotBy(args) },
    ]

    /// The most cells an array result may have (Excel's grid).
    static let maximumCells = 1 << 24
}

extension Matrix {
    var transposed: Matrix {
        var out = Matrix(rows: columns, columns: rows, repeating: .empty)
        for r in 0..<rows { for c in 0..<columns { out[c, r] = self[r, c] } }
        return out
    }

    func row(_ r: Int) -> [CellValue] { Array(values[(r * columns)..<((r + 1) * columns)]) }
    func column(_ c: Int) -> [CellValue] { (0..<rows).map { self[$0, c] } }

    init(rowList: [[CellValue]], columns: Int) {
        self.init(rows: rowList.count, columns: columns, values: rowList.flatMap { $0 })
    }
}

extension EvaluationContext {
    /// An argument as an array: a range's cells, an array, or a single value as a 1×1 array.
    func grid(_ argument: Value) throws -> Result<Matrix, ErrorValue> {
        switch argument {
        case .reference(let r):
            guard r.isSingleArea else { return .failure(.value) }
            return .success(try matrix(r.areas[0]))
        case .array(let m):
            return m.count > 0 ? .success(m) : .failure(.value)
        default:
            return .success(Matrix(rows: 1, columns: 1, values: [argument.scalar]))
        }
    }

    /// A whole number from an argument (truncated toward zero), `default` when omitted.
    func integer(_ argument: Value, default d: Int? = nil) throws -> Result<Int, ErrorValue> {
        if case .empty = argument, let d { return .success(d) }
        switch try number(argument) {
        case .failure(let e): return .failure(e)
        case .success(let n):
            let t = n.rounded(.towardZero)
            guard t.isFinite else { return .failure(.number) }
            return .success(Int(max(-1e15, min(1e15, t))))
        }
    }

    fileprivate func isOmitted(_ argument: Value) -> Bool {
        if case .empty = argument { return true }
        return false
    }

    // MARK: - SEQUENCE

    func sequence(_ args: [Value]) throws -> Value {
        guard case .success(let rows) = try integer(args[0], default: 1) else { return .error(try errorIn(args[0])) }
        let columnsResult = args.count > 1 ? try integer(args[1], default: 1) : .success(1)
        guard case .success(let columns) = columnsResult else { return .error(try errorIn(args[1])) }
        var start = 1.0, step = 1.0
        if args.count > 2, !isOmitted(args[2]) {
            switch try number(args[2]) {
            case .success(let n): start = n
            case .failure(let e): return .error(e)
            }
        }
        if args.count > 3, !isOmitted(args[3]) {
            switch try number(args[3]) {
            case .success(let n): step = n
            case .failure(let e): return .error(e)
            }
        }
        guard rows >= 0, columns >= 0 else { return .error(.value) }
        guard rows > 0, columns > 0 else { return .error(.calc) }
        guard rows <= Grid.rowCount, columns <= Grid.columnCount, rows * columns <= DynamicArrayFunctions.maximumCells else {
            return .error(.value)
        }
        var values: [CellValue] = []
        values.reserveCapacity(rows * columns)
        for i in 0..<(rows * columns) { values.append(.number(start + Double(i) * step)) }
        return .array(Matrix(rows: rows, columns: columns, values: values))
    }

    /// The error a failed coercion of an argument gives.
    fileprivate func errorIn(_ argument: Value) throws -> ErrorValue {
        if case .failure(let e) = try number(argument) { return e }
        return .value
    }

    // MARK: - SORT and SORTBY

    /// Excel's sort order: numbers, text (without regard to case), FALSE, TRUE, errors; empty last.
    static func sortCompare(_ a: CellValue, _ b: CellValue) -> Int {
        func rank(_ v: CellValue) -> Int {
            switch v {
            case .number: 0
            case .text: 1
            case .boolean: 2
            case .error: 3
            case .empty: 4
            }
        }
        let ra = rank(a), rb = rank(b)
        if ra != rb { return ra < rb ? -1 : 1 }
        switch (a, b) {
        case (.number(let x), .number(let y)): return x == y ? 0 : (x < y ? -1 : 1)
        case (.text(let x), .text(let y)): return Coercion.compareText(x, y)
        case (.boolean(let x), .boolean(let y)): return x == y ? 0 : (!x ? -1 : 1)
        case (.error(let x), .error(let y)): return x.rawValue == y.rawValue ? 0 : (x.rawValue < y.rawValue ? -1 : 1)
        default: return 0
        }
    }

    /// Orders row indices by keys (each a column of values and an ascending flag), stably.
    static func sortedOrder(count: Int, keys: [([CellValue], Bool)]) -> [Int] {
        Array(0..<count).sorted { i, j in
            for (values, ascending) in keys {
                let a = values[i], b = values[j]
                // Empty cells go last either way.
                if a.isEmpty != b.isEmpty { return b.isEmpty }
                let c = sortCompare(a, b)
                if c != 0 { return ascending ? c < 0 : c > 0 }
            }
            return i < j
        }
    }

    /// Numbers from an argument that may be an array (SORT's sort_index, CHOOSECOLS's indexes).
    fileprivate func integerList(_ argument: Value) throws -> Result<[Int], ErrorValue> {
        var out: [Int] = []
        let values: [CellValue]
        switch argument {
        case .reference, .array: values = try self.values(argument)
        default: values = [argument.scalar]
        }
        for v in values {
            switch Coercion.number(v) {
            case .failure(let e): return .failure(e)
            case .success(let n):
                let t = n.rounded(.towardZero)
                guard t.isFinite else { return .failure(.value) }
                out.append(Int(max(-1e15, min(1e15, t))))
            }
        }
        return .success(out)
    }

    func sort(_ args: [Value]) throws -> Value {
        guard case .success(var m) = try grid(args[0]) else {
            if case .error(let e) = args[0] { return .error(e) }
            return .error(.value)
        }
        var byColumn = false
        if args.count > 3, !isOmitted(args[3]) {
            switch try boolean(args[3]) {
            case .success(let b): byColumn = b
            case .failure(let e): return .error(e)
            }
        }
        if byColumn { m = m.transposed }
        var indexes = [1]
        if args.count > 1, !isOmitted(args[1]) {
            switch try integerList(args[1]) {
            case .success(let list): indexes = list
            case .failure(let e): return .error(e)
            }
        }
        var orders = [1]
        if args.count > 2, !isOmitted(args[2]) {
            switch try integerList(args[2]) {
            case .success(let list): orders = list
            case .failure(let e): return .error(e)
            }
        }
        guard !indexes.isEmpty, !orders.isEmpty else { return .error(.value) }
        if orders.count > 1 && orders.count != indexes.count { return .error(.value) }
        var keys: [([CellValue], Bool)] = []
        for (k, index) in indexes.enumerated() {
            guard index >= 1, index <= m.columns else { return .error(.value) }
            let order = orders.count == 1 ? orders[0] : (k < orders.count ? orders[k] : 1)
            guard order == 1 || order == -1 else { return .error(.value) }
            keys.append((m.column(index - 1), order == 1))
        }
        let order = Self.sortedOrder(count: m.rows, keys: keys)
        var out = Matrix(rows: m.rows, columns: m.columns, repeating: .empty)
        for (r, source) in order.enumerated() {
            for c in 0..<m.columns { out[r, c] = m[source, c] }
        }
        return .array(byColumn ? out.transposed : out)
    }

    func sortBy(_ args: [Value]) throws -> Value {
        guard case .success(let m) = try grid(args[0]) else {
            if case .error(let e) = args[0] { return .error(e) }
            return .error(.value)
        }
        var keys: [([CellValue], Bool)] = []
        var byColumn: Bool?
        var i = 1
        while i < args.count {
            guard case .success(let by) = try grid(args[i]) else {
                if case .error(let e) = args[i] { return .error(e) }
                return .error(.value)
            }
            var ascending = true
            if i + 1 < args.count, !isOmitted(args[i + 1]) {
                switch try integer(args[i + 1]) {
                case .success(1): ascending = true
                case .success(-1): ascending = false
                case .success: return .error(.value)
                case .failure(let e): return .error(e)
                }
            }
            let vertical: Bool
            if by.columns == 1 && by.rows == m.rows && (m.rows > 1 || by.rows == 1 && m.columns == 1) {
                vertical = true
            } else if by.rows == 1 && by.columns == m.columns {
                vertical = false
            } else if by.columns == 1 && by.rows == m.rows {
                vertical = true
            } else {
                return .error(.value)
            }
            if let b = byColumn, b != !vertical { return .error(.value) }
            byColumn = !vertical
            keys.append((by.values, ascending))
            i += 2
        }
        let horizontal = byColumn ?? false
        let source = horizontal ? m.transposed : m
        let order = Self.sortedOrder(count: source.rows, keys: keys)
        var out = Matrix(rows: source.rows, columns: source.columns, repeating: .empty)
        for (r, s) in order.enumerated() {
            for c in 0..<source.columns { out[r, c] = source[s, c] }
        }
        return .array(horizontal ? out.transposed : out)
    }

    // MARK: - FILTER and UNIQUE

    func filter(_ args: [Value]) throws -> Value {
        guard case .success(let m) = try grid(args[0]) else {
            if case .error(let e) = args[0] { return .error(e) }
            return .error(.value)
        }
        guard case .success(let include) = try grid(args[1]) else {
            if case .error(let e) = args[1] { return .error(e) }
            return .error(.value)
        }
        let byRows: Bool
        if include.columns == 1 && include.rows == m.rows {
            byRows = true
        } else if include.rows == 1 && include.columns == m.columns {
            byRows = false
        } else {
            return .error(.value)
        }
        var keep: [Bool] = []
        for v in include.values {
            switch v {
            case .error(let e): return .error(e)
            case .text: return .error(.value)
            default:
                guard case .success(let b) = Coercion.boolean(v) else { return .error(.value) }
                keep.append(b)
            }
        }
        if !keep.contains(true) {
            if args.count > 2, !isOmitted(args[2]) {
                let fallback = args[2]
                if case .reference = fallback { return fallback }
                return fallback
            }
            return .error(.calc)
        }
        if byRows {
            let rows = (0..<m.rows).filter { keep[$0] }.map { m.row($0) }
            return .array(Matrix(rowList: rows, columns: m.columns))
        }
        let columns = (0..<m.columns).filter { keep[$0] }
        var out = Matrix(rows: m.rows, columns: columns.count, repeating: .empty)
        for r in 0..<m.rows { for (k, c) in columns.enumerated() { out[r, k] = m[r, c] } }
        return .array(out)
    }

    /// A key that identifies a value as UNIQUE and GROUPBY compare them (text without regard to case).
    static func identity(_ v: CellValue) -> String {
        switch v {
        case .number(let n): "n\(n == 0 ? 0 : n)"
        case .text(let s): "t" + s.lowercased()
        case .boolean(let b): b ? "bT" : "bF"
        case .error(let e): "e\(e.rawValue)"
        case .empty: "_"
        }
    }

    func unique(_ args: [Value]) throws -> Value {
        guard case .success(let source) = try grid(args[0]) else {
            if case .error(let e) = args[0] { return .error(e) }
            return .error(.value)
        }
        var byColumn = false, exactlyOnce = false
        if args.count > 1, !isOmitted(args[1]) {
            switch try boolean(args[1]) {
            case .success(let b): byColumn = b
            case .failure(let e): return .error(e)
            }
        }
        if args.count > 2, !isOmitted(args[2]) {
            switch try boolean(args[2]) {
            case .success(let b): exactlyOnce = b
            case .failure(let e): return .error(e)
            }
        }
        let m = byColumn ? source.transposed : source
        var order: [String] = []
        var first: [String: Int] = [:]
        var counts: [String: Int] = [:]
        for r in 0..<m.rows {
            let key = m.row(r).map(Self.identity).joined(separator: "\u{1}")
            if first[key] == nil { first[key] = r; order.append(key) }
            counts[key, default: 0] += 1
        }
        let keys = exactlyOnce ? order.filter { counts[$0] == 1 } : order
        guard !keys.isEmpty else { return .error(.calc) }
        let out = Matrix(rowList: keys.compactMap { first[$0] }.map { m.row($0) }, columns: m.columns)
        return .array(byColumn ? out.transposed : out)
    }

    // MARK: - Stacking and picking

    func stack(_ args: [Value], vertical: Bool) throws -> Value {
        var parts: [Matrix] = []
        for a in args {
            switch try grid(a) {
            case .success(let m): parts.append(vertical ? m : m.transposed)
            case .failure(let e): return .error(e)
            }
        }
        let width = parts.map(\.columns).max() ?? 0
        let height = parts.reduce(0) { $0 + $1.rows }
        guard width > 0, height > 0, width * height <= DynamicArrayFunctions.maximumCells else { return .error(.value) }
        var values: [CellValue] = []
        values.reserveCapacity(width * height)
        for p in parts {
            for r in 0..<p.rows {
                for c in 0..<width { values.append(c < p.columns ? p[r, c] : .error(.notAvailable)) }
            }
        }
        let out = Matrix(rows: height, columns: width, values: values)
        return .array(vertical ? out : out.transposed)
    }

    func choose(_ args: [Value], columns: Bool) throws -> Value {
        guard case .success(let source) = try grid(args[0]) else {
            if case .error(let e) = args[0] { return .error(e) }
            return .error(.value)
        }
        let m = columns ? source.transposed : source
        var picked: [Int] = []
        for a in args.dropFirst() {
            let (r, c) = shape(a)
            guard r == 1 || c == 1 else { return .error(.value) }
            switch try integerList(a) {
            case .failure(let e): return .error(e)
            case .success(let list):
                for n in list {
                    guard n != 0, abs(n) <= m.rows else { return .error(.value) }
                    picked.append(n > 0 ? n - 1 : m.rows + n)
                }
            }
        }
        guard !picked.isEmpty else { return .error(.value) }
        let out = Matrix(rowList: picked.map { m.row($0) }, columns: m.columns)
        return .array(columns ? out.transposed : out)
    }

    func takeOrDrop(_ args: [Value], take: Bool) throws -> Value {
        guard case .success(let m) = try grid(args[0]) else {
            if case .error(let e) = args[0] { return .error(e) }
            return .error(.value)
        }
        var rowCount: Int?
        var columnCount: Int?
        if !isOmitted(args[1]) {
            switch try integer(args[1]) {
            case .success(let n): rowCount = n
            case .failure(let e): return .error(e)
            }
        }
        if args.count > 2, !isOmitted(args[2]) {
            switch try integer(args[2]) {
            case .success(let n): columnCount = n
            case .failure(let e): return .error(e)
            }
        }
        func span(_ n: Int?, _ total: Int) -> Range<Int>? {
            guard let n else { return 0..<total }
            if take {
                if n == 0 { return nil }
                return n > 0 ? 0..<min(n, total) : max(0, total + n)..<total
            }
            if abs(n) >= total { return nil }
            return n >= 0 ? n..<total : 0..<(total + n)
        }
        guard let rows = span(rowCount, m.rows), let cols = span(columnCount, m.columns), !rows.isEmpty, !cols.isEmpty else {
            return .error(.calc)
        }
        var out = Matrix(rows: rows.count, columns: cols.count, repeating: .empty)
        for (i, r) in rows.enumerated() { for (j, c) in cols.enumerated() { out[i, j] = m[r, c] } }
        return .array(out)
    }

    func expand(_ args: [Value]) throws -> Value {
        guard case .success(let m) = try grid(args[0]) else {
            if case .error(let e) = args[0] { return .error(e) }
            return .error(.value)
        }
        var rows = m.rows, columns = m.columns
        if !isOmitted(args[1]) {
            switch try integer(args[1]) {
            case .success(let n): rows = n
            case .failure(let e): return .error(e)
            }
        }
        if args.count > 2, !isOmitted(args[2]) {
            switch try integer(args[2]) {
            case .success(let n): columns = n
            case .failure(let e): return .error(e)
            }
        }
        var pad: CellValue = .error(.notAvailable)
        if args.count > 3, !isOmitted(args[3]) {
            pad = try scalar(args[3])
        }
        guard rows >= m.rows, columns >= m.columns else { return .error(.value) }
        guard rows <= Grid.rowCount, columns <= Grid.columnCount, rows * columns <= DynamicArrayFunctions.maximumCells else {
            return .error(.number)
        }
        var out = Matrix(rows: rows, columns: columns, repeating: pad)
        for r in 0..<m.rows { for c in 0..<m.columns { out[r, c] = m[r, c] } }
        return .array(out)
    }

    func flatten(_ args: [Value], column: Bool) throws -> Value {
        guard case .success(let m) = try grid(args[0]) else {
            if case .error(let e) = args[0] { return .error(e) }
            return .error(.value)
        }
        var ignore = 0
        if args.count > 1, !isOmitted(args[1]) {
            switch try integer(args[1]) {
            case .success(let n): ignore = n
            case .failure(let e): return .error(e)
            }
        }
        guard (0...3).contains(ignore) else { return .error(.value) }
        var byColumn = false
        if args.count > 2, !isOmitted(args[2]) {
            switch try boolean(args[2]) {
            case .success(let b): byColumn = b
            case .failure(let e): return .error(e)
            }
        }
        let ordered = byColumn ? m.transposed.values : m.values
        let kept = ordered.filter { v in
            if ignore & 1 != 0, v.isEmpty { return false }
            if ignore & 2 != 0, case .error = v { return false }
            return true
        }
        guard !kept.isEmpty else { return .error(.calc) }
        return .array(column ? Matrix(column: kept) : Matrix(row: kept))
    }

    func wrap(_ args: [Value], rows: Bool) throws -> Value {
        guard case .success(let m) = try grid(args[0]) else {
            if case .error(let e) = args[0] { return .error(e) }
            return .error(.value)
        }
        guard m.rows == 1 || m.columns == 1 else { return .error(.value) }
        let count: Int
        switch try integer(args[1]) {
        case .success(let n): count = n
        case .failure(let e): return .error(e)
        }
        guard count >= 1 else { return .error(.number) }
        var pad: CellValue = .error(.notAvailable)
        if args.count > 2, !isOmitted(args[2]) { pad = try scalar(args[2]) }
        let values = m.values
        let width = min(count, max(values.count, 1))
        let height = (values.count + width - 1) / width
        var out = Matrix(rows: height, columns: width, repeating: pad)
        for (i, v) in values.enumerated() { out[i / width, i % width] = v }
        return .array(rows ? out : out.transposed)
    }

    // MARK: - TRIMRANGE

    func trimRange(_ args: [Value]) throws -> Value {
        guard case .reference(let r) = args[0] else {
            if case .error(let e) = args[0] { return .error(e) }
            return .error(.value)
        }
        guard r.isSingleArea else { return .error(.value) }
        var trims = [3, 3]
        for k in 0..<2 where args.count > k + 1 && !isOmitted(args[k + 1]) {
            if case .array = args[k + 1] { return .error(.value) }
            if case .reference(let x) = args[k + 1], !x.isSingleCell { return .error(.value) }
            switch try number(args[k + 1]) {
            case .success(let n):
                guard n == n.rounded(), n >= 0, n <= 3 else { return .error(.value) }
                trims[k] = Int(n)
            case .failure(let e): return .error(e)
            }
        }
        let trimRows = trims[0], trimColumns = trims[1]
        guard (0...3).contains(trimRows), (0...3).contains(trimColumns) else { return .error(.value) }
        let area = r.areas[0]
        guard let used = usedPart(of: area) else { return .error(.reference) }
        let m = try matrix(area)
        var top = 0, bottom = m.rows - 1, left = 0, right = m.columns - 1
        func rowEmpty(_ i: Int) -> Bool { (0..<m.columns).allSatisfy { m[i, $0].isEmpty } }
        func columnEmpty(_ j: Int) -> Bool { (0..<m.rows).allSatisfy { m[$0, j].isEmpty } }
        if !m.values.contains(where: { !$0.isEmpty }) { return .error(.reference) }
        if trimRows & 1 != 0 { while top < bottom, rowEmpty(top) { top += 1 } }
        if trimRows & 2 != 0 { while bottom > top, rowEmpty(bottom) { bottom -= 1 } }
        if trimColumns & 1 != 0 { while left < right, columnEmpty(left) { left += 1 } }
        if trimColumns & 2 != 0 { while right > left, columnEmpty(right) { right -= 1 } }
        // Without trailing trimming, a whole-column reference keeps its full extent.
        let lastRow = trimRows & 2 != 0 ? Int(used.first.row) + bottom : Int(area.range.last.row)
        let lastColumn = trimColumns & 2 != 0 ? Int(used.first.column) + right : Int(area.range.last.column)
        return .reference(Reference(sheet: area.sheet, range: CellRange(
            first: CellAddress(row: Int(used.first.row) + top, column: Int(used.first.column) + left),
            last: CellAddress(row: lastRow, column: lastColumn))))
    }
}

// MARK: - GROUPBY and PIVOTBY

/// The aggregations GROUPBY and PIVOTBY take as eta-reduced functions (`_xleta.SUM`).
enum GroupAggregate {
    case sum, average, count, counta, min, max, product, percentOf, median
    /// A function that cannot aggregate a group (IF): every cell is #VALUE!.
    case failing

    init?(name: String) {
        switch name.uppercased() {
        case "SUM": self = .sum
        case "AVERAGE": self = .average
        case "COUNT": self = .count
        case "COUNTA": self = .counta
        case "MIN": self = .min
        case "MAX": self = .max
        case "PRODUCT": self = .product
        case "PERCENTOF": self = .percentOf
        case "MEDIAN": self = .median
        default: return nil
        }
    }

    /// The aggregate of a group's values; `all` are the values of every row kept (PERCENTOF's whole).
    func apply(_ values: [CellValue], all: [CellValue]) -> CellValue {
        func numbers(_ vs: [CellValue]) -> Result<[Double], ErrorValue> {
            var out: [Double] = []
            for v in vs {
                switch v {
                case .number(let n): out.append(n)
                case .error(let e): return .failure(e)
                default: continue
                }
            }
            return .success(out)
        }
        if self == .failing { return .error(.value) }
        if self == .counta { return .number(Double(values.filter { !$0.isEmpty }.count)) }
        if self == .count { return .number(Double(values.filter { if case .number = $0 { true } else { false } }.count)) }
        let ns: [Double]
        switch numbers(values) {
        case .success(let x): ns = x
        case .failure(let e): return .error(e)
        }
        switch self {
        case .sum: return .number(ns.reduce(0, +))
        case .product: return .number(ns.isEmpty ? 0 : ns.reduce(1, *))
        case .average: return ns.isEmpty ? .error(.divisionByZero) : .number(ns.reduce(0, +) / Double(ns.count))
        case .min: return .number(ns.min() ?? 0)
        case .max: return .number(ns.max() ?? 0)
        case .median:
            guard !ns.isEmpty else { return .error(.number) }
            let sorted = ns.sorted()
            let m = sorted.count / 2
            return .number(sorted.count % 2 == 1 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2)
        case .percentOf:
            let whole: [Double]
            switch numbers(all) {
            case .success(let x): whole = x
            case .failure(let e): return .error(e)
            }
            let total = whole.reduce(0, +)
            return total == 0 ? .error(.divisionByZero) : .number(ns.reduce(0, +) / total)
        case .count, .counta, .failing: return .error(.value)
        }
    }
}

extension EvaluationContext {
    /// The function argument of the GROUPBY/PIVOTBY call being evaluated, read from the formula
    /// (an eta-reduced `_xleta.SUM` evaluates to #NAME? as a value).
    fileprivate func aggregateArgument(of function: String, at index: Int, evaluated: Value) -> Result<GroupAggregate, ErrorValue> {
        guard let node = workbook.formulaAt[CellKey(sheet: sheet, cell: cell)] else { return .failure(.value) }
        var found: [Expression] = []
        func walk(_ e: Expression) {
            switch e {
            case .call(let f, let args):
                if f.name == function, index < args.count { found.append(args[index]) }
                args.forEach(walk)
            case .unary(_, let x), .percent(let x): walk(x)
            case .binary(_, let a, let b): walk(a); walk(b)
            default: break
            }
        }
        walk(workbook.formulas[Int(node)].expression)
        for e in found {
            if case .name(let n) = e {
                let upper = n.uppercased()
                let name = upper.hasPrefix("_XLETA.") ? String(upper.dropFirst(7)) : upper
                if let a = GroupAggregate(name: name) { return .success(a) }
                if upper.hasPrefix("_XLETA."), FunctionLibrary.standard.definition(named: name) != nil { return .success(.failing) }
            }
        }
        var value = evaluated
        if case .reference = value, let v = try? scalar(value) { value = Value(v) }
        if case .error(let e) = value, e != .name { return .failure(e) }
        return .failure(.value)
    }

    fileprivate func optionalInteger(_ args: [Value], _ i: Int) throws -> Result<Int?, ErrorValue> {
        guard i < args.count, !isOmitted(args[i]) else { return .success(nil) }
        switch try number(args[i]) {
        case .success(let n):
            guard n.isFinite, abs(n) < 1e9 else { return .failure(.value) }
            return .success(Int(n.rounded(.towardZero)))
        case .failure(let e): return .failure(e)
        }
    }

    /// Whether a values block starts with a header row, as GROUPBY's automatic mode decides:
    /// the first value is text and the second a number.
    fileprivate static func looksLikeHeaders(_ values: Matrix) -> Bool {
        guard values.rows >= 2 else { return false }
        if case .text = values[0, 0], case .number = values[1, 0] { return true }
        return false
    }

    /// The rows kept by a filter array (all when none is given); an error when it does not fit.
    fileprivate func keptRows(_ args: [Value], _ i: Int, count: Int, skipFirst: Bool) throws -> Result<[Bool], ErrorValue> {
        guard i < args.count, !isOmitted(args[i]) else { return .success(Array(repeating: true, count: count)) }
        guard case .success(let f) = try grid(args[i]) else {
            if case .error(let e) = args[i] { return .failure(e) }
            return .failure(.value)
        }
        // Only the first column of a wider filter counts.
        var values = f.columns == 1 || f.rows == 1 ? f.values : f.column(0)
        if skipFirst && values.count == count + 1 { values.removeFirst() }
        guard values.count == count else { return .failure(.value) }
        var out: [Bool] = []
        for v in values {
            switch v {
            case .error(let e): return .failure(e)
            case .text: out.append(false)
            default:
                guard case .success(let b) = Coercion.boolean(v) else { return .failure(.value) }
                out.append(b)
            }
        }
        return .success(out)
    }

    func groupBy(_ args: [Value]) throws -> Value {
        guard case .success(var fields) = try grid(args[0]) else {
            if case .error(let e) = args[0] { return .error(e) }
            return .error(.value)
        }
        guard case .success(var values) = try grid(args[1]) else {
            if case .error(let e) = args[1] { return .error(e) }
            return .error(.value)
        }
        guard fields.rows == values.rows else { return .error(.value) }
        let aggregate: GroupAggregate
        switch aggregateArgument(of: "GROUPBY", at: 2, evaluated: args[2]) {
        case .success(let a): aggregate = a
        case .failure(let e): return .error(e)
        }
        var options: [Int?] = []
        for i in [3, 4, 7] {
            switch try optionalInteger(args, i) {
            case .success(let n): options.append(n)
            case .failure(let e): return .error(e)
            }
        }
        let headerMode = options[0], depthOption = options[1], relationship = options[2] ?? 0
        guard (0...3).contains(headerMode ?? 0), (0...1).contains(relationship) else { return .error(.value) }
        let hasHeaders: Bool, showHeaders: Bool
        switch headerMode {
        case nil: hasHeaders = Self.looksLikeHeaders(values); showHeaders = false
        case 0?: hasHeaders = false; showHeaders = false
        case 1?: hasHeaders = true; showHeaders = false
        case 2?: hasHeaders = false; showHeaders = true
        default: hasHeaders = true; showHeaders = true
        }
        let k = fields.columns, v = values.columns
        var headerRow: [CellValue] = []
        if hasHeaders {
            guard fields.rows >= 1 else { return .error(.value) }
            headerRow = fields.row(0) + values.row(0)
            fields = Matrix(rowList: (1..<fields.rows).map { fields.row($0) }, columns: k)
            values = Matrix(rowList: (1..<values.rows).map { values.row($0) }, columns: v)
        } else if showHeaders {
            headerRow = (0..<k).map { .text("Row Field \($0 + 1)") } + (0..<v).map { .text(v == 1 ? "Value" : "Value \($0 + 1)") }
        }
        let kept: [Bool]
        switch try keptRows(args, 6, count: fields.rows, skipFirst: hasHeaders) {
        case .success(let x): kept = x
        case .failure(let e): return .error(e)
        }
        // Sort specification: column numbers (fields, then values), negative for descending.
        var sortSpecs: [Int] = []
        if args.count > 5, !isOmitted(args[5]) {
            switch try integerList(args[5]) {
            case .success(let list): sortSpecs = list
            case .failure(let e): return .error(e)
            }
            for s in sortSpecs where s == 0 || abs(s) > k + v { return .error(.value) }
        }
        let depth = depthOption ?? 1
        guard abs(depth) <= max(k, 1) else { return .error(.value) }
        let subtotalLevels = relationship == 0 ? max(0, min(abs(depth) - 1, k - 1)) : 0
        let rowsKept = (0..<fields.rows).filter { kept[$0] }
        guard !rowsKept.isEmpty else { return .error(.calc) }
        let allColumns: [[CellValue]] = (0..<v).map { j in rowsKept.map { values[$0, j] } }

        // Groups of equal field rows, in first-seen order.
        var groupKeys: [[CellValue]] = []
        var groupRows: [[Int]] = []
        var index: [String: Int] = [:]
        for r in rowsKept {
            let key = fields.row(r)
            let id = key.map(Self.identity).joined(separator: "\u{1}")
            if let g = index[id] { groupRows[g].append(r) } else {
                index[id] = groupKeys.count
                groupKeys.append(key)
                groupRows.append([r])
            }
        }
        func aggregates(_ rows: [Int]) -> [CellValue] {
            (0..<v).map { j in aggregate.apply(rows.map { values[$0, j] }, all: allColumns[j]) }
        }
        let leafAggregates = groupRows.map(aggregates)
        // Order the groups: level by level, each field ascending unless the sort order says
        // otherwise; a value column sorts the groups within their parent.
        func direction(_ column: Int) -> Int? {
            for s in sortSpecs where abs(s) == column { return s > 0 ? 1 : -1 }
            return nil
        }
        let valueSort = sortSpecs.first { abs($0) > k }
        let order = Array(groupKeys.indices).sorted { a, b in
            for level in 0..<k {
                if level == k - 1, let vs = valueSort {
                    let c = Self.sortCompare(leafAggregates[a][abs(vs) - k - 1], leafAggregates[b][abs(vs) - k - 1])
                    if c != 0 { return vs > 0 ? c < 0 : c > 0 }
                }
                let c = Self.sortCompare(groupKeys[a][level], groupKeys[b][level])
                if c != 0 { return (direction(level + 1) ?? 1) > 0 ? c < 0 : c > 0 }
            }
            return a < b
        }
        let blank = CellValue.text("")
        var out: [[CellValue]] = []
        if showHeaders { out.append(headerRow) }
        let top = depth < 0
        func totalRow(_ label: String, _ rows: [Int]) -> [CellValue] {
            [CellValue.text(label)] + Array(repeating: blank, count: max(0, k - 1)) + aggregates(rows)
        }
        if top && depth != 0 { out.append(totalRow(subtotalLevels > 0 ? "Grand Total" : "Total", rowsKept)) }
        // Walk the sorted leaves, opening and closing subtotal groups by prefix.
        var open: [(prefix: [CellValue], rows: [Int], at: Int)] = []
        func close(downTo level: Int) {
            while open.count > level {
                let g = open.removeLast()
                let row = g.prefix + Array(repeating: blank, count: k - g.prefix.count) + aggregates(g.rows)
                if top { out.insert(row, at: g.at) } else { out.append(row) }
            }
        }
        for g in order {
            let key = groupKeys[g]
            if subtotalLevels > 0 {
                var same = 0
                while same < open.count, same < subtotalLevels,
                      Self.identity(open[same].prefix[same]) == Self.identity(key[same]) { same += 1 }
                close(downTo: same)
                while open.count < subtotalLevels {
                    open.append((Array(key[0...open.count]), [], out.count))
                }
                for i in open.indices { open[i].rows += groupRows[g] }
            }
            out.append(key + leafAggregates[g])
        }
        close(downTo: 0)
        if !top && depth != 0 { out.append(totalRow(subtotalLevels > 0 ? "Grand Total" : "Total", rowsKept)) }
        return .array(Matrix(rowList: out, columns: k + v))
    }

    /// One line (row or column) of a PIVOTBY axis: its labels, the data rows it covers, and the
    /// rows of its parent (the whole for a top-level group or a total).
    fileprivate struct AxisEntry {
        var labels: [CellValue]
        var rows: [Int]
        var parentRows: [Int]
    }

    /// The lines of one PIVOTBY axis: groups of equal keys in sorted order, with subtotals and a
    /// total as `depth` asks (negative: before the groups).
    fileprivate func axisEntries(keys: Matrix, rows kept: [Int], sortSpecs: [Int], depth: Int,
                                 sortValue: ([Int]) -> CellValue) -> [AxisEntry] {
        let k = keys.columns
        var groupKeys: [[CellValue]] = []
        var groupRows: [[Int]] = []
        var index: [String: Int] = [:]
        for r in kept {
            let key = keys.row(r)
            let id = key.map(Self.identity).joined(separator: "\u{1}")
            if let g = index[id] { groupRows[g].append(r) } else {
                index[id] = groupKeys.count
                groupKeys.append(key)
                groupRows.append([r])
            }
        }
        func direction(_ column: Int) -> Int? {
            for s in sortSpecs where abs(s) == column { return s > 0 ? 1 : -1 }
            return nil
        }
        let valueSort = sortSpecs.first { abs($0) > k }
        let sortValues = valueSort == nil ? [] : groupRows.map(sortValue)
        let order = Array(groupKeys.indices).sorted { a, b in
            for level in 0..<k {
                if level == k - 1, let vs = valueSort {
                    let c = Self.sortCompare(sortValues[a], sortValues[b])
                    if c != 0 { return vs > 0 ? c < 0 : c > 0 }
                }
                let c = Self.sortCompare(groupKeys[a][level], groupKeys[b][level])
                if c != 0 { return (direction(level + 1) ?? 1) > 0 ? c < 0 : c > 0 }
            }
            return a < b
        }
        let blank = CellValue.text("")
        let subtotalLevels = max(0, min(abs(depth) - 1, k - 1))
        let top = depth < 0
        var out: [AxisEntry] = []
        var open: [(prefix: [CellValue], rows: [Int], at: Int)] = []
        func close(downTo level: Int) {
            while open.count > level {
                let g = open.removeLast()
                let parent = open.last?.rows ?? kept
                let entry = AxisEntry(labels: g.prefix + Array(repeating: blank, count: k - g.prefix.count), rows: g.rows, parentRows: parent)
                if top { out.insert(entry, at: g.at) } else { out.append(entry) }
            }
        }
        // Parent rows of leaves: the enclosing group's rows when there is one.
        var parentOfPrefix: [String: [Int]] = [:]
        if k > 1 {
            for g in groupKeys.indices {
                let id = groupKeys[g].dropLast().map(Self.identity).joined(separator: "\u{1}")
                parentOfPrefix[id, default: []] += groupRows[g]
            }
        }
        for g in order {
            let key = groupKeys[g]
            if subtotalLevels > 0 {
                var same = 0
                while same < open.count, Self.identity(open[same].prefix[same]) == Self.identity(key[same]) { same += 1 }
                close(downTo: same)
                while open.count < subtotalLevels { open.append((Array(key[0...open.count]), [], out.count)) }
                for i in open.indices { open[i].rows += groupRows[g] }
            }
            let parent = k > 1 ? parentOfPrefix[key.dropLast().map(Self.identity).joined(separator: "\u{1}")] ?? kept : kept
            out.append(AxisEntry(labels: key, rows: groupRows[g], parentRows: parent))
        }
        close(downTo: 0)
        if depth != 0 {
            let total = AxisEntry(labels: [.text(subtotalLevels > 0 ? "Grand Total" : "Total")] + Array(repeating: blank, count: max(0, k - 1)),
                                  rows: kept, parentRows: kept)
            if top { out.insert(total, at: 0) } else { out.append(total) }
        }
        return out
    }

    func pivotBy(_ args: [Value]) throws -> Value {
        var blocks: [Matrix] = []
        for i in 0..<3 {
            switch try grid(args[i]) {
            case .success(let m): blocks.append(m)
            case .failure(let e): return .error(e)
            }
        }
        var rowFields = blocks[0], columnFields = blocks[1], values = blocks[2]
        guard rowFields.rows == values.rows, columnFields.rows == values.rows else { return .error(.value) }
        let aggregate: GroupAggregate
        switch aggregateArgument(of: "PIVOTBY", at: 3, evaluated: args[3]) {
        case .success(let a): aggregate = a
        case .failure(let e): return .error(e)
        }
        var options: [Int?] = []
        for i in [4, 5, 7, 10] {
            switch try optionalInteger(args, i) {
            case .success(let n): options.append(n)
            case .failure(let e): return .error(e)
            }
        }
        let headerMode = options[0], rowDepth = options[1] ?? 1, columnDepth = options[2] ?? 1, relativeTo = options[3] ?? 0
        guard (0...3).contains(headerMode ?? 0), (0...4).contains(relativeTo) else { return .error(.value) }
        guard abs(rowDepth) <= max(rowFields.columns, 1), abs(columnDepth) <= max(columnFields.columns, 1) else {
            return .error(.value)
        }
        let hasHeaders: Bool
        switch headerMode {
        case nil: hasHeaders = Self.looksLikeHeaders(values)
        case 1?, 3?: hasHeaders = true
        default: hasHeaders = false
        }
        let showHeaders = headerMode == 3 || headerMode == 2
        var rowNames: [CellValue] = [], columnNames: [CellValue] = [], valueNames: [CellValue] = []
        if hasHeaders {
            guard values.rows >= 1 else { return .error(.value) }
            rowNames = rowFields.row(0); columnNames = columnFields.row(0); valueNames = values.row(0)
            func drop(_ m: Matrix) -> Matrix { Matrix(rowList: (1..<m.rows).map { m.row($0) }, columns: m.columns) }
            rowFields = drop(rowFields); columnFields = drop(columnFields); values = drop(values)
        } else {
            rowNames = (0..<rowFields.columns).map { .text("Row Field \($0 + 1)") }
            columnNames = (0..<columnFields.columns).map { .text("Column Field \($0 + 1)") }
            valueNames = (0..<values.columns).map { .text(values.columns == 1 ? "Value" : "Value \($0 + 1)") }
        }
        let kept: [Bool]
        switch try keptRows(args, 9, count: values.rows, skipFirst: hasHeaders) {
        case .success(let x): kept = x
        case .failure(let e): return .error(e)
        }
        var sorts: [[Int]] = [[], []]
        for (n, i) in [6, 8].enumerated() where args.count > i && !isOmitted(args[i]) {
            switch try integerList(args[i]) {
            case .success(let list): sorts[n] = list
            case .failure(let e): return .error(e)
            }
            let limit = (n == 0 ? rowFields.columns : columnFields.columns) + values.columns
            for s in sorts[n] where s == 0 || abs(s) > limit { return .error(.value) }
        }
        let rowsKept = (0..<values.rows).filter { kept[$0] }
        guard !rowsKept.isEmpty else { return .error(.calc) }
        let v = values.columns
        let all = (0..<v).map { j in rowsKept.map { values[$0, j] } }
        func value(_ rows: [Int], _ j: Int) -> CellValue { aggregate.apply(rows.map { values[$0, j] }, all: all[j]) }
        let rowEntries = axisEntries(keys: rowFields, rows: rowsKept, sortSpecs: sorts[0], depth: rowDepth,
                                     sortValue: { value($0, 0) })
        let columnEntries = axisEntries(keys: columnFields, rows: rowsKept, sortSpecs: sorts[1], depth: columnDepth,
                                        sortValue: { value($0, 0) })
        let kr = rowFields.columns, kc = columnFields.columns
        let width = kr + columnEntries.count * v
        guard width * (kc + 2 + rowEntries.count) <= DynamicArrayFunctions.maximumCells else { return .error(.number) }
        let blank = CellValue.text("")
        var out: [[CellValue]] = []
        if showHeaders {
            let joined = columnNames.compactMap { if case .success(let t) = Coercion.text($0) { t } else { nil } }.joined(separator: ", ")
            out.append(Array(repeating: blank, count: kr) + [.text(joined)] + Array(repeating: blank, count: max(0, width - kr - 1)))
        }
        for level in 0..<kc {
            out.append(Array(repeating: blank, count: kr) + columnEntries.flatMap { Array(repeating: $0.labels[level], count: v) })
        }
        if showHeaders {
            out.append(rowNames + columnEntries.flatMap { _ in valueNames })
        }
        for r in rowEntries {
            let rowSet = Set(r.rows)
            var line = r.labels
            for c in columnEntries {
                let cells = c.rows.filter { rowSet.contains($0) }
                for j in 0..<v {
                    if cells.isEmpty { line.append(blank); continue }
                    if aggregate == .percentOf {
                        let whole: [Int]
                        switch relativeTo {
                        case 1: whole = r.rows
                        case 2: whole = rowsKept
                        case 3: let p = Set(c.parentRows); whole = r.rows.filter { p.contains($0) }
                        case 4: let p = Set(r.parentRows); whole = c.rows.filter { p.contains($0) }
                        default: whole = c.rows
                        }
                        line.append(aggregate.apply(cells.map { values[$0, j] }, all: whole.map { values[$0, j] }))
                    } else {
                        line.append(value(cells, j))
                    }
                }
            }
            out.append(line)
        }
        return .array(Matrix(rowList: out, columns: width))
    }
}
