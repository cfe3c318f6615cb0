import Foundation
import Kalkyl
import KalkylXLSX

/// Fills a report template (docs/templates.md) with ledger rows and parameters and calculates it.
///
/// ```swift
/// let builder = try ReportBuilder(contentsOf: URL(fileURLWithPath: "intakter-kostnader.xlsx"))
/// let report = try builder.prepare(data: ledger, parameters: ReportParameters(period: Period(year: 2026, month: 5)))
/// try report.write(to: URL(fileURLWithPath: "out/maj.xlsx"))
/// ```
public struct ReportBuilder: Sendable {
    public var template: WorkbookModel
    /// The template's file name, for messages.
    public var templateName: String

    public init(template: WorkbookModel, name: String) {
        self.template = template
        self.templateName = name
    }

    public init(contentsOf url: URL) throws {
        do {
            self.init(template: try XLSXReader().read(url), name: url.lastPathComponent)
        } catch let e as XLSXError {
            throw ReportError(file: url.lastPathComponent, message: e.detail)
        }
    }

    /// The template with the rows put in, its rows and sheets repeated, its parameters set, its
    /// checks listed on a Kontroll sheet, and everything calculated.
    public func prepare(data: LedgerTable, parameters: ReportParameters) throws -> PreparedReport {
        var model = template
        model.expandSharedFormulas()
        var warnings: [String] = []
        func fail(_ message: String) -> ReportError { ReportError(file: templateName, message: message) }

        try placeCheckFormulas(in: &model)
        let area = try DataArea.find(in: model, commands: try commands(in: model), template: templateName)
        let dataSheetName = model.sheets[area.sheet].name
        let rows = DataRows(area: area, ledger: data)
        if !rows.unmatchedColumns.isEmpty {
            warnings.append("data sheet '\(dataSheetName)': no input column for \(rows.unmatchedColumns.map { "'\($0)'" }.joined(separator: ", ")) (left empty)")
        }
        if !rows.unusedInputColumns.isEmpty {
            warnings.append("input columns not in the template: \(rows.unusedInputColumns.joined(separator: ", "))")
        }
        warnings += rows.periodProblems.prefix(20).map { "data: \($0)" }

        // Parameters: each a defined name for a cell or a constant.
        var targets: [String: ParameterTarget] = [:]
        for (name, value) in parameters.assignments {
            guard let target = ParameterTarget.find(name, in: model) else {
                if name == ReportParameters.yearName || name == ReportParameters.monthName {
                    warnings.append("the template defines no name '\(name)'; the period does not reach its formulas")
                    continue
                }
                throw fail("the template defines no name '\(name)' to set (names: \(model.definedNames.filter { !$0.isBuiltIn }.map(\.name).joined(separator: ", ")))")
            }
            target.apply(value, to: &model)
            targets[name] = target
        }

        // The data area grows to hold every input row: references over it grow with it.
        if rows.count > area.templateRowCount {
            model.insertRows(RowInsertion(sheet: dataSheetName, before: area.lastTemplateRow + 1,
                                          count: rows.count - area.templateRowCount, growingFrom: area.firstDataRow))
        }

        // Sheets repeated per value, then rows (within a repeated sheet, only its value's data rows).
        var filters: [String: SheetFilter] = [:]
        for placed in try commands(in: model).reversed() {
            guard case .repeatSheet(let column, let pattern) = placed.command, let s = model.sheetIndex(named: placed.sheet) else { continue }
            let c = try dataColumn(column, area: area, place: placed)
            let values = rows.distinctValues(column: c, rows: nil, order: .ascending)
            if values.isEmpty { warnings.append("\(placed.sheet)!\(placed.address.a1): no values of '\(column)' in the data; the sheet is written once, empty") }
            let made: [Int]
            do {
                made = try model.repeatSheet(at: s, valueCell: placed.address, values: values, namePattern: pattern)
            } catch let e as WorkbookEditError {
                throw fail("\(placed.sheet)!\(placed.address.a1): \(e.message)")
            }
            for (i, sheetIndex) in made.enumerated() where i < values.count {
                filters[model.sheets[sheetIndex].name.lowercased()] = SheetFilter(column: c, value: values[i])
            }
        }
        let repeatRows = try commands(in: model).filter { if case .repeatRow = $0.command { true } else { false } }
        var rowsByValue: [Int: [String: [Int]]] = [:]
        for placed in repeatRows.sorted(by: { ($0.sheet, $1.address.row) < ($1.sheet, $0.address.row) }) {
            guard case .repeatRow(let column, let order) = placed.command, let s = model.sheetIndex(named: placed.sheet) else { continue }
            let c = try dataColumn(column, area: area, place: placed)
            var subset: [Int]?
            if let filter = filters[placed.sheet.lowercased()], let values = rows.columns[filter.column] {
                // The rows of each value of the sheets' column, grouped once for all the sheets.
                if rowsByValue[filter.column] == nil {
                    var groups: [String: [Int]] = [:]
                    for (i, v) in values.enumerated() { groups[DataRows.key(v), default: []].append(i) }
                    rowsByValue[filter.column] = groups
                }
                subset = rowsByValue[filter.column]?[DataRows.key(filter.value)] ?? []
            }
            let values = rows.distinctValues(column: c, rows: subset, order: order)
            model.repeatRow(sheet: s, row: Int(placed.address.row), keyColumn: Int(placed.address.column), values: values)
        }

        // The input rows themselves, after every structural edit (they are values, nothing to move).
        guard let dataSheet = model.sheetIndex(named: dataSheetName) else { throw fail("the data sheet '\(dataSheetName)' went missing") }
        model.sheets[dataSheet].fill(rows, area: area)

        // Checks, then the command lines leave the notes.
        var checks = try takeCheckFormulas(from: &model)
        let labelCounts = Dictionary(grouping: checks, by: \.label).mapValues(\.count)
        for i in checks.indices where labelCounts[checks[i].label, default: 0] > 1 {
            checks[i].label += " – " + checks[i].sheet
        }
        model.removeCommandLines()
        let kontroll = checks.isEmpty ? nil : KontrollSheet.add(&checks, to: &model)

        let book = Workbook(model)
        let calculation = book.recalculate()
        return PreparedReport(model: model, book: book, checks: checks, kontrollSheet: kontroll, parameterTargets: targets,
                              dataRowCount: rows.count, problems: data.problems, warnings: warnings, firstCalculation: calculation)
    }

