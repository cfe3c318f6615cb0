import Testing
@testable import Kalkyl

/// Values from Excel (the conformance corpus's formulas__test.xlsx, Microsoft's function pages).
@Suite("Statistical functions")
struct StatisticalFunctionsTests {
    /// Row 3 of the corpus's STATISTICAL sheet: numbers, an empty cell, text, TRUE, errors.
    let row: [String: CellValue] = ["A1": 0, "B1": 0.1, "C1": 0.2, "D1": 0.3, "E1": -0.1, "G1": "ciao", "H1": true,
                                    "I1": .error(.value), "J1": .error(.notAvailable)]

    @Test func averagesCountWhatExcelCounts() {
        #expect(close(calc("=AVERAGE(A1:B1,B1:C1,C1:D1)", row), 0.15))
        // The …A forms count text in references as 0 and TRUE as 1; empty cells are skipped.
        #expect(close(calc("=AVERAGEA(G1,E1:F1)", row), -0.05))
        #expect(close(calc("=AVERAGEA(H1,F1:G1)", row), 0.5))
        #expect(calc("=AVERAGEA(F1)", row) == .error(.divisionByZero))
        #expect(calc("=AVERAGE(B1:C1,\"\")", row) == .error(.value))
        #expect(calc("=AVEDEV(F1:H1)", row) == .error(.number))
        #expect(close(calc("=AVEDEV(A1:H1)", row), 0.12))
        #expect(calc("=MAXA(F1:H1)", row) == 1)
    }

    @Test func dispersion() {
        let data: [String: CellValue] = ["A1": 0, "B1": -10, "C1": 0.9, "D1": 2.2, "E1": -0.1, "G1": "1/01/1900x", "H1": true]
        #expect(close(calc("=VAR.P(A1:H1)", data), 19.172000000000004))
        #expect(close(calc("=VAR.S(A1:H1)", data), 23.965000000000003))
        #expect(close(calc("=VARA(D1:H1)", data), 1.1491666666666667))
        #expect(close(calc("=VARPA(D1:H1)", data), 0.8618750000000001))
        #expect(calc("=VAR.S(D1)", data) == .error(.divisionByZero))
    }

    @Test func modeSkipsTextTypedAsArgument() {
        let data: [String: CellValue] = ["A1": 0, "B1": 0.1, "C1": 0.2, "D1": 0.3, "E1": -0.1]
        #expect(calc("=MODE.SNGL(B1:C1,C1:D1,D1:E1,\"\")", data) == 0.2)
        #expect(calc("=MODE.SNGL(A1:E1)", data) == .error(.notAvailable))
    }

    @Test func orderStatistics() {
        let data: [String: CellValue] = ["A1": 0, "B1": -10, "C1": 0.9, "D1": 2.2, "E1": -0.1]
        // k is truncated: 2.2 is the 2nd, 0.9 is no position.
        #expect(calc("=SMALL(A1:E1,2.2)", data) == -0.1)
        #expect(calc("=LARGE(A1:E1,0.9)", data) == .error(.number))
        #expect(calc("=LARGE(A1:E1,1)", data) == 2.2)
        #expect(calc("=QUARTILE.INC(A1:E1,-0.1)", data) == .error(.number))
        #expect(calc("=MEDIAN(A1:E1)", data) == 0)
        // An error in k comes before one in the data.
        #expect(calc("=LARGE(A1:F1,G1)", ["F1": .error(.value), "G1": .error(.notAvailable)]) == .error(.notAvailable))
    }

