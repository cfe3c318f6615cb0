import Foundation
import Kalkyl
import KalkylXLSX

/// `templates/bemanning.xlsx`: agency staff ("Bemanningsföretag", seed 004) — cost per staff group
/// for the same months of three years, the change against last year and the equivalent full-time
/// posts; below, agency cost as a share of the own staff cost against the target, with a traffic
/// light (seed 003: green at 100 % of the target or better, yellow 80–99 %, red under 80 %).
enum BemanningTemplate {
    struct Group {
        var name: String
        var from: Int
        var to: Int
        /// Only this division (primary care is the Nära vård division), nil: all.
        var division: String?
        var indented = false
        var isTotal = false
    }

    static let groups = [
        Group(name: "Läkare", from: 5610, to: 5610),
        Group(name: "Varav läkare primärvården", from: 5610, to: 5610, division: "Nära vård", indented: true),
        Group(name: "Sjuksköterskor", from: 5620, to: 5620),
        Group(name: "Övriga", from: 5690, to: 5690),
        Group(name: "Totalt", from: 5600, to: 5699, isTotal: true),
    ]

    static let headerRow = 4
    static let firstRow = 5
    static var totalRow: Int { firstRow + groups.count - 1 }  // 9
    static var footnoteRow: Int { totalRow + 2 }
    static var shareTitleRow: Int { footnoteRow + 3 }
    static var shareHeaderRow: Int { shareTitleRow + 1 }
    static var agencyRow: Int { shareHeaderRow + 1 }
    static var ownStaffRow: Int { agencyRow + 1 }
    static var shareRow: Int { ownStaffRow + 1 }
    static var targetRow: Int { shareRow + 1 }
    static var fulfilmentRow: Int { targetRow + 1 }

    static let period = TemplateKit.dataColumn("A"), division = TemplateKit.dataColumn("B")
    static let konto = TemplateKit.dataColumn("E"), belopp = TemplateKit.dataColumn("G"), timmar = TemplateKit.dataColumn("I")
    /// Year columns B, C, D: two years back, last year, the report year.
    static let yearColumns: [(column: String, offset: Int)] = [("B", -2), ("C", -1), ("D", 0)]

