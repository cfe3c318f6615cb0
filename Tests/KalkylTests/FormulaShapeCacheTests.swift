import Testing
@testable import Kalkyl

/// Formulas of one R1C1 shape share one parse: the cached expression must be exactly what parsing
/// the formula in its own cell gives.
@Suite("Formula shape cache")
struct FormulaShapeCacheTests {
    static let context = FormulaContext(
        sheetNames: ["Blad1", "Data", "Rapport"],
        tables: [TableDefinition(name: "Tabell1", sheet: 0, range: CellRange(a1: "B2:D10")!, columns: ["Datum", "Belopp", "Konto"])])

    static let formulas = [
        "A1*1.01+1", "$A$1*2", "A$1+$A1", "SUM(A1:B3)", "SUM($B$2:B2)", "SUM(A:A)", "SUM(3:3)", "Data!A1+'Data'!$B$2",
        "Data:Rapport!A1", "\"A1\"&B1", "A1 B1:C2", "IF(A1>0,\"ja\",\"nej\")", "Okänd!A1", "SUM(Tabell1[Belopp])",
        "[@Belopp]*2", "Summa*A1", "{1,2;3,4}", "#REF!+A1", "-A1%", "A1 + B1",
    ]

    @Test("every formula, cached or not, parses as it would in its own cell")
    func cachedParsesAreExact() throws {
        var cache = FormulaShapeCache()
        for formula in Self.formulas {
            for (row, column) in [(2, 3), (3, 3), (2, 4), (9, 1), (2, 3)] {
                var context = Self.context
                context.anchor = CellAddress(row: row, column: column)
                let direct = try FormulaParser.parse(formula, context: context)
                let cached = try cache.parse(formula, context: context)
                #expect(cached == direct, "\(formula) at R\(row + 1)C\(column + 1)")
            }
        }
    }

    @Test("a filled-down formula, absolute parts and a structured reference give each cell its value")
    func filledFormulas() throws {
        let book = Workbook()
        let s = book.addSheet(named: "Blad1")
        for r in 0..<5 { book.setValue(.number(Double(r + 1)), sheet: s, at: CellAddress(row: r, column: 0)) }
        for r in 0..<5 {
            book.setFormula("=A\(r + 1)*10", sheet: s, at: CellAddress(row: r, column: 1))
            book.setFormula("=$A$1*10", sheet: s, at: CellAddress(row: r, column: 2))
        }
        book.recalculate()
        #expect((0..<5).map { book.value(sheet: s, at: CellAddress(row: $0, column: 1)) } == [10, 20, 30, 40, 50].map { .number($0) })
        #expect((0..<5).map { book.value(sheet: s, at: CellAddress(row: $0, column: 2)) } == Array(repeating: .number(10), count: 5))
    }

    @Test("a sheet added after a formula that named it: the next formula of that shape sees it")
    func sheetAddedLater() throws {
        let book = Workbook()
        let s = book.addSheet(named: "Blad1")
        book.setFormula("=Senare!A1", sheet: s, at: CellAddress(row: 0, column: 0))
        let later = book.addSheet(named: "Senare")
        book.setValue(.number(7), sheet: later, at: CellAddress(row: 1, column: 0))
        book.setFormula("=Senare!A2", sheet: s, at: CellAddress(row: 1, column: 0))
        book.recalculate()
        #expect(book.value(at: "Blad1!A1") == .error(.reference))
        #expect(book.value(at: "Blad1!A2") == .number(7))
    }
}
