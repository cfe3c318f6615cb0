import ArgumentParser
import Foundation
import Kalkyl

/// Calculation workloads built in memory (no file reading), each phase timed on its own.
struct EngineBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "engine",
        abstract: "Recalculation: SUMIFS report over a ledger, edits, month change, chain, grid, running totals.")
    @Option(help: "Ledger rows.") var rows = 100_000
    @Option(help: "SUMIFS in the report (cost centres × accounts).") var sumifs = 3_000
    @Option(help: "Measured runs per phase (median reported).") var runs = 5
    @Option(help: "Rows of the running-totals workload (quadratic until SUM over growing ranges is incremental).")
    var runningTotalRows = 10_000
    @Flag(help: "Only the ledger report workloads (for profiling).") var ledgerOnly = false

    func run() throws {
        func line(_ text: String) { FileHandle.standardOutput.write(Data((text + "\n").utf8)) }
        line("Engine workloads, \(ProcessInfo.processInfo.activeProcessorCount) cores, median of \(runs)")
        line("workload | time | evaluations | rate")
        func add(_ name: String, _ m: Measurement, evaluations: Int) {
            let rate = evaluations > 0 ? String(format: "%.2f M/s", Double(evaluations) / m.median / 1e6) : "–"
            line("\(name) | \(formatSeconds(m.median)) | \(evaluations) | \(rate)")
        }

        // 1–3. The budget report: SUMIFS per cost centre × account over the ledger, periods 1..month.
        var book = ledgerReport(rows: rows, centres: centres, accounts: accounts)
        var graph = Duration.zero
        var evaluations = 0
        let first = Measurement.run("build graph + full evaluation", runs: runs, warmup: 0) {
            let r = book.rebuildAndCalculateAll()  // graph rebuilt and every formula evaluated, each run
            graph = r.graphBuildTime
            evaluations = r.evaluations
        }
        // A benchmark of SUMIFS that all failed (a range beyond the sheet) would measure nothing.
        guard case .number = book.value(sheet: 1, at: CellAddress(row: 2, column: 2)) else {
            throw ValidationError("the report's first SUMIFS gives \(book.value(sheet: 1, at: CellAddress(row: 2, column: 2))), not a number")
        }
        add("ledger \(rows) rows, \(centres * accounts) SUMIFS: graph + full evaluation", first, evaluations: evaluations)
        line("  of which graph build | \(formatSeconds(Double(graph.components.seconds) + Double(graph.components.attoseconds) / 1e18)) | |")
        let again = Measurement.run("full evaluation, graph kept", runs: runs) { evaluations = book.calculateAll().evaluations }
        add("full evaluation again (Ctrl+Alt+F9: graph kept, indexes rebuilt)", again, evaluations: evaluations)
        var month = 5
        let monthChange = Measurement.run("change the report month", runs: runs) {
            month = month == 5 ? 6 : 5
            try? book.setValue(.number(Double(month)), at: "Rapport!B1")
            evaluations = book.recalculate().evaluations
        }
        add("change the report month, recalc", monthChange, evaluations: evaluations)
        var amount = 1.0
        // An amount the report includes (its period is within the months reported).
        let editedRow = (2...rows + 1).first { r in
            if case .number(let p) = book.value(sheet: 0, at: CellAddress(row: r - 1, column: 1)) { return p <= 5 }
            return false
        } ?? 2
        let edit = Measurement.run("edit one ledger amount", runs: runs) {
            amount += 1
            try? book.setValue(.number(amount), at: "Huvudbok!F\(editedRow)")
            evaluations = book.recalculate().evaluations
        }
        add("edit one ledger amount, recalc", edit, evaluations: evaluations)

        // Append a month of ledger rows below the ledger, inside the report's ranges (which reach
        // `appendRows` further): each run first clears them again, untimed.
        let appended = appendedMonth(count: appendRows)
        var appendTimes: [Double] = []
        for _ in 0..<runs {
            for r in 0..<appendRows {
                for c in 0..<7 { book.setValue(.empty, sheet: 0, at: CellAddress(row: rows + 1 + r, column: c)) }
            }
            book.recalculate()
            let clock = ContinuousClock()
            let start = clock.now
            for (r, values) in appended.enumerated() {
                for (c, v) in values.enumerated() { book.setValue(v, sheet: 0, at: CellAddress(row: rows + 1 + r, column: c)) }
            }
            evaluations = book.recalculate().evaluations
            let d = (clock.now - start).components
            appendTimes.append(Double(d.seconds) + Double(d.attoseconds) / 1e18)
        }
        add("append a month (\(appendRows) ledger rows), recalc", Measurement(name: "append a month", seconds: appendTimes), evaluations: evaluations)
        book = Workbook()
        if ledgerOnly { return }

        // 4. A 100,000-cell chain and a 200,000-cell arithmetic grid.
        let chain = Workbook()
        let s = chain.addSheet(named: "Kedja")
        chain.setValue(.number(1), sheet: s, at: CellAddress(row: 0, column: 0))
        for r in 1..<100_000 { chain.setFormula("=A\(r)+1", sheet: s, at: CellAddress(row: r, column: 0)) }
        let chainFull = Measurement.run("chain full", runs: runs, warmup: 0) { evaluations = chain.rebuildAndCalculateAll().evaluations }
        add("100,000-cell chain: graph + full evaluation", chainFull, evaluations: evaluations)
        let chainAgain = Measurement.run("chain full again", runs: runs) { evaluations = chain.calculateAll().evaluations }
        add("100,000-cell chain: full evaluation, graph kept", chainAgain, evaluations: evaluations)
        var head = 1.0
        let chainEdit = Measurement.run("chain edit head", runs: runs) {
            head += 1
            chain.setValue(.number(head), sheet: s, at: CellAddress(row: 0, column: 0))
            evaluations = chain.recalculate().evaluations
        }
        add("100,000-cell chain: edit the head, recalc", chainEdit, evaluations: evaluations)

        let grid = Workbook()
        let g = grid.addSheet(named: "Rutnät")
        for r in 0..<1000 { grid.setValue(.number(Double(r)), sheet: g, at: CellAddress(row: r, column: 0)) }
        for c in 1...200 {
            for r in 0..<1000 {
                let left = A1.columnName(c - 1)
                grid.setFormula("=\(left)\(r + 1)*1.01+1", sheet: g, at: CellAddress(row: r, column: c))
            }
        }
        let gridFull = Measurement.run("grid full", runs: runs, warmup: 0) { evaluations = grid.rebuildAndCalculateAll().evaluations }
        add("200,000-formula arithmetic grid: graph + full evaluation", gridFull, evaluations: evaluations)
        let gridAgain = Measurement.run("grid full again", runs: runs) { evaluations = grid.calculateAll().evaluations }
        add("200,000-formula arithmetic grid: full evaluation, graph kept", gridAgain, evaluations: evaluations)
        var corner = 0.0
        let gridEdit = Measurement.run("grid edit", runs: runs) {
            corner += 1
            grid.setValue(.number(corner), sheet: g, at: CellAddress(row: 500, column: 0))
            evaluations = grid.recalculate().evaluations
        }
        add("200,000-formula grid: edit one input, recalc", gridEdit, evaluations: evaluations)

        // 5. Running totals, the year-to-date pattern.
        let totals = Workbook()
        let t = totals.addSheet(named: "Ack")
        for r in 0..<runningTotalRows {
            totals.setValue(.number(Double(r % 97)), sheet: t, at: CellAddress(row: r, column: 1))
            totals.setFormula("=SUM($B$1:B\(r + 1))", sheet: t, at: CellAddress(row: r, column: 2))
        }
        var totalsGraph = Duration.zero
        let running = Measurement.run("running totals", runs: max(1, runs / 2), warmup: 0) {
            let r = totals.rebuildAndCalculateAll()
            evaluations = r.evaluations
            totalsGraph = r.graphBuildTime
        }
        add("running totals =SUM($B$1:Bn), \(runningTotalRows) rows", running, evaluations: evaluations)
        line("  of which graph build | \(formatSeconds(Double(totalsGraph.components.seconds) + Double(totalsGraph.components.attoseconds) / 1e18)) | |")
        let totalsAgain = Measurement.run("running totals again", runs: runs) { evaluations = totals.calculateAll().evaluations }
        add("running totals: full evaluation, graph kept", totalsAgain, evaluations: evaluations)
        print("peak resident memory: \(peakResidentBytes() / 1_048_576) MiB")
    }

    /// A month of ledger rows: period 5, the cost centres and accounts of the ledger.
    private func appendedMonth(count: Int) -> [[CellValue]] {
        var rng = SplitMix64(seed: 11)
        return (0..<count).map { _ in
            let centre = Int(rng.next() % UInt64(centres)), account = Int(rng.next() % UInt64(accounts))
            return [.number(2026), .number(5), .text("Division \(centre / 10)"), .text("KS\(1000 + centre)"),
                    .number(Double(4000 + account * 10)), .number(Double(Int64(rng.next() % 200_000) - 100_000) / 100), .number(0)]
        }
    }

    /// The report: a SUMIFS per cost centre × account.
    private var centres: Int { 100 }
    private var accounts: Int { max(1, sumifs / 100) }

    /// A month of rows, as many as fit below the ledger on the sheet (1,048,576 rows).
    private var appendRows: Int { max(1, min(rows / 12, 1_048_576 - rows - 1)) }

    /// Ledger: År, Period, Division, Kostnadsställe, Konto, Utfall, Budget; report: one SUMIFS per
    /// cost centre × account with the month in Rapport!B1.
    private func ledgerReport(rows: Int, centres: Int, accounts: Int) -> Workbook {
        let book = Workbook()
        let ledger = book.addSheet(named: "Huvudbok")
        let report = book.addSheet(named: "Rapport")
        var rng = SplitMix64(seed: 7)
        for r in 1...rows {
            let centre = Int(rng.next() % UInt64(centres)), account = Int(rng.next() % UInt64(accounts))
            let values: [CellValue] = [.number(2026), .number(Double(rng.next() % 12 + 1)), .text("Division \(centre / 10)"),
                                       .text("KS\(1000 + centre)"), .number(Double(4000 + account * 10)),
                                       .number(Double(Int64(rng.next() % 200_000) - 100_000) / 100), .number(0)]
            for (c, v) in values.enumerated() { book.loadValue(v, sheet: ledger, at: CellAddress(row: r, column: c)) }
        }
        book.loadValue(.number(5), sheet: report, at: CellAddress(row: 0, column: 1))
        let n = rows + 1 + appendRows  // room for the appended month
        for c in 0..<centres {
            for a in 0..<accounts {
                let row = 2 + c * accounts + a
                book.loadValue(.text("KS\(1000 + c)"), sheet: report, at: CellAddress(row: row, column: 0))
                book.loadValue(.number(Double(4000 + a * 10)), sheet: report, at: CellAddress(row: row, column: 1))
                book.setFormula(
                    "=SUMIFS(Huvudbok!$F$2:$F$\(n),Huvudbok!$D$2:$D$\(n),$A\(row + 1),Huvudbok!$E$2:$E$\(n),$B\(row + 1),Huvudbok!$B$2:$B$\(n),\"<=\"&$B$1)",
                    sheet: report, at: CellAddress(row: row, column: 2))
            }
        }
        return book
    }
}
