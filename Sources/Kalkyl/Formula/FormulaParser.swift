/// What a formula's names mean where it stands: its cell, the workbook's sheets, tables, functions.
public struct FormulaContext: Sendable {
    /// The cell the formula is written in; relative references become offsets from it.
    public var anchor: CellAddress
    /// The formula's sheet (for `[@Col]` and unprefixed references).
    public var sheet: Int
    public var sheetNames: [String]
    public var tables: [TableDefinition]

    public init(anchor: CellAddress = CellAddress(row: 0, column: 0), sheet: Int = 0,
                sheetNames: [String] = [], tables: [TableDefinition] = []) {
        self.anchor = anchor
        self.sheet = sheet
        self.sheetNames = sheetNames
        self.tables = tables
    }

    func sheetIndex(_ name: String) -> Int? {
        if let i = sheetNames.firstIndex(of: name) { return i }
        let lower = name.lowercased()
        return sheetNames.firstIndex { $0.lowercased() == lower }
    }
}

/// An Excel table as structured references see it.
public struct TableDefinition: Sendable, Equatable {
    public var name: String
    public var sheet: Int
    /// The whole table, headers and totals included.
    public var range: CellRange
    public var headerRowCount: Int
    public var totalsRowCount: Int
    public var columns: [String]

    public init(name: String, sheet: Int, range: CellRange, headerRowCount: Int = 1, totalsRowCount: Int = 0, columns: [String]) {
        self.name = name
        self.sheet = sheet
        self.range = range
        self.headerRowCount = headerRowCount
        self.totalsRowCount = totalsRowCount
        self.columns = columns
    }
}

/// A formula that does not parse, with the character offset where it goes wrong.
public struct FormulaSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    /// Offset in UTF-8 bytes from the start of the formula text (after any leading "=").
    public var position: Int
    public var description: String { "\(message) at position \(position + 1)" }
}

/// Parses formula text into an `Expression`. Total: any input gives an expression or a
/// `FormulaSyntaxError`. Nesting deeper than `maximumDepth` is an error, so no input can exhaust
/// the stack; long flat chains (`1+1+…`) are parsed in loops.
public struct FormulaParser {
    public static let maximumDepth = 200

    private let lexer: FormulaLexer
    private let tokens: [FormulaToken]
    private var index = 0
    private var depth = 0
    private var unionAllowed = false
    private let context: FormulaContext

    public static func parse(_ formula: String, context: FormulaContext = FormulaContext()) throws(FormulaSyntaxError) -> Expression {
        var parser = FormulaParser(formula, context: context)
        return try parser.parseFormula()
    }

    init(_ formula: String, context: FormulaContext) {
        lexer = FormulaLexer(formula)
        tokens = lexer.tokens()
        self.context = context
    }

    /// A parser over tokens already made (`FormulaShapeCache` lexes once for its key and the parse).
    init(lexer: FormulaLexer, tokens: [FormulaToken], context: FormulaContext) {
        self.lexer = lexer
        self.tokens = tokens
        self.context = context
    }

    mutating func parseFormula() throws(FormulaSyntaxError) -> Expression {
        skipWhitespace()
        guard index < tokens.count else { throw error("empty formula") }
        let e = try parseExpression()
        skipWhitespace()
        if index < tokens.count {
            throw error("unexpected '\(lexer.text(of: tokens[index]))'")
        }
        return e
    }

    // MARK: - Token helpers

    private var current: FormulaToken? { index < tokens.count ? tokens[index] : nil }

    private mutating func skipWhitespace() {
        while let t = current, t.kind == .whitespace { index += 1 }
    }

    private func position() -> Int {
        index < tokens.count ? tokens[index].range.lowerBound - (lexer.bytes.first == UInt8(ascii: "=") ? 1 : 0)
            : max(0, lexer.bytes.count - (lexer.bytes.first == UInt8(ascii: "=") ? 1 : 0))
    }

    private func error(_ message: String) -> FormulaSyntaxError {
        FormulaSyntaxError(message: message, position: position())
    }

    private func isOperator(_ token: FormulaToken?, _ text: String) -> Bool {
        guard let token, token.kind == .operator else { return false }
        return lexer.text(of: token) == text
    }

    // MARK: - Grammar

