import Foundation
import Kalkyl
import KalkylXLSX
import Testing
@testable import WorkbookGenerator

/// The report templates in `Workbooks/templates/`: that the committed files are what the generator
/// makes, and that each one, calculated as it is with its one sample row, shows that row's numbers
/// on the right lines and keeps its own checks.
@Suite("Shipped report templates")
struct TemplateFilesTests {
    static let workbooks = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Workbooks")
    static let templatePaths = WorkbookGenerator.templateFiles.map(\.0)

    // MARK: - Committed files

    @Test(arguments: templatePaths)
    func committedTemplateIsWhatTheGeneratorMakes(_ relative: String) throws {
        let make = try #require(WorkbookGenerator.templateFiles.first { $0.0 == relative }?.1)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kalkyl-templates-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let fresh = folder.appendingPathComponent((relative as NSString).lastPathComponent)
        try make(fresh)

        let committedURL = Self.workbooks.appendingPathComponent(relative)
        #expect(FileManager.default.fileExists(atPath: committedURL.path),
                "\(relative) is missing: run `swift run kalkyl-workbooks Workbooks`")
        let committed = WorkbookSnapshot(try XLSXReader().read(committedURL))
        let generated = WorkbookSnapshot(try XLSXReader().read(fresh))
        #expect(committed.sheetNames == generated.sheetNames)
        #expect(committed.names == generated.names)
        for (c, g) in zip(committed.sheets, generated.sheets) {
            let differing = Set(c.cells.keys).union(g.cells.keys).sorted().filter { c.cells[$0] != g.cells[$0] }
            #expect(differing.isEmpty, "\(relative) \(c.name): \(differing.prefix(5).map { "\($0): \(c.cells[$0] ?? "-") ≠ \(g.cells[$0] ?? "-")" })")
            #expect(c.layout == g.layout, "\(relative) \(c.name): layout")
            #expect(c.notes == g.notes, "\(relative) \(c.name): notes")
        }
        #expect(generated.sheets.reduce(0) { $0 + $1.cells.count } > 20)
    }

    // MARK: - Every template as it is

    @Test(arguments: templatePaths)
    func calculatesWithoutErrorsAndKeepsItsChecks(_ relative: String) throws {
        let model = try XLSXReader().read(Self.workbooks.appendingPathComponent(relative))
        let engine = Workbook(model)
        engine.recalculate()
        var formulaCount = 0
        for (s, sheet) in model.sheets.enumerated() {
            for formula in sheet.formulas {
                formulaCount += 1
                let value = engine.value(sheet: s, at: formula.address)
                #expect(value.errorValue == nil, "\(relative) \(sheet.name)!\(formula.address.a1) = \(value): \(sheet.formulaText(of: formula) ?? "")")
            }
        }
        #expect(formulaCount > 20)

        // The checks hold on the sample row (each evaluated on its note's sheet, as the filler does).
        let built = try #require(Self.builtModel(relative))
        var checks = 0
        for (s, sheet) in built.sheets.enumerated() {
            for note in sheet.notes where note.text.hasPrefix("kalkyl: check") {
                let check = try #require(CheckCommand(note.text), "\(note.text)")
                let spare = CellAddress(row: 999, column: 40)
                engine.setFormula(check.formula, sheet: s, at: spare)
                engine.recalculate()
                let expected = try #require(engine.value(sheet: s, at: spare).numberValue, "\(note.text)")
                let actual = try #require(engine.value(sheet: s, at: note.address).numberValue)
                #expect(abs(actual - expected) <= check.tolerance, "\(relative) \(sheet.name)!\(note.address.a1): \(check.label)")
                checks += 1
            }
        }
        #expect(checks >= 1)
    }

    /// Formulas reach the data through ranges over the one sample row (`Data!$G$2:$G$2`), which
    /// the filler grows to all input rows; a whole column or another row would not grow the same.
    @Test(arguments: templatePaths)
    func dataReferencesAreBoundedToTheSampleRow(_ relative: String) throws {
        let model = try #require(Self.builtModel(relative))
        let dataRange = try Regex(#"Data!\$[A-Z]\$2:\$[A-Z]\$2"#)
        var references = 0
        for sheet in model.sheets {
            for formula in sheet.formulas {
                let text = try #require(sheet.formulaText(of: formula))
                references += text.matches(of: dataRange).count
                #expect(text.replacing(dataRange, with: "").contains("Data!") == false, "\(sheet.name)!\(formula.address.a1): \(text)")
            }
            for note in sheet.notes where note.text.hasPrefix("kalkyl: check") {
                #expect(note.text.replacing(dataRange, with: "").contains("Data!") == false, "\(note.text)")
            }
        }
        #expect(references > 10)
        // The data sheet: its header row with the `kalkyl: data` note, one sample row, last in tab order.
        let data = try #require(model.sheets.last)
        #expect(data.name == "Data")
        #expect(data.notes.map(\.text) == ["kalkyl: data"])
        #expect(data.notes.first?.address.a1 == "A1")
        #expect(data.cells.usedRange?.last.row == 1)
        // Parameters are names of cells on Parametrar.
        #expect(model.definedNames.contains { $0.name == "Rapportår" && $0.formula == "Parametrar!$B$2" && $0.sheetScope == nil })
        #expect(model.definedNames.contains { $0.name == "Rapportmånad" && $0.formula == "Parametrar!$B$3" && $0.sheetScope == nil })
        // Report sheets print landscape, one page wide, with frozen and repeated header rows.
        for (i, sheet) in model.sheets.enumerated() where !["Data", "Parametrar"].contains(sheet.name) {
            #expect(sheet.pageSetup.orientation == .landscape)
            #expect(sheet.pageSetup.fitToPage && sheet.pageSetup.fitToWidth == 1 && sheet.pageSetup.fitToHeight == 0)
            #expect(sheet.view.frozenRows >= 3)
            let titles = model.definedNames.first { $0.name == "_xlnm.Print_Titles" && $0.sheetScope == i }
            #expect(titles?.formula == "'\(sheet.name)'!$1:$\(sheet.view.frozenRows)")
        }
    }

    // MARK: - Intäkter och kostnader

    @Test func intakterKostnaderShowTheSampleRowOnItsLine() throws {
        let model = try XLSXReader().read(Self.workbooks.appendingPathComponent("templates/intakter-kostnader.xlsx"))
        #expect(model.sheets.map(\.name) == ["Totalt", "Division", "Parametrar", "Data"])
        let engine = Workbook(model)
        engine.recalculate()
        let konto = try #require(engine.value(at: "Data!E2").numberValue)
        let belopp = try #require(engine.value(at: "Data!G2").numberValue)
        let budget = try #require(engine.value(at: "Data!H2").numberValue)
        let division = try #require(engine.value(at: "Data!B2").textValue)

        let lines = IntakterKostnaderTemplate.revenues + IntakterKostnaderTemplate.costs
        for sheet in ["Totalt", "Division"] {
            #expect(engine.value(at: "\(sheet)!A1").textValue?.hasSuffix("jan–maj 2026") == true)
            #expect(engine.value(at: "\(sheet)!G4") == .text("Utfall diff %"))
            var found = 0
            for r in 5...21 {
                let label = try #require(engine.value(at: "\(sheet)!A\(r)").textValue)
                if label.hasPrefix("Summa") { continue }
                #expect(lines.contains { $0.name == label })
                let from = try #require(engine.value(at: "\(sheet)!I\(r)").numberValue)
                let to = try #require(engine.value(at: "\(sheet)!J\(r)").numberValue)
                let mine = from <= konto && konto <= to
                if mine { found += 1 }
                #expect(engine.value(at: "\(sheet)!B\(r)").numberValue == (mine ? belopp / 1000 : 0), "\(sheet) \(label)")
                #expect(engine.value(at: "\(sheet)!C\(r)").numberValue == (mine ? budget / 1000 : 0), "\(sheet) \(label)")
                #expect(engine.value(at: "\(sheet)!D\(r)").numberValue == (mine ? (belopp - budget) / 1000 : 0))
                #expect(engine.value(at: "\(sheet)!E\(r)").numberValue == 0)
                #expect(engine.value(at: "\(sheet)!G\(r)") == .text("–"))
                let forecast = try #require(engine.value(at: "\(sheet)!H\(r)").numberValue)
                #expect(abs(forecast - (mine ? (belopp - budget) / 1000 / 5 * 12 : 0)) < 1e-9)
            }
            #expect(found == 1)
            // Konto 4010 is a cost: it is in Summa Bruttokostnader and the net, not in Summa Intäkter.
            #expect(engine.value(at: "\(sheet)!A22") == .text("Summa Bruttokostnader"))
            #expect(engine.value(at: "\(sheet)!B9").numberValue == (konto < 4000 ? belopp / 1000 : 0))
            #expect(engine.value(at: "\(sheet)!B22").numberValue == (konto >= 4000 ? belopp / 1000 : 0))
            #expect(engine.value(at: "\(sheet)!B23").numberValue == belopp / 1000)
            #expect(engine.value(at: "\(sheet)!A23") == .text("Summa Verksamhetens nettokostnader"))
        }
        #expect(engine.value(at: "Division!A1") == .text("Intäkter och kostnader i tkr, \(division), jan–maj 2026"))
        #expect(engine.value(at: "Totalt!A1") == .text("Intäkter och kostnader i tkr, jan–maj 2026"))
        // The per-cost-centre block: the sample's Ansvar, its name, its result.
        #expect(engine.value(at: "Division!A30") == engine.value(at: "Data!C2"))
        #expect(engine.value(at: "Division!B30") == engine.value(at: "Data!D2"))
        #expect(engine.value(at: "Division!C30").numberValue == belopp / 1000)
        #expect(engine.value(at: "Division!E31").numberValue == (belopp - budget) / 1000)

        // Another division's sheet shows nothing of this row; the whole organisation still does.
        try engine.setValue(.text("Någon annan division"), at: "Division!B2")
        engine.recalculate()
        #expect(engine.value(at: "Division!B23").numberValue == 0)
        #expect(engine.value(at: "Division!C31").numberValue == 0)
        #expect(engine.value(at: "Totalt!B23").numberValue == belopp / 1000)

        // April leaves the May row out; a year later it is last year's outcome.
        try engine.setValue(.number(4), at: "Parametrar!B3")
        engine.recalculate()
        #expect(engine.value(at: "Totalt!B23").numberValue == 0)
        #expect(engine.value(at: "Totalt!A1") == .text("Intäkter och kostnader i tkr, jan–apr 2026"))
        try engine.setValue(.number(5), at: "Parametrar!B3")
        try engine.setValue(.number(2027), at: "Parametrar!B2")
        engine.recalculate()
        #expect(engine.value(at: "Totalt!B23").numberValue == 0)
        #expect(engine.value(at: "Totalt!E23").numberValue == belopp / 1000)
        #expect(engine.value(at: "Totalt!F23").numberValue == -belopp / 1000)
        #expect(engine.value(at: "Totalt!G23").numberValue == -1)  // (0 − F) / F
    }

    @Test func intakterKostnaderNotesAndChart() throws {
        let model = IntakterKostnaderTemplate.make()
        let totalt = try #require(model.sheet(named: "Totalt"))
        let division = try #require(model.sheet(named: "Division"))
        #expect(division.notes.map(\.text).contains(#"kalkyl: repeat-sheet Division name="{value}""#))
        #expect(division.notes.first { $0.address.a1 == "A30" }?.text == "kalkyl: repeat-row Ansvar")
        let check = try #require(totalt.notes.first { $0.address.a1 == "B23" })
        #expect(check.text.hasPrefix(#"kalkyl: check "Ack utfall mot huvudboken" tolerance=1 =SUMIFS("#))
        // The bar chart of Bud-Utf Diff per line, below the table.
        let chart = try #require(totalt.charts.first)
        #expect(chart.kind == .bar && chart.grouping == .clustered)
        #expect(chart.title == "Avvikelse mot budget, tkr")
        #expect(chart.series.first?.values == "'Totalt'!$D$5:$D$21")
        #expect(chart.series.first?.categories == "'Totalt'!$A$5:$A$21")
        #expect(chart.anchor.from.row > 23)
        // The account ranges are in hidden helper columns I–J.
        #expect(totalt.columns.contains { $0.first == 8 && $0.last == 9 && $0.hidden })
    }

    // MARK: - Bemanning

    @Test func bemanningShowsTheSampleAgencyCostAndPosts() throws {
        let model = try XLSXReader().read(Self.workbooks.appendingPathComponent("templates/bemanning.xlsx"))
        let engine = Workbook(model)
        engine.recalculate()
        let sheet = "'Inhyrd bemanning'"
        #expect(engine.value(at: "Data!E2").numberValue == 5610)
        #expect(engine.value(at: "Data!B2") == .text("Nära vård"))
        let belopp = try #require(engine.value(at: "Data!G2").numberValue)
        let timmar = try #require(engine.value(at: "Data!I2").numberValue)
        #expect(engine.value(at: "\(sheet)!A1") == .text("Inhyrd bemanning i mkr, jan–maj 2024–2026"))
        #expect([engine.value(at: "\(sheet)!B4"), engine.value(at: "\(sheet)!C4"), engine.value(at: "\(sheet)!D4")]
                == [.text("2024-05"), .text("2025-05"), .text("2026-05")])
        // Läkare, Varav primärvården (Nära vård), Totalt carry it; Sjuksköterskor and Övriga do not.
        for (row, has) in [(5, true), (6, true), (7, false), (8, false), (9, true)] {
            #expect(engine.value(at: "\(sheet)!D\(row)").numberValue == (has ? -belopp / 1_000_000 : 0), "row \(row)")
            #expect(engine.value(at: "\(sheet)!C\(row)").numberValue == 0)
            #expect(engine.value(at: "\(sheet)!E\(row)").numberValue == (has ? -belopp / 1_000_000 : 0))
            let posts = try #require(engine.value(at: "\(sheet)!F\(row)").numberValue)
            #expect(abs(posts - (has ? timmar / (165 * 5) : 0)) < 1e-9)
        }
        // Only agency cost, no own staff cost: no share to judge.
        #expect(engine.value(at: "\(sheet)!D16").numberValue == -belopp / 1_000_000)
        #expect(engine.value(at: "\(sheet)!D18") == .text("–"))
        #expect(engine.value(at: "\(sheet)!D19").numberValue == 0.04)
        #expect(engine.value(at: "\(sheet)!D20") == .text("–"))

        // Outside primary care the Varav row drops it.
        try engine.setValue(.text("Medicin"), at: "Data!B2")
        engine.recalculate()
        #expect(engine.value(at: "\(sheet)!D6").numberValue == 0)
        #expect(engine.value(at: "\(sheet)!D5").numberValue == -belopp / 1_000_000)
        // Booked as own staff cost instead: a zero share meets the target in full.
        try engine.setValue(.number(4010), at: "Data!E2")
        engine.recalculate()
        #expect(engine.value(at: "\(sheet)!D9").numberValue == 0)
        #expect(engine.value(at: "\(sheet)!D17").numberValue == -belopp / 1_000_000)
        #expect(engine.value(at: "\(sheet)!D18").numberValue == 0)
        #expect(engine.value(at: "\(sheet)!D20").numberValue == 1)

        // The traffic light on Måluppfyllelse: green from 100 %, yellow from 80 %, red below.
        let rules = try #require(model.sheet(named: "Inhyrd bemanning")?.conditionalFormats.first { $0.ranges.map(\.a1) == ["D20"] }?.rules)
        #expect(rules.map(\.type) == ["cellIs", "cellIs", "cellIs"])
        #expect(rules.map { $0.operator ?? "" } == ["between", "between", "lessThan"])
        #expect(rules.map(\.formulas) == [["1", "1E+300"], ["0.8", "1"], ["0.8"]])
        #expect(rules.allSatisfy { $0.differentialFormat != nil })
        // Green, yellow, red: three different fills (as built; how a dxf fill reads back is the writer's).
        let built = BemanningTemplate.make()
        let builtRules = try #require(built.sheet(named: "Inhyrd bemanning")?.conditionalFormats.first?.rules)
        let fills = builtRules.compactMap { $0.differentialFormat.flatMap { built.styles.differentialFormats[$0].fill?.background } }
        #expect(fills == [.rgb(0xFFC6_EFCE), .rgb(0xFFFF_EB9C), .rgb(0xFFFF_C7CE)])
        #expect(model.definedNames.contains { $0.name == "MålInhyrd" && $0.formula == "Parametrar!$B$4" })
    }

    @Test func bemanningNotes() throws {
        let sheet = try #require(BemanningTemplate.make().sheet(named: "Inhyrd bemanning"))
        let check = try #require(sheet.notes.first { $0.address.a1 == "D9" })
        #expect(check.text.hasPrefix(#"kalkyl: check "Inhyrd bemanning mot huvudboken (konto 5600–5699)""#))
        #expect(check.text.contains(#"">=5600""#) && check.text.contains(#""<=5699""#))
        let footnote = try #require(sheet.notes.first { $0.address.a1 == "A11" })
        #expect(footnote.text.contains("165"))
        #expect(!footnote.text.hasPrefix("kalkyl:"))
    }

    // MARK: - Vårdstatistik

    @Test func vardstatistikCountsTheSampleContact() throws {
        let model = try XLSXReader().read(Self.workbooks.appendingPathComponent("templates/vardstatistik.xlsx"))
        let engine = Workbook(model)
        engine.recalculate()
        let data = try #require(model.sheet(named: "Data"))
        #expect((0..<4).map { data.value(at: CellAddress(row: 0, column: $0)) }
                == [.text("Period"), .text("Enhet"), .text("Kontakttyp"), .text("Antal")])
        let antal = try #require(engine.value(at: "Data!D2").numberValue)
        let s = "Vårdkontakter"
        #expect(engine.value(at: "\(s)!B3") == .text("maj-25"))
        #expect(engine.value(at: "\(s)!C3") == .text("maj-26"))
        #expect(engine.value(at: "Data!C2") == .text("Besök på vårdinrättning"))
        #expect(engine.value(at: "\(s)!A5") == .text("Varav besök på vårdinrättning"))
        #expect(engine.value(at: "\(s)!C5").numberValue == antal)
        #expect(engine.value(at: "\(s)!C4").numberValue == antal)
        #expect(engine.value(at: "\(s)!B4").numberValue == 0)
        #expect(engine.value(at: "\(s)!D4").numberValue == antal)
        #expect(engine.value(at: "\(s)!E4") == .text("–"))
        #expect(engine.value(at: "\(s)!A14") == engine.value(at: "Data!B2"))
        #expect(engine.value(at: "\(s)!C14").numberValue == antal)
        #expect(engine.value(at: "\(s)!C15").numberValue == antal)

        // A missed contact counts only on its own row, not in the total or per unit.
        try engine.setValue(.text("Uteblivna vårdkontakter"), at: "Data!C2")
        engine.recalculate()
        #expect(engine.value(at: "\(s)!C10").numberValue == antal)
        #expect(engine.value(at: "\(s)!C4").numberValue == 0)
        #expect(engine.value(at: "\(s)!C15").numberValue == 0)
        // Last year's May against this year's: -100 %.
        try engine.setValue(.text("Telefon- och brevkontakter"), at: "Data!C2")
        try engine.setValue(.number(2027), at: "Parametrar!B2")
        engine.recalculate()
        #expect(engine.value(at: "\(s)!B8").numberValue == antal)
        #expect(engine.value(at: "\(s)!E8").numberValue == -1)
        #expect(engine.value(at: "\(s)!B3") == .text("maj-26"))

        let built = try #require(VardstatistikTemplate.make().sheet(named: s))
        #expect(built.notes.first { $0.address.a1 == "A14" }?.text == "kalkyl: repeat-row Enhet")
        #expect(built.notes.contains { $0.address.a1 == "C15" && $0.text.hasPrefix("kalkyl: check") && $0.text.hasSuffix("=C4") })
        // The Varav rows are indented.
        for r in 5...9 {
            let style = built.cells.style(at: CellAddress(row: r - 1, column: 0))
            #expect(VardstatistikTemplate.make().styles.cellFormats[style].alignment?.indent == 1)
        }
    }

    // MARK: - Helpers

    static func builtModel(_ relative: String) -> WorkbookModel? {
        switch relative {
        case "templates/intakter-kostnader.xlsx": IntakterKostnaderTemplate.make()
        case "templates/bemanning.xlsx": BemanningTemplate.make()
        case "templates/vardstatistik.xlsx": VardstatistikTemplate.make()
        default: nil
        }
    }
}

