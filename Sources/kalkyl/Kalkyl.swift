import ArgumentParser

@main
struct KalkylCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kalkyl",
        abstract: "Spreadsheet calculation engine and report generator for .xlsx workbooks.",
        subcommands: [InspectCommand.self, CellsCommand.self, EvalCommand.self, RecalcCommand.self, ReportCommand.self])
}
