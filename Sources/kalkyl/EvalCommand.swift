import ArgumentParser
import Foundation
import Kalkyl
import KalkylXLSX

struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Load a workbook, recalculate every formula, and print computed values.",
        discussion: """
            Examples:
              kalkyl eval budget.xlsx "Rapport!B5"
              kalkyl eval budget.xlsx "'Nära vård'!A1:F30"
              kalkyl eval --all --json budget.xlsx
            Values that differ from what the file had cached are marked.
            """)

    @Argument(help: "The .xlsx workbook.") var file: String
    @Argument(help: "A cell or range (Sheet!A1:D20); omit with --all.") var range: String?
    @Flag(help: "Print every formula cell of the workbook.") var all = false
    @Flag(help: "Print JSON for scripts.") var json = false

    func validate() throws {
        if range == nil && !all { throw ValidationError("give a cell or range, or --all") }
    }

    func run() throws {
        let reference: SheetRangeReference?
        if let range, !all {
            guard let r = SheetRangeReference(parsing: range) else {
                throw ValidationError("'\(range)' is not a cell or range (e.g. 'Sheet name'!A1:D20)")
            }
            reference = r
        } else {
            reference = nil
        }
        let model = try loadWorkbook(file)
        let book = Workbook(model)
        let report = book.recalculate()
        for d in book.diagnostics { FileHandle.standardError.write(Data("\(file): \(d)\n".utf8)) }
        do {
            let listing = try EvaluationListing(model: model, workbook: book, reference: reference, evaluations: report.evaluations)
            print(json ? try jsonText(listing) : listing.text, terminator: json ? "\n" : "")
        } catch {
            throw CommandFailure("\(file): \(error)")
        }
    }
}