    private mutating func parseExpression() throws(FormulaSyntaxError) -> Expression {
        try parseBinary(minimumPrecedence: 1)
    }

    /// Precedence climbing over the arithmetic, text and comparison operators (all left-associative).
    private mutating func parseBinary(minimumPrecedence: Int) throws(FormulaSyntaxError) -> Expression {
        var lhs = try parseUnary()
        while true {
            let save = index
            skipWhitespace()
            guard let token = current, token.kind == .operator,
                  let op = BinaryOperator(rawValue: lexer.text(of: token)), op.precedence <= 5,
                  op.precedence >= minimumPrecedence else {
                index = save
                break
            }
            index += 1
            let rhs = try parseBinary(minimumPrecedence: op.precedence + 1)
            lhs = .binary(op, lhs, rhs)
        }
        return lhs
    }

    /// Prefix signs (collected in a loop, however many), then a reference expression, then `%`.
    private mutating func parseUnary() throws(FormulaSyntaxError) -> Expression {
        var prefixes: [UnaryOperator] = []
        while true {
            skipWhitespace()
            guard let t = current, t.kind == .operator, let op = UnaryOperator(rawValue: lexer.text(of: t)) else { break }
            prefixes.append(op)
            index += 1
        }
        var operand = try parseReferenceExpression()
        for op in prefixes.reversed() { operand = .unary(op, operand) }
        while true {
            let save = index
            skipWhitespace()
            if isOperator(current, "%") {
                index += 1
                operand = .percent(operand)
            } else {
                index = save
                break
            }
        }
        return operand
    }

    /// Operands joined by the reference operators: `:` binds tightest, then intersection (a space),
    /// then union (`,`, only inside parentheses that are not a function call).
    private mutating func parseReferenceExpression() throws(FormulaSyntaxError) -> Expression {
        var operands = [try parsePrimary()]
        var operators: [BinaryOperator] = []
        while true {
            let save = index
            if isOperator(current, ":") {
                index += 1
                operators.append(.range)
            } else if let t = current, t.kind == .whitespace {
                skipWhitespace()
                if isOperator(current, ":") {
                    index += 1
                    operators.append(.range)
                } else if unionAllowed, let n = current, n.kind == .comma {
                    index += 1
                    operators.append(.union)
                } else if let n = current, startsOperand(n), isReferenceLike(operands[operands.count - 1]) {
                    operators.append(.intersection)
                } else {
                    index = save
                    break
                }
            } else if unionAllowed, let t = current, t.kind == .comma {
                index += 1
                operators.append(.union)
            } else {
                break
            }
            skipWhitespace()
            operands.append(try parsePrimary())
        }
        return Self.fold(operands, operators)
    }

    /// Builds the tree for operands and operators of the reference level by precedence.
    private static func fold(_ operands: [Expression], _ operators: [BinaryOperator]) -> Expression {
        guard !operators.isEmpty else { return operands[0] }
        var output: [Expression] = [operands[0]]
        var stack: [BinaryOperator] = []
        func reduce() {
            let op = stack.removeLast()
            let rhs = output.removeLast()
            let lhs = output.removeLast()
            output.append(.binary(op, lhs, rhs))
        }
        for (i, op) in operators.enumerated() {
            while let top = stack.last, top.precedence >= op.precedence { reduce() }
            stack.append(op)
            output.append(operands[i + 1])
        }
        while !stack.isEmpty { reduce() }
        return output[0]
    }

    private func startsOperand(_ t: FormulaToken) -> Bool {
        switch t.kind {
        case .reference, .name, .function, .structuredReference, .openParenthesis: true
        default: false
        }
    }

    private func isReferenceLike(_ e: Expression) -> Bool {
        switch e {
        case .reference, .name, .call, .parameter, .apply: true
        case .binary(let op, _, _): op == .range || op == .intersection || op == .union
        default: false
        }
    }

