import Testing
@testable import Kalkyl

@Suite("Dynamic array functions")
struct DynamicArrayFunctionsTests {
    /// The values an array formula spreads over `range`.
    func spill(_ formula: String, _ range: String, _ cells: [String: CellValue] = [:]) -> [CellValue] {
        let book = Workbook()
        book.addSheet(named: "Blad1")
        for (a1, value) in cells { try! book.setValue(value, at: "Blad1!" + a1) }
        let r = CellRange(a1: range)!
        book.setArrayFormula(formula, sheet: 0, range: r)
        book.recalculate()
        var out: [CellValue] = []
        for row in r.first.row...r.last.row {
            for column in r.first.column...r.last.column {
                out.append(book.value(at: "Blad1!" + CellAddress(row: Int(row), column: Int(column)).a1))
            }
        }
        return out
    }

    @Test func sequenceAndTranspose() {
        #expect(spill("=SEQUENCE(2,2,10,5)", "A1:B2") == [10, 15, 20, 25])
        #expect(spill("=TRANSPOSE({1,2;3,4})", "A1:B2") == [1, 3, 2, 4])
    }

    @Test func sortOrdersTypesAndErrors() {
        #expect(spill(#"=SORT({#VALUE!,1,"b",#DIV/0!,TRUE,FALSE,#NULL!},1,1,TRUE)"#, "A1:G1")
            == [1, "b", false, true, .error(.null), .error(.divisionByZero), .error(.value)])
        #expect(spill("=SORT({2,1,2,1},1,{1;-1})", "A1") == [.error(.value)])
        #expect(spill("=SORTBY({1;2;3},{3;1;2})", "A1:A3") == [2, 3, 1])
    }

    @Test func filterAndUnique() {
        #expect(spill("=FILTER({1;2;3},{TRUE;FALSE;TRUE})", "A1:A2") == [1, 3])
        #expect(spill(#"=FILTER({1;2},{FALSE;FALSE},"none")"#, "A1") == ["none"])
        #expect(spill(#"=UNIQUE({"a";"A";"b"})"#, "A1:A2") == ["a", "b"])
        #expect(spill("=UNIQUE({1;1;2},,TRUE)", "A1") == [2])
    }

    @Test func stackingAndPicking() {
        #expect(spill("=VSTACK({1,2},3)", "A1:B2") == [1, 2, 3, .error(.notAvailable)])
        #expect(spill("=HSTACK(1,{2;3})", "A1:B2") == [1, 2, .error(.notAvailable), 3])
        #expect(spill("=CHOOSECOLS({1,2,3;4,5,6},-1,1)", "A1:B2") == [3, 1, 6, 4])
        #expect(spill("=CHOOSEROWS({1,2;3,4},2)", "A1:B1") == [3, 4])
        #expect(spill("=CHOOSECOLS({1,2,3},4)", "A1") == [.error(.value)])
        #expect(spill("=TAKE({1,2,3;4,5,6;7,8,9},-1,2)", "A1:B1") == [7, 8])
        #expect(spill("=DROP({1,2,3;4,5,6;7,8,9},1,1)", "A1:B2") == [5, 6, 8, 9])
        #expect(spill("=EXPAND({1},2,2,0)", "A1:B2") == [1, 0, 0, 0])
        // A number given as an array is taken element by element.
        #expect(spill("=DROP({1,2,3;4,5,6;7,8,9},1,{1;2})", "A1:A2") == [5, 6])
    }

    @Test func reshaping() {
        #expect(spill("=TOCOL({1,2;3,4},0,TRUE)", "A1:A4") == [1, 3, 2, 4])
        #expect(spill("=TOROW({1,#N/A;3,4},2)", "A1:C1") == [1, 3, 4])
        #expect(spill("=WRAPROWS({1,2,3,4,5},2,0)", "A1:B3") == [1, 2, 3, 4, 5, 0])
        #expect(spill("=WRAPCOLS({1,2,3},2)", "A1:B2") == [1, 3, 2, .error(.notAvailable)])
        #expect(spill("=WRAPROWS({1,2,3},0)", "A1") == [.error(.number)])
    }

    @Test func trimRange() {
        let cells: [String: CellValue] = ["B2": 1, "C3": 2]
        #expect(calc("=ROWS(TRIMRANGE(A1:D5))", cells) == 2)
        #expect(calc("=COLUMNS(TRIMRANGE(A1:D5,1,1))", cells) == 3)
        #expect(calc("=ROWS(TRIMRANGE(A1:D5,2.3))", cells) == .error(.value))
    }

    // GROUPBY and PIVOTBY take eta-reduced functions as written in files (`_xleta.SUM`); blanks
    // in their results are empty text. Layouts as Excel's (formulas test workbook, sheet LOOKUP).
    @Test func groupByAndPivotBy() {
        let data: [String: CellValue] = ["A1": "r2", "A2": "r3", "A3": "r2", "B1": "c1", "B2": "c2", "B3": "c2",
                                         "C1": 1, "C2": 9, "C3": 5]
        #expect(spill("=GROUPBY(A1:A3,C1:C3,_xleta.SUM)", "E1:F3", data) == ["r2", 6, "r3", 9, "Total", 15])
        #expect(spill("=GROUPBY(A1:A3,C1:C3,_xleta.AVERAGE,0,-1)", "E1:F3", data) == ["Total", 5, "r2", 3, "r3", 9])
        #expect(spill("=PIVOTBY(A1:A3,B1:B3,C1:C3,_xleta.SUM)", "E1:H4", data)
            == ["", "c1", "c2", "Total", "r2", 1, 5, 6, "r3", "", 9, 9, "Total", 1, 14, 15])
        #expect(spill("=PIVOTBY(A1:A3,B1:B3,C1:C3,_xleta.PERCENTOF,0,0,,0,,,1)", "E1:G3", data)
            == ["", "c1", "c2", "r2", .number(1.0 / 6), .number(5.0 / 6), "r3", "", 1] as [CellValue])
    }
}
