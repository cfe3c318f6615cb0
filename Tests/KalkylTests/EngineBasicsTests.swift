import Testing
@testable import Kalkyl

@Suite("Engine basics")
struct EngineBasicsTests {
    @Test func arithmeticAndPrecedence() {
        #expect(calc("=1+2*3") == 7)
        #expect(calc("=-2^2") == 4)  // unary minus binds tighter than ^
        #expect(calc("=2^3^2") == 64)  // ^ is left-associative in Excel
        #expect(calc("=5%") == 0.05)
        #expect(calc("=1E+3") == 1000)
        #expect(calc("=\"3\"+1") == 4)
        #expect(calc("=1/0") == .error(.divisionByZero))
        #expect(calc("=0.1+0.2=0.3") == true)
        #expect(calc("=0.1+0.2-0.3") == 0)
    }

    @Test func referencesAndRecalculation() throws {
        let book = Workbook()
        book.addSheet(named: "Data")
        try book.setValue(5, at: "Data!A1")
        try book.setFormula("=A1*2", at: "Data!B1")
        try book.setFormula("=B1+A1", at: "Data!C1")
        #expect(book.recalculate().evaluations == 2)
        #expect(book.value(at: "Data!C1") == 15)
        try book.setValue(6, at: "Data!A1")
        #expect(book.recalculate().evaluations == 2)
        #expect(book.value(at: "Data!C1") == 18)
        #expect(book.recalculate().evaluations == 0)
    }

    @Test func circularReferenceIsReportedAndZero() throws {
        let book = Workbook()
        book.addSheet(named: "S")
        try book.setFormula("=B1+1", at: "S!A1")
        try book.setFormula("=A1+1", at: "S!B1")
        let report = book.recalculate()
        #expect(report.circularReferences.count == 1)
        #expect(book.value(at: "S!A1") == 0)
        #expect(book.diagnostics.contains { if case .circularReference = $0 { true } else { false } })
    }
}
