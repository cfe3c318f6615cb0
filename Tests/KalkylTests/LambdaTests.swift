import Testing
@testable import Kalkyl

@Suite("LET, LAMBDA and the functions taking a LAMBDA")
struct LambdaTests {
    /// A workbook with sheet "Blad1" holding `cells` and defined `names`.
    func book(_ cells: [String: CellValue] = [:], names: [String: String] = [:]) -> Workbook {
        let book = Workbook()
        book.addSheet(named: "Blad1")
        for (a1, value) in cells { try! book.setValue(value, at: "Blad1!" + a1) }
        for (name, formula) in names { book.defineName(name, formula: formula) }
        return book
    }

    /// The values a dynamic-array formula in A10 spills over `range`.
    func spill(_ formula: String, _ range: String, _ cells: [String: CellValue] = [:], names: [String: String] = [:]) -> [CellValue] {
        let b = book(cells, names: names)
        let r = CellRange(a1: range)!
        b.setDynamicArrayFormula(formula, sheet: 0, anchor: r.first)
        b.recalculate()
        var out: [CellValue] = []
        for row in r.first.row...r.last.row {
            for column in r.first.column...r.last.column {
                out.append(b.value(at: "Blad1!" + CellAddress(row: Int(row), column: Int(column)).a1))
            }
        }
        return out
    }

    func value(_ formula: String, _ cells: [String: CellValue] = [:], names: [String: String] = [:]) -> CellValue {
        let b = book(cells, names: names)
        try! b.setFormula(formula, at: "Blad1!Z100")
        b.recalculate()
        return b.value(at: "Blad1!Z100")
    }

    // MARK: - LET

    @Test func letBindsInOrder() {
        // formulas__test.xlsx LOGICAL!C13: 232 + 1 + 2.3.
        #expect(close(value("=_xlfn.LET(_xlpm.x,1,_xlpm.y,E10,_xlpm.z,L11,232+_xlpm.x+_xlpm.y)", ["E10": 2.3, "L11": .error(.notAvailable)]), 235.3))
        #expect(value("=LET(x,2,y,x*3,x+y)") == 8)
        #expect(value("=LET(r,A1:A3,SUM(r))", ["A1": 1, "A2": 2, "A3": 3]) == 6)
        // A later binding shadows an earlier one of the same name in an inner LET.
        #expect(value("=LET(x,1,LET(x,x+10,x))") == 11)
        #expect(value("=LET(x,1,_xlpm.y)") == .error(.name))
    }

    @Test func letWithArrays() {
        #expect(spill("=LET(s,SEQUENCE(3),s*2)", "A1:A3") == [2, 4, 6])
    }

    // MARK: - LAMBDA

