import ArgumentParser
import Foundation
import Kalkyl
import KalkylReports
import KalkylXLSX

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Fill a report template with ledger exports, calculate it and write the finished workbook.",
        discussion: """
            Examples:
              kalkyl report --template Workbooks/templates/intakter-kostnader.xlsx \\
                  --data Workbooks/data/huvudbok-2025.xlsx --data Workbooks/data/huvudbok-2026-jan-maj.csv \\
                  --period 2026-05 -o out/intakter-kostnader-2026-05.xlsx
              kalkyl report --template T.xlsx --data D.csv --period 2026-01..2026-06 -o out/rapport.xlsx
                  (one file per month: out/rapport-2026-01.xlsx …; or put {period} in the name)
            The template contract (data sheet, parameters, note commands, checks) is in docs/templates.md.
            """)

    @Option(help: "The report template (.xlsx).") var template: String
    @Option(name: .customLong("data"), help: "A ledger export, .xlsx or .csv (repeatable; appended in order).")
    var dataFiles: [String] = []
    @Option(help: "The sheet to read in .xlsx data files (default: the first).") var sheet: String?
    @Option(help: "The report month, 2026-05 (or a range 2026-01..2026-06: one report per month).")
    var period: String?
    @Option(name: .customLong("set"), help: "Set a template parameter (a defined name): Name=value (repeatable).")
    var assignments: [String] = []
    @Option(name: .shortAndLong, help: "The .xlsx file to write.") var output: String
    @Flag(help: "Stop on unreadable input rows; fail when a check is off or a formula has an unknown function.")
    var strict = false
    @Flag(help: "No progress lines.") var quiet = false

    func validate() throws {
        if dataFiles.isEmpty { throw ValidationError("give at least one ledger export with --data FILE") }
    }

    func run() throws {
        let clock = ContinuousClock()
        let start = clock.now
        let stderr = FileHandle.standardError
        func note(_ s: String) { if !quiet { stderr.write(Data((s + "\n").utf8)) } }

        var periods: [Period?] = [nil]
        if let period {
            guard let parsed = Period.periods(parsing: period), !parsed.isEmpty else {
                throw CommandFailure("--period '\(period)': expected a month such as 2026-05, or a range 2026-01..2026-06")
            }
            periods = parsed
        }
        let values = try assignments.map(parseAssignment)
        let outputs = try periods.map { try outputPath(for: $0, count: periods.count) }
        for out in outputs {
            if RecalcCommand.sameFile(template, out) { throw CommandFailure("\(out): is the template; refusing to overwrite it") }
            if dataFiles.contains(where: { RecalcCommand.sameFile($0, out) }) {
                throw CommandFailure("\(out): is one of the --data files; refusing to overwrite it")
            }
        }

        // Input
        let ledger: LedgerTable
        do {
            ledger = try LedgerFiles.read(dataFiles.map { URL(fileURLWithPath: $0) }, sheet: sheet) { url, table in
                if table.rows.count >= 20_000 || dataFiles.count > 1 {
                    note("\(url.path): \(table.rows.count) rows" + (table.problems.isEmpty ? "" : ", \(table.problems.count) unreadable"))
                }
            }
        } catch let e as LedgerInputError {
            throw CommandFailure(e.description)
        }
        for problem in ledger.problems.prefix(50) { stderr.write(Data("skipped: \(problem)\n".utf8)) }
        if ledger.problems.count > 50 { stderr.write(Data("skipped: … and \(ledger.problems.count - 50) more\n".utf8)) }
        if strict && !ledger.problems.isEmpty {
            throw CommandFailure("\(ledger.problems.count) input row(s) could not be read (--strict); nothing written")
        }

        // Template, filled and calculated for the first period
        let builder: ReportBuilder
        do { builder = try ReportBuilder(contentsOf: URL(fileURLWithPath: template)) } catch let e as ReportError {
            throw CommandFailure(e.description)
        }
        let report: PreparedReport
        do {
            report = try builder.prepare(data: ledger, parameters: ReportParameters(period: periods[0], values: values))
        } catch let e as ReportError {
            throw CommandFailure(e.description)
        }
        for w in report.warnings { stderr.write(Data("warning: \(template): \(w)\n".utf8)) }
        if ledger.rows.count >= 20_000 { note("\(template): filled with \(ledger.rows.count) rows and calculated in \(RecalcCommand.seconds(clock.now - start))") }

        var failedChecks = 0
        var formulaCount = 0
        for (index, period) in periods.enumerated() {
            let calculation = index == 0 ? report.lastCalculation : try report.set(ReportParameters(period: period, values: values))
            formulaCount += calculation.evaluations
            for d in report.book.diagnostics { stderr.write(Data("\(template): \(d)\n".utf8)) }
            let written: WriteReport
            do {
                written = try report.write(to: URL(fileURLWithPath: outputs[index]))
            } catch let e as XLSXWriteError {
                throw CommandFailure(e.description)
            }
            for w in written.warnings { stderr.write(Data("warning: \(outputs[index]): \(w)\n".utf8)) }
            let outcomes = report.checkOutcomes
            let failed = outcomes.filter { !$0.passed }
            failedChecks += failed.count
            for f in failed {
                stderr.write(Data("check failed: \(outputs[index]): \(f.check.label) (\(f.check.sheet)!\(f.check.cell.a1)): \(f.actual) ≠ \(f.expected)\n".utf8))
            }
            let label = period.map { " \($0)" } ?? ""
            print("\(outputs[index]):\(label) \(written.sheets) sheets, \(calculation.evaluations) formulas computed"
                  + (outcomes.isEmpty ? "" : ", checks \(outcomes.count - failed.count)/\(outcomes.count) OK"))
        }
        let skipped = ledger.problems.isEmpty ? "" : ", \(ledger.problems.count) skipped (unreadable; listed above)"
        print("\(ledger.rows.count) rows read from \(dataFiles.count) file(s)\(skipped); \(periods.count) report(s); "
              + "\(formulaCount) formula evaluations; \(RecalcCommand.seconds(clock.now - start))")
        if strict && failedChecks > 0 { throw CommandFailure("\(failedChecks) check(s) off (--strict); see the Kontroll sheet") }
        if strict && !report.book.diagnostics.isEmpty {
            throw CommandFailure("\(report.book.diagnostics.count) formula problem(s) in the report (--strict; listed above)")
        }
    }

    private func outputPath(for period: Period?, count: Int) throws -> String {
        guard let period else { return output }
        if output.contains("{period}") { return output.replacingOccurrences(of: "{period}", with: period.description) }
        guard count > 1 else { return output }
        let url = URL(fileURLWithPath: output)
        let stem = url.deletingPathExtension().lastPathComponent
        let ext = url.pathExtension.isEmpty ? "xlsx" : url.pathExtension
        return url.deletingLastPathComponent().appendingPathComponent("\(stem)-\(period).\(ext)").path
    }

    private func parseAssignment(_ text: String) throws -> (name: String, value: CellValue) {
        guard let equals = text.firstIndex(of: "=") else { throw CommandFailure("--set '\(text)': expected Name=value") }
        let name = text[..<equals].trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty else { throw CommandFailure("--set '\(text)': no name before '='") }
        return (name, RecalcCommand.value(String(text[text.index(after: equals)...])))
    }
}