    private mutating func parsePrimary() throws(FormulaSyntaxError) -> Expression {
        skipWhitespace()
        guard let token = current else { throw error("the formula ends where a value was expected") }
        switch token.kind {
        case .number:
            index += 1
            guard let n = Double(lexer.text(of: token)) else { throw error("bad number") }
            return .number(n)
        case .string:
            index += 1
            return .text(Self.unquote(lexer.text(of: token)))
        case .boolean:
            index += 1
            return .boolean(lexer.text(of: token).uppercased() == "TRUE")
        case .error:
            index += 1
            return .error(ErrorValue(text: lexer.body(of: token)) ?? .reference)
        case .reference(let shape):
            index += 1
            return reference(token, shape)
        case .name:
            index += 1
            if let prefix = lexer.sheetPrefix(of: token) {
                // `[0]!Name` is this workbook's name; `[n]!Name` another workbook's (not available).
                if prefix == "[0]" { return .name(lexer.body(of: token)) }
                if prefix.hasPrefix("[") { return .error(.reference) }
                return .name(prefix + "!" + lexer.body(of: token))
            }
            let text = lexer.text(of: token)
            if let parameter = Self.parameterName(text) { return .parameter(parameter) }
            return .name(text)
        case .function:
            index += 1
            var call = try parseCall(name: lexer.text(of: token))
            // A call on the function a call returns: `LAMBDA(x,x+1)(5)`; each nests one level.
            let outer = depth
            while current?.kind == .openParenthesis {
                try enter()
                call = .apply(call, try parseArguments(of: "the function value"))
            }
            depth = outer
            return call
        case .structuredReference:
            index += 1
            return structuredReference(lexer.text(of: token))
        case .openParenthesis:
            index += 1
            try enter()
            let saved = unionAllowed
            unionAllowed = true
            let inner = try parseExpression()
            unionAllowed = saved
            skipWhitespace()
            guard current?.kind == .closeParenthesis else { throw error("missing ')'") }
            index += 1
            depth -= 1
            return inner
        case .openBrace:
            index += 1
            return try parseArrayConstant()
        case .invalid:
            throw error("cannot read '\(lexer.text(of: token))'")
        default:
            throw error("unexpected '\(lexer.text(of: token))'")
        }
    }

    private mutating func enter() throws(FormulaSyntaxError) {
        depth += 1
        if depth > Self.maximumDepth { throw error("formula nested more than \(Self.maximumDepth) levels deep") }
    }

    private mutating func parseCall(name: String) throws(FormulaSyntaxError) -> Expression {
        let arguments = try parseArguments(of: name)
        let normalized = FunctionName.normalized(name)
        if normalized == "SINGLE", arguments.count == 1 { return .unary(.implicitIntersection, arguments[0]) }
        // A LET name bound to a LAMBDA, called: `_xlpm.f(2)`.
        if let parameter = Self.parameterName(name) { return .apply(.parameter(parameter), arguments) }
        if normalized == "LET" || normalized == "LAMBDA" {
            let bound = Self.bindParameters(arguments, isLet: normalized == "LET")
            if let definition = FunctionLibrary.standard.definition(named: normalized) { return .call(.known(definition), bound) }
            return .call(.unknown(normalized), bound)
        }
        if let definition = FunctionLibrary.standard.definition(named: normalized) {
            return .call(.known(definition), arguments)
        }
        return .call(.unknown(normalized), arguments)
    }

    /// A parenthesised argument list (the lexer leaves the "(" after a function name).
    private mutating func parseArguments(of name: String) throws(FormulaSyntaxError) -> [Expression] {
        guard current?.kind == .openParenthesis else { throw error("missing '(' after \(name)") }
        index += 1
        try enter()
        let saved = unionAllowed
        unionAllowed = false
        var arguments: [Expression] = []
        skipWhitespace()
        if current?.kind == .closeParenthesis {
            index += 1
        } else {
            while true {
                skipWhitespace()
                if let t = current, t.kind == .comma || t.kind == .closeParenthesis {
                    arguments.append(.missing)
                } else {
                    arguments.append(try parseExpression())
                }
                skipWhitespace()
                guard let t = current else { throw error("missing ')' after the arguments of \(name)") }
                index += 1
                if t.kind == .closeParenthesis { break }
                guard t.kind == .comma else { throw error("expected ',' or ')' in the arguments of \(name)") }
            }
        }
        unionAllowed = saved
        depth -= 1
        return arguments
    }

    // MARK: - LET and LAMBDA names

