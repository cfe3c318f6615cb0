/// Structural edits of formulas — rows inserted, sheets renamed — applied to the references the
/// formula's tokens hold, the same tokens the parser reads. Text in strings, function names that
/// look like references (`LOG10(`), structured references and names are never touched, and
/// everything but the rewritten references keeps its spelling.
public enum ReferenceRewriter {
    /// A reference as written: the sheet named in its prefix (nil when it has none: the formula's
    /// own sheet) and its shape, whose row and column indexes are positions on the grid.
    public struct Written: Equatable, Sendable {
        public var sheet: String?
        public var shape: ReferenceShape

        public init(sheet: String?, shape: ReferenceShape) {
            self.sheet = sheet
            self.shape = shape
        }
    }

    /// What becomes of one reference.
    public enum Outcome: Equatable, Sendable {
        case keep
        case replace(Written)
        /// The reference no longer exists (`#REF!`).
        case invalid
    }

    /// Rewrites every A1 reference of `formula` (text without "=") through `edit`. 3-D and
    /// external references (`Jan:Mar!A1`, `[1]Blad1!A1`) are left alone. `renameSheet` is also
    /// applied to the prefixes of sheet-scoped names (`Blad1!Summa`).
    public static func rewrite(_ formula: String, renameSheet: ((String) -> String?)? = nil,
                               _ edit: (Written) -> Outcome) -> String {
        let lexer = FormulaLexer(formula)
        var out: [UInt8] = []
        var copied = 0
        var changed = false
        for token in lexer.tokens() {
            let prefix = lexer.sheetPrefix(of: token).map(sheetName(fromPrefix:))
            switch token.kind {
            case .reference(let shape):
                if let prefix, isSpanOrExternal(prefix) { continue }
                let written = Written(sheet: prefix, shape: shape)
                var replacement: Written?
                switch edit(written) {
                case .keep: replacement = nil
                case .replace(let w): replacement = w
                case .invalid:
                    out.append(contentsOf: lexer.bytes[copied..<token.range.lowerBound])
                    out.append(contentsOf: "#REF!".utf8)
                    copied = token.range.upperBound
                    changed = true
                    continue
                }
                if let renameSheet, let sheet = (replacement ?? written).sheet, let renamed = renameSheet(sheet) {
                    replacement = replacement ?? written
                    replacement!.sheet = renamed
                }
                guard let w = replacement else { continue }
                out.append(contentsOf: lexer.bytes[copied..<token.range.lowerBound])
                if let sheet = w.sheet { out.append(contentsOf: (SheetName.quotedIfNeeded(sheet) + "!").utf8) }
                out.append(contentsOf: FormulaTranslator.write(w.shape).utf8)
                copied = token.range.upperBound
                changed = true
            case .name, .error:
                guard let renameSheet, let prefix, !isSpanOrExternal(prefix), let renamed = renameSheet(prefix) else { continue }
                out.append(contentsOf: lexer.bytes[copied..<token.range.lowerBound])
                out.append(contentsOf: (SheetName.quotedIfNeeded(renamed) + "!").utf8)
                copied = token.bodyStart
                changed = true
            default:
                continue
            }
        }
        guard changed else { return formula }
        out.append(contentsOf: lexer.bytes[copied...])
        return String(decoding: out, as: UTF8.self)
    }

    /// `'Nära vård'` → `Nära vård`; `It''s` quoting undone.
    static func sheetName(fromPrefix prefix: String) -> String {
        guard prefix.count >= 2, prefix.hasPrefix("'"), prefix.hasSuffix("'") else { return prefix }
        return String(prefix.dropFirst().dropLast()).replacingOccurrences(of: "''", with: "'")
    }

    private static func isSpanOrExternal(_ sheet: String) -> Bool {
        sheet.hasPrefix("[") || (sheet.contains(":") && !sheet.hasPrefix("'"))
    }
}

/// Rows inserted into one sheet, as Excel inserts them: rows at and below `before` move down by
/// `count`, and references follow. A range that spans the insertion point grows. A template also
/// needs ranges that *end* just above the new rows to grow over them (a total under a block that
/// is repeated, a data area filled with more rows than the template had): `growingFrom` says which
/// — a range ending on row `before - 1` that starts on row `growingFrom` or above grows.
public struct RowInsertion: Sendable, Equatable {
    public var sheet: String
    public var before: Int
    public var count: Int
    public var growingFrom: Int?

    public init(sheet: String, before: Int, count: Int, growingFrom: Int? = nil) {
        self.sheet = sheet
        self.before = before
        self.count = count
        self.growingFrom = growingFrom
    }

    /// Where a row of the sheet goes.
    public func moved(_ row: Int) -> Int { row >= before ? row + count : row }

    /// A rows span `first...last` of the sheet after the insertion.
    public func moved(first: Int, last: Int) -> (Int, Int) {
        var newLast = moved(last)
        if let from = growingFrom, last == before - 1, first <= from { newLast = last + count }
        return (moved(first), newLast)
    }

    /// A cell range of the sheet after the insertion.
    public func moved(_ range: CellRange) -> CellRange {
        let (a, b) = moved(first: Int(range.first.row), last: Int(range.last.row))
        return CellRange(first: CellAddress(row: a, column: Int(range.first.column)),
                         last: CellAddress(row: b, column: Int(range.last.column)))
    }

    /// A formula standing on sheet `formulaSheet` after the insertion. References past the grid's
    /// last row become `#REF!`, as in Excel.
    public func apply(to formula: String, onSheet formulaSheet: String?) -> String {
        ReferenceRewriter.rewrite(formula) { written in
            let sheet = written.sheet ?? formulaSheet
            guard let sheet, sheet.lowercased() == self.sheet.lowercased() else { return .keep }
            func part(_ p: ReferencePart, _ row: Int) -> ReferencePart { ReferencePart(index: row, isAbsolute: p.isAbsolute) }
            var shape = written.shape
            switch written.shape {
            case .cell(let r, let c):
                shape = .cell(row: part(r, moved(Int(r.index))), column: c)
            case .area(let r1, let c1, let r2, let c2):
                let (a, b) = moved(first: Int(r1.index), last: Int(r2.index))
                shape = .area(firstRow: part(r1, a), firstColumn: c1, lastRow: part(r2, b), lastColumn: c2)
            case .rows(let r1, let r2):
                let (a, b) = moved(first: Int(r1.index), last: Int(r2.index))
                shape = .rows(first: part(r1, a), last: part(r2, b))
            case .columns:
                return .keep
            }
            if shape == written.shape { return .keep }
            if case .cell(let r, _) = shape, Int(r.index) >= Grid.rowCount { return .invalid }
            if case .area(let r1, _, let r2, _) = shape, Int(max(r1.index, r2.index)) >= Grid.rowCount { return .invalid }
            if case .rows(let r1, let r2) = shape, Int(max(r1.index, r2.index)) >= Grid.rowCount { return .invalid }
            return .replace(ReferenceRewriter.Written(sheet: written.sheet, shape: shape))
        }
    }
}

extension ReferenceRewriter {
    /// A formula with references to sheet `old` made references to `new` (prefixed references
    /// only: an unprefixed one means the formula's own sheet wherever it stands).
    public static func renamingSheet(_ formula: String, from old: String, to new: String) -> String {
        let lower = old.lowercased()
        return rewrite(formula, renameSheet: { $0.lowercased() == lower ? new : nil }) { _ in .keep }
    }
}
