import Foundation
import Kalkyl
import KalkylXLSX

/// Where a template receives its input: the data sheet's header row, its columns, and the rows the
/// template's own sample data occupies (replaced by the input).
struct DataArea {
    struct Column {
        var index: Int
        var header: String
        /// The formula of the first data row, for a calculated column (text without "=").
        var formula: String?
        /// The style of the first data row's cell, which every input row gets.
        var style: Int
    }

    var sheet: Int
    var headerRow: Int
    var columns: [Column]
    /// The last row of the template's sample data (at least the row under the header).
    var lastTemplateRow: Int

    var firstDataRow: Int { headerRow + 1 }
    var templateRowCount: Int { lastTemplateRow - headerRow }

    /// Finds the data area: a note `kalkyl: data` on a header cell, else a table named `Data`, else
    /// a sheet named `Data` with its header in row 1.
    static func find(in model: WorkbookModel, commands: [PlacedCommand], template: String) throws -> DataArea {
        var sheetIndex: Int?
        var headerRow = 0
        var tableRange: CellRange?
        var totalsRows = 0
        if let marked = commands.first(where: { $0.command == .data }) {
            sheetIndex = model.sheetIndex(named: marked.sheet)
            headerRow = Int(marked.address.row)
        } else if let (s, table) = model.sheets.enumerated().lazy.compactMap({ (i, sheet) in
            sheet.tables.first { $0.displayName.lowercased() == "data" || $0.name.lowercased() == "data" }.map { (i, $0) }
        }).first {
            sheetIndex = s
            headerRow = Int(table.range.first.row)
            tableRange = table.range
            totalsRows = table.totalsRowCount
        } else if let s = model.sheetIndex(named: "Data") {
            sheetIndex = s
        }
        guard let s = sheetIndex else {
            throw ReportError(file: template, message: "the template has no data sheet: put a note 'kalkyl: data' on its header row, name an Excel table 'Data', or name a sheet 'Data'")
        }
        let sheet = model.sheets[s]
        var headers: [(Int, String)] = []
        for record in sheet.cells.records where Int(record.row) == headerRow {
            let value = sheet.cells.value(of: record)
            if case .text(let t) = value, !t.trimmingCharacters(in: .whitespaces).isEmpty {
                if let range = tableRange, !range.contains(record.address) { continue }
                headers.append((Int(record.column), t.trimmingCharacters(in: .whitespaces)))
            }
        }
        guard !headers.isEmpty else {
            throw ReportError(file: template, message: "sheet '\(sheet.name)' row \(headerRow + 1): the data sheet's header row has no column names")
        }
        let columnSet = Set(headers.map(\.0))
        var last = headerRow + 1
        if let range = tableRange {
            last = max(last, Int(range.last.row) - totalsRows)
        } else {
            for record in sheet.cells.records where Int(record.row) > headerRow && columnSet.contains(Int(record.column)) {
                if record.kind != .blank || record.hasFormula { last = max(last, Int(record.row)) }
            }
        }
        let firstData = headerRow + 1
        let columns = headers.map { (column, header) -> Column in
            let address = CellAddress(row: firstData, column: column)
            let formula = sheet.formula(at: address).flatMap { sheet.formulaText(of: $0) }
            return Column(index: column, header: header, formula: formula, style: sheet.cells.style(at: address))
        }
        return DataArea(sheet: s, headerRow: headerRow, columns: columns, lastTemplateRow: last)
    }
}

/// The input rows arranged in the data area's columns, ready to be written.
struct DataRows {
    /// One array per data-area column (nil for a calculated column or one with no input).
    var columns: [[CellValue]?]
    var count: Int
    /// Template columns that no input column matched and that have no formula.
    var unmatchedColumns: [String]
    /// Input columns no template column asked for.
    var unusedInputColumns: [String]
    /// Values of a Period column that could not be read as a period, with the row.
    var periodProblems: [String]