    static func make() -> WorkbookModel {
        var book = WorkbookModel()
        let s = TemplateStyles(&book.styles)
        var sheet = WorksheetModel(name: "Inhyrd bemanning")
        sheet.view.isSelected = true

        sheet.formula("A1", #""Inhyrd bemanning i mkr, jan–"&\#(TemplateKit.monthName)&" "&(Rapportår-2)&"–"&Rapportår"#, s.title)
        sheet.formula("A2", #""Kostnad för bemanningsföretag, som positiva belopp; årstjänster vid "&TimmarPerMånad&" timmar per månad.""#, s.subtitle)

        let h = headerRow
        sheet.put("A\(h)", "Kostnad bemanningsföretag i mkr", s.headerLeft)
        for (c, offset) in yearColumns { sheet.formula("\(c)\(h)", periodHeader(offset), s.header) }
        sheet.put("E\(h)", "Förändring i mkr mot fg år", s.header)
        sheet.put("F\(h)", "Motsvarar antal årstjänster", s.header)
        sheet.put("G\(h)", "Från konto", s.helperHeader)
        sheet.put("H\(h)", "Till konto", s.helperHeader)
        sheet.put("I\(h)", "Division (urval)", s.helperHeader)
        sheet.setRowFormat(row: h - 1, height: 45)

        for (i, g) in groups.enumerated() {
            let r = firstRow + i
            sheet.put("A\(r)", g.name, g.isTotal ? s.labelSum : g.indented ? s.labelIndented : s.label)
            let criteria = #"\#(konto),">="&$G\#(r),\#(konto),"<="&$H\#(r)"# + (g.division != nil ? ",\(division),$I\(r)" : "")
            for (c, offset) in yearColumns {
                sheet.formula("\(c)\(r)", cost(criteria, yearOffset: offset), g.isTotal ? s.millionsSum : s.millions)
            }
            sheet.formula("E\(r)", "D\(r)-C\(r)", g.isTotal ? s.millionsSum : s.millions)
            sheet.formula("F\(r)", "SUMIFS(\(timmar),\(criteria),\(TemplateKit.periodCriteria(period, yearOffset: 0)))/(TimmarPerMånad*Rapportmånad)",
                          g.isTotal ? s.amountSum : s.amount)
            sheet.put("G\(r)", .number(Double(g.from)), s.helper)
            sheet.put("H\(r)", .number(Double(g.to)), s.helper)
            if let d = g.division { sheet.put("I\(r)", d, s.inputText) }
        }
        // The total is its own SUMIFS over 5600–5699 (not the groups' sum); the check holds it to
        // the ledger's agency accounts whatever the helper columns say.
        let ledgerAgency = #"-SUMIFS(\#(belopp),\#(konto),">=5600",\#(konto),"<=5699",\#(TemplateKit.periodCriteria(period, yearOffset: 0)))/1000000"#
        sheet.note("D\(totalRow)", #"kalkyl: check "Inhyrd bemanning mot huvudboken (konto 5600–5699)" tolerance=0.001 =\#(ledgerAgency)"#)

        let f = footnoteRow
        sheet.formula("A\(f)", #""Beräkning av antal tjänster baseras på "&TimmarPerMånad&" timmar/månad, vilket inte är i överensstämmelse med arbetstid för egna anställda sjuksköterskor.""#, s.footnote)
        sheet.note("A\(f)", "Årstjänster = inhyrda timmar januari–rapportmånaden / (165 × antal månader). 165 timmar i månaden räknas som en heltidstjänst (ungefär 40 timmar i veckan minus semester och helgdagar); talet står under Parametrar (TimmarPerMånad).")

        addShareTable(to: &sheet, styles: s, book: &book)

        sheet.setColumnWidth(40, columns: 0)
        sheet.setColumnWidth(12, columns: 1, 5)
        sheet.setColumnWidth(10, columns: 6, 8, hidden: true)
        let index = book.addSheet(sheet)

        TemplateKit.addParameterSheet(to: &book, styles: s, extra: [
            ("Mål inhyrd bemanning, högst andel av egen personalkostnad", .number(0.04), s.inputPercent, "MålInhyrd",
             "Bemanningsmålet: kostnaden för inhyrd personal som andel av egen personalkostnad."),
            ("Timmar per månad och årstjänst", .number(165), s.input, "TimmarPerMånad",
             "Inhyrda timmar delas med detta gånger antal månader för antal årstjänster."),
        ])
        TemplateKit.addDataSheet(to: &book, styles: s, columns: LedgerTemplateData.columns(sample: LedgerTemplateData.Sample(
            division: "Nära vård", ansvar: 1410, ansvarsnamn: "Hälsocentral Centrum", konto: 5610, kontonamn: "Inhyrda läkare",
            belopp: -2_100_000, budget: 0, timmar: 1650)))
        TemplateKit.setUpPrinting(&book, sheet: index, headerRows: 1...headerRow)
        return book
    }

    /// Agency cost over own staff cost for the three years, the target and how well it is met,
    /// the last with its traffic light.
    static func addShareTable(to sheet: inout WorksheetModel, styles s: TemplateStyles, book: inout WorkbookModel) {
        sheet.formula("A\(shareTitleRow)", #""Inhyrd bemanning som andel av egen personalkostnad, jan–"&\#(TemplateKit.monthName)"#, s.heading)
        let h = shareHeaderRow
        sheet.put("A\(h)", "i mkr", s.headerLeft)
        for (c, offset) in yearColumns { sheet.formula("\(c)\(h)", periodHeader(offset), s.header) }
        sheet.put("G\(h)", "Från konto", s.helperHeader)
        sheet.put("H\(h)", "Till konto", s.helperHeader)
        for (r, label, from, to) in [(agencyRow, "Inhyrd bemanning", 5600, 5699), (ownStaffRow, "Egen personalkostnad", 4000, 4999)] {
            sheet.put("A\(r)", label, s.label)
            let criteria = #"\#(konto),">="&$G\#(r),\#(konto),"<="&$H\#(r)"#
            for (c, offset) in yearColumns { sheet.formula("\(c)\(r)", cost(criteria, yearOffset: offset), s.millions) }
            sheet.put("G\(r)", .number(Double(from)), s.helper)
            sheet.put("H\(r)", .number(Double(to)), s.helper)
        }
        sheet.put("A\(shareRow)", "Andel av egen personalkostnad", s.labelBold)
        for (c, _) in yearColumns {
            sheet.formula("\(c)\(shareRow)", #"IF(\#(c)\#(ownStaffRow)=0,"–",\#(c)\#(agencyRow)/\#(c)\#(ownStaffRow))"#, s.percentBold)
        }
        sheet.put("A\(targetRow)", "Mål, högst", s.label)
        sheet.formula("D\(targetRow)", "MålInhyrd", s.percent)
        sheet.put("A\(fulfilmentRow)", "Måluppfyllelse (mål / andel)", s.labelBold)
        // No agency cost at all meets the target in full; no staff cost at all gives nothing to judge.
        sheet.formula("D\(fulfilmentRow)",
                      #"IF(D\#(ownStaffRow)=0,"–",IF(D\#(agencyRow)<=0,1,D\#(targetRow)/D\#(shareRow)))"#, s.percentBold)
        sheet.formula("A\(fulfilmentRow + 1)", #""Grön: andelen är högst målet (måluppfyllelse från 100 %); gul: 80–99 %; röd: under 80 %.""#, s.footnote)

        // The traffic light. "–" is text, which Excel ranks above every number, so green is a
        // bounded "between" rather than "≥ 1" and text matches no rule.
        func light(_ fill: UInt32, _ font: UInt32) -> Int {
            var dxf = DifferentialFormat()
            dxf.fill = Fill(pattern: "solid", foreground: .rgb(fill), background: .rgb(fill))
            var f = Font()
            f.color = .rgb(font)
            dxf.font = f
            return book.styles.differentialFormat(dxf)
        }
        let cellRange = CellRange(TemplateKit.cell("D\(fulfilmentRow)"))
        sheet.conditionalFormats.append(ConditionalFormat(ranges: [cellRange], rules: [
            ConditionalRule(type: "cellIs", operator: "between", formulas: ["1", "1E+300"],
                            differentialFormat: light(0xFFC6_EFCE, 0xFF00_6100), priority: 1),
            ConditionalRule(type: "cellIs", operator: "between", formulas: ["0.8", "1"],
                            differentialFormat: light(0xFFFF_EB9C, 0xFF9C_5700), priority: 2),
            ConditionalRule(type: "cellIs", operator: "lessThan", formulas: ["0.8"],
                            differentialFormat: light(0xFFFF_C7CE, 0xFF9C_0006), priority: 3),
        ]))
    }

    /// Agency cost of a year's January–report month in mkr, as a positive amount.
    static func cost(_ criteria: String, yearOffset: Int) -> String {
        "-SUMIFS(\(belopp),\(criteria),\(TemplateKit.periodCriteria(period, yearOffset: yearOffset)))/1000000"
    }

    /// "2024-05": the year and the report month, as the seed's column headers.
    static func periodHeader(_ offset: Int) -> String {
        #"\#(TemplateKit.year(offset))&"-"&RIGHT("0"&Rapportmånad,2)"#
    }

    static func write(to url: URL) throws {
        try TemplateKit.write(make(), title: "Inhyrd bemanning", to: url)
    }
}
