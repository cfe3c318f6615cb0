import Foundation
import Kalkyl
import KalkylXLSX

/// A check a template asks for (`kalkyl: check`): a cell that must equal a formula's value.
public struct ReportCheck: Sendable {
    public var label: String
    public var sheet: String
    public var cell: CellAddress
    public var tolerance: Double
    /// The expected value's formula, with every reference naming its sheet.
    public var formula: String
    /// Where the check's row is on the Kontroll sheet (zero-based).
    var kontrollRow = 0

    /// The result after calculation.
    public struct Outcome: Sendable {
        public var check: ReportCheck
        public var actual: CellValue
        public var expected: CellValue
        public var passed: Bool
    }
}

/// The sheet listing every check, written into the report as live formulas.
enum KontrollSheet {
    static let name = "Kontroll"
    static let headers = ["Kontroll", "Cell", "Värde i rapporten", "Förväntat", "Differens", "Tolerans", "Status"]

    /// Adds the sheet after the others and returns its index; `checks` get their rows.
    static func add(_ checks: inout [ReportCheck], to model: inout WorkbookModel) -> Int {
        var taken = Set(model.sheets.map { $0.name.lowercased() })
        let name = SheetNaming.unique(Self.name, taken: taken)
        taken.insert(name.lowercased())
        var sheet = WorksheetModel(name: name)
        var bold = Font()
        bold.bold = true
        var header = CellStyle(font: bold)
        var bottom = Border()
        bottom.bottom = Border.Edge(style: "thin", color: nil)
        header.border = bottom
        let headerStyle = model.styles.format(header)
        let amount = model.styles.format(CellStyle(numberFormat: "#,##0.00;-#,##0.00"))
        var titleFont = Font()
        titleFont.bold = true
        titleFont.size = 14
        let title = model.styles.format(CellStyle(font: titleFont))

        sheet.setValue(.text("Kontroller"), at: CellAddress(row: 0, column: 0), style: title)
        for (c, h) in headers.enumerated() { sheet.setValue(.text(h), at: CellAddress(row: 2, column: c), style: headerStyle) }
        for i in checks.indices {
            let r = 3 + i
            checks[i].kontrollRow = r
            let check = checks[i]
            let place = SheetName.quotedIfNeeded(check.sheet) + "!" + check.cell.a1
            let row = r + 1
            sheet.setValue(.text(check.label), at: CellAddress(row: r, column: 0))
            sheet.setValue(.text(place), at: CellAddress(row: r, column: 1))
            sheet.setFormula(SheetName.quotedIfNeeded(check.sheet) + "!" + absolute(check.cell), at: CellAddress(row: r, column: 2), style: amount)
            sheet.setFormula(check.formula, at: CellAddress(row: r, column: 3), style: amount)
            sheet.setFormula("IFERROR(C\(row)-D\(row),\"–\")", at: CellAddress(row: r, column: 4), style: amount)
            sheet.setValue(.number(check.tolerance), at: CellAddress(row: r, column: 5), style: amount)
            sheet.setFormula("IF(ISNUMBER(E\(row)),IF(ABS(E\(row))<=F\(row),\"OK\",\"AVVIKER\"),IF(C\(row)=D\(row),\"OK\",\"AVVIKER\"))",
                             at: CellAddress(row: r, column: 6))
        }
        sheet.setColumnWidth(44, columns: 0)
        sheet.setColumnWidth(26, columns: 1)
        sheet.setColumnWidth(18, columns: 2, 4)
        sheet.setColumnWidth(10, columns: 5, 6)
        sheet.view.frozenRows = 3
        // Red "AVVIKER" so an eye finds it.
        var red = DifferentialFormat()
        var redFont = Font()
        redFont.bold = true
        redFont.color = .rgb(0xFF9C0006)
        red.font = redFont
        red.fill = Fill(pattern: "solid", foreground: nil, background: .rgb(0xFFFFC7CE))
        let dxf = model.styles.differentialFormat(red)
        if !checks.isEmpty {
            let range = CellRange(first: CellAddress(row: 3, column: 6), last: CellAddress(row: 2 + checks.count, column: 6))
            sheet.conditionalFormats.append(ConditionalFormat(ranges: [range], rules: [
                ConditionalRule(type: "cellIs", operator: "equal", formulas: ["\"AVVIKER\""], differentialFormat: dxf, priority: 1),
            ]))
        }
        return model.addSheet(sheet)
    }

    private static func absolute(_ cell: CellAddress) -> String {
        "$" + A1.columnName(Int(cell.column)) + "$" + String(cell.row + 1)
    }

    /// The checks' outcomes as the engine computed them.
    static func outcomes(_ checks: [ReportCheck], kontrollSheet: Int, book: Workbook) -> [ReportCheck.Outcome] {
        checks.map { check in
            let actual = book.value(sheet: kontrollSheet, at: CellAddress(row: check.kontrollRow, column: 2))
            let expected = book.value(sheet: kontrollSheet, at: CellAddress(row: check.kontrollRow, column: 3))
            let status = book.value(sheet: kontrollSheet, at: CellAddress(row: check.kontrollRow, column: 6))
            return ReportCheck.Outcome(check: check, actual: actual, expected: expected, passed: status == .text("OK"))
        }
    }
}
