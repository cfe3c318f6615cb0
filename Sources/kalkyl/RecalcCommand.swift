import ArgumentParser
import Foundation
import Kalkyl
import KalkylXLSX

struct RecalcCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recalc",
        abstract: "Recalculate every formula of a workbook and write it with the results cached.",
        discussion: """
            Examples:
              kalkyl recalc budget.xlsx -o budget-calculated.xlsx
              kalkyl recalc budget.xlsx -o maj.xlsx --set "'Parametrar'!B2=5" --set "Rapport!B1=Maj"
              kalkyl recalc budget.xlsx -o rapport.xlsx --sheets Rapport,Sammanfattning --strict
            --set values are read as a number (1234.5), TRUE/FALSE, or text ("5" in double quotes stays text).
            """)

    @Argument(help: "The .xlsx workbook to read (never modified unless --in-place).") var input: String
    @Option(name: .shortAndLong, help: "The .xlsx file to write.") var output: String?
    @Option(help: "Only these sheets, comma-separated (formulas that refer to others are written as values).")
    var sheets: String?
    @Option(name: .customLong("set"), help: "Set an input before recalculating: Sheet!A1=value (repeatable).")
    var assignments: [String] = []
    @Flag(help: "Fail on an unknown function (#NAME?), a formula that does not parse, or a circular reference.")
    var strict = false
    @Flag(help: "Write the result over the input file.") var inPlace = false
    @Flag(help: "Ask Excel to recalculate everything when it opens the file.") var recalculateOnOpen = false
    @Flag(help: "No progress on stderr.") var quiet = false

    func validate() throws {
        if output == nil && !inPlace { throw ValidationError("give the output file with -o OUT.xlsx (or --in-place)") }
        if output != nil && inPlace { throw ValidationError("give either -o or --in-place, not both") }
    }

    func run() throws {
        let target = output ?? input
        if !inPlace && Self.sameFile(input, target) {
            throw CommandFailure("\(target): is the input file; refusing to overwrite it (use --in-place)")
        }
        let stderr = FileHandle.standardError
        func note(_ s: String) { if !quiet { stderr.write(Data((s + "\n").utf8)) } }
        let clock = ContinuousClock()
        let start = clock.now

        var model = try loadWorkbook(input)
        let cellCount = model.sheets.reduce(0) { $0 + $1.cells.count }
        let large = cellCount > 200_000
        if large { note("\(input): read \(cellCount) cells in \(Self.seconds(clock.now - start))") }

        let loadStart = clock.now
        let book = Workbook(model)
        if large { note("\(input): loaded into the engine in \(Self.seconds(clock.now - loadStart))") }
        for assignment in assignments {
            let (sheet, cell, value) = try parseAssignment(assignment, model: model)
            book.setValue(value, sheet: sheet, at: cell)
            model.setInput(value, sheet: sheet, at: cell)
        }
        let report = book.recalculate()
        if large { note("\(input): recalculated \(report.evaluations) formulas in \(Self.seconds(report.evaluationTime + report.graphBuildTime))") }
        for d in book.diagnostics { stderr.write(Data("\(input): \(d)\n".utf8)) }
        if strict && !book.diagnostics.isEmpty {
            throw CommandFailure("\(input): \(book.diagnostics.count) problem(s) found (--strict); nothing written")
        }

        var options = XLSXWriter.Options()
        options.sheets = sheets.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
        options.recalculateOnOpen = recalculateOnOpen
        if large && !quiet {
            var lastNote = ""
            options.progress = { p in
                let line = "\(target): writing '\(p.sheet)' row \(p.rowsWritten) of \(p.rowCount)"
                if p.rowsWritten % 50_000 < 10_000 || p.rowsWritten == p.rowCount, line != lastNote {
                    lastNote = line
                    note(line)
                }
            }
        }
        let written: WriteReport
        let writeStart = clock.now
        do {
            written = try XLSXWriter(options: options).write(model, calculated: book, to: URL(fileURLWithPath: target))
        } catch let e as XLSXWriteError {
            throw CommandFailure("\(target): \(e.message)")
        }
        if large { note("\(target): written in \(Self.seconds(clock.now - writeStart))") }
        for w in written.warnings { stderr.write(Data("warning: \(target): \(w)\n".utf8)) }
        print("\(target): \(written.sheets) sheet(s), \(written.cells) cells, \(written.formulas) formulas with cached results"
              + " (\(Self.seconds(clock.now - start)))")
    }

    /// `'Sheet name'!B2=5` → the cell and its value.
    private func parseAssignment(_ text: String, model: WorkbookModel) throws -> (Int, CellAddress, CellValue) {
        let searchFrom = text.lastIndex(of: "!") ?? text.startIndex
        guard let equals = text[searchFrom...].firstIndex(of: "=") else {
            throw CommandFailure("\(input): --set '\(text)': expected Sheet!A1=value")
        }
        let referenceText = String(text[..<equals]).trimmingCharacters(in: .whitespaces)
        let valueText = String(text[text.index(after: equals)...])
        guard let reference = SheetRangeReference(parsing: referenceText), reference.range.first == reference.range.last else {
            throw CommandFailure("\(input): --set '\(text)': '\(referenceText)' is not a cell (e.g. 'Parametrar'!B2)")
        }
        let sheet: Int
        if let name = reference.sheet {
            guard let s = model.sheetIndex(named: name) else {
                throw CommandFailure("\(input): --set '\(text)': no sheet named '\(name)' (sheets: \(model.sheets.map(\.name).joined(separator: ", ")))")
            }
            sheet = s
        } else {
            guard !model.sheets.isEmpty else { throw CommandFailure("\(input): the workbook has no sheets") }
            sheet = 0
        }
        return (sheet, reference.range.first, Self.value(valueText))
    }

    static func value(_ text: String) -> CellValue {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.count >= 2, trimmed.hasPrefix("\""), trimmed.hasSuffix("\"") {
            return .text(String(trimmed.dropFirst().dropLast()))
        }
        if trimmed.isEmpty { return .empty }
        switch trimmed.uppercased() {
        case "TRUE": return .boolean(true)
        case "FALSE": return .boolean(false)
        default: break
        }
        if let number = Double(trimmed), number.isFinite { return .number(number) }
        return .text(text)
    }

    static func sameFile(_ a: String, _ b: String) -> Bool {
        let ua = URL(fileURLWithPath: a).standardizedFileURL.resolvingSymlinksInPath()
        let ub = URL(fileURLWithPath: b).standardizedFileURL.resolvingSymlinksInPath()
        if ua.path == ub.path { return true }
        let fm = FileManager.default
        guard let ia = try? fm.attributesOfItem(atPath: ua.path), let ib = try? fm.attributesOfItem(atPath: ub.path) else { return false }
        return (ia[.systemFileNumber] as? NSNumber) == (ib[.systemFileNumber] as? NSNumber)
            && (ia[.systemNumber] as? NSNumber) == (ib[.systemNumber] as? NSNumber)
    }

    static func seconds(_ d: Duration) -> String {
        let s = Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
        return String(format: "%.2f s", s)
    }
}
