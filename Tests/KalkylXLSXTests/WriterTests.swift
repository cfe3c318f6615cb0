import Foundation
import Kalkyl
import Testing
@testable import KalkylXLSX

/// The .xlsx writer: values and formulas with cached results of every type, styles, layout,
/// names, the package pass, locales, and a round trip of every conformance workbook.
@Suite("Writing workbooks")
struct WriterTests {
    // MARK: - A hand-made workbook with one of everything

    static let styles = """
        <numFmts count="3"><numFmt numFmtId="164" formatCode="#,##0;-#,##0"/><numFmt numFmtId="165" formatCode="0.0 %"/>\
        <numFmt numFmtId="166" formatCode="yyyy-mm-dd"/></numFmts>\
        <fonts count="3"><font><sz val="11"/><name val="Calibri"/></font>\
        <font><b/><i/><sz val="12"/><color rgb="FF1F4E79"/><name val="Arial"/></font>\
        <font><u/><sz val="11"/><color theme="4"/><name val="Calibri"/></font></fonts>\
        <fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>\
        <fill><patternFill patternType="solid"><fgColor rgb="FFFFC7CE"/><bgColor indexed="64"/></patternFill></fill></fills>\
        <borders count="2"><border/><border><left style="thin"><color rgb="FF000000"/></left><right style="medium"/>\
        <top style="dashed"/><bottom style="double"><color theme="1"/></bottom></border></borders>\
        <cellXfs count="7"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>\
        <xf numFmtId="164" fontId="0" fillId="0" borderId="0" applyNumberFormat="1"/>\
        <xf numFmtId="165" fontId="0" fillId="0" borderId="0" applyNumberFormat="1"/>\
        <xf numFmtId="166" fontId="0" fillId="0" borderId="0" applyNumberFormat="1"/>\
        <xf numFmtId="0" fontId="1" fillId="2" borderId="1"><alignment horizontal="left" vertical="top" wrapText="1" indent="2"/></xf>\
        <xf numFmtId="14" fontId="2" fillId="0" borderId="0"><protection locked="0" hidden="1"/></xf>\
        <xf numFmtId="4" fontId="0" fillId="0" borderId="0"/></cellXfs>\
        <dxfs count="1"><dxf><font><b/><color rgb="FF9C0006"/></font><fill><patternFill><bgColor rgb="FFFFC7CE"/></patternFill></fill></dxf></dxfs>
        """

    static let dataSheet = """
        <sheetPr><tabColor rgb="FF00B050"/><pageSetUpPr fitToPage="1"/></sheetPr>\
        <sheetViews><sheetView tabSelected="1" zoomScale="120" showGridLines="0" workbookViewId="0">\
        <pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>\
        <sheetFormatPr defaultRowHeight="15"/>\
        <cols><col min="1" max="1" width="20.7109375" customWidth="1"/><col min="3" max="4" width="12.7109375" hidden="1" customWidth="1"/></cols>\
        <sheetData>\
        <row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>\
        <row r="2" ht="30" customHeight="1"><c r="A2"><v>1234.5</v></c><c r="B2" s="1"><v>-9876.25</v></c>\
        <c r="C2" s="2"><v>0.125</v></c><c r="D2" s="3"><v>46143</v></c><c r="H2" s="6"><v>1E-300</v></c></row>\
        <row r="3"><c r="A3" t="b"><v>1</v></c><c r="B3" t="e"><v>#N/A</v></c><c r="C3" s="4"/>\
        <c r="D3" t="inlineStr"><is><t xml:space="preserve">tab\tand_x0001_ctl _x005F_x0041_ &amp; &lt;</t></is></c></row>\
        <row r="4" hidden="1"><c r="A4"><f>A2*2</f><v>0</v></c><c r="B4"><f>A2&gt;1000</f><v>0</v></c>\
        <c r="C4"><f>1/0</f><v>0</v></c><c r="D4" t="str"><f>"x"&amp;A2</f><v></v></c><c r="E4"><f>0.1+0.2</f></c>\
        <c r="F4" t="str"><f>""</f><v></v></c><c r="G4" s="5"><f>DATE(2026,5,31)</f></c>\
        <c r="H4"><f t="shared" ref="H4:H6" si="0">A4+1</f></c></row>\
        <row r="5"><c r="A5"><f t="array" ref="A5:B6">A2:B3*1</f></c><c r="H5"><f t="shared" si="0"/></c></row>\
        <row r="6"><c r="H6"><f t="shared" si="0"/></c></row>\
        <row r="8"><c r="A8"><f>Moms*A2</f></c><c r="B8"><f>_xlfn.CONCAT("a","b")</f></c><c r="C8"><f>NOT(A3)</f></c>\
        <c r="D8"><f>Lokal+1</f></c><c r="E8"><f>SUM(Dold,1)</f></c><c r="F8"><f>Data!A2*Data!A2*Data!A2</f></c></row>\
        <row r="10"><c r="J10" cm="1"><f t="array" ref="J10:J12">_xlfn.SEQUENCE(3)</f><v>1</v></c></row>\
        <row r="11"><c r="J11"><v>2</v></c></row><row r="12"><c r="J12"><v>3</v></c></row>\
        </sheetData>\
        <mergeCells count="1"><mergeCell ref="E1:F2"/></mergeCells>\
        <conditionalFormatting sqref="A2:A10"><cfRule type="cellIs" dxfId="0" priority="1" operator="greaterThan"><formula>1000</formula></cfRule></conditionalFormatting>\
        <conditionalFormatting sqref="B2:B10 D2:D10"><cfRule type="expression" dxfId="0" priority="2"><formula>$B2&lt;0</formula></cfRule></conditionalFormatting>\
        <dataValidations count="1"><dataValidation type="list" allowBlank="1" showErrorMessage="1" sqref="K2:K10"><formula1>"Ja,Nej"</formula1></dataValidation></dataValidations>\
        <pageMargins left="0.5" right="0.5" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>\
        <pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="0"/>
        """

