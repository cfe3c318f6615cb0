import Foundation
import Kalkyl
import KalkylXLSX

/// `templates/intakter-kostnader.xlsx`: the board report's "Intäkter och kostnader" table (seed
/// 004, DOMAIN.md's reference table) for the whole organisation (sheet Totalt) and once per
/// division (sheet Division, repeated by `kalkyl report`), with Ack utfall per cost centre below
/// the division table.
enum IntakterKostnaderTemplate {
    /// A report line and the inclusive account range it sums.
    struct Line {
        var name: String
        var from: Int
        var to: Int
    }

    static let revenues = [
        Line(name: "Patientavgifter", from: 3000, to: 3199),
        Line(name: "Försäljning", from: 3200, to: 3499),
        Line(name: "Erhållna bidrag", from: 3500, to: 3799),
        Line(name: "Övriga intäkter", from: 3800, to: 3999),
    ]

    static let costs = [
        Line(name: "Personalkostnader", from: 4000, to: 4999),
        Line(name: "Köpt riks- och regionvård", from: 5000, to: 5199),
        Line(name: "Köp av verksamhet", from: 5200, to: 5399),
        Line(name: "Verksamhetsanknutna tjänster", from: 5400, to: 5599),
        Line(name: "Inhyrd bemanning", from: 5600, to: 5699),
        Line(name: "Läkemedel", from: 5700, to: 5799),
        Line(name: "Sjukvårdsart, övr mat o varor", from: 5800, to: 5999),
        Line(name: "Lämnade bidrag", from: 6000, to: 6099),
        Line(name: "Fastighetskostnader", from: 6100, to: 6299),
        Line(name: "Konsultkostnader", from: 6300, to: 6399),
        Line(name: "Övriga kostnader", from: 6400, to: 7699),
        Line(name: "Avskrivningar/finansnetto", from: 7700, to: 8999),
    ]

    // Row numbers (1-based, as in A1 references) of the main table.
    static let headerRow = 4
    static let firstRevenueRow = 5
    static var revenueSumRow: Int { firstRevenueRow + revenues.count }  // 9
    static var firstCostRow: Int { revenueSumRow + 1 }  // 10
    static var costSumRow: Int { firstCostRow + costs.count }  // 22
    static var netRow: Int { costSumRow + 1 }  // 23
    static var footnoteRow: Int { netRow + 2 }
    // The per-cost-centre block on the Division sheet.
    static var ansvarTitleRow: Int { footnoteRow + 3 }
    static var ansvarHeaderRow: Int { ansvarTitleRow + 1 }
    static var ansvarRow: Int { ansvarHeaderRow + 1 }
    static var ansvarSumRow: Int { ansvarRow + 1 }

    static let headers = ["Ack utfall", "Ack budget", "Bud-Utf Diff", "Ack utfall fg år", "Ack utf − Ack fg år Diff",
                          "Utfall diff %", "Prognos helår avvikelse"]

    // The data sheet's columns.
    static let period = TemplateKit.dataColumn("A"), division = TemplateKit.dataColumn("B")
    static let ansvar = TemplateKit.dataColumn("C"), ansvarsnamn = TemplateKit.dataColumn("D")
    static let konto = TemplateKit.dataColumn("E"), belopp = TemplateKit.dataColumn("G"), budget = TemplateKit.dataColumn("H")

    static func make() -> WorkbookModel {
        var book = WorkbookModel()
        let s = TemplateStyles(&book.styles)
        let totalt = book.addSheet(resultSheet(name: "Totalt", perDivision: false, styles: s))
        let perDivision = book.addSheet(resultSheet(name: "Division", perDivision: true, styles: s))
        book.sheets[totalt].view.isSelected = true
        TemplateKit.addParameterSheet(to: &book, styles: s)
        TemplateKit.addDataSheet(to: &book, styles: s, columns: LedgerTemplateData.columns(sample: LedgerTemplateData.Sample(
            division: "Medicin", ansvar: 1120, ansvarsnamn: "Akutkliniken", konto: 4010, kontonamn: "Löner månadsanställda",
            belopp: -1_250_000, budget: -1_180_000, timmar: nil)))
        for index in [totalt, perDivision] {
            TemplateKit.setUpPrinting(&book, sheet: index, headerRows: 1...headerRow)
        }
        return book
    }

