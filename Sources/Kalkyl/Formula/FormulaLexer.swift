/// Splits formula text, as stored in .xlsx files (English names, `,` separators), into tokens.
///
/// The lexer is total: every byte ends up in some token, unreadable text in `.invalid` tokens.
/// References are recognised here (not by the parser) because only the lexer can tell `LOG10(`
/// (a function) from `LOG10` (a cell) and `A:A` from a name followed by a range operator.
public struct FormulaLexer {
    public let bytes: [UInt8]

    public init(_ formula: String) {
        var text = formula
        self.bytes = text.withUTF8 { Array($0) }
    }

    public init(bytes: [UInt8]) { self.bytes = bytes }

    public func text(of token: FormulaToken) -> String {
        String(decoding: bytes[token.range], as: UTF8.self)
    }

    public func body(of token: FormulaToken) -> String {
        String(decoding: bytes[token.bodyStart..<token.range.upperBound], as: UTF8.self)
    }

    public func sheetPrefix(of token: FormulaToken) -> String? {
        guard token.hasSheetPrefix else { return nil }
        return String(decoding: bytes[token.range.lowerBound..<(token.bodyStart - 1)], as: UTF8.self)
    }

    public func tokens() -> [FormulaToken] {
        var result: [FormulaToken] = []
        result.reserveCapacity(bytes.count / 3 + 1)
        var i = bytes.startIndex
        if i < bytes.endIndex && bytes[i] == UInt8(ascii: "=") { i += 1 }
        while i < bytes.endIndex {
            let token = next(at: i)
            result.append(token)
            i = token.range.upperBound
        }
        return result
    }

    // MARK: - Scanning

