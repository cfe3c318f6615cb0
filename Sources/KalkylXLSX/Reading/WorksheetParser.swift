import Kalkyl

/// One worksheet part, streamed: cells with their cached values and formulas, and the sheet's layout.
final class WorksheetParser: XMLContentHandler {
    private(set) var sheet: WorksheetModel
    private(set) var warnings: [XLSXWarning] = []
    private(set) var tableRelationshipIds: [String] = []
    /// `<hyperlink>` elements in file order; their URLs are in the sheet's relationships.
    private(set) var hyperlinks: [PendingHyperlink] = []
    /// The largest shared-string index a cell uses, to check against the table once it is read.
    private(set) var maxSharedStringIndex = -1
    private let date1904: Bool

    // Where the stream is.
    private var inSheetData = false
    private var extensionDepth = 0
    private var inSheetView = false
    private var sawSheetView = false
    private var inHeaderFooter = false
    private var inInlineString = false
    private var phoneticDepth = 0
    private var row = -1
    private var column = -1

    // The cell being read.
    private enum ValueType { case number, sharedString, string, inlineString, boolean, error, date }
    private enum Capture { case none, value, formula, inlineText, headerFooter, ruleFormula }
    private var capture = Capture.none
    private var cellType = ValueType.number
    private var cellStyle: UInt32 = 0
    private var cellIsDynamicArray = false
    private var valueText: [UInt8] = []
    private var hasValue = false
    private var inlineText: [UInt8] = []
    private var hasInline = false
    private var formulaText: [UInt8] = []
    private var formulaAttributes: (type: String?, group: Int?, ref: String?, alwaysCalculate: Bool)?
    private var headerFooterText: [UInt8] = []
    // Conditional formats and data validations being read.
    private var conditionalFormat: ConditionalFormat?
    private var conditionalRule: ConditionalRule?
    private var dataValidation: DataValidation?
    private var ruleFormulaText: [UInt8] = []

    init(name: String, part: String, date1904: Bool) {
        sheet = WorksheetModel(name: name)
        sheet.part = part
        self.date1904 = date1904
    }

    // MARK: - Events

    func startElement(_ tag: XMLStartTag, at parser: XMLStreamParser) throws {
        let name = tag.name
        if name.is("extLst") { extensionDepth += 1 }
        guard extensionDepth == 0 else { return }
        if inSheetData {
            try startInSheetData(tag, parser)
            return
        }
        if name.is("sheetData") {
            inSheetData = true
        } else if name.is("dimension") {
            sheet.declaredDimension = tag["ref"].flatMap { CellRange(a1: $0) }
        } else if name.is("sheetView") {
            inSheetView = !sawSheetView
            sawSheetView = true
            if inSheetView {
                sheet.view.zoom = tag.attribute("zoomScale")?.int
                sheet.view.showGridLines = tag.attribute("showGridLines")?.bool ?? true
                sheet.view.isSelected = tag.attribute("tabSelected")?.bool ?? false
                sheet.view.rightToLeft = tag.attribute("rightToLeft")?.bool ?? false
            }
        } else if name.is("pane"), inSheetView {
            let state = tag["state"] ?? "split"
            if state == "frozen" || state == "frozenSplit" {
                sheet.view.frozenColumns = Int(tag.attribute("xSplit")?.double ?? 0)
                sheet.view.frozenRows = Int(tag.attribute("ySplit")?.double ?? 0)
            }
            sheet.view.topLeftCell = tag["topLeftCell"].flatMap { CellAddress(a1: $0) }
        } else if name.is("sheetFormatPr") {
            sheet.defaultRowHeight = tag.attribute("defaultRowHeight")?.double
            sheet.defaultColumnWidth = tag.attribute("defaultColWidth")?.double
        } else if name.is("col") {
            guard let min = tag.attribute("min")?.int, let max = tag.attribute("max")?.int,
                  min >= 1, max >= min, max <= Grid.columnCount else {
                warn("a <col> with an invalid min/max was ignored", parser)
                return
            }
            sheet.columns.append(ColumnFormat(
                first: min - 1, last: max - 1, width: tag.attribute("width")?.double,
                hidden: tag.attribute("hidden")?.bool ?? false, customWidth: tag.attribute("customWidth")?.bool ?? false,
                style: tag.attribute("style")?.int, outlineLevel: tag.attribute("outlineLevel")?.int ?? 0))
        } else if name.is("mergeCell") {
            if let ref = tag["ref"], let range = CellRange(a1: ref) {
                sheet.mergedRanges.append(range)
            } else {
                warn("a merged range with an invalid ref was ignored", parser)
            }
        } else if name.is("tabColor") {
            sheet.tabColor = StylesParser.color(tag)
        } else if name.is("pageSetUpPr") {
            sheet.pageSetup.fitToPage = tag.attribute("fitToPage")?.bool ?? false
        } else if name.is("pageSetup") {
            sheet.pageSetup.orientation = tag["orientation"].flatMap(PageSetup.Orientation.init(rawValue:))
            sheet.pageSetup.paperSize = tag.attribute("paperSize")?.int
            sheet.pageSetup.scale = tag.attribute("scale")?.int
            sheet.pageSetup.fitToWidth = tag.attribute("fitToWidth")?.int
            sheet.pageSetup.fitToHeight = tag.attribute("fitToHeight")?.int
        } else if name.is("printOptions") {
            sheet.pageSetup.printGridLines = tag.attribute("gridLines")?.bool ?? false
            sheet.pageSetup.centerHorizontally = tag.attribute("horizontalCentered")?.bool ?? false
            sheet.pageSetup.centerVertically = tag.attribute("verticalCentered")?.bool ?? false
        } else if name.is("pageMargins") {
            let keys: [StaticString] = ["left", "right", "top", "bottom", "header", "footer"]
            sheet.pageSetup.margins = keys.map { tag.attribute($0)?.double ?? 0 }
        } else if name.is("oddHeader") || name.is("oddFooter") {
            capture = .headerFooter
            headerFooterText.removeAll(keepingCapacity: true)
        } else if name.is("autoFilter") {
            sheet.autoFilterRange = tag["ref"].flatMap { CellRange(a1: $0) }
        } else if name.is("tablePart") {
            if let id = tag["id"] { tableRelationshipIds.append(id) }
        } else if name.is("hyperlink") {
            readHyperlink(tag, parser)
        } else {
            startRuleElement(tag)
        }
    }