/// `kalkyl: check "<label>" [tolerance=<n>] =<formula>`, parsed as far as the tests need.
struct CheckCommand {
    var label: String
    var tolerance = 0.5
    var formula: String

    init?(_ note: String) {
        guard let line = note.split(separator: "\n").first(where: { $0.hasPrefix("kalkyl: check") }),
              let open = line.firstIndex(of: "\""),
              let close = line[line.index(after: open)...].firstIndex(of: "\""),
              let equals = line.range(of: " =", range: close..<line.endIndex) else { return nil }
        label = String(line[line.index(after: open)..<close])
        formula = String(line[equals.upperBound...])
        for word in line[close..<equals.lowerBound].split(separator: " ") where word.hasPrefix("tolerance=") {
            guard let t = Double(word.dropFirst("tolerance=".count)) else { return nil }
            tolerance = t
        }
    }
}

/// What two template files are compared by: every cell's value, formula and number format, the
/// names, notes, merges and the layout that the writer keeps.
struct WorkbookSnapshot {
    struct Sheet {
        var name: String
        var cells: [String: String] = [:]
        var notes: [String] = []
        var layout: [String] = []
    }

    var sheetNames: [String]
    var names: [String]
    var sheets: [Sheet]

    init(_ model: WorkbookModel) {
        sheetNames = model.sheets.map(\.name)
        names = model.definedNames.map { "\($0.sheetScope.map(String.init) ?? "-") \($0.name) = \($0.formula)" }.sorted()
        sheets = model.sheets.map { sheet in
            var snapshot = Sheet(name: sheet.name)
            for record in sheet.cells.records {
                let formula = sheet.formula(at: record.address).flatMap { sheet.formulaText(of: $0) } ?? ""
                let format = model.styles.numberFormatCode(forCellFormat: Int(record.style))
                snapshot.cells[record.address.a1] = "\(sheet.cells.value(of: record)) | =\(formula) | \(format)"
            }
            snapshot.notes = sheet.notes.map { "\($0.address.a1): \($0.text)" }
            snapshot.layout = sheet.mergedRanges.map(\.a1)
                + sheet.columns.map { "col \($0.first)-\($0.last) \($0.width ?? 0) \($0.hidden)" }
                + ["frozen \(sheet.view.frozenRows)", "page \(sheet.pageSetup.orientation?.rawValue ?? "-") \(sheet.pageSetup.fitToWidth ?? -1) \(sheet.pageSetup.fitToHeight ?? -1)"]
                + sheet.conditionalFormats.map { "cf \($0.ranges.map(\.a1)) \($0.rules.map { "\($0.type) \($0.operator ?? "") \($0.formulas)" })" }
                + ["charts \(sheet.charts.count)"]
            return snapshot
        }
    }
}

extension CellValue {
    /// The number in a number cell, nil otherwise (no coercion: a template cell must hold a number).
    fileprivate var numberValue: Double? {
        if case .number(let x) = self { x } else { nil }
    }

    fileprivate var errorValue: ErrorValue? {
        if case .error(let e) = self { e } else { nil }
    }

    fileprivate var textValue: String? {
        if case .text(let s) = self { s } else { nil }
    }
}
