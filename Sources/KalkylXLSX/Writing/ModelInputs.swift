import Kalkyl

extension WorkbookModel {
    /// Puts a constant into a cell, replacing any formula there and keeping the cell's style: an
    /// input set before recalculating (`kalkyl recalc --set`), so the writer writes it.
    public mutating func setInput(_ value: CellValue, sheet: Int, at address: CellAddress) {
        guard sheets.indices.contains(sheet), address.isInsideGrid else { return }
        sheets[sheet].setInput(value, at: address)
    }
}

extension WorksheetModel {
    mutating func setInput(_ value: CellValue, at address: CellAddress) {
        let style = UInt32(cells.style(at: address))
        var record = CellStore.Record(row: UInt32(address.row), column: UInt16(address.column), kind: .blank,
                                      hasFormula: false, style: style, payload: 0)
        switch value {
        case .empty: break
        case .number(let x):
            record.kind = .number
            record.payload = x.bitPattern
        case .text(let s):
            record.kind = .localString
            record.payload = cells.appendLocalString(s)
        case .boolean(let b):
            record.kind = .boolean
            record.payload = b ? 1 : 0
        case .error(let e):
            record.kind = .error
            record.payload = UInt64(e.rawValue)
        }
        // Appending an existing cell again and finishing keeps the last record of the cell.
        cells.append(record)
        cells.finish()
        formulas.removeAll { $0.address == address }
    }
}
