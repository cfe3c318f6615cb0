import Foundation
import Kalkyl
import Testing
@testable import KalkylXLSX

/// Charts: read from drawings and chart parts, written back with libxlsxwriter, and read again.
@Suite("Charts")
struct ChartTests {
    // MARK: - Reading the corpus

    /// The corpus workbooks whose packages hold chart parts.
    static let corpusWithCharts: [String] = Corpus.workbooks.filter { name in
        guard let archive = try? ZlibPackageArchive(url: Corpus.url(name), limits: ReadLimits()) else { return false }
        return archive.partNames.contains { $0.hasPrefix("xl/charts/chart") }
    }

    /// What the chart XML itself says about each series of its first chart group: the formulas of
    /// its name, categories (or x values) and values (or y values), found by plain text search.
    static func seriesFormulas(inChartXML xml: String) -> [[String: String]] {
        guard let plot = xml.range(of: "<c:plotArea>") else { return [] }
        let afterPlot = xml[plot.upperBound...]
        // The first chart group: the first element after the plot area's layout whose name ends in "Chart".
        guard let groupStart = afterPlot.range(of: #"<c:[a-zA-Z0-9]+Chart>"#, options: .regularExpression) else { return [] }
        let groupName = String(afterPlot[groupStart].dropFirst(3).dropLast())
        guard let groupEnd = afterPlot.range(of: "</c:\(groupName)>") else { return [] }
        let group = afterPlot[groupStart.upperBound..<groupEnd.lowerBound]
        var result: [[String: String]] = []
        var rest = group[...]
        while let s = rest.range(of: "<c:ser>"), let e = rest.range(of: "</c:ser>", range: s.upperBound..<rest.endIndex) {
            let ser = rest[s.upperBound..<e.lowerBound]
            var found: [String: String] = [:]
            for (element, key) in [("tx", "name"), ("cat", "categories"), ("xVal", "categories"), ("val", "values"), ("yVal", "values")] {
                guard let a = ser.range(of: "<c:\(element)>"), let b = ser.range(of: "</c:\(element)>", range: a.upperBound..<ser.endIndex) else { continue }
                let inner = ser[a.upperBound..<b.lowerBound]
                if let f1 = inner.range(of: "<c:f>"), let f2 = inner.range(of: "</c:f>", range: f1.upperBound..<inner.endIndex) {
                    found[key] = String(inner[f1.upperBound..<f2.lowerBound]).replacingOccurrences(of: "&apos;", with: "'")
                        .replacingOccurrences(of: "&amp;", with: "&")
                }
            }
            result.append(found)
            rest = rest[e.upperBound...]
        }
        return result
    }

    @Test("the corpus has workbooks with charts")
    func corpusHasCharts() {
        #expect(Self.corpusWithCharts.count >= 8, "\(Self.corpusWithCharts)")
    }

    @Test("every chart read from the corpus has the series formulas its chart part names", arguments: corpusWithCharts)
    func corpusChartsMatchTheirXML(workbook: String) throws {
        let url = Corpus.url(workbook)
        let model = try XLSXReader().read(url)
        for sheet in model.sheets {
            for chart in sheet.charts {
                let xml = try WriterSupport.part(chart.part, of: url)
                let expected = Self.seriesFormulas(inChartXML: xml)
                #expect(chart.series.count == expected.count, "\(chart.part): \(chart.series.count) series, the XML has \(expected.count)")
                for (s, e) in zip(chart.series, expected) {
                    #expect(s.values == e["values"], "\(chart.part)")
                    #expect(s.categories == e["categories"], "\(chart.part)")
                    #expect(s.nameReference == e["name"], "\(chart.part)")
                }
                #expect(chart.anchor.to.row >= chart.anchor.from.row && chart.anchor.to.column >= chart.anchor.from.column)
            }
        }
    }

    @Test("a column chart with a name cell, categories and a legend: poi 60509")
    func columnChart() throws {
        let model = try XLSXReader().read(Corpus.url("excel/poi__60509.xlsx"))
        let chart = try #require(model.sheet(named: "Sheet1")?.charts.first)
        #expect(chart.kind == .column && chart.grouping == .clustered)
        #expect(chart.series == [ChartModel.Series(values: "Sheet1!$C$3:$J$3", categories: "Sheet1!$C$2:$J$2", nameReference: "Sheet1!$B$3")])
        #expect(chart.legendPosition == "r")
        #expect(chart.title == nil && !chart.autoTitleDeleted)
        // <xdr:from> col 4, colOff 609600, row 7, rowOff 58270; <xdr:to> col 12, 17929, row 21, 165847.
        #expect(chart.anchor == ChartModel.Anchor(from: CellAddress(a1: "E8")!, fromOffset: (609_600, 58_270),
                                                  to: CellAddress(a1: "M22")!, toOffset: (17_929, 165_847)))
        #expect(chart.part == "xl/charts/chart1.xml")
    }

    @Test("line and area charts with literal series names on two sheets: poi WithTwoCharts")
    func twoCharts() throws {
        let model = try XLSXReader().read(Corpus.url("excel/poi__WithTwoCharts.xlsx"))
        let line = try #require(model.sheet(named: "Sheet2")?.charts.first)
        #expect(line.kind == .line && line.grouping == .standard)
        #expect(line.series.map(\.nameLiteral) == ["1st Column", "2nd Column"])
        #expect(line.series.map(\.values) == ["Sheet1!$A$1:$A$6", "Sheet1!$B$1:$B$6"])
        #expect(line.series.allSatisfy { $0.categories == nil && $0.nameReference == nil })
        let area = try #require(model.sheet(named: "Sheet3")?.charts.first)
        #expect(area.kind == .area)
        #expect(area.series.map(\.nameLiteral) == ["Squares", "Base Numbers"])
    }

    @Test("a scatter chart's axis titles and the value axis number format: poi DataTableCities")
    func scatterAxes() throws {
        let model = try XLSXReader().read(Corpus.url("excel/poi__DataTableCities.xlsx"))
        let chart = try #require(model.sheets.flatMap(\.charts).first)
        #expect(chart.kind == .scatter && chart.variant == "lineMarker")
        #expect(chart.categoryAxisTitle == "Longitude" && chart.valueAxisTitle == "Latitude")
        #expect(chart.valueAxisNumberFormat == "0\"°\"")
        #expect(chart.legendPosition == nil)
        #expect(chart.series.first?.categories == "Table!$E$3:$E$14")
    }

    @Test("a pie chart's rich-text title; a title from cells; pictures are named in warnings")
    func titlesAndPictures() throws {
        let pie = try XLSXReader().read(Corpus.url("excel/ironcalc__custom_theme_colors.xlsx"))
        let chart = try #require(pie.sheets.flatMap(\.charts).first)
        #expect(chart.kind == .pie)
        #expect(chart.title == "COSTS AND EXPENSES -- 1st Quarter" && chart.titleReference == nil)
        #expect(chart.series.first?.color == nil, "a pie's slices keep their own colours")

        let line = try XLSXReader().read(Corpus.url("excel/poi__StructuredRefs-lots-with-lookups.xlsx"))
        let lineChart = try #require(line.sheets.flatMap(\.charts).first)
        #expect(lineChart.title == nil && lineChart.titleReference == "Profile!$C$23:$D$23")
        #expect(lineChart.valueAxisNumberFormat == "#,##0")

        let pictures = try XLSXReader().read(Corpus.url("excel/poi__integration__stress024.xlsx"))
        #expect(pictures.warnings.contains { $0.part.hasPrefix("xl/drawings/") && $0.message.hasPrefix("a picture at ") })
    }

    // MARK: - Writing

    /// A report sheet: labels in A5:A8, numbers in B5:B8 and formulas over them in D5:D8, a taller
    /// row, a wider column and a hidden one inside the chart's span, and a second sheet.
    static func reportPackage() -> TestPackage {
        let rows = (5...8).map { r in
            #"<row r="\#(r)"\#(r == 6 ? #" ht="30" customHeight="1""# : "")><c r="A\#(r)" t="inlineStr"><is><t>Enhet \#(r - 4)</t></is></c>"#
                + #"<c r="B\#(r)"><v>\#(r * 100)</v></c><c r="D\#(r)"><f>B\#(r)*2-1000</f><v>0</v></c></row>"#
        }.joined()
        let report = #"<cols><col min="8" max="8" width="20.7109375" customWidth="1"/><col min="10" max="10" width="9" hidden="1"/></cols><sheetData>"#
            + #"<row r="4"><c r="D4" t="inlineStr"><is><t>Utfall</t></is></c></row>"# + rows + "</sheetData>"
        return WriterSupport.package(sheets: [("Rapport", report), ("Data", #"<sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData>"#)])
    }

    static func columnChart() -> ChartModel {
        var chart = ChartModel(kind: .column, anchor: ChartModel.Anchor(
            from: CellAddress(a1: "F3")!, fromOffset: (2 * 9525, 3 * 9525), to: CellAddress(a1: "L20")!, toOffset: (10 * 9525, 4 * 9525)))
        var s = ChartModel.Series(values: "'Rapport'!$D$5:$D$8", categories: "'Rapport'!$A$5:$A$8", nameReference: "'Rapport'!$D$4")
        s.color = 0xFF1F_4E79
        s.invertIfNegative = true
        s.dataLabels = true
        chart.series = [s, ChartModel.Series(values: "Rapport!$B$5:$B$8", categories: "Rapport!$A$5:$A$8", nameLiteral: "Underlag")]
        chart.title = "Utfall per enhet"
        chart.categoryAxisTitle = "Enhet"
        chart.valueAxisTitle = "Tkr"
        chart.valueAxisNumberFormat = "#,##0"
        chart.legendPosition = "b"
        return chart
    }

    @Test("a column chart over a sheet's ranges is written and reads back the same, in either memory mode",
          arguments: [false, true])
    func columnChartRoundTrip(constantMemory: Bool) throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        var model = try WriterSupport.read(Self.reportPackage(), in: scratch)
        let chart = Self.columnChart()
        model.sheets[0].charts = [chart]
        let book = Workbook(model)
        book.recalculate()
        let (again, url, report) = try WriterSupport.roundTrip(model, calculated: book, in: scratch,
                                                               options: WriterSupport.options(constantMemory: constantMemory))
        #expect(report.constantMemory == constantMemory)
        #expect(report.warnings.isEmpty, "\(report.warnings)")
        let back = try #require(again.sheet(named: "Rapport")?.charts.first)
        #expect(again.sheets[0].charts.count == 1 && again.sheets[1].charts.isEmpty)
        #expect(back.kind == .column && back.grouping == .clustered)
        #expect(back.series == chart.series)
        #expect(back.title == chart.title && back.categoryAxisTitle == "Enhet" && back.valueAxisTitle == "Tkr")
        #expect(back.valueAxisNumberFormat == "#,##0")
        #expect(back.legendPosition == "b")
        #expect(back.anchor == chart.anchor, "\(back.anchor) != \(chart.anchor)")

        // The series caches hold the computed values of the formulas (libxlsxwriter alone caches 0).
        let xml = try WriterSupport.part(back.part, of: url)
        let expected = (5...8).map { "<c:v>\(NumberText.general(Double($0 * 100 * 2 - 1000)))</c:v>" }
        var rest = xml[...]
        for v in expected {
            let found = try #require(rest.range(of: v), "no \(v) in the first series' cache")
            rest = rest[found.upperBound...]
        }
        #expect(xml.contains("<c:v>Enhet 1</c:v>") && xml.contains("<c:v>Utfall</c:v>"))
        #expect(xml.contains(#"<c:f>'Rapport'!$D$5:$D$8</c:f>"#))
    }

    @Test("a chart over a sheet that is not written is left out with a warning")
    func chartOverSheetNotWritten() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        var model = try WriterSupport.read(Self.reportPackage(), in: scratch)
        var chart = Self.columnChart()
        chart.series.append(ChartModel.Series(values: "Data!$A$1:$A$1"))
        model.sheets[0].charts = [chart, Self.columnChart()]
        let (again, _, report) = try WriterSupport.roundTrip(model, calculated: nil, in: scratch,
                                                               options: WriterSupport.options(sheets: ["Rapport"]))
        #expect(report.warnings.contains { $0.contains("column chart at Rapport!F3 was left out") && $0.contains("Data!$A$1:$A$1") },
                "\(report.warnings)")
        #expect(again.sheets.map(\.name) == ["Rapport"])
        #expect(again.sheets[0].charts.count == 1)
        #expect(again.sheets[0].charts.first?.series.count == 2)
    }

    @Test("every kind and grouping comes back as written", arguments: [
        (ChartModel.Kind.bar, ChartModel.Grouping.clustered), (.bar, .stacked), (.column, .percentStacked),
        (.line, .standard), (.line, .stacked), (.area, .standard), (.area, .percentStacked),
        (.pie, .standard), (.doughnut, .standard), (.scatter, .standard), (.radar, .standard),
    ])
    func kinds(kind: ChartModel.Kind, grouping: ChartModel.Grouping) throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        var model = try WriterSupport.read(Self.reportPackage(), in: scratch)
        var chart = ChartModel(kind: kind, anchor: ChartModel.Anchor(from: CellAddress(a1: "B10")!, to: CellAddress(a1: "H25")!))
        chart.grouping = grouping
        // Scatter charts take numbers as x values; the others, labels as categories.
        chart.series = [ChartModel.Series(values: "Rapport!$B$5:$B$8", categories: kind == .scatter ? "Rapport!$D$5:$D$8" : "Rapport!$A$5:$A$8")]
        chart.categoryAxisTitle = "x"
        chart.legendPosition = "r"
        model.sheets[0].charts = [chart]
        let (again, _, report) = try WriterSupport.roundTrip(model, calculated: nil, in: scratch)
        #expect(report.warnings.isEmpty, "\(report.warnings)")
        let back = try #require(again.sheets[0].charts.first)
        #expect(back.kind == kind)
        if kind != .pie && kind != .doughnut && kind != .scatter && kind != .radar {
            #expect(back.grouping == grouping)
            #expect(back.categoryAxisTitle == "x")
        }
        #expect(back.series.map(\.values) == chart.series.map(\.values))
        #expect(back.anchor == chart.anchor)
    }

    @Test("a bar chart listing its categories top-down with their labels at the low edge keeps both")
    func categoryAxisOrderAndLabels() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        var model = try WriterSupport.read(Self.reportPackage(), in: scratch)
        var chart = ChartModel(kind: .bar, anchor: ChartModel.Anchor(from: CellAddress(a1: "B10")!, to: CellAddress(a1: "H25")!))
        chart.series = [ChartModel.Series(values: "Rapport!$B$5:$B$8", categories: "Rapport!$A$5:$A$8")]
        chart.categoriesReversed = true
        chart.categoryLabelPosition = "low"
        model.sheets[0].charts = [chart]
        let (again, url, _) = try WriterSupport.roundTrip(model, calculated: nil, in: scratch)
        let back = try #require(again.sheets[0].charts.first)
        #expect(back.categoriesReversed && back.categoryLabelPosition == "low")
        let xml = try WriterSupport.part("xl/charts/chart1.xml", of: url)
        #expect(xml.contains(#"<c:orientation val="maxMin"/>"#) && xml.contains(#"<c:tickLblPos val="low"/>"#))
        // Left alone, the category axis reads as Excel's default.
        model.sheets[0].charts[0].categoriesReversed = false
        model.sheets[0].charts[0].categoryLabelPosition = nil
        let (plain, _, _) = try WriterSupport.roundTrip(model, calculated: nil, in: scratch)
        #expect(plain.sheets[0].charts.first?.categoriesReversed == false)
        #expect(plain.sheets[0].charts.first?.categoryLabelPosition != "low")
    }

    @Test("the corpus's charts survive read → write → read", arguments: corpusWithCharts)
    func corpusRoundTrip(workbook: String) throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let model = try XLSXReader().read(Corpus.url(workbook))
        let (again, _, _) = try WriterSupport.roundTrip(model, calculated: nil, in: scratch)
        for (before, after) in zip(model.sheets, again.sheets) {
            #expect(after.charts.count == before.charts.count, "\(before.name)")
            for (a, b) in zip(before.charts, after.charts) {
                #expect(b.kind == a.kind && b.series == a.series && b.title == a.title && b.legendPosition == a.legendPosition)
                #expect(b.titleReference == a.titleReference && b.valueAxisNumberFormat == a.valueAxisNumberFormat)
                #expect(b.anchor.from == a.anchor.from && b.anchor.to == a.anchor.to, "\(before.name): \(a.anchor) → \(b.anchor)")
                // Offsets go through whole pixels.
                for (x, y) in [(a.anchor.fromOffset.x, b.anchor.fromOffset.x), (a.anchor.fromOffset.y, b.anchor.fromOffset.y),
                               (a.anchor.toOffset.x, b.anchor.toOffset.x), (a.anchor.toOffset.y, b.anchor.toOffset.y)] {
                    #expect(abs(x - y) <= SheetPixelGeometry.emuPerPixel, "\(before.name): \(a.anchor) → \(b.anchor)")
                }
            }
        }
    }

    // MARK: - Hand-made and hostile parts

    /// A workbook with one sheet whose drawing holds `anchors` and whose charts are `charts`
    /// (`xl/charts/chartN.xml`, relationship `rIdN`).
    static func drawingPackage(anchors: String, charts: [String]) -> TestPackage {
        var p = WriterSupport.package(sheets: [("Blad1", #"<sheetData><row r="1"><c r="A1"><v>1</v></c><c r="B1"><v>2</v></c></row></sheetData><drawing r:id="rIdD"/>"#)])
        let rel = TestPackage.relationshipsNamespace
        p.put("xl/worksheets/_rels/sheet1.xml.rels", TestPackage.xmlDeclaration
            + #"<Relationships xmlns="\#(TestPackage.packageRelationshipsNamespace)"><Relationship Id="rIdD" Type="\#(rel)/drawing" Target="../drawings/drawing1.xml"/></Relationships>"#)
        p.put("xl/drawings/drawing1.xml", TestPackage.xmlDeclaration
            + #"<xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" xmlns:r="\#(rel)">"#
            + anchors + "</xdr:wsDr>")
        p.put("xl/drawings/_rels/drawing1.xml.rels", TestPackage.xmlDeclaration
            + #"<Relationships xmlns="\#(TestPackage.packageRelationshipsNamespace)">"#
            + charts.indices.map { #"<Relationship Id="rId\#($0 + 1)" Type="\#(rel)/chart" Target="../charts/chart\#($0 + 1).xml"/>"# }.joined()
            + "</Relationships>")
        for (i, chart) in charts.enumerated() {
            p.put("xl/charts/chart\(i + 1).xml", TestPackage.xmlDeclaration
                + #"<c:chartSpace xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">"#
                + chart + "</c:chartSpace>")
        }
        return p
    }

    static func frame(_ id: Int) -> String {
        #"<xdr:graphicFrame><a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/chart"><c:chart r:id="rId\#(id)"/></a:graphicData></a:graphic></xdr:graphicFrame><xdr:clientData/>"#
    }

    static func twoCell(_ body: String) -> String {
        "<xdr:twoCellAnchor><xdr:from><xdr:col>1</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>2</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from>"
            + "<xdr:to><xdr:col>6</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>12</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:to>" + body + "</xdr:twoCellAnchor>"
    }

    static let barChart = #"<c:chart><c:autoTitleDeleted val="1"/><c:plotArea><c:barChart><c:barDir val="bar"/><c:grouping val="stacked"/>"#
        + #"<c:ser><c:tx><c:v>Lit</c:v></c:tx><c:spPr><a:solidFill><a:srgbClr val="C00000"/></a:solidFill></c:spPr><c:invertIfNegative val="1"/>"#
        + #"<c:dLbls><c:showVal val="1"/></c:dLbls><c:val><c:numRef><c:f>Blad1!$A$1:$B$1</c:f></c:numRef></c:val></c:ser>"#
        + #"<c:axId val="1"/><c:axId val="2"/></c:barChart><c:catAx><c:axId val="1"/></c:catAx><c:valAx><c:axId val="2"/></c:valAx></c:plotArea></c:chart>"#

    @Test("a hand-made bar chart: direction, grouping, colour, labels, a deleted automatic title")
    func handMadeBarChart() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let model = try WriterSupport.read(Self.drawingPackage(anchors: Self.twoCell(Self.frame(1)), charts: [Self.barChart]), in: scratch)
        let chart = try #require(model.sheets[0].charts.first)
        #expect(chart.kind == .bar && chart.grouping == .stacked && chart.autoTitleDeleted)
        #expect(chart.legendPosition == nil)
        var expected = ChartModel.Series(values: "Blad1!$A$1:$B$1", nameLiteral: "Lit")
        expected.color = 0xFFC0_0000
        expected.invertIfNegative = true
        expected.dataLabels = true
        #expect(chart.series == [expected])
        #expect(chart.anchor == ChartModel.Anchor(from: CellAddress(a1: "B3")!, to: CellAddress(a1: "G13")!))

        let (again, url, report) = try WriterSupport.roundTrip(model, calculated: nil, in: scratch)
        #expect(report.warnings.isEmpty, "\(report.warnings)")
        let back = try #require(again.sheets[0].charts.first)
        #expect(back.kind == .bar && back.grouping == .stacked && back.autoTitleDeleted && back.series == [expected])
        #expect(try WriterSupport.part(back.part, of: url).contains(#"<c:autoTitleDeleted val="1"/>"#))
    }

    @Test("one-cell and absolute anchors become cell-to-cell anchors by the sheet's column widths and row heights")
    func oneCellAndAbsoluteAnchors() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        // 480 × 288 pixels from B3 + 5 px: columns of 64 px and rows of 20 px (row 5 is 40 px tall).
        let oneCell = #"<xdr:oneCellAnchor><xdr:from><xdr:col>1</xdr:col><xdr:colOff>47625</xdr:colOff><xdr:row>2</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from>"#
            + #"<xdr:ext cx="4572000" cy="2743200"/>"# + Self.frame(1) + "</xdr:oneCellAnchor>"
        let absolute = #"<xdr:absoluteAnchor><xdr:pos x="0" y="0"/><xdr:ext cx="1219200" cy="381000"/>"# + Self.frame(2) + "</xdr:absoluteAnchor>"
        var package = Self.drawingPackage(anchors: oneCell + absolute, charts: [Self.barChart, Self.barChart])
        package.put("xl/worksheets/sheet1.xml", TestPackage.xmlDeclaration + #"<worksheet xmlns="\#(TestPackage.mainNamespace)" xmlns:r="\#(TestPackage.relationshipsNamespace)">"#
            + #"<sheetData><row r="5" ht="30" customHeight="1"/></sheetData><drawing r:id="rIdD"/></worksheet>"#)
        let model = try WriterSupport.read(package, in: scratch)
        let charts = model.sheets[0].charts
        try #require(charts.count == 2)
        // x: 64·1 + 5 = 69 px; end 69 + 480 = 549 = 8·64 + 37 → column I (8), 37 px.
        // y: 40 px; end 328 = 20·4 + 40 + 20·10 + 8 → row 16 (index 15), 8 px.
        #expect(charts[0].anchor == ChartModel.Anchor(from: CellAddress(a1: "B3")!, fromOffset: (5 * 9525, 0),
                                                      to: CellAddress(a1: "I16")!, toOffset: (37 * 9525, 8 * 9525)))
        // 128 × 40 px from the corner: to C3, exactly on its corner.
        #expect(charts[1].anchor == ChartModel.Anchor(from: CellAddress(a1: "A1")!, to: CellAddress(a1: "C3")!))
    }

    @Test("unknown chart kinds, combined charts, shapes and broken chart parts become warnings, not errors")
    func unsupportedContent() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let bubble = #"<c:chart><c:plotArea><c:bubbleChart><c:ser><c:yVal><c:numRef><c:f>Blad1!$A$1</c:f></c:numRef></c:yVal></c:ser></c:bubbleChart></c:plotArea></c:chart>"#
        let combined = #"<c:chart><c:plotArea><c:barChart><c:barDir val="col"/><c:ser><c:val><c:numRef><c:f>Blad1!$A$1:$B$1</c:f></c:numRef></c:val></c:ser></c:barChart>"#
            + #"<c:lineChart><c:ser><c:val><c:numRef><c:f>Blad1!$A$1:$B$1</c:f></c:numRef></c:val></c:ser></c:lineChart></c:plotArea></c:chart>"#
        let broken = "<c:chart><c:plotArea><c:barChart></c:plotArea></c:chart>"
        let literal = #"<c:chart><c:plotArea><c:lineChart><c:ser><c:val><c:numLit><c:ptCount val="1"/></c:numLit></c:val></c:ser></c:lineChart></c:plotArea></c:chart>"#
        let shape = Self.twoCell(#"<xdr:sp><xdr:txBody/></xdr:sp><xdr:clientData/>"#)
        let chartex = Self.twoCell(#"<mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"><mc:Choice Requires="cx1">"#
            + #"<xdr:graphicFrame><a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/drawing/2014/chartex"><cx:chart xmlns:cx="http://schemas.microsoft.com/office/drawing/2014/chartex" r:id="rId9"/></a:graphicData></a:graphic></xdr:graphicFrame>"#
            + #"</mc:Choice><mc:Fallback><xdr:sp><xdr:txBody/></xdr:sp></mc:Fallback></mc:AlternateContent><xdr:clientData/>"#)
        let anchors = [1, 2, 3, 4, 5].map { Self.twoCell(Self.frame($0)) }.joined() + shape + chartex
        let model = try WriterSupport.read(Self.drawingPackage(anchors: anchors, charts: [bubble, combined, broken, literal]), in: scratch)
        let messages = model.warnings.map(\.description)
        #expect(messages.contains { $0.contains("chart kind bubbleChart not kept") })
        #expect(messages.contains { $0.contains("xl/charts/chart3.xml") && $0.contains("malformed XML") })
        #expect(messages.contains { $0.contains("combined chart") && $0.contains("1 series") })
        #expect(messages.contains { $0.contains("values written into the chart") })
        #expect(messages.contains { $0.contains("relationship rId5") })
        #expect(messages.contains { $0.contains("a shape at B3 is not kept") })
        #expect(messages.contains { $0.contains("chartex") })
        #expect(messages.filter { $0.contains("a shape") }.count == 1, "the fallback of the chartex chart is not read: \(messages)")
        let charts = model.sheets[0].charts
        #expect(charts.count == 1 && charts.first?.kind == .column && charts.first?.series.count == 1)
        #expect(model.sheets[0].value(at: "B1") == .number(2))
    }

    @Test("a chart part with a DTD is refused like any other part; deep nesting is skipped")
    func hostileChartParts() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        var package = Self.drawingPackage(anchors: Self.twoCell(Self.frame(1)), charts: [Self.barChart])
        let laughs = #"<?xml version="1.0"?><!DOCTYPE c [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><c:chartSpace xmlns:c="x">&b;</c:chartSpace>"#
        package.put("xl/charts/chart1.xml", laughs)
        #expect(throws: XLSXError.self) { try WriterSupport.read(package, in: scratch) }

        let deep = String(repeating: "<c:x>", count: 5000) + String(repeating: "</c:x>", count: 5000)
        let nested = Self.barChart.replacingOccurrences(of: "<c:grouping val=\"stacked\"/>", with: "<c:grouping val=\"stacked\"/>" + deep)
        let deepPackage = Self.drawingPackage(anchors: Self.twoCell(Self.frame(1)), charts: [nested])
        let model = try WriterSupport.read(deepPackage, in: scratch, as: "deep.xlsx")
        #expect(model.sheets[0].charts.first?.series.count == 1)
    }
}
