/// Formulas that read the same in R1C1 terms — `=A1*1.01+1` in B1 and `=B1*1.01+1` in C1 — parse to
/// the same expression, since an expression holds relative references as offsets from its cell.
/// Files written without shared formulas (libxlsxwriter, LibreOffice, openpyxl) repeat one shape
/// thousands of times; the cache lexes each formula and parses each shape once.
///
/// The key is the token stream with every reference replaced by its offsets. Formulas with
/// structured references (`[@Belopp]` depends on the row itself) or unreadable text are parsed
/// every time. The owner clears the cache when sheets or tables change (prefixes resolve to them).
struct FormulaShapeCache {
    private var expressions: [ShapeKey: Expression] = [:]
    /// Bounds the memory of a workbook whose formulas are all different.
    private let capacity = 65_536

    mutating func removeAll() { expressions.removeAll() }

    mutating func parse(_ body: String, context: FormulaContext) throws(FormulaSyntaxError) -> Expression {
        let lexer = FormulaLexer(body)
        let tokens = lexer.tokens()
        guard let key = Self.key(tokens, lexer, context: context) else {
            var parser = FormulaParser(lexer: lexer, tokens: tokens, context: context)
            return try parser.parseFormula()
        }
        let shape = ShapeKey(bytes: key)
        if let known = expressions[shape] { return known }
        var parser = FormulaParser(lexer: lexer, tokens: tokens, context: context)
        let expression = try parser.parseFormula()
        if expressions.count >= capacity { expressions.removeAll(keepingCapacity: true) }
        expressions[shape] = expression
        return expression
    }

    /// The formula's tokens with references as offsets from the anchor; nil when it holds a token
    /// whose meaning depends on more than that.
    private static func key(_ tokens: [FormulaToken], _ lexer: FormulaLexer, context: FormulaContext) -> [UInt8]? {
        var key: [UInt8] = []
        key.reserveCapacity(lexer.bytes.count + 16)
        appendInteger(&key, Int32(truncatingIfNeeded: context.sheet))
        let anchor = context.anchor
        for token in tokens {
            switch token.kind {
            case .structuredReference, .invalid:
                return nil
            case .reference(let shape):
                key.append(1)
                key.append(contentsOf: lexer.bytes[token.range.lowerBound..<token.bodyStart])  // the sheet prefix
                func part(_ p: ReferencePart, _ origin: Int32) {
                    key.append(p.isAbsolute ? 1 : 0)
                    appendInteger(&key, p.isAbsolute ? p.index : p.index &- origin)
                }
                switch shape {
                case .cell(let r, let c):
                    key.append(0)
                    part(r, anchor.row); part(c, anchor.column)
                case .area(let r1, let c1, let r2, let c2):
                    key.append(1)
                    part(r1, anchor.row); part(c1, anchor.column); part(r2, anchor.row); part(c2, anchor.column)
                case .columns(let a, let b):
                    key.append(2)
                    part(a, anchor.column); part(b, anchor.column)
                case .rows(let a, let b):
                    key.append(3)
                    part(a, anchor.row); part(b, anchor.row)
                }
            default:
                key.append(2)
                key.append(contentsOf: lexer.bytes[token.range])
            }
            key.append(0xFF)  // never inside UTF-8 text: tokens cannot run together
        }
        return key
    }

    private static func appendInteger(_ key: inout [UInt8], _ value: Int32) {
        let bits = UInt32(bitPattern: value)
        key.append(UInt8(truncatingIfNeeded: bits))
        key.append(UInt8(truncatingIfNeeded: bits >> 8))
        key.append(UInt8(truncatingIfNeeded: bits >> 16))
        key.append(UInt8(truncatingIfNeeded: bits >> 24))
    }
}

/// A shape's bytes, hashed in one call (an `[UInt8]` hashes byte by byte).
private struct ShapeKey: Hashable {
    let bytes: [UInt8]

    func hash(into hasher: inout Hasher) {
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
    }
}
