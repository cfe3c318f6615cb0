import Testing
@testable import Kalkyl

@Suite("Criteria of the *IF(S) functions")
struct CriteriaTests {
    let cells: [String: CellValue] = [
        "A1": 1, "A2": 5, "A3": "5", "A4": "Nära vård", "A5": "nära akut", "A6": true, "A7": "*",
        "A8": "", "A10": .error(.notAvailable), "A11": 10,
    ]

    func count(_ criterion: String) -> CellValue { calc("=COUNTIF(A1:A11,\(criterion))", cells) }

    @Test func numbersAndOperators() {
        #expect(count("5") == 2)  // the number 5 and the text "5"
        #expect(count("\"<=5\"") == 2)  // numbers only: 1 and 5
        #expect(count("\">\"&4") == 2)  // 5 and 10
        #expect(count("\"<>5\"") == 9)  // everything else, blanks included
    }

    @Test func blanks() {
        #expect(count("\"\"") == 2)  // A8 (empty text) and A9 (empty)
        #expect(count("\"=\"") == 1)  // only the truly empty A9
        #expect(count("\"<>\"") == 10)  // all but A9
    }

    @Test func wildcardsAndCase() {
        #expect(count("\"nära*\"") == 2)
        #expect(count("\"?ära vård\"") == 1)
        #expect(count("\"~*\"") == 1)  // a literal asterisk
        #expect(count("\"NÄRA VÅRD\"") == 1)
    }

    @Test func logicalsAndErrors() {
        #expect(count("TRUE") == 1)
        #expect(count("\"#N/A\"") == 1)
    }

    @Test func sumifsWithSeveralCriteria() {
        let ledger: [String: CellValue] = [
            "A1": "KS1", "B1": 1, "C1": 100,
            "A2": "KS1", "B2": 2, "C2": 50,
            "A3": "KS2", "B3": 1, "C3": 70,
            "A4": "KS1", "B4": 6, "C4": 1,
        ]
        #expect(calc("=SUMIFS(C1:C4,A1:A4,\"KS1\",B1:B4,\"<=\"&5)", ledger) == 150)
        #expect(calc("=COUNTIFS(A1:A4,\"KS1\",B1:B4,\">1\")", ledger) == 2)
        #expect(calc("=AVERAGEIFS(C1:C4,A1:A4,\"KS*\")", ledger) == 55.25)
        #expect(calc("=SUMIFS(C1:C3,A1:A4,\"KS1\")", ledger) == .error(.value))  // shapes differ
        #expect(calc("=SUMIF(A1:A4,\"KS2\",C1)", ledger) == 70)  // SUMIF resizes the sum range
    }
}
