import Kalkyl

// Structural edits of a read workbook — rows inserted, sheets copied and renamed — that keep
// every formula, name, merge, conditional format, validation, table, note, link and chart pointing
// where it pointed, as Excel does when a user makes the same edit.

extension WorkbookModel {
    /// Makes every shared formula an ordinary one (its text moved to each cell), so that cells of
    /// one group can be moved apart.
    public mutating func expandSharedFormulas() {
        for s in sheets.indices { sheets[s].expandSharedFormulas() }
    }

    /// Inserts rows into a sheet (see `RowInsertion`): the sheet's cells and layout below move down,
    /// and references to the sheet everywhere in the workbook follow. Shared formulas are expanded
    /// first.
    public mutating func insertRows(_ insertion: RowInsertion) {
        guard insertion.count > 0, let target = sheetIndex(named: insertion.sheet) else { return }
        expandSharedFormulas()
        sheets[target].moveContent(insertion)
        rewriteFormulas { formula, sheetName in insertion.apply(to: formula, onSheet: sheetName) }
    }

    /// Renames a sheet and every reference to it.
    public mutating func renameSheet(at index: Int, to newName: String) {
        let old = sheets[index].name
        guard old != newName else { return }
        sheets[index].name = newName
        for t in sheets[index].tables.indices { sheets[index].tables[t].sheet = newName }
        rewriteFormulas { formula, _ in ReferenceRewriter.renamingSheet(formula, from: old, to: newName) }
    }

    /// Copies sheet `index` as a new sheet named `name`, placed at `position`: its cells, layout,
    /// notes, links and charts, and its sheet-scoped names. References in the copy to the sheet
    /// itself refer to the copy; references elsewhere keep referring to the original. Excel tables
    /// cannot be copied (their names are workbook-wide): a sheet with one is refused.
    public mutating func copySheet(at index: Int, named name: String, to position: Int) throws(WorkbookEditError) {
        let original = sheets[index]
        guard original.tables.isEmpty else {
            throw WorkbookEditError(message: "sheet '\(original.name)' has an Excel table (\(original.tables[0].displayName)); a sheet with a table cannot be repeated")
        }
        guard sheetIndex(named: name) == nil else { throw WorkbookEditError(message: "a sheet named '\(name)' exists already") }
        var copy = original
        copy.name = name
        copy.view.isSelected = false
        copy.part = original.part + " (copy '\(name)')"
        copy.rewriteFormulas { formula, _ in ReferenceRewriter.renamingSheet(formula, from: original.name, to: name) }
        sheets.insert(copy, at: position)
        // Sheet-scoped names: indexes at or after the new sheet move up; the original's are copied.
        var copiedNames: [DefinedName] = []
        for i in definedNames.indices {
            guard let scope = definedNames[i].sheetScope else { continue }
            let originalScope = scope
            if scope >= position { definedNames[i].sheetScope = scope + 1 }
            if originalScope == index {
                var n = definedNames[i]
                n.sheetScope = position
                n.formula = ReferenceRewriter.renamingSheet(n.formula, from: original.name, to: name)
                copiedNames.append(n)
            }
        }
        definedNames += copiedNames
    }

    /// Applies `edit` to every formula text of the workbook: cells, names, conditional formats,
    /// validations, table columns and chart series. `edit` gets the text and the name of the sheet
    /// the formula stands on (nil for workbook names).
    mutating func rewriteFormulas(_ edit: (String, String?) -> String) {
        for s in sheets.indices { sheets[s].rewriteFormulas(edit) }
        for i in definedNames.indices {
            let scopeName = definedNames[i].sheetScope.flatMap { sheets.indices.contains($0) ? sheets[$0].name : nil }
            definedNames[i].formula = edit(definedNames[i].formula, scopeName)
        }
    }
}

/// Why a structural edit could not be made.
public struct WorkbookEditError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

