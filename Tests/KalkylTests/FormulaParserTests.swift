import Testing
@testable import Kalkyl

@Suite("Formula grammar")
struct FormulaParserTests {
    let context = FormulaContext(anchor: CellAddress(row: 0, column: 0), sheet: 0,
                                 sheetNames: ["Blad1", "Nära vård", "It's", "Jan", "Feb", "Maj"],
                                 tables: [TableDefinition(name: "Tabell1", sheet: 0, range: CellRange(a1: "B2:D10")!,
                                                          headerRowCount: 1, totalsRowCount: 1, columns: ["Konto", "Belopp", "Budget"])])

    func parse(_ text: String, at a1: String = "A1") throws(FormulaSyntaxError) -> Expression {
        var c = context
        c.anchor = CellAddress(a1: a1)!
        return try FormulaParser.parse(text, context: c)
    }

    func cell(_ a1: String, sheets: ReferenceExpression.Sheets = .current, relativeTo anchor: String = "A1") -> Expression {
        let target = CellAddress(a1: a1)!, origin = CellAddress(a1: anchor)!
        return .reference(ReferenceExpression(sheets: sheets, shape: .cell(
            row: ReferencePart(index: Int(target.row - origin.row), isAbsolute: false),
            column: ReferencePart(index: Int(target.column - origin.column), isAbsolute: false))))
    }

    @Test func precedenceAndAssociativity() throws {
        #expect(try parse("1+2*3") == .binary(.add, .number(1), .binary(.multiply, .number(2), .number(3))))
        #expect(try parse("-2^2") == .binary(.power, .unary(.minus, .number(2)), .number(2)))
        #expect(try parse("2^3^2") == .binary(.power, .binary(.power, .number(2), .number(3)), .number(2)))
        #expect(try parse("1-2-3") == .binary(.subtract, .binary(.subtract, .number(1), .number(2)), .number(3)))
        #expect(try parse("5%") == .percent(.number(5)))
        #expect(try parse("\"a\"&1=\"a1\"") == .binary(.equal, .binary(.concatenate, .text("a"), .number(1)), .text("a1")))
        #expect(try parse("1<>2") == .binary(.notEqual, .number(1), .number(2)))
        #expect(try parse(" 1 + 2 ") == .binary(.add, .number(1), .number(2)))
    }

    @Test func literals() throws {
        #expect(try parse("1E+3") == .number(1000))
        #expect(try parse(".5") == .number(0.5))
        #expect(try parse("\"say \"\"hi\"\"\"") == .text("say \"hi\""))
        #expect(try parse("TRUE") == .boolean(true))
        #expect(try parse("#N/A") == .error(.notAvailable))
        #expect(try parse("{1,2;3,4}") == .array(Matrix(rows: 2, columns: 2, values: [1, 2, 3, 4])))
        #expect(try parse("{\"a\",-1,TRUE,#DIV/0!}") == .array(Matrix(row: ["a", -1, true, .error(.divisionByZero)])))
    }

