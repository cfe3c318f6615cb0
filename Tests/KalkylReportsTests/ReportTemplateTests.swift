import Foundation
import Kalkyl
import KalkylXLSX
import Testing
@testable import KalkylReports

/// The template contract (docs/templates.md) on small templates built here.
@Suite struct ReportTemplateTests {
    static func cell(_ a1: String) -> CellAddress { CellAddress(a1: a1)! }

    /// Data (Period, Division, Ansvar, Belopp, a calculated Kvartal column), Parametrar with the
    /// two period names, and Rapport: one row per Ansvar, a total under it and a line below.
    static func template(extraDataColumn: String? = nil) -> WorkbookModel {
        var model = WorkbookModel()
        var data = WorksheetModel(name: "Data")
        let headers = ["Period", "Division", "Ansvar", "Belopp", "Kvartal"] + (extraDataColumn.map { [$0] } ?? [])
        for (c, h) in headers.enumerated() { data.setValue(.text(h), at: CellAddress(row: 0, column: c)) }
        data.notes.append(CellNote(address: cell("A1"), text: "kalkyl: data"))
        data.setValue(.number(202601), at: cell("A2"))
        data.setValue(.text("Medicin"), at: cell("B2"))
        data.setValue(.number(1010), at: cell("C2"))
        data.setValue(.number(-5000), at: cell("D2"))
        data.setFormula("ROUNDUP(MOD(A2,100)/3,0)", at: cell("E2"))

        var parameters = WorksheetModel(name: "Parametrar")
        parameters.setValue(.number(2025), at: cell("B2"))
        parameters.setValue(.number(1), at: cell("B3"))

        var rapport = WorksheetModel(name: "Rapport")
        rapport.setFormula("\"Utfall jan–\"&CHOOSE(Rapportmånad,\"jan\",\"feb\",\"mar\",\"apr\",\"maj\",\"jun\",\"jul\",\"aug\",\"sep\",\"okt\",\"nov\",\"dec\")&\" \"&Rapportår",
                           at: cell("A1"))
        rapport.setValue(.text("Ansvar"), at: cell("A3"))
        rapport.setValue(.text("Ack utfall"), at: cell("B3"))
        rapport.setValue(.text("Andel"), at: cell("C3"))
        rapport.setValue(.number(1010), at: cell("A4"))
        rapport.notes.append(CellNote(address: cell("A4"), text: "kalkyl: repeat-row Ansvar"))
        let ack = "SUMIFS(Data!$D$2:$D$2,Data!$C$2:$C$2,$A4,Data!$A$2:$A$2,\">=\"&(Rapportår*100+1),Data!$A$2:$A$2,\"<=\"&(Rapportår*100+Rapportmånad))"
        rapport.setFormula(ack, at: cell("B4"))
        rapport.setFormula("IF($B$5=0,0,B4/$B$5)", at: cell("C4"))
        rapport.setValue(.text("Summa"), at: cell("A5"))
        rapport.setFormula("SUM(B4:B4)", at: cell("B5"))
        rapport.notes.append(CellNote(address: cell("B5"), text: """
            Controller:
            Summan ska stämma mot huvudboken.
            kalkyl: check "Ack utfall mot huvudboken" tolerance=0.01 =SUMIFS(Data!$D$2:$D$2,Data!$A$2:$A$2,">="&(Rapportår*100+1),Data!$A$2:$A$2,"<="&(Rapportår*100+Rapportmånad))
            """, author: "Controller"))
        rapport.setValue(.text("Antal rader"), at: cell("A7"))
        rapport.setFormula("COUNT(Data!D2:D2)", at: cell("B7"))
        rapport.setFormula("B5*2", at: cell("B8"))
        rapport.mergedRanges.append(CellRange(a1: "A7:A8")!)

        var division = WorksheetModel(name: "Division")
        division.setValue(.text("Division"), at: cell("A1"))
        division.setValue(.text("X"), at: cell("B1"))
        division.notes.append(CellNote(address: cell("B1"), text: "kalkyl: repeat-sheet Division name=\"Div {value}\""))
        division.setValue(.number(0), at: cell("A3"))
        division.notes.append(CellNote(address: cell("A3"), text: "kalkyl: repeat-row Ansvar"))
        division.setFormula("SUMIFS(Data!$D$2:$D$2,Data!$C$2:$C$2,$A3,Data!$B$2:$B$2,$B$1)", at: cell("B3"))
        division.setFormula("SUM(B3:B3)", at: cell("B4"))

        model.addSheet(rapport)
        model.addSheet(division)
        model.addSheet(parameters)
        model.addSheet(data)
        model.defineName("Rapportår", formula: "Parametrar!$B$2")
        model.defineName("Rapportmånad", formula: "Parametrar!$B$3")
        model.defineName("Belopp", formula: "Data!$D$2:$D$2")
        return model
    }

