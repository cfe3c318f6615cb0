import Testing
@testable import Kalkyl

@Suite("Math functions")
struct MathFunctionsTests {
    @Test func romanForms() {
        #expect(calc("=ROMAN(499,0)") == "CDXCIX")
        #expect(calc("=ROMAN(499,1)") == "LDVLIV")
        #expect(calc("=ROMAN(499,2)") == "XDIX")
        #expect(calc("=ROMAN(499,3)") == "VDIV")
        #expect(calc("=ROMAN(499,4)") == "ID")
        #expect(calc("=ROMAN(1999,TRUE)") == "MCMXCIX")
        #expect(calc("=ROMAN(1999,FALSE)") == "MIM")
        #expect(calc("=ROMAN(0)") == "")
        #expect(calc("=ROMAN(4000)") == .error(.value))
        #expect(calc("=ROMAN(10,5)") == .error(.value))
        #expect(calc("=ROMAN(10,\"2\")") == "X")
    }

    @Test func arabic() {
        #expect(calc("=ARABIC(\"MCMXII\")") == 1912)
        #expect(calc("=ARABIC(\"ixix\")") == 18)
        #expect(calc("=ARABIC(\"LDVLIV\")") == 499)
        #expect(calc("=ARABIC(\"-MMXI\")") == -2011)
        #expect(calc("=ARABIC(\"\")") == 0)
        #expect(calc("=ARABIC(\"eight\")") == .error(.value))
        #expect(calc("=ARABIC(A1)", ["A1": 0]) == .error(.value))
    }

    @Test func ceilingAndFloor() {
        #expect(calc("=CEILING(2.5,1)") == 3)
        #expect(calc("=CEILING(-2.5,-2)") == -4)
        #expect(calc("=CEILING(2.5,-2)") == .error(.number))
        #expect(calc("=CEILING(1.5,0.1)") == 1.5)
        #expect(calc("=CEILING(7,0)") == 0)
        #expect(calc("=FLOOR(2.5,1)") == 2)
        #expect(calc("=FLOOR(-2.5,2)") == -4)
        #expect(calc("=FLOOR(2.5,-2)") == .error(.number))
        #expect(calc("=FLOOR(1.58,0.1)") == 1.5)
        #expect(calc("=CEILING.MATH(-8.1,2)") == -8)
        #expect(calc("=CEILING.MATH(-5.5,2,-1)") == -6)
        #expect(calc("=FLOOR.MATH(24.3,5)") == 20)
        #expect(calc("=FLOOR.MATH(-8.1,2)") == -10)
        #expect(calc("=FLOOR.MATH(-5.5,2,-1)") == -4)
        #expect(calc("=CEILING.PRECISE(-4.3,2)") == -4)
        #expect(calc("=ISO.CEILING(4.3,-2)") == 6)
        #expect(calc("=FLOOR.PRECISE(-3.2,-1)") == -4)
        #expect(calc("=MROUND(10,3)") == 9)
        #expect(calc("=MROUND(5,0)") == 0)
        #expect(calc("=MROUND(-10,3)") == .error(.number))
    }

    @Test func truncEvenOddSignQuotient() {
        #expect(calc("=TRUNC(-8.9)") == -8)
        #expect(calc("=TRUNC(3.14159,2)") == 3.14)
        #expect(calc("=TRUNC(1234.5,-2)") == 1200)
        #expect(calc("=EVEN(1.5)") == 2)
        #expect(calc("=EVEN(-1)") == -2)
        #expect(calc("=ODD(2)") == 3)
        #expect(calc("=ODD(0)") == 1)
        #expect(calc("=ODD(-1.5)") == -3)
        #expect(calc("=SIGN(-0.0001)") == -1)
        #expect(calc("=SIGN(0)") == 0)
        #expect(calc("=QUOTIENT(-7,2)") == -3)
        #expect(calc("=QUOTIENT(1,0)") == .error(.divisionByZero))
        #expect(calc("=MOD(3,-2)") == -1)
        #expect(calc("=MOD(-3,2)") == 1)
    }

    @Test func powersAndLogarithms() {
        #expect(calc("=POWER(2,10)") == 1024)
        #expect(calc("=POWER(0,0)") == .error(.number))
        #expect(calc("=POWER(0,-1)") == .error(.divisionByZero))
        // Odd roots of negative numbers exist; other fractional powers of them are #NUM!.
        #expect(close(calc("=POWER(-2,1/3)"), -1.2599210498948732))
        #expect(calc("=POWER(-2,2/3)") == .error(.number))
        #expect(calc("=POWER(-2,0.8)") == .error(.number))
        #expect(calc("=SQRT(-4)") == .error(.number))
        #expect(calc("=SQRT(16)") == 4)
        #expect(close(calc("=SQRTPI(2)"), 2.5066282746310002))
        #expect(calc("=LOG(1000)") == 3)
        #expect(calc("=LOG(8,2)") == 3)
        #expect(calc("=LOG(8,1)") == .error(.divisionByZero))
        #expect(calc("=LOG10(0.001)") == -3)
        #expect(calc("=LN(0)") == .error(.number))
        #expect(close(calc("=EXP(1)"), 2.718281828459045))
    }

