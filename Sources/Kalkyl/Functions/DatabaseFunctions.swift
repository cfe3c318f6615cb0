/// Database functions (DSUM, DCOUNT, …): aggregates over the rows of a list that meet a criteria range.
///
/// `database` is a range whose first row holds the field names; `field` names a column by its name
/// (any case) or its position (1 is the first column); `criteria` is a range whose first row holds
/// field names and whose other rows hold conditions: the conditions of one row must all hold (AND),
/// and a record is taken when any row holds (OR). A blank condition holds always; a text condition
/// without an operator matches text that begins with it (`East` finds `Eastern`).
enum DatabaseFunctions {
    static let all: [FunctionDefinition] = [
        numbers("DSUM") { xs in .number(xs.reduce(0, +)) },
        numbers("DAVERAGE") { xs in xs.isEmpty ? .error(.divisionByZero) : .number(xs.reduce(0, +) / Double(xs.count)) },
        numbers("DMIN") { xs in .number(xs.min() ?? 0) },
        numbers("DMAX") { xs in .number(xs.max() ?? 0) },
        numbers("DPRODUCT") { xs in .number(xs.isEmpty ? 0 : xs.reduce(1, *)) },
        numbers("DSTDEV") { xs in StatisticalFunctions.variance(xs, sample: true).map { .number($0.squareRoot()) } ?? .error(.divisionByZero) },
        numbers("DSTDEVP") { xs in StatisticalFunctions.variance(xs, sample: false).map { .number($0.squareRoot()) } ?? .error(.divisionByZero) },
        numbers("DVAR") { xs in StatisticalFunctions.variance(xs, sample: true).map { .number($0) } ?? .error(.divisionByZero) },
        numbers("DVARP") { xs in StatisticalFunctions.variance(xs, sample: false).map { .number($0) } ?? .error(.divisionByZero) },
        FunctionDefinition("DCOUNT", 2...3) { args, ctx in
            try ctx.databaseValues(args, fieldOptional: true) { values in
                .number(Double(values.filter { if case .number = $0 { true } else { false } }.count))
            }
        },
        FunctionDefinition("DCOUNTA", 2...3) { args, ctx in
            try ctx.databaseValues(args, fieldOptional: true) { values in
                .number(Double(values.filter { !$0.isEmpty }.count))
            }
        },
        FunctionDefinition("DGET", 3...3) { args, ctx in
            try ctx.databaseValues(args) { values in
                guard let first = values.first else { return .error(.value) }
                guard values.count == 1 else { return .error(.number) }
                return first.isEmpty ? .error(.value) : first
            }
        },
    ]

    static func numbers(_ name: String, _ body: @escaping @Sendable ([Double]) -> CellValue) -> FunctionDefinition {
        FunctionDefinition(name, 3...3) { args, ctx in
            try ctx.databaseValues(args) { values in
                var xs: [Double] = []
                for v in values { if case .number(let n) = v { xs.append(n) } }
                return StatisticalFunctions.finite(body(xs))
            }
        }
    }

    /// One condition of a criteria range.
    struct Condition {
        /// The database column tested, or nil when the criteria header names no column (then the
        /// condition fails).
        let column: Int?
        let criterion: Criterion
    }

    static func condition(_ value: CellValue, column: Int?) -> Condition? {
        switch value {
        case .empty: return nil
        case .text(let s):
            if s.isEmpty { return nil }
            let operators = ["<=", ">=", "<>", "<", ">", "="]
            if operators.contains(where: { s.hasPrefix($0) }) || Coercion.parseNumber(s) != nil {
                return Condition(column: column, criterion: Criterion(.text(s)))
            }
            // Plain text: the values that begin with it.
            return Condition(column: column, criterion: Criterion(.text(s + "*")))
        default:
            return Condition(column: column, criterion: Criterion(value))
        }
    }

    /// Field names compare as text, ignoring case (a header TRUE is found by "true").
    static func headerKey(_ v: CellValue) -> String? {
        switch v {
        case .empty, .error: return nil
        default:
            guard case .success(let s) = Coercion.text(v), !s.isEmpty else { return nil }
            return s.lowercased()
        }
    }
}

extension EvaluationContext {
    /// The values of the field column in the records that meet the criteria, in order.
    func databaseValues(_ args: [Value], fieldOptional: Bool = false,
                        _ body: ([CellValue]) -> CellValue) throws -> Value {
        let criteriaArgument = args.count > 2 ? args[2] : .empty
        if case .error(let e) = args[0] { return .error(e) }
        guard case .reference(let dbRef) = args[0], dbRef.isSingleArea else { return .error(.value) }
        guard case .reference(let crRef) = criteriaArgument, crRef.isSingleArea else {
            if case .error(let e) = criteriaArgument { return .error(e) }
            return .error(.value)
        }
        let db = try matrixValue(args[0])
        let cr = try matrixValue(criteriaArgument)
        guard db.rows >= 2, cr.rows >= 1 else { return .error(.value) }
        let headers = (0..<db.columns).map { DatabaseFunctions.headerKey(db[0, $0]) }

        // The field column.
        var column: Int?
        let fieldArgument = args[1]
        if case .empty = fieldArgument, fieldOptional {
            column = nil
        } else {
            if case .reference(let r) = fieldArgument, !r.isSingleCell { return .error(.value) }
            if case .array(let m) = fieldArgument, m.count != 1 { return .error(.value) }
            let field = try scalar(fieldArgument)
            switch field {
            case .error(let e): return .error(e)
            case .text(let s):
                guard let i = headers.firstIndex(where: { $0 == s.lowercased() }) else { return .error(.value) }
                column = i
            case .number, .boolean:
                guard case .success(let n) = Coercion.number(field) else { return .error(.value) }
                let index = n.rounded(.towardZero)
                guard index >= 1, index <= Double(db.columns) else { return .error(.value) }
                column = Int(index) - 1
            case .empty:
                return .error(.value)
            }
        }

        // The criteria: rows of conditions (OR between rows, AND within a row).
        let criteriaColumns: [Int?] = (0..<cr.columns).map { c in
            guard let key = DatabaseFunctions.headerKey(cr[0, c]) else { return nil }
            return headers.firstIndex(where: { $0 == key })
        }
        var rows: [[DatabaseFunctions.Condition]] = []
        for r in 1..<max(cr.rows, 1) {
            var conditions: [DatabaseFunctions.Condition] = []
            for c in 0..<cr.columns {
                if let condition = DatabaseFunctions.condition(cr[r, c], column: criteriaColumns[c]) {
                    conditions.append(condition)
                }
            }
            rows.append(conditions)
        }

        var values: [CellValue] = []
        for r in 1..<db.rows {
            let taken = rows.isEmpty || rows.contains { conditions in
                conditions.allSatisfy { condition in
                    guard let c = condition.column else { return false }
                    return condition.criterion.matches(db[r, c])
                }
            }
            guard taken else { continue }
            values.append(column.map { db[r, $0] } ?? .number(1))
        }
        return Value(body(values))
    }
}