    @Test func lambdaAppliedInPlace() {
        #expect(value("=_xlfn.LAMBDA(_xlpm.x,_xlpm.x+1)(5)") == 6)
        // formulas__test.xlsx LOGICAL!C12 and E13.
        #expect(value("=_xlfn.LAMBDA(_xlpm.x,_xlpm.y,_xlpm.z,SUM(_xlpm.y)+SUM(_xlpm.x+1,(_xlpm.y+_xlpm.x+D3+C3)))(1,2,3)",
                      ["C3": 0, "D3": 1]) == 8)
        #expect(value("=_xlfn.LAMBDA(D3+C3)()", ["C3": 0, "D3": 1]) == 1)
        #expect(value("=LAMBDA(x,y,x*y)(3,4)") == 12)
    }

    @Test func lambdaNotCalledIsCalcError() {
        #expect(value("=LAMBDA(x,x+1)") == .error(.calc))
        #expect(value("=_xleta.SUM") == .error(.calc))
    }

    @Test func wrongArgumentCountsAreValueErrors() {
        #expect(value("=LAMBDA(x,x+1)(1,2)") == .error(.value))
        #expect(value("=LAMBDA(x,y,x+y)(1)") == .error(.value))
        // Left out at the end, written: the parameter is empty.
        #expect(value("=LAMBDA(x,y,x+y)(1,)") == 1)
    }

    @Test func isOmitted() {
        // ironcalc ISOMITTED.xlsx: an argument left out, and an optional parameter (`[b]`, `_xlop.b`).
        #expect(value(#"=_xlfn.LAMBDA(_xlpm.x,_xlpm.y, IF(_xlfn.ISOMITTED(_xlpm.y),"Missing second argument",_xlpm.x+_xlpm.y))(1,)"#)
            == "Missing second argument")
        let f = "=_xlfn.LAMBDA(_xlpm.a,_xlop.b,IF(_xlfn.ISOMITTED(_xlpm.b),_xlpm.a/2,_xlpm.a*_xlpm.b))"
        #expect(value(f + "(A5)", ["A5": 12, "B5": 3]) == 6)
        #expect(value(f + "(A5, B5)", ["A5": 12, "B5": 3]) == 36)
        #expect(value("=LAMBDA(x,ISOMITTED(x))(A1)") == false)
    }

    @Test func closuresKeepTheirNames() {
        #expect(value("=LET(n,10,f,LAMBDA(x,x+n),f(5))") == 15)
        #expect(value("=LET(f,LAMBDA(x,x*2),_xlpm.f(4))") == 8)
        #expect(value("=LET(add,LAMBDA(a,LAMBDA(b,a+b)),add(2)(3))") == 5)
    }

    @Test func definedNameLambdas() {
        // formulas__test.xlsx MYLAMBDA; LOGICAL!R12.
        let names = ["MYLAMBDA": "=_xlfn.LAMBDA(_xlpm.x,_xlpm.y,_xlpm.z,SUM(_xlpm.x*2,_xlpm.y*3,-_xlpm.z,Blad1!$D$12))"]
        #expect(value("=MYLAMBDA(2,1,2)", ["D12": 3], names: names) == 8)
        // ironcalc templates: a LAMBDA without parameters giving the week's day letters.
        #expect(spill("=week()", "A1:G1", names: ["week": #"=_xlfn.LAMBDA(LEFT(TEXT(2+_xlfn.SEQUENCE(1,7,0),"ddd")))"#])
            == ["M", "T", "W", "T", "F", "S", "S"])
        // A name's formula does not see the LET names around its use.
        #expect(value("=LET(x,1,NAMED)", names: ["NAMED": "=_xlpm.x"]) == .error(.name))
    }

    @Test func definedNameLambdasAreNotUnknownFunctions() {
        let b = book(["A1": 2], names: ["TWICE": "=LAMBDA(x,x*2)"])
        try! b.setFormula("=TWICE(A1)", at: "Blad1!B1")
        b.recalculate()
        #expect(b.value(at: "Blad1!B1") == 4)
        #expect(!b.diagnostics.contains { if case .unknownFunction = $0 { true } else { false } })
        // And a change in A1 reaches B1.
        try! b.setValue(5, at: "Blad1!A1")
        b.recalculate()
        #expect(b.value(at: "Blad1!B1") == 10)
    }

    @Test func dependenciesInsideLambdasAndNames() {
        let b = book(["A1": 1], names: ["PLUS": "=LAMBDA(x,x+Blad1!$A$1)"])
        try! b.setFormula("=LET(v,A1*10,v+1)", at: "Blad1!B1")
        try! b.setFormula("=PLUS(B1)", at: "Blad1!C1")
        b.recalculate()
        #expect(b.value(at: "Blad1!C1") == 12)
        try! b.setValue(2, at: "Blad1!A1")
        b.recalculate()
        #expect(b.value(at: "Blad1!B1") == 21)
        #expect(b.value(at: "Blad1!C1") == 23)
    }

    @Test func recursionIsBounded() {
        let names = ["FACT2": "=LAMBDA(n,IF(n<=1,1,n*FACT2(n-1)))", "LOOP": "=LAMBDA(n,LOOP(n+1))"]
        #expect(value("=FACT2(5)", names: names) == 120)
        #expect(close(value("=FACT2(150)", names: names), 5.7133839564458575e262, tolerance: 1e-12))
        #expect(value("=LOOP(1)", names: names) == .error(.number))
        // A name calling itself twice: read once by the dependency graph, computed in full.
        #expect(value("=FIB(15)", names: ["FIB": "=LAMBDA(n,IF(n<2,n,FIB(n-1)+FIB(n-2)))"]) == 610)
        // Deep but within the bound.
        #expect(value("=DOWN(990)", names: ["DOWN": "=LAMBDA(n,IF(n=0,0,DOWN(n-1)))"]) == 0)
    }

    // MARK: - Functions taking a LAMBDA

    @Test func mapFunction() {
        // formulas__test.xlsx LOGICAL!R18: empty cells square to 0.
        #expect(spill("=_xlfn.MAP(C18:E19, _xlfn.LAMBDA(_xlpm.a,_xlpm.a^2))", "A1:C2", ["C18": 1, "D18": 2, "E18": 3])
            == [1, 4, 9, 0, 0, 0])
        #expect(spill("=MAP({1;3},LAMBDA(b,b^2))", "A1:A2") == [1, 9])
        #expect(spill("=MAP({1,2},{10,20},LAMBDA(a,b,a+b))", "A1:B1") == [11, 22])
        // Two LAMBDAs: the first is not an array (W18).
        #expect(spill("=_xlfn.MAP( {1,2;3,3}, _xlfn.LAMBDA(_xlpm.a,_xlpm.a+1), _xlfn.LAMBDA(_xlpm.b,_xlpm.b+3) )", "A1") == [.error(.value)])
        #expect(spill("=MAP({1,2},LAMBDA(a,b,a+b))", "A1") == [.error(.value)])
        #expect(spill("=MAP({1,2},LAMBDA(a,{1,2}))", "A1:B1") == [.error(.calc), .error(.calc)])
    }

    @Test func reduceAndScan() {
        // formulas__test.xlsx LOGICAL!R22, S22, X18, Y18, U23.
        let grid: [String: CellValue] = ["C20": 0, "D20": 1, "E20": 2.3, "C21": 0, "D21": 1, "E21": 2.3]
        #expect(close(spill("=_xlfn.REDUCE(, C20:E21, _xlfn.LAMBDA(_xlpm.a,_xlpm.b,_xlpm.a+_xlpm.b^2))", "A1", grid)[0], 12.58))
        #expect(spill("=REDUCE(C22:E22,{1,2,3},LAMBDA(a,b,a+b^2))", "A1:C1", ["C22": 1, "D22": 2, "E22": 3]) == [15, 16, 17])
        #expect(spill("=SCAN(H18,{1;3},LAMBDA(a,b,a+b^2))", "A1:A2") == [1, 10])
        #expect(spill(#"=SCAN("ciao",{1;3},LAMBDA(a,b,a+b^2))"#, "A1:A2") == [.error(.value), .error(.value)])
        #expect(spill("=SCAN(C23:E23,C21:C22,LAMBDA(a,b,SUM(a)+b^2))", "A1:A2", ["C23": 1, "D23": 2, "E23": 3, "C21": 0, "C22": 1])
            == [6, 7])
        // ironcalc SCAN.xlsx.
        #expect(spill(#"=_xlfn.SCAN("Days: ", A6:C6, _xlfn.LAMBDA(_xlpm.x,_xlpm.y, _xlfn.CONCAT(_xlpm.x, " AND ", _xlpm.y)))"#, "A1",
                      ["A6": "Monday", "B6": "Tuesday", "C6": "Wednesday"]) == ["Days:  AND Monday"])
    }

    @Test func byRowAndByCol() {
        // formulas__test.xlsx LOGICAL!R4, R5: text and logical values in a range are skipped by SUM.
        let cells: [String: CellValue] = ["C4": 0, "D4": 1, "E4": 2.3, "F4": 0, "G4": -1, "I4": "0", "J4": false,
                                          "C5": 0, "D5": 1, "E5": 2.3, "F5": 1, "G5": -1, "I5": "0", "J5": false]
        #expect(spill("=BYROW(C4:J5,LAMBDA(x,SUM(x)))", "A1:A2", cells).map { close($0, 2.3) || close($0, 3.3) } == [true, true])
        #expect(spill("=BYCOL(C4:E5,LAMBDA(x,SUM(x)))", "A1:C1", cells) == [0, 2, 4.6])
        #expect(spill("=_xlfn.BYROW(C4:E5,_xleta.SUM)", "A1:A2", cells).map { close($0, 3.3) } == [true, true])
        #expect(spill("=BYROW({1,2;3,4},LAMBDA(r,r))", "A1:A2") == [.error(.calc), .error(.calc)])
        #expect(spill("=BYROW({1,2;3,4},LAMBDA(a,b,a))", "A1") == [.error(.value)])
    }

    @Test func makeArray() {
        // ironcalc MAKEARRAY.xlsx; formulas__test.xlsx LOGICAL!R15…AF15.
        #expect(spill("=_xlfn.MAKEARRAY(3,3, _xlfn.LAMBDA(_xlpm.x,_xlpm.y,_xlpm.x*_xlpm.y))", "A1:C3") == [1, 2, 3, 2, 4, 6, 3, 6, 9])
        #expect(spill("=MAKEARRAY(TRUE,1,LAMBDA(x,y,x+1+y))", "A1") == [3])
        #expect(spill(#"=MAKEARRAY(2,"1",LAMBDA(x,y,x+1+y))"#, "A1") == [.error(.value)])
        #expect(spill("=MAKEARRAY(2.3,1,LAMBDA(x,y,x+1+y))", "A1") == [.error(.value)])
        #expect(spill("=MAKEARRAY(0,1,LAMBDA(x,y,x+1+y))", "A1") == [.error(.value)])
        #expect(spill("=MAKEARRAY(#N/A,1,LAMBDA(x,y,x+1+y))", "A1") == [.error(.notAvailable)])
        // An array of row counts: each result's first element (LOGICAL!R14).
        #expect(spill("=MAKEARRAY({0,2,3},1,LAMBDA(x,y,x+1+y))", "A1:C1") == [.error(.value), 3, 3])
    }

    // MARK: - Parsing and printing

    @Test func parsesParametersAndApplication() throws {
        let e = try FormulaParser.parse("_xlfn.LAMBDA(_xlpm.x,_xlpm.x+1)(5)")
        guard case .apply(.call(let f, let args), let applied) = e else { Issue.record("not an application: \(e)"); return }
        #expect(f.name == "LAMBDA")
        #expect(args == [.parameter("x"), .binary(.add, .parameter("x"), .number(1))])
        #expect(applied == [.number(5)])
        // Typed plainly, the names bind the same way.
        #expect(try FormulaParser.parse("LAMBDA(x,x+1)(5)") == e)
        #expect(try FormulaParser.parse("LET(f,LAMBDA(x,x),f(1))") == FormulaParser.parse("_xlfn.LET(_xlpm.f,_xlfn.LAMBDA(_xlpm.x,_xlpm.x),_xlpm.f(1))"))
    }

    @Test func longApplicationChainsAreSyntaxErrors() {
        let chain = "LAMBDA(x,x)(1)" + String(repeating: "(1)", count: 5000)
        #expect(throws: FormulaSyntaxError.self) { try FormulaParser.parse(chain) }
        #expect(value("=LAMBDA(x,x)(1)(2)") == .error(.value))
    }

    @Test func printsBackForFilesAndPeople() throws {
        let text = "_xlfn.LET(_xlpm.f,_xlfn.LAMBDA(_xlpm.x,_xlop.y,_xlpm.x+_xlpm.y),_xlpm.f(1,)+_xlfn.MAP({1},_xleta.SUM))"
        let e = try FormulaParser.parse(text)
        let file = FormulaPrinter(cell: CellAddress(row: 0, column: 0), sheet: 0, sheetNames: ["Blad1"], fileFormat: true)
        #expect(file.text(e) == text)
        let shown = FormulaPrinter(cell: CellAddress(row: 0, column: 0), sheet: 0, sheetNames: ["Blad1"]).text(e)
        #expect(shown == "LET(f,LAMBDA(x,_xlop.y,x+y),f(1,)+MAP({1},_xleta.SUM))")
        #expect(try FormulaParser.parse(shown) == e)
        // A name that would read as a cell keeps its prefix.
        let cellLike = try FormulaParser.parse("_xlfn.LET(_xlpm.x1,1,_xlpm.x1)")
        let printed = FormulaPrinter(cell: CellAddress(row: 0, column: 0), sheet: 0, sheetNames: ["Blad1"]).text(cellLike)
        #expect(try FormulaParser.parse(printed) == cellLike)
    }
}