    @Test func referencesAndSheets() throws {
        #expect(try parse("B2", at: "C3") == cell("B2", relativeTo: "C3"))
        #expect(try parse("$B$2") == .reference(ReferenceExpression(sheets: .current, shape: .cell(
            row: ReferencePart(index: 1, isAbsolute: true), column: ReferencePart(index: 1, isAbsolute: true)))))
        #expect(try parse("'Nära vård'!B2") == cell("B2", sheets: .sheet(1)))
        #expect(try parse("'It''s'!A1") == cell("A1", sheets: .sheet(2)))
        #expect(try parse("Jan:Maj!A1") == cell("A1", sheets: .span(3, 5)))
        #expect(try parse("Okänd!A1") == .error(.reference))
        #expect(try parse("Blad1!#REF!") == .error(.reference))
        if case .reference(let r) = try parse("A:A") {
            #expect(r.resolve(at: CellAddress(row: 0, column: 0), sheet: 0)?.areas[0].range == CellRange(a1: "A1:A1048576"))
        } else { Issue.record("A:A is not a reference") }
        if case .reference(let r) = try parse("3:3") {
            #expect(r.resolve(at: CellAddress(row: 0, column: 0), sheet: 0)?.areas[0].range.rowCount == 1)
        } else { Issue.record("3:3 is not a reference") }
    }

    @Test func functionsThatLookLikeReferences() throws {
        // LOG10 is a cell (column LOG, row 10) unless it is called.
        if case .call(let f, _) = try parse("LOG10(100)") { #expect(f.name == "LOG10") } else { Issue.record("not a call") }
        #expect(try parse("LOG10") == cell("LOG10"))
        if case .call(let f, _) = try parse("_xlfn.XLOOKUP(1,A1:A3,B1:B3)") { #expect(f.name == "XLOOKUP") } else { Issue.record("not a call") }
        if case .call(let f, let args) = try parse("TRUE()") { #expect(f.name == "TRUE"); #expect(args.isEmpty) } else { Issue.record("not a call") }
        #expect(try parse("Rapportmånad") == .name("Rapportmånad"))
        #expect(try parse("IF(A1,,2)") == .call(.unknown("IF"), [cell("A1"), .missing, .number(2)]))
    }

    @Test func referenceOperators() throws {
        #expect(try parse("A1:B2 B1:C3") == .binary(.intersection, .reference(area("A1", "B2")), .reference(area("B1", "C3"))))
        if case .call(_, let args) = try parse("SUM((A1,B1))") {
            #expect(args == [.binary(.union, cell("A1"), cell("B1"))])
        } else { Issue.record("not a call") }
        if case .call(_, let args) = try parse("SUM(A1,B1)") { #expect(args.count == 2) } else { Issue.record("not a call") }
    }

    @Test func structuredReferences() throws {
        #expect(try parse("Tabell1[Belopp]") == .reference(absoluteArea("C3", "C9")))
        #expect(try parse("Tabell1[#Totals]") == .reference(absoluteArea("B10", "D10")))
        #expect(try parse("Tabell1[[#All],[Budget]]") == .reference(absoluteArea("D2", "D10")))
        #expect(try parse("Tabell1[[Belopp]:[Budget]]") == .reference(absoluteArea("C3", "D9")))
        // [@Belopp] in E5 is C5: the same row, the column's cell.
        #expect(try parse("[@Belopp]", at: "C5") == .reference(ReferenceExpression(sheets: .current, shape: .cell(
            row: ReferencePart(index: 0, isAbsolute: false), column: ReferencePart(index: 2, isAbsolute: true)))))
        #expect(try parse("Okänd[Belopp]") == .error(.reference))
    }

    @Test func syntaxErrorsArePositioned() {
        #expect(throws: FormulaSyntaxError.self) { try parse("1+") }
        do { _ = try parse("SUM(1,2") } catch { #expect(error.message.contains("missing ')'")) }
        do { _ = try parse("1+)") } catch { #expect(error.position == 2) }
        #expect(throws: FormulaSyntaxError.self) { try parse("\"open") }
        #expect(throws: FormulaSyntaxError.self) { try parse("{1,2;3}") }
        #expect(throws: FormulaSyntaxError.self) { try parse("") }
    }

    @Test func nestingIsBoundedAndLongChainsParse() throws {
        let deep = String(repeating: "(", count: 5000) + "1" + String(repeating: ")", count: 5000)
        do { _ = try parse(deep); Issue.record("5000 levels should be refused") } catch {
            #expect(error.message.contains("nested"))
        }
        let chain = (0..<10_000).map { _ in "1" }.joined(separator: "+")
        if case .binary(.add, _, _) = try parse(chain) {} else { Issue.record("a long chain should parse") }
        #expect(try parse(String(repeating: "-", count: 10_000) + "1") != .number(0))
    }

    private func area(_ a: String, _ b: String) -> ReferenceExpression {
        let x = CellAddress(a1: a)!, y = CellAddress(a1: b)!
        return ReferenceExpression(sheets: .current, shape: .area(
            firstRow: ReferencePart(index: Int(x.row), isAbsolute: false), firstColumn: ReferencePart(index: Int(x.column), isAbsolute: false),
            lastRow: ReferencePart(index: Int(y.row), isAbsolute: false), lastColumn: ReferencePart(index: Int(y.column), isAbsolute: false)))
    }

    private func absoluteArea(_ a: String, _ b: String) -> ReferenceExpression {
        let x = CellAddress(a1: a)!, y = CellAddress(a1: b)!
        return ReferenceExpression(sheets: .current, shape: .area(
            firstRow: ReferencePart(index: Int(x.row), isAbsolute: true), firstColumn: ReferencePart(index: Int(x.column), isAbsolute: true),
            lastRow: ReferencePart(index: Int(y.row), isAbsolute: true), lastColumn: ReferencePart(index: Int(y.column), isAbsolute: true)))
    }
}
