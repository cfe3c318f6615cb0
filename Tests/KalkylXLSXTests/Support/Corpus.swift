import Foundation

/// The shared conformance corpus beside the repository (`../shared/conformance`), as CI has it.
enum Corpus {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let root = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/conformance")
    static let expectedReaderFiles = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Expected")

    /// Every workbook of the corpus, as "excel/NAME.xlsx" or "libreoffice/NAME.xlsx".
    static var workbooks: [String] {
        var names: [String] = []
        for folder in ["excel", "libreoffice"] {
            let dir = root.appendingPathComponent(folder)
            let files = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
            names += files.filter { ($0.hasSuffix(".xlsx") || $0.hasSuffix(".xlsm")) }.map { "\(folder)/\($0)" }
        }
        return names.sorted()
    }

    static func url(_ workbook: String) -> URL { root.appendingPathComponent(workbook) }

    static func json(_ url: URL) throws -> [String: Any] {
        let data = try Data(contentsOf: url)
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw CocoaError(.coderReadCorrupt)
        }
        return object
    }

    /// The corpus's own `<workbook>.expected.json` (formula cells with Excel's cached values).
    static func expectedValues(_ workbook: String) throws -> [String: Any] {
        try json(root.appendingPathComponent(workbook + ".expected.json"))
    }

    /// What openpyxl found in the workbook (made once; see Expected/README.md).
    static func expectedReading(_ workbook: String) throws -> [String: Any] {
        let name = (workbook as NSString).lastPathComponent
        return try json(expectedReaderFiles.appendingPathComponent(name + ".json"))
    }

    static func isClose(_ a: Double, _ b: Double) -> Bool {
        a == b || abs(a - b) <= max(1e-9, 1e-9 * max(abs(a), abs(b)))
    }
}
