import Kalkyl

// Building and editing a model in code: what the template generator and the report filler use
// to put cells, formulas and styles into a workbook before it is written.

extension CellStore {
    /// Puts a record in its place, replacing any record of the same cell. Appending in row-major
    /// order costs O(1); an insertion elsewhere moves the records after it.
    mutating func set(_ record: Record) {
        guard let last = records.last, (last.row, last.column) >= (record.row, record.column) else {
            records.append(record)
            return
        }
        let key = (record.row, record.column)
        var low = 0, high = records.count
        while low < high {
            let mid = (low + high) / 2
            if (records[mid].row, records[mid].column) < key { low = mid + 1 } else { high = mid }
        }
        if low < records.count, (records[low].row, records[low].column) == key {
            records[low] = record
        } else {
            records.insert(record, at: low)
        }
    }

    /// Removes the record of a cell, if any.
    mutating func remove(at address: CellAddress) {
        if let i = index(of: address) { records.remove(at: i) }
    }

    /// Replaces every record (already in row-major order, no duplicates) at once.
    mutating func replaceAll(_ newRecords: [Record]) {
        records = newRecords
    }

    /// A record for a value, its text stored in the sheet's own table.
    mutating func record(for value: CellValue, at address: CellAddress, style: Int, hasFormula: Bool) -> Record {
        var record = Record(row: UInt32(address.row), column: UInt16(address.column), kind: .blank,
                            hasFormula: hasFormula, style: UInt32(style), payload: 0)
        switch value {
        case .empty: break
        case .number(let x):
            record.kind = .number
            record.payload = x.bitPattern
        case .text(let s):
            record.kind = .localString
            // Built sheets repeat the same texts (a division's name on every ledger row): store each once.
            if let index = builtStrings[s] {
                record.payload = index
            } else {
                record.payload = appendLocalString(s)
                builtStrings[s] = record.payload
            }
        case .boolean(let b):
            record.kind = .boolean
            record.payload = b ? 1 : 0
        case .error(let e):
            record.kind = .error
            record.payload = UInt64(e.rawValue)
        }
        return record
    }
}

extension WorksheetModel {
    /// A new empty sheet for building in code.
    public init(name: String) {
        self.init(name: name, sharedStrings: StringTable([]))
    }

    /// Puts a constant into a cell, replacing any formula there. `style` nil keeps the cell's style.
    public mutating func setValue(_ value: CellValue, at address: CellAddress, style: Int? = nil) {
        guard address.isInsideGrid else { return }
        let record = cells.record(for: value, at: address, style: style ?? cells.style(at: address), hasFormula: false)
        cells.set(record)
        removeFormula(at: address)
    }

    /// Puts a formula (text without "=") into a cell, with a cached value (empty until calculated).
    public mutating func setFormula(_ text: String, at address: CellAddress, style: Int? = nil, cached: CellValue = .empty) {
        guard address.isInsideGrid else { return }
        let body = text.hasPrefix("=") ? String(text.dropFirst()) : text
        let record = cells.record(for: cached, at: address, style: style ?? cells.style(at: address), hasFormula: true)
        cells.set(record)
        setFormulaEntry(CellFormula(address: address, kind: .normal(body)))
    }

    /// A legacy (CSE) array formula over `range`, entered in its top-left cell.
    public mutating func setArrayFormula(_ text: String, range: CellRange, style: Int? = nil) {
        let body = text.hasPrefix("=") ? String(text.dropFirst()) : text
        for address in range.addressList {
            let record = cells.record(for: .empty, at: address, style: style ?? cells.style(at: address), hasFormula: address == range.first)
            cells.set(record)
            removeFormula(at: address)
        }
        setFormulaEntry(CellFormula(address: range.first, kind: .array(range: range, text: body, isDynamic: false)))
    }

    /// Starts a shared formula: one formula text, written for `anchor`, that cells added with
    /// `setSharedFormula(group:at:)` take moved to themselves as Excel fills (relative references
    /// move). The engine parses it once for all of them.
    public mutating func addSharedFormula(_ text: String, anchor: CellAddress) -> Int {
        let body = text.hasPrefix("=") ? String(text.dropFirst()) : text
        let group = (sharedFormulas.keys.max() ?? -1) + 1
        sharedFormulas[group] = SharedFormula(anchor: anchor, text: body, range: nil)
        return group
    }

    /// Puts a cell into a shared formula group (see `addSharedFormula`).
    public mutating func setSharedFormula(group: Int, at address: CellAddress, style: Int? = nil) {
        guard address.isInsideGrid, sharedFormulas[group] != nil else { return }
        let record = cells.record(for: .empty, at: address, style: style ?? cells.style(at: address), hasFormula: true)
        cells.set(record)
        setFormulaEntry(CellFormula(address: address, kind: .shared(group: group)))
    }

    /// Gives a cell a style, keeping its value (a formatted blank when it has none).
    public mutating func setStyle(_ style: Int, at address: CellAddress) {
        guard address.isInsideGrid else { return }
        if let i = cells.index(of: address) {
            var record = cells.records[i]
            record.style = UInt32(style)
            cells.set(record)
        } else {
            cells.set(CellStore.Record(row: UInt32(address.row), column: UInt16(address.column), kind: .blank,
                                       hasFormula: false, style: UInt32(style), payload: 0))
        }
    }

