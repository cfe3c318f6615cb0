import Kalkyl

/// `xl/tables/tableN.xml`: an Excel table's name, range and column names.
final class TableParser: XMLContentHandler {
    let sheet: String
    let part: String
    private(set) var table: TableModel?
    private var capturingFormula = false
    private var buffer: [UInt8] = []

    init(sheet: String, part: String) {
        self.sheet = sheet
        self.part = part
    }

    func startElement(_ tag: XMLStartTag, at parser: XMLStreamParser) throws {
        let name = tag.name
        if name.is("table") {
            guard let ref = tag["ref"], let range = CellRange(a1: ref) else {
                throw parser.contentError("a table without a valid ref")
            }
            let displayName = tag["displayName"] ?? tag["name"] ?? ""
            table = TableModel(
                name: tag["name"] ?? displayName, displayName: displayName, sheet: sheet, range: range,
                headerRowCount: tag.attribute("headerRowCount")?.int ?? 1,
                totalsRowCount: tag.attribute("totalsRowCount")?.int ?? (tag.attribute("totalsRowShown")?.bool == true ? 0 : 0),
                columns: [], styleName: nil, showRowStripes: false, showColumnStripes: false,
                hasAutoFilter: false, part: part)
        } else if name.is("tableColumn") {
            table?.columns.append(TableModel.Column(
                name: XMLValueText.unescape(tag["name"] ?? ""), totalsRowFunction: tag["totalsRowFunction"],
                totalsRowLabel: tag["totalsRowLabel"], calculatedColumnFormula: nil))
        } else if name.is("calculatedColumnFormula") {
            capturingFormula = true
            buffer.removeAll(keepingCapacity: true)
        } else if name.is("tableStyleInfo") {
            table?.styleName = tag["name"]
            table?.showRowStripes = tag.attribute("showRowStripes")?.bool ?? false
            table?.showColumnStripes = tag.attribute("showColumnStripes")?.bool ?? false
        } else if name.is("autoFilter") {
            table?.hasAutoFilter = true
        }
    }

    func endElement(_ name: XMLName, at parser: XMLStreamParser) throws {
        if name.is("calculatedColumnFormula") {
            capturingFormula = false
            if let last = table?.columns.indices.last {
                table?.columns[last].calculatedColumnFormula = XMLValueText.string(buffer)
            }
        }
    }

    func characters(_ text: XMLText) {
        if capturingFormula { text.append(to: &buffer) }
    }
}
