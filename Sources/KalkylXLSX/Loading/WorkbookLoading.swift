import Dispatch
import Foundation
import Kalkyl

extension Workbook {
    /// A workbook for the engine from one read from a file: sheets, values (the cached values of
    /// formula cells too), formulas (a shared group parsed once), names, tables and calculation
    /// settings. Formulas that do not parse become #NAME? cells and diagnostics, as in Excel.
    public convenience init(_ model: WorkbookModel) {
        self.init()
        date1904 = model.properties.date1904
        macintoshCharacterSet = model.properties.application?.contains("Macintosh") ?? false
        let calc = model.properties.calculation
        if calc.iterate { iteration = IterationSettings(maximumIterations: calc.iterateCount, maximumChange: calc.iterateDelta) }
        for sheet in model.sheets { addSheet(named: sheet.name) }
        tables = model.tables.compactMap { t in
            guard let sheet = model.sheetIndex(named: t.sheet) else { return nil }
            return TableDefinition(name: t.displayName, sheet: sheet, range: t.range, headerRowCount: t.headerRowCount,
                                   totalsRowCount: t.totalsRowCount, columns: t.columns.map(\.name))
        }
        for name in model.definedNames where name.sheetScope.map({ $0 < model.sheets.count }) ?? true {
            defineName(name.name, formula: name.formula, scope: name.sheetScope)
        }
        for (index, sheet) in model.sheets.enumerated() {
            let filters = ([sheet.autoFilterRange] + sheet.tables.filter(\.hasAutoFilter).map(\.range)).compactMap { $0 }
            for row in sheet.rows where row.hidden {
                let filtered = filters.contains { $0.first.row <= Int32(row.row) && Int32(row.row) <= $0.last.row }
                setRowHidden(filtered ? .filtered : .hidden, sheet: index, row: row.row)
            }
            load(Self.values(of: sheet.cells), sheet: index)
            var groups: [Int: (Kalkyl.Expression, SharedFormulaText)] = [:]
            for formula in sheet.formulas {
                switch formula.kind {
                case .normal(let text):
                    setFormula(text, sheet: index, at: formula.address)
                case .shared(let group):
                    guard let master = sheet.sharedFormulas[group] else { continue }
                    if groups[group] == nil {
                        let expression = (try? parseFormula(master.text, sheet: index, anchor: master.anchor)) ?? .error(.name)
                        groups[group] = (expression, SharedFormulaText(text: master.text, anchor: master.anchor))
                    }
                    let (expression, text) = groups[group]!
                    setSharedFormula(expression, group: text, sheet: index, at: formula.address)
                case .array(let range, let text, let isDynamic):
                    if isDynamic {
                        setDynamicArrayFormula(text, sheet: index, anchor: formula.address, range: range)
                    } else {
                        setArrayFormula(text, sheet: index, range: range)
                    }
                case .dataTable:
                    continue  // what-if tables are Excel's own computation; their cached values stay
                }
            }
        }
    }

    /// The sheet's values for a bulk load: every column sized once (see `SheetValues`); a large
    /// sheet's columns are gathered on two threads, odd and even columns apart.
    private static func values(of cells: CellStore) -> SheetValues {
        guard cells.count >= 100_000, ProcessInfo.processInfo.activeProcessorCount > 1 else {
            return gather(cells, columns: 1, part: 0)
        }
        let results = LoadedParts()
        DispatchQueue.concurrentPerform(iterations: 2) { part in
            results.put(part, gather(cells, columns: 2, part: part))
        }
        var values = results.take(0)
        values.take(columnsOf: results.take(1))
        return values
    }

    /// The values of the columns `c` with `c % columns == part`.
    private static func gather(_ cells: CellStore, columns: Int, part: Int) -> SheetValues {
        var values = SheetValues()
        cells.records.withUnsafeBufferPointer { records in
            for r in records where r.kind != .blank && Int(r.column) % columns == part {
                values.plan(row: Int(r.row), column: Int(r.column))
            }
            for r in records where r.kind != .blank && Int(r.column) % columns == part {
                values.set(cells.value(of: r), row: Int(r.row), column: Int(r.column))
            }
        }
        return values
    }
}

/// The two halves of a sheet's values, gathered on two threads.
private final class LoadedParts: @unchecked Sendable {
    private let lock = NSLock()
    private var parts: [Int: SheetValues] = [:]

    func put(_ part: Int, _ values: SheetValues) { lock.lock(); parts[part] = values; lock.unlock() }
    func take(_ part: Int) -> SheetValues { lock.lock(); defer { lock.unlock() }; return parts.removeValue(forKey: part) ?? SheetValues() }
}
