import Testing
@testable import Kalkyl

@Suite("Engineering functions")
struct EngineeringFunctionsTests {
    @Test func convert() {
        #expect(close(calc("=CONVERT(1,\"lbm\",\"kg\")"), 0.45359237))
        #expect(close(calc("=CONVERT(68,\"F\",\"C\")"), 20))
        #expect(close(calc("=CONVERT(2.5,\"ft\",\"sec\")"), 0) == false)
        #expect(calc("=CONVERT(2.5,\"ft\",\"sec\")") == .error(.notAvailable))
        #expect(close(calc("=CONVERT(100,\"ft^2\",\"m^2\")"), 9.290304))
        #expect(close(calc("=CONVERT(1,\"km2\",\"m2\")"), 1e6))
        #expect(close(calc("=CONVERT(1,\"kibyte\",\"bit\")"), 8192))
        // "pc" is a parsec, but a picocalorie where an energy is wanted.
        #expect(close(calc("=CONVERT(1,\"pc\",\"J\")"), 4.184e-12))
        #expect(calc("=CONVERT(1,\"kmi\",\"m\")") == .error(.notAvailable))
    }

    @Test func bases() {
        #expect(calc("=BIN2DEC(1111111111)") == -1)
        #expect(calc("=DEC2BIN(-100)") == "1110011100")
        #expect(calc("=DEC2HEX(64,4)") == "0040")
        #expect(calc("=HEX2DEC(\"FFFFFFFF9C\")") == -100)
        #expect(calc("=OCT2HEX(\"7777777533\")") == "FFFFFFFF5B")
        #expect(calc("=DEC2BIN(512)") == .error(.number))
        #expect(calc("=DEC2BIN(9,2)") == .error(.number))
    }

    @Test func bits() {
        #expect(calc("=BITAND(13,25)") == 9)
        #expect(calc("=BITXOR(5,3)") == 6)
        #expect(calc("=BITLSHIFT(4,2)") == 16)
        #expect(calc("=BITRSHIFT(13,2)") == 3)
        #expect(calc("=BITAND(2^48,1)") == .error(.number))
    }

    @Test func besselAsExcel() {
        // Excel's polynomial approximations, not the exact values.
        #expect(calc("=BESSELI(0.2,0)") == 1.0100250221205638)
        #expect(close(calc("=BESSELI(2.3,2)"), 1.0054316669125958))
        #expect(close(calc("=BESSELJ(2.3,2)"), 0.41391458970875217))
        #expect(close(calc("=BESSELY(2.3,2)"), -0.4726168566767928))
        #expect(calc("=BESSELI(0,10000000)") == 0)
        #expect(calc("=BESSELK(0,1)") == .error(.number))
    }

    @Test func complexNumbers() {
        #expect(calc("=COMPLEX(3,4)") == "3+4i")
        #expect(calc("=COMPLEX(0,-1,\"j\")") == "-j")
        #expect(calc("=COMPLEX(1E-16,0)") == "0.0000000000000001")
        #expect(calc("=COMPLEX(1.2E-45,-3)") == "1.2E-45-3i")
        #expect(calc("=IMSUM(\"3+4i\",\"5-3i\")") == "8+i")
        #expect(calc("=IMDIV(\"3.1+2j\",\"-3+2i\")") == .error(.number))
        #expect(calc("=IMSUM(\"3.1+2j\",\"-3+2i\")") == .error(.value))
        // An empty cell is 0 to IMSUM and IMPRODUCT; real results have no imaginary unit.
        #expect(calc("=IMPRODUCT(A1,B1)", ["A1": 7]) == "0")
        #expect(calc("=IMSUM(A1,B1)", ["A1": -12, "B1": 1]) == "-11")
        #expect(calc("=IMREAL(\"6-9i\")") == 6)
        #expect(calc("=IMCOT(\"7+25j\")") == "3.82126757337684E-22-j")
        #expect(calc("=IMREAL(IMCOT(\"0.0000000000000001\"))") == 1e16)
        #expect(calc("=IMABS(\"5+12i\")") == 13)
        #expect(calc("=IMREAL(\"1+2k\")") == .error(.number))
    }

    @Test func errorFunctions() {
        #expect(close(calc("=ERF(1)"), 0.842700792949715))
        #expect(close(calc("=ERFC(1)"), 0.157299207050285))
        #expect(calc("=ERF.PRECISE(A1)", ["A1": true]) == .error(.value))
        #expect(calc("=DELTA(5,5)") == 1)
        #expect(calc("=GESTEP(-1)") == 0)
    }
}
