import Testing
@testable import Kalkyl

@Suite struct ReferenceRewriterTests {
    // Rows 5…7 (zero-based 4…6) of Rapport: a block whose template row is row 5 gets 3 more rows.
    let block = RowInsertion(sheet: "Rapport", before: 5, count: 3, growingFrom: 4)

    @Test func referencesBelowMoveAndTotalsOverTheBlockGrow() {
        #expect(block.apply(to: "SUM(C5:C5)", onSheet: "Rapport") == "SUM(C5:C8)")
        #expect(block.apply(to: "SUM(C3:C9)", onSheet: "Rapport") == "SUM(C3:C12)")
        #expect(block.apply(to: "C9*2+$C$10", onSheet: "Rapport") == "C12*2+$C$13")
        #expect(block.apply(to: "SUM($C$5:$C$5)", onSheet: "Rapport") == "SUM($C$5:$C$8)")
        // A range ending on the block's row but starting below its first row does not grow.
        let narrow = RowInsertion(sheet: "Rapport", before: 5, count: 3, growingFrom: 3)
        #expect(narrow.apply(to: "SUM(C5:C5)", onSheet: "Rapport") == "SUM(C5:C5)")
        // A single cell on the block's row stays; cells above stay.
        #expect(block.apply(to: "C5+C2", onSheet: "Rapport") == "C5+C2")
    }

    @Test func onlyReferencesToTheEditedSheetChange() {
        #expect(block.apply(to: "SUM(C5:C9)", onSheet: "Data") == "SUM(C5:C9)")
        #expect(block.apply(to: "SUM(Rapport!C5:C9)+'Rapport'!D9", onSheet: "Data") == "SUM(Rapport!C5:C12)+Rapport!D12")
        #expect(block.apply(to: "SUM('Nära vård'!C9)", onSheet: "Rapport") == "SUM('Nära vård'!C9)")
        let quoted = RowInsertion(sheet: "Nära vård", before: 5, count: 1)
        #expect(quoted.apply(to: "SUM('Nära vård'!C9)", onSheet: "Rapport") == "SUM('Nära vård'!C10)")
    }

    @Test func textNamesFunctionsAndWholeColumnsAreLeftAlone() {
        #expect(block.apply(to: "IF(C9>0,\"C9 ökar\",LOG10(C9))", onSheet: "Rapport") == "IF(C12>0,\"C9 ökar\",LOG10(C12))")
        #expect(block.apply(to: "SUMIFS(C:C,A:A,Ack)", onSheet: "Rapport") == "SUMIFS(C:C,A:A,Ack)")
        #expect(block.apply(to: "SUM(Tabell1[Belopp])", onSheet: "Rapport") == "SUM(Tabell1[Belopp])")
        #expect(block.apply(to: "SUM(6:9)", onSheet: "Rapport") == "SUM(9:12)")
        // 3-D references are not rewritten.
        #expect(block.apply(to: "SUM(Jan:Rapport!C9)", onSheet: "Rapport") == "SUM(Jan:Rapport!C9)")
    }

    @Test func referencesPushedOffTheGridBecomeRefErrors() {
        let big = RowInsertion(sheet: "Rapport", before: 5, count: 10)
        #expect(big.apply(to: "A1048570+1", onSheet: "Rapport") == "#REF!+1")
    }

    @Test func renamingASheetRewritesPrefixesOfReferencesAndNames() {
        #expect(ReferenceRewriter.renamingSheet("Division!B2+SUM(division!C1:C3)+Division!Summa+B2", from: "Division", to: "Nära vård")
                == "'Nära vård'!B2+SUM('Nära vård'!C1:C3)+'Nära vård'!Summa+B2")
        #expect(ReferenceRewriter.renamingSheet("\"Division!B2\"&Data!A1", from: "Division", to: "X") == "\"Division!B2\"&Data!A1")
    }

    @Test func theEditedFormulaStillParsesAndComputes() throws {
        let book = Workbook()
        let s = book.addSheet(named: "Rapport")
        for r in 0..<8 { book.setValue(.number(Double(r + 1)), sheet: s, at: CellAddress(row: r, column: 2)) }
        book.setFormula(block.apply(to: "SUM(C5:C5)", onSheet: "Rapport"), sheet: s, at: CellAddress(row: 9, column: 2))
        book.recalculate()
        #expect(book.value(sheet: s, at: CellAddress(row: 9, column: 2)) == .number(5 + 6 + 7 + 8))
    }
}
