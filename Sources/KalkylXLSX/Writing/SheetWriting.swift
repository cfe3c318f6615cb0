import Kalkyl

/// One sheet: its layout, then its cells in row-major order (which libxlsxwriter's constant-memory
/// mode needs), with the calculated values cached in its formulas.
struct SheetWriting {
    let sheet: WorksheetModel
    let modelIndex: Int
    let handle: Int
    let native: NativeWorkbook
    let engine: Workbook?
    let excludedSheets: [String]
    let droppedNames: [String]
    /// Names left out because they refer to other workbooks.
    let externalNames: [String]
    let constantMemory: Bool
    let progress: ((WriteProgress) -> Void)?
    /// Notes and hyperlinks, checked against libxlsxwriter's limits.
    private let notesAndLinks: NoteAndLinkPlan

    private(set) var patches: [CellPatch] = []
    private(set) var warnings: [String] = []
    private(set) var cellsWritten = 0
    private(set) var formulasWritten = 0

    init(sheet: WorksheetModel, modelIndex: Int, handle: Int, native: NativeWorkbook, engine: Workbook?,
         excludedSheets: [String], droppedNames: [String], externalNames: [String], constantMemory: Bool,
         progress: ((WriteProgress) -> Void)?) {
        self.sheet = sheet
        self.modelIndex = modelIndex
        self.handle = handle
        self.native = native
        self.engine = engine
        self.excludedSheets = excludedSheets
        self.droppedNames = droppedNames
        self.externalNames = externalNames
        self.constantMemory = constantMemory
        self.progress = progress
        notesAndLinks = NoteAndLinkPlan(sheet: sheet)
    }

    private mutating func warn(_ message: String) {
        warnings.append("\(sheet.name): \(message)")
    }

    // MARK: - Layout

    mutating func writeLayout(formats: inout FormatCache, printTitles: (rows: ClosedRange<Int>?, columns: ClosedRange<Int>?)?,
                              printArea: CellRange?) throws {
        if sheet.kind != .worksheet {
            warn("a \(sheet.kind.rawValue) is written as an empty worksheet")
        }
        for c in sheet.columns {
            let format = try c.style.flatMap { try formats.handle(forCellFormat: $0) }
            guard c.width != nil || format != nil || c.hidden || c.outlineLevel > 0 else { continue }
            let width = c.width.map(Self.libraryColumnWidth) ?? 8.43
            try native.setColumns(handle, first: c.first, last: c.last, width: width, format: format,
                                  hidden: c.hidden, level: max(0, min(c.outlineLevel, 7)))
        }
        if let h = sheet.defaultRowHeight, h > 0, h <= 409, h != 15 {
            try native.setDefaultRowHeight(handle, h)
        }
        // Merged ranges before any cell: in constant-memory mode a range cannot reach back to
        // rows already flushed. libxlsxwriter writes nothing into the cells here.
        for range in sheet.mergedRanges where range.cellCount > 1 {
            try native.merge(handle, range)
        }
        if !constantMemory {
            for table in sheet.tables { try addTable(table) }
        }
        if let filter = sheet.autoFilterRange, !sheet.tables.contains(where: { $0.range == filter }) {
            try native.autofilter(handle, filter)
        }
        try writeView(formats: formats)
        try writePageSetup(printTitles: printTitles, printArea: printArea)
        try writeConditionalFormats(formats: &formats)
        try writeDataValidations()
        // Notes before any cell: in constant-memory mode a note cannot go on a row already flushed.
        for note in notesAndLinks.notes {
            try native.writeNote(handle, Int(note.address.row), Int(note.address.column), text: note.text, author: note.author)
        }
        for w in notesAndLinks.warnings { warn(w) }
    }

    /// A stored column width (characters of the default font, as in the file) as the width
    /// libxlsxwriter takes, which it converts back with Calibri 11's 7-pixel digit and 5 pixels of
    /// padding: Excel's own widths come back exactly, others to the nearest pixel.
    static func libraryColumnWidth(_ stored: Double) -> Double {
        guard stored.isFinite, stored > 0 else { return 0 }
        let pixels = (min(stored, 255) * 7).rounded()
        return pixels >= 12 ? (pixels - 5) / 7 : pixels / 12
    }

