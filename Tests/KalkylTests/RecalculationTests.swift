import Testing
@testable import Kalkyl

@Suite("Dependency graph and recalculation")
struct RecalculationTests {
    /// A ledger (cost centre, period, amount) and a report of SUMIFS over it.
    func ledgerBook(rows: Int, centres: Int) throws -> Workbook {
        let book = Workbook()
        let ledger = book.addSheet(named: "Huvudbok")
        let report = book.addSheet(named: "Rapport")
        for r in 0..<rows {
            book.setValue(.text("KS\(r % centres)"), sheet: ledger, at: CellAddress(row: r, column: 0))
            book.setValue(.number(Double(r % 12 + 1)), sheet: ledger, at: CellAddress(row: r, column: 1))
            book.setValue(.number(Double(r)), sheet: ledger, at: CellAddress(row: r, column: 2))
        }
        book.defineName("Rapportmånad", formula: "5")
        for c in 0..<centres {
            book.setValue(.text("KS\(c)"), sheet: report, at: CellAddress(row: c, column: 0))
            book.setFormula("=SUMIFS(Huvudbok!$C$1:$C$\(rows),Huvudbok!$A$1:$A$\(rows),$A\(c + 1),Huvudbok!$B$1:$B$\(rows),\"<=\"&Rapportmånad)",
                            sheet: report, at: CellAddress(row: c, column: 1))
        }
        book.setFormula("=SUM(B1:B\(centres))", sheet: report, at: CellAddress(row: centres, column: 1))
        book.setFormula("=A1&\"!\"", sheet: report, at: CellAddress(row: centres + 1, column: 1))  // does not read the ledger
        return book
    }

    @Test func editingOneAmountRecomputesOnlyItsDependents() throws {
        let book = try ledgerBook(rows: 1200, centres: 30)
        let first = book.recalculate()
        #expect(first.evaluations == 32)
        let before = book.value(at: "Rapport!B31")
        try book.setValue(100_000, at: "Huvudbok!C1")  // KS0, period 1
        let second = book.recalculate()
        // Of the 30 SUMIFS over the amounts only KS0's includes the edited one; then the total.
        #expect(second.evaluations == 2)
        guard case .number(let a) = before, case .number(let b) = book.value(at: "Rapport!B31") else {
            Issue.record("no total"); return
        }
        #expect(b - a == 100_000)
        try book.setValue(.text("x"), at: "Huvudbok!Z5000")  // outside every range
        #expect(book.recalculate().evaluations == 0)
    }

    @Test func sumifsAgreesWithAPlainScan() throws {
        let book = try ledgerBook(rows: 600, centres: 7)
        book.recalculate()
        for c in 0..<7 {
            let expected = (0..<600).filter { $0 % 7 == c && $0 % 12 + 1 <= 5 }.reduce(0, +)
            #expect(book.value(at: "Rapport!B\(c + 1)") == .number(Double(expected)))
        }
    }

    @Test func aFullCalculationKeepsTheGraphUnlessAskedToRebuildIt() throws {
        let book = try ledgerBook(rows: 300, centres: 5)
        #expect(book.recalculate().evaluations == 7)
        let full = book.calculateAll()
        #expect(full.evaluations == 7)
        #expect(full.graphBuildTime == .zero)
        let rebuilt = book.rebuildAndCalculateAll()
        #expect(rebuilt.evaluations == 7)
        #expect(rebuilt.graphBuildTime > .zero)
        guard case .number(let total) = book.value(at: "Rapport!B6") else { Issue.record("no total"); return }
        let expected = (0..<300).filter { $0 % 12 + 1 <= 5 }.reduce(0, +)
        #expect(total == Double(expected))
    }

    @Test func aHundredThousandLongChainNeedsNoRecursion() throws {
        let book = Workbook()
        let s = book.addSheet(named: "Kedja")
        book.setValue(1, sheet: s, at: CellAddress(row: 0, column: 0))
        for r in 1..<100_000 { book.setFormula("=A\(r)+1", sheet: s, at: CellAddress(row: r, column: 0)) }
        #expect(book.recalculate().evaluations == 99_999)
        #expect(book.value(at: "Kedja!A100000") == 100_000)
    }

    @Test func chainDefinedBackwardsAndThroughIndirect() throws {
        let book = Workbook()
        book.addSheet(named: "S")
        // Formulas whose order the graph cannot see: INDIRECT decides at evaluation.
        try book.setFormula("=INDIRECT(\"B1\")*2", at: "S!A1")
        try book.setFormula("=C1+1", at: "S!B1")
        try book.setValue(4, at: "S!C1")
        book.recalculate()
        #expect(book.value(at: "S!A1") == 10)
        try book.setValue(9, at: "S!C1")
        book.recalculate()
        #expect(book.value(at: "S!A1") == 20)
    }

    @Test func cycleGuardedByIfIsNotACycleWhenNotTaken() throws {
        let book = Workbook()
        book.addSheet(named: "S")
        try book.setFormula("=IF(B1>100,A1,B1*2)", at: "S!A1")
        try book.setValue(3, at: "S!B1")
        let report = book.recalculate()
        #expect(book.value(at: "S!A1") == 6)
        #expect(report.circularReferences.isEmpty)
    }

    @Test func iterativeCalculationConverges() throws {
        let book = Workbook()
        book.addSheet(named: "S")
        book.iteration = IterationSettings(maximumIterations: 100, maximumChange: 0.0001)
        // x = 1 + x/2 converges to 2.
        try book.setFormula("=1+A1/2", at: "S!A1")
        book.recalculate()
        guard case .number(let x) = book.value(at: "S!A1") else { Issue.record("no value"); return }
        #expect(abs(x - 2) < 0.001)
    }
}