    static func ledger() -> LedgerTable {
        // Headers in another order and with synonyms; periods in three spellings.
        let rows: [[CellValue]] = [
            [.text("Medicin"), .number(1020), .text("2025-01"), .number(-100)],
            [.text("Medicin"), .number(1010), .number(202502), .number(-200)],
            [.text("Kirurgi"), .number(2010), .text("mar-25"), .number(-400)],
            [.text("Medicin"), .number(1010), .number(202503), .number(-800)],
            [.text("Kirurgi"), .number(2010), .number(202406), .number(-1600)],
            [.text("Medicin"), .number(1020), .number(202504), .number(-3200)],
        ]
        return LedgerTable(headers: ["Förvaltning", "Kostnadsställe", "Månad", "Amount"], rows: rows)
    }

    func prepare(_ model: WorkbookModel = template(), month: Int = 3) throws -> PreparedReport {
        try ReportBuilder(template: model, name: "test.xlsx")
            .prepare(data: Self.ledger(), parameters: ReportParameters(period: Period(year: 2025, month: month)))
    }

    @Test func inputColumnsAreMatchedBySynonymAndPeriodsBecomeNumbers() throws {
        let report = try prepare()
        let data = try #require(report.model.sheet(named: "Data"))
        #expect(data.value(at: "A2") == .number(202501))
        #expect(data.value(at: "A4") == .number(202503))
        #expect(data.value(at: "B4") == .text("Kirurgi"))
        #expect(data.value(at: "D7") == .number(-3200))
        // The calculated column is filled down to every row and computes.
        #expect(report.value(sheet: "Data", at: "E7") == .number(2))
        #expect(report.dataRowCount == 6)
    }

    @Test func aMonthNumberBesideAYearColumnIsThePeriod() throws {
        let ledger = LedgerTable(headers: ["År", "Månad", "Kostnadsställe", "Belopp"], rows: [
            [.number(2025), .number(2), .number(1010), .number(-7)],
            [.number(2024), .number(12), .number(1010), .number(-9)],
        ])
        let report = try ReportBuilder(template: Self.template(), name: "t.xlsx")
            .prepare(data: ledger, parameters: ReportParameters(period: Period(year: 2025, month: 3)))
        let data = try #require(report.model.sheet(named: "Data"))
        #expect(data.value(at: "A2") == .number(202502))
        #expect(data.value(at: "A3") == .number(202412))
        #expect(report.value(sheet: "Rapport", at: "B4") == .number(-7))
        #expect(!report.warnings.contains { $0.contains("not in the template") })
    }

    @Test func rangesOverTheDataGrowToEveryRow() throws {
        let report = try prepare()
        let rapport = try #require(report.model.sheet(named: "Rapport"))
        #expect(rapport.formulaText(at: "B4")?.contains("Data!$D$2:$D$7") == true)
        #expect(report.model.definedNames.first { $0.name == "Belopp" }?.formula == "Data!$D$2:$D$7")
        // COUNT(Data!D2:D2) grew too; it now sits below the repeated rows.
        #expect(report.value(sheet: "Rapport", at: "B9") == .number(6))
    }

    @Test func repeatedRowsGetEachValueAndTotalsIncludeEveryRow() throws {
        let report = try prepare()
        // Ansvar 1010, 1020, 2010 in ascending order; Ack utfall for Jan–Mar 2025.
        #expect(report.value(sheet: "Rapport", at: "A4") == .number(1010))
        #expect(report.value(sheet: "Rapport", at: "A5") == .number(1020))
        #expect(report.value(sheet: "Rapport", at: "A6") == .number(2010))
        #expect(report.value(sheet: "Rapport", at: "B4") == .number(-1000))
        #expect(report.value(sheet: "Rapport", at: "B5") == .number(-100))
        #expect(report.value(sheet: "Rapport", at: "B6") == .number(-400))
        let rapport = try #require(report.model.sheet(named: "Rapport"))
        #expect(rapport.formulaText(at: "B7") == "SUM(B4:B6)")
        #expect(report.value(sheet: "Rapport", at: "B7") == .number(-1500))
        // Absolute references to the total moved with it; relative ones moved per copy.
        #expect(rapport.formulaText(at: "C6") == "IF($B$7=0,0,B6/$B$7)")
        // What was below moved down, its merge with it.
        #expect(rapport.value(at: "A9") == .text("Antal rader"))
        #expect(rapport.formulaText(at: "B10") == "B7*2")
        #expect(rapport.mergedRanges == [CellRange(a1: "A9:A10")!])
    }

    @Test func parametersComeFromThePeriodAndTitlesComputeThemselves() throws {
        let report = try prepare()
        #expect(report.value(sheet: "Rapport", at: "A1") == .text("Utfall jan–mar 2025"))
        #expect(report.value(sheet: "Parametrar", at: "B2") == .number(2025))
        #expect(report.value(sheet: "Parametrar", at: "B3") == .number(3))
    }

