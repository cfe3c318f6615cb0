import Kalkyl

/// `xl/workbook.xml`: the sheets in order, defined names, the date system and calcPr.
final class WorkbookPartParser: XMLContentHandler {
    struct SheetEntry {
        var name: String
        var relationshipId: String
        var visibility: WorksheetModel.Visibility
    }

    var sheets: [SheetEntry] = []
    var definedNames: [DefinedName] = []
    var properties = WorkbookProperties()
    var activeTab = 0
    private var pendingName: DefinedName?
    private var text: [UInt8] = []

    func startElement(_ tag: XMLStartTag, at parser: XMLStreamParser) throws {
        let name = tag.name
        if name.is("sheet") {
            guard let sheetName = tag["name"], let id = tag["id"] else {
                throw parser.contentError("a <sheet> without name or r:id")
            }
            let visibility = tag["state"].flatMap(WorksheetModel.Visibility.init(rawValue:)) ?? .visible
            sheets.append(SheetEntry(name: XMLValueText.unescape(sheetName), relationshipId: id, visibility: visibility))
        } else if name.is("definedName") {
            guard let n = tag["name"] else { throw parser.contentError("a <definedName> without name") }
            pendingName = DefinedName(name: n, sheetScope: tag.attribute("localSheetId")?.int, formula: "",
                                      hidden: tag.attribute("hidden")?.bool ?? false, comment: tag["comment"])
            text.removeAll(keepingCapacity: true)
        } else if name.is("workbookPr") {
            properties.date1904 = tag.attribute("date1904")?.bool ?? false
        } else if name.is("calcPr") {
            var calc = CalculationProperties()
            calc.calcId = tag.attribute("calcId")?.int
            calc.mode = tag["calcMode"].flatMap(CalculationProperties.Mode.init(rawValue:)) ?? .automatic
            calc.fullCalcOnLoad = tag.attribute("fullCalcOnLoad")?.bool ?? false
            calc.iterate = tag.attribute("iterate")?.bool ?? false
            calc.iterateCount = tag.attribute("iterateCount")?.int ?? 100
            calc.iterateDelta = tag.attribute("iterateDelta")?.double ?? 0.001
            properties.calculation = calc
        } else if name.is("workbookView") {
            activeTab = tag.attribute("activeTab")?.int ?? activeTab
        }
    }

    func endElement(_ name: XMLName, at parser: XMLStreamParser) throws {
        if name.is("definedName"), var pending = pendingName {
            pending.formula = XMLValueText.string(text)
            definedNames.append(pending)
            pendingName = nil
        }
    }

    func characters(_ text: XMLText) {
        if pendingName != nil { text.append(to: &self.text) }
    }
}
