import Kalkyl

/// The cells of one sheet, stored compactly: one 24-byte record a cell, sorted by row then column.
/// Text lives in string tables (the workbook's shared strings or the sheet's own), so a numeric
/// cell costs no heap allocation of its own.
public struct CellStore: Sendable {
    public enum Kind: UInt8, Sendable {
        /// A cell with no value that carries a style (a formatted blank).
        case blank
        case number
        case sharedString
        /// An inline string or a formula's text result, in the sheet's own table.
        case localString
        case boolean
        case error
    }

    public struct Record: Sendable, Equatable {
        public var row: UInt32
        public var column: UInt16
        public var kind: Kind
        public var hasFormula: Bool
        /// Index into `StyleSheet.cellFormats` (0 is the default style).
        public var style: UInt32
        /// The value's bits: a Double's bit pattern, a string index, 0/1, or an ErrorValue code.
        public var payload: UInt64

        public var address: CellAddress { CellAddress(row: Int(row), column: Int(column)) }
    }

    public internal(set) var records: [Record] = []
    var sharedStrings: StringTable
    var localStrings: [String] = []
    /// Texts put in by code (not read), by their index in `localStrings`, so each is stored once.
    var builtStrings: [String: UInt64] = [:]
    private var sorted = true

    init(sharedStrings: StringTable) {
        self.sharedStrings = sharedStrings
    }

    public var count: Int { records.count }

    public func value(of record: Record) -> CellValue {
        switch record.kind {
        case .blank: return .empty
        case .number: return .number(Double(bitPattern: record.payload))
        case .sharedString:
            let index = Int(record.payload)
            return index < sharedStrings.strings.count ? .text(sharedStrings.strings[index]) : .empty
        case .localString: return .text(localStrings[Int(record.payload)])
        case .boolean: return .boolean(record.payload != 0)
        case .error: return .error(ErrorValue(rawValue: Int(record.payload)) ?? .value)
        }
    }

    /// The record at a cell, by binary search.
    public func index(of address: CellAddress) -> Int? {
        var low = 0
        var high = records.count - 1
        let key = (UInt32(address.row), UInt16(address.column))
        while low <= high {
            let mid = (low + high) / 2
            let r = records[mid]
            if (r.row, r.column) == key { return mid }
            if (r.row, r.column) < key { low = mid + 1 } else { high = mid - 1 }
        }
        return nil
    }

    public func value(at address: CellAddress) -> CellValue {
        guard let i = index(of: address) else { return .empty }
        return value(of: records[i])
    }

    public func style(at address: CellAddress) -> Int {
        guard let i = index(of: address) else { return 0 }
        return Int(records[i].style)
    }

    /// The smallest range holding every non-blank cell, or nil for an empty sheet.
    public var usedRange: CellRange? {
        var minRow = UInt32.max, maxRow: UInt32 = 0, minColumn = UInt16.max, maxColumn: UInt16 = 0
        var any = false
        for r in records where r.kind != .blank || r.hasFormula {
            any = true
            minRow = min(minRow, r.row); maxRow = max(maxRow, r.row)
            minColumn = min(minColumn, r.column); maxColumn = max(maxColumn, r.column)
        }
        guard any else { return nil }
        return CellRange(first: CellAddress(row: Int(minRow), column: Int(minColumn)),
                         last: CellAddress(row: Int(maxRow), column: Int(maxColumn)))
    }

    // MARK: - Building (used by the reader and by code that makes workbooks)

    mutating func append(_ record: Record) {
        if let last = records.last, (last.row, last.column) >= (record.row, record.column) {
            sorted = false
        }
        records.append(record)
    }

    mutating func clearFormulaFlag(at index: Int) { records[index].hasFormula = false }

    mutating func reserve(_ count: Int) {
        if count > records.capacity { records.reserveCapacity(count) }
    }

    /// Appends the cells another store read after this one's (a later chunk of the same sheet),
    /// with its own strings moved into this store's table.
    mutating func append(contentsOf other: CellStore) {
        guard !other.records.isEmpty else { return }
        if let last = records.last, let first = other.records.first,
           (last.row, last.column) >= (first.row, first.column) {
            sorted = false
        }
        if !other.sorted { sorted = false }
        let start = records.count
        records.append(contentsOf: other.records)
        if !other.localStrings.isEmpty {
            let offset = UInt64(localStrings.count)
            localStrings.append(contentsOf: other.localStrings)
            if offset > 0 {
                records.withUnsafeMutableBufferPointer { buffer in
                    for i in start..<buffer.count where buffer[i].kind == .localString { buffer[i].payload += offset }
                }
            }
        }
    }

    mutating func appendLocalString(_ s: String) -> UInt64 {
        localStrings.append(s)
        return UInt64(localStrings.count - 1)
    }

    /// Puts the records in row-major order, keeping the last of any duplicates (as Excel does).
    mutating func finish() {
        guard !sorted else { return }
        let ordered = records.enumerated().sorted { a, b in
            (a.element.row, a.element.column, a.offset) < (b.element.row, b.element.column, b.offset)
        }
        var result: [Record] = []
        result.reserveCapacity(ordered.count)
        for (_, r) in ordered {
            if let last = result.last, last.row == r.row, last.column == r.column { result.removeLast() }
            result.append(r)
        }
        records = result
        sorted = true
    }
}

/// The workbook's shared strings, shared by reference among its sheets.
public final class StringTable: Sendable {
    public let strings: [String]
    public init(_ strings: [String]) { self.strings = strings }
}