    @Test func repeatedSheetsOnePerDivisionCountOnlyTheirRows() throws {
        let report = try prepare()
        let names = report.model.sheets.map(\.name)
        #expect(names == ["Rapport", "Div Kirurgi", "Div Medicin", "Parametrar", "Data", "Kontroll"])
        #expect(report.value(sheet: "Div Kirurgi", at: "B1") == .text("Kirurgi"))
        // Only Kirurgi's cost centre is repeated on its sheet, with all periods.
        #expect(report.value(sheet: "Div Kirurgi", at: "A3") == .number(2010))
        #expect(report.value(sheet: "Div Kirurgi", at: "B4") == .number(-2000))
        #expect(report.value(sheet: "Div Medicin", at: "A4") == .number(1020))
        #expect(report.value(sheet: "Div Medicin", at: "B5") == .number(-4300))
    }

    @Test func checksGoToAKontrollSheetAndCommandLinesLeaveTheNotes() throws {
        let report = try prepare()
        let outcomes = report.checkOutcomes
        #expect(outcomes.count == 1)
        #expect(outcomes.first?.passed == true)
        #expect(outcomes.first?.actual == .number(-1500))
        #expect(report.value(sheet: "Kontroll", at: "G4") == .text("OK"))
        let notes = report.model.sheets.flatMap(\.notes)
        #expect(notes.map(\.text) == ["Controller:\nSumman ska stämma mot huvudboken."])
    }

    @Test func aCheckThatIsOffIsReported() throws {
        var model = Self.template()
        let r = try #require(model.sheetIndex(named: "Rapport"))
        // The total now leaves out the repeated block's last row.
        model.sheets[r].setFormula("SUM(B4:B4)-1", at: Self.cell("B5"))
        let report = try prepare(model)
        #expect(report.checkOutcomes.first?.passed == false)
        #expect(report.value(sheet: "Kontroll", at: "G4") == .text("AVVIKER"))
    }

    @Test func theNextMonthRecalculatesOnlyWhatTheMonthTouches() throws {
        let report = try prepare()
        let full = report.lastCalculation.evaluations
        let april = try report.set(ReportParameters(period: Period(year: 2025, month: 4)))
        #expect(report.value(sheet: "Rapport", at: "A1") == .text("Utfall jan–apr 2025"))
        #expect(report.value(sheet: "Rapport", at: "B5") == .number(-3300))
        #expect(april.evaluations > 0 && april.evaluations < full)
    }

    @Test func aColumnAddedToTheTemplateAppearsWithNoCodeChange() throws {
        // A template edit: the controller adds "Ansvarsnamn" to the data sheet; the input has it.
        var ledger = Self.ledger()
        ledger.headers.append("Ansvarsnamn")
        ledger.rows = ledger.rows.map { $0 + [.text("Enhet \($0[1])")] }
        let report = try ReportBuilder(template: Self.template(extraDataColumn: "Ansvarsnamn"), name: "t.xlsx")
            .prepare(data: ledger, parameters: ReportParameters(period: Period(year: 2025, month: 3)))
        #expect(report.value(sheet: "Data", at: "F2") == .text("Enhet 1020"))
        #expect(report.warnings.allSatisfy { !$0.contains("Ansvarsnamn") })
    }

    @Test func mistakesInTheTemplateAreNamedWithTheirCell() throws {
        var model = Self.template()
        let r = try #require(model.sheetIndex(named: "Rapport"))
        model.sheets[r].notes.append(CellNote(address: Self.cell("D4"), text: "kalkyl: repeat-row Saknas"))
        #expect { try prepare(model) } throws: { "\($0)".contains("Rapport!D4") && "\($0)".contains("no column 'Saknas'") }
        var unknown = Self.template()
        unknown.sheets[r].notes.append(CellNote(address: Self.cell("D9"), text: "kalkyl: upprepa"))
        #expect { try prepare(unknown) } throws: { "\($0)".contains("Rapport!D9") && "\($0)".contains("unknown command") }
    }

    @Test func theWrittenReportReadsBackWithItsValues() throws {
        let report = try prepare()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kalkyl-report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("rapport.xlsx")
        try report.write(to: url)
        let back = try XLSXReader().read(url)
        let rapport = try #require(back.sheet(named: "Rapport"))
        #expect(rapport.value(at: "B7") == .number(-1500))
        #expect(rapport.formulaText(at: "B7") == "SUM(B4:B6)")
        #expect(back.sheet(named: "Kontroll")?.value(at: "G4") == .text("OK"))
        #expect(back.sheet(named: "Data")?.value(at: "E7") == .number(2))
    }
}
