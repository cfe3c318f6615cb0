import Kalkyl

/// The content of `<sheetData>`: cells with their cached values and formulas, and row formats.
///
/// One reader takes a whole sheet read on one thread; when a large sheet is read in chunks on
/// several threads (`ChunkedSheetReading`), each run of rows gets its own reader, and `merge` puts
/// them together in file order into what a single reader would have read.
final class SheetDataReader: XMLContentHandler {
    private(set) var cells: CellStore
    private(set) var formulas: [CellFormula] = []
    private(set) var sharedFormulas: [Int: SharedFormula] = [:]
    /// Formulas that became their group's master in this reader (index in `formulas`): in a later
    /// chunk the group may already have its master from an earlier one, and then the formula
    /// spells itself out (as a member with its own text does).
    private var masters: [(formula: Int, group: Int)] = []
    private(set) var rows: [RowFormat] = []
    private(set) var warnings: [XLSXWarning] = []
    /// The largest shared-string index a cell uses, to check against the table once it is read.
    private(set) var maxSharedStringIndex = -1
    let part: String
    private let date1904: Bool

    /// Called at the end of the element whose content this reader reads (`</sheetData>`).
    var onEnd: ((XMLStreamParser) -> Void)?
    /// A chunk's events start with its wrapper element, which is not part of the rows.
    private var skipsWrapper = false

    // Where the stream is. A chunk starts without knowing the row before it, so a row or cell
    // without its own reference cannot be placed there (`ChunkNeedsSequentialRead`).
    private var depth = 0
    private var extensionDepth = 0
    private var positionKnown: Bool
    private var row = -1
    private var column = -1
    private var inInlineString = false
    private var phoneticDepth = 0

    // The cell being read.
    private enum ValueType { case number, sharedString, string, inlineString, boolean, error, date }
    private enum Capture { case none, value, formula, inlineText }
    private var capture = Capture.none
    private var cellType = ValueType.number
    private var cellStyle: UInt32 = 0
    private var cellIsDynamicArray = false
    private var valueText = TextBuffer()
    private var hasValue = false
    private var inlineText = TextBuffer()
    private var hasInline = false
    private var formulaText = TextBuffer()
    private var texts = RepeatedTexts()
    private var formulaAttributes: (type: String?, group: Int?, ref: String?, alwaysCalculate: Bool)?

    /// `atPartStart`: the reader starts where the sheet's rows start (not in a chunk after others).
    init(part: String, date1904: Bool, atPartStart: Bool, expectedCells: Int = 0) {
        self.part = part
        self.date1904 = date1904
        positionKnown = atPartStart
        cells = CellStore(sharedStrings: StringTable([]))
        cells.reserve(expectedCells)
    }

    /// A reader for a chunk of rows wrapped in an element of its own.
    static func forChunk(part: String, date1904: Bool, expectedCells: Int) -> SheetDataReader {
        let reader = SheetDataReader(part: part, date1904: date1904, atPartStart: false, expectedCells: expectedCells)
        reader.skipsWrapper = true
        return reader
    }

    /// Directly inside `<sheetData>` between two rows: the rows that follow may be read by others.
    var isBetweenRows: Bool { depth == 0 && extensionDepth == 0 && capture == .none && !skipsWrapper }

    // MARK: - Events (inside `<sheetData>`)

    func startElement(_ tag: XMLStartTag, at parser: XMLStreamParser) throws {
        if skipsWrapper { skipsWrapper = false; return }
        depth += 1
        if tag.name.firstByte == UInt8(ascii: "e"), tag.name.is("extLst") { extensionDepth += 1 }
        guard extensionDepth == 0 else { return }
        try start(tag, parser)
    }

    func endElement(_ name: XMLName, at parser: XMLStreamParser) throws {
        guard depth > 0 else {
            onEnd?(parser)
            return
        }
        depth -= 1
        if name.firstByte == UInt8(ascii: "e"), name.is("extLst") { extensionDepth -= 1; return }
        guard extensionDepth == 0 else { return }
        try end(name, parser)
    }

    private func start(_ tag: XMLStartTag, _ parser: XMLStreamParser) throws {
        let name = tag.name
        switch name.firstByte {
        case UInt8(ascii: "c") where name.is("c"): try startCell(tag, parser)
        case UInt8(ascii: "v") where name.is("v"):
            capture = .value
            valueText.clear()
            hasValue = true
        case UInt8(ascii: "f") where name.is("f"):
            capture = .formula
            formulaText.clear()
            formulaAttributes = (tag["t"], tag.attribute("si")?.int, tag["ref"], tag.attribute("ca")?.bool ?? false)
        case UInt8(ascii: "i") where name.is("is"):
            inInlineString = true
            hasInline = true
            inlineText.clear()
        case UInt8(ascii: "t") where name.is("t"):
            if inInlineString && phoneticDepth == 0 { capture = .inlineText }
        case UInt8(ascii: "r") where name.is("rPh"):
            phoneticDepth += 1
        case UInt8(ascii: "r") where name.is("row"):
            try startRow(tag, parser)
        default:
            break
        }
    }

