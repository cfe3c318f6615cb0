/// WorkbookGenerator — makes the templates in `Workbooks/templates/` and the sample inputs in
/// `Workbooks/data/` from code, so that every cell, format and formula of a shipped template is
/// reviewable in a diff. `make workbooks` writes them; a test regenerates them and compares.
public enum WorkbookGenerator {}

import Foundation

extension WorkbookGenerator {
    /// Writes every template and sample input under `folder` (`templates/…`, `data/…`) and returns
    /// the paths written.
    public static func writeAll(into folder: URL) throws -> [String] {
        var written: [String] = []
        for (relative, make) in files {
            let url = folder.appendingPathComponent(relative)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try make(url)
            written.append(url.path)
        }
        return written
    }

    /// Each generated file: its path under the folder and how it is written. Filled in by the
    /// sample-data and template files.
    static var files: [(String, (URL) throws -> Void)] {
        sampleDataFiles + templateFiles
    }
}