    private func next(at start: Int) -> FormulaToken {
        let b = bytes[start]
        switch b {
        case UInt8(ascii: " "), 0x09, 0x0A, 0x0D:
            var end = start + 1
            while end < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[end]) { end += 1 }
            return FormulaToken(kind: .whitespace, range: start..<end)
        case UInt8(ascii: "\""):
            return scanString(at: start)
        case UInt8(ascii: "#"):
            return scanError(at: start, bodyStart: start, prefixStart: start)
        case UInt8(ascii: "("): return FormulaToken(kind: .openParenthesis, range: start..<start + 1)
        case UInt8(ascii: ")"): return FormulaToken(kind: .closeParenthesis, range: start..<start + 1)
        case UInt8(ascii: "{"): return FormulaToken(kind: .openBrace, range: start..<start + 1)
        case UInt8(ascii: "}"): return FormulaToken(kind: .closeBrace, range: start..<start + 1)
        case UInt8(ascii: ","): return FormulaToken(kind: .comma, range: start..<start + 1)
        case UInt8(ascii: ";"): return FormulaToken(kind: .semicolon, range: start..<start + 1)
        case UInt8(ascii: "<"):
            if start + 1 < bytes.count, bytes[start + 1] == UInt8(ascii: ">") || bytes[start + 1] == UInt8(ascii: "=") {
                return FormulaToken(kind: .operator, range: start..<start + 2)
            }
            return FormulaToken(kind: .operator, range: start..<start + 1)
        case UInt8(ascii: ">"):
            if start + 1 < bytes.count, bytes[start + 1] == UInt8(ascii: "=") {
                return FormulaToken(kind: .operator, range: start..<start + 2)
            }
            return FormulaToken(kind: .operator, range: start..<start + 1)
        case UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "*"), UInt8(ascii: "/"), UInt8(ascii: "^"),
             UInt8(ascii: "&"), UInt8(ascii: "="), UInt8(ascii: "%"), UInt8(ascii: ":"), UInt8(ascii: "@"):
            return FormulaToken(kind: .operator, range: start..<start + 1)
        default:
            break
        }
        if let token = scanPrefixedReference(at: start) { return token }
        if let token = scanLocalReference(at: start, prefixStart: start) { return token }
        if isDigit(b) || (b == UInt8(ascii: ".") && start + 1 < bytes.count && isDigit(bytes[start + 1])) {
            return scanNumber(at: start)
        }
        if b == UInt8(ascii: "[") {
            return scanBracketed(at: start, prefixStart: start)
        }
        if isIdentifierStart(b) {
            return scanIdentifier(at: start)
        }
        // One unreadable character (a whole UTF-8 sequence) at a time.
        var end = start + 1
        while end < bytes.count, bytes[end] & 0xC0 == 0x80 { end += 1 }
        return FormulaToken(kind: .invalid, range: start..<end)
    }

    private func scanString(at start: Int) -> FormulaToken {
        var i = start + 1
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "\"") {
                if i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "\"") { i += 2; continue }
                return FormulaToken(kind: .string, range: start..<i + 1)
            }
            i += 1
        }
        return FormulaToken(kind: .invalid, range: start..<bytes.count)  // unterminated
    }

    private static let errorLiterals: [[UInt8]] = ErrorValue.allCases.map { Array($0.text.utf8) }

    private func scanError(at start: Int, bodyStart: Int, prefixStart: Int) -> FormulaToken {
        for literal in Self.errorLiterals where start + literal.count <= bytes.count {
            var matches = true
            for (k, c) in literal.enumerated() where upper(bytes[start + k]) != c {
                matches = false
                break
            }
            if matches {
                return FormulaToken(kind: .error, range: prefixStart..<start + literal.count, bodyStart: bodyStart)
            }
        }
        return FormulaToken(kind: .invalid, range: prefixStart..<start + 1)
    }

    private func scanNumber(at start: Int) -> FormulaToken {
        var i = start
        while i < bytes.count, isDigit(bytes[i]) { i += 1 }
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
            i += 1
            while i < bytes.count, isDigit(bytes[i]) { i += 1 }
        }
        if i < bytes.count, bytes[i] | 0x20 == UInt8(ascii: "e") {
            var j = i + 1
            if j < bytes.count, bytes[j] == UInt8(ascii: "+") || bytes[j] == UInt8(ascii: "-") { j += 1 }
            if j < bytes.count, isDigit(bytes[j]) {
                while j < bytes.count, isDigit(bytes[j]) { j += 1 }
                i = j
            }
        }
        return FormulaToken(kind: .number, range: start..<i)
    }

    private func scanIdentifier(at start: Int) -> FormulaToken {
        var i = start + 1
        while i < bytes.count, isIdentifierContinue(bytes[i]) { i += 1 }
        if i < bytes.count, bytes[i] == UInt8(ascii: "(") {
            return FormulaToken(kind: .function, range: start..<i)
        }
        if i < bytes.count, bytes[i] == UInt8(ascii: "[") {
            return scanBracketed(at: i, prefixStart: start)
        }
        let word = bytes[start..<i].map(upper)
        if word == Array("TRUE".utf8) || word == Array("FALSE".utf8) {
            return FormulaToken(kind: .boolean, range: start..<i)
        }
        return FormulaToken(kind: .name, range: start..<i)
    }

    /// A structured reference (`Tabell1[...]`, `[@Belopp]`) or an external-workbook prefix (`[1]Blad1!A1`).
    private func scanBracketed(at open: Int, prefixStart: Int) -> FormulaToken {
        var depth = 0
        var i = open
        while i < bytes.count {
            let c = bytes[i]
            if c == UInt8(ascii: "'") { i += 2; continue }  // escapes the next character in a column name
            if c == UInt8(ascii: "[") { depth += 1 }
            if c == UInt8(ascii: "]") {
                depth -= 1
                if depth == 0 { break }
            }
            i += 1
        }
        guard i < bytes.count else { return FormulaToken(kind: .invalid, range: prefixStart..<bytes.count) }
        return FormulaToken(kind: .structuredReference, range: prefixStart..<i + 1)
    }

    /// `Blad1!A1`, `'Nära vård'!B2:C3`, `Jan:Maj!B2`, `[1]Blad1!A1`, `Blad1!#REF!`.
    private func scanPrefixedReference(at start: Int) -> FormulaToken? {
        var i = start
        if bytes[i] == UInt8(ascii: "[") {  // external workbook index
            var j = i + 1
            while j < bytes.count, bytes[j] != UInt8(ascii: "]") { j += 1 }
            guard j < bytes.count, j + 1 < bytes.count else { return nil }
            i = j + 1
        }
        // `[0]!Name`: a workbook prefix without a sheet.
        let afterSheets: Int
        if i > start, i < bytes.count, bytes[i] == UInt8(ascii: "!") {
            afterSheets = i
        } else {
            guard let end = scanSheetNames(at: i), end < bytes.count, bytes[end] == UInt8(ascii: "!") else { return nil }
            afterSheets = end
        }
        let body = afterSheets + 1
        guard body < bytes.count else { return FormulaToken(kind: .invalid, range: start..<body) }
        if bytes[body] == UInt8(ascii: "#") {
            return scanError(at: body, bodyStart: body, prefixStart: start)
        }
        if let token = scanLocalReference(at: body, prefixStart: start) { return token }
        // A sheet-scoped name such as `Blad1!Summa`.
        var end = body
        while end < bytes.count, isIdentifierContinue(bytes[end]) { end += 1 }
        if end > body { return FormulaToken(kind: .name, range: start..<end, bodyStart: body) }
        return FormulaToken(kind: .invalid, range: start..<body)
    }

    /// One sheet name or a 3-D span `Jan:Maj`; returns the index after it.
    private func scanSheetNames(at start: Int) -> Int? {
        guard var i = scanSheetName(at: start) else { return nil }
        if i < bytes.count, bytes[i] == UInt8(ascii: ":"), let j = scanSheetName(at: i + 1),
           j < bytes.count, bytes[j] == UInt8(ascii: "!") {
            i = j
        }
        return i
    }

    private func scanSheetName(at start: Int) -> Int? {
        guard start < bytes.count else { return nil }
        if bytes[start] == UInt8(ascii: "'") {
            var i = start + 1
            while i < bytes.count {
                if bytes[i] == UInt8(ascii: "'") {
                    if i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "'") { i += 2; continue }
                    return i + 1
                }
                i += 1
            }
            return nil
        }
        guard isIdentifierStart(bytes[start]) || isDigit(bytes[start]) else { return nil }
        var i = start
        while i < bytes.count, isIdentifierContinue(bytes[i]) { i += 1 }
        return i
    }

    /// A reference without sheet prefix: `A1`, `$A$1:B2`, `A:C`, `$3:$5`.
    private func scanLocalReference(at start: Int, prefixStart: Int) -> FormulaToken? {
        let b = bytes[start]
        guard b == UInt8(ascii: "$") || isDigit(b) || isASCIILetter(b) else { return nil }
        var rest = bytes[start...]
        if let first = A1.parseCell(&rest) {
            let firstRow = ReferencePart(index: first.row, isAbsolute: first.rowAbsolute)
            let firstColumn = ReferencePart(index: first.column, isAbsolute: first.columnAbsolute)
            var shape = ReferenceShape.cell(row: firstRow, column: firstColumn)
            if rest.first == UInt8(ascii: ":") {
                var second = rest.dropFirst()
                if let last = A1.parseCell(&second), !continuesWord(second) {
                    shape = .area(firstRow: firstRow, firstColumn: firstColumn,
                                  lastRow: ReferencePart(index: last.row, isAbsolute: last.rowAbsolute),
                                  lastColumn: ReferencePart(index: last.column, isAbsolute: last.columnAbsolute))
                    rest = second
                }
            }
            guard !continuesWord(rest) else { return nil }
            return FormulaToken(kind: .reference(shape), range: prefixStart..<rest.startIndex, bodyStart: start)
        }
        rest = bytes[start...]
        if let first = parseLine(&rest, column: true), rest.first == UInt8(ascii: ":") {
            var second = rest.dropFirst()
            if let last = parseLine(&second, column: true), !continuesWord(second) {
                return FormulaToken(kind: .reference(.columns(first: first, last: last)),
                                    range: prefixStart..<second.startIndex, bodyStart: start)
            }
        }
        rest = bytes[start...]
        if let first = parseLine(&rest, column: false), rest.first == UInt8(ascii: ":") {
            var second = rest.dropFirst()
            if let last = parseLine(&second, column: false), !continuesWord(second) {
                return FormulaToken(kind: .reference(.rows(first: first, last: last)),
                                    range: prefixStart..<second.startIndex, bodyStart: start)
            }
        }
        return nil
    }

    private func parseLine(_ rest: inout ArraySlice<UInt8>, column: Bool) -> ReferencePart? {
        var probe = rest
        let absolute = probe.first == UInt8(ascii: "$")
        if absolute { probe = probe.dropFirst() }
        guard let index = column ? A1.parseColumnLetters(&probe) : A1.parseRowDigits(&probe) else { return nil }
        rest = probe
        return ReferencePart(index: index, isAbsolute: absolute)
    }

    /// True when the text goes on as a word or a call, so what came before was not a reference
    /// (`LOG10(`, `A1B`, `Q1_Total`).
    private func continuesWord(_ rest: ArraySlice<UInt8>) -> Bool {
        guard let c = rest.first else { return false }
        return isIdentifierContinue(c) || c == UInt8(ascii: "(") || c == UInt8(ascii: "[") || c == UInt8(ascii: "!")
    }

    // MARK: - Character classes

    private func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
    private func isASCIILetter(_ b: UInt8) -> Bool { (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A }
    private func isIdentifierStart(_ b: UInt8) -> Bool {
        isASCIILetter(b) || b == UInt8(ascii: "_") || b == UInt8(ascii: "\\") || b >= 0x80
    }
    private func isIdentifierContinue(_ b: UInt8) -> Bool {
        isIdentifierStart(b) || isDigit(b) || b == UInt8(ascii: ".") || b == UInt8(ascii: "?")
    }
    private func upper(_ b: UInt8) -> UInt8 { (b >= 0x61 && b <= 0x7A) ? b - 0x20 : b }
}