    static func resultSheet(name: String, perDivision: Bool, styles s: TemplateStyles) -> WorksheetModel {
        var sheet = WorksheetModel(name: name)
        // Every SUMIFS on the Division sheet also asks for the sheet's division, held in B2.
        let divisionCriterion = perDivision ? ",\(division),$B$2" : ""
        let title = perDivision ? #""Intäkter och kostnader i tkr, "&$B$2&", jan–""# : #""Intäkter och kostnader i tkr, jan–""#
        sheet.formula("A1", title + TemplateKit.monthAndYear(), s.title)
        if perDivision {
            sheet.put("A2", "Division", s.labelBold)
            sheet.put("B2", "Medicin", s.labelBold)
            sheet.note("B2", #"kalkyl: repeat-sheet Division name="{value}""#)
        } else {
            sheet.put("A2", "Samtliga divisioner", s.subtitle)
        }

        let h = headerRow
        sheet.put("A\(h)", "i tkr", s.headerLeft)
        for (i, text) in headers.enumerated() {
            sheet.put(column(i + 1) + "\(h)", text, s.header)
        }
        sheet.put("I\(h)", "Från konto", s.helperHeader)
        sheet.put("J\(h)", "Till konto", s.helperHeader)
        sheet.setRowFormat(row: h - 1, height: 30)

        func line(_ line: Line, row r: Int) {
            sheet.put("A\(r)", line.name, s.label)
            let accounts = #"\#(konto),">="&$I\#(r),\#(konto),"<="&$J\#(r)"#
            let thisYear = TemplateKit.periodCriteria(period, yearOffset: 0)
            let lastYear = TemplateKit.periodCriteria(period, yearOffset: -1)
            sheet.formula("B\(r)", "SUMIFS(\(belopp),\(accounts),\(thisYear)\(divisionCriterion))/1000", s.amount)
            sheet.formula("C\(r)", "SUMIFS(\(budget),\(accounts),\(thisYear)\(divisionCriterion))/1000", s.amount)
            sheet.formula("D\(r)", "B\(r)-C\(r)", s.difference)
            sheet.formula("E\(r)", "SUMIFS(\(belopp),\(accounts),\(lastYear)\(divisionCriterion))/1000", s.amount)
            sheet.formula("F\(r)", "B\(r)-E\(r)", s.difference)
            sheet.formula("G\(r)", changePercent(r), s.percent)
            sheet.formula("H\(r)", "D\(r)/Rapportmånad*12", s.difference)
            sheet.put("I\(r)", .number(Double(line.from)), s.helper)
            sheet.put("J\(r)", .number(Double(line.to)), s.helper)
        }
        func sum(_ label: String, row r: Int, of rows: String) {
            sheet.put("A\(r)", label, s.labelSum)
            for c in ["B", "C", "E"] { sheet.formula("\(c)\(r)", rows.replacingOccurrences(of: "#", with: c), s.amountSum) }
            for c in ["D", "F", "H"] { sheet.formula("\(c)\(r)", rows.replacingOccurrences(of: "#", with: c), s.differenceSum) }
            sheet.formula("G\(r)", changePercent(r), s.percentSum)
        }

        for (i, l) in revenues.enumerated() { line(l, row: firstRevenueRow + i) }
        sum("Summa Intäkter", row: revenueSumRow, of: "SUM(#\(firstRevenueRow):#\(revenueSumRow - 1))")
        for (i, l) in costs.enumerated() { line(l, row: firstCostRow + i) }
        sum("Summa Bruttokostnader", row: costSumRow, of: "SUM(#\(firstCostRow):#\(costSumRow - 1))")
        sum("Summa Verksamhetens nettokostnader", row: netRow, of: "#\(revenueSumRow)+#\(costSumRow)")
        // The lines cover accounts 3000–8999; the check compares with every ledger row of the period,
        // so a booking on an account outside the plan shows up as a difference.
        sheet.note("B\(netRow)", #"kalkyl: check "Ack utfall mot huvudboken" tolerance=1 =SUMIFS(\#(belopp),\#(TemplateKit.periodCriteria(period, yearOffset: 0))\#(divisionCriterion))/1000"#)

        let f = footnoteRow
        sheet.formula("A\(f)", #""Utfall diff % visar förändringen mellan "&Rapportår&" och "&(Rapportår-1)&" (positiv när en kostnad ökat).""#, s.footnote)
        sheet.formula("A\(f + 1)", #""Prognos helår avvikelse: Bud-Utf Diff / "&Rapportmånad&" × 12 (linjär framskrivning). Kontointervallen står i de dolda kolumnerna I–J.""#, s.footnote)

        if perDivision { addAnsvarBlock(to: &sheet, styles: s) }

        sheet.setColumnWidth(36, columns: 0)
        sheet.setColumnWidth(13, columns: 1, 7)
        sheet.setColumnWidth(9, columns: 8, 9, hidden: true)
        if !perDivision { sheet.charts.append(deviationChart(sheetName: name)) }
        return sheet
    }

    /// One row per cost centre of the division (the filler repeats the template row), with its
    /// name looked up in the data and its result over the plan's accounts.
    static func addAnsvarBlock(to sheet: inout WorksheetModel, styles s: TemplateStyles) {
        let t = ansvarTitleRow, h = ansvarHeaderRow, r = ansvarRow, sum = ansvarSumRow
        sheet.formula("A\(t)", #""Ack utfall per ansvar i tkr, "&$B$2&", jan–""# + TemplateKit.monthAndYear(), s.heading)
        sheet.put("A\(h)", "Ansvar", s.headerLeft)
        sheet.put("B\(h)", "Ansvarsnamn", s.headerLeft)
        sheet.put("C\(h)", "Ack utfall", s.header)
        sheet.put("D\(h)", "Ack budget", s.header)
        sheet.put("E\(h)", "Bud-Utf Diff", s.header)

        sheet.put("A\(r)", .number(1120), s.code)
        sheet.note("A\(r)", "kalkyl: repeat-row Ansvar")
        sheet.formula("B\(r)", #"IFERROR(INDEX(\#(ansvarsnamn),MATCH($A\#(r),\#(ansvar),0)),"")"#, s.label)
        // All the plan's accounts: from the first line's "Från konto" to the last line's "Till konto".
        let accounts = #"\#(konto),">="&$I$\#(firstRevenueRow),\#(konto),"<="&$J$\#(costSumRow - 1)"#
        let criteria = "\(ansvar),$A\(r),\(division),$B$2,\(accounts),\(TemplateKit.periodCriteria(period, yearOffset: 0))"
        sheet.formula("C\(r)", "SUMIFS(\(belopp),\(criteria))/1000", s.amount)
        sheet.formula("D\(r)", "SUMIFS(\(budget),\(criteria))/1000", s.amount)
        sheet.formula("E\(r)", "C\(r)-D\(r)", s.difference)

        sheet.put("A\(sum)", "Summa", s.labelSum)
        sheet.setStyle(s.labelSum, at: TemplateKit.cell("B\(sum)"))
        sheet.formula("C\(sum)", "SUM(C\(r):C\(r))", s.amountSum)
        sheet.formula("D\(sum)", "SUM(D\(r):D\(r))", s.amountSum)
        sheet.formula("E\(sum)", "SUM(E\(r):E\(r))", s.differenceSum)
        sheet.note("C\(sum)", #"kalkyl: check "Summa per ansvar mot divisionens nettokostnad" tolerance=1 =B\#(netRow)"#)
    }

    /// Bud-Utf Diff per line as horizontal bars, below the table. One series needs one contiguous
    /// range, so the bars run from Patientavgifter to Avskrivningar/finansnetto and include
    /// Summa Intäkter between the revenue and the cost lines.
    static func deviationChart(sheetName: String) -> ChartModel {
        let quoted = "'\(sheetName.replacingOccurrences(of: "'", with: "''"))'"
        let last = costSumRow - 1
        var chart = ChartModel(kind: .bar, anchor: ChartModel.Anchor(
            from: TemplateKit.cell("A\(footnoteRow + 3)"), to: TemplateKit.cell("I\(footnoteRow + 30)")))
        var series = ChartModel.Series(values: "\(quoted)!$D$\(firstRevenueRow):$D$\(last)",
                                       categories: "\(quoted)!$A$\(firstRevenueRow):$A$\(last)",
                                       nameReference: "\(quoted)!$D$\(headerRow)")
        series.color = 0xFF4472C4
        chart.series = [series]
        chart.grouping = .clustered
        chart.title = "Avvikelse mot budget, tkr"
        chart.valueAxisNumberFormat = "#,##0"
        // Lines top-down as in the table, their names at the left edge rather than over the bars.
        chart.categoriesReversed = true
        chart.categoryLabelPosition = "low"
        return chart
    }

    /// Utfall diff %: (utfall − fg år) / fg år, "–" when last year is zero (DOMAIN.md: positive
    /// when a cost grew, since costs are negative).
    static func changePercent(_ r: Int) -> String {
        #"IF(E\#(r)=0,"–",(B\#(r)-E\#(r))/E\#(r))"#
    }

    static func column(_ index: Int) -> String {
        String(UnicodeScalar(UInt8(65 + index)))
    }

    static func write(to url: URL) throws {
        try TemplateKit.write(make(), title: "Intäkter och kostnader", to: url)
    }
}
