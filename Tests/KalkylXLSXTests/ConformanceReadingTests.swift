import Foundation
import Kalkyl
import Testing
@testable import KalkylXLSX

/// Reads every workbook of the conformance corpus and compares what the reader found with what
/// openpyxl found (Expected/*.json) and with the formulas and cached values the corpus lists.
@Suite("Reading the conformance corpus")
struct ConformanceReadingTests {
    @Test("the corpus is there")
    func corpusIsPresent() {
        #expect(Corpus.workbooks.count >= 230, "expected the corpus at \(Corpus.root.path)")
    }

    @Test("sheets, counts, merges, names, tables and sampled cells match openpyxl", arguments: Corpus.workbooks)
    func matchesOpenpyxl(workbook: String) throws {
        let model = try XLSXReader().read(Corpus.url(workbook))
        let expected = try Corpus.expectedReading(workbook)
        var emptyFormulaCells: [String: Int] = [:]
        for cell in try Corpus.expectedValues(workbook)["cells"] as? [[String: Any]] ?? [] where cell["formula"] as? String == "=" {
            emptyFormulaCells[cell["sheet"] as? String ?? "", default: 0] += 1
        }
        #expect(model.properties.date1904 == (expected["date1904"] as? Bool))

        let expectedSheets = expected["sheets"] as? [[String: Any]] ?? []
        let worksheets = model.sheets.filter { $0.kind == .worksheet }
        #expect(worksheets.map(\.name) == expectedSheets.map { $0["name"] as? String ?? "" })
        #expect(model.sheets.filter { $0.kind == .chartsheet }.map(\.name) == expected["chartsheets"] as? [String] ?? [])

        for (sheet, exp) in zip(worksheets, expectedSheets) {
            let label = "\(workbook) \(sheet.name)"
            #expect(sheet.visibility.rawValue == exp["state"] as? String, "\(label)")
            let valueCells = sheet.cells.records.filter { $0.kind != .blank || $0.hasFormula }
            // openpyxl also counts the empty `<f/>` elements some producers leave in array-formula
            // members; they hold no formula (the corpus lists them with formula "=").
            let emptyFormulaMembers = emptyFormulaCells[sheet.name, default: 0]
            #expect(valueCells.count + emptyFormulaMembers >= exp["cells"] as? Int ?? -1, "\(label) cells")
            #expect(valueCells.count <= exp["cells"] as? Int ?? -1, "\(label) cells")
            #expect(sheet.formulas.count + emptyFormulaMembers == exp["formulas"] as? Int, "\(label) formulas")
            #expect(sheet.mergedRanges.map(\.a1).sorted() == exp["merged"] as? [String] ?? [], "\(label) merged")
            let maxRow = valueCells.map { Int($0.row) + 1 }.max() ?? 0
            let maxColumn = valueCells.map { Int($0.column) + 1 }.max() ?? 0
            #expect(maxRow == exp["maxRow"] as? Int, "\(label) max row")
            #expect(maxColumn == exp["maxColumn"] as? Int, "\(label) max column")

            for sample in exp["samples"] as? [[String: Any]] ?? [] {
                let a1 = sample["cell"] as? String ?? ""
                let address = try #require(CellAddress(a1: a1))
                let where_ = "\(label)!\(a1)"
                if sample["dataTable"] as? Bool == true {
                    if case .dataTable = sheet.formula(at: address)?.kind {} else { Issue.record("\(where_): not a data table") }
                } else if let formula = sample["formula"] as? String, !formula.isEmpty {
                    #expect(sheet.formulaText(at: a1).map(collapsingSpaces) == collapsingSpaces(formula), "\(where_) formula")
                }
                expectValue(sheet.value(at: address), equals: sample, at: where_)
            }
        }

        let names = model.definedNames.map { n -> String in
            let scope = n.sheetScope.map { model.sheets[$0].name } ?? ""
            return "\(scope)|\(n.name)|\(n.formula)|\(n.hidden)"
        }.sorted()
        let expectedNames = (expected["definedNames"] as? [[String: Any]] ?? []).map { n -> String in
            "\(n["scope"] as? String ?? "")|\(n["name"] as? String ?? "")|\(n["value"] as? String ?? "")|\(n["hidden"] as? Bool ?? false)"
        }.sorted()
        #expect(names == expectedNames, "\(workbook) defined names")

        let tables = model.tables.map { "\($0.sheet)|\($0.displayName)|\($0.range.a1)|\($0.headerRowCount)|\($0.columns.map(\.name))" }.sorted()
        let expectedTables = (expected["tables"] as? [[String: Any]] ?? []).map { t -> String in
            "\(t["sheet"] as? String ?? "")|\(t["name"] as? String ?? "")|\(t["ref"] as? String ?? "")|\(t["headerRowCount"] as? Int ?? 1)|\(t["columns"] as? [String] ?? [])"
        }.sorted()
        #expect(tables == expectedTables, "\(workbook) tables")
    }

