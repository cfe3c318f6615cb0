/// One lexical token of a formula, with its byte range in the formula's UTF-8 text.
public struct FormulaToken: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case number
        case string
        case boolean
        case error
        /// A cell, area, whole-column or whole-row reference, possibly with a sheet prefix.
        case reference(ReferenceShape)
        /// A defined name (or an unknown identifier, which evaluates to #NAME?).
        case name
        /// A function name; the token does not include the "(" that follows it.
        case function
        /// `Tabell1[Belopp]`, `[@Belopp]`, `Tabell1[[#Totals],[Belopp]]`.
        case structuredReference
        case `operator`
        case comma
        case semicolon
        case openParenthesis, closeParenthesis
        case openBrace, closeBrace
        case whitespace
        /// Text the lexer cannot read; the parser reports it with its position.
        case invalid
    }

    public var kind: Kind
    /// Byte offsets into the formula's UTF-8 text.
    public var range: Range<Int>
    /// For references (and errors such as `Blad1!#REF!`): where the part after the sheet prefix's `!`
    /// starts. Equal to `range.lowerBound` when there is no prefix.
    public var bodyStart: Int

    public init(kind: Kind, range: Range<Int>, bodyStart: Int? = nil) {
        self.kind = kind
        self.range = range
        self.bodyStart = bodyStart ?? range.lowerBound
    }

    public var hasSheetPrefix: Bool { bodyStart > range.lowerBound }
}

/// One coordinate of a reference: a zero-based index and whether it is written with `$`.
public struct ReferencePart: Sendable, Equatable {
    public var index: Int32
    public var isAbsolute: Bool

    public init(index: Int, isAbsolute: Bool) {
        self.index = Int32(index)
        self.isAbsolute = isAbsolute
    }
}

/// The shape of an A1 reference as written.
public enum ReferenceShape: Sendable, Equatable {
    case cell(row: ReferencePart, column: ReferencePart)
    case area(firstRow: ReferencePart, firstColumn: ReferencePart, lastRow: ReferencePart, lastColumn: ReferencePart)
    case columns(first: ReferencePart, last: ReferencePart)
    case rows(first: ReferencePart, last: ReferencePart)
}