    // A check's formula is text in a note, out of reach of the structural edits that move and
    // grow the report's references. So while the template is edited it rides in a cell of its own
    // row at the grid's right edge — moved, copied and grown exactly like the report's formulas —
    // and is taken out before calculation.
    static let checkColumn = Grid.columnCount - 1

    /// The check commands of each sheet, each with the cell its formula rides in.
    private func checkSlots(in model: WorkbookModel) throws -> [(sheet: Int, placed: PlacedCommand, slot: CellAddress)] {
        var result: [(Int, PlacedCommand, CellAddress)] = []
        let all = try commands(in: model)
        for (s, sheet) in model.sheets.enumerated() {
            var perRow: [Int32: Int] = [:]
            for placed in all where placed.sheet == sheet.name {
                guard case .check = placed.command else { continue }
                let k = perRow[placed.address.row, default: 0]
                perRow[placed.address.row] = k + 1
                result.append((s, placed, CellAddress(row: Int(placed.address.row), column: Self.checkColumn - k)))
            }
        }
        return result
    }

    private func placeCheckFormulas(in model: inout WorkbookModel) throws {
        for (s, placed, slot) in try checkSlots(in: model) {
            guard case .check(_, _, let formula) = placed.command else { continue }
            model.sheets[s].setFormula(formula, at: slot)
        }
    }