    private func writeView(formats: FormatCache) throws {
        let v = sheet.view
        if v.frozenRows > 0 || v.frozenColumns > 0, v.frozenRows < Grid.rowCount, v.frozenColumns < Grid.columnCount {
            let topLeft = v.topLeftCell.flatMap { c -> CellAddress? in
                Int(c.row) >= v.frozenRows && Int(c.column) >= v.frozenColumns ? c : nil
            }
            try native.freezePanes(handle, rows: v.frozenRows, columns: v.frozenColumns, topLeft: topLeft)
        }
        if let zoom = v.zoom, zoom != 100, (10...400).contains(zoom) { try native.setZoom(handle, zoom) }
        if !v.showGridLines || sheet.pageSetup.printGridLines {
            try native.setGridlines(handle, screen: v.showGridLines, print: sheet.pageSetup.printGridLines)
        }
        if v.rightToLeft { try native.setRightToLeft(handle) }
        if let tab = sheet.tabColor, let rgb = formats.resolve(tab) { try native.setTabColor(handle, rgb) }
    }

    private mutating func writePageSetup(printTitles: (rows: ClosedRange<Int>?, columns: ClosedRange<Int>?)?,
                                         printArea: CellRange?) throws {
        let p = sheet.pageSetup
        if p.orientation == .landscape { try native.setLandscape(handle, true) }
        if let paper = p.paperSize, paper > 0, paper < 256 { try native.setPaper(handle, paper) }
        if p.fitToPage {
            try native.fitToPages(handle, width: max(0, min(p.fitToWidth ?? 1, 32767)), height: max(0, min(p.fitToHeight ?? 1, 32767)))
        } else if let scale = p.scale, scale != 100, (10...400).contains(scale) {
            try native.setPrintScale(handle, scale)
        }
        if p.centerHorizontally { try native.centerHorizontally(handle) }
        if p.centerVertically { try native.centerVertically(handle) }
        var headerMargin: Double?
        var footerMargin: Double?
        if let m = p.margins, m.count == 6, m.allSatisfy({ $0.isFinite && $0 >= 0 }) {
            try native.setMargins(handle, left: m[0], right: m[1], top: m[2], bottom: m[3])
            headerMargin = m[4]
            footerMargin = m[5]
        }
        // libxlsxwriter limits headers to 255 characters and wants an image for every &G.
        if let header = p.header, !header.isEmpty {
            if header.count <= 255 && !header.contains("&G") {
                try native.setHeader(handle, header, margin: headerMargin)
            } else {
                warn("the page header was left out (longer than 255 characters or with a picture)")
            }
        }
        if let footer = p.footer, !footer.isEmpty {
            if footer.count <= 255 && !footer.contains("&G") {
                try native.setFooter(handle, footer, margin: footerMargin)
            } else {
                warn("the page footer was left out (longer than 255 characters or with a picture)")
            }
        }
        if let titles = printTitles {
            if let rows = titles.rows { try native.repeatRows(handle, first: rows.lowerBound, last: rows.upperBound) }
            if let columns = titles.columns { try native.repeatColumns(handle, first: columns.lowerBound, last: columns.upperBound) }
        }
        if let printArea { try native.printArea(handle, printArea) }
    }

    private mutating func addTable(_ t: TableModel) throws {
        guard t.columns.count == t.range.columnCount, TableNames.isValid(t.displayName) else {
            warn("table '\(t.displayName)' was left out (its name or columns cannot be written); its cells are kept")
            return
        }
        let dataRows = t.range.rowCount - t.headerRowCount - t.totalsRowCount
        let headers = t.columns.map(\.name)
        guard dataRows >= 1, t.headerRowCount <= 1, t.totalsRowCount <= 1,
              Set(headers.map { $0.lowercased() }).count == headers.count,
              headers.allSatisfy({ !$0.isEmpty && $0.utf8.count <= 255 }) else {
            warn("table '\(t.displayName)' was left out (no data row, or empty or repeated column names); its cells are kept")
            return
        }
        var style: (kind: String, number: Int)?
        if let name = t.styleName {
            for kind in ["Light", "Medium", "Dark"] where name.hasPrefix("TableStyle" + kind) {
                if let n = Int(name.dropFirst(("TableStyle" + kind).count)), (1...28).contains(n) { style = (kind, n) }
            }
            if style == nil { warn("table '\(t.displayName)': style '\(name)' is written as the default style") }
        }
        let columns = t.columns.map { c in
            NativeWorkbook.TableColumn(header: c.name, totalFunction: c.totalsRowFunction,
                                       totalLabel: c.totalsRowLabel.flatMap { $0.utf8.count <= 255 ? $0 : nil })
        }
        try native.addTable(handle, t.range, name: t.displayName, columns: columns, hasHeaderRow: t.headerRowCount > 0,
                            hasTotalsRow: t.totalsRowCount > 0, hasAutoFilter: t.hasAutoFilter, style: style,
                            bandedRows: t.showRowStripes, bandedColumns: t.showColumnStripes)
    }

