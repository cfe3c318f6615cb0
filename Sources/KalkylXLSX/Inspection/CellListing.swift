import Kalkyl

/// The cells of a range with cached values and formulas, for `kalkyl cells`.
public struct CellListing: Codable, Sendable {
    public struct Cell: Codable, Sendable {
        public var cell: String
        /// `number`, `text`, `boolean`, `error` or `empty`.
        public var type: String
        public var value: String
        public var formula: String?
        public var numberFormat: String?
    }

    public var sheet: String
    public var range: String
    public var cells: [Cell]

    public init(model: WorkbookModel, reference: SheetRangeReference) throws(CellListingError) {
        let sheetIndex: Int
        if let name = reference.sheet {
            guard let i = model.sheetIndex(named: name) else {
                throw .noSuchSheet(name, available: model.sheets.map(\.name))
            }
            sheetIndex = i
        } else {
            guard !model.sheets.isEmpty else { throw .noSuchSheet("(first sheet)", available: []) }
            sheetIndex = 0
        }
        let sheet = model.sheets[sheetIndex]
        self.sheet = sheet.name
        range = reference.range.a1
        let r = reference.range
        cells = []
        // Walk the stored records, not the grid: `A:A` must cost the used cells only.
        for record in sheet.cells.records where r.contains(record.address) {
            let value = sheet.cells.value(of: record)
            let formula = record.hasFormula ? sheet.formula(at: record.address).flatMap { sheet.formulaText(of: $0) } : nil
            if value.isEmpty && formula == nil { continue }
            let code = model.styles.numberFormatCode(forCellFormat: Int(record.style))
            cells.append(Cell(cell: record.address.a1, type: Self.typeName(value), value: value.description,
                              formula: formula.map { "=" + $0 }, numberFormat: code == "General" ? nil : code))
        }
    }

    static func typeName(_ value: CellValue) -> String {
        switch value {
        case .empty: "empty"
        case .number: "number"
        case .text: "text"
        case .boolean: "boolean"
        case .error: "error"
        }
    }

    public var text: String {
        var out = ""
        let width = max(4, cells.map(\.cell.count).max() ?? 0)
        for c in cells {
            var line = c.cell.padding(to: width) + "  "
            line += c.type == "text" ? "\"\(c.value)\"" : c.value
            if let f = c.formula { line += "   \(f)" }
            if let fmt = c.numberFormat { line += "   [\(fmt)]" }
            out += line + "\n"
        }
        if cells.isEmpty { out = "(no cells with values in \(SheetName.quotedIfNeeded(sheet))!\(range))\n" }
        return out
    }
}

public enum CellListingError: Error, CustomStringConvertible {
    case noSuchSheet(String, available: [String])

    public var description: String {
        switch self {
        case .noSuchSheet(let name, let available):
            "no sheet named '\(name)'; the workbook has: \(available.map { "'\($0)'" }.joined(separator: ", "))"
        }
    }
}

extension String {
    func padding(to width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
}
