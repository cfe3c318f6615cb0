import Testing
@testable import Kalkyl

@Suite("Financial functions")
struct FinancialFunctionsTests {
    @Test func timeValueOfMoney() {
        // Microsoft's documentation examples.
        #expect(close(calc("=PMT(0.08/12,10,10000)"), -1037.0320893591606))
        #expect(close(calc("=PV(0.08/12,12*20,500,,0)"), -59777.14585118638))
        #expect(close(calc("=FV(0.06/12,10,-200,-500,1)"), 2581.4033740601185))
        #expect(close(calc("=NPER(0.12/12,-100,-1000,10000,1)"), 59.67386567429457))
        #expect(close(calc("=RATE(4*12,-200,8000)"), 0.007701472488246008))
        #expect(close(calc("=IPMT(0.1/12,1,3*12,8000)"), -66.66666666666667))
        #expect(close(calc("=PPMT(0.1/12,1,2*12,2000)"), -75.62318600836664))
    }

    @Test func rateAndZeroPowers() {
        // RATE converging below -100 % is #NUM!; (1+rate)^nper infinite is #DIV/0!.
        #expect(calc("=RATE(10,-1200,2000,0,1)") == .error(.number))
        #expect(calc("=FV(-1,-2,1)") == .error(.divisionByZero))
        #expect(calc("=FV(-3,-3.5,1)") == .error(.number))
        #expect(calc("=PMT(-3,5,100)") == .error(.number))
    }

    @Test func analysisToolPakArguments() {
        // Logical values are #VALUE! for the Analysis ToolPak functions, an empty cell is 0.
        #expect(calc("=EFFECT(A1,B1)", ["A1": 10, "B1": true]) == .error(.value))
        #expect(close(calc("=EFFECT(0.0525,4)"), 0.053542667370758))
        #expect(close(calc("=NOMINAL(0.053543,4)"), 0.05250032, tolerance: 1e-8))
        #expect(calc("=DDB(100,10,4,3,B1)") == .error(.number))
        #expect(close(calc("=DB(100,10,4,3,9.2222)"), 16.529375400000003))
    }

    @Test func cashFlows() {
        #expect(close(calc("=NPV(G1,H1:I2)", ["G1": 0.1, "H1": 1, "I1": 2, "H2": 3, "I2": 4]), 1 / 1.1 + 2 / 1.21 + 3 / 1.331 + 4 / 1.4641))
        #expect(close(calc("=IRR({-7,2,-1,4,-3;7,2,-1,4,4})"), 0.19086464188385688))
        #expect(calc("=IRR({-7,2,-1,4,-3;7,2,-1,4,#N/A})") == .error(.value))
        #expect(calc("=IRR({100,200})") == .error(.number))
        #expect(calc("=MIRR({-1,-1,-1},0.1,0.2)") == -1)
        #expect(close(calc("=MIRR({-120000,39000,30000,21000,37000,46000},0.1,0.12)"), 0.1260941303659051))
        #expect(calc("=NPV(-1,100)") == .error(.number))
    }

    @Test func depreciation() {
        #expect(close(calc("=SLN(30000,7500,10)"), 2250))
        #expect(close(calc("=SYD(30000,7500,10,1)"), 4090.909090909091))
        #expect(close(calc("=DB(1000000,100000,6,1,7)"), 186083.33333333334))
        #expect(close(calc("=DDB(2400,300,10,1,2)"), 480))
        #expect(close(calc("=VDB(2400,300,10*365,0,1)"), 1.3150684931506849))
    }

    @Test func securities() {
        // ACCRINT with the issue before the first regular coupon period (30/360).
        #expect(close(calc("=ACCRINT(DATE(2007,3,1),DATE(2008,8,31),DATE(2008,5,1),0.1,1000,2,0)"), 116.94444444444446))
        #expect(close(calc("=ACCRINT(DATE(2007,3,1),DATE(2008,8,31),DATE(2008,5,1),0.1,1000,2,0,FALSE)"), 66.94444444444446))
        #expect(close(calc("=ACCRINTM(DATE(2024,2,28),DATE(2024,3,1),0.1,1000,1)"), 0.546448087431694))
        #expect(close(calc("=PRICE(DATE(2008,2,15),DATE(2017,11,15),0.0575,0.065,100,2,0)"), 94.63436162132213))
        #expect(close(calc("=YIELD(DATE(2008,2,15),DATE(2016,11,15),0.0575,95.04287,100,2,0)"), 0.065, tolerance: 1e-7))
        #expect(calc("=COUPNCD(DATE(2011,1,25),DATE(2011,11,15),2,1)") == 40678)
        #expect(calc("=COUPDAYS(DATE(2011,1,25),DATE(2011,11,15),2,1)") == 181)
        #expect(calc("=COUPNUM(DATE(2007,1,25),DATE(2008,11,15),2,1)") == 4)
        #expect(close(calc("=TBILLPRICE(DATE(2008,3,31),DATE(2008,6,1),0.09)"), 98.45))
    }
}