    private mutating func writeConditionalFormats(formats: inout FormatCache) throws {
        for cf in sheet.conditionalFormats {
            guard let first = cf.ranges.first else { continue }
            let extra = cf.ranges.count > 1 ? cf.ranges.map(\.a1).joined(separator: " ") : nil
            for rule in cf.rules {
                let kind: WritableConditionalRule.Kind
                switch rule.type {
                case "cellIs":
                    guard let op = rule.operator, let f1 = rule.formulas.first, Self.fits(f1) else { continue }
                    kind = .cellIs(operator: op, f1, rule.formulas.count > 1 ? rule.formulas[1] : nil)
                case "expression":
                    guard let f = rule.formulas.first, Self.fits(f) else { continue }
                    kind = .expression(f)
                default:
                    warn("a conditional format of type '\(rule.type)' on \(first.a1) was left out")
                    continue
                }
                let format = try rule.differentialFormat.flatMap { try formats.handle(forDifferential: $0) }
                try native.conditionalFormat(handle, first, rule: WritableConditionalRule(kind: kind, stopIfTrue: rule.stopIfTrue,
                                                                                          multiRange: extra), format: format)
            }
        }
    }

    /// Conditional-format and validation formulas: libxlsxwriter copies them whole; Excel caps them.
    private static func fits(_ formula: String) -> Bool {
        !formula.isEmpty && formula.utf16.count <= 8192 && !FormulaSheets.hasExternalReference(formula)
    }

    private mutating func writeDataValidations() throws {
        for v in sheet.dataValidations {
            guard let first = v.ranges.first else { continue }
            guard let f1 = v.formula1, Self.fits(f1), v.type != "none",
                  // A literal list holds at most 255 characters in Excel. (It goes to libxlsxwriter as a
                  // formula: its `value_list` path copies into a 255-byte buffer without checking.)
                  !(v.type == "list" && f1.hasPrefix("\"") && f1.utf16.count > 257),
                  (v.prompt?.utf16.count ?? 0) <= 255, (v.error?.utf16.count ?? 0) <= 255,
                  (v.promptTitle?.utf16.count ?? 0) <= 32, (v.errorTitle?.utf16.count ?? 0) <= 32 else {
                warn("a data validation on \(first.a1) was left out")
                continue
            }
            let writable = WritableDataValidation(
                type: v.type, operator: v.operator, formula1: f1, formula2: v.formula2, allowBlank: v.allowBlank,
                showInputMessage: v.showInputMessage, showErrorMessage: v.showErrorMessage, showDropDown: !v.hideDropDown,
                errorStyle: v.errorStyle, promptTitle: v.promptTitle, prompt: v.prompt, errorTitle: v.errorTitle, error: v.error)
            for range in v.ranges { try native.dataValidation(handle, range, writable) }
        }
    }

    // MARK: - Cells