    @Test func percentiles() {
        // Microsoft's examples.
        let data: [String: CellValue] = ["A1": 1, "A2": 2, "A3": 3, "A4": 4]
        #expect(close(calc("=PERCENTILE.INC(A1:A4,0.3)", data), 1.9))
        #expect(calc("=QUARTILE.INC(A1:A4,1)", data) == 1.75)
        let ranks: [String: CellValue] = ["A1": 1, "A2": 2, "A3": 3, "A4": 6, "A5": 6, "A6": 6, "A7": 7, "A8": 8, "A9": 9]
        #expect(calc("=PERCENTRANK.EXC(A1:A9,7)", ranks) == 0.7)
        #expect(calc("=PERCENTRANK.EXC(A1:A9,5.43)", ranks) == 0.381)
        #expect(calc("=PERCENTRANK.EXC(A1:A9,5.43,1)", ranks) == 0.3)
    }

    @Test func pairedDataSkipNonNumbersAndCheckErrorsPairwise() {
        let data: [String: CellValue] = ["A1": 0, "B1": 0.1, "C1": 0.2, "D1": 0.3, "E1": -0.1, "G1": "x", "H1": true,
                                         "I1": .error(.value), "J1": .error(.notAvailable), "K1": .error(.divisionByZero)]
        #expect(close(calc("=CORREL(A1:C1,C1:E1)", data), -0.720576692122892))
        #expect(calc("=CORREL(C1:E1,E1:G1)", data) == .error(.divisionByZero))
        // (TRUE, #N/A) is the first pair with an error.
        #expect(calc("=CORREL(H1:J1,J1:L1)", data) == .error(.notAvailable))
        #expect(calc("=CORREL(A1:B1,A1:C1)", data) == .error(.notAvailable))
        // Microsoft's SLOPE/INTERCEPT example.
        let xy: [String: CellValue] = ["A1": 2, "A2": 3, "A3": 9, "A4": 1, "A5": 8, "A6": 7, "A7": 5,
                                       "B1": 6, "B2": 5, "B3": 11, "B4": 7, "B5": 5, "B6": 4, "B7": 4]
        #expect(close(calc("=SLOPE(A1:A7,B1:B7)", xy), 0.305555556, tolerance: 1e-8))
        #expect(close(calc("=INTERCEPT({2,3,9,1,8},{6,5,11,7,5})"), 0.0483871, tolerance: 1e-6))
        #expect(close(calc("=STEYX(A1:A7,B1:B7)", xy), 3.305719, tolerance: 1e-6))
        #expect(close(calc("=FORECAST(30,{6,7,9,15,21},{20,28,31,38,40})", [:]), 10.607253, tolerance: 1e-6))
    }

    @Test func regression() {
        // Microsoft's LINEST example: y = 2x + 1.
        let data: [String: CellValue] = ["A1": 1, "A2": 9, "A3": 5, "A4": 7, "B1": 0, "B2": 4, "B3": 2, "B4": 3]
        #expect(close(calc("=INDEX(LINEST(A1:A4,B1:B4),1)", data), 2))
        #expect(close(calc("=INDEX(LINEST(A1:A4,B1:B4),2)", data), 1))
        #expect(close(calc("=TREND({2;3;4;21;2},{2,1;2,2;5,3;2,4;4,1},{4,0.1})"), -6.594117647058825))
        #expect(calc("=LINEST({1;2;3},{1;2})", [:]) == .error(.reference))
    }

