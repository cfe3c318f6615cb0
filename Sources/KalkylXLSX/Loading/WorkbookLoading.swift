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
            var groups: [Int: (Expression, SharedFormulaText)] = [:]
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

    /// The sheet's values for a bulk load: every column sized once (see `SheetValues`).
    private static func values(of cells: CellStore) -> SheetValues {
        var values = SheetValues()
        cells.records.withUnsafeBufferPointer { records in
            for r in records where r.kind != .blank { values.plan(row: Int(r.row), column: Int(r.column)) }
            for r in records where r.kind != .blank { values.set(cells.value(of: r), row: Int(r.row), column: Int(r.column)) }
        }
        return values
    }
}