    /// Styles every cell of a range (see `setStyle`).
    public mutating func setStyle(_ style: Int, over range: CellRange) {
        for address in range.addressList { setStyle(style, at: address) }
    }

    /// Empties a cell: no value, no formula, no style.
    public mutating func clearCell(at address: CellAddress) {
        cells.remove(at: address)
        removeFormula(at: address)
    }

    /// Sets the width (in characters) of columns `first...last` (zero-based).
    public mutating func setColumnWidth(_ width: Double, columns first: Int, _ last: Int? = nil, hidden: Bool = false) {
        let last = last ?? first
        columns.removeAll { $0.first >= first && $0.last <= last }
        var format = ColumnFormat(first: first, last: last)
        format.width = width
        format.customWidth = true
        format.hidden = hidden
        columns.append(format)
        columns.sort { $0.first < $1.first }
    }

    /// Sets the height (points) or hiding of one row (zero-based).
    public mutating func setRowFormat(row: Int, height: Double? = nil, hidden: Bool = false) {
        rows.removeAll { $0.row == row }
        var format = RowFormat(row: row)
        format.height = height
        format.customHeight = height != nil
        format.hidden = hidden
        rows.append(format)
        rows.sort { $0.row < $1.row }
    }

    mutating func setFormulaEntry(_ formula: CellFormula) {
        if let last = formulas.last, last.address < formula.address {
            formulas.append(formula)
            return
        }
        var low = 0, high = formulas.count
        while low < high {
            let mid = (low + high) / 2
            if formulas[mid].address < formula.address { low = mid + 1 } else { high = mid }
        }
        if low < formulas.count, formulas[low].address == formula.address {
            formulas[low] = formula
        } else {
            formulas.insert(formula, at: low)
        }
    }

    mutating func removeFormula(at address: CellAddress) {
        var low = 0, high = formulas.count - 1
        while low <= high {
            let mid = (low + high) / 2
            if formulas[mid].address == address {
                formulas.remove(at: mid)
                return
            }
            if formulas[mid].address < address { low = mid + 1 } else { high = mid - 1 }
        }
    }
}

extension RowFormat {
    public init(row: Int) { self.row = row }
}

extension ColumnFormat {
    public init(first: Int, last: Int) {
        self.first = first
        self.last = last
    }
}

/// A cell's look as one value — what a template generator asks for; `StyleSheet.format(_:)`
/// turns it into a cell-format index, reusing an identical one.
public struct CellStyle: Sendable, Equatable {
    /// A number format code (`#,##0`, `0.0 %`, `yyyy-mm-dd`); nil: General.
    public var numberFormat: String?
    public var font = Font()
    public var fill: Fill?
    public var border: Border?
    public var alignment: Alignment?

    public init(numberFormat: String? = nil, font: Font = Font(), fill: Fill? = nil, border: Border? = nil, alignment: Alignment? = nil) {
        self.numberFormat = numberFormat
        self.font = font
        self.fill = fill
        self.border = border
        self.alignment = alignment
    }
}

extension StyleSheet {
    /// The cell-format index for a style, adding the font, fill, border, number format and cell
    /// format it needs unless identical ones exist.
    public mutating func format(_ style: CellStyle) -> Int {
        var format = CellFormat()
        format.numberFormatId = numberFormatId(style.numberFormat)
        format.fontId = Self.index(of: style.font, in: &fonts)
        if let fill = style.fill { format.fillId = Self.index(of: fill, in: &fills) }
        if let border = style.border { format.borderId = Self.index(of: border, in: &borders) }
        format.alignment = style.alignment
        format.styleFormatId = 0
        return Self.index(of: format, in: &cellFormats)
    }

    /// The id of a number format code: a built-in one's id, an existing custom one's, or a new id.
    public mutating func numberFormatId(_ code: String?) -> Int {
        guard let code, code != "General" else { return 0 }
        if let (id, _) = NumberFormat.builtIn.first(where: { $0.value == code }) { return id }
        if let (id, _) = numberFormats.first(where: { $0.value == code }) { return id }
        let id = max(163, numberFormats.keys.max() ?? 163) + 1
        numberFormats[id] = code
        return id
    }

    /// A differential format (for a conditional format's rule), reusing an identical one.
    public mutating func differentialFormat(_ format: DifferentialFormat) -> Int {
        Self.index(of: format, in: &differentialFormats)
    }

    private static func index<T: Equatable>(of item: T, in list: inout [T]) -> Int {
        if let i = list.firstIndex(of: item) { return i }
        list.append(item)
        return list.count - 1
    }
}

extension WorkbookModel {
    /// Adds a sheet built in code and returns its index.
    @discardableResult
    public mutating func addSheet(_ sheet: WorksheetModel) -> Int {
        sheets.append(sheet)
        return sheets.count - 1
    }

    /// Defines (or redefines) a name; `formula` without "=".
    public mutating func defineName(_ name: String, formula: String, sheetScope: Int? = nil) {
        definedNames.removeAll { $0.name.caseInsensitiveEquals(name) && $0.sheetScope == sheetScope }
        definedNames.append(DefinedName(name: name, sheetScope: sheetScope, formula: formula))
    }
}

extension CellRange {
    /// Every cell of the range, row by row.
    var addressList: [CellAddress] {
        (first.row...last.row).flatMap { r in (first.column...last.column).map { CellAddress(row: Int(r), column: Int($0)) } }
    }
}