    private func takeCheckFormulas(from model: inout WorkbookModel) throws -> [ReportCheck] {
        var checks: [ReportCheck] = []
        for (s, placed, slot) in try checkSlots(in: model) {
            guard case .check(let label, let tolerance, _) = placed.command,
                  let formula = model.sheets[s].formula(at: slot).flatMap({ model.sheets[s].formulaText(of: $0) }) else { continue }
            model.sheets[s].clearCell(at: slot)
            let qualified = ReferenceRewriter.rewrite(formula) { w in
                w.sheet == nil ? .replace(.init(sheet: placed.sheet, shape: w.shape)) : .keep
            }
            checks.append(ReportCheck(label: label.isEmpty ? "\(placed.sheet)!\(placed.address.a1)" : label, sheet: placed.sheet,
                                      cell: placed.address, tolerance: tolerance, formula: qualified))
        }
        return checks
    }

    /// Every command in the workbook's notes, in sheet order then row-major.
    func commands(in model: WorkbookModel) throws -> [PlacedCommand] {
        var result: [PlacedCommand] = []
        for sheet in model.sheets {
            for note in sheet.notes {
                switch TemplateCommand.parse(note: note.text) {
                case .success(let commands):
                    result += commands.map { PlacedCommand(sheet: sheet.name, address: note.address, command: $0) }
                case .failure(let error):
                    throw ReportError(file: templateName, message: "\(SheetName.quotedIfNeeded(sheet.name))!\(note.address.a1): note '\(error.command)': \(error.message)")
                }
            }
        }
        return result
    }

    private func dataColumn(_ name: String, area: DataArea, place: PlacedCommand) throws -> Int {
        let matching = ColumnMatching()
        let wanted = matching.canonical(name)
        guard let i = area.columns.firstIndex(where: { matching.canonical($0.header) == wanted }) else {
            throw ReportError(file: templateName, message: "\(SheetName.quotedIfNeeded(place.sheet))!\(place.address.a1): the data sheet has no column '\(name)' (columns: \(area.columns.map(\.header).joined(separator: ", ")))")
        }
        return i
    }
}

/// A report that could not be made, naming the file.
public struct ReportError: Error, Sendable, CustomStringConvertible {
    public var file: String
    public var message: String
    public init(file: String, message: String) {
        self.file = file
        self.message = message
    }
    public var description: String { "\(file): \(message)" }
}

extension WorksheetModel {
    /// Replaces the template's sample rows with the input rows (see `DataArea`).
    mutating func fill(_ rows: DataRows, area: DataArea) {
        for r in area.firstDataRow...area.lastTemplateRow {
            for column in area.columns { clearCell(at: CellAddress(row: r, column: column.index)) }
        }
        var groups: [Int: Int] = [:]
        for (i, column) in area.columns.enumerated() where rows.columns[i] == nil {
            if let formula = column.formula {
                groups[i] = addSharedFormula(formula, anchor: CellAddress(row: area.firstDataRow, column: column.index))
            }
        }
        for r in 0..<rows.count {
            let row = area.firstDataRow + r
            for (i, column) in area.columns.enumerated() {
                let address = CellAddress(row: row, column: column.index)
                if let values = rows.columns[i] {
                    let value = values[r]
                    if value != .empty { setValue(value, at: address, style: column.style) } else if column.style != 0 { setStyle(column.style, at: address) }
                } else if let group = groups[i] {
                    setSharedFormula(group: group, at: address, style: column.style)
                }
            }
        }
    }
}

extension WorkbookModel {
    /// Removes `kalkyl:` lines from notes, and notes left empty.
    mutating func removeCommandLines() {
        for s in sheets.indices {
            sheets[s].notes = sheets[s].notes.compactMap { note in
                let kept = note.text.split(separator: "\n", omittingEmptySubsequences: false).filter { !TemplateCommand.isCommandLine($0) }
                let text = kept.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
                if text.isEmpty { return nil }
                if text == note.text { return note }
                // An author line ("Namn:") left alone means nothing is left to say.
                if !text.contains("\n") && text.hasSuffix(":") && note.author.map({ text.hasPrefix($0) }) ?? false { return nil }
                var copy = note
                copy.text = text
                return copy
            }
        }
    }
}