    /// A hyperlink whose `r:id` (the URL) is resolved once the sheet's relationships are read.
    struct PendingHyperlink {
        var link: Hyperlink
        var relationshipId: String?
        var line: Int
    }

    /// Far beyond Excel's 65,530 links per sheet; a hostile part cannot grow the list without end.
    static let maxHyperlinks = 1 << 20
    private var droppedHyperlinks = false

    private func readHyperlink(_ tag: XMLStartTag, _ parser: XMLStreamParser) {
        guard let ref = tag["ref"], let range = CellRange(a1: ref) else {
            warn("a hyperlink without a valid ref was ignored", parser)
            return
        }
        guard hyperlinks.count < Self.maxHyperlinks else {
            if !droppedHyperlinks { warn("more than \(Self.maxHyperlinks) hyperlinks; the rest were ignored", parser) }
            droppedHyperlinks = true
            return
        }
        // An empty attribute says nothing (libxlsxwriter writes `display=""` for a link without one).
        func text(_ value: String?) -> String? { value.flatMap { $0.isEmpty ? nil : XMLValueText.unescape($0) } }
        hyperlinks.append(PendingHyperlink(
            link: Hyperlink(range: range, location: text(tag["location"]), display: text(tag["display"]),
                            tooltip: text(tag["tooltip"])),
            relationshipId: tag["id"].flatMap { $0.isEmpty ? nil : $0 }, line: parser.line))
    }

    /// `<conditionalFormatting>`, `<cfRule>`, `<dataValidation>` and their formulas.
    private func startRuleElement(_ tag: XMLStartTag) {
        let name = tag.name
        if name.is("conditionalFormatting") {
            conditionalFormat = ConditionalFormat(ranges: Self.ranges(tag["sqref"]))
        } else if name.is("cfRule"), conditionalFormat != nil {
            conditionalRule = ConditionalRule(
                type: tag["type"] ?? "", operator: tag["operator"], differentialFormat: tag.attribute("dxfId")?.int,
                priority: tag.attribute("priority")?.int, stopIfTrue: tag.attribute("stopIfTrue")?.bool ?? false)
        } else if name.is("formula"), conditionalRule != nil {
            capture = .ruleFormula
            ruleFormulaText.removeAll(keepingCapacity: true)
        } else if name.is("dataValidation") {
            var v = DataValidation(ranges: Self.ranges(tag["sqref"]), type: tag["type"] ?? "none")
            v.operator = tag["operator"]
            v.allowBlank = tag.attribute("allowBlank")?.bool ?? false
            v.showInputMessage = tag.attribute("showInputMessage")?.bool ?? false
            v.showErrorMessage = tag.attribute("showErrorMessage")?.bool ?? false
            v.hideDropDown = tag.attribute("showDropDown")?.bool ?? false
            v.errorStyle = tag["errorStyle"]
            v.promptTitle = tag["promptTitle"].map(XMLValueText.unescape)
            v.prompt = tag["prompt"].map(XMLValueText.unescape)
            v.errorTitle = tag["errorTitle"].map(XMLValueText.unescape)
            v.error = tag["error"].map(XMLValueText.unescape)
            dataValidation = v
        } else if (name.is("formula1") || name.is("formula2")), dataValidation != nil {
            capture = .ruleFormula
            ruleFormulaText.removeAll(keepingCapacity: true)
        }
    }

