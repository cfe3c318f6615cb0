import Kalkyl

/// What `kalkyl eval` shows: computed values beside the values the file had cached.
public struct EvaluationListing: Codable, Sendable {
    public struct Cell: Codable, Sendable {
        public var cell: String
        public var type: String
        public var value: String
        public var formula: String?
        /// The value the file held before recalculation, when it differs.
        public var cachedInFile: String?
    }

    public var cells: [Cell]
    public var evaluations: Int
    public var diagnostics: [String]

    /// The cells of `reference`, or every formula cell of the workbook when it is nil.
    public init(model: WorkbookModel, workbook: Workbook, reference: SheetRangeReference?, evaluations: Int) throws(CellListingError) {
        self.evaluations = evaluations
        diagnostics = workbook.diagnostics.map(\.description)
        cells = []
        if let reference {
            let sheetIndex: Int
            if let name = reference.sheet {
                guard let i = workbook.sheetIndex(named: name) else { throw .noSuchSheet(name, available: workbook.sheetNames) }
                sheetIndex = i
            } else {
                sheetIndex = 0
            }
            let r = reference.range
            let last = CellAddress(row: min(Int(r.last.row), Int(r.first.row) + 100_000), column: Int(r.last.column))
            for row in r.first.row...last.row {
                for column in r.first.column...last.column {
                    append(CellAddress(row: Int(row), column: Int(column)), sheet: sheetIndex, model: model, workbook: workbook,
                           qualified: reference.sheet != nil)
                }
            }
        } else {
            for (s, sheet) in model.sheets.enumerated() {
                for f in sheet.formulas {
                    append(f.address, sheet: s, model: model, workbook: workbook, qualified: true)
                }
            }
        }
    }

    private mutating func append(_ address: CellAddress, sheet: Int, model: WorkbookModel, workbook: Workbook, qualified: Bool) {
        let value = workbook.value(sheet: sheet, at: address)
        let formula = workbook.formula(sheet: sheet, at: address)
        if value.isEmpty && formula == nil { return }
        let cached = sheet < model.sheets.count ? model.sheets[sheet].value(at: address) : .empty
        let name = qualified ? SheetName.quotedIfNeeded(workbook.sheetNames[sheet]) + "!" + address.a1 : address.a1
        cells.append(Cell(cell: name, type: CellListing.typeName(value), value: value.description,
                          formula: formula.map { "=" + $0 },
                          cachedInFile: formula != nil && cached != value ? cached.description : nil))
    }

    public var text: String {
        var out = ""
        let width = max(4, cells.map(\.cell.count).max() ?? 0)
        for c in cells {
            var line = c.cell.padding(to: width) + "  " + (c.type == "text" ? "\"\(c.value)\"" : c.value)
            if let f = c.formula { line += "   \(f)" }
            if let cached = c.cachedInFile { line += "   (file had \(cached))" }
            out += line + "\n"
        }
        return out
    }
}
