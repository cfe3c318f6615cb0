import Foundation
import Kalkyl
import KalkylXLSX

/// Reads a ledger export saved as .xlsx: the first sheet (or the one named), its first non-empty
/// row as the header, every row below it as data (cached values of formulas included).
public enum XLSXLedgerReader {
    public static func read(_ url: URL, sheet name: String? = nil) throws -> LedgerTable {
        let file = url.lastPathComponent
        let model: WorkbookModel
        do { model = try XLSXReader().read(url) } catch let error as XLSXError {
            throw LedgerInputError(file: file, message: error.detail)
        }
        let worksheets = model.sheets.filter { $0.kind == .worksheet }
        guard let sheet = name.map({ n in worksheets.first { $0.name.lowercased() == n.lowercased() } }) ?? worksheets.first else {
            throw LedgerInputError(file: file, message: name.map { "no sheet named '\($0)'" } ?? "no worksheet")
        }
        var grid: [Int: [Int: CellValue]] = [:]
        var lastColumn = -1
        for record in sheet.cells.records where record.kind != .blank {
            grid[Int(record.row), default: [:]][Int(record.column)] = sheet.cells.value(of: record)
            lastColumn = max(lastColumn, Int(record.column))
        }
        let rowsInOrder = grid.keys.sorted()
        guard let headerRow = rowsInOrder.first, lastColumn >= 0 else {
            throw LedgerInputError(file: file, message: "sheet '\(sheet.name)' is empty")
        }
        let header = grid[headerRow]!
        let headers = (0...lastColumn).map { c -> String in
            if case .text(let s)? = header[c] { return s.trimmingCharacters(in: .whitespaces) }
            return header[c]?.description ?? ""
        }
        let rows = rowsInOrder.dropFirst().map { r in (0...lastColumn).map { grid[r]?[$0] ?? .empty } }
        return LedgerTable(headers: headers, rows: rows, problems: [])
    }
}

extension LedgerTable {
    /// Rows of another export appended, its columns matched to these by name (synonyms included);
    /// a column only one of them has is empty in the other's rows.
    public func appending(_ other: LedgerTable, matching: ColumnMatching = ColumnMatching()) -> LedgerTable {
        var result = self
        var map = matching.match(wanted: headers, in: other.headers)
        let used = Set(map.compactMap { $0 })
        let added = other.headers.indices.filter { !used.contains($0) && !other.headers[$0].isEmpty }
        if !added.isEmpty {
            result.headers += added.map { other.headers[$0] }
            result.rows = result.rows.map { $0 + Array(repeating: CellValue.empty, count: added.count) }
            map += added.map { Optional($0) }
        }
        result.rows += other.rows.map { row in map.map { $0.flatMap { $0 < row.count ? row[$0] : nil } ?? .empty } }
        result.problems += other.problems
        return result
    }
}

/// Reads ledger exports — .xlsx (the first sheet or the one named) and CSV — and appends them.
public enum LedgerFiles {
    public static func read(_ urls: [URL], sheet: String? = nil, progress: ((URL, LedgerTable) -> Void)? = nil) throws -> LedgerTable {
        var combined: LedgerTable?
        for url in urls {
            let table: LedgerTable
            switch url.pathExtension.lowercased() {
            case "xlsx", "xlsm": table = try XLSXLedgerReader.read(url, sheet: sheet)
            case "csv", "txt", "tsv", "skv": table = try CSVLedgerReader.read(url)
            default:
                throw LedgerInputError(file: url.lastPathComponent, message: "not a ledger export this reads (.xlsx or .csv)")
            }
            progress?(url, table)
            combined = combined.map { $0.appending(table) } ?? table
        }
        guard let combined else { throw LedgerInputError(file: "(no input)", message: "no data files given") }
        return combined
    }
}