    @Test func distributions() {
        #expect(close(calc("=NORM.S.DIST(1.333333,TRUE)"), 0.908788726, tolerance: 1e-8))
        #expect(close(calc("=NORM.S.INV(0.908789)"), 1.3333347, tolerance: 1e-6))
        #expect(close(calc("=BETA.INV(0.4,2,0.7)"), 0.7332922921466927))
        #expect(close(calc("=BETA.DIST(0.7,\"1\",\"3\",5,0.5,5)"), 0.12749519890260627))
        #expect(close(calc("=BINOM.DIST(5,10,0.2,FALSE)"), 0.026424115200000015))
        #expect(calc("=BINOM.INV(100,0.4,0.3)") == 37)
        #expect(close(calc("=CHISQ.DIST(5,10,FALSE)"), 0.06680094289054264))
        #expect(close(calc("=CHISQ.INV(0.01,100)"), 70.0648949253998))
        #expect(close(calc("=CHISQ.INV.RT(0.01,100)"), 135.8067231710268))
        #expect(close(calc("=CONFIDENCE.NORM(0.7,\"1\",5)"), 0.17232055120184916))
        #expect(close(calc("=CONFIDENCE.T(0.32,10,3)"), 7.572401854185358))
        #expect(calc("=CONFIDENCE.T(0.9,7,1)") == .error(.divisionByZero))
        #expect(calc("=T.DIST(0,0,FALSE)") == .error(.divisionByZero))
        #expect(calc("=BETA.DIST(3,-1,2,\"TRUE\")") == .error(.number))
        #expect(calc("=BETA.INV(1,3,2)") == .error(.number))
        #expect(close(calc("=GAMMALN(4)"), 1.791759469228055))
        #expect(calc("=GAMMA(-1)") == .error(.number))
        #expect(close(calc("=T.INV.2T(0.546449,60)"), 0.606533, tolerance: 1e-6))
        #expect(close(calc("=F.DIST(15.2068649,6,4,TRUE)"), 0.99, tolerance: 1e-7))
        #expect(close(calc("=GAMMA.INV(0.068094,9,2)"), 10.0000112, tolerance: 1e-6))
    }

    @Test func discreteDistributionsOutOfRange() {
        // Cumulative HYPGEOM.DIST beyond the possible counts is 0 or 1 (not #NUM!).
        #expect(calc("=HYPGEOM.DIST(0,2,3,3,TRUE)") == 0)
        #expect(calc("=HYPGEOM.DIST(5,3,2,30,TRUE)") == 1)
        #expect(calc("=HYPGEOM.DIST(0,0,0,0,FALSE)") == 1)
        #expect(calc("=HYPGEOM.DIST(1,60,45,32,TRUE)") == .error(.number))
        #expect(close(calc("=HYPGEOM.DIST(1,4,8,20,TRUE)"), 0.4654, tolerance: 1e-4))
    }

    @Test func tests() {
        let data: [String: CellValue] = ["A1": 3, "A2": 4, "A3": 5, "A4": 8, "A5": 9, "A6": 1, "A7": 2, "A8": 4, "A9": 5,
                                         "B1": 6, "B2": 19, "B3": 3, "B4": 2, "B5": 14, "B6": 4, "B7": 5, "B8": 17, "B9": 1]
        #expect(close(calc("=T.TEST(A1:A9,B1:B9,2,1)", data), 0.196016, tolerance: 1e-6))
        #expect(calc("=T.TEST(A1:A9,B1:B9,3,1)", data) == .error(.number))
        #expect(close(calc("=Z.TEST({3,6,7,8,6,5,4,2,1,9},4)"), 0.090574, tolerance: 1e-6))
        #expect(calc("=PROB({1,2,3,4,5},{0.1,0.2,0.3,0.3,0.1},1,A20)", data) == 0)
        #expect(close(calc("=PROB({0,1,2,3},{0.2,0.3,0.1,0.4},1,3)"), 0.8))
    }

    @Test func frequencyWithoutBinsUsesZero() {
        let data: [String: CellValue] = ["A1": 1, "B1": 2, "C1": 3, "D1": 0, "E1": -1]
        #expect(calc("=INDEX(FREQUENCY(A1:E1,F1),1)", data) == 2)
        #expect(calc("=INDEX(FREQUENCY({79,85,78,85,50,81,95,88,97},{70,79,89}),3)") == 4)
    }

    @Test func criteriaArrayGivesOneResultPerCriterion() {
        let data: [String: CellValue] = ["A1": 1, "B1": 1, "C1": 2.3, "D1": 10, "E1": -1]
        #expect(calc("=INDEX(COUNTIF(A1:E1,{1,\">3\"}),2)", data) == 1)
        #expect(calc("=INDEX(COUNTIF(A1:E1,{1,\">3\"}),1)", data) == 2)
    }
}
