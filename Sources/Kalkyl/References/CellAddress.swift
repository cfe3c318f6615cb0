/// The size of Excel's grid (Office 2007 and later).
public enum Grid {
    public static let rowCount: Int = 1_048_576
    public static let columnCount: Int = 16_384
}

/// A cell position, zero-based. `CellAddress(row: 0, column: 0)` is A1.
public struct CellAddress: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var row: Int32
    public var column: Int32

    public init(row: Int, column: Int) {
        self.row = Int32(truncatingIfNeeded: row)
        self.column = Int32(truncatingIfNeeded: column)
    }

    /// Parses "B7", "$B$7" or "xfd1048576"; nil when it is not a cell inside the grid.
    public init?(a1 text: some StringProtocol) {
        var bytes = Array(text.utf8)[...]
        guard let parsed = A1.parseCell(&bytes), bytes.isEmpty else { return nil }
        self = CellAddress(row: parsed.row, column: parsed.column)
    }

    public var a1: String { A1.columnName(Int(column)) + String(row + 1) }
    public var description: String { a1 }

    public var isInsideGrid: Bool {
        row >= 0 && Int(row) < Grid.rowCount && column >= 0 && Int(column) < Grid.columnCount
    }

    public static func < (lhs: CellAddress, rhs: CellAddress) -> Bool {
        (lhs.row, lhs.column) < (rhs.row, rhs.column)
    }
}

/// A rectangle of cells, inclusive on both corners.
public struct CellRange: Hashable, Sendable, CustomStringConvertible {
    public var first: CellAddress
    public var last: CellAddress

    public init(first: CellAddress, last: CellAddress) {
        self.first = CellAddress(row: Int(min(first.row, last.row)), column: Int(min(first.column, last.column)))
        self.last = CellAddress(row: Int(max(first.row, last.row)), column: Int(max(first.column, last.column)))
    }

    public init(_ cell: CellAddress) { self.init(first: cell, last: cell) }

    /// Parses "A1:C3", "B2" (a one-cell range), "A:C" (whole columns) or "2:5" (whole rows).
    public init?(a1 text: some StringProtocol) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        switch parts.count {
        case 1:
            guard let cell = CellAddress(a1: parts[0]) else { return nil }
            self.init(cell)
        case 2:
            if let a = CellAddress(a1: parts[0]), let b = CellAddress(a1: parts[1]) {
                self.init(first: a, last: b)
            } else if let a = A1.columnIndex(parts[0]), let b = A1.columnIndex(parts[1]) {
                self.init(first: CellAddress(row: 0, column: a),
                          last: CellAddress(row: Grid.rowCount - 1, column: b))
            } else if let a = A1.rowIndex(parts[0]), let b = A1.rowIndex(parts[1]) {
                self.init(first: CellAddress(row: a, column: 0),
                          last: CellAddress(row: b, column: Grid.columnCount - 1))
            } else {
                return nil
            }
        default:
            return nil
        }
    }

    public var rowCount: Int { Int(last.row - first.row) + 1 }
    public var columnCount: Int { Int(last.column - first.column) + 1 }
    public var cellCount: Int { rowCount * columnCount }

    public func intersects(_ other: CellRange) -> Bool {
        first.row <= other.last.row && other.first.row <= last.row && first.column <= other.last.column && other.first.column <= last.column
    }

    public func contains(_ cell: CellAddress) -> Bool {
        cell.row >= first.row && cell.row <= last.row && cell.column >= first.column && cell.column <= last.column
    }

    public var a1: String { first == last ? first.a1 : "\(first.a1):\(last.a1)" }
    public var description: String { a1 }
}

/// A1 notation: column letters and row numbers, parsed from UTF-8 bytes without allocating.
public enum A1 {
    /// "A" for 0, "Z" for 25, "AA" for 26, "XFD" for 16383.
    public static func columnName(_ index: Int) -> String {
        var n = index + 1
        var scalars: [Unicode.Scalar] = []
        while n > 0 {
            let r = (n - 1) % 26
            scalars.append(Unicode.Scalar(UInt8(65 + r)))
            n = (n - 1) / 26
        }
        return String(String.UnicodeScalarView(scalars.reversed()))
    }

    /// Zero-based column of "A"…"XFD" (case-insensitive, optional `$`); nil outside the grid.
    public static func columnIndex(_ text: some StringProtocol) -> Int? {
        var bytes = Array(text.utf8)[...]
        if bytes.first == UInt8(ascii: "$") { bytes = bytes.dropFirst() }
        guard let c = parseColumnLetters(&bytes), bytes.isEmpty else { return nil }
        return c
    }

    /// Zero-based row of "1"…"1048576" (optional `$`); nil outside the grid.
    public static func rowIndex(_ text: some StringProtocol) -> Int? {
        var bytes = Array(text.utf8)[...]
        if bytes.first == UInt8(ascii: "$") { bytes = bytes.dropFirst() }
        guard let r = parseRowDigits(&bytes), bytes.isEmpty else { return nil }
        return r
    }

    /// Consumes column letters (up to three) from the front; nil and nothing consumed when absent
    /// or beyond XFD.
    @inlinable
    public static func parseColumnLetters(_ bytes: inout ArraySlice<UInt8>) -> Int? {
        var value = 0
        var count = 0
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let b = bytes[index] | 0x20  // lower-case ASCII letters
            guard b >= 0x61 && b <= 0x7A else { break }
            value = value * 26 + Int(b - 0x60)
            count += 1
            if count > 3 { return nil }
            index += 1
        }
        guard count > 0, value <= Grid.columnCount else { return nil }
        bytes = bytes[index...]
        return value - 1
    }

    /// Consumes row digits from the front (no leading zero); nil when absent or beyond the grid.
    @inlinable
    public static func parseRowDigits(_ bytes: inout ArraySlice<UInt8>) -> Int? {
        var value = 0
        var index = bytes.startIndex
        while index < bytes.endIndex, bytes[index] >= 0x30, bytes[index] <= 0x39 {
            if index == bytes.startIndex && bytes[index] == 0x30 { return nil }
            value = value * 10 + Int(bytes[index] - 0x30)
            if value > Grid.rowCount { return nil }
            index += 1
        }
        guard index > bytes.startIndex else { return nil }
        bytes = bytes[index...]
        return value - 1
    }

    /// Consumes a cell such as "B7" or "$B$7" from the front.
    @inlinable
    public static func parseCell(_ bytes: inout ArraySlice<UInt8>) -> (row: Int, column: Int, rowAbsolute: Bool, columnAbsolute: Bool)? {
        var rest = bytes
        let columnAbsolute = rest.first == UInt8(ascii: "$")
        if columnAbsolute { rest = rest.dropFirst() }
        guard let column = parseColumnLetters(&rest) else { return nil }
        let rowAbsolute = rest.first == UInt8(ascii: "$")
        if rowAbsolute { rest = rest.dropFirst() }
        guard let row = parseRowDigits(&rest) else { return nil }
        bytes = rest
        return (row, column, rowAbsolute, columnAbsolute)
    }
}
