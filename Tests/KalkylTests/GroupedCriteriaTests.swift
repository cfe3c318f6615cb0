import Testing
@testable import Kalkyl

/// SUMIFS/COUNTIFS over a ledger large enough for the grouped index (equality columns + an
/// ordered period column) give exactly what a scan with Excel's criteria rules gives.
@Suite struct GroupedCriteriaTests {
    static let rows = 4_000

    /// Columns: A cost centre (text, some as numeric text), B account (number), C period (number,
    /// some blank or text), D amount (with a text and a blank now and then).
    static func ledger() -> (Workbook, [[CellValue]]) {
        let book = Workbook()
        let s = book.addSheet(named: "Huvudbok")
        _ = book.addSheet(named: "Rapport")
        var rows: [[CellValue]] = []
        var x: UInt64 = 12345
        func next() -> Int { x = x &* 6364136223846793005 &+ 1442695040888963407; return Int(x >> 33) }
        for r in 0..<rows.count + Self.rows {
            let centre: CellValue = r % 97 == 0 ? .text("1010") : .text(["KS1", "ks1", "KS2", "Nära", "KS3"][next() % 5])
            let account: CellValue = .number(Double(4000 + (next() % 4) * 10))
            let period: CellValue = r % 101 == 0 ? .empty : (r % 103 == 0 ? .text("5") : .number(Double(202601 + next() % 12)))
            let amount: CellValue = r % 89 == 0 ? .text("x") : (r % 83 == 0 ? .empty : .number(Double(next() % 100_000) / 100 - 300))
            let row = [centre, account, period, amount]
            for (c, v) in row.enumerated() { book.setValue(v, sheet: s, at: CellAddress(row: r, column: c)) }
            rows.append(row)
        }
        return (book, rows)
    }

    @Test func sumifsAndCountifsAgreeWithAScan() throws {
        let (book, rows) = Self.ledger()
        let n = Self.rows
        let cases: [(String, [(Int, Criterion)])] = [
            ("\"KS1\",Huvudbok!B1:B\(n),4010,Huvudbok!C1:C\(n),\"<=\"&202605", [(0, Criterion(.text("KS1"))), (1, Criterion(.number(4010))), (2, Criterion(.text("<=202605")))]),
            ("\"ks2\",Huvudbok!C1:C\(n),\">=202603\",Huvudbok!C1:C\(n),\"<202607\"", [(0, Criterion(.text("ks2"))), (2, Criterion(.text(">=202603"))), (2, Criterion(.text("<202607")))]),
            ("1010,Huvudbok!B1:B\(n),4000", [(0, Criterion(.number(1010))), (1, Criterion(.number(4000)))]),
            ("\"Nära\",Huvudbok!C1:C\(n),\">\"&202612", [(0, Criterion(.text("Nära"))), (2, Criterion(.text(">202612")))]),
            ("\"KS3\",Huvudbok!C1:C\(n),\"<=5\"", [(0, Criterion(.text("KS3"))), (2, Criterion(.text("<=5")))]),
        ]
        for (i, (arguments, _)) in cases.enumerated() {
            let r = CellAddress(row: i, column: 0)
            book.setFormula("SUMIFS(Huvudbok!D1:D\(n),Huvudbok!A1:A\(n),\(arguments))", sheet: 1, at: r)
            book.setFormula("COUNTIFS(Huvudbok!A1:A\(n),\(arguments))", sheet: 1, at: CellAddress(row: i, column: 1))
        }
        book.recalculate()
        for (i, (_, criteria)) in cases.enumerated() {
            var sum = 0.0, count = 0
            for row in rows where criteria.allSatisfy({ $0.1.matches(row[$0.0]) }) {
                count += 1
                if case .number(let x) = row[3] { sum += x }
            }
            #expect(book.value(sheet: 1, at: CellAddress(row: i, column: 0)) == .number(sum), "case \(i)")
            #expect(book.value(sheet: 1, at: CellAddress(row: i, column: 1)) == .number(Double(count)), "case \(i)")
            #expect(count > 0 || i >= 3, "case \(i) should match something")  // 4: text "5" is no number for "<=5"
        }
    }

    @Test func intervalsOnTwoColumnsWithOrWithoutEqualities() throws {
        let (book, rows) = Self.ledger()
        let n = Self.rows
        let accounts = "Huvudbok!B1:B\(n),\">=4010\",Huvudbok!B1:B\(n),\"<=4020\""
        let periods = "Huvudbok!C1:C\(n),\">=202603\",Huvudbok!C1:C\(n),\"<=202608\""
        try book.setFormula("SUMIFS(Huvudbok!D1:D\(n),\(accounts),\(periods))", at: "Rapport!A1")
        try book.setFormula("SUMIFS(Huvudbok!D1:D\(n),\(periods),\(accounts),Huvudbok!A1:A\(n),\"ks1\")", at: "Rapport!A2")
        try book.setFormula("COUNTIFS(\(periods),\(accounts))", at: "Rapport!A3")
        book.recalculate()
        func number(_ v: CellValue) -> Double? { if case .number(let x) = v { x } else { nil } }
        let inInterval = rows.filter { row in
            guard let a = number(row[1]), let p = number(row[2]) else { return false }
            return (4010...4020).contains(a) && (202603...202608).contains(p)
        }
        let all = inInterval.compactMap { number($0[3]) }.reduce(0, +)
        let ks1 = inInterval.filter { $0[0] == .text("KS1") || $0[0] == .text("ks1") }.compactMap { number($0[3]) }.reduce(0, +)
        #expect(book.value(at: "Rapport!A1") == .number(all))
        #expect(book.value(at: "Rapport!A2") == .number(ks1))
        #expect(book.value(at: "Rapport!A3") == .number(Double(inInterval.count)))
        #expect(inInterval.count > 100)
    }

