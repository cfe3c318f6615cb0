import ArgumentParser
import CXlsxWriter
import Foundation
import Kalkyl
import KalkylXLSX
import ZIPFoundation

/// Writing: Kalkyl's writer against plain libxlsxwriter writing the same cells (the floor).
struct WriteBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "write",
        abstract: "Writing the ledger and a formula report: Kalkyl's writer against plain libxlsxwriter (the floor).")
    @Option(help: "Ledger rows.") var rows = 100_000
    @Option(help: "Formulas in the report.") var formulas = 20_000
    @Option(help: "Measured runs per phase (median reported).") var runs = 3

    func run() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kalkyl-bench-write-\(ProcessInfo.processInfo.processIdentifier)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var options = XLSXWriter.Options()
        options.created = Date(timeIntervalSince1970: 1_767_225_600)
        let writer = XLSXWriter(options: options)
        var lines: [[String]] = []
        var memory: [String] = []

        // 1. The ledger: 100,000 rows × 8 columns of text and numbers, two formatted columns.
        let ledgerFile = folder.appendingPathComponent("ledger-input.xlsx")
        try LedgerWorkbook(rows: rows).write(to: ledgerFile)
        let ledger = try XLSXReader().read(ledgerFile)
        let ledgerBook = Workbook(ledger)
        ledgerBook.recalculate()
        let ledgerCells = PlainCells(model: ledger, book: ledgerBook)
        let ledgerOut = folder.appendingPathComponent("ledger.xlsx")
        let ledgerFloor = try Measurement.run("plain libxlsxwriter (floor)", runs: runs) {
            try ledgerCells.write(to: folder.appendingPathComponent("ledger-floor.xlsx").path)
        }
        var ledgerReport: WriteReport?
        let before = peakResidentBytes()
        let ledgerKalkyl = try Measurement.run("Kalkyl writer", runs: runs) {
            ledgerReport = try writer.write(ledger, calculated: ledgerBook, to: ledgerOut)
        }
        memory.append("ledger: peak resident \(peakResidentBytes() / 1_048_576) MiB (before writing: \(before / 1_048_576) MiB; "
                      + "constant memory: \(ledgerReport?.constantMemory == true ? "yes" : "no"))")
        lines += row("ledger \(rows) rows × 8", ledgerCells.count, ledgerFloor, ledgerKalkyl, ledgerReport)

        // 2. A report of formulas over a ledger, with numbers, text, booleans and errors as results.
        let reportFile = folder.appendingPathComponent("report-input.xlsx")
        try ReportWorkbook(formulas: formulas).write(to: reportFile)
        let report = try XLSXReader().read(reportFile)
        let book = Workbook(report)
        let calc = book.recalculate()
        let reportCells = PlainCells(model: report, book: book)
        let reportFloor = try Measurement.run("plain libxlsxwriter (floor)", runs: runs) {
            try reportCells.write(to: folder.appendingPathComponent("report-floor.xlsx").path)
        }
        var written: WriteReport?
        let reportKalkyl = try Measurement.run("Kalkyl writer", runs: runs) {
            written = try writer.write(report, calculated: book, to: folder.appendingPathComponent("report.xlsx"))
        }
        lines += row("report, \(calc.evaluations) formulas", reportCells.count, reportFloor, reportKalkyl, written)

        print("Writing, \(ProcessInfo.processInfo.activeProcessorCount) cores, median of \(runs)")
        print(table(["workload", "cells", "floor", "Kalkyl", "ratio", "patched cells", "formats"], lines))
        for m in memory { print(m) }
        print("floor: libxlsxwriter (constant-memory mode) writing the same values, formulas and number formats, without "
              + "Kalkyl's style mapping, checks or package pass (booleans and errors of formulas cached as numbers).")
    }

    private func row(_ name: String, _ cells: Int, _ floor: Measurement, _ kalkyl: Measurement, _ report: WriteReport?) -> [[String]] {
        [[name, "\(cells)", formatSeconds(floor.median), formatSeconds(kalkyl.median), String(format: "%.2f×", kalkyl.median / floor.median),
          "\(report?.patchedCells ?? 0)", "\(report?.formats ?? 0)"]]
    }
}

