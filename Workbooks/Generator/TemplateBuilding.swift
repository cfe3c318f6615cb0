import Foundation
import Kalkyl
import KalkylXLSX

// What the three shipped report templates share: the cell styles finance staff expect, the
// parameter sheet, the data sheet with its one sample row, the print setup, and the formula
// pieces (period criteria, month names) that every report line repeats.

/// The cell formats of one template workbook, made once in its style sheet.
struct TemplateStyles {
    let title: Int
    let subtitle: Int
    let heading: Int
    /// Column headers over numbers: bold, wrapped, right-aligned, a line under.
    let header: Int
    /// The header over the label column.
    let headerLeft: Int
    let label: Int
    let labelIndented: Int
    /// Sum rows: bold with a line above.
    let labelSum: Int
    let labelBold: Int
    /// Whole amounts (tkr, counts): `#,##0` shows "1 234" with a Swedish Excel's space.
    let amount: Int
    let amountSum: Int
    let amountBold: Int
    /// Differences, where the minus must show.
    let difference: Int
    let differenceSum: Int
    /// Millions with one decimal (mkr).
    let millions: Int
    let millionsSum: Int
    /// Percentages with one decimal; right-aligned so that "–" lines up with the numbers.
    let percent: Int
    let percentSum: Int
    let percentBold: Int
    let footnote: Int
    /// Cells a controller edits (parameters, account ranges): a pale input fill.
    let input: Int
    let inputPercent: Int
    let inputText: Int
    /// The hidden helper columns (account ranges, contact types).
    let helper: Int
    let helperHeader: Int
    let dataHeader: Int
    let dataInteger: Int
    let dataAmount: Int
    /// A code (Ansvar) shown left like a label.
    let code: Int

    init(_ styles: inout StyleSheet) {
        func style(_ format: String? = nil, bold: Bool = false, italic: Bool = false, size: Double? = nil,
                   top: Bool = false, bottom: Bool = false, fill: UInt32? = nil, horizontal: String? = nil,
                   indent: Int = 0, wrap: Bool = false) -> Int {
            var font = Font()
            font.bold = bold
            font.italic = italic
            font.size = size
            var border: Border?
            if top || bottom {
                var b = Border()
                if top { b.top = Border.Edge(style: "thin") }
                if bottom { b.bottom = Border.Edge(style: "thin") }
                border = b
            }
            var alignment: Alignment?
            if horizontal != nil || indent > 0 || wrap {
                var a = Alignment()
                a.horizontal = horizontal
                a.indent = indent
                a.wrapText = wrap
                if wrap { a.vertical = "bottom" }
                alignment = a
            }
            return styles.format(CellStyle(numberFormat: format, font: font,
                                           fill: fill.map { Fill(pattern: "solid", foreground: .rgb($0)) },
                                           border: border, alignment: alignment))
        }
        let whole = "#,##0", signed = "#,##0;-#,##0", mkr = "#,##0.0", pct = "0.0 %"
        let inputFill: UInt32 = 0xFFFF_F2CC, headerFill: UInt32 = 0xFFD9_E1F2
        title = style(bold: true, size: 14)
        subtitle = style(italic: true)
        heading = style(bold: true, size: 12)
        header = style(bold: true, bottom: true, horizontal: "right", wrap: true)
        headerLeft = style(bold: true, bottom: true, wrap: true)
        label = style()
        labelIndented = style(indent: 1)
        labelSum = style(bold: true, top: true)
        labelBold = style(bold: true)
        amount = style(whole)
        amountSum = style(whole, bold: true, top: true)
        amountBold = style(whole, bold: true)
        difference = style(signed)
        differenceSum = style(signed, bold: true, top: true)
        millions = style(mkr)
        millionsSum = style(mkr, bold: true, top: true)
        percent = style(pct, horizontal: "right")
        percentSum = style(pct, bold: true, top: true, horizontal: "right")
        percentBold = style(pct, bold: true, horizontal: "right")
        footnote = style(italic: true, size: 9)
        input = style("0", fill: inputFill, horizontal: "right")
        inputPercent = style(pct, fill: inputFill, horizontal: "right")
        inputText = style(fill: inputFill)
        helper = style("0", fill: inputFill)
        helperHeader = style(bold: true, bottom: true, fill: inputFill, wrap: true)
        dataHeader = style(bold: true, bottom: true, fill: headerFill)
        dataInteger = style("0")
        dataAmount = style(whole)
        code = style("0", horizontal: "left")
    }
}