    static let longFormula = "SUM(Data!$A$2:$A$5)+" + String(repeating: "SUM(Data!$A$2:$A$5)+", count: 8) + "0"

    static let definedNames = """
        <definedName name="Moms">0.25</definedName>\
        <definedName name="Lokal" localSheetId="0">Data!$A$2</definedName>\
        <definedName name="_xlnm.Print_Titles" localSheetId="0">Data!$1:$1</definedName>\
        <definedName name="_xlnm.Print_Area" localSheetId="0">Data!$A$1:$H$20</definedName>\
        <definedName name="Dold" hidden="1">Data!$B$2</definedName>\
        <definedName name="Långt">\(longFormula)</definedName>\
        <definedName name="Utanför">Andra!$A$1</definedName>
        """

    static func sampleModel(_ scratch: ScratchDirectory) throws -> WorkbookModel {
        let package = WriterSupport.package(
            sheets: [("Data", dataSheet), ("Andra", "<sheetData><row r=\"1\"><c r=\"A1\"><v>7</v></c><c r=\"B1\"><f>Data!A2+A1</f></c></row></sheetData>")],
            styles: styles, strings: ["Belopp", "Kostnad &amp; intäkt"], definedNames: definedNames)
        return try WriterSupport.read(package, in: scratch)
    }

    @Test("every value type is cached with its own type: numbers, text, booleans, errors, empty text")
    func valueTypes() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let model = try Self.sampleModel(scratch)
        let book = Workbook(model)
        book.recalculate()
        let (again, url, report) = try WriterSupport.roundTrip(model, calculated: book, in: scratch)
        #expect(report.warnings.isEmpty, "\(report.warnings)")
        let sheet = try #require(again.sheet(named: "Data"))
        #expect(book.value(at: "Data!E4") == .number(0.1 + 0.2))
        for a1 in ["A2", "B2", "H2", "A3", "B3", "D3", "A4", "B4", "C4", "D4", "E4", "F4", "G4", "H4", "H5", "H6",
                   "A5", "B5", "A6", "B6", "A8", "B8", "C8", "D8", "E8", "F8", "J10", "J11", "J12"] {
            let expected = book.value(at: "Data!" + a1)
            #expect(WriterSupport.same(sheet.value(at: a1), expected), "\(a1): wrote \(sheet.value(at: a1)), engine has \(expected)")
        }
        #expect(sheet.value(at: "D3") == .text("tab\tand\u{1}ctl _x0041_ & <"))
        #expect(sheet.value(at: "E4") == .number(0.30000000000000004))
        #expect(sheet.value(at: "B3") == .error(.notAvailable))
        #expect(sheet.value(at: "C4") == .error(.divisionByZero))
        #expect(sheet.value(at: "B4") == .boolean(true))
        #expect(sheet.value(at: "F4") == .text(""))