/// The cells of a workbook, flattened before timing, and written with libxlsxwriter directly.
struct PlainCells {
    enum Value {
        case number(Double), text(String), boolean(Bool), formula(String, Double), textFormula(String, String)
    }
    struct Cell {
        var row: UInt32
        var column: UInt16
        var value: Value
        var numberFormat: String?
    }
    var sheets: [(name: String, cells: [Cell])] = []
    var count: Int { sheets.reduce(0) { $0 + $1.cells.count } }

    init(model: WorkbookModel, book: Workbook) {
        for (s, sheet) in model.sheets.enumerated() {
            var cells: [Cell] = []
            cells.reserveCapacity(sheet.cells.count)
            var formulaIndex = 0
            for r in sheet.cells.records {
                let address = r.address
                let code = model.styles.numberFormatCode(forCellFormat: Int(r.style))
                let format = code == "General" ? nil : code
                let value = book.value(sheet: s, at: address)
                var formulaText: String?
                if r.hasFormula {
                    while formulaIndex < sheet.formulas.count && sheet.formulas[formulaIndex].address < address { formulaIndex += 1 }
                    if formulaIndex < sheet.formulas.count && sheet.formulas[formulaIndex].address == address {
                        formulaText = sheet.formulaText(of: sheet.formulas[formulaIndex])
                    }
                }
                let v: Value
                switch (value, formulaText) {
                case (.text(let t), let f?): v = .textFormula(f, t)
                case (.number(let x), let f?): v = .formula(f, x)
                case (.boolean(let b), let f?): v = .formula(f, b ? 1 : 0)
                case (_, let f?): v = .formula(f, 0)
                case (.number(let x), nil): v = .number(x)
                case (.text(let t), nil): v = .text(t)
                case (.boolean(let b), nil): v = .boolean(b)
                default: continue
                }
                cells.append(Cell(row: r.row, column: r.column, value: v, numberFormat: format))
            }
            sheets.append((sheet.name, cells))
        }
    }

    func write(to path: String) throws {
        var options = lxw_workbook_options()
        options.constant_memory = 1
        guard let wb = workbook_new_opt(path, &options) else { throw CocoaError(.fileWriteUnknown) }
        var formats: [String: UnsafeMutablePointer<lxw_format>] = [:]
        for (name, cells) in sheets {
            guard let ws = workbook_add_worksheet(wb, name) else { throw CocoaError(.fileWriteUnknown) }
            for c in cells {
                var format: UnsafeMutablePointer<lxw_format>?
                if let code = c.numberFormat {
                    if let f = formats[code] { format = f } else {
                        let f = workbook_add_format(wb)!
                        format_set_num_format(f, code)
                        formats[code] = f
                        format = f
                    }
                }
                let (r, col) = (lxw_row_t(c.row), lxw_col_t(c.column))
                switch c.value {
                case .number(let x): worksheet_write_number(ws, r, col, x, format)
                case .text(let t): worksheet_write_string(ws, r, col, t, format)
                case .boolean(let b): worksheet_write_boolean(ws, r, col, b ? 1 : 0, format)
                case .formula(let f, let x): worksheet_write_formula_num(ws, r, col, "=" + f, format, x)
                case .textFormula(let f, let t): worksheet_write_formula_str(ws, r, col, "=" + f, format, t)
                }
            }
        }
        guard workbook_close(wb) == LXW_NO_ERROR else { throw CocoaError(.fileWriteUnknown) }
    }
}

/// A report over a small ledger: per cost centre (rows) and month (columns) a SUMIFS, then a text,
/// a boolean and an error column, until the report holds the asked number of formulas.
struct ReportWorkbook {
    var formulas: Int
    var ledgerRows = 5_000