    private func end(_ name: XMLName, _ parser: XMLStreamParser) throws {
        switch name.firstByte {
        case UInt8(ascii: "c") where name.is("c"): try finishCell(parser)
        case UInt8(ascii: "v") where name.is("v"), UInt8(ascii: "f") where name.is("f"),
             UInt8(ascii: "t") where name.is("t"):
            capture = .none
        case UInt8(ascii: "i") where name.is("is"): inInlineString = false
        case UInt8(ascii: "r") where name.is("rPh"): phoneticDepth -= 1
        default: break
        }
    }

    func characters(_ text: XMLText) {
        switch capture {
        case .none: return
        case .value: text.append(to: &valueText)
        case .formula: text.append(to: &formulaText)
        case .inlineText: text.append(to: &inlineText)
        }
    }

    private func startCell(_ tag: XMLStartTag, _ parser: XMLStreamParser) throws {
        var reference: XMLAttribute?
        var type: XMLAttribute?
        var style: XMLAttribute?
        var dynamicArray = false
        tag.forEachAttribute { name, value in
            switch name.firstByte {
            case UInt8(ascii: "r") where name.is("r"): reference = value
            case UInt8(ascii: "t") where name.is("t"): type = value
            case UInt8(ascii: "s") where name.is("s"): style = value
            case UInt8(ascii: "c") where name.is("cm"): dynamicArray = true
            default: break
            }
        }
        if let r = reference {
            guard let address = r.cellAddress else {
                throw parser.contentError("cell reference '\(r.string)' is not a cell inside Excel's grid")
            }
            row = address.row
            column = address.column
            positionKnown = true
        } else {
            guard positionKnown else { throw ChunkNeedsSequentialRead() }
            if row < 0 { row = 0 }
            column += 1
            guard column < Grid.columnCount else {
                throw parser.contentError("a row has more than \(Grid.columnCount) cells")
            }
        }
        cellType = Self.valueType(type)
        cellStyle = UInt32(clamping: style?.int ?? 0)
        cellIsDynamicArray = dynamicArray
        hasValue = false
        hasInline = false
        formulaAttributes = nil
    }

    private func startRow(_ tag: XMLStartTag, _ parser: XMLStreamParser) throws {
        if let r = tag.attribute("r") {
            guard let index = r.int, index >= 1, index <= Grid.rowCount else {
                throw parser.contentError("row number '\(r.string)' is outside Excel's grid")
            }
            row = index - 1
            positionKnown = true
        } else {
            guard positionKnown else { throw ChunkNeedsSequentialRead() }
            row += 1
            guard row < Grid.rowCount else { throw parser.contentError("more than \(Grid.rowCount) rows") }
        }
        column = -1
        readRowFormat(tag)
    }

    private func readRowFormat(_ tag: XMLStartTag) {
        let hidden = tag.attribute("hidden")?.bool ?? false
        let customHeight = tag.attribute("customHeight")?.bool ?? false
        let customFormat = tag.attribute("customFormat")?.bool ?? false
        let outline = tag.attribute("outlineLevel")?.int ?? 0
        guard hidden || customHeight || customFormat || outline > 0 else { return }
        rows.append(RowFormat(
            row: row, height: tag.attribute("ht")?.double, hidden: hidden, customHeight: customHeight,
            style: customFormat ? tag.attribute("s")?.int : nil, outlineLevel: outline))
    }

    // MARK: - Cells

    private static func valueType(_ attribute: XMLAttribute?) -> ValueType {
        guard let t = attribute else { return .number }
        if t.is("s") { return .sharedString }
        if t.is("n") { return .number }
        if t.is("str") { return .string }
        if t.is("inlineStr") { return .inlineString }
        if t.is("b") { return .boolean }
        if t.is("e") { return .error }
        if t.is("d") { return .date }
        return .number
    }

    private func finishCell(_ parser: XMLStreamParser) throws {
        var record = CellStore.Record(
            row: UInt32(row), column: UInt16(column), kind: .blank, hasFormula: false, style: cellStyle, payload: 0)
        try readValue(into: &record, parser)
        if let attributes = formulaAttributes {
            record.hasFormula = try readFormula(attributes, parser)
        }
        // A blank cell with the default style carries nothing worth keeping.
        if record.kind == .blank && !record.hasFormula && record.style == 0 { return }
        cells.append(record)
    }

