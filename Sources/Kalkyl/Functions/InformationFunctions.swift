/// Information functions: IS* tests, TYPE, N, ERROR.TYPE, NA, SHEET, CELL and friends.
enum InformationFunctions {
    static let all: [FunctionDefinition] = [
        test("ISBLANK") { if case .empty = $0 { true } else { false } },
        test("ISNUMBER") { if case .number = $0 { true } else { false } },
        test("ISTEXT") { if case .text = $0 { true } else { false } },
        test("ISNONTEXT") { if case .text = $0 { false } else { true } },
        test("ISLOGICAL") { if case .boolean = $0 { true } else { false } },
        test("ISERROR") { if case .error = $0 { true } else { false } },
        test("ISERR") { if case .error(let e) = $0 { e != .notAvailable } else { false } },
        test("ISNA") { if case .error(.notAvailable) = $0 { true } else { false } },
        DateFunctions.atp("ISEVEN", 1...1) { args, _ in parity(args[0], odd: false) },
        DateFunctions.atp("ISODD", 1...1) { args, _ in parity(args[0], odd: true) },
        FunctionDefinition("ISREF", 1...1) { args, _ in
            if case .reference = args[0] { return .boolean(true) }
            return .boolean(false)
        },
        FunctionDefinition("ISFORMULA", 1...1) { args, ctx in
            guard case .reference(let r) = args[0] else {
                if case .error(let e) = args[0] { return .error(e) }
                return .error(.value)
            }
            guard let area = r.areas.first else { return .error(.value) }
            let range = area.range
            if ctx.arrayMode, range.cellCount > 1, range.cellCount <= 1 << 20 {
                var values: [CellValue] = []
                for row in range.first.row...range.last.row {
                    for column in range.first.column...range.last.column {
                        values.append(.boolean(ctx.hasFormula(sheet: area.sheet, row: Int(row), column: Int(column))))
                    }
                }
                return .array(Matrix(rows: range.rowCount, columns: range.columnCount, values: values))
            }
            return .boolean(ctx.hasFormula(sheet: area.sheet, row: Int(range.first.row), column: Int(range.first.column)))
        },
        FunctionDefinition("FORMULATEXT", 1...1) { args, ctx in
            guard case .reference(let r) = args[0] else {
                if case .error(let e) = args[0] { return .error(e) }
                return .error(.value)
            }
            guard let area = r.areas.first else { return .error(.value) }
            guard let text = ctx.formulaText(sheet: area.sheet, row: Int(area.range.first.row), column: Int(area.range.first.column))
            else { return .error(.notAvailable) }
            return .text(text)
        },
        FunctionDefinition("TYPE", 1...1) { args, ctx in
            switch args[0] {
            case .reference(let r):
                guard r.isSingleCell else { return .number(64) }
                return .number(Double(typeCode(try ctx.scalar(args[0]))))
            case .array: return .number(64)
            case .lambda: return .number(128)
            default: return .number(Double(typeCode(args[0].scalar)))
            }
        },
        FunctionDefinition("N", 1...1) { args, ctx in
            let v: CellValue
            switch args[0] {
            case .reference(let r):
                guard let area = r.areas.first else { return .error(.value) }
                v = try ctx.cellValue(sheet: area.sheet, row: Int(area.range.first.row), column: Int(area.range.first.column))
            default: v = args[0].scalar
            }
            switch v {
            case .number(let n): return .number(n)
            case .boolean(let b): return .number(b ? 1 : 0)
            case .error(let e): return .error(e)
            case .text, .empty: return .number(0)
            }
        },
        .scalar("ERROR.TYPE", 1...1) { args, _ in
            guard case .error(let e) = args[0] else { return .error(.notAvailable) }
            return .number(Double(e.rawValue))
        },
        FunctionDefinition("NA", 0...0) { _, _ in .error(.notAvailable) },
        FunctionDefinition("SHEET", 0...1) { args, ctx in
            guard let a = args.first else { return .number(Double(ctx.sheet + 1)) }
            switch a {
            case .reference(let r):
                guard let area = r.areas.first else { return .error(.notAvailable) }
                return .number(Double(area.sheet + 1))
            case .error(let e): return .error(e)
            case .empty: return .number(Double(ctx.sheet + 1))
            case .text(let name):
                guard let i = ctx.sheetIndex(named: name) else { return .error(.notAvailable) }
                return .number(Double(i + 1))
            default: return .error(.notAvailable)
            }
        },
        FunctionDefinition("SHEETS", 0...1) { args, ctx in
            guard let a = args.first else { return .number(Double(ctx.sheetCount)) }
            switch a {
            case .reference(let r): return .number(Double(Set(r.areas.map(\.sheet)).count))
            case .error(let e): return .error(e)
            case .empty: return .number(Double(ctx.sheetCount))
            default: return .error(.notAvailable)
            }
        },
        FunctionDefinition("CELL", 1...2) { args, ctx in
            let info: String
            switch try ctx.text(args[0]) {
            case .success(let s): info = s.lowercased()
            case .failure(let e): return .error(e)
            }
            var sheet = ctx.sheet, cell = ctx.cell
            if args.count > 1 {
                guard case .reference(let r) = args[1], let area = r.areas.first else {
                    if case .error(let e) = args[1] { return .error(e) }
                    return .error(.value)
                }
                sheet = area.sheet
                cell = area.range.first
            }
            switch info {
            case "address": return .text("$" + A1.columnName(Int(cell.column)) + "$" + String(cell.row + 1))
            case "row": return .number(Double(cell.row + 1))
            case "col": return .number(Double(cell.column + 1))
            case "contents": return Value(try ctx.cellValue(sheet: sheet, row: Int(cell.row), column: Int(cell.column)))
            case "type":
                switch try ctx.cellValue(sheet: sheet, row: Int(cell.row), column: Int(cell.column)) {
                case .empty: return .text("b")
                case .text: return .text("l")
                default: return .text("v")
                }
            default: return .error(.value)
            }
        },
    ]