    mutating func writeCells(formats: inout FormatCache) throws {
        let records = sheet.cells.records
        let formulas = sheet.formulas
        // Array formulas and where their results go now.
        var arrayRanges: [CellAddress: CellRange] = [:]
        var extras: [CellAddress] = []
        for f in formulas {
            guard case .array(let fileRange, _, let isDynamic) = f.kind else { continue }
            let range = isDynamic ? spillRange(anchor: f.address, fileRange: fileRange) : fileRange
            arrayRanges[f.address] = range
            if engine != nil && range.cellCount > 1 {
                for row in range.first.row...range.last.row {
                    for column in range.first.column...range.last.column {
                        let a = CellAddress(row: Int(row), column: Int(column))
                        if sheet.cells.index(of: a) == nil { extras.append(a) }
                    }
                }
            }
        }
        // Hyperlinked cells the file has no record for (the link is written on its own there).
        let links = notesAndLinks.links
        if !links.isEmpty {
            extras = Array(Set(extras + links.keys.filter { sheet.cells.index(of: $0) == nil }))
        }
        extras.sort()

        var rowFormats = sheet.rows.sorted { $0.row < $1.row }[...]
        var formattedRows = Set<Int>()
        for r in sheet.rows where try r.style.flatMap({ try formats.handle(forCellFormat: $0) }) != nil { formattedRows.insert(r.row) }
        var formattedColumns: [Bool] = []
        for c in sheet.columns where try c.style.flatMap({ try formats.handle(forCellFormat: $0) }) != nil {
            if formattedColumns.isEmpty { formattedColumns = Array(repeating: false, count: Grid.columnCount) }
            for i in c.first...c.last { formattedColumns[i] = true }
        }
        let rowCount = (records.last.map { Int($0.row) } ?? 0) + 1
        var lastRow = -1
        var recordIndex = 0, extraIndex = 0, formulaIndex = 0
        var skippedFormulas = 0
        var dataTables = 0

        while recordIndex < records.count || extraIndex < extras.count {
            let address: CellAddress
            var record: CellStore.Record?
            if extraIndex < extras.count && (recordIndex >= records.count || extras[extraIndex] < records[recordIndex].address) {
                address = extras[extraIndex]
                extraIndex += 1
            } else {
                record = records[recordIndex]
                address = records[recordIndex].address
                recordIndex += 1
            }
            let row = Int(address.row)
            if row != lastRow {
                while let r = rowFormats.first, r.row <= row {
                    try writeRowFormat(r, formats: &formats)
                    rowFormats = rowFormats.dropFirst()
                }
                if let progress, row / 10_000 != lastRow / 10_000 {
                    progress(WriteProgress(sheet: sheet.name, rowsWritten: row, rowCount: rowCount))
                }
                lastRow = row
            }
            var formula: CellFormula?
            if record?.hasFormula == true {
                while formulaIndex < formulas.count && formulas[formulaIndex].address < address { formulaIndex += 1 }
                if formulaIndex < formulas.count && formulas[formulaIndex].address == address { formula = formulas[formulaIndex] }
            }
            let style = try formats.handle(forCellFormat: Int(record?.style ?? 0))
            // Without a format libxlsxwriter would give the cell its row's or column's format. (Only
            // there: every use of a format equal to the default costs libxlsxwriter a hash lookup.)
            let format = try style ?? (formattedRows.contains(row) || (Int(address.column) < formattedColumns.count
                && formattedColumns[Int(address.column)]) ? formats.defaultHandle() : nil)
            let cached = record.map { sheet.cells.value(of: $0) } ?? .empty
            var value = engine?.value(sheet: modelIndex, at: address) ?? cached
            var text: String?
            if let formula {
                switch plan(formula) {
                case .formula(let t): text = t
                case .value: skippedFormulas += 1
                case .cachedValue:
                    // What the engine cannot compute (another workbook's cells): the file's value.
                    skippedFormulas += 1
                    value = cached
                case .dataTable: dataTables += 1
                }
            }

            // The link first: libxlsxwriter writes into the cell, which is then written as it was.
            let link = links.isEmpty ? nil : links[address]
            if let link {
                try native.writeURL(handle, row, Int(address.column), url: link.url, format: try format ?? formats.defaultHandle(),
                                    string: link.string, tooltip: link.tooltip)
            }
            if let formula, let text {
                if case .array(_, _, let isDynamic) = formula.kind {
                    let range = arrayRanges[address] ?? CellRange(address)
                    let (number, patch) = cachedNumber(value)
                    try native.writeArrayFormula(handle, range, text, dynamic: isDynamic, format: format, number: number)
                    if let patch { addPatch(address, patch) }
                } else {
                    try writeFormula(text, value: value, at: address, format: format)
                }
                formulasWritten += 1
                cellsWritten += 1
            } else if try writeConstant(value, at: address, format: format, styled: style != nil) {
                cellsWritten += 1
            } else if let link, !link.string.isEmpty {
                try native.writeBlank(handle, row, Int(address.column), format: try formats.defaultHandle())
            }
        }
        for r in rowFormats { try writeRowFormat(r, formats: &formats) }
        if skippedFormulas > 0 {
            warn("\(skippedFormulas) formula(s) were written as values (they refer to other workbooks, or to sheets or names not written, or are empty or too long)")
        }
        if dataTables > 0 {
            warn("\(dataTables) what-if data table cell(s) were written as their values")
        }
        progress?(WriteProgress(sheet: sheet.name, rowsWritten: rowCount, rowCount: rowCount))
    }