    @Test func trigonometry() {
        #expect(close(calc("=SIN(PI()/6)"), 0.5))
        #expect(close(calc("=COS(PI())"), -1))
        // Excel's own π reduction (ironcalc docs TAN.xlsx).
        #expect(close(calc("=TAN(PI()/2)"), 16324552277619072))
        #expect(close(calc("=TAN(-3*PI()/2)"), -5441517425873020))
        #expect(close(calc("=TAN(PI())"), -1.22514845490862e-16))
        #expect(close(calc("=TAN(10*PI()/180)"), 0.176326980708465))
        #expect(calc("=COT(0)") == .error(.divisionByZero))
        #expect(calc("=CSC(0)") == .error(.divisionByZero))
        #expect(calc("=ASIN(2)") == .error(.number))
        #expect(close(calc("=ATAN2(1,1)"), 0.7853981633974483))
        #expect(calc("=ATAN2(0,0)") == .error(.divisionByZero))
        #expect(close(calc("=ACOT(2)"), 0.4636476090008061))
        #expect(close(calc("=ACOTH(6)"), 0.16823611831060645))
        #expect(calc("=ATANH(1)") == .error(.number))
        #expect(close(calc("=DEGREES(PI())"), 180))
        #expect(close(calc("=RADIANS(270)"), 4.71238898038469))
    }

    @Test func integers() {
        #expect(calc("=FACT(10)") == 3628800)
        #expect(calc("=FACT(-1)") == .error(.number))
        #expect(calc("=FACTDOUBLE(7)") == 105)
        #expect(calc("=FACTDOUBLE(6)") == 48)
        #expect(calc("=COMBIN(8,2)") == 28)
        #expect(calc("=COMBIN(2,8)") == .error(.number))
        #expect(calc("=COMBINA(4,3)") == 20)
        #expect(calc("=COMBINA(10,3)") == 220)
        #expect(calc("=GCD(24,36,60)") == 12)
        #expect(calc("=GCD(5,-1)") == .error(.number))
        #expect(calc("=GCD(A1)") == .error(.value))
        #expect(calc("=LCM(24,36)") == 72)
        #expect(calc("=MULTINOMIAL(2,3,4)") == 1260)
    }

    @Test func sumsAndProducts() {
        let cells: [String: CellValue] = ["A1": 2, "A2": 3, "A3": 4, "B1": 6, "B2": 5, "B3": 11]
        #expect(calc("=PRODUCT(A1:A3,2)", cells) == 48)
        #expect(calc("=SUMSQ(3,4)") == 25)
        #expect(calc("=SUMX2MY2(A1:A3,B1:B3)", cells) == -153)
        #expect(calc("=SUMX2PY2(A1:A3,B1:B3)", cells) == 211)
        #expect(calc("=SUMXMY2(A1:A3,B1:B3)", cells) == 69)
        #expect(calc("=SUMXMY2(A1:A3,B1:B2)", cells) == .error(.notAvailable))
        #expect(calc("=SUMPRODUCT(A1:A3,B1:B3)", cells) == 71)
        // A row range in a cell of another row: no implicit intersection.
        #expect(calc("=SUMPRODUCT(A1:A3,B1:B3)", cells, at: "D10") == 71)
        // An error in the arrays wins over arrays of different shapes.
        #expect(calc("=SUMPRODUCT(A1:A2,B1:B3)", cells.merging(["A1": .error(.number)]) { _, b in b }) == .error(.number))
        #expect(close(calc("=SERIESSUM(2,1,1,{1,2,3})"), 34))
    }

    @Test func matrices() {
        #expect(calc("=MDETERM({3,6,1;1,1,0;3,10,2})").isNumber(near: 1))
        #expect(calc("=MDETERM({1,2;3,4})").isNumber(near: -2))
        #expect(calc("=INDEX(MMULT({1,2;3,4},{5;6}),2,1)") == 39)
        #expect(calc("=INDEX(MINVERSE({4,-1;2,0}),1,2)").isNumber(near: 0.5))
        #expect(calc("=MINVERSE({1,2;2,4})") == .error(.number))
        #expect(calc("=SUM(MUNIT(3))") == 3)
    }