        let xml = try WriterSupport.part("xl/worksheets/sheet1.xml", of: url)
        #expect(WriterSupport.cellXML("B4", in: xml) == #"<c r="B4" t="b"><f>A2&gt;1000</f><v>1</v></c>"#)
        #expect(WriterSupport.cellXML("C4", in: xml) == #"<c r="C4" t="e"><f>1/0</f><v>#DIV/0!</v></c>"#)
        #expect(WriterSupport.cellXML("B3", in: xml) == #"<c r="B3" t="e"><v>#N/A</v></c>"#)
        #expect(WriterSupport.cellXML("E4", in: xml) == #"<c r="E4"><f>0.1+0.2</f><v>0.30000000000000004</v></c>"#)
        #expect(WriterSupport.cellXML("D4", in: xml) == #"<c r="D4" t="str"><f>"x"&amp;A2</f><v>x1234.5</v></c>"#)
        // Formulas come back as they were read (shared ones spelled out in each cell).
        for f in model.sheets[0].formulas {
            let back = try #require(sheet.formula(at: f.address), "no formula in \(f.address.a1)")
            #expect(sheet.formulaText(of: back) == model.sheets[0].formulaText(of: f))
        }
        guard case .array(let range, _, let dynamic) = sheet.formula(at: CellAddress(a1: "J10")!)?.kind else {
            Issue.record("J10 is not an array formula")
            return
        }
        #expect(range.a1 == "J10:J12" && dynamic)
        guard case .array(let legacy, _, false) = sheet.formula(at: CellAddress(a1: "A5")!)?.kind else {
            Issue.record("A5 is not a legacy array formula")
            return
        }
        #expect(legacy.a1 == "A5:B6")
    }

    @Test("styles: number formats, fonts, fills, borders, alignment and protection come back")
    func styles() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let model = try Self.sampleModel(scratch)
        let (again, _, report) = try WriterSupport.roundTrip(model, calculated: nil, in: scratch)
        let before = model.sheets[0], after = again.sheets[0]
        for r in before.cells.records {
            let s0 = Int(r.style), s1 = after.cells.style(at: r.address)
            #expect(model.styles.numberFormatCode(forCellFormat: s0) == again.styles.numberFormatCode(forCellFormat: s1),
                    "number format of \(r.address.a1)")
        }
        #expect(again.styles.numberFormatCode(forCellFormat: after.cells.style(at: CellAddress(a1: "B2")!)) == "#,##0;-#,##0")
        #expect(again.styles.numberFormatCode(forCellFormat: after.cells.style(at: CellAddress(a1: "C2")!)) == "0.0 %")
        #expect(again.styles.isDateFormat(cellFormat: after.cells.style(at: CellAddress(a1: "D2")!)))
        #expect(again.styles.isDateFormat(cellFormat: after.cells.style(at: CellAddress(a1: "G4")!)))

        let c3 = again.styles.cellFormats[after.cells.style(at: CellAddress(a1: "C3")!)]
        let font = again.styles.fonts[c3.fontId]
        #expect(font.bold && font.italic && font.name == "Arial" && font.size == 12)
        #expect(font.color == .rgb(0xFF1F_4E79))
        let fill = again.styles.fills[c3.fillId]
        #expect(fill.pattern == "solid" && fill.foreground == .rgb(0xFFFF_C7CE))
        let border = again.styles.borders[c3.borderId]
        #expect(border.left?.style == "thin" && border.right?.style == "medium" && border.top?.style == "dashed"
                && border.bottom?.style == "double")
        #expect(c3.alignment?.horizontal == "left" && c3.alignment?.vertical == "top" && c3.alignment?.wrapText == true
                && c3.alignment?.indent == 2)
        let g4 = again.styles.cellFormats[after.cells.style(at: CellAddress(a1: "G4")!)]
        #expect(g4.protection?.locked == false && g4.protection?.hidden == true)
        // Theme colour 4 (accent1 of the default Office theme) resolved to RGB.
        #expect(again.styles.fonts[g4.fontId].color == .rgb(0xFF4F_81BD))
        #expect(again.styles.fonts[g4.fontId].underline == .single)
        #expect(report.formats <= 7)
    }

    @Test("layout: widths, hidden columns and rows, heights, merges, panes, zoom, print setup, names, rules")
    func layout() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let model = try Self.sampleModel(scratch)
        let book = Workbook(model)
        book.recalculate()
        let (again, url, _) = try WriterSupport.roundTrip(model, calculated: book, in: scratch)
        let s = again.sheets[0]
        #expect(s.columns.first { $0.first == 0 }?.width == 20.7109375)
        let hidden = try #require(s.columns.first { $0.first == 2 })
        #expect(hidden.last == 3 && hidden.hidden && hidden.width == 12.7109375)
        #expect(s.rows.first { $0.row == 1 }?.height == 30)
        #expect(s.rows.first { $0.row == 3 }?.hidden == true)
        #expect(s.mergedRanges.map(\.a1) == ["E1:F2"])
        #expect(s.view.frozenRows == 1 && s.view.frozenColumns == 0)
        #expect(s.view.zoom == 120 && !s.view.showGridLines && s.view.isSelected)
        #expect(s.tabColor == .rgb(0xFF00_B050))
        #expect(s.pageSetup.orientation == .landscape && s.pageSetup.paperSize == 9 && s.pageSetup.fitToPage)
        #expect((s.pageSetup.fitToWidth ?? 1) == 1 && s.pageSetup.fitToHeight == 0)
        #expect(s.pageSetup.margins?[0] == 0.5)

        func name(_ n: String) -> DefinedName? { again.definedNames.first { $0.name == n } }
        #expect(name("Moms")?.formula == "0.25" && name("Moms")?.sheetScope == nil)
        #expect(name("Lokal")?.formula == "Data!$A$2" && name("Lokal")?.sheetScope == 0)
        #expect(name("Dold")?.hidden == true && name("Dold")?.formula == "Data!$B$2")
        #expect(name("Långt")?.formula == Self.longFormula)
        #expect(name("Utanför")?.formula == "Andra!$A$1")
        #expect(name("_xlnm.Print_Titles")?.formula == "Data!$1:$1" && name("_xlnm.Print_Titles")?.sheetScope == 0)
        #expect(name("_xlnm.Print_Area")?.formula == "Data!$A$1:$H$20")
        #expect(again.sheets[1].value(at: "B1") == .number(1241.5))

        #expect(s.conditionalFormats.count == 2)
        #expect(s.conditionalFormats.first?.rules.first?.type == "cellIs")
        #expect(s.conditionalFormats.first?.rules.first?.formulas == ["1000"])
        #expect(s.conditionalFormats.last?.ranges.map(\.a1) == ["B2:B10", "D2:D10"])
        #expect(s.conditionalFormats.last?.rules.first?.formulas == ["$B2<0"])
        let dxf = try #require(s.conditionalFormats.first?.rules.first?.differentialFormat)
        #expect(again.styles.differentialFormats[dxf].font?.bold == true)
        // The rule's fill keeps its colour where Excel and LibreOffice look for it: bgColor.
        #expect(again.styles.differentialFormats[dxf].fill?.background == .rgb(0xFFFF_C7CE))
        let stylesXML = try WriterSupport.part("xl/styles.xml", of: url)
        #expect(stylesXML.contains(#"<bgColor rgb="FFFFC7CE"/>"#), "dxf fill: \(stylesXML)")
        #expect(s.dataValidations.first?.type == "list" && s.dataValidations.first?.formula1 == "\"Ja,Nej\"")
        #expect(s.dataValidations.first?.ranges.map(\.a1) == ["K2:K10"])

        // The calculation settings: no forced recalculation, the results are in the file.
        let workbookXML = try WriterSupport.part("xl/workbook.xml", of: url)
        #expect(!workbookXML.contains("fullCalcOnLoad"))
    }

    @Test("a subset of sheets: formulas that refer to sheets left out become values, their names are left out")
    func sheetSubset() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let model = try Self.sampleModel(scratch)
        let book = Workbook(model)
        book.recalculate()
        let (again, _, report) = try WriterSupport.roundTrip(model, calculated: book, in: scratch,
                                                             options: WriterSupport.options(sheets: ["andra"]))
        #expect(again.sheets.map(\.name) == ["Andra"])
        #expect(again.sheets[0].value(at: "B1") == .number(1241.5))
        #expect(again.sheets[0].formula(at: CellAddress(a1: "B1")!) == nil)
        #expect(again.definedNames.map(\.name).sorted() == ["Moms", "Utanför"])
        #expect(!report.warnings.isEmpty)
        #expect(throws: XLSXWriteError.self) {
            try XLSXWriter(options: WriterSupport.options(sheets: ["Finns inte"])).write(model, calculated: book, to: scratch.url.appendingPathComponent("x.xlsx"))
        }
    }

    @Test("inputs set before recalculating are written, and what depends on them recalculated")
    func inputs() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        var model = try Self.sampleModel(scratch)
        let book = Workbook(model)
        for (a1, value) in [("A2", CellValue.number(2000)), ("A4", .text("nu text")), ("Z99", .number(.infinity))] {
            let cell = CellAddress(a1: a1)!
            book.setValue(value, sheet: 0, at: cell)
            model.setInput(value, sheet: 0, at: cell)
        }
        book.recalculate()
        let (again, _, _) = try WriterSupport.roundTrip(model, calculated: book, in: scratch)
        let s = again.sheets[0]
        #expect(s.value(at: "A2") == .number(2000))
        #expect(s.value(at: "A4") == .text("nu text") && s.formula(at: CellAddress(a1: "A4")!) == nil)
        #expect(s.value(at: "A8") == .number(500))
        #expect(s.value(at: "Z99") == .error(.number))  // infinity is no number a file can hold
        #expect(again.sheets[1].value(at: "B1") == .number(2007))
    }

    // MARK: - Package, files, locales

    @Test("the same input and date give the same bytes; the output replaces a file atomically")
    func reproducibleAndAtomic() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let model = try Self.sampleModel(scratch)
        let book = Workbook(model)
        book.recalculate()
        let a = scratch.url.appendingPathComponent("a.xlsx"), b = scratch.url.appendingPathComponent("b.xlsx")
        try XLSXWriter(options: WriterSupport.options()).write(model, calculated: book, to: a)
        try Data("old".utf8).write(to: b)
        try XLSXWriter(options: WriterSupport.options()).write(model, calculated: book, to: b)
        #expect(try Data(contentsOf: a) == Data(contentsOf: b))
        // Document properties: given ones win over the workbook's.
        var options = WriterSupport.options()
        options.title = "Månadsrapport"
        options.author = "Ekonomistaben"
        options.company = "Region Exempel"
        let c = scratch.url.appendingPathComponent("c.xlsx")
        try XLSXWriter(options: options).write(model, calculated: book, to: c)
        let properties = try XLSXReader().read(c).properties
        #expect(properties.title == "Månadsrapport" && properties.creator == "Ekonomistaben" && properties.company == "Region Exempel")
        #expect(try WriterSupport.part("docProps/core.xml", of: c).contains("2026-01-01T00:00:00Z"))
        // A failed write leaves the existing file as it was, and no temporary files behind.
        try Data("keep".utf8).write(to: b)
        #expect(throws: XLSXWriteError.self) {
            try XLSXWriter(options: WriterSupport.options(sheets: ["Saknas"])).write(model, calculated: book, to: b)
        }
        #expect(try Data(contentsOf: b) == Data("keep".utf8))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: scratch.url.path).filter { $0.hasPrefix(".") }
        #expect(leftovers.isEmpty, "\(leftovers)")
        #expect(throws: XLSXWriteError.self) {
            try XLSXWriter().write(model, calculated: book, to: scratch.url.appendingPathComponent("makro.xlsm"))
        }
        let missing = scratch.url.appendingPathComponent("no-such-folder/out.xlsx")
        do {
            try XLSXWriter().write(model, calculated: book, to: missing)
            Issue.record("writing into a missing folder succeeded")
        } catch let e as XLSXWriteError {
            #expect(e.description.hasPrefix(missing.path + ": "))
        }
    }

    @Test("numbers are written with a decimal point under a decimal-comma locale")
    func decimalCommaLocale() throws {
        guard let locale = WriterSupport.decimalCommaLocale() else {
            print("skipped: no decimal-comma locale is installed (locale -a lists none of sv_SE, de_DE, fr_FR, …); "
                  + "install one (e.g. apt-get install locales-all) to run this test")
            return
        }
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let model = try Self.sampleModel(scratch)
        let book = Workbook(model)
        book.recalculate()
        let url = scratch.url.appendingPathComponent("komma.xlsx")
        try WriterSupport.withThreadLocale(locale) {
            #expect(WriterSupport.printfOneAndAHalf() == "1,5", "\(locale) should print a decimal comma")
            try XLSXWriter(options: WriterSupport.options()).write(model, calculated: book, to: url)
            #expect(WriterSupport.printfOneAndAHalf() == "1,5", "the thread's locale is restored")
        }
        let xml = try WriterSupport.part("xl/worksheets/sheet1.xml", of: url)
        #expect(xml.contains("<v>1234.5</v>") && xml.contains("<v>0.125</v>"))
        #expect(!xml.contains("<v>1234,5</v>"))
        let again = try XLSXReader().read(url)
        #expect(again.sheets[0].value(at: "A2") == .number(1234.5))
    }

    @Test("identical formats are made once, and large sheets go through constant-memory mode")
    func formatsAndConstantMemory() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let rows = (2...20_001).map { r in
            "<row r=\"\(r)\"><c r=\"A\(r)\" s=\"\(1 + r % 3)\"><v>\(r)</v></c><c r=\"B\(r)\" t=\"s\"><v>\(r % 2)</v></c>"
                + "<c r=\"C\(r)\" s=\"\(4 + r % 2)\"><f>A\(r)*2</f></c></row>"
        }.joined()
        let styles = """
            <numFmts count="1"><numFmt numFmtId="164" formatCode="#,##0;-#,##0"/></numFmts>\
            <fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>\
            <fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>\
            <borders count="1"><border/></borders><cellXfs count="6"><xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="164"/>\
            <xf numFmtId="3"/><xf numFmtId="164"/><xf numFmtId="164"/></cellXfs>
            """
        let model = try WriterSupport.read(WriterSupport.package(sheets: [("Huvudbok", "<sheetData>\(rows)</sheetData>")], styles: styles,
                                                                 strings: ["Vård", "Omsorg"]), in: scratch)
        let book = Workbook(model)
        book.recalculate()
        let (again, _, report) = try WriterSupport.roundTrip(model, calculated: book, in: scratch)
        #expect(report.constantMemory)
        #expect(report.formats == 2, "six cell formats, two distinct")
        #expect(report.cells == 60_000 && report.formulas == 20_000)
        #expect(again.sheets[0].value(at: "C20001") == .number(40_002))
        #expect(again.sheets[0].value(at: "B20001") == .text("Omsorg"))
    }

    @Test("the patcher gives the same XML however the part is cut into chunks")
    func patcherChunks() throws {
        let xml = Array(#"<sheetData><row r="1"><c r="A1"><f>1/0</f><v>0</v></c><c r="B1" s="2"><v>1</v></c><c r="AA1" s="3" t="b"><v>0</v></c></row></sheetData>"#.utf8)
        let patches = [CellPatch(row: 0, column: 0, value: .error(.divisionByZero)),
                       CellPatch(row: 0, column: 26, value: .error(.notAvailable))]
        var whole: [UInt8] = []
        let p1 = SheetXMLPatcher(patches: patches)
        try p1.feed(xml) { whole += $0 }
        try p1.finish { whole += $0 }
        #expect(String(decoding: whole, as: UTF8.self)
                == #"<sheetData><row r="1"><c r="A1" t="e"><f>1/0</f><v>#DIV/0!</v></c><c r="B1" s="2"><v>1</v></c><c r="AA1" s="3" t="e"><v>#N/A</v></c></row></sheetData>"#)
        for size in [1, 2, 3, 7, 13] {
            var out: [UInt8] = []
            let p = SheetXMLPatcher(patches: patches)
            var i = 0
            while i < xml.count {
                try p.feed(Array(xml[i..<min(i + size, xml.count)])) { out += $0 }
                i += size
            }
            try p.finish { out += $0 }
            #expect(out == whole, "chunks of \(size)")
        }
        let missing = SheetXMLPatcher(patches: [CellPatch(row: 5, column: 0, value: .boolean(true))])
        #expect(throws: NativeWriterError.self) {
            try missing.feed(xml) { _ in }
            try missing.finish { _ in }
        }
    }

    @Test("numbers libxlsxwriter's %.16G would change are recognised")
    func numberText() {
        #expect(NumberWriting.survivesLibxlsxwriter(1234.5))
        #expect(NumberWriting.survivesLibxlsxwriter(1e-300))
        #expect(!NumberWriting.survivesLibxlsxwriter(0.1 + 0.2))
        for x in [0.1 + 0.2, 1.0 / 3, 2.0 / 3, 123_456_789.123_456_78, 1e-7 / 3, Double.leastNonzeroMagnitude, 1.7976931348623157e308, 0.5, 1024.0, 9_007_199_254_740_993.0] {
            #expect(Double(NumberWriting.exactText(x)) == x)
            #expect(NumberWriting.survivesLibxlsxwriter(x) == (Double(libxlsxwriterNumberText(x)) == x), "\(x)")
        }
        #expect(NumberWriting.exactText(1e-5) == "1E-05")
        #expect(NumberWriting.exactText(0.30000000000000004) == "0.30000000000000004")
    }

    @Test("references to other workbooks are told from structured references")
    func externalReferences() {
        for f in ["[1]kcd!$B$10:$AZ$1374", "SUM('[2]Budget 2025'!B4:B9)", "A1+[3]Blad1!A1"] {
            #expect(FormulaSheets.hasExternalReference(f), "\(f)")
        }
        for f in ["Tabell1[Belopp]", "SUM(Tabell1[[#This Row],[2025]])", "Tabell1[@[2019]]", "\"[1]x!\"&A1", "A1+B2"] {
            #expect(!FormulaSheets.hasExternalReference(f), "\(f)")
        }
    }

    // MARK: - The conformance corpus

    @Test("read → recalculate → write → read keeps values, formulas, names, merges, widths and number formats",
          arguments: Corpus.workbooks)
    func corpusRoundTrip(workbook: String) throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let model = try XLSXReader().read(Corpus.url(workbook))
        let book = Workbook(model)
        book.recalculate()
        let (again, _, report) = try WriterSupport.roundTrip(model, calculated: book, in: scratch)
        #expect(again.sheets.map(\.name) == model.sheets.map(\.name))
        #expect(again.properties.date1904 == model.properties.date1904)
        for (s, (before, after)) in zip(model.sheets, again.sheets).enumerated() {
            var problems: [String] = []
            // Values: what the engine computed, cell for cell.
            var addresses = Set(before.cells.records.map(\.address))
            addresses.formUnion(after.cells.records.map(\.address))
            // Formulas that refer to other workbooks are written as the values the file had.
            let externalNames = model.definedNames.filter { FormulaSheets.hasExternalReference($0.formula) }.map(\.name)
            func isExternal(_ text: String) -> Bool {
                FormulaSheets.hasExternalReference(text) || externalNames.contains { FormulaSheets.mentionsName($0, in: text) }
            }
            let external = Set(before.formulas.filter { before.formulaText(of: $0).map(isExternal) ?? false }.map(\.address))
            for a in addresses {
                var expected = external.contains(a) ? before.value(at: a) : book.value(sheet: s, at: a)
                // Files store #SPILL! and #CALC! as #VALUE!.
                if case .error(let e) = expected { expected = .error(ErrorValue(text: CellPatch.storedText(e)) ?? e) }
                let actual = after.value(at: a)
                if !WriterSupport.same(actual, expected) { problems.append("\(a.a1): \(actual) ≠ \(expected)") }
                let f0 = model.styles.numberFormatCode(forCellFormat: before.cells.style(at: a))
                let f1 = again.styles.numberFormatCode(forCellFormat: after.cells.style(at: a))
                if before.cells.index(of: a) != nil, after.cells.index(of: a) != nil, f0 != f1, !(f0 == "General" && f1 == "General") {
                    problems.append("\(a.a1): number format \(f1) ≠ \(f0)")
                }
            }
            // Formulas, as text.
            for f in before.formulas {
                if case .dataTable = f.kind { continue }
                guard let text = before.formulaText(of: f), !isExternal(text) else { continue }
                guard let back = after.formula(at: f.address) else {
                    problems.append("\(f.address.a1): formula =\(text) missing")
                    continue
                }
                if after.formulaText(of: back) != text { problems.append("\(f.address.a1): =\(after.formulaText(of: back) ?? "") ≠ =\(text)") }
                if case .array(_, _, let d0) = f.kind {
                    if case .array(_, _, let d1) = back.kind, d0 == d1 {} else {
                        problems.append("\(f.address.a1): not the same kind of array formula any more")
                    }
                }
            }
            #expect(Set(after.mergedRanges.filter { $0.cellCount > 1 }) == Set(before.mergedRanges.filter { $0.cellCount > 1 }),
                    "\(workbook) \(before.name): merged ranges")
            for c in before.columns {
                guard let w = c.width, w > 0, w < 255 else { continue }
                let back = after.columns.first { $0.first == c.first }
                if back?.last != c.last || back?.hidden != c.hidden || abs((back?.width ?? 0) - w) > 1.0 / 7 + 1.0 / 256 {
                    problems.append("column \(c.first)-\(c.last): width \(back?.width ?? -1) ≠ \(w)")
                }
            }
            // Conditional formats (cell-value and expression rules) and data validations.
            func rules(_ sheet: WorksheetModel) -> [String] {
                sheet.conditionalFormats.flatMap { cf in
                    cf.rules.filter { ($0.type == "cellIs" || $0.type == "expression") && !$0.formulas.contains(where: FormulaSheets.hasExternalReference) }
                        .map { "\(cf.ranges.map(\.a1)) \($0.type) \($0.operator ?? "") \($0.formulas)" }
                }.sorted()
            }
            if rules(before) != rules(after) { problems.append("conditional formats \(rules(after)) ≠ \(rules(before))") }
            func validations(_ sheet: WorksheetModel) -> [String] {
                sheet.dataValidations.filter { $0.type != "none" && $0.formula1 != nil }
                    .flatMap { v in v.ranges.map { "\($0.a1) \(v.type) \(v.formula1 ?? "") \(v.formula2 ?? "")" } }.sorted()
            }
            if validations(before) != validations(after) { problems.append("validations \(validations(after)) ≠ \(validations(before))") }
            #expect(problems.isEmpty, "\(workbook) \(before.name): \(problems.count) problem(s): \(problems.prefix(8))")
        }
        // Names: all of them, builtin ones as their ranges.
        func key(_ n: DefinedName) -> String { "\(n.sheetScope ?? -1)|\(n.name.lowercased())" }
        let names = Dictionary(again.definedNames.map { (key($0), $0) }, uniquingKeysWith: { a, _ in a })
        for n in model.definedNames where n.name.lowercased() != "_xlnm._filterdatabase" && !FormulaSheets.hasExternalReference(n.formula) {
            guard let back = names[key(n)] else {
                Issue.record("\(workbook): defined name \(n.name) (scope \(n.sheetScope ?? -1)) missing")
                continue
            }
            if n.isBuiltIn, let a = NamePlan.areas(n.formula), let b = NamePlan.areas(back.formula) {
                #expect(a.map(\.range) == b.map(\.range), "\(workbook): \(n.name)")
            } else {
                #expect(back.formula == n.formula, "\(workbook): \(n.name)")
            }
        }
        _ = report
    }

    // MARK: - LibreOffice

    @Test("LibreOffice reads the written values without recalculating and without repairs")
    func libreOffice() throws {
        guard let soffice = WriterSupport.libreOffice() else {
            print("skipped: LibreOffice (soffice/libreoffice) is not installed; `make test-libreoffice` installs it and runs this test")
            return
        }
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let model = try Self.sampleModel(scratch)
        let book = Workbook(model)
        book.recalculate()
        let url = scratch.url.appendingPathComponent("lo.xlsx")
        try XLSXWriter(options: WriterSupport.options()).write(model, calculated: book, to: url)
        // A cached value LibreOffice would compute differently (42 for =A1*2): it must show the cache.
        let stale = try WriterSupport.read(WriterSupport.package(sheets: [("Blad1", #"<sheetData><row r="1"><c r="A1"><v>1</v></c><c r="B1"><f>A1*2</f><v>42</v></c></row></sheetData>"#)]), in: scratch, as: "stale-in.xlsx")
        let staleURL = scratch.url.appendingPathComponent("stale.xlsx")
        try XLSXWriter(options: WriterSupport.options()).write(stale, calculated: nil, to: staleURL)

        func convert(_ file: URL, to format: String = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
                     into folder: URL? = nil) throws -> (status: Int32, log: String) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: soffice)
            process.arguments = ["-env:UserInstallation=file://\(scratch.url.path)/profile", "--headless", "--norestore",
                                 "--convert-to", format, "--outdir", (folder ?? scratch.url).path, file.path]
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = pipe
            try process.run()
            let log = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            return (process.terminationStatus, log)
        }
        func table(_ name: String) throws -> [[String]] {
            let text = try String(contentsOf: scratch.url.appendingPathComponent(name), encoding: .utf8)
            return text.split(separator: "\n", omittingEmptySubsequences: false)
                .map { $0.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "\"")) } }
        }
        func cell(_ rows: [[String]], _ a1: String) -> String {
            let a = CellAddress(a1: a1)!
            guard Int(a.row) < rows.count, Int(a.column) < rows[Int(a.row)].count else { return "" }
            return rows[Int(a.row)][Int(a.column)]
        }
        for file in [url, staleURL] {
            let (status, log) = try convert(file)
            #expect(status == 0, "soffice: \(log)")
            let lower = log.lowercased()
            #expect(!lower.contains("repair") && !lower.contains("error") && !lower.contains("corrupt"), "soffice: \(log)")
        }
        let data = try table("lo-Data.csv")
        #expect(cell(data, "A4") == "2469")
        #expect(cell(data, "B4") == "TRUE")
        #expect(cell(data, "C4") == "#DIV/0!")
        #expect(cell(data, "D4") == "x1234.5")
        #expect(cell(data, "B3") == "#N/A")
        #expect(cell(data, "A8") == "308.625")
        #expect(cell(data, "A5") == "1234.5" && cell(data, "B6") == "#N/A")
        #expect(cell(data, "E4") == "0.3")
        #expect(cell(try table("lo-Andra.csv"), "B1") == "1241.5")
        #expect(cell(try table("stale-Blad1.csv"), "B1") == "42", "LibreOffice recalculated instead of reading the cached value")

        // The same file printed: a PDF, and nothing in the log about errors or repairs.
        let pdfFolder = scratch.url.appendingPathComponent("pdf", isDirectory: true)
        let (pdfStatus, pdfLog) = try convert(url, to: "pdf", into: pdfFolder)
        #expect(pdfStatus == 0, "soffice: \(pdfLog)")
        let pdfLower = pdfLog.lowercased()
        #expect(!pdfLower.contains("repair") && !pdfLower.contains("error") && !pdfLower.contains("corrupt"), "soffice: \(pdfLog)")
        let pdf = try Data(contentsOf: pdfFolder.appendingPathComponent("lo.pdf"))
        #expect(pdf.count > 1_000, "a PDF of \(pdf.count) bytes")
        #expect(pdf.prefix(5).elementsEqual(Array("%PDF-".utf8)), "not a PDF: \(String(decoding: pdf.prefix(8), as: UTF8.self))")
    }
}

@Suite("Errors as files store them")
struct StoredErrorTests {
    @Test func newerErrorsAreSavedAsValueErrors() {
        #expect(CellPatch.storedText(.spill) == "#VALUE!")
        #expect(CellPatch.storedText(.calc) == "#VALUE!")
        #expect(CellPatch.storedText(.notAvailable) == "#N/A")
        #expect(CellPatch(row: 0, column: 0, value: .error(.calc)).replacement.content == "<v>#VALUE!</v>")
    }
}