    private func writeRowFormat(_ r: RowFormat, formats: inout FormatCache) throws {
        let format = try r.style.flatMap { try formats.handle(forCellFormat: $0) }
        let height = r.height.flatMap { $0.isFinite && $0 >= 0 && $0 <= 409 ? $0 : nil } ?? sheet.defaultRowHeight ?? 15
        try native.setRow(handle, r.row, height: height, format: format, hidden: r.hidden, level: max(0, min(r.outlineLevel, 7)))
    }

    private enum FormulaPlan {
        case formula(String)
        /// Written as its value (the engine's).
        case value
        /// Written as the value the file had cached.
        case cachedValue
        case dataTable
    }

    /// Whether the formula can be written as a formula here, or what to write instead.
    private func plan(_ f: CellFormula) -> FormulaPlan {
        if case .dataTable = f.kind { return .dataTable }
        // The engine no longer has it (an input set in its place).
        if let engine, engine.formula(sheet: modelIndex, at: f.address) == nil { return .value }
        guard let text = sheet.formulaText(of: f) else { return .value }
        if FormulaSheets.hasExternalReference(text) || externalNames.contains(where: { FormulaSheets.mentionsName($0, in: text) }) {
            return .cachedValue
        }
        // libxlsxwriter 1.1.4 misbehaves on empty formulas; Excel caps formulas at 8,192 characters.
        guard text.utf8.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }),
              text.utf8.count <= 8192 || text.utf16.count <= 8192,
              !FormulaSheets.mentionsAny(excludedSheets, in: text), !mentionsDroppedName(text) else {
            return .value
        }
        return .formula(text)
    }

    private func mentionsDroppedName(_ text: String) -> Bool {
        guard !droppedNames.isEmpty else { return false }
        return droppedNames.contains { FormulaSheets.mentionsName($0, in: text) }
    }

    private mutating func addPatch(_ address: CellAddress, _ value: CellPatch.Value) {
        patches.append(CellPatch(row: UInt32(address.row), column: UInt16(address.column), value: value))
    }

    /// The number libxlsxwriter caches for an array formula's value, and the patch that gives
    /// the cell its real value when that number is not it.
    private func cachedNumber(_ value: CellValue) -> (Double, CellPatch.Value?) {
        switch value {
        case .number(let x):
            guard x.isFinite else { return (0, .error(.number)) }
            return (x, NumberWriting.survivesLibxlsxwriter(x) ? nil : .number(x))
        case .text(let s): return (0, .formulaText(Self.capped(s)))
        case .boolean(let b): return (b ? 1 : 0, .boolean(b))
        case .error(let e): return (0, .error(e))
        case .empty: return (0, .formulaText(""))
        }
    }

    private mutating func writeFormula(_ text: String, value: CellValue, at a: CellAddress, format: Int?) throws {
        let (row, column) = (Int(a.row), Int(a.column))
        switch value {
        case .text(let s) where !XMLEscaping.needsPatch(s) && (s.utf8.count <= 32767 || s.utf16.count <= 32767):
            try native.writeFormula(handle, row, column, text, format: format, string: s)
        case .empty:
            try native.writeFormula(handle, row, column, text, format: format, string: "")
        default:
            let (number, patch) = cachedNumber(value)
            try native.writeFormula(handle, row, column, text, format: format, number: number)
            if let patch { addPatch(a, patch) }
        }
    }

    /// Writes a constant; false when there was nothing to write (an unstyled empty cell).
    private mutating func writeConstant(_ value: CellValue, at a: CellAddress, format: Int?, styled: Bool) throws -> Bool {
        let (row, column) = (Int(a.row), Int(a.column))
        switch value {
        case .empty:
            guard styled else { return false }
            try native.writeBlank(handle, row, column, format: format)
        case .number(let x):
            if x.isFinite {
                try native.writeNumber(handle, row, column, x, format: format)
                if !NumberWriting.survivesLibxlsxwriter(x) { addPatch(a, .number(x)) }
            } else {
                try native.writeNumber(handle, row, column, 0, format: format)
                addPatch(a, .error(.number))
            }
        case .text(let s):
            let text = Self.capped(s)
            if text.isEmpty || XMLEscaping.needsPatch(text) {
                try native.writeNumber(handle, row, column, 0, format: format)
                addPatch(a, .inlineText(text))
            } else {
                try native.writeString(handle, row, column, text, format: format)
            }
        case .boolean(let b):
            try native.writeBoolean(handle, row, column, b, format: format)
        case .error(let e):
            try native.writeBoolean(handle, row, column, false, format: format)
            addPatch(a, .error(e))
        }
        return true
    }

    /// Excel holds at most 32,767 characters (UTF-16 units) in a cell.
    private static func capped(_ s: String) -> String {
        guard s.utf8.count > 32767, s.utf16.count > 32767 else { return s }
        var out = ""
        var units = 0
        for ch in s {
            units += ch.utf16.count
            if units > 32767 { break }
            out.append(ch)
        }
        return out
    }

    // MARK: - Dynamic arrays

    /// Where a dynamic array's result lies after recalculation. The engine keeps the range but does
    /// not publish it, so it is read from the values: the range the file had, shrunk past rows and
    /// columns the result left empty and grown over neighbours the result filled that hold nothing
    /// of their own in the file.
    private func spillRange(anchor: CellAddress, fileRange: CellRange) -> CellRange {
        guard let engine else { return fileRange }
        let s = modelIndex
        // Where the engine spilled it, when the engine has this formula.
        if let spilled = engine.arrayRange(sheet: s, at: anchor) { return spilled }
        if case .error(.spill) = engine.value(sheet: s, at: anchor) { return CellRange(anchor) }
        var lastRow = Int(fileRange.last.row), lastColumn = Int(fileRange.last.column)
        let top = Int(anchor.row), left = Int(anchor.column)
        func empty(_ row: Int, _ column: Int) -> Bool { engine.value(sheet: s, at: CellAddress(row: row, column: column)).isEmpty }
        func free(_ row: Int, _ column: Int) -> Bool {
            let a = CellAddress(row: row, column: column)
            guard !engine.value(sheet: s, at: a).isEmpty else { return false }
            guard let i = sheet.cells.index(of: a) else { return true }
            let r = sheet.cells.records[i]
            // A cell the file already had inside an array's range is that array's value.
            return !r.hasFormula && (r.kind == .blank || fileRange.contains(a))
        }
        while lastRow > top && (left...lastColumn).allSatisfy({ empty(lastRow, $0) }) { lastRow -= 1 }
        while lastColumn > left && (top...lastRow).allSatisfy({ empty($0, lastColumn) }) { lastColumn -= 1 }
        while lastRow + 1 < Grid.rowCount && (left...lastColumn).allSatisfy({ free(lastRow + 1, $0) }) { lastRow += 1 }
        while lastColumn + 1 < Grid.columnCount && (top...lastRow).allSatisfy({ free($0, lastColumn + 1) }) { lastColumn += 1 }
        return CellRange(first: anchor, last: CellAddress(row: lastRow, column: lastColumn))
    }
}

enum TableNames {
    /// A name Excel and libxlsxwriter accept for a table: a letter, `_` or `\` first, then letters,
    /// digits, `_` and `.`; at most 255 characters; not a cell reference (A1 or R1C1).
    static func isValid(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, name.utf16.count <= 255 else { return false }
        guard first.properties.isAlphabetic || first == "_" || first == "\\" else { return false }
        guard name.unicodeScalars.allSatisfy({ $0.properties.isAlphabetic || $0.properties.numericType != nil || $0 == "_" || $0 == "." || $0 == "\\" }) else {
            return false
        }
        if CellAddress(a1: name) != nil { return false }
        let upper = name.uppercased()
        if upper == "R" || upper == "C" { return false }
        if upper.hasPrefix("R") || upper.hasPrefix("C") {
            let rest = upper.drop { $0 == "R" || $0 == "C" || $0.isNumber }
            if rest.isEmpty && upper.contains(where: { $0.isNumber }) { return false }
        }
        return true
    }
}

import Foundation
