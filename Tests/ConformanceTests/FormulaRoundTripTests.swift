import Foundation
import Kalkyl
import KalkylXLSX
import Testing

/// Every formula of the corpus parses, prints back, and the printed text parses to the same
/// expression: the writer relies on printing.
@Suite("Formula round trip")
struct FormulaRoundTripTests {
    @Test("parse → print → parse gives the same expression for every corpus formula")
    func corpusFormulasRoundTrip() throws {
        var parsed = 0
        var problems: [String] = []
        for workbook in try EngineConformanceTests.workbooks() {
            let model = try XLSXReader().read(EngineConformanceTests.corpus.appendingPathComponent(workbook))
            let book = Workbook(model)
            for (s, sheet) in model.sheets.enumerated() {
                for formula in sheet.formulas {
                    guard let text = sheet.formulaText(of: formula) else { continue }
                    guard let e = try? book.parseFormula(text, sheet: s, anchor: formula.address) else { continue }
                    parsed += 1
                    let printer = FormulaPrinter(cell: formula.address, sheet: s, sheetNames: book.sheetNames)
                    let printed = printer.text(e)
                    do {
                        let again = try book.parseFormula(printed, sheet: s, anchor: formula.address)
                        if again != e { problems.append("\(workbook) \(sheet.name)!\(formula.address.a1): \(text) → \(printed)") }
                    } catch {
                        problems.append("\(workbook) \(sheet.name)!\(formula.address.a1): \(text) → \(printed) does not parse: \(error)")
                    }
                }
            }
        }
        #expect(parsed > 80_000)
        #expect(problems.isEmpty, "\(problems.count) formulas do not round-trip, e.g. \(problems.prefix(8))")
    }

    @Test("syntax errors are positioned and every corpus formula parses")
    func corpusFormulasParse() throws {
        var failures: [String] = []
        for workbook in try EngineConformanceTests.workbooks() {
            let model = try XLSXReader().read(EngineConformanceTests.corpus.appendingPathComponent(workbook))
            let book = Workbook(model)
            for (s, sheet) in model.sheets.enumerated() {
                for formula in sheet.formulas {
                    guard let text = sheet.formulaText(of: formula) else { continue }
                    do { _ = try book.parseFormula(text, sheet: s, anchor: formula.address) } catch {
                        failures.append("\(workbook) \(sheet.name)!\(formula.address.a1): \(text): \(error)")
                    }
                }
            }
        }
        #expect(failures.isEmpty, "\(failures.count) corpus formulas do not parse: \(failures.prefix(10))")
    }
}
