import Foundation
import Kalkyl

/// `libreoffice-differences.tsv`: every corpus cell where LibreOffice's recalculation and Kalkyl's
/// disagree (or that is not compared), with Excel's cached value beside both and the reason.
/// Rows are keyed by workbook, sheet and cell; a rewrite keeps the reasons already written.
struct LibreOfficeDifferences {
    struct Row {
        var workbook: String
        var sheet: String
        var cell: String
        var formula: String
        var excel: String
        var kalkyl: String
        var libreOffice: String
        var reason: String

        var key: String { "\(workbook)\t\(sheet)\t\(cell)" }
    }

    static let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("libreoffice-differences.tsv")
    static let header = "# workbook\tsheet\tcell\tformula\tExcel's cached value\tKalkyl's value\tLibreOffice's value\treason"
        + " (written by LibreOfficeRecalcTests with KALKYL_WRITE_LIBREOFFICE_DIFFERENCES=1; reasons are kept by key)"

    /// A reason starting so says Kalkyl differs from Excel there; any other says LibreOffice does. The
    /// test checks that each listed reason still fits the cell.
    static let kalkylDiffersPrefix = "Kalkyl differs from Excel"
    static let kalkylDiffers = "\(kalkylDiffersPrefix): see known-failures.tsv"
    static let notCompared = "not compared:"
    /// A reason a person still has to write; the test fails on it.
    static let unexplained = "unexplained:"

    var rows: [Row] = []

    static func read() -> LibreOfficeDifferences {
        guard let text = try? String(contentsOf: file, encoding: .utf8) else { return LibreOfficeDifferences() }
        var list = LibreOfficeDifferences()
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard f.count >= 8 else { continue }
            list.rows.append(Row(workbook: f[0], sheet: f[1], cell: f[2], formula: f[3], excel: f[4], kalkyl: f[5],
                                 libreOffice: f[6], reason: f[7...].joined(separator: "\t")))
        }
        return list
    }

    var reasons: [String: String] {
        Dictionary(rows.map { ($0.key, $0.reason) }, uniquingKeysWith: { a, _ in a })
    }

    func write() throws {
        let lines = rows.sorted(by: Self.order).map { r in
            [r.workbook, r.sheet, r.cell, r.formula, r.excel, r.kalkyl, r.libreOffice, r.reason].map(Self.field).joined(separator: "\t")
        }
        try ([Self.header] + lines).joined(separator: "\n").appending("\n").write(to: Self.file, atomically: true, encoding: .utf8)
    }

    /// Workbook, sheet, then cells in row-major order.
    static func order(_ a: Row, _ b: Row) -> Bool {
        if a.workbook != b.workbook { return a.workbook < b.workbook }
        if a.sheet != b.sheet { return a.sheet < b.sheet }
        switch (CellAddress(a1: a.cell), CellAddress(a1: b.cell)) {
        case (let x?, let y?): return x < y
        default: return a.cell < b.cell
        }
    }

    /// Tabs and line breaks inside a field would break the table (shown as \t, \r, \n).
    static func field(_ s: String) -> String {
        s.replacingOccurrences(of: "\t", with: "\\t")
            .replacingOccurrences(of: "\r", with: "\\r").replacingOccurrences(of: "\n", with: "\\n")
    }

    /// A value as the table shows it: numbers in full, text quoted, errors and booleans as Excel shows them.
    static func display(_ value: CellValue?) -> String {
        guard let value else { return "(no such sheet)" }
        switch value {
        case .empty: return "(empty)"
        case .number(let x):
            if x == x.rounded(), abs(x) < 1e15 { return String(Int64(x)) }
            return "\(x)"
        case .text(let s): return "\"\(s)\""
        case .boolean(let b): return b ? "TRUE" : "FALSE"
        case .error(let e): return e.text
        }
    }
}