    private func readValue(into record: inout CellStore.Record, _ parser: XMLStreamParser) throws {
        if cellType == .inlineString {
            guard hasInline || hasValue else { return }
            record.kind = .localString
            record.payload = texts.index(of: hasInline ? inlineText.bytes : valueText.bytes, in: &cells)
            return
        }
        guard hasValue else { return }
        switch cellType {
        case .number:
            guard let number = XMLValueText.double(valueText.bytes) else {
                if valueText.bytes.allSatisfy({ $0 <= 0x20 }) { return }  // `<v></v>`: no value
                throw parser.contentError("'\(XMLValueText.string(valueText.bytes))' is not a number")
            }
            record.kind = .number
            record.payload = number.bitPattern
        case .sharedString:
            guard let index = XMLValueText.int(valueText.bytes) else {
                throw parser.contentError("'\(XMLValueText.string(valueText.bytes))' is not a shared-string index")
            }
            maxSharedStringIndex = max(maxSharedStringIndex, index)
            record.kind = .sharedString
            record.payload = UInt64(index)
        case .string, .inlineString:
            record.kind = .localString
            record.payload = texts.index(of: valueText.bytes, in: &cells)
        case .boolean:
            record.kind = .boolean
            let text = XMLValueText.string(valueText.bytes).trimmingSpaces
            record.payload = (text == "1" || text.lowercased() == "true") ? 1 : 0
        case .error:
            let text = XMLValueText.string(valueText.bytes).trimmingSpaces
            record.kind = .error
            if let error = ErrorValue(text: text) {
                record.payload = UInt64(error.rawValue)
            } else {
                warnings.append(XLSXWarning(part: part, line: parser.line, message: "unknown error value '\(text)' read as #VALUE!"))
                record.payload = UInt64(ErrorValue.value.rawValue)
            }
        case .date:
            let text = XMLValueText.string(valueText.bytes).trimmingSpaces
            guard let serial = ExcelDate.serial(iso8601: text, date1904: date1904) else {
                throw parser.contentError("'\(text)' is not an ISO 8601 date")
            }
            record.kind = .number
            record.payload = serial.bitPattern
        }
    }

    /// Records the cell's formula; false when the `<f>` holds no formula (an empty element).
    private func readFormula(_ attributes: (type: String?, group: Int?, ref: String?, alwaysCalculate: Bool),
                             _ parser: XMLStreamParser) throws -> Bool {
        let address = CellAddress(row: row, column: column)
        let text = XMLValueText.string(formulaText.bytes)
        let kind: CellFormula.Kind
        switch attributes.type ?? "normal" {
        case "shared":
            guard let group = attributes.group else {
                throw parser.contentError("a shared formula without si")
            }
            if sharedFormulas[group] == nil, !text.isEmpty {
                sharedFormulas[group] = SharedFormula(
                    anchor: address, text: text, range: attributes.ref.flatMap { CellRange(a1: $0) })
                masters.append((formulas.count, group))
                kind = .shared(group: group)
            } else if !text.isEmpty {
                kind = .normal(text)  // a member that spells its own formula out
            } else {
                kind = .shared(group: group)
            }
        case "array":
            guard !text.isEmpty else { return false }
            let range = attributes.ref.flatMap { CellRange(a1: $0) } ?? CellRange(address)
            kind = .array(range: range, text: text, isDynamic: cellIsDynamicArray)
        case "dataTable":
            kind = .dataTable(range: attributes.ref.flatMap { CellRange(a1: $0) })
        default:
            guard !text.isEmpty else { return false }
            kind = .normal(text)
        }
        formulas.append(CellFormula(address: address, kind: kind, alwaysCalculate: attributes.alwaysCalculate))
        return true
    }

    // MARK: - Putting chunks together

    func reserve(cells count: Int) { cells.reserve(count) }

    /// Appends what `next` (the reader of the rows after this one's) read, as if this reader had
    /// read on: a shared group whose master this reader already has keeps it, and `next`'s own
    /// master of that group becomes a formula of its own.
    func append(_ next: SheetDataReader) {
        cells.append(contentsOf: next.cells)
        let base = formulas.count
        formulas.append(contentsOf: next.formulas)
        for (index, group) in next.masters {
            guard let master = next.sharedFormulas[group] else { continue }
            if sharedFormulas[group] == nil {
                sharedFormulas[group] = master
                masters.append((base + index, group))
            } else {
                formulas[base + index].kind = .normal(master.text)
            }
        }
        rows.append(contentsOf: next.rows)
        warnings.append(contentsOf: next.warnings)
        maxSharedStringIndex = max(maxSharedStringIndex, next.maxSharedStringIndex)
    }

    /// Hands the cells, formulas and row formats to the sheet.
    func move(into sheet: inout WorksheetModel) {
        sheet.cells = cells
        sheet.formulas = formulas
        sheet.sharedFormulas = sharedFormulas
        sheet.rows = rows
        cells = CellStore(sharedStrings: StringTable([]))
        formulas = []
        rows = []
    }
}

/// Thrown by a chunk's reader when a row or cell has no reference and its place depends on the
/// rows before the chunk: the sheet is then read again on one thread.
struct ChunkNeedsSequentialRead: Error {}