    func write(to url: URL) throws {
        var rng = SplitMix64(seed: 7)
        var ledger = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#
        ledger += #"<row r="1"><c r="A1" t="inlineStr"><is><t>Period</t></is></c><c r="B1" t="inlineStr"><is><t>Kostnadsställe</t></is></c><c r="C1" t="inlineStr"><is><t>Belopp</t></is></c></row>"#
        for r in 2...(ledgerRows + 1) {
            let amount = Double(Int64(rng.next() % 2_000_000) - 1_000_000) / 100
            ledger += "<row r=\"\(r)\"><c r=\"A\(r)\"><v>\(rng.next() % 12 + 1)</v></c><c r=\"B\(r)\"><v>\(rng.next() % 1000)</v></c>"
                + "<c r=\"C\(r)\" s=\"1\"><v>\(amount)</v></c></row>"
        }
        ledger += "</sheetData></worksheet>"
        // 20 formula columns a row: 12 months of SUMIFS, a total, an average, a share, a text, a
        // boolean, an error, a lookup and a rounded value.
        let perRow = 20
        let reportRows = max(1, (formulas + perRow - 1) / perRow)
        let range = "$\(ledgerRows + 1)"
        var report = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#
        for r in 2...(reportRows + 1) {
            report += "<row r=\"\(r)\"><c r=\"A\(r)\"><v>\(r - 2)</v></c>"
            for m in 1...12 {
                let col = column(m)
                report += "<c r=\"\(col)\(r)\" s=\"1\"><f>SUMIFS(Huvudbok!$C$2:$C\(range),Huvudbok!$B$2:$B\(range),$A\(r),Huvudbok!$A$2:$A\(range),\(m))</f></c>"
            }
            let extra = [
                "SUM(B\(r):M\(r))", "AVERAGE(B\(r):M\(r))", "IF(N\(r)=0,0,B\(r)/N\(r))", "IF(N\(r)>0,\"Överskott\",\"Underskott\")",
                "N\(r)>O\(r)", "B\(r)/(A\(r)-A\(r))", "VLOOKUP($A\(r),$A$2:$B$\(reportRows + 1),2,FALSE)", "ROUND(N\(r)/3,2)",
            ]
            for (i, f) in extra.enumerated() {
                report += "<c r=\"\(column(13 + i))\(r)\" s=\"\(i == 2 ? 2 : 1)\"><f>\(f.replacingOccurrences(of: "\"", with: "&quot;").replacingOccurrences(of: ">", with: "&gt;"))</f></c>"
            }
            report += "</row>"
        }
        report += "</sheetData></worksheet>"
        let styles = ##"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="2"><numFmt numFmtId="164" formatCode="#,##0;-#,##0"/><numFmt numFmtId="165" formatCode="0.0 %"/></numFmts><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border/></borders><cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/><xf numFmtId="164" fontId="0" fillId="0" borderId="0" applyNumberFormat="1"/><xf numFmtId="165" fontId="0" fillId="0" borderId="0" applyNumberFormat="1"/></cellXfs></styleSheet>"##
        let ns = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
        let parts: [(String, String)] = [
            ("[Content_Types].xml", #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/></Types>"#),
            ("_rels/.rels", #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="\#(ns)/officeDocument" Target="xl/workbook.xml"/></Relationships>"#),
            ("xl/workbook.xml", #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="\#(ns)"><sheets><sheet name="Huvudbok" sheetId="1" r:id="rId1"/><sheet name="Rapport" sheetId="2" r:id="rId2"/></sheets></workbook>"#),
            ("xl/_rels/workbook.xml.rels", #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="\#(ns)/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="\#(ns)/worksheet" Target="worksheets/sheet2.xml"/><Relationship Id="rId3" Type="\#(ns)/styles" Target="styles.xml"/></Relationships>"#),
            ("xl/styles.xml", styles),
            ("xl/worksheets/sheet1.xml", ledger),
            ("xl/worksheets/sheet2.xml", report),
        ]
        try? FileManager.default.removeItem(at: url)
        let archive = try Archive(url: url, accessMode: .create)
        for (path, text) in parts {
            let data = Data(text.utf8)
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { position, size in
                data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
    }

    private func column(_ i: Int) -> String { A1.columnName(i) }
}