extension WorksheetModel {
    mutating func expandSharedFormulas() {
        guard !sharedFormulas.isEmpty else { return }
        for i in formulas.indices {
            guard case .shared = formulas[i].kind, let text = formulaText(of: formulas[i]) else { continue }
            formulas[i].kind = .normal(text)
        }
        sharedFormulas = [:]
    }

    /// Applies `edit` to the formulas standing on this sheet.
    mutating func rewriteFormulas(_ edit: (String, String?) -> String) {
        let own = name
        for i in formulas.indices {
            switch formulas[i].kind {
            case .normal(let text): formulas[i].kind = .normal(edit(text, own))
            case .array(let range, let text, let dynamic): formulas[i].kind = .array(range: range, text: edit(text, own), isDynamic: dynamic)
            case .shared, .dataTable: break
            }
        }
        for g in sharedFormulas.keys { sharedFormulas[g]!.text = edit(sharedFormulas[g]!.text, own) }
        for c in conditionalFormats.indices {
            for r in conditionalFormats[c].rules.indices {
                conditionalFormats[c].rules[r].formulas = conditionalFormats[c].rules[r].formulas.map { edit($0, own) }
            }
        }
        for v in dataValidations.indices {
            dataValidations[v].formula1 = dataValidations[v].formula1.map { edit($0, own) }
            dataValidations[v].formula2 = dataValidations[v].formula2.map { edit($0, own) }
        }
        for t in tables.indices {
            for c in tables[t].columns.indices {
                tables[t].columns[c].calculatedColumnFormula = tables[t].columns[c].calculatedColumnFormula.map { edit($0, own) }
            }
        }
        for c in charts.indices {
            charts[c].titleReference = charts[c].titleReference.map { edit($0, own) }
            for s in charts[c].series.indices {
                charts[c].series[s].values = edit(charts[c].series[s].values, own)
                charts[c].series[s].categories = charts[c].series[s].categories.map { edit($0, own) }
                charts[c].series[s].nameReference = charts[c].series[s].nameReference.map { edit($0, own) }
            }
        }
    }

    /// Moves this sheet's cells and layout for rows inserted into it (its formulas' texts are
    /// rewritten separately, with the rest of the workbook's).
    mutating func moveContent(_ insertion: RowInsertion) {
        let n = UInt32(insertion.count)
        let before = UInt32(insertion.before)
        var records = cells.records
        for i in records.indices where records[i].row >= before { records[i].row += n }
        cells.replaceAll(records)
        func cell(_ a: CellAddress) -> CellAddress { CellAddress(row: insertion.moved(Int(a.row)), column: Int(a.column)) }
        for i in formulas.indices {
            formulas[i].address = cell(formulas[i].address)
            switch formulas[i].kind {
            case .array(let range, let text, let dynamic):
                formulas[i].kind = .array(range: insertion.moved(range), text: text, isDynamic: dynamic)
            case .dataTable(let range):
                formulas[i].kind = .dataTable(range: range.map(insertion.moved))
            default: break
            }
        }
        for g in sharedFormulas.keys {
            sharedFormulas[g]!.anchor = cell(sharedFormulas[g]!.anchor)
            sharedFormulas[g]!.range = sharedFormulas[g]!.range.map(insertion.moved)
        }
        mergedRanges = mergedRanges.map(insertion.moved)
        for c in conditionalFormats.indices { conditionalFormats[c].ranges = conditionalFormats[c].ranges.map(insertion.moved) }
        for v in dataValidations.indices { dataValidations[v].ranges = dataValidations[v].ranges.map(insertion.moved) }
        for t in tables.indices { tables[t].range = insertion.moved(tables[t].range) }
        autoFilterRange = autoFilterRange.map(insertion.moved)
        for h in hyperlinks.indices { hyperlinks[h].range = insertion.moved(hyperlinks[h].range) }
        for i in notes.indices { notes[i].address = cell(notes[i].address) }
        for i in rows.indices { rows[i].row = insertion.moved(rows[i].row) }
        for c in charts.indices {
            charts[c].anchor.from = cell(charts[c].anchor.from)
            charts[c].anchor.to = cell(charts[c].anchor.to)
        }
    }
}