    private func endRuleElement(_ name: XMLName) {
        if name.is("formula"), conditionalRule != nil {
            conditionalRule?.formulas.append(XMLValueText.string(ruleFormulaText))
            capture = .none
        } else if name.is("cfRule"), let rule = conditionalRule {
            conditionalFormat?.rules.append(rule)
            conditionalRule = nil
        } else if name.is("conditionalFormatting"), let cf = conditionalFormat {
            if !cf.ranges.isEmpty { sheet.conditionalFormats.append(cf) }
            conditionalFormat = nil
        } else if (name.is("formula1") || name.is("formula2")), dataValidation != nil {
            let text = XMLValueText.string(ruleFormulaText)
            if name.is("formula1") { dataValidation?.formula1 = text } else { dataValidation?.formula2 = text }
            capture = .none
        } else if name.is("dataValidation"), let v = dataValidation {
            if !v.ranges.isEmpty { sheet.dataValidations.append(v) }
            dataValidation = nil
        }
    }

    /// A space-separated list of ranges (`sqref`); parts that are not ranges are left out.
    private static func ranges(_ sqref: String?) -> [CellRange] {
        (sqref ?? "").split(separator: " ").compactMap { CellRange(a1: $0) }
    }

    private func startInSheetData(_ tag: XMLStartTag, _ parser: XMLStreamParser) throws {
        let name = tag.name
        if name.is("c") {
            if let r = tag.attribute("r") {
                guard let address = r.cellAddress else {
                    throw parser.contentError("cell reference '\(r.string)' is not a cell inside Excel's grid")
                }
                row = address.row
                column = address.column
            } else {
                if row < 0 { row = 0 }
                column += 1
                guard column < Grid.columnCount else {
                    throw parser.contentError("a row has more than \(Grid.columnCount) cells")
                }
            }
            cellType = Self.valueType(tag.attribute("t"))
            cellStyle = UInt32(clamping: tag.attribute("s")?.int ?? 0)
            cellIsDynamicArray = tag.attribute("cm") != nil
            hasValue = false
            hasInline = false
            formulaAttributes = nil
        } else if name.is("v") {
            capture = .value
            valueText.removeAll(keepingCapacity: true)
            hasValue = true
        } else if name.is("f") {
            capture = .formula
            formulaText.removeAll(keepingCapacity: true)
            formulaAttributes = (tag["t"], tag.attribute("si")?.int, tag["ref"], tag.attribute("ca")?.bool ?? false)
        } else if name.is("is") {
            inInlineString = true
            hasInline = true
            inlineText.removeAll(keepingCapacity: true)
        } else if name.is("t") {
            if inInlineString && phoneticDepth == 0 { capture = .inlineText }
        } else if name.is("rPh") {
            phoneticDepth += 1
        } else if name.is("row") {
            if let r = tag.attribute("r") {
                guard let index = r.int, index >= 1, index <= Grid.rowCount else {
                    throw parser.contentError("row number '\(r.string)' is outside Excel's grid")
                }
                row = index - 1
            } else {
                row += 1
                guard row < Grid.rowCount else { throw parser.contentError("more than \(Grid.rowCount) rows") }
            }
            column = -1
            readRowFormat(tag)
        }
    }

    private func readRowFormat(_ tag: XMLStartTag) {
        let hidden = tag.attribute("hidden")?.bool ?? false
        let customHeight = tag.attribute("customHeight")?.bool ?? false
        let customFormat = tag.attribute("customFormat")?.bool ?? false
        let outline = tag.attribute("outlineLevel")?.int ?? 0
        guard hidden || customHeight || customFormat || outline > 0 else { return }
        sheet.rows.append(RowFormat(
            row: row, height: tag.attribute("ht")?.double, hidden: hidden, customHeight: customHeight,
            style: customFormat ? tag.attribute("s")?.int : nil, outlineLevel: outline))
    }

