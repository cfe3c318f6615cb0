/// Moves a formula to another cell the way Excel fills it: relative parts of every reference move
/// by the offset, absolute (`$`) parts stay. Works on tokens, so names and functions that look like
/// references (`LOG10(`) and text inside strings are never touched.
public enum FormulaTranslator {
    /// The formula as it reads in a cell `rows` down and `columns` right of its own cell.
    /// A reference moved off the grid becomes `#REF!`, as in Excel.
    public static func translate(_ formula: String, rows: Int, columns: Int) -> String {
        if rows == 0 && columns == 0 { return formula }
        let lexer = FormulaLexer(formula)
        var out: [UInt8] = []
        out.reserveCapacity(lexer.bytes.count + 8)
        var copied = 0
        for token in lexer.tokens() {
            guard case .reference(let shape) = token.kind else { continue }
            out.append(contentsOf: lexer.bytes[copied..<token.bodyStart])
            if let moved = move(shape, rows: rows, columns: columns) {
                out.append(contentsOf: write(moved).utf8)
            } else {
                out.append(contentsOf: "#REF!".utf8)
            }
            copied = token.range.upperBound
        }
        out.append(contentsOf: lexer.bytes[copied...])
        return String(decoding: out, as: UTF8.self)
    }

    static func move(_ shape: ReferenceShape, rows: Int, columns: Int) -> ReferenceShape? {
        func row(_ p: ReferencePart) -> ReferencePart? { shift(p, by: rows, limit: Grid.rowCount) }
        func column(_ p: ReferencePart) -> ReferencePart? { shift(p, by: columns, limit: Grid.columnCount) }
        switch shape {
        case .cell(let r, let c):
            guard let r = row(r), let c = column(c) else { return nil }
            return .cell(row: r, column: c)
        case .area(let r1, let c1, let r2, let c2):
            guard let r1 = row(r1), let c1 = column(c1), let r2 = row(r2), let c2 = column(c2) else { return nil }
            return .area(firstRow: r1, firstColumn: c1, lastRow: r2, lastColumn: c2)
        case .columns(let a, let b):
            guard let a = column(a), let b = column(b) else { return nil }
            return .columns(first: a, last: b)
        case .rows(let a, let b):
            guard let a = row(a), let b = row(b) else { return nil }
            return .rows(first: a, last: b)
        }
    }

    private static func shift(_ part: ReferencePart, by offset: Int, limit: Int) -> ReferencePart? {
        if part.isAbsolute { return part }
        let moved = Int(part.index) + offset
        guard moved >= 0 && moved < limit else { return nil }
        return ReferencePart(index: moved, isAbsolute: false)
    }

    /// A1 text of a reference shape.
    public static func write(_ shape: ReferenceShape) -> String {
        func col(_ p: ReferencePart) -> String { (p.isAbsolute ? "$" : "") + A1.columnName(Int(p.index)) }
        func row(_ p: ReferencePart) -> String { (p.isAbsolute ? "$" : "") + String(p.index + 1) }
        switch shape {
        case .cell(let r, let c): return col(c) + row(r)
        case .area(let r1, let c1, let r2, let c2): return col(c1) + row(r1) + ":" + col(c2) + row(r2)
        case .columns(let a, let b): return col(a) + ":" + col(b)
        case .rows(let a, let b): return row(a) + ":" + row(b)
        }
    }

    /// Names of the functions a formula calls, upper-cased, without `_xlfn.`/`_xlws.` prefixes.
    public static func functionNames(in formula: String) -> [String] {
        let lexer = FormulaLexer(formula)
        return lexer.tokens().compactMap { token in
            guard token.kind == .function else { return nil }
            return FunctionName.normalized(lexer.text(of: token))
        }
    }
}

public enum FunctionName {
    /// `_xlfn.XLOOKUP` → `XLOOKUP`; `_xlfn._xlws.SORT` → `SORT`; upper-cased.
    public static func normalized(_ name: String) -> String {
        var n = name.uppercased()[...]
        for prefix in ["_XLFN.", "_XLWS.", "_XLUDF."] where n.hasPrefix(prefix) {
            n = n.dropFirst(prefix.count)
        }
        if n.hasPrefix("_XLWS.") { n = n.dropFirst(6) }
        return String(n)
    }
}
