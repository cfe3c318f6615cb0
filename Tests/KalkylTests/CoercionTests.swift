import Testing
@testable import Kalkyl

@Suite("Coercion and comparison")
struct CoercionTests {
    @Test func textAndLogicalsInArithmetic() {
        #expect(calc("=\"3\"+1") == 4)
        #expect(calc("=\" 1,234.5 \"+0") == 1234.5)
        #expect(calc("=\"50%\"*2") == 1)
        #expect(calc("=\"abc\"+1") == .error(.value))
        #expect(calc("=TRUE+1") == 2)
        #expect(calc("=A1+1") == 1)  // empty is 0
        #expect(calc("=A1&\"x\"") == "x")  // empty is ""
    }

    @Test func sumSkipsTextAndLogicalsInRangesButNotInArguments() {
        let cells: [String: CellValue] = ["A1": "3", "A2": 1, "A3": true]
        #expect(calc("=SUM(A1:A3)", cells) == 1)
        #expect(calc("=SUM(\"3\",1)") == 4)
        #expect(calc("=SUM(TRUE,1)") == 2)
        #expect(calc("=SUM(\"x\",1)") == .error(.value))
        #expect(calc("=A1+A2", cells) == 4)
    }

    @Test func comparisonOrder() {
        #expect(calc("=1<\"a\"") == true)  // numbers before text
        #expect(calc("=\"z\"<TRUE") == true)  // text before logicals
        #expect(calc("=\"abc\"=\"ABC\"") == true)  // case-insensitive
        #expect(calc("=A1=0") == true)
        #expect(calc("=A1=\"\"") == true)
        #expect(calc("=A1=FALSE") == true)
        #expect(calc("=\"1\"=1") == false)  // no conversion in comparisons
    }

    @Test func errorsPropagateLeftToRight() {
        #expect(calc("=1/0+NA()") == .error(.divisionByZero))
        #expect(calc("=NA()+1/0") == .error(.notAvailable))
        #expect(calc("=\"a\"&NA()") == .error(.notAvailable))
    }

    @Test func fifteenDigitPrecision() {
        #expect(calc("=0.1+0.2=0.3") == true)
        #expect(calc("=0.1+0.2-0.3") == 0)
        #expect(calc("=1-0.9-0.1") == 0)
    }

    @Test func implicitIntersection() {
        let cells: [String: CellValue] = ["A1": 10, "A2": 20, "A3": 30]
        // B2 sees A2 of A1:A3 (same row); B5 is outside the range.
        #expect(calc("=A1:A3*2", cells, at: "B2") == 40)
        #expect(calc("=A1:A3*2", cells, at: "B5") == .error(.value))
        #expect(calc("=SUMPRODUCT(A1:A3*2)", cells, at: "B5") == 120)
    }
}