/// One column of a template's data sheet.
struct TemplateDataColumn {
    var header: String
    var sample: CellValue
    var width: Double
    /// Number format of the sample cell: nil (text, General), "0" or "#,##0".
    var format: String?
}

/// The ledger columns the financial templates receive, in order, with a sample row.
enum LedgerTemplateData {
    struct Sample {
        var period = 202605
        var division: String
        var ansvar: Int
        var ansvarsnamn: String
        var konto: Int
        var kontonamn: String
        var belopp: Double
        var budget: Double
        var timmar: Double?
    }

    static func columns(sample x: Sample) -> [TemplateDataColumn] {
        [
            TemplateDataColumn(header: "Period", sample: .number(Double(x.period)), width: 9, format: "0"),
            TemplateDataColumn(header: "Division", sample: .text(x.division), width: 16, format: nil),
            TemplateDataColumn(header: "Ansvar", sample: .number(Double(x.ansvar)), width: 9, format: "0"),
            TemplateDataColumn(header: "Ansvarsnamn", sample: .text(x.ansvarsnamn), width: 28, format: nil),
            TemplateDataColumn(header: "Konto", sample: .number(Double(x.konto)), width: 8, format: "0"),
            TemplateDataColumn(header: "Kontonamn", sample: .text(x.kontonamn), width: 28, format: nil),
            TemplateDataColumn(header: "Belopp", sample: .number(x.belopp), width: 14, format: "#,##0"),
            TemplateDataColumn(header: "Budget", sample: .number(x.budget), width: 14, format: "#,##0"),
            TemplateDataColumn(header: "Timmar", sample: x.timmar.map(CellValue.number) ?? .empty, width: 9, format: "#,##0"),
        ]
    }
}

/// Builders shared by the templates.
enum TemplateKit {
    static let author = "Kalkyl"
    /// Every template is written with this creation date, so regenerating gives the same file.
    static let created = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01 00:00 UTC

    /// Swedish month abbreviations by the report month, as the seeds' headings write them; CHOOSE
    /// rather than TEXT(…,"mmm") because TEXT's month names follow the reader's Excel language.
    static let monthName = #"CHOOSE(Rapportmånad,"jan","feb","mar","apr","maj","jun","jul","aug","sep","okt","nov","dec")"#

    /// What follows "jan–" in a title: `&CHOOSE(Rapportmånad,…)&" "&Rapportår` ("maj 2026"), the
    /// year `Rapportår` plus `yearOffset`.
    static func monthAndYear(yearOffset: Int = 0) -> String {
        "&" + monthName + #"&" "&"# + year(yearOffset)
    }

    /// `Rapportår`, `(Rapportår-1)`, …
    static func year(_ offset: Int) -> String {
        offset == 0 ? "Rapportår" : "(Rapportår\(offset < 0 ? "-" : "+")\(abs(offset)))"
    }

    /// SUMIFS criteria pairs for periods January through the report month of a year, against the
    /// data sheet's Period column (`Data!$A$2:$A$2`).
    static func periodCriteria(_ periodColumn: String, yearOffset: Int) -> String {
        let y = year(yearOffset)
        return #"\#(periodColumn),">="&(\#(y)*100+1),\#(periodColumn),"<="&(\#(y)*100+Rapportmånad)"#
    }

    /// The bounded reference to one data column over the single sample row (`Data!$G$2:$G$2`);
    /// the filler grows it to every input row.
    static func dataColumn(_ letter: String) -> String { "Data!$\(letter)$2:$\(letter)$2" }