    /// `_xlpm.x` → `x`: a LET or LAMBDA name as files write it.
    static func parameterName(_ text: String) -> String? {
        guard text.utf8.count > 6, text.prefix(6).lowercased() == "_xlpm." else { return nil }
        return String(text.dropFirst(6))
    }

    /// `_xlop.x` → `x`: an optional LAMBDA parameter (`[x]` as Excel shows it), only in a declaration.
    static func optionalParameterName(_ text: String) -> String? {
        guard text.utf8.count > 6, text.prefix(6).lowercased() == "_xlop." else { return nil }
        return String(text.dropFirst(6))
    }

    /// The names LET binds (every other argument but the last) and LAMBDA declares (all but the
    /// last) become parameters, and so do their uses after the binding, whether written `_xlpm.x`
    /// (files) or plainly `x` (typed); uses take the spelling of the binding.
    static func bindParameters(_ arguments: [Expression], isLet: Bool) -> [Expression] {
        var out = arguments
        var scope: [String: String] = [:]
        func declared(_ e: Expression) -> (String, Expression)? {
            switch e {
            case .parameter(let n): return (n, .parameter(n))
            case .name(let n):
                if let optional = optionalParameterName(n) { return (optional, e) }
                guard !n.contains("!") else { return nil }
                return (n, .parameter(n))
            default: return nil
            }
        }
        if isLet {
            for k in out.indices {
                if k % 2 == 0, k < out.count - 1, let (name, declaration) = declared(out[k]) {
                    out[k] = declaration
                    scope[name.uppercased()] = name
                } else if !scope.isEmpty {
                    out[k] = bind(out[k], scope)
                }
            }
        } else if !out.isEmpty {
            for k in 0..<(out.count - 1) {
                guard let (name, declaration) = declared(out[k]) else { continue }
                out[k] = declaration
                scope[name.uppercased()] = name
            }
            if !scope.isEmpty { out[out.count - 1] = bind(out[out.count - 1], scope) }
        }
        return out
    }

    private static func bind(_ e: Expression, _ scope: [String: String]) -> Expression {
        switch e {
        case .name(let n):
            if let spelling = scope[n.uppercased()] { return .parameter(spelling) }
            return e
        case .parameter(let n):
            if let spelling = scope[n.uppercased()] { return .parameter(spelling) }
            return e
        case .unary(let op, let x): return .unary(op, bind(x, scope))
        case .percent(let x): return .percent(bind(x, scope))
        case .binary(let op, let a, let b): return .binary(op, bind(a, scope), bind(b, scope))
        case .call(let f, let args):
            if case .unknown(let n) = f, let spelling = scope[n] { return .apply(.parameter(spelling), args.map { bind($0, scope) }) }
            return .call(f, args.map { bind($0, scope) })
        case .apply(let f, let args): return .apply(bind(f, scope), args.map { bind($0, scope) })
        case .number, .text, .boolean, .error, .array, .reference, .missing: return e
        }
    }

    private mutating func parseArrayConstant() throws(FormulaSyntaxError) -> Expression {
        var rows: [[CellValue]] = [[]]
        while true {
            skipWhitespace()
            guard let t = current else { throw error("missing '}'") }
            var negative = false
            var token = t
            if t.kind == .operator, lexer.text(of: t) == "-" || lexer.text(of: t) == "+" {
                negative = lexer.text(of: t) == "-"
                index += 1
                guard let n = current else { throw error("missing '}'") }
                token = n
            }
            let value: CellValue
            switch token.kind {
            case .number:
                guard let n = Double(lexer.text(of: token)) else { throw error("bad number") }
                value = .number(negative ? -n : n)
            case .string where !negative: value = .text(Self.unquote(lexer.text(of: token)))
            case .boolean where !negative: value = .boolean(lexer.text(of: token).uppercased() == "TRUE")
            case .error where !negative: value = .error(ErrorValue(text: lexer.text(of: token)) ?? .value)
            default: throw error("an array constant holds only numbers, text, TRUE/FALSE and errors")
            }
            index += 1
            rows[rows.count - 1].append(value)
            skipWhitespace()
            guard let sep = current else { throw error("missing '}'") }
            index += 1
            switch sep.kind {
            case .comma: continue
            case .semicolon: rows.append([])
            case .closeBrace:
                let width = rows[0].count
                guard rows.allSatisfy({ $0.count == width }) else { throw error("array constant rows differ in length") }
                return .array(Matrix(rows: rows.count, columns: width, values: rows.flatMap { $0 }))
            default: throw error("expected ',', ';' or '}' in an array constant")
            }
        }
    }