    init(area: DataArea, ledger: LedgerTable, matching: ColumnMatching = ColumnMatching()) {
        let wanted = area.columns.map(\.header)
        let map = matching.match(wanted: wanted, in: ledger.headers)
        let periodInput = matching.match(wanted: ["Period"], in: ledger.headers)[0]
        let yearInput = matching.match(wanted: ["År"], in: ledger.headers)[0]
        count = ledger.rows.count
        unmatchedColumns = []
        periodProblems = []
        var columns: [[CellValue]?] = []
        var yearUsed = false
        for (i, column) in area.columns.enumerated() {
            let canonical = matching.canonical(column.header)
            if let source = map[i] {
                var values = ledger.rows.map { source < $0.count ? $0[source] : .empty }
                if canonical == "period" {
                    for r in values.indices {
                        // A month number beside a year column (År 2026, Period 5) is the period 202605.
                        if let y = yearInput, case .number(let m) = values[r], (1...12).contains(m), m == m.rounded(),
                           y < ledger.rows[r].count, case .number(let year) = ledger.rows[r][y], (1900...9999).contains(year) {
                            values[r] = .number(year * 100 + m)
                            yearUsed = true
                            continue
                        }
                        guard let p = DataRows.periodNumber(values[r]) else {
                            if values[r] != .empty { periodProblems.append("row \(r + 1): '\(values[r])' is not a period") }
                            continue
                        }
                        values[r] = .number(Double(p))
                    }
                }
                columns.append(values)
            } else if canonical == "ar", let source = periodInput {
                // An År column filled from the rows' periods.
                columns.append(ledger.rows.map { row in
                    DataRows.periodNumber(source < row.count ? row[source] : .empty).map { .number(Double($0 / 100)) } ?? .empty
                })
            } else {
                if column.formula == nil { unmatchedColumns.append(column.header) }
                columns.append(nil)
            }
        }
        self.columns = columns
        let used = Set(map.compactMap { $0 } + (yearUsed ? [yearInput].compactMap { $0 } : []))
        unusedInputColumns = ledger.headers.enumerated().filter { !used.contains($0.offset) && !$0.element.isEmpty }.map(\.element)
    }

    /// A period as the number yyyymm: from 202605, "2026-05", "maj-26", or a date serial.
    static func periodNumber(_ value: CellValue) -> Int? {
        switch value {
        case .number(let x):
            guard x == x.rounded() else { return nil }
            let n = Int(x)
            if n >= 190001 && n <= 999912, (1...12).contains(n % 100) { return n }
            if n > 0 && n <= ExcelDate.maxSerial(date1904: false) {
                let date = ExcelDate.civil(serial: n)
                return date.year * 100 + date.month
            }
            return nil
        case .text(let t):
            return Period(parsing: t).map { $0.year * 100 + $0.month }
        default:
            return nil
        }
    }

    /// The distinct non-empty values of a column among `rows` (all when nil), in `order`.
    func distinctValues(column: Int, rows: [Int]?, order: TemplateCommand.Order) -> [CellValue] {
        guard let values = columns[column] else { return [] }
        var seen = Set<String>()
        var result: [CellValue] = []
        for r in rows ?? Array(0..<count) {
            let v = values[r]
            if v == .empty { continue }
            if case .text(let t) = v, t.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            if seen.insert(DataRows.key(v)).inserted { result.append(v) }
        }
        switch order {
        case .data: return result
        case .ascending: return result.sorted(by: DataRows.ascending)
        case .descending: return result.sorted(by: DataRows.ascending).reversed()
        }
    }

    /// Equal as SUMIFS criteria see it: text without regard to case.
    static func key(_ v: CellValue) -> String {
        switch v {
        case .number(let x): "n\(x)"
        case .text(let t): "t" + t.lowercased()
        case .boolean(let b): "b\(b)"
        case .error(let e): "e\(e.rawValue)"
        case .empty: ""
        }
    }

    /// Excel's sort order: numbers, then text (Swedish collation: å, ä, ö after z), then booleans.
    static func ascending(_ a: CellValue, _ b: CellValue) -> Bool {
        func rank(_ v: CellValue) -> Int {
            switch v {
            case .number: 0
            case .text: 1
            case .boolean: 2
            default: 3
            }
        }
        switch (a, b) {
        case (.number(let x), .number(let y)): return x < y
        case (.text(let x), .text(let y)):
            return x.compare(y, options: [.caseInsensitive], locale: swedish) == .orderedAscending
        case (.boolean(let x), .boolean(let y)): return !x && y
        default: return rank(a) < rank(b)
        }
    }

    private static let swedish = Locale(identifier: "sv_SE")
}
