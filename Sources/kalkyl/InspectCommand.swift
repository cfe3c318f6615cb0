import ArgumentParser
import Foundation
import KalkylXLSX

struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show a workbook's sheets, defined names, tables and the functions its formulas use.")

    @Argument(help: "The .xlsx workbook.") var file: String
    @Flag(help: "Print JSON for scripts.") var json = false

    func run() throws {
        let model = try loadWorkbook(file)
        let summary = WorkbookSummary(file: file, model: model)
        print(json ? try jsonText(summary) : summary.text, terminator: json ? "\n" : "")
    }
}