    // MARK: - References

    private func reference(_ token: FormulaToken, _ shape: ReferenceShape) -> Expression {
        var sheets = ReferenceExpression.Sheets.current
        if let prefix = lexer.sheetPrefix(of: token) {
            guard let resolved = resolveSheets(prefix) else { return .error(.reference) }
            sheets = resolved
        }
        return .reference(ReferenceExpression(sheets: sheets, shape: relative(shape)))
    }

    /// Turns relative parts into offsets from the anchor.
    private func relative(_ shape: ReferenceShape) -> ReferenceShape {
        let anchor = context.anchor
        func r(_ p: ReferencePart) -> ReferencePart {
            p.isAbsolute ? p : ReferencePart(index: Int(p.index) - Int(anchor.row), isAbsolute: false)
        }
        func c(_ p: ReferencePart) -> ReferencePart {
            p.isAbsolute ? p : ReferencePart(index: Int(p.index) - Int(anchor.column), isAbsolute: false)
        }
        switch shape {
        case .cell(let row, let column): return .cell(row: r(row), column: c(column))
        case .area(let r1, let c1, let r2, let c2): return .area(firstRow: r(r1), firstColumn: c(c1), lastRow: r(r2), lastColumn: c(c2))
        case .columns(let a, let b): return .columns(first: c(a), last: c(b))
        case .rows(let a, let b): return .rows(first: r(a), last: r(b))
        }
    }

    private func resolveSheets(_ prefix: String) -> ReferenceExpression.Sheets? {
        var text = Substring(prefix)
        if text.hasPrefix("[") { return nil }  // another workbook: not available here
        if text.hasPrefix("'") && text.hasSuffix("'") && text.count >= 2 { text = text.dropFirst().dropLast() }
        let name = String(text).replacingOccurrences(of: "''", with: "'")
        if let i = context.sheetIndex(name) { return .sheet(i) }
        let parts = name.split(separator: ":", maxSplits: 1).map { String($0) }
        if parts.count == 2, let a = context.sheetIndex(unquote(parts[0])), let b = context.sheetIndex(unquote(parts[1])) {
            return .span(a, b)
        }
        return nil
    }

    private func unquote(_ s: String) -> String {
        s.hasPrefix("'") && s.hasSuffix("'") && s.count >= 2 ? String(s.dropFirst().dropLast()) : s
    }

    private static func unquote(_ literal: String) -> String {
        String(literal.dropFirst().dropLast()).replacingOccurrences(of: "\"\"", with: "\"")
    }