    @Test func subtotalAndAggregate() {
        let cells: [String: CellValue] = ["A1": 120, "A2": 10, "A3": 150, "A4": 23]
        #expect(calc("=SUBTOTAL(9,A1:A4)", cells) == 303)
        #expect(calc("=SUBTOTAL(1,A1:A4)", cells) == 75.75)
        #expect(calc("=SUBTOTAL(104,A1:A4)", cells) == 150)
        #expect(calc("=SUBTOTAL(205,A1:A4)", cells) == .error(.value))
        #expect(calc("=AGGREGATE(14,6,A1:A4,2)", cells) == 120)
        #expect(calc("=AGGREGATE(9,6,A1:A4,A5)", cells.merging(["A5": .error(.divisionByZero)]) { a, _ in a }) == 303)
        #expect(calc("=AGGREGATE(9,4,A1:A5)", cells.merging(["A5": .error(.divisionByZero)]) { a, _ in a })
            == .error(.divisionByZero))
        #expect(calc("=AGGREGATE(12,6,A1:A4)", cells) == 71.5)
    }

    @Test func subtotalSkipsNestedSubtotals() {
        let book = Workbook()
        book.addSheet(named: "S")
        try! book.setValue(1, at: "S!A1")
        try! book.setValue(2, at: "S!A2")
        try! book.setFormula("=SUBTOTAL(9,A1:A2)", at: "S!A3")
        try! book.setFormula("=SUBTOTAL(9,A1:A3)", at: "S!A4")
        try! book.setFormula("=SUM(A1:A3)", at: "S!A5")
        book.recalculate()
        #expect(book.value(at: "S!A4") == 3)
        #expect(book.value(at: "S!A5") == 6)
    }

    @Test func baseAndDecimal() {
        #expect(calc("=BASE(7,2)") == "111")
        #expect(calc("=BASE(100,16)") == "64")
        #expect(calc("=BASE(15,2,10)") == "0000001111")
        #expect(calc("=DECIMAL(\"FF\",16)") == 255)
        #expect(calc("=DECIMAL(\"111\",2)") == 7)
        #expect(calc("=DECIMAL(\"zap\",36)") == 45745)
        #expect(calc("=DECIMAL(\"12\",2)") == .error(.number))
    }

    @Test func analysisToolPakCorners() {
        // From Excel-saved test workbooks (formulas test.xlsx, ironcalc SERIESSUM.xlsx).
        #expect(calc("=ARABIC(\"IIIIIIV\")") == -1)
        #expect(calc("=ARABIC(\"IILmIIC\")") == 1046)
        #expect(calc("=FACTDOUBLE(-1.1)") == .error(.number))
        #expect(calc("=FACTDOUBLE(-1)") == 1)
        #expect(calc("=FACTDOUBLE(A1)", ["A1": true]) == .error(.value))
        #expect(calc("=GCD(A1)", ["A1": -0.4]) == .error(.number))
        #expect(calc("=LCM(A1:A2)", ["A1": 0, "A2": -0.4]) == .error(.number))
        #expect(calc("=MROUND(A1,0)", ["A1": true]) == .error(.value))
        #expect(close(calc("=MROUND(2.55,\"1.4\")"), 2.8))
        #expect(calc("=SQRTPI(A1:A2)", ["A1": 1, "A2": 2]) == .error(.value))
        #expect(calc("=SUM(MUNIT({1,2;3,4;7,8}))") == 6)
        #expect(calc("=SUM(MUNIT({1,#NUM!;3,4;7,8}))") == .error(.number))
        #expect(calc("=SERIESSUM(2,0,1,{1,2,3})") == 17)
        #expect(calc("=SERIESSUM(0,0,2,{1,2,3})") == .error(.number))
        #expect(calc("=SERIESSUM(-1,0,2,{1,2,3})") == 6)
        #expect(calc("=SERIESSUM(TRUE,0,2,{1,2,3})") == .error(.value))
        #expect(calc("=PERCENTOF(A1:A2,A1:A3)", ["A1": 1, "A2": 2, "A3": .error(.notAvailable)]) == .error(.number))
    }

    @Test func sumifWithArrayCriteria() {
        let cells: [String: CellValue] = ["A1": "a", "A2": "b", "A3": "a", "B1": 1, "B2": 2, "B3": 4]
        #expect(calc("=SUM(SUMIF(A1:A3,{\"a\",\"b\"},B1:B3))", cells) == 7)
        #expect(calc("=INDEX(SUMIF(A1:A3,{\"a\",\"b\"},B1:B3),1,2)", cells) == 2)
        #expect(calc("=PERCENTOF(B1:B2,B1:B3)", cells) == .number(3.0 / 7.0))
    }
}

extension CellValue {
    fileprivate func isNumber(near expected: Double) -> Bool { close(self, expected) }
}
