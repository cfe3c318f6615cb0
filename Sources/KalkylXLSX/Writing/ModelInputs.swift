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
        setValue(value, at: address)  // keeps the cell's style, drops any formula
    }
}
