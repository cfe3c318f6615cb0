import Kalkyl

/// How each defined name reaches the written file. libxlsxwriter 1.1.4 keeps a name, its sheet
/// and its formula in fixed 128-byte buffers (`lxw_defined_name`), splits a local name at the
/// first `!`, has no hidden or comment flag, and refuses an empty formula; names it cannot hold
/// exactly are written by the package pass instead (the same `<definedName>` element).
/// Print titles, print areas and the filter database become libxlsxwriter's own calls.
struct NamePlan {
    enum Route {
        case library(name: String, formula: String)
        case printTitles(sheet: Int, rows: ClosedRange<Int>?, columns: ClosedRange<Int>?)
        case printArea(sheet: Int, range: CellRange)
        /// Made by libxlsxwriter itself (the autofilter's `_xlnm._FilterDatabase`).
        case implied
        case injected(xml: String)
        case dropped(reason: String)
        /// Left out because it refers to another workbook: formulas using it keep their cached values.
        case droppedExternal
    }

    /// `outputIndex[modelIndex]`: where each written sheet lands, nil for sheets not written.
    static func route(_ name: DefinedName, model: WorkbookModel, outputIndex: [Int?],
                      excludedSheetNames: [String]) -> Route {
        let scope: Int?
        if let s = name.sheetScope {
            guard s >= 0, s < outputIndex.count, let out = outputIndex[s] else {
                return .dropped(reason: "its sheet is not written")
            }
            scope = out
        } else {
            scope = nil
        }
        let formula = name.formula.hasPrefix("=") ? String(name.formula.dropFirst()) : name.formula
        if FormulaSheets.hasExternalReference(formula) { return .droppedExternal }
        if FormulaSheets.mentionsAny(excludedSheetNames, in: formula) {
            return .dropped(reason: "it refers to a sheet that is not written")
        }
        if formula.trimmingCharacters(in: .whitespaces).isEmpty {
            return .dropped(reason: "its formula is empty")
        }
        if name.isBuiltIn, let s = name.sheetScope, let out = scope {
            let sheetName = model.sheets[s].name
            switch name.name.lowercased() {
            case "_xlnm.print_titles":
                if let titles = printTitles(formula, sheet: sheetName) {
                    return .printTitles(sheet: out, rows: titles.rows, columns: titles.columns)
                }
            case "_xlnm.print_area":
                if let areas = areas(formula), areas.count == 1, areas[0].sheet.map({ $0.caseInsensitiveEquals(sheetName) }) ?? true {
                    return .printArea(sheet: out, range: areas[0].range)
                }
            case "_xlnm._filterdatabase":
                if model.sheets[s].autoFilterRange != nil { return .implied }
            default:
                break
            }
        }
        if let libraryName = libraryName(name, scope: scope, model: model, formula: formula) {
            return .library(name: libraryName, formula: formula)
        }
        var xml = "<definedName name=\"\(XMLEscaping.attribute(name.name))\""
        if let comment = name.comment { xml += " comment=\"\(XMLEscaping.attribute(comment))\"" }
        if let scope { xml += " localSheetId=\"\(scope)\"" }
        if name.hidden { xml += " hidden=\"1\"" }
        xml += ">\(XMLEscaping.text(formula))</definedName>"
        return .injected(xml: xml)
    }

    /// The name as `workbook_define_name` takes it (`Sheet!Name` for a local name), when
    /// libxlsxwriter can hold it exactly.
    private static func libraryName(_ name: DefinedName, scope: Int?, model: WorkbookModel, formula: String) -> String? {
        guard !name.hidden, name.comment == nil, !name.isBuiltIn else { return nil }
        guard name.name.unicodeScalars.allSatisfy({ $0.properties.isAlphabetic || $0.properties.numericType != nil
                || $0 == "_" || $0 == "." || $0 == "\\" || $0 == "?" }), !name.name.isEmpty else { return nil }
        var full = name.name
        if let s = name.sheetScope {
            let sheetName = model.sheets[s].name
            // The sheet is found by its exact name; a `!` or quote in it would be split or stripped.
            guard !sheetName.contains("!"), !sheetName.hasPrefix("'"), !sheetName.hasSuffix("'") else { return nil }
            full = sheetName + "!" + name.name
        }
        // 127 bytes: the buffers are 128 bytes with the terminating NUL.
        guard full.utf8.count <= 127, formula.utf8.count <= 127, scope.map({ $0 >= 0 }) ?? true else { return nil }
        return full
    }

    /// `'Sheet'!$1:$2`, `Sheet!$A:$B`, or both separated by a comma.
    static func printTitles(_ formula: String, sheet: String) -> (rows: ClosedRange<Int>?, columns: ClosedRange<Int>?)? {
        guard let areas = areas(formula), (1...2).contains(areas.count) else { return nil }
        var rows: ClosedRange<Int>?
        var columns: ClosedRange<Int>?
        for area in areas {
            guard area.sheet.map({ $0.caseInsensitiveEquals(sheet) }) ?? true else { return nil }
            let r = area.range
            if r.first.column == 0 && Int(r.last.column) == Grid.columnCount - 1 && rows == nil {
                rows = Int(r.first.row)...Int(r.last.row)
            } else if r.first.row == 0 && Int(r.last.row) == Grid.rowCount - 1 && columns == nil {
                columns = Int(r.first.column)...Int(r.last.column)
            } else {
                return nil
            }
        }
        return (rows, columns)
    }

