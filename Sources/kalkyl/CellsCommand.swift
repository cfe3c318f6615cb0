import ArgumentParser
import Kalkyl
import KalkylXLSX

struct CellsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cells",
        abstract: "Print the cells of a range with their cached values and formulas.",
        discussion: "Example: kalkyl cells budget.xlsx \"'Nära vård'!A1:D20\"")

    @Argument(help: "The .xlsx workbook.") var file: String
    @Argument(help: "A cell or range, with or without a sheet: 'Sheet name'!A1:D20, Blad1!B5, A:A.") var range: String
    @Flag(help: "Print JSON for scripts.") var json = false

    func run() throws {
        guard let reference = SheetRangeReference(parsing: range) else {
            throw ValidationError("'\(range)' is not a cell or range (e.g. 'Sheet name'!A1:D20)")
        }
        let model = try loadWorkbook(file)
        do {
            let listing = try CellListing(model: model, reference: reference)
            print(json ? try jsonText(listing) : listing.text, terminator: json ? "\n" : "")
        } catch {
            throw CommandFailure("\(file): \(error)")
        }
    }
}
