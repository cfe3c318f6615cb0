import Foundation
import Kalkyl
import Testing
@testable import KalkylXLSX

/// A second calculation engine checks Kalkyl: LibreOffice recalculates every conformance workbook on
/// load, and each formula cell's result must equal Kalkyl's, or be listed with its reason in
/// `libreoffice-differences.tsv` — either LibreOffice differs from Excel there (Kalkyl has Excel's
/// value), or Kalkyl does and the cell is a known failure of the engine conformance test.
///
/// It takes a minute or two, so it runs only when asked:
/// `KALKYL_LIBREOFFICE_CORPUS=1 swift test --filter LibreOfficeRecalcTests` (`make test-libreoffice`).
/// With `KALKYL_WRITE_LIBREOFFICE_DIFFERENCES=1` as well it rewrites the list, keeping the reasons
/// already written; new rows get an "unexplained:" reason that a person replaces.
@Suite("LibreOffice's recalculation of the conformance corpus")
struct LibreOfficeRecalcTests {
    /// Functions whose result changes from one calculation to the next, or describes the file and
    /// the program rather than the data: their cells (and those depending on them) are not compared.
    static let volatileFunctions: Set = ["RAND", "RANDBETWEEN", "RANDARRAY", "NOW", "TODAY", "CELL", "INFO"]

    /// One formula cell of the corpus with Excel's and Kalkyl's values.
    struct Cell {
        var sheet: String
        var cell: String
        var formula: String
        var excel: CellValue
        var kalkyl: CellValue
        /// Why the cell is not compared, if it is not.
        var excluded: String?
        /// The corpus's own reason for not checking Excel's value, if any.
        var skip: String?
    }

