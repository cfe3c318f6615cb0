import ArgumentParser
import Foundation
import Kalkyl
import KalkylXLSX

/// Benchmarks for Kalkyl, one subcommand a workload. Each prints medians of several runs.
@main
struct KalkylBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kalkyl-bench",
        abstract: "Measure Kalkyl's phases on generated workloads.",
        subcommands: [ReadBenchmark.self, EngineBenchmark.self, WriteBenchmark.self, GenerateLedger.self,
                      PeerWorkloadsCommand.self, PeerPhasesCommand.self])
}

struct GenerateLedger: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "generate-ledger", abstract: "Write the synthetic ledger workbook.")
    @Option(help: "Ledger rows.") var rows = 100_000
    @Option(name: .shortAndLong, help: "Output .xlsx.") var output: String

    func run() throws {
        try LedgerWorkbook(rows: rows).write(to: URL(fileURLWithPath: output))
        print("wrote \(output) (\(rows) rows × 8 columns)")
    }
}

struct ReadBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "read",
        abstract: "Reading a ledger workbook: inflate, expat alone (the floor), Kalkyl's reader, the load into the engine.")
    @Option(help: "Ledger rows.") var rows = 100_000
    @Option(help: "Measured runs per phase (median reported).") var runs = 5
    @Option(help: "Read this workbook instead of a generated ledger.") var file: String?
    @Option(help: "Time only this phase, for a profiler: reader, reader-1, load.") var only: String?

    func run() throws {
        let url: URL
        if let file {
            url = URL(fileURLWithPath: file)
        } else {
            url = FileManager.default.temporaryDirectory.appendingPathComponent("kalkyl-bench-ledger-\(rows).xlsx")
            try LedgerWorkbook(rows: rows).write(to: url)
        }
        var sequentialReader = XLSXReader()
        sequentialReader.parallel = false
        if let only {
            let body: () throws -> Void = switch only {
            case "reader": { _ = try XLSXReader().read(url) }
            case "reader-1": { _ = try sequentialReader.read(url) }
            case "load": { _ = Workbook(try XLSXReader().read(url)) }
            default: throw ValidationError("--only takes reader, reader-1 or load")
            }
            let m = try Measurement.run(only, runs: runs, body)
            print("\(only): \(formatSeconds(m.median)) (median of \(runs))")
            return
        }
        // Memory first, before the timed runs have churned the heap.
        let memory = try loadedMemory(url)
        var cells = 0
        let inflate = try Measurement.run("inflate all parts", runs: runs) { _ = try ExpatFloor.inflateOnly(url) }
        let floor = try Measurement.run("inflate + expat, no handlers (floor)", runs: runs) { _ = try ExpatFloor.inflateAndParse(url) }
        let sequential = try Measurement.run("Kalkyl reader, one thread", runs: runs) {
            cells = try sequentialReader.read(url).sheets.reduce(0) { $0 + $1.cells.count }
        }
        let memoryBefore = peakResidentBytes()
        let parallel = try Measurement.run("Kalkyl reader, parallel (parts, a large sheet in chunks)", runs: runs) {
            _ = try XLSXReader().read(url)
        }
        let load = try Measurement.run("load into the engine (read + Workbook)", runs: runs) {
            _ = Workbook(try XLSXReader().read(url))
        }
        let rows = [inflate, floor, sequential, parallel, load].map { m in
            [m.name, formatSeconds(m.median), String(format: "%.2f M", Double(cells) / m.median / 1e6),
             String(format: "%.2f×", m.median / floor.median)]
        }
        print("Reading \(url.lastPathComponent): \(cells) cells, \(ProcessInfo.processInfo.activeProcessorCount) cores, median of \(runs)")
        print(table(["phase", "time", "cells/s", "vs floor"], rows))
        print("peak resident memory: \(peakResidentBytes() / 1_048_576) MiB (before the parallel reads: \(memoryBefore / 1_048_576) MiB)")
        print(memory)
    }

    /// What the engine keeps of a loaded workbook (the file's model released): the exact bytes of
    /// its value storage per value, and the resident memory it adds per cell (strings included).
    /// A first load (dropped) brings in the code and the threads, so the second one counts data only.
    private func loadedMemory(_ url: URL) throws -> String {
        _ = Workbook(try XLSXReader().read(url))
        releaseFreeMemory()
        let baseline = currentResidentBytes()
        let book = Workbook(try XLSXReader().read(url))
        releaseFreeMemory()
        let resident = currentResidentBytes() - baseline
        let storage = book.valueStorage
        defer { withExtendedLifetime(book) {} }
        return String(format: "loaded workbook: %d values; value storage %.1f B per value (CellValue stride %d B); "
                      + "resident memory +%d MiB, %.1f B per value with the text of strings",
                      storage.values, Double(storage.bytes) / Double(max(1, storage.values)), MemoryLayout<CellValue>.stride,
                      resident / 1_048_576, Double(resident) / Double(max(1, storage.values)))
    }
}
