import Testing
@testable import Kalkyl

@Suite("Information functions")
struct InformationFunctionsTests {
    @Test func typeAndN() {
        #expect(calc("=TYPE(A1)") == 1)
        #expect(calc("=TYPE(A1)", ["A1": "x"]) == 2)
        #expect(calc("=TYPE(A1)", ["A1": true]) == 4)
        #expect(calc("=TYPE(1/0)") == 16)
        #expect(calc("=TYPE({1,2})") == 64)
        #expect(calc("=TYPE(A1:B2)") == 64)
        #expect(calc("=N(\"7\")") == 0)
        #expect(calc("=N(TRUE+TRUE)") == 2)
        #expect(calc("=N(A1)", ["A1": .error(.notAvailable)]) == .error(.notAvailable))
        #expect(calc("=N(A1:A2)", ["A1": 4, "A2": 5]) == 4)
    }

    @Test func errorType() {
        #expect(calc("=ERROR.TYPE(#REF!)") == 4)
        #expect(calc("=ERROR.TYPE(#NAME?)") == 5)
        #expect(calc("=ERROR.TYPE(#NUM!)") == 6)
        #expect(calc("=ERROR.TYPE(1/0)") == 2)
        #expect(calc("=ERROR.TYPE(1)") == .error(.notAvailable))
    }

    @Test func parity() {
        #expect(calc("=ISEVEN(4.9)") == true)
        #expect(calc("=ISEVEN(-3)") == false)
        #expect(calc("=ISODD(-3)") == true)
        #expect(calc("=ISEVEN(\"abc\")") == .error(.value))
        #expect(calc("=ISEVEN(TRUE)") == .error(.value))
        #expect(calc("=ISEVEN(A1)") == true)
    }

    @Test func references() {
        #expect(calc("=ISREF(A1)") == true)
        #expect(calc("=ISREF(A1:B2)") == true)
        #expect(calc("=ISREF(0)") == false)
        #expect(calc("=ISREF(\"\")") == false)
        #expect(calc("=ISFORMULA(A1)", ["A1": 1]) == false)
        #expect(calc("=FORMULATEXT(A1)", ["A1": 1]) == .error(.notAvailable))
        #expect(calc("=SHEET()") == 1)
        #expect(calc("=SHEET(0)") == .error(.notAvailable))
        #expect(calc("=SHEET(\"\")") == .error(.notAvailable))
        #expect(calc("=SHEET(\"Blad1\")") == 1)
        #expect(calc("=SHEETS()") == 1)
        #expect(calc("=CELL(\"address\",B7)") == "$B$7")
        #expect(calc("=CELL(\"row\",B7)") == 7)
        #expect(calc("=CELL(\"col\",B7)") == 2)
        #expect(calc("=CELL(\"type\",B7)") == "b")
    }

    @Test func formulaCells() {
        let book = Workbook()
        book.addSheet(named: "S")
        try! book.setFormula("=YEAR(A2)", at: "S!B2")
        try! book.setFormula("=FORMULATEXT(B2)", at: "S!C2")
        try! book.setFormula("=ISFORMULA(B2)", at: "S!D2")
        book.recalculate()
        #expect(book.value(at: "S!C2") == "=YEAR(A2)")
        #expect(book.value(at: "S!D2") == true)
    }

    @Test func blanks() {
        #expect(calc("=ISBLANK(A1)") == true)
        #expect(calc("=ISBLANK(A1)", ["A1": ""]) == false)
        #expect(calc("=ISNONTEXT(A1)") == true)
        #expect(calc("=ISERR(NA())") == false)
        #expect(calc("=ISLOGICAL(TRUE)") == true)
    }
}

@Suite("Logical functions")
struct LogicalFunctionsTests {
    @Test func textArgumentsOfAndOr() {
        #expect(calc("=AND(TRUE,\"0\")") == true)
        #expect(calc("=AND(TRUE,\"0\",#REF!)") == .error(.reference))
        #expect(calc("=OR(FALSE,\"true\")") == true)
        #expect(calc("=AND(\"x\")") == .error(.value))
    }

    @Test func switchMatchesEmptyOnlyAsZero() {
        #expect(calc("=SWITCH(A1,B1,\"match\")", ["A1": false]) == .error(.notAvailable))
        #expect(calc("=SWITCH(A1,B1,\"match\")", ["A1": 0]) == "match")
        #expect(calc("=SWITCH(A1,B1,\"match\")", ["B1": ""]) == .error(.notAvailable))
        #expect(calc("=SWITCH(A1,B1,\"match\")", ["A1": "UPPER", "B1": "Upper"]) == "match")
        #expect(calc("=SWITCH(A1,B1,\"match\")", ["A1": true, "B1": 1]) == .error(.notAvailable))
    }

    @Test func arrayConditions() {
        let book = Workbook()
        book.addSheet(named: "S")
        for (a1, v) in [("A1", CellValue.number(0)), ("B1", 1), ("C1", .text("0"))] { try! book.setValue(v, at: "S!" + a1) }
        book.setArrayFormula("=IFS(A1:C1,1,B1,2)", sheet: 0, range: CellRange(first: CellAddress(row: 1, column: 0), last: CellAddress(row: 1, column: 2)))
        book.setArrayFormula("=SWITCH(A1:C1,0,\"zero\",1,\"one\",\"other\")", sheet: 0,
                             range: CellRange(first: CellAddress(row: 2, column: 0), last: CellAddress(row: 2, column: 2)))
        book.recalculate()
        #expect(book.value(at: "S!A2") == 2)
        #expect(book.value(at: "S!B2") == 1)
        #expect(book.value(at: "S!C2") == .error(.value))
        #expect(book.value(at: "S!A3") == "zero")
        #expect(book.value(at: "S!B3") == "one")
        #expect(book.value(at: "S!C3") == "other")
    }
}