    /// A test of one value; ranges are tested by implicit intersection (element-wise in arrays).
    static func test(_ name: String, _ predicate: @escaping @Sendable (CellValue) -> Bool) -> FunctionDefinition {
        FunctionDefinition(name, 1...1) { args, ctx in
            let argument = try ctx.paddedToArrayFormula(args[0], calling: name)
            return try ctx.lift([argument]) { .boolean(predicate($0[0])) }
        }
    }

    static func typeCode(_ v: CellValue) -> Int {
        switch v {
        case .number, .empty: 1
        case .text: 2
        case .boolean: 4
        case .error: 16
        }
    }

    /// ISEVEN / ISODD: the number truncated to an integer.
    static func parity(_ v: CellValue, odd: Bool) -> CellValue {
        if case .boolean = v { return .error(.value) }
        switch Coercion.number(v) {
        case .failure(let e): return .error(e)
        case .success(let n):
            let t = n.rounded(.towardZero)
            guard abs(t) < 9e15 else { return .error(.number) }
            let isOdd = abs(t.truncatingRemainder(dividingBy: 2)) == 1
            return .boolean(isOdd == odd)
        }
    }
}

extension EvaluationContext {
    func hasFormula(sheet: Int, row: Int, column: Int) -> Bool {
        guard let node = workbook.formulaAt[CellKey(sheet: sheet, row: row, column: column)] else { return false }
        return Int(node) < workbook.formulas.count && !workbook.formulas[Int(node)].isRemoved
    }

    /// A cell's formula as FORMULATEXT shows it ("=SUM(A1:A3)"); nil for a constant.
    func formulaText(sheet: Int, row: Int, column: Int) -> String? {
        guard let node = workbook.formulaAt[CellKey(sheet: sheet, row: row, column: column)],
              Int(node) < workbook.formulas.count else { return nil }
        let f = workbook.formulas[Int(node)]
        guard !f.isRemoved else { return nil }
        var text = f.text
        for prefix in ["_xlfn._xlws.", "_xlfn.", "_xlws.", "_xlpm."] {
            text = text.replacingOccurrences(of: prefix, with: "")
        }
        if text.hasPrefix("=") { text.removeFirst() }
        return f.arrayRange != nil ? "{=" + text + "}" : "=" + text
    }

    var sheetCount: Int { workbook.sheetNames.count }

    func sheetIndex(named name: String) -> Int? { workbook.sheetIndex(named: name) }

    /// In an array formula whose whole expression is a call to `function`, a range argument
    /// smaller than the formula's range is widened to it with #N/A, as Excel does before applying
    /// the function (so ISNA gives TRUE there).
    func paddedToArrayFormula(_ value: Value, calling function: String) throws -> Value {
        guard arrayMode, case .reference(let r) = value, r.isSingleArea, !r.isSingleCell,
              let node = workbook.formulaAt[CellKey(sheet: sheet, row: Int(cell.row), column: Int(cell.column))],
              Int(node) < workbook.formulas.count else { return value }
        let f = workbook.formulas[Int(node)]
        guard let target = f.arrayRange, case .call(.known(let d), _) = f.expression, d.name == function else { return value }
        let m = try matrix(r.areas[0])
        let rows = target.rowCount, columns = target.columnCount
        guard rows >= m.rows, columns >= m.columns, rows * columns > m.count, rows * columns <= 1 << 20 else { return value }
        var out = Matrix(rows: rows, columns: columns, repeating: .empty)
        for row in 0..<rows {
            for column in 0..<columns { out[row, column] = m.broadcast(row: row, column: column) }
        }
        return .array(out)
    }
}
