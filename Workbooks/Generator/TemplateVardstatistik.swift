import Foundation
import Kalkyl
import KalkylXLSX

/// `templates/vardstatistik.xlsx`: outpatient care contacts (seed 004, "Vårdstatistik") —
/// accumulated January–report month, this year against last year, with the "Varav" kinds of
/// contact, and the same per unit (one row per Enhet, repeated by `kalkyl report`).
enum VardstatistikTemplate {
    /// A row of the main table: its label and the Kontakttyp it counts (nil: the sum of the Varav rows).
    static let rows: [(label: String, kind: String?)] = [
        ("Ackumulerade vårdkontakter (samtliga i urval)", nil),
        ("Varav besök på vårdinrättning", "Besök på vårdinrättning"),
        ("Varav besök utanför vårdinrättning", "Besök utanför vårdinrättning"),
        ("Varav distansoberoende kontakter", "Distansoberoende kontakter"),
        ("Varav telefon- och brevkontakter", "Telefon- och brevkontakter"),
        ("Varav övriga vårdkontakter och administration", "Övriga vårdkontakter och administration"),
        ("Ackumulerade uteblivna vårdkontakter", "Uteblivna vårdkontakter"),
    ]

    static let headerRow = 3
    static let allRow = 4
    static let firstKindRow = 5
    static var lastKindRow: Int { allRow + 5 }  // 9
    static var missedRow: Int { lastKindRow + 1 }  // 10
    static var unitTitleRow: Int { missedRow + 2 }
    static var unitHeaderRow: Int { unitTitleRow + 1 }
    static var unitRow: Int { unitHeaderRow + 1 }
    static var unitSumRow: Int { unitRow + 1 }
    static var footnoteRow: Int { unitSumRow + 2 }

    static let period = TemplateKit.dataColumn("A"), enhet = TemplateKit.dataColumn("B")
    static let kontakttyp = TemplateKit.dataColumn("C"), antal = TemplateKit.dataColumn("D")

    static func make() -> WorkbookModel {
        var book = WorkbookModel()
        let s = TemplateStyles(&book.styles)
        var sheet = WorksheetModel(name: "Vårdkontakter")
        sheet.view.isSelected = true
        sheet.formula("A1", #""Vårdkontakter öppenvård, antal, jan–""# + TemplateKit.monthAndYear() + #"&" jämfört med samma period "&(Rapportår-1)"#, s.title)

        func header(row h: Int, label: String) {
            sheet.put("A\(h)", label, s.headerLeft)
            sheet.formula("B\(h)", monthHeader(yearOffset: -1), s.header)
            sheet.formula("C\(h)", monthHeader(yearOffset: 0), s.header)
            sheet.put("D\(h)", "Diff", s.header)
            sheet.put("E\(h)", "Förändring", s.header)
        }
        header(row: headerRow, label: "Antal")
        sheet.put("F\(headerRow)", "Kontakttyp", s.helperHeader)

        for (i, row) in rows.enumerated() {
            let r = allRow + i
            let bold = row.kind == nil || r == missedRow
            sheet.put("A\(r)", row.label, bold ? s.labelBold : s.labelIndented)
            if let kind = row.kind {
                sheet.put("F\(r)", kind, s.inputText)
                for (c, offset) in [("B", -1), ("C", 0)] {
                    let criteria = "\(kontakttyp),$F\(r),\(TemplateKit.periodCriteria(period, yearOffset: offset))"
                    sheet.formula("\(c)\(r)", "SUMIFS(\(antal),\(criteria))", bold ? s.amountBold : s.amount)
                }
            } else {
                for c in ["B", "C"] {
                    sheet.formula("\(c)\(r)", "SUM(\(c)\(firstKindRow):\(c)\(lastKindRow))", s.amountBold)
                }
            }
            comparison(&sheet, row: r, bold: bold, sum: false, styles: s)
        }

        // Per unit: every kind of contact except the missed ones, so the sum matches row 4.
        sheet.formula("A\(unitTitleRow)", #""Per enhet, jan–""# + TemplateKit.monthAndYear(), s.heading)
        header(row: unitHeaderRow, label: "Enhet")
        let u = unitRow
        sheet.put("A\(u)", "Hälsocentral Centrum", s.label)
        sheet.note("A\(u)", "kalkyl: repeat-row Enhet")
        for (c, offset) in [("B", -1), ("C", 0)] {
            let criteria = #"\#(enhet),$A\#(u),\#(kontakttyp),"<>"&$F$\#(missedRow),\#(TemplateKit.periodCriteria(period, yearOffset: offset))"#
            sheet.formula("\(c)\(u)", "SUMIFS(\(antal),\(criteria))", s.amount)
        }
        comparison(&sheet, row: u, bold: false, sum: false, styles: s)
        let t = unitSumRow
        sheet.put("A\(t)", "Summa", s.labelSum)
        for c in ["B", "C"] { sheet.formula("\(c)\(t)", "SUM(\(c)\(u):\(c)\(u))", s.amountSum) }
        comparison(&sheet, row: t, bold: true, sum: true, styles: s)
        sheet.note("B\(t)", #"kalkyl: check "Per enhet mot ackumulerade vårdkontakter, fg år" =B\#(allRow)"#)
        sheet.note("C\(t)", #"kalkyl: check "Per enhet mot ackumulerade vårdkontakter" =C\#(allRow)"#)

        sheet.put("A\(footnoteRow)", "Uteblivna vårdkontakter ingår inte i ackumulerade vårdkontakter eller i summan per enhet. Kontakttyperna står i den dolda kolumnen F.", s.footnote)

        sheet.setColumnWidth(46, columns: 0)
        sheet.setColumnWidth(11, columns: 1, 4)
        sheet.setColumnWidth(34, columns: 5, hidden: true)
        let index = book.addSheet(sheet)

        TemplateKit.addParameterSheet(to: &book, styles: s)
        TemplateKit.addDataSheet(to: &book, styles: s, columns: [
            TemplateDataColumn(header: "Period", sample: .number(202605), width: 9, format: "0"),
            TemplateDataColumn(header: "Enhet", sample: .text("Hälsocentral Centrum"), width: 28, format: nil),
            TemplateDataColumn(header: "Kontakttyp", sample: .text("Besök på vårdinrättning"), width: 40, format: nil),
            TemplateDataColumn(header: "Antal", sample: .number(1_240), width: 10, format: "#,##0"),
        ])
        TemplateKit.setUpPrinting(&book, sheet: index, headerRows: 1...headerRow)
        return book
    }

    /// Diff and Förändring of a row: this year − last year, and that over last year ("–" when
    /// last year is zero).
    static func comparison(_ sheet: inout WorksheetModel, row r: Int, bold: Bool, sum: Bool, styles s: TemplateStyles) {
        sheet.formula("D\(r)", "C\(r)-B\(r)", sum ? s.differenceSum : bold ? s.amountBold : s.difference)
        sheet.formula("E\(r)", #"IF(B\#(r)=0,"–",(C\#(r)-B\#(r))/B\#(r))"#, sum ? s.percentSum : bold ? s.percentBold : s.percent)
    }

    /// "maj-25": the report month's name and the two-digit year.
    static func monthHeader(yearOffset: Int) -> String {
        let year = yearOffset == 0 ? "Rapportår" : "Rapportår\(yearOffset)"
        return #"\#(TemplateKit.monthName)&"-"&RIGHT(\#(year),2)"#
    }

    static func write(to url: URL) throws {
        try TemplateKit.write(make(), title: "Vårdstatistik", to: url)
    }
}
