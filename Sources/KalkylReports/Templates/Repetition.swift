import Foundation
import Kalkyl
import KalkylXLSX

// Repeating sheets and rows per distinct value of a data column (`kalkyl: repeat-sheet`,
// `kalkyl: repeat-row`). Copies are made with the workbook's structural edits, so every formula,
// name, merge, conditional format and chart range follows, and totals over a block grow.

/// A sheet written for one value of a column: only data rows with that value count in it.
struct SheetFilter {
    var column: Int
    var value: CellValue
}

extension WorkbookModel {
    /// Writes a sheet once per value. The first value takes the template sheet itself (renamed);
    /// the others are copies placed after it. Returns the indexes of the sheets made, in order.
    mutating func repeatSheet(at index: Int, valueCell: CellAddress, values: [CellValue],
                              namePattern: String?) throws -> [Int] {
        guard let first = values.first else {
            sheets[index].setValue(.empty, at: valueCell)
            return [index]
        }
        let templateName = sheets[index].name
        var taken = Set(sheets.enumerated().filter { $0.offset != index }.map { $0.element.name.lowercased() })
        func name(for value: CellValue) -> String {
            let text = SheetNaming.text(of: value)
            let pattern = namePattern ?? "{value}"
            let raw = pattern.replacingOccurrences(of: "{value}", with: text)
                .replacingOccurrences(of: "{template}", with: templateName)
            let unique = SheetNaming.unique(SheetNaming.valid(raw), taken: taken)
            taken.insert(unique.lowercased())
            return unique
        }
        let names = values.map(name(for:))
        // Copies first (from the untouched template), then the template becomes the first value's sheet.
        for (offset, value) in values.enumerated().dropFirst() {
            try copySheet(at: index, named: names[offset], to: index + offset)
            sheets[index + offset].setValue(value, at: valueCell)
        }
        renameSheet(at: index, to: names[0])
        sheets[index].setValue(first, at: valueCell)
        return Array(index..<(index + values.count))
    }

    /// Writes row `row` of sheet `sheet` once per value: copies inserted below it (references below
    /// move, totals that end on it grow), each with its value in `keyColumn`.
    mutating func repeatRow(sheet: Int, row: Int, keyColumn: Int, values: [CellValue]) {
        let sheetName = sheets[sheet].name
        guard values.count > 1 else {
            sheets[sheet].setValue(values.first ?? .empty, at: CellAddress(row: row, column: keyColumn))
            return
        }
        insertRows(RowInsertion(sheet: sheetName, before: row + 1, count: values.count - 1, growingFrom: row))
        let template = sheets[sheet].rowSnapshot(row)
        for offset in 1..<values.count {
            sheets[sheet].paste(template, at: row + offset)
        }
        for (offset, value) in values.enumerated() {
            sheets[sheet].setValue(value, at: CellAddress(row: row + offset, column: keyColumn))
        }
    }
}

/// One row's cells, formulas, height, merges and notes, to paste elsewhere on the sheet.
struct RowSnapshot {
    var row: Int
    var cells: [(column: Int, value: CellValue, style: Int, formula: String?)]
    var format: RowFormat?
    var merges: [CellRange]
    var notes: [CellNote]
}

extension WorksheetModel {
    func rowSnapshot(_ row: Int) -> RowSnapshot {
        var cellsOfRow: [(Int, CellValue, Int, String?)] = []
        for record in cells.records where Int(record.row) == row {
            let formula = record.hasFormula ? self.formula(at: record.address).flatMap { f -> String? in
                if case .normal(let text) = f.kind { return text }
                return nil
            } : nil
            cellsOfRow.append((Int(record.column), cells.value(of: record), Int(record.style), formula))
        }
        return RowSnapshot(
            row: row, cells: cellsOfRow.map { (column: $0.0, value: $0.1, style: $0.2, formula: $0.3) },
            format: rows.first { $0.row == row },
            merges: mergedRanges.filter { Int($0.first.row) == row && Int($0.last.row) == row },
            notes: notes.filter { Int($0.address.row) == row })
    }

    /// Pastes a row as Excel pastes a copied row: relative references move by the distance, `$`
    /// ones stay.
    mutating func paste(_ snapshot: RowSnapshot, at row: Int) {
        let distance = row - snapshot.row
        for cell in snapshot.cells {
            let address = CellAddress(row: row, column: cell.column)
            if let formula = cell.formula {
                setFormula(FormulaTranslator.translate(formula, rows: distance, columns: 0), at: address, style: cell.style)
            } else {
                setValue(cell.value, at: address, style: cell.style)
            }
        }
        if var format = snapshot.format {
            format.row = row
            rows.removeAll { $0.row == row }
            rows.append(format)
            rows.sort { $0.row < $1.row }
        }
        for merge in snapshot.merges {
            mergedRanges.append(CellRange(first: CellAddress(row: row, column: Int(merge.first.column)),
                                          last: CellAddress(row: row, column: Int(merge.last.column))))
        }
        for note in snapshot.notes {
            var copy = note
            copy.address = CellAddress(row: row, column: Int(note.address.column))
            notes.append(copy)
        }
        notes.sort { $0.address < $1.address }
    }
}

/// Sheet names as Excel allows them: at most 31 characters, none of `[]:*?/\`, not blank, not
/// starting or ending with `'`, unique without regard to case.
enum SheetNaming {
    static func text(of value: CellValue) -> String {
        switch value {
        case .number(let x): FormulaPrinter.number(x)
        case .text(let t): t
        case .boolean(let b): b ? "TRUE" : "FALSE"
        case .error(let e): e.text
        case .empty: ""
        }
    }

    static func valid(_ raw: String) -> String {
        var name = String(raw.map { "[]:*?/\\".contains($0) ? "_" : $0 })
        name = name.trimmingCharacters(in: CharacterSet(charactersIn: "' ").union(.whitespacesAndNewlines))
        if name.isEmpty { name = "Blad" }
        if name.lowercased() == "history" { name = "History_" }
        return String(name.prefix(31))
    }

    static func unique(_ name: String, taken: Set<String>) -> String {
        guard taken.contains(name.lowercased()) else { return name }
        var n = 2
        while true {
            let suffix = " (\(n))"
            let candidate = String(name.prefix(31 - suffix.count)) + suffix
            if !taken.contains(candidate.lowercased()) { return candidate }
            n += 1
        }
    }
}