    /// Comma-separated references with optional sheets; nil when anything else is in the formula.
    static func areas(_ formula: String) -> [SheetRangeReference]? {
        var parts: [String] = []
        var current = ""
        var inQuote = false
        for ch in formula {
            if ch == "'" { inQuote.toggle() }
            if ch == "," && !inQuote {
                parts.append(current)
                current = ""
            } else {
                current.append(ch)
            }
        }
        parts.append(current)
        var result: [SheetRangeReference] = []
        for p in parts {
            guard let r = SheetRangeReference(parsing: p) else { return nil }
            result.append(r)
        }
        return result
    }
}

enum FormulaSheets {
    /// Whether a formula refers to another workbook (`[1]Sheet!A1`, `'[2]Budget 2025'!B4`): the
    /// reader keeps no external-link parts, and Excel repairs a file whose formulas name a link
    /// that is not there. Brackets of structured references (`Tabell[Belopp]`, `[@2025]`) follow a
    /// name or another bracket and do not count.
    static func hasExternalReference(_ formula: String) -> Bool {
        guard formula.utf8.contains(UInt8(ascii: "[")) else { return false }
        let chars = Array(formula.utf8)
        var i = 0
        var inString = false
        while i < chars.count {
            let c = chars[i]
            if c == UInt8(ascii: "\"") { inString.toggle() }
            if !inString && c == UInt8(ascii: "[") {
                let before: UInt8? = i > 0 ? chars[i - 1] : nil
                let startsToken = before.map { b in
                    !(b == UInt8(ascii: "_") || b == UInt8(ascii: ".") || b == UInt8(ascii: "]") || b == UInt8(ascii: "[")
                      || b == UInt8(ascii: "\\") || b >= 0x80 || (b >= 0x30 && b <= 0x39) || ((b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A))
                } ?? true
                var j = i + 1
                while j < chars.count && chars[j] >= 0x30 && chars[j] <= 0x39 { j += 1 }
                if startsToken && j > i + 1 && j < chars.count && chars[j] == UInt8(ascii: "]") {
                    if before == UInt8(ascii: "'") { return true }
                    // `[1]Blad1!A1` or `[1]!Namn`: a sheet name (or nothing) and then `!`.
                    var k = j + 1
                    while k < chars.count, isNameByte(chars[k]) { k += 1 }
                    if k < chars.count && chars[k] == UInt8(ascii: "!") { return true }
                }
            }
            i += 1
        }
        return false
    }

    static func isNameByte(_ b: UInt8) -> Bool {
        b == UInt8(ascii: "_") || b == UInt8(ascii: ".") || b == UInt8(ascii: "\\") || b >= 0x80
            || (b >= 0x30 && b <= 0x39) || ((b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A)
    }

    /// Whether `name` occurs in the formula as a name of its own (not inside a longer name).
    static func mentionsName(_ name: String, in formula: String) -> Bool {
        let text = Array(formula.lowercased().utf8), key = Array(name.lowercased().utf8)
        var from = 0
        while let at = find(key, in: text, from: from) {
            let before = at > 0 ? text[at - 1] : nil
            let after = at + key.count < text.count ? text[at + key.count] : nil
            // Not inside a string literal: an even number of quotes before it.
            let quotes = text[..<at].reduce(0) { $0 + ($1 == UInt8(ascii: "\"") ? 1 : 0) }
            if quotes % 2 == 0 && !(before.map(isNameByte) ?? false)
                && !(after.map { isNameByte($0) || $0 == UInt8(ascii: "(") } ?? false) {
                return true
            }
            from = at + 1
        }
        return false
    }

    /// Whether a formula refers to any of these sheets (`Name!`, `'Name'!`, or a 3-D span).
    static func mentionsAny(_ sheets: [String], in formula: String) -> Bool {
        guard !sheets.isEmpty, formula.utf8.contains(UInt8(ascii: "!")) else { return false }
        let lower = formula.lowercased()
        for sheet in sheets {
            let name = sheet.lowercased()
            let quoted = "'" + name.replacingOccurrences(of: "'", with: "''")
            if lower.contains(quoted + "'!") || lower.contains(quoted + ":") || lower.contains(":" + name + "'!") {
                return true
            }
            var search = lower[...]
            while let r = search.range(of: name + "!") {
                let before = r.lowerBound == lower.startIndex ? nil : lower[lower.index(before: r.lowerBound)]
                if before == nil || !(before!.isLetter || before!.isNumber || before! == "_" || before! == ".") {
                    return true
                }
                search = search[r.upperBound...]
            }
        }
        return false
    }
}

import Foundation
