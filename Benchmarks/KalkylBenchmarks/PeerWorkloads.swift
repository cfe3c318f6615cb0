import ArgumentParser
import Foundation
import Kalkyl
import KalkylXLSX

/// The workloads of the side-by-side comparison (`bench/peers.sh`), written as .xlsx files so that
/// every engine reads the same input: the ledger with a small and a large SUMIFS report, the
/// arithmetic grid, the chain and the running totals. Each file's formulas carry cached values
/// (computed by Kalkyl and written with its writer, as `kalkyl recalc` does); an `-uncached` copy
/// without them is the input of the end-to-end comparison, so an engine that skipped recalculating
/// would show wrong totals. `workloads.json` tells the drivers which cells to edit and which to check.
struct PeerWorkloadsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workloads",
        abstract: "Write the side-by-side workloads (.xlsx) and their manifest (workloads.json) into a folder.")
    @Option(name: .shortAndLong, help: "Output folder (created when missing).") var output: String
    @Option(help: "Ledger rows (and chain / running-total length).") var rows = 100_000

    func run() throws {
        let folder = URL(fileURLWithPath: output)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var manifest: [PeerWorkload] = []
        let clock = ContinuousClock()
        for build in PeerWorkloadBuilder(rows: rows, folder: folder).all {
            let start = clock.now
            let (model, workload) = try build()
            let book = Workbook(model)
            let report = book.recalculate()
            guard book.diagnostics.isEmpty, report.circularReferences.isEmpty else {
                throw ValidationError("\(workload.name): \(book.diagnostics.map(\.description).joined(separator: "; "))")
            }
            var options = XLSXWriter.Options()
            options.created = Date(timeIntervalSince1970: 1_767_225_600)  // the same bytes every run
            let writer = XLSXWriter(options: options)
            try writer.write(model, calculated: book, to: folder.appendingPathComponent(workload.file))
            try writer.write(model, calculated: nil, to: folder.appendingPathComponent(workload.uncachedFile))
            var described = workload
            described.expectedFullCheck = workload.check.total(in: book)
            manifest.append(described)
            print("wrote \(workload.file) and \(workload.uncachedFile): \(workload.formulas) formulas (\(clock.now - start))")
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(manifest).write(to: folder.appendingPathComponent("workloads.json"))
        print("wrote \(folder.appendingPathComponent("workloads.json").path)")
    }
}

/// One workload as the drivers see it: the file, the cells that are edited, the cells summed to
/// compare engines. Rows and columns are 1-based, as in Excel and the peers' APIs.
struct PeerWorkload: Codable {
    struct Cell: Codable {
        var sheet: String
        var sheetIndex: Int
        var row: Int
        var column: Int
    }
    struct Edit: Codable {
        var name: String
        var cell: Cell
        var value: Double
    }
    /// A rectangle of result cells; engines agree when their sums agree.
    struct Check: Codable {
        var sheet: String
        var sheetIndex: Int
        var firstRow: Int, firstColumn: Int, lastRow: Int, lastColumn: Int

        func total(in book: Workbook) -> Double {
            var sum = 0.0
            for r in firstRow...lastRow {
                for c in firstColumn...lastColumn {
                    if case .number(let x) = book.value(sheet: sheetIndex, at: CellAddress(row: r - 1, column: c - 1)) { sum += x }
                }
            }
            return sum
        }
    }
    var name: String
    var title: String
    /// The ledger rows this set of workloads was made with (`--rows`).
    var rows: Int
    var file: String
    var uncachedFile: String
    var formulas: Int
    var cells: Int
    var edits: [Edit]
    var check: Check
    var expectedFullCheck: Double?
}

/// Builds each workload's model in code (the ledger through the same generator as `kalkyl-bench read`).
struct PeerWorkloadBuilder {
    var rows: Int
    var folder: URL
    static let month = 5
    static let accounts = 48

    var all: [() throws -> (WorkbookModel, PeerWorkload)] {
        [{ try ledger(centres: 6, measures: 1) }, { try ledger(centres: 100, measures: 4) }, grid, chain, runningTotals]
    }