    @Test("every formula cell reads with the formula text and cached value the corpus lists", arguments: Corpus.workbooks)
    func formulasAndCachedValues(workbook: String) throws {
        let model = try XLSXReader().read(Corpus.url(workbook))
        let expected = try Corpus.expectedValues(workbook)
        var mismatches: [String] = []
        for cell in expected["cells"] as? [[String: Any]] ?? [] {
            let sheetName = cell["sheet"] as? String ?? ""
            let a1 = cell["cell"] as? String ?? ""
            guard let sheet = model.sheet(named: sheetName), let address = CellAddress(a1: a1) else {
                mismatches.append("\(sheetName)!\(a1): sheet or cell missing")
                continue
            }
            let kind = cell["kind"] as? String
            let expectedFormula = cell["formula"] as? String ?? ""
            if cell["formula"] is NSNull {
                // What-if data tables have no formula text; Excel fills them itself.
                if case .dataTable = sheet.formula(at: address)?.kind {} else {
                    mismatches.append("\(sheetName)!\(a1): not read as a data table")
                }
            } else if kind != "array-member" && kind != "dynamic-array-member" && expectedFormula != "=" {
                let text = sheet.formula(at: address).flatMap { sheet.formulaText(of: $0) }.map { "=" + $0 }
                if text.map(collapsingSpaces) != collapsingSpaces(expectedFormula) {
                    mismatches.append("\(sheetName)!\(a1): formula \(text ?? "nil") ≠ \(cell["formula"] ?? "")")
                }
            }
            if let problem = valueMismatch(sheet.value(at: address), cell) {
                mismatches.append("\(sheetName)!\(a1): \(problem)")
            }
        }
        #expect(mismatches.isEmpty, "\(workbook): \(mismatches.count) mismatches, first: \(mismatches.prefix(5))")
    }

    /// The corpus's tool wrote shared-formula followers with runs of spaces collapsed; Excel keeps
    /// the master's spacing, as the reader does.
    private func collapsingSpaces(_ text: String) -> String {
        var out = ""
        var lastWasSpace = false
        for ch in text {
            if ch == " " { if lastWasSpace { continue }; lastWasSpace = true } else { lastWasSpace = false }
            out.append(ch)
        }
        return out
    }

    private func expectValue(_ value: CellValue, equals sample: [String: Any], at place: String) {
        if let problem = valueMismatch(value, sample) { Issue.record("\(place): \(problem)") }
    }

    /// Compares a cell value with an expected `type`/`value` pair; nil when they agree.
    private func valueMismatch(_ value: CellValue, _ expected: [String: Any]) -> String? {
        let type = expected["type"] as? String ?? ""
        let raw = expected["value"]
        switch (type, value) {
        case ("n", .number(let n)):
            guard let e = (raw as? NSNumber)?.doubleValue, Corpus.isClose(n, e) else { return "\(n) ≠ \(raw ?? "nil")" }
        case ("s", .text(let s)):
            guard s == raw as? String else { return "\"\(s)\" ≠ \"\(raw ?? "nil")\"" }
        case ("s", .empty):
            guard (raw as? String) == "" else { return "empty ≠ \"\(raw ?? "nil")\"" }
        case ("b", .boolean(let b)):
            guard b == (raw as? Bool) else { return "\(b) ≠ \(raw ?? "nil")" }
        case ("e", .error(let e)):
            guard e.text == raw as? String else { return "\(e) ≠ \(raw ?? "nil")" }
        case ("empty", .empty):
            break
        default:
            return "\(value) (\(value)) is not of type \(type) \(raw ?? "nil")"
        }
        return nil
    }
}