    func endElement(_ name: XMLName, at parser: XMLStreamParser) throws {
        if name.is("extLst") { extensionDepth -= 1; return }
        guard extensionDepth == 0 else { return }
        if inSheetData {
            if name.is("c") {
                try finishCell(parser)
            } else if name.is("v") || name.is("f") || name.is("t") {
                capture = .none
            } else if name.is("is") {
                inInlineString = false
            } else if name.is("rPh") {
                phoneticDepth -= 1
            } else if name.is("sheetData") {
                inSheetData = false
            }
            return
        }
        if name.is("sheetView") {
            inSheetView = false
        } else if name.is("oddHeader") || name.is("oddFooter") {
            let text = XMLValueText.string(headerFooterText)
            if name.is("oddHeader") { sheet.pageSetup.header = text } else { sheet.pageSetup.footer = text }
            capture = .none
        } else {
            endRuleElement(name)
        }
    }

    func characters(_ text: XMLText) {
        switch capture {
        case .none: return
        case .value: text.append(to: &valueText)
        case .formula: text.append(to: &formulaText)
        case .inlineText: text.append(to: &inlineText)
        case .headerFooter: text.append(to: &headerFooterText)
        case .ruleFormula: text.append(to: &ruleFormulaText)
        }
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
        sheet.cells.append(record)
    }

    private func readValue(into record: inout CellStore.Record, _ parser: XMLStreamParser) throws {
        if cellType == .inlineString {
            guard hasInline || hasValue else { return }
            record.kind = .localString
            record.payload = sheet.cells.appendLocalString(XMLValueText.string(hasInline ? inlineText : valueText))
            return
        }
        guard hasValue else { return }
        switch cellType {
        case .number:
            if valueText.allSatisfy({ $0 <= 0x20 }) { return }  // `<v></v>`: no value
            guard let number = XMLValueText.double(valueText) else {
                throw parser.contentError("'\(XMLValueText.string(valueText))' is not a number")
            }
            record.kind = .number
            record.payload = number.bitPattern
        case .sharedString:
            guard let index = XMLValueText.int(valueText) else {
                throw parser.contentError("'\(XMLValueText.string(valueText))' is not a shared-string index")
            }
            maxSharedStringIndex = max(maxSharedStringIndex, index)
            record.kind = .sharedString
            record.payload = UInt64(index)
        case .string, .inlineString:
            record.kind = .localString
            record.payload = sheet.cells.appendLocalString(XMLValueText.string(valueText))
        case .boolean:
            record.kind = .boolean
            let text = XMLValueText.string(valueText).trimmingSpaces
            record.payload = (text == "1" || text.lowercased() == "true") ? 1 : 0
        case .error:
            let text = XMLValueText.string(valueText).trimmingSpaces
            record.kind = .error
            if let error = ErrorValue(text: text) {
                record.payload = UInt64(error.rawValue)
            } else {
                warn("unknown error value '\(text)' read as #VALUE!", parser)
                record.payload = UInt64(ErrorValue.value.rawValue)
            }
        case .date:
            let text = XMLValueText.string(valueText).trimmingSpaces
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
        let text = XMLValueText.string(formulaText)
        let kind: CellFormula.Kind
        switch attributes.type ?? "normal" {
        case "shared":
            guard let group = attributes.group else {
                throw parser.contentError("a shared formula without si")
            }
            if sheet.sharedFormulas[group] == nil, !text.isEmpty {
                sheet.sharedFormulas[group] = SharedFormula(
                    anchor: address, text: text, range: attributes.ref.flatMap { CellRange(a1: $0) })
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
        sheet.formulas.append(CellFormula(address: address, kind: kind, alwaysCalculate: attributes.alwaysCalculate))
        return true
    }

    /// Orders cells and formulas and drops shared-formula followers whose group has no master.
    func finish() {
        sheet.cells.finish()
        if !zip(sheet.formulas, sheet.formulas.dropFirst()).allSatisfy({ $0.address < $1.address }) {
            var byAddress: [CellAddress: CellFormula] = [:]
            for f in sheet.formulas { byAddress[f.address] = f }
            sheet.formulas = byAddress.values.sorted { $0.address < $1.address }
        }
        var orphans: [CellAddress] = []
        let groups = sheet.sharedFormulas
        sheet.formulas.removeAll { formula in
            if case .shared(let group) = formula.kind, groups[group] == nil {
                orphans.append(formula.address)
                return true
            }
            return false
        }
        if !orphans.isEmpty {
            let cells = orphans.prefix(5).map(\.a1).joined(separator: ", ")
            warnings.append(XLSXWarning(part: sheet.part, line: nil, message:
                "\(orphans.count) shared-formula cell(s) without a master formula kept their cached values only (\(cells)\(orphans.count > 5 ? ", …" : ""))"))
            for address in orphans {
                if let i = sheet.cells.index(of: address) { sheet.cells.clearFormulaFlag(at: i) }
            }
        }
    }

    private func warn(_ message: String, _ parser: XMLStreamParser) {
        warnings.append(XLSXWarning(part: sheet.part, line: parser.line, message: message))
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}