    /// The ledger (100 cost centres, 48 accounts, periods 1–12) with a parameter sheet holding the
    /// report month and a report of SUMIFS per cost centre × account: Ack utfall (periods up to the
    /// month) and, with four measures, Ack budget, Utfall and Budget of the month itself.
    func ledger(centres: Int, measures: Int) throws -> (WorkbookModel, PeerWorkload) {
        let source = folder.appendingPathComponent(".ledger-source-\(rows).xlsx")
        let generator = LedgerWorkbook(rows: rows, costCentres: 100, accounts: Self.accounts)
        try generator.write(to: source)
        defer { try? FileManager.default.removeItem(at: source) }
        var model = try XLSXReader().read(source)
        let ledger = model.sheets[0]

        var parameters = WorksheetModel(name: "Parametrar")
        parameters.setValue(.text("Rapportmånad"), at: CellAddress(row: 0, column: 0))
        parameters.setValue(.number(Double(Self.month)), at: CellAddress(row: 0, column: 1))
        let parameterSheet = model.addSheet(parameters)

        var report = WorksheetModel(name: "Rapport")
        let headers = ["Kostnadsställe", "Konto", "Ack utfall", "Ack budget", "Utfall månad", "Budget månad"]
        for (c, h) in headers.prefix(2 + measures).enumerated() { report.setValue(.text(h), at: CellAddress(row: 1, column: c)) }
        let last = rows + 1
        func column(_ letter: String) -> String { "Huvudbok!$\(letter)$2:$\(letter)$\(last)" }
        // (amount column, period criterion) for each measure.
        let measureColumns: [(String, String)] = [("G", "\"<=\"&Parametrar!$B$1"), ("H", "\"<=\"&Parametrar!$B$1"),
                                                  ("G", "Parametrar!$B$1"), ("H", "Parametrar!$B$1")]
        var formulas = 0
        for centre in 0..<centres {
            for account in 0..<Self.accounts {
                let r = 2 + centre * Self.accounts + account
                report.setValue(.text("KS\(1000 + centre) Vårdenhet \(centre + 1)"), at: CellAddress(row: r, column: 0))
                report.setValue(.number(Double(4000 + account * 10)), at: CellAddress(row: r, column: 1))
                for (m, (amount, period)) in measureColumns.prefix(measures).enumerated() {
                    report.setFormula(
                        "SUMIFS(\(column(amount)),\(column("D")),$A\(r + 1),\(column("E")),$B\(r + 1),\(column("B")),\(period))",
                        at: CellAddress(row: r, column: 2 + m))
                    formulas += 1
                }
            }
        }
        let reportSheet = model.addSheet(report)

        // The edited amount: the first ledger row of a cost centre in the report, in a period up to
        // the month, so that the report's total changes.
        var editRow = 2
        for r in 1...rows {
            guard case .text(let centre) = ledger.cells.value(at: CellAddress(row: r, column: 3)),
                  case .number(let period) = ledger.cells.value(at: CellAddress(row: r, column: 1)) else { continue }
            let index = Int(centre.dropFirst(2).prefix(4)).map { $0 - 1000 } ?? Int.max
            if index < centres, Int(period) <= Self.month { editRow = r + 1; break }
        }
        guard case .number(let oldAmount) = ledger.cells.value(at: CellAddress(row: editRow - 1, column: 6)) else {
            throw ValidationError("ledger row \(editRow) has no amount")
        }
        let name = "ledger-\(formulas)"
        let workload = PeerWorkload(
            name: name,
            title: "ledger \(rows.formatted(.number.grouping(.automatic))) rows + \(formulas.formatted(.number.grouping(.automatic))) SUMIFS",
            rows: rows, file: name + ".xlsx", uncachedFile: name + "-uncached.xlsx",
            formulas: formulas, cells: model.sheets.reduce(0) { $0 + $1.cells.count },
            edits: [
                .init(name: "edit one amount", cell: .init(sheet: "Huvudbok", sheetIndex: 0, row: editRow, column: 7), value: oldAmount + 1000),
                .init(name: "change the month", cell: .init(sheet: "Parametrar", sheetIndex: parameterSheet, row: 1, column: 2),
                      value: Double(Self.month + 1)),
            ],
            check: .init(sheet: "Rapport", sheetIndex: reportSheet, firstRow: 3, firstColumn: 3,
                         lastRow: 2 + centres * Self.accounts, lastColumn: 2 + measures))
        return (model, workload)
    }

