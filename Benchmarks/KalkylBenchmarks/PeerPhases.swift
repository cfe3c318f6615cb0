import ArgumentParser
import Foundation
import Kalkyl
import KalkylXLSX

/// Kalkyl's side of the side-by-side comparison: the same phases as `bench/peers.py` times for the
/// Python engines, on a workload file from `kalkyl-bench workloads`, one JSON object a line:
/// load (read the .xlsx and load it into the engine), full recalculation, then each of the
/// workload's edits followed by a recalculation. Every run starts from a fresh load.
struct PeerPhasesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "phases",
        abstract: "Time load, full recalc and each edit + recalc of one workload from workloads.json (JSON lines).")
    @Option(help: "The manifest written by `kalkyl-bench workloads`.") var manifest: String
    @Option(help: "The workload's name in the manifest.") var workload: String
    @Option(help: "Runs (each from a fresh load).") var runs = 3

    func run() throws {
        let manifestURL = URL(fileURLWithPath: manifest)
        let workloads = try JSONDecoder().decode([PeerWorkload].self, from: Data(contentsOf: manifestURL))
        guard let w = workloads.first(where: { $0.name == workload }) else {
            throw ValidationError("no workload '\(workload)' in \(manifest) (there are: \(workloads.map(\.name).joined(separator: ", ")))")
        }
        let file = manifestURL.deletingLastPathComponent().appendingPathComponent(w.file)
        func line(_ object: [String: Any]) {
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
            FileHandle.standardOutput.write(data + Data("\n".utf8))
        }
        func emit(_ phase: String, run: Int, seconds: Double, check: Double? = nil, evaluations: Int? = nil, extra: [String: Any] = [:]) {
            var object: [String: Any] = ["engine": "kalkyl", "phase": phase, "run": run, "seconds": seconds]
            if let check { object["check"] = check }
            if let evaluations { object["evaluations"] = evaluations }
            line(object.merging(extra) { a, _ in a })
        }
        /// Before each phase, so a caller that stops a slow run can tell how long the phase had run.
        func started(_ phase: String, run: Int) {
            line(["engine": "kalkyl", "phase": phase, "run": run, "start": Date().timeIntervalSince1970])
        }
        func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }
        let clock = ContinuousClock()
        for run in 0..<runs {
            started("load", run: run)
            var start = clock.now
            let model = try XLSXReader().read(file)
            let book = Workbook(model)
            emit("load", run: run, seconds: seconds(clock.now - start))

            started("full", run: run)
            start = clock.now
            var report = book.recalculate()
            emit("full", run: run, seconds: seconds(clock.now - start), check: w.check.total(in: book), evaluations: report.evaluations)

            for edit in w.edits {
                let cell = CellAddress(row: edit.cell.row - 1, column: edit.cell.column - 1)
                started(edit.name, run: run)
                start = clock.now
                book.setValue(.number(edit.value), sheet: edit.cell.sheetIndex, at: cell)
                report = book.recalculate()
                emit(edit.name, run: run, seconds: seconds(clock.now - start), check: w.check.total(in: book),
                     evaluations: report.evaluations)
            }
        }
        emit("memory", run: 0, seconds: 0, extra: ["peak_mib": peakResidentBytes() / 1_048_576])
    }
}