    /// The Parametrar sheet: Rapportår (B2) and Rapportmånad (B3) and any further parameters
    /// (label, value, style, name, explanation) from row 4 on, each a workbook-scoped name.
    static func addParameterSheet(to book: inout WorkbookModel, styles s: TemplateStyles,
                                  extra: [(label: String, value: CellValue, style: Int, name: String, help: String)] = []) {
        var sheet = WorksheetModel(name: "Parametrar")
        sheet.setValue(.text("Parametrar"), at: cell("A1"), style: s.title)
        sheet.setValue(.text("Förklaring"), at: cell("C1"), style: s.labelBold)
        let rows: [(String, CellValue, Int, String, String)] = [
            ("Rapportår", .number(2026), s.input, "Rapportår", "Året som rapporteras; kalkyl report --period 2026-05 sätter 2026."),
            ("Rapportmånad", .number(5), s.input, "Rapportmånad", "Sista månaden i perioden (1–12); ackumulerat januari till och med den."),
        ] + extra.map { ($0.label, $0.value, $0.style, $0.name, $0.help) }
        for (i, row) in rows.enumerated() {
            let r = i + 2
            sheet.setValue(.text(row.0), at: cell("A\(r)"), style: s.label)
            sheet.setValue(row.1, at: cell("B\(r)"), style: row.2)
            sheet.setValue(.text(row.4), at: cell("C\(r)"), style: s.footnote)
        }
        sheet.setColumnWidth(44, columns: 0)
        sheet.setColumnWidth(12, columns: 1)
        sheet.setColumnWidth(70, columns: 2)
        book.addSheet(sheet)
        for (i, row) in rows.enumerated() {
            book.defineName(row.3, formula: "Parametrar!$B$\(i + 2)")
        }
    }

    /// The data sheet: headers in row 1 (a `kalkyl: data` note on A1) and one sample row in row 2,
    /// which the filler replaces with the input rows.
    static func addDataSheet(to book: inout WorkbookModel, styles s: TemplateStyles, columns: [TemplateDataColumn]) {
        var sheet = WorksheetModel(name: "Data")
        for (c, column) in columns.enumerated() {
            sheet.setValue(.text(column.header), at: CellAddress(row: 0, column: c), style: s.dataHeader)
            let style = switch column.format {
            case "0": s.dataInteger
            case "#,##0": s.dataAmount
            default: s.label
            }
            if column.sample == .empty {
                sheet.setStyle(style, at: CellAddress(row: 1, column: c))
            } else {
                sheet.setValue(column.sample, at: CellAddress(row: 1, column: c), style: style)
            }
            sheet.setColumnWidth(column.width, columns: c)
        }
        sheet.view.frozenRows = 1
        sheet.notes.append(CellNote(address: cell("A1"), text: "kalkyl: data", author: author))
        book.addSheet(sheet)
    }

    /// Landscape, one page wide, header rows frozen and repeated on every printed page.
    static func setUpPrinting(_ book: inout WorkbookModel, sheet index: Int, headerRows: ClosedRange<Int>) {
        book.sheets[index].view.frozenRows = headerRows.upperBound
        book.sheets[index].pageSetup.orientation = .landscape
        book.sheets[index].pageSetup.paperSize = 9  // A4
        book.sheets[index].pageSetup.fitToPage = true
        book.sheets[index].pageSetup.fitToWidth = 1
        book.sheets[index].pageSetup.fitToHeight = 0
        let name = book.sheets[index].name.replacingOccurrences(of: "'", with: "''")
        book.defineName("_xlnm.Print_Titles", formula: "'\(name)'!$\(headerRows.lowerBound):$\(headerRows.upperBound)", sheetScope: index)
    }

    /// Recalculates the template with its sample row, so that it opens with values, and writes it.
    static func write(_ book: WorkbookModel, title: String, to url: URL) throws {
        var book = book
        book.properties.title = title
        book.properties.creator = author
        let engine = Workbook(book)
        engine.recalculate()
        var options = XLSXWriter.Options()
        options.created = created
        try XLSXWriter(options: options).write(book, calculated: engine, to: url)
    }

    static func cell(_ a1: String) -> CellAddress {
        guard let address = CellAddress(a1: a1) else { preconditionFailure("not a cell: \(a1)") }
        return address
    }
}

extension WorksheetModel {
    /// Template shorthand: a value by A1 address.
    mutating func put(_ a1: String, _ value: CellValue, _ style: Int) {
        setValue(value, at: TemplateKit.cell(a1), style: style)
    }

    mutating func put(_ a1: String, _ text: String, _ style: Int) {
        setValue(.text(text), at: TemplateKit.cell(a1), style: style)
    }

    /// Template shorthand: a formula (without "=") by A1 address.
    mutating func formula(_ a1: String, _ text: String, _ style: Int) {
        setFormula(text, at: TemplateKit.cell(a1), style: style)
    }

    mutating func note(_ a1: String, _ text: String) {
        notes.append(CellNote(address: TemplateKit.cell(a1), text: text, author: TemplateKit.author))
        notes.sort { $0.address < $1.address }
    }
}
