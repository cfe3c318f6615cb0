import Foundation
import Kalkyl
import KalkylXLSX
import Testing
@testable import KalkylReports

/// The shipped template on the shipped sample data reproduces DOMAIN.md's reference table, as
/// read back from the written file.
@Suite struct ReferenceReportTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let workbooks = repository.appendingPathComponent("Workbooks")
    static let domain = repository.deletingLastPathComponent().appendingPathComponent("shared/DOMAIN.md")

    /// DOMAIN.md's reference table: row name → the six printed numbers (tkr, tkr, tkr, tkr, tkr, %).
    static func referenceTable() throws -> [(String, [Double])] {
        let text = try String(contentsOf: domain, encoding: .utf8)
        var rows: [(String, [Double])] = []
        for line in text.split(separator: "\n") where line.hasPrefix("| ") {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count == 7 else { continue }
            let numbers = cells.dropFirst().map { cell -> Double? in
                let plain = cell.replacingOccurrences(of: " ", with: "").replacingOccurrences(of: "\u{00A0}", with: "")
                    .replacingOccurrences(of: "−", with: "-").replacingOccurrences(of: ",", with: ".").replacingOccurrences(of: "%", with: "")
                return Double(plain)
            }
            guard numbers.allSatisfy({ $0 != nil }) else { continue }
            rows.append((cells[0], numbers.map { $0! }))
        }
        return rows
    }

    static func ledger(_ files: [String]) throws -> LedgerTable {
        try LedgerFiles.read(files.map { workbooks.appendingPathComponent("data/\($0)") })
    }

    static func report(period: Period, files: [String]) throws -> (WorkbookModel, PreparedReport) {
        let builder = try ReportBuilder(contentsOf: workbooks.appendingPathComponent("templates/intakter-kostnader.xlsx"))
        let report = try builder.prepare(data: try ledger(files), parameters: ReportParameters(period: period))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kalkyl-reference-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("rapport.xlsx")
        try report.write(to: url)
        return (try XLSXReader().read(url), report)
    }

    static let mayFiles = ["huvudbok-2025.xlsx", "huvudbok-2026-jan-maj.csv"]

    /// The row whose column A reads `label`, as numbers in columns B…G.
    static func row(_ label: String, in sheet: WorksheetModel) -> [Double]? {
        guard let record = sheet.cells.records.first(where: { $0.column == 0 && sheet.cells.value(of: $0) == .text(label) }) else { return nil }
        return (1...6).map { c in
            if case .number(let x) = sheet.value(at: CellAddress(row: Int(record.row), column: c)) { return x }
            return .nan
        }
    }

    @Test func theWholeOrganisationReportForMay2026IsTheReferenceTable() throws {
        let reference = try Self.referenceTable()
        #expect(reference.count == 19)
        let (written, _) = try Self.report(period: Period(year: 2026, month: 5)!, files: Self.mayFiles)
        let sheet = try #require(written.sheets.first)
        for (label, printed) in reference {
            let values = try #require(Self.row(label, in: sheet), "no row '\(label)' in \(sheet.name)")
            // Amounts: Ack utfall, Ack budget and fg år exactly as printed (whole tkr); the two Diff
            // columns within 1 tkr of the print (the print rounds each part).
            for c in [0, 1, 3] { #expect(values[c].rounded() == printed[c], "\(label) column \(c + 2)") }
            for c in [2, 4] { #expect(abs(values[c] - printed[c]) <= 1, "\(label) column \(c + 2): \(values[c]) vs \(printed[c])") }
            // Utfall diff % as printed with one decimal.
            #expect(abs(values[5] * 100 - printed[5]) <= 0.05 + 1e-9, "\(label) %: \(values[5] * 100) vs \(printed[5])")
        }
        #expect(sheet.value(at: "A1") == .text("Intäkter och kostnader i tkr, jan–maj 2026"))
    }

    @Test func everyCheckOfTheReferenceReportHolds() throws {
        let (written, report) = try Self.report(period: Period(year: 2026, month: 5)!, files: Self.mayFiles)
        #expect(!report.checkOutcomes.isEmpty)
        #expect(report.checkOutcomes.filter { !$0.passed }.map(\.check.label) == [])
        #expect(written.sheet(named: "Kontroll") != nil)
        #expect(report.book.diagnostics.isEmpty)
    }

    @Test func runningJuneWithTheJuneExportMovesAckToSixMonths() throws {
        let (may, _) = try Self.report(period: Period(year: 2026, month: 5)!, files: Self.mayFiles)
        let (june, _) = try Self.report(period: Period(year: 2026, month: 6)!, files: Self.mayFiles + ["huvudbok-2026-06.csv"])
        let ledger = try Self.ledger(Self.mayFiles + ["huvudbok-2026-06.csv"])
        let headers = ledger.headers.map(ColumnMatching().canonical)
        let period = try #require(headers.firstIndex(of: "period")), konto = try #require(headers.firstIndex(of: "konto"))
        let belopp = try #require(headers.firstIndex(of: "belopp"))
        func sum(year: Int, months: Int, konto range: ClosedRange<Double>) -> Double {
            ledger.rows.reduce(0) { total, row in
                guard case .number(let k) = row[konto], range.contains(k), let p = DataRows.periodNumber(row[period]),
                      p / 100 == year, p % 100 <= months, case .number(let x) = row[belopp] else { return total }
                return total + x
            } / 1000
        }
        let mayRow = try #require(Self.row("Personalkostnader", in: may.sheets[0]))
        let juneRow = try #require(Self.row("Personalkostnader", in: june.sheets[0]))
        #expect(abs(juneRow[0] - sum(year: 2026, months: 6, konto: 4000...4999)) < 0.001)
        #expect(abs(juneRow[3] - sum(year: 2025, months: 6, konto: 4000...4999)) < 0.001)
        #expect(juneRow[0] < mayRow[0])  // a sixth month of (negative) staff cost
        #expect(june.sheets[0].value(at: "A1") == .text("Intäkter och kostnader i tkr, jan–jun 2026"))
    }
}
