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
            throw LedgerInputError(file: file, message: error.description)
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
    /// a column this table has and the other lacks is empty in its rows.
    public func appending(_ other: LedgerTable, matching: ColumnMatching = ColumnMatching()) -> LedgerTable {
        let map = matching.match(wanted: headers, in: other.headers)
        var result = self
        result.rows += other.rows.map { row in map.map { $0.map { row[$0] } ?? .empty } }
        result.problems += other.problems
        return result
    }
}