    @Test("LibreOffice's recalculation equals Kalkyl's, except listed differences")
    func corpusAgreesWithLibreOffice() throws {
        let environment = ProcessInfo.processInfo.environment
        guard environment["KALKYL_LIBREOFFICE_CORPUS"] == "1" else {
            print("skipped: set KALKYL_LIBREOFFICE_CORPUS=1 to compare the corpus with LibreOffice's recalculation (`make test-libreoffice`)")
            return
        }
        let soffice = try #require(WriterSupport.libreOffice(), "KALKYL_LIBREOFFICE_CORPUS=1 but soffice/libreoffice is not installed")
        let workbooks = Corpus.workbooks
        #expect(workbooks.count >= 230, "the conformance corpus should be at \(Corpus.root.path)")

        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let inputs = scratch.url.appendingPathComponent("in", isDirectory: true)
        try FileManager.default.createDirectory(at: inputs, withIntermediateDirectories: true)
        // Inputs under names that are distinct once the extension is dropped (excel/ and
        // libreoffice/ side by side, .xlsm saved as .xlsx).
        var inputFor: [String: URL] = [:]
        for workbook in workbooks {
            let link = inputs.appendingPathComponent(workbook.replacingOccurrences(of: "/", with: "__"))
            try FileManager.default.createSymbolicLink(at: link, withDestinationURL: Corpus.url(workbook))
            inputFor[workbook] = link
        }
        // A canary whose cached value is wrong: it proves LibreOffice recalculated on load.
        let staleModel = try WriterSupport.read(WriterSupport.package(sheets: [("Blad1",
            #"<sheetData><row r="1"><c r="A1"><v>1</v></c><c r="B1"><f>A1*2</f><v>42</v></c></row></sheetData>"#)]),
            in: scratch, as: "stale.xlsx")
        let canary = inputs.appendingPathComponent("canary.xlsx")
        try XLSXWriter(options: WriterSupport.options()).write(staleModel, calculated: nil, to: canary)

        // LibreOffice converts in the background while the engine computes.
        let recalculation = LibreOfficeRecalculation(soffice: soffice, directory: scratch.url)
        let conversion = Conversion()
        let allInputs = [canary] + workbooks.compactMap { inputFor[$0] }
        let output = scratch.url.appendingPathComponent("out", isDirectory: true)
        let started = Date()
        conversion.start { try recalculation.convert(allInputs, to: output, lanes: 2) }

        var cells: [String: [Cell]] = [:]
        for workbook in workbooks {
            cells[workbook] = try Self.kalkylCells(workbook)
        }
        let engineTime = Date().timeIntervalSince(started)
        let outcome = try conversion.wait()
        print("LibreOffice converted \(outcome.converted.count) of \(allInputs.count) files in "
              + "\(Int(conversion.finished.timeIntervalSince(started))) s; the engine took \(Int(engineTime)) s meanwhile")

        let canaryOut = try #require(outcome.converted[canary], "LibreOffice did not convert the canary: \(outcome.failed[canary] ?? "")")
        #expect(try XLSXReader().read(canaryOut).sheets[0].value(at: "B1") == .number(2),
                "LibreOffice kept the cached 42 instead of recalculating: the profile's OOXMLRecalcMode was not applied")

        // Compare. Reasons a person wrote are kept; "unexplained:" ones are suggestions, made afresh.
        var comparison = Comparison(
            listed: LibreOfficeDifferences.read().reasons.filter { !$0.value.hasPrefix(LibreOfficeDifferences.unexplained) },
            knownFailures: Self.knownFailures())
        for workbook in workbooks {
            let list = cells[workbook] ?? []
            do {
                guard let converted = outcome.converted[inputFor[workbook]!] else {
                    throw LibreOfficeFailure(text: outcome.failed[inputFor[workbook]!] ?? "no output")
                }
                comparison.compare(workbook, list, with: try XLSXReader().read(converted))
            } catch {
                comparison.noFile(workbook, cells: list.count, error: error)
            }
        }
        print(Self.summary(comparison))
        if environment["KALKYL_WRITE_LIBREOFFICE_DIFFERENCES"] == "1" {
            try LibreOfficeDifferences(rows: comparison.rows).write()
            print("wrote \(comparison.rows.count) rows to \(LibreOfficeDifferences.file.path)")
            return
        }
        let stale = Set(comparison.listed.keys).subtracting(comparison.rows.map(\.key))
        if !stale.isEmpty {
            print("\(stale.count) rows of libreoffice-differences.tsv agree now; rewrite it with KALKYL_WRITE_LIBREOFFICE_DIFFERENCES=1")
        }
        for p in comparison.problems.prefix(40) { Issue.record("\(p)") }
        #expect(comparison.problems.isEmpty,
                "\(comparison.problems.count) cells differ from LibreOffice without a fitting reason in libreoffice-differences.tsv")
        #expect(comparison.compared > 90_000, "only \(comparison.compared) cells compared")
    }

    // MARK: - Helpers

    /// The comparison so far: the rows of the differences list, the counts, and what does not fit the list.
    struct Comparison {
        let listed: [String: String]
        let knownFailures: Set<String>
        var rows: [LibreOfficeDifferences.Row] = []
        var compared = 0, equal = 0, excluded = 0
        var problems: [String] = []

        /// A workbook LibreOffice gave no file for is one row of its own.
        mutating func noFile(_ workbook: String, cells: Int, error: any Error) {
            let key = "\(workbook)\t*\t*"
            rows.append(LibreOfficeDifferences.Row(
                workbook: workbook, sheet: "*", cell: "*", formula: "\(cells) formula cells", excel: "", kalkyl: "",
                libreOffice: "(no recalculated file: \(error))",
                reason: listed[key] ?? "\(LibreOfficeDifferences.unexplained) LibreOffice gave no file"))
            if listed[key] == nil {
                problems.append("\(workbook): LibreOffice gave no recalculated file (\(error)) and the workbook is not listed")
            }
        }

        mutating func compare(_ workbook: String, _ cells: [Cell], with libreOffice: WorkbookModel) {
            for c in cells {
                let key = "\(workbook)\t\(c.sheet)\t\(c.cell)"
                if let why = c.excluded {
                    excluded += 1
                    rows.append(.init(workbook: workbook, sheet: c.sheet, cell: c.cell, formula: c.formula,
                                      excel: LibreOfficeDifferences.display(c.excel), kalkyl: "(not compared)",
                                      libreOffice: "(not compared)", reason: why))
                    continue
                }
                compared += 1
                let lo = libreOffice.sheet(named: c.sheet)?.value(at: CellAddress(a1: c.cell)!)
                if let lo, LibreOfficeRecalcTests.agree(c.kalkyl, lo) {
                    equal += 1
                    continue
                }
                let kalkylIsExcel = LibreOfficeRecalcTests.agree(c.kalkyl, c.excel)
                let row = LibreOfficeDifferences.Row(
                    workbook: workbook, sheet: c.sheet, cell: c.cell, formula: c.formula,
                    excel: LibreOfficeDifferences.display(c.excel), kalkyl: LibreOfficeDifferences.display(c.kalkyl),
                    libreOffice: LibreOfficeDifferences.display(lo),
                    reason: listed[key] ?? suggestion(workbook, c, kalkylIsExcel: kalkylIsExcel))
                rows.append(row)
                // The listed reason must still fit: "Kalkyl differs" only where it does, a LibreOffice
                // reason only where Kalkyl has Excel's value.
                let saysKalkylDiffers = row.reason.hasPrefix(LibreOfficeDifferences.kalkylDiffersPrefix)
                if listed[key] == nil {
                    problems.append("\(workbook) \(c.sheet)!\(c.cell) =\(c.formula): Kalkyl \(row.kalkyl), LibreOffice \(row.libreOffice), "
                                    + "Excel \(row.excel) — not listed with a reason")
                } else if saysKalkylDiffers && kalkylIsExcel {
                    problems.append("\(workbook) \(c.sheet)!\(c.cell): listed as Kalkyl differing from Excel, but Kalkyl now has Excel's value")
                } else if !saysKalkylDiffers && !kalkylIsExcel {
                    problems.append("\(workbook) \(c.sheet)!\(c.cell): listed as LibreOffice differing from Excel, "
                                    + "but Kalkyl differs from Excel (\(row.kalkyl) ≠ \(row.excel))")
                }
            }
        }

        /// The reason a new row gets: the known-failures one where that list has the cell, otherwise
        /// an "unexplained:" note naming the functions, for a person to replace.
        func suggestion(_ workbook: String, _ c: Cell, kalkylIsExcel: Bool) -> String {
            if !kalkylIsExcel && knownFailures.contains("\(workbook)\t\(c.sheet)!\(c.cell)") {
                return LibreOfficeDifferences.kalkylDiffers
            }
            if !kalkylIsExcel {
                return "\(LibreOfficeDifferences.unexplained) Kalkyl differs from Excel"
                    + (c.skip.map { " (the corpus does not check this cell: \($0))" } ?? " and the cell is not in known-failures.tsv")
            }
            let functions = Set(FormulaTranslator.functionNames(in: c.formula)).sorted()
            return "\(LibreOfficeDifferences.unexplained) LibreOffice differs from Excel ("
                + (functions.isEmpty ? "operators" : functions.joined(separator: ", ")) + ")"
        }
    }

    /// The corpus's formula cells of one workbook with Excel's cached and Kalkyl's recalculated values.
    static func kalkylCells(_ workbook: String) throws -> [Cell] {
        let model = try XLSXReader().read(Corpus.url(workbook))
        let book = Workbook(model)
        book.recalculate()
        let expected = try Corpus.expectedValues(workbook)["cells"] as? [[String: Any]] ?? []
        var skips: [String: String] = [:]
        for e in expected {
            if let skip = e["skip"] as? String { skips["\(e["sheet"] as? String ?? "")!\(e["cell"] as? String ?? "")"] = skip }
        }
        /// Why a cell is not compared: a volatile or environment function in it, or a cell it depends on.
        var memo: [String: String?] = [:]
        func exclusion(_ key: String, formula: String?, depth: Int = 0) -> String? {
            if let known = memo[key] { return known }
            var why: String?
            let functions = formula.map { Set(FormulaTranslator.functionNames(in: $0)) } ?? []
            if let f = functions.intersection(volatileFunctions).sorted().first {
                why = "\(LibreOfficeDifferences.notCompared) \(f == "CELL" || f == "INFO" ? "environment" : "volatile") function \(f)"
            } else if let skip = skips[key] {
                if skip.hasPrefix("volatile function") || skip.hasPrefix("environment function") {
                    why = "\(LibreOfficeDifferences.notCompared) \(skip)"
                } else if skip.hasPrefix("depends on skipped cell "), depth < 64 {
                    let other = String(skip.dropFirst("depends on skipped cell ".count))
                    if let root = exclusion(other, formula: nil, depth: depth + 1) {
                        why = root.hasSuffix(")") ? root : "\(root) (through \(other))"
                    }
                }
            }
            memo[key] = why
            return why
        }
        var cells: [Cell] = expected.compactMap { e in
            guard let sheet = e["sheet"] as? String, let a1 = e["cell"] as? String, let address = CellAddress(a1: a1) else { return nil }
            let formula = (e["formula"] as? String).map { $0.hasPrefix("=") ? String($0.dropFirst()) : $0 } ?? ""
            let kalkyl = book.sheetIndex(named: sheet).map { book.value(sheet: $0, at: address) } ?? .error(.reference)
            return Cell(sheet: sheet, cell: a1, formula: formula, excel: excelValue(e), kalkyl: kalkyl,
                        excluded: exclusion("\(sheet)!\(a1)", formula: formula), skip: e["skip"] as? String)
        }
        excludeThroughNamesAndArrays(&cells, model: model)
        return cells
    }

    /// What the corpus's `skip` marks miss: names that lead to a volatile cell (a LAMBDA name reading
    /// `=YEAR(TODAY())`, say), the cells using them, and the cells of an excluded array formula.
    static func excludeThroughNamesAndArrays(_ cells: inout [Cell], model: WorkbookModel) {
        func uses(_ name: String, _ formula: String) -> Bool {
            FormulaSheets.mentionsName(name, in: formula) || FormulaTranslator.functionNames(in: formula).contains(name.uppercased())
        }
        func excludedCell(in reference: SheetRangeReference) -> Cell? {
            cells.first { c in
                c.excluded != nil && (reference.sheet.map { c.sheet.caseInsensitiveEquals($0) } ?? false)
                    && CellAddress(a1: c.cell).map(reference.range.contains) == true
            }
        }
        guard cells.contains(where: { $0.excluded != nil }) || model.definedNames.contains(where: {
            !Set(FormulaTranslator.functionNames(in: $0.formula)).isDisjoint(with: volatileFunctions)
        }) else { return }
        var volatileNames: [String: String] = [:]
        var grew = true
        while grew {
            grew = false
            for n in model.definedNames where volatileNames[n.name] == nil {
                var why: String?
                if let f = Set(FormulaTranslator.functionNames(in: n.formula)).intersection(volatileFunctions).sorted().first {
                    why = "\(LibreOfficeDifferences.notCompared) volatile function \(f)"
                } else if let r = SheetRangeReference(parsing: n.formula), let c = excludedCell(in: r) {
                    why = c.excluded
                } else if let other = volatileNames.keys.sorted().first(where: { uses($0, n.formula) }) {
                    why = volatileNames[other]
                }
                if let why {
                    volatileNames[n.name] = why.hasSuffix(")") ? why : "\(why) (through the name \(n.name))"
                    grew = true
                }
            }
        }
        for i in cells.indices where cells[i].excluded == nil {
            if let name = volatileNames.keys.sorted().first(where: { uses($0, cells[i].formula) }) {
                cells[i].excluded = volatileNames[name]
            }
        }
        let index = Dictionary(cells.indices.map { ("\(cells[$0].sheet)!\(cells[$0].cell)", $0) }, uniquingKeysWith: { a, _ in a })
        for sheet in model.sheets {
            for f in sheet.formulas {
                guard case .array(let range, _, _) = f.kind, let a = index["\(sheet.name)!\(f.address.a1)"],
                      let why = cells[a].excluded else { continue }
                let anchor = cells[a]
                for i in cells.indices where cells[i].excluded == nil && cells[i].sheet == sheet.name
                    && CellAddress(a1: cells[i].cell).map(range.contains) == true {
                    cells[i].excluded = why.hasSuffix(")") ? why : "\(why) (in the array of \(anchor.cell))"
                }
            }
        }
    }

    /// Excel's cached value as `expected.json` gives it.
    static func excelValue(_ e: [String: Any]) -> CellValue {
        switch e["type"] as? String {
        case "n": .number((e["value"] as? NSNumber)?.doubleValue ?? .nan)
        case "s": .text(e["value"] as? String ?? "")
        case "b": .boolean(e["value"] as? Bool ?? false)
        case "e": ErrorValue(text: e["value"] as? String ?? "").map { .error($0) } ?? .text(e["value"] as? String ?? "")
        default: .empty
        }
    }

    /// The corpus's rule: numbers within 1e-9 (relative or absolute), the rest exactly, an empty
    /// string like an empty cell; errors as a file stores them (#SPILL! and #CALC! as #VALUE!).
    static func agree(_ a: CellValue, _ b: CellValue) -> Bool {
        switch (a, b) {
        case (.number(let x), .number(let y)): return Corpus.isClose(x, y)
        case (.error(let x), .error(let y)): return x.storedText == y.storedText
        case (.empty, .text("")), (.text(""), .empty): return true
        default: return a == b
        }
    }

    /// `workbook<TAB>Sheet!A1` of every cell in the engine conformance test's known failures.
    static func knownFailures() -> Set<String> {
        let file = Corpus.repositoryRoot.appendingPathComponent("Tests/ConformanceTests/known-failures.tsv")
        let text = (try? String(contentsOf: file, encoding: .utf8)) ?? ""
        return Set(text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map {
            $0.split(separator: "\t", omittingEmptySubsequences: false).prefix(2).joined(separator: "\t")
        })
    }

    /// Cells compared and equal, and the rows by reason (a reason's detail in final parentheses left out).
    static func summary(_ comparison: Comparison) -> String {
        var groups: [String: Int] = [:]
        for row in comparison.rows {
            var reason = row.reason
            if let open = reason.range(of: " (", options: .backwards), reason.hasSuffix(")") { reason = String(reason[..<open.lowerBound]) }
            groups[reason, default: 0] += 1
        }
        let (compared, equal) = (comparison.compared, comparison.equal)
        var out = "LibreOffice recalculation: \(compared) cells compared, \(equal) equal, \(compared - equal) differ; "
            + "\(comparison.excluded) not compared\n"
        for (reason, count) in groups.sorted(by: { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }) {
            out += "  \(count)\t\(reason)\n"
        }
        return out
    }

    struct LibreOfficeFailure: Error, CustomStringConvertible {
        var text: String
        var description: String { text }
    }

    /// The conversion running on another thread, and its result.
    final class Conversion: @unchecked Sendable {
        private let done = DispatchSemaphore(value: 0)
        private var result: Result<LibreOfficeRecalculation.Outcome, any Error>?
        /// When the conversion ended (read after `wait()`).
        private(set) var finished = Date.distantPast

        func start(_ body: @escaping @Sendable () throws -> LibreOfficeRecalculation.Outcome) {
            Thread.detachNewThread {
                self.result = Result { try body() }
                self.finished = Date()
                self.done.signal()
            }
        }

        func wait() throws -> LibreOfficeRecalculation.Outcome {
            done.wait()
            return try result!.get()
        }
    }
}
