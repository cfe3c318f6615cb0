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

    /// Reads the rows. When the sheet is read in chunks, `headRows` holds the rows before the
    /// split and `rows` those after the last chunk.
    private var rows: SheetDataReader
    private var headRows: SheetDataReader?
    /// Where the sheet's own warnings stop and the rows' begin.
    private var rowWarningsIndex: Int?

    // Where the stream is.
    private var inSheetData = false
    private var extensionDepth = 0
    private var inSheetView = false
    private var sawSheetView = false

    private enum Capture { case none, headerFooter, ruleFormula }
    private var capture = Capture.none
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
        rows = SheetDataReader(part: part, date1904: date1904, atPartStart: true)
    }

    /// Ends the rows read so far when the stream is between rows inside `<sheetData>` (and has not
    /// been split before); the rest of the part `xml` is fed starts with a fresh reader, and
    /// `finish` puts the chunks read elsewhere in between. False when the stream is not at such a place.
    func splitRows(_ xml: XMLStreamParser) -> Bool {
        // The reader's state is not enough: after its last `</row>` the parser may be inside a
        // comment or processing instruction, whose text must not be read as rows elsewhere.
        guard headRows == nil, inSheetData, rows.isBetweenRows, xml.endsAfterEndTag else { return false }
        headRows = rows
        rows = SheetDataReader(part: rows.part, date1904: date1904, atPartStart: false)
        rows.onEnd = headRows?.onEnd
        xml.divert(to: rows)
        return true
    }

    // MARK: - Events

    func startElement(_ tag: XMLStartTag, at parser: XMLStreamParser) throws {
        let name = tag.name
        if name.is("extLst") { extensionDepth += 1 }
        guard extensionDepth == 0 else { return }
        if name.is("sheetData") {
            // The rows' events go straight to their reader until `</sheetData>`.
            inSheetData = true
            if rowWarningsIndex == nil { rowWarningsIndex = warnings.count }
            rows.onEnd = { [unowned self] xml in
                inSheetData = false
                xml.divert(to: nil)
            }
            parser.divert(to: rows)
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

    func endElement(_ name: XMLName, at parser: XMLStreamParser) throws {
        if name.is("extLst") { extensionDepth -= 1; return }
        guard extensionDepth == 0 else { return }
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
        case .headerFooter: text.append(to: &headerFooterText)
        case .ruleFormula: text.append(to: &ruleFormulaText)
        }
    }

    /// Puts the rows together (with `chunks`, the readers of the rows between the split and what
    /// this parser read after it), orders cells and formulas and drops shared-formula followers
    /// whose group has no master.
    func finish(insertingAtSplit chunks: [SheetDataReader] = []) {
        let all = (headRows.map { [$0] } ?? []) + chunks + (headRows == nil ? [] : [rows])
        let merged = all.first ?? rows
        if all.count > 1 {
            var cells = 0
            for reader in all { cells += reader.cells.count }
            merged.reserve(cells: cells)
            for reader in all.dropFirst() { merged.append(reader) }
        }
        let at = rowWarningsIndex ?? warnings.count
        warnings.insert(contentsOf: merged.warnings, at: at)
        maxSharedStringIndex = merged.maxSharedStringIndex
        merged.move(into: &sheet)
        headRows = nil
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