    /// `Tabell1[Belopp]`, `Tabell1[[#Totals],[Belopp]]`, `[@Belopp]`, `Tabell1[[Jan]:[Maj]]`, `Tabell1[#All]`.
    private func structuredReference(_ text: String) -> Expression {
        guard let open = text.firstIndex(of: "[") else { return .error(.reference) }
        let tableName = String(text[..<open])
        let table: TableDefinition?
        if tableName.isEmpty {
            table = context.tables.first { $0.sheet == context.sheet && $0.range.contains(context.anchor) }
        } else {
            let lower = tableName.lowercased()
            table = context.tables.first { $0.name.lowercased() == lower }
        }
        guard let table else { return .error(.reference) }
        let spec = StructuredReferenceSpec(String(text[open...]))
        let first = Int(table.range.first.row)
        let last = Int(table.range.last.row)
        let dataFirst = first + table.headerRowCount
        let dataLast = last - table.totalsRowCount
        var rowSpan: (Int, Int)
        var thisRow = false
        switch spec.item {
        case .data: rowSpan = (dataFirst, dataLast)
        case .all: rowSpan = (first, last)
        case .headers: rowSpan = (first, first + table.headerRowCount - 1)
        case .totals: rowSpan = (dataLast + 1, last)
        case .headersAndData: rowSpan = (first, dataLast)
        case .dataAndTotals: rowSpan = (dataFirst, last)
        case .thisRow: rowSpan = (Int(context.anchor.row), Int(context.anchor.row)); thisRow = true
        }
        guard rowSpan.0 <= rowSpan.1 else { return .error(.reference) }
        var columnSpan = (Int(table.range.first.column), Int(table.range.last.column))
        if let firstName = spec.firstColumn {
            let lowerColumns = table.columns.map { $0.lowercased() }
            guard let a = lowerColumns.firstIndex(of: firstName.lowercased()) else { return .error(.reference) }
            var b = a
            if let lastName = spec.lastColumn {
                guard let i = lowerColumns.firstIndex(of: lastName.lowercased()) else { return .error(.reference) }
                b = i
            }
            columnSpan = (Int(table.range.first.column) + min(a, b), Int(table.range.first.column) + max(a, b))
        }
        let sheets: ReferenceExpression.Sheets = table.sheet == context.sheet ? .current : .sheet(table.sheet)
        let rowPart1 = thisRow ? ReferencePart(index: 0, isAbsolute: false) : ReferencePart(index: rowSpan.0, isAbsolute: true)
        let rowPart2 = thisRow ? ReferencePart(index: 0, isAbsolute: false) : ReferencePart(index: rowSpan.1, isAbsolute: true)
        let shape: ReferenceShape = rowSpan.0 == rowSpan.1 && columnSpan.0 == columnSpan.1
            ? .cell(row: rowPart1, column: ReferencePart(index: columnSpan.0, isAbsolute: true))
            : .area(firstRow: rowPart1, firstColumn: ReferencePart(index: columnSpan.0, isAbsolute: true),
                    lastRow: rowPart2, lastColumn: ReferencePart(index: columnSpan.1, isAbsolute: true))
        return .reference(ReferenceExpression(sheets: sheets, shape: shape))
    }
}

/// The bracketed part of a structured reference, reduced to which rows and which columns.
struct StructuredReferenceSpec {
    enum Item { case data, all, headers, totals, headersAndData, dataAndTotals, thisRow }
    var item = Item.data
    var firstColumn: String?
    var lastColumn: String?

    init(_ bracketed: String) {
        // Split the outer brackets' content into its [..] parts; a bare column name has none.
        var inner = Substring(bracketed)
        if inner.hasPrefix("[") && inner.hasSuffix("]") { inner = inner.dropFirst().dropLast() }
        var parts: [String] = []
        var separators: [Character] = []
        if inner.contains("[") {
            var depth = 0
            var currentPart = ""
            var escaped = false
            for ch in inner {
                if escaped { currentPart.append(ch); escaped = false; continue }
                if ch == "'" { escaped = true; continue }
                if ch == "[" { depth += 1; if depth == 1 { currentPart = ""; continue } }
                if ch == "]" { depth -= 1; if depth == 0 { parts.append(currentPart); continue } }
                if depth >= 1 { currentPart.append(ch) } else if ch == ":" || ch == "," { separators.append(ch) }
            }
        } else if inner.hasPrefix("@") {
            item = .thisRow
            let name = inner.dropFirst()
            if !name.isEmpty { firstColumn = Self.unescape(name) }
            return
        } else {
            parts = [String(inner)]
        }
        var columns: [String] = []
        var specials: Set<String> = []
        for p in parts {
            let t = p.trimmingCharacters(in: " ")
            if t.hasPrefix("#") { specials.insert(t.lowercased()) } else if t.hasPrefix("@") {
                specials.insert("#this row")
                if t.count > 1 { columns.append(Self.unescape(t.dropFirst())) }
            } else { columns.append(Self.unescape(Substring(t))) }
        }
        if specials.contains("#this row") { item = .thisRow }
        else if specials.contains("#all") { item = .all }
        else if specials.contains("#headers") && specials.contains("#data") { item = .headersAndData }
        else if specials.contains("#data") && specials.contains("#totals") { item = .dataAndTotals }
        else if specials.contains("#headers") { item = .headers }
        else if specials.contains("#totals") { item = .totals }
        firstColumn = columns.first
        lastColumn = columns.count > 1 ? columns.last : nil
    }

    private static func unescape(_ s: Substring) -> String {
        var out = ""
        var escaped = false
        for ch in s {
            if !escaped && ch == "'" { escaped = true; continue }
            escaped = false
            out.append(ch)
        }
        return out
    }
}
