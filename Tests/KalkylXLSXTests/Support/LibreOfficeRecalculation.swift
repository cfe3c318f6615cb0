import Foundation

/// LibreOffice headless as a second opinion on the engine: it loads workbooks, recalculates every
/// formula and saves them as .xlsx, whose cached values are then LibreOffice's own results.
///
/// LibreOffice trusts the cached values of an .xlsx by default; each conversion therefore runs with
/// a private profile whose `OOXMLRecalcMode` is 0 ("always recalculate"). One soffice call converts
/// many files (start-up costs seconds); a few calls run side by side, each with its own profile,
/// because two soffice processes cannot share one.
struct LibreOfficeRecalculation: Sendable {
    let soffice: String
    /// Profiles, outputs and logs go here.
    let directory: URL
    /// Longest time one soffice call may run before it is stopped.
    var timeout: TimeInterval = 420

    /// What became of each input: the converted file, or why there is none.
    struct Outcome: Sendable {
        var converted: [URL: URL] = [:]
        var failed: [URL: String] = [:]
    }

    /// The profile setting that makes LibreOffice recalculate .xlsx (and .ods) formulas on load.
    static let registry = """
        <?xml version="1.0" encoding="UTF-8"?>
        <oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" \
        xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
        <item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
        <item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
        </oor:items>

        """

    /// A fresh profile folder holding only the recalculation setting.
    func makeProfile(_ name: String) throws -> URL {
        let profile = directory.appendingPathComponent("profile-\(name)", isDirectory: true)
        let user = profile.appendingPathComponent("user", isDirectory: true)
        try FileManager.default.createDirectory(at: user, withIntermediateDirectories: true)
        try Self.registry.write(to: user.appendingPathComponent("registrymodifications.xcu"), atomically: true, encoding: .utf8)
        return profile
    }

    /// Converts every input to .xlsx (`<stem>.xlsx` in `output`), in `lanes` soffice processes at once.
    /// Inputs are shared out by size so the lanes finish together. soffice converts its files in
    /// order and a file it cannot load (or that crashes it) leaves no output: the first input of a
    /// call without output is taken as the culprit and the inputs after it are converted again.
    func convert(_ inputs: [URL], to output: URL, lanes: Int = 2) throws -> Outcome {
        precondition(Set(inputs.map { $0.deletingPathExtension().lastPathComponent }).count == inputs.count,
                     "inputs need distinct names: outputs are named after them")
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        let laneCount = max(1, min(lanes, inputs.count))
        var shares = Array(repeating: [URL](), count: laneCount)
        var bytes = Array(repeating: 0, count: laneCount)
        for input in inputs.sorted(by: { Self.size($0) > Self.size($1) }) {
            let lane = bytes.indices.min { bytes[$0] < bytes[$1] }!
            shares[lane].append(input)
            bytes[lane] += Self.size(input)
        }
        let profiles = try (0..<laneCount).map { try makeProfile("\($0)") }
        let results = Results()
        let lanes = shares
        DispatchQueue.concurrentPerform(iterations: laneCount) { lane in
            results.add(runLane(lanes[lane], profile: profiles[lane], output: output, lane: lane))
        }
        return results.outcome
    }

    /// One lane: soffice calls one after the other until every input is converted or given up on.
    private func runLane(_ inputs: [URL], profile: URL, output: URL, lane: Int) -> Outcome {
        var outcome = Outcome()
        var pending = inputs
        var call = 0
        while !pending.isEmpty {
            call += 1
            let log = directory.appendingPathComponent("soffice-\(lane)-\(call).log")
            let status = run(pending, profile: profile, output: output, log: log)
            var missing: [URL] = []
            for input in pending {
                let converted = output.appendingPathComponent(input.deletingPathExtension().lastPathComponent + ".xlsx")
                if FileManager.default.fileExists(atPath: converted.path) {
                    outcome.converted[input] = converted
                } else {
                    missing.append(input)
                }
            }
            guard let culprit = missing.first else { break }
            let reason = Self.failure(status: status, log: log, after: pending.firstIndex(of: culprit) ?? 0)
            guard status.ran else {
                for input in missing { outcome.failed[input] = reason }
                break
            }
            // The culprit is not tried again; the inputs after it are.
            outcome.failed[culprit] = reason
            pending = Array(missing.dropFirst())
        }
        return outcome
    }

    private struct Status {
        var ran: Bool
        var exit: Int32
        var timedOut: Bool
    }

    private func run(_ inputs: [URL], profile: URL, output: URL, log: URL) -> Status {
        guard FileManager.default.createFile(atPath: log.path, contents: nil),
              let handle = try? FileHandle(forWritingTo: log) else { return Status(ran: false, exit: -1, timedOut: false) }
        defer { try? handle.close() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: soffice)
        process.arguments = ["-env:UserInstallation=\(profile.absoluteURL.absoluteString)", "--headless", "--norestore",
                             "--nolockcheck", "--convert-to", "xlsx", "--outdir", output.path] + inputs.map(\.path)
        process.standardOutput = handle
        process.standardError = handle
        do { try process.run() } catch { return Status(ran: false, exit: -1, timedOut: false) }
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
            return Status(ran: true, exit: process.terminationStatus, timedOut: true)
        }
        return Status(ran: true, exit: process.terminationStatus, timedOut: false)
    }

    /// The reason a conversion gave no file, from soffice's own words when it said any: the first
    /// error it printed after converting the `converted` files before the culprit.
    private static func failure(status: Status, log: URL, after converted: Int = 0) -> String {
        if !status.ran { return "soffice could not be started" }
        if status.timedOut { return "soffice did not finish within its time limit" }
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        var seen = 0
        for line in text.split(separator: "\n") {
            if line.hasPrefix("convert ") { seen += 1 }
            guard seen >= converted else { continue }
            for marker in ["Error: ", "terminate called", "Fatal exception"] {
                if let r = line.range(of: marker) { return String(line[r.lowerBound...].prefix(140)) }
            }
        }
        return "soffice exited with status \(status.exit) and no output"
    }

    private static func size(_ url: URL) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: url.path))?[.size] as? NSNumber)?.intValue ?? 0
    }

    /// The lanes' outcomes, gathered across threads.
    private final class Results: @unchecked Sendable {
        private let lock = NSLock()
        private var merged = Outcome()

        func add(_ outcome: Outcome) {
            lock.lock()
            defer { lock.unlock() }
            merged.converted.merge(outcome.converted) { a, _ in a }
            merged.failed.merge(outcome.failed) { a, _ in a }
        }

        var outcome: Outcome {
            lock.lock()
            defer { lock.unlock() }
            return merged
        }
    }
}