@Suite("Dynamic arrays")
struct DynamicArrayTests {
    @Test func spillsOverTheResultsSizeAndFeedsDependents() throws {
        let book = Workbook()
        book.addSheet(named: "S")
        book.setDynamicArrayFormula("={1;2;3}*C1", sheet: 0, anchor: CellAddress(a1: "A1")!)
        try book.setValue(2, at: "S!C1")
        try book.setFormula("=A3*10", at: "S!B1")
        book.recalculate()
        #expect(book.value(at: "S!A1") == 2)
        #expect(book.value(at: "S!A3") == 6)
        #expect(book.value(at: "S!B1") == 60)
        try book.setValue(5, at: "S!C1")
        book.recalculate()
        #expect(book.value(at: "S!B1") == 150)
    }

    @Test func aConstantInTheWayGivesSpillErrorUntilRemoved() throws {
        let book = Workbook()
        book.addSheet(named: "S")
        try book.setValue("i vägen", at: "S!A2")
        book.setDynamicArrayFormula("={1;2;3}", sheet: 0, anchor: CellAddress(a1: "A1")!)
        book.recalculate()
        #expect(book.value(at: "S!A1") == .error(.spill))
        #expect(book.value(at: "S!A3") == .empty)
        try book.setValue(.empty, at: "S!A2")
        book.recalculate()
        #expect(book.value(at: "S!A1") == 1)
        #expect(book.value(at: "S!A2") == 2)
    }

    @Test func shrinkingLeavesNoStaleValues() throws {
        let book = Workbook()
        book.addSheet(named: "S")
        try book.setValue(3, at: "S!C1")
        book.setDynamicArrayFormula("=IF(C1=3,{1;2;3},{7})", sheet: 0, anchor: CellAddress(a1: "A1")!)
        book.recalculate()
        #expect(book.value(at: "S!A3") == 3)
        try book.setValue(1, at: "S!C1")
        book.recalculate()
        #expect(book.value(at: "S!A1") == 7)
        #expect(book.value(at: "S!A3") == .empty)
    }
}

@Suite("Running totals and kept indexes")
struct RunningTotalTests {
    @Test func runningTotalsMatchPlainSumsAndFollowEdits() throws {
        let book = Workbook()
        let s = book.addSheet(named: "Ack")
        let n = 3000
        for r in 0..<n {
            book.setValue(.number(Double(r % 7) + 0.1), sheet: s, at: CellAddress(row: r, column: 1))
            book.setFormula("=SUM($B$1:B\(r + 1))", sheet: s, at: CellAddress(row: r, column: 2))
        }
        try book.setValue(.text("text is skipped"), at: "Ack!B10")
        book.recalculate()
        var expected = 0.0
        for r in 0..<n {
            if r != 9 { expected = NumberPrecision.sum(expected, Double(r % 7) + 0.1) }
            #expect(book.value(sheet: s, at: CellAddress(row: r, column: 2)) == .number(expected))
        }
        try book.setValue(.error(.notAvailable), at: "Ack!B2000")
        book.recalculate()
        #expect(book.value(at: "Ack!C1999") != .error(.notAvailable))
        #expect(book.value(at: "Ack!C2000") == .error(.notAvailable))
        #expect(book.value(at: "Ack!C3000") == .error(.notAvailable))
    }

    @Test func keptCriteriaIndexesFollowEditsToTheirRange() throws {
        let book = Workbook()
        book.addSheet(named: "S")
        for (i, centre) in ["A", "B", "A", "C"].enumerated() {
            try book.setValue(.text(centre), at: "S!A\(i + 1)")
            try book.setValue(.number(Double(i + 1)), at: "S!B\(i + 1)")
        }
        try book.setFormula("=SUMIFS(B1:B4,A1:A4,\"A\")", at: "S!D1")
        try book.setFormula("=D2*2", at: "S!D3")
        try book.setValue(1, at: "S!D2")
        book.recalculate()
        #expect(book.value(at: "S!D1") == 4)
        try book.setValue(.text("A"), at: "S!A4")  // the indexed range changes: the index must not be stale
        book.recalculate()
        #expect(book.value(at: "S!D1") == 8)
        try book.setValue(2, at: "S!D2")  // elsewhere: D1 is not recomputed
        #expect(book.recalculate().evaluations == 1)
    }

    @Test func redefiningAConstantNameRecomputesOnlyWhatUsesIt() throws {
        let book = Workbook()
        let s = book.addSheet(named: "S")
        book.defineName("Rapportmånad", formula: "5")
        for r in 0..<10 { book.setValue(.number(Double(r + 1)), sheet: s, at: CellAddress(row: r, column: 0)) }
        try book.setFormula("SUM(A1:INDEX(A1:A10,Rapportmånad))", at: "S!B1")
        try book.setFormula("B1*2", at: "S!B2")
        try book.setFormula("SUM(A1:A10)", at: "S!C1")
        #expect(book.recalculate().evaluations == 3)
        book.defineName("Rapportmånad", formula: "6")
        let report = book.recalculate()
        #expect(report.evaluations == 2)  // B1 and B2, not C1
        #expect(report.graphBuildTime == .zero)
        #expect(book.value(at: "S!B2") == .number(42))
        // A name that becomes a reference changes dependencies: the graph is rebuilt.
        book.defineName("Rapportmånad", formula: "S!$A$3")
        #expect(book.recalculate().evaluations == 3)
        #expect(book.value(at: "S!B1") == .number(6))
    }
}
