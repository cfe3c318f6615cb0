import Testing
@testable import Kalkyl

@Suite("Lookup functions")
struct LookupFunctionsTests {
    // MATCH's approximate match is Excel's binary search; values of another type are stepped over
    // and an exact match ends the search (values from Excel, formulas test workbook, sheet LOOKUP).
    @Test func matchApproximateOnMixedTypes() {
        #expect(calc(#"=MATCH(4.1,{"c bau c",4.1,"a",1.1})"#) == 2)
        #expect(calc("=MATCH(TRUE,{TRUE,4.1,FALSE,1.1})") == 3)
        #expect(calc("=MATCH(4,{4.1,3.1,2.1,1.1})") == 4)
        #expect(calc(#"=MATCH(3,{"a",2.1,"c bau c",4.1})"#) == 2)
        // An empty lookup value is 0 for an approximate match.
        #expect(calc("=MATCH(A1,{-1.1,2.1,3.1,4.1})") == 1)
    }

    @Test func matchDescendingStopsAtFirstSmaller() {
        #expect(calc("=MATCH(1.1,{-1.1,2.1,3.1,4.1},-1)") == .error(.notAvailable))
        #expect(calc("=MATCH(-2,{-1.1,2.1,3.1,4.1},-1)") == 4)
        #expect(calc("=MATCH(3,{4.1,3.1,2.1,1.1},-1)") == 2)
        #expect(calc("=MATCH(A1,B1:B5,-1)", ["B1": 0, "B2": 1, "B3": 2, "B4": 3, "B5": 4]) == 1)
    }

    @Test func lookupForms() {
        let cells: [String: CellValue] = ["A1": 1, "A2": 2, "A3": 3, "B1": "a", "B2": "b", "B3": "c"]
        #expect(calc("=LOOKUP(2.5,A1:A3,B1:B3)", cells) == "b")
        #expect(calc("=LOOKUP(2.5,A1:B3)", cells) == "b")
        #expect(calc("=LOOKUP(0,A1:A3,B1:B3)", cells) == .error(.notAvailable))
        #expect(calc("=LOOKUP(2,A1:B3,A1:B3)", cells) == .error(.notAvailable))
    }

    @Test func vlookupErrorsAndColumns() {
        #expect(calc("=VLOOKUP(A1,{-1.1,5;2.1,6;3.1,7;4.1,8},2,-2)") == 5)
        #expect(calc("=VLOOKUP(3,{-1.1,5;2.1,6;3.1,7;4.1,8},{2,3},TRUE)") == 6)
        #expect(calc("=VLOOKUP(B1,B1,B1,3)") == .error(.notAvailable))
        #expect(calc("=HLOOKUP(#NUM!,{1,2;3,4},2,0)") == .error(.number))
    }

    @Test func xlookupModes() {
        // Next larger across types: numbers < text < logical values.
        let cells: [String: CellValue] = ["A1": 2, "A2": 5, "A3": 4, "A4": 5, "A5": 3, "A6": true, "A7": "ala",
                                          "B1": "a", "B2": "b", "B3": "c", "B4": "d", "B5": "e", "B6": "f", "B7": "g"]
        #expect(calc("=XLOOKUP(10,A1:A7,B1:B7,,1)", cells) == "g")
        #expect(calc(#"=XLOOKUP("qwerty",A1:A7,B1:B7,,1)"#, cells) == "f")
        #expect(calc("=XLOOKUP(4.8,A1:A7,B1:B7,,1,-1)", cells) == "d")
        #expect(calc("=XLOOKUP(1,A1:A7,B1:B4)", cells) == .error(.value))
        #expect(calc("=XLOOKUP(1,A1:A7,B1:B7,,12)", cells) == .error(.value))
    }

    @Test func binarySearchFindsFirstOfEqualValues() {
        var cells: [String: CellValue] = [:]
        let keys: [Double] = [1, 2, 3, 4, 5, 5, 5, 6, 7, 7, 7, 8, 9]
        for (i, k) in keys.enumerated() {
            cells["A\(i + 1)"] = .number(k)
            cells["B\(i + 1)"] = .text(String(UnicodeScalar(UInt8(97 + i))))
        }
        #expect(calc("=XLOOKUP(5,A1:A13,B1:B13,,-1,2)", cells) == "e")
        #expect(calc("=XLOOKUP(7.1,A1:A13,B1:B13,,1,2)", cells) == "l")
        #expect(calc("=XMATCH(3.5,{9,4.1,3,2.1,2},-1,-2)") == 3)
        #expect(calc("=XMATCH(4,{4.1,3.1,2.1,1.1},2,2)") == .error(.value))
    }

    @Test func indexCorners() {
        let cells: [String: CellValue] = ["C1": 1, "D1": 2, "E1": 3, "C2": 4, "D2": 5, "E2": 6]
        #expect(calc("=INDEX(C1:E2,2)", cells) == .error(.reference))
        #expect(calc("=INDEX({2,3,4,5},#N/A)") == .error(.notAvailable))
        #expect(calc("=INDEX({1,2,3},1,0,2)") == .error(.reference))
        #expect(calc("=INDEX({2,3;4,5},{1})") == 2)
    }

    @Test func offsetAndIndirect() {
        let cells: [String: CellValue] = ["A1": 1, "B1": 2, "A5": 7]
        #expect(calc("=SUM(OFFSET(A1,0,0,1,0.9))", cells) == 1)
        #expect(calc(#"=INDIRECT("A01")"#, cells) == 1)
        #expect(calc(#"=ROW(INDIRECT("05:05"))"#, cells) == 5)
        #expect(calc(#"=INDIRECT("R1C2",FALSE)"#, cells) == 2)
        #expect(calc(#"=INDIRECT("R[-95]C[-25]",FALSE)"#, cells) == 7)
    }

    @Test func address() {
        #expect(calc("=ADDRESS(2,3,1,1,\"Sheet2\")") == "Sheet2!$C$2")
        #expect(calc("=ADDRESS(23,45,3)") == "$AS23")
        #expect(calc("=ADDRESS(3,5,4)") == "E3")
        #expect(calc("=ADDRESS(2,3,5)") == .error(.value))
        #expect(calc("=ADDRESS(1,1,1,1,\"A Wird One$\")") == "'A Wird One$'!$A$1")
        // An empty cell as a1 is FALSE (R1C1 style).
        #expect(calc("=ADDRESS(3,4,4,B1)") == "R[3]C[4]")
    }

    @Test func areasAndHyperlink() {
        #expect(calc("=AREAS((A1:B2,C3))") == 2)
        #expect(calc(#"=HYPERLINK("http://x.org","site")"#) == "site")
        #expect(calc(#"=HYPERLINK("http://x.org")"#) == "http://x.org")
    }
}