    /// 1,000 rows × (1 input + 200 formulas), each formula `=left*1.01+1`.
    func grid() throws -> (WorkbookModel, PeerWorkload) {
        var model = WorkbookModel()
        var sheet = WorksheetModel(name: "Rutnät")
        let height = 1000, width = 200
        for r in 0..<height {
            sheet.setValue(.number(Double(r)), at: CellAddress(row: r, column: 0))
            for c in 1...width {
                sheet.setFormula("\(A1.columnName(c - 1))\(r + 1)*1.01+1", at: CellAddress(row: r, column: c))
            }
        }
        model.addSheet(sheet)
        let formulas = height * width
        let workload = PeerWorkload(
            name: "grid", title: "200,000-formula arithmetic grid", rows: rows, file: "grid.xlsx", uncachedFile: "grid-uncached.xlsx",
            formulas: formulas, cells: height * (width + 1),
            edits: [.init(name: "edit one input", cell: .init(sheet: "Rutnät", sheetIndex: 0, row: 501, column: 1), value: 1000)],
            check: .init(sheet: "Rutnät", sheetIndex: 0, firstRow: 1, firstColumn: width + 1, lastRow: height, lastColumn: width + 1))
        return (model, workload)
    }

    /// A1 = 1, each cell below it `=A(n-1)+1`.
    func chain() throws -> (WorkbookModel, PeerWorkload) {
        var model = WorkbookModel()
        var sheet = WorksheetModel(name: "Kedja")
        sheet.setValue(.number(1), at: CellAddress(row: 0, column: 0))
        for r in 1..<rows { sheet.setFormula("A\(r)+1", at: CellAddress(row: r, column: 0)) }
        model.addSheet(sheet)
        let workload = PeerWorkload(
            name: "chain", title: "\(rows.formatted(.number.grouping(.automatic)))-cell dependency chain",
            rows: rows, file: "chain.xlsx", uncachedFile: "chain-uncached.xlsx", formulas: rows - 1, cells: rows,
            edits: [.init(name: "edit the head", cell: .init(sheet: "Kedja", sheetIndex: 0, row: 1, column: 1), value: 2)],
            check: .init(sheet: "Kedja", sheetIndex: 0, firstRow: rows, firstColumn: 1, lastRow: rows, lastColumn: 1))
        return (model, workload)
    }

    /// Amounts in B2:B(n+1), year-to-date totals `=SUM($B$2:Bn)` beside them.
    func runningTotals() throws -> (WorkbookModel, PeerWorkload) {
        var model = WorkbookModel()
        var sheet = WorksheetModel(name: "Ack")
        for (c, h) in ["Rad", "Belopp", "Ackumulerat"].enumerated() { sheet.setValue(.text(h), at: CellAddress(row: 0, column: c)) }
        for r in 1...rows {
            sheet.setValue(.number(Double(r)), at: CellAddress(row: r, column: 0))
            sheet.setValue(.number(Double(r % 97)), at: CellAddress(row: r, column: 1))
            sheet.setFormula("SUM($B$2:B\(r + 1))", at: CellAddress(row: r, column: 2))
        }
        model.addSheet(sheet)
        let middle = rows / 2 + 1
        let workload = PeerWorkload(
            name: "running-totals", title: "running totals =SUM($B$2:B2) over \(rows.formatted(.number.grouping(.automatic))) rows",
            rows: rows, file: "running-totals.xlsx", uncachedFile: "running-totals-uncached.xlsx", formulas: rows, cells: 3 * (rows + 1),
            edits: [.init(name: "edit one amount", cell: .init(sheet: "Ack", sheetIndex: 0, row: middle, column: 2),
                          value: Double((middle - 1) % 97) + 1000)],
            check: .init(sheet: "Ack", sheetIndex: 0, firstRow: 2, firstColumn: 3, lastRow: rows + 1, lastColumn: 3))
        return (model, workload)
    }
}