    @Test func theIndexIsKeptForANewMonthAndForgottenWhenACriteriaColumnIsEdited() throws {
        let (book, _) = Self.ledger()
        let n = Self.rows
        book.setValue(.number(202603), sheet: 1, at: CellAddress(row: 0, column: 5))
        try book.setFormula("SUMIFS(Huvudbok!D1:D\(n),Huvudbok!A1:A\(n),\"KS2\",Huvudbok!C1:C\(n),\"<=\"&F1)", at: "Rapport!A1")
        try book.setFormula("COUNTIFS(Huvudbok!A1:A\(n),\"KS2\",Huvudbok!C1:C\(n),\"<=\"&F1)", at: "Rapport!B1")
        book.recalculate()
        #expect(book.keptGroupedIndexes.count == 1)
        let before = book.value(at: "Rapport!B1")
        try book.setValue(.number(202612), at: "Rapport!F1")
        book.recalculate()
        #expect(book.keptGroupedIndexes.count == 1)
        // A row moved into KS2 with an early period: the index is rebuilt and counts it.
        try book.setValue(.number(202601), at: "Huvudbok!C2")
        try book.setValue(.text("KS2"), at: "Huvudbok!A2")
        try book.setValue(.number(202601), at: "Rapport!F1")
        book.recalculate()
        guard case .number(let early) = book.value(at: "Rapport!B1"), case .number(let all) = before else { Issue.record("not numbers"); return }
        #expect(early >= 1 && early < all)
    }

    @Test func anEditedAmountRecomputesOnlyTheSumsThatIncludeIt() throws {
        let (book, rows) = Self.ledger()
        let n = Self.rows
        let centres = ["KS1", "KS2", "Nära", "KS3"]
        for (i, centre) in centres.enumerated() {
            try book.setFormula("SUMIFS(Huvudbok!D1:D\(n),Huvudbok!A1:A\(n),\"\(centre)\",Huvudbok!C1:C\(n),\"<=\"&202606)/1000", at: "Rapport!A\(i + 1)")
        }
        try book.setFormula("SUM(A1:A4)", at: "Rapport!B1")
        // Refers to the amounts twice: always recomputed.
        try book.setFormula("SUMIFS(Huvudbok!D1:D\(n),Huvudbok!A1:A\(n),\"KS3\")+SUM(Huvudbok!D1:D\(n))", at: "Rapport!C1")
        // The amounts are also tested by a criterion: always recomputed.
        try book.setFormula("SUMIFS(Huvudbok!D1:D\(n),Huvudbok!D1:D\(n),\">0\",Huvudbok!A1:A\(n),\"KS2\")", at: "Rapport!D1")
        book.recalculate()
        // A KS2 row of an early period with a number amount.
        func isNumber(_ v: CellValue) -> Bool { if case .number = v { true } else { false } }
        let target = try #require(rows.indices.first { rows[$0][0] == .text("KS2") && rows[$0][2] == .number(202601) && isNumber(rows[$0][3]) })
        let before = book.value(at: "Rapport!A2")
        try book.setValue(.number(1_000_000), at: "Huvudbok!D\(target + 1)")
        let report = book.recalculate()
        // KS2's sum, the total over the four, and the two that read the amounts otherwise.
        #expect(report.evaluations == 4)
        guard case .number(let old) = before, case .number(let new) = book.value(at: "Rapport!A2"),
              case .number(let x) = rows[target][3] else { Issue.record("not numbers"); return }
        #expect(abs(new - (old + (1_000_000 - x) / 1000)) < 1e-6)
        // A row no sum includes (period 202607 or later) recomputes only what must be.
        let late = try #require(rows.indices.first { if case .number(let p) = rows[$0][2], p > 202606, rows[$0][0] == .text("KS1") { true } else { false } })
        try book.setValue(.number(5), at: "Huvudbok!D\(late + 1)")
        #expect(book.recalculate().evaluations == 2)
        // Changing a criteria column recomputes every sum over it.
        try book.setValue(.text("KS1"), at: "Huvudbok!A\(target + 1)")
        #expect(book.recalculate().evaluations == 7)
        guard case .number(let moved) = book.value(at: "Rapport!A2") else { Issue.record("not a number"); return }
        #expect(abs(moved - (old - x / 1000)) < 1e-6)  // the row left KS2
    }
}
