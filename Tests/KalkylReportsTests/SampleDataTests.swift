import Foundation
import Kalkyl
import KalkylXLSX
import Testing
@testable import KalkylReports
@testable import WorkbookGenerator

/// The committed sample inputs in Workbooks/data: read with the ledger readers, they must add up to
/// DOMAIN.md's reference table and seed 004's activity statistics, and the generator must still
/// write exactly them.
@Suite("Sample data in Workbooks/data")
struct SampleDataTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let data = repository.appendingPathComponent("Workbooks/data")

    static let ledgerColumns = ["Period", "Division", "Ansvar", "Ansvarsnamn", "Konto", "Kontonamn", "Belopp", "Budget", "Timmar"]

    /// One row of DOMAIN.md's reference table as printed: tkr, and Utfall diff % with one decimal.
    struct Printed: Sendable {
        let name: String
        let ackUtfall: Int64, ackBudget: Int64, budgetDiff: Int64, fgAr: Int64, fgArDiff: Int64
        let percent: Double
    }

    /// The report lines in table order with their account ranges, then the table itself.
    static let accountRanges: [ClosedRange<Int>] = [
        3000...3199, 3200...3499, 3500...3799, 3800...3999, 4000...4999, 5000...5199, 5200...5399, 5400...5599,
        5600...5699, 5700...5799, 5800...5999, 6000...6099, 6100...6299, 6300...6399, 6400...7699, 7700...8999,
    ]
    static let table: [Printed] = [
        Printed(name: "Patientavgifter", ackUtfall: 49_532, ackBudget: 63_617, budgetDiff: -14_085, fgAr: 49_016, fgArDiff: 516, percent: 1.1),
        Printed(name: "Försäljning", ackUtfall: 289_603, ackBudget: 290_821, budgetDiff: -1_217, fgAr: 272_955, fgArDiff: 16_648, percent: 6.1),
        Printed(name: "Erhållna bidrag", ackUtfall: 348_538, ackBudget: 321_851, budgetDiff: 26_687, fgAr: 328_269, fgArDiff: 20_269, percent: 6.2),
        Printed(name: "Övriga intäkter", ackUtfall: 10_383, ackBudget: 1_969, budgetDiff: 8_414, fgAr: 12_443, fgArDiff: -2_060, percent: -16.6),
        Printed(name: "Personalkostnader", ackUtfall: -1_271_932, ackBudget: -1_103_926, budgetDiff: -168_005, fgAr: -1_215_444, fgArDiff: -56_487, percent: 4.6),
        Printed(name: "Köpt riks- och regionvård", ackUtfall: -214_873, ackBudget: -183_385, budgetDiff: -31_488, fgAr: -224_445, fgArDiff: 9_572, percent: -4.3),
        Printed(name: "Köp av verksamhet", ackUtfall: -10_124, ackBudget: -8_460, budgetDiff: -1_664, fgAr: -7_197, fgArDiff: -2_927, percent: 40.7),
        Printed(name: "Verksamhetsanknutna tjänster", ackUtfall: -231_150, ackBudget: -223_441, budgetDiff: -7_709, fgAr: -220_767, fgArDiff: -10_383, percent: 4.7),
        Printed(name: "Inhyrd bemanning", ackUtfall: -93_631, ackBudget: 0, budgetDiff: -93_631, fgAr: -101_337, fgArDiff: 7_706, percent: -7.6),
        Printed(name: "Läkemedel", ackUtfall: -271_051, ackBudget: -290_971, budgetDiff: 19_920, fgAr: -267_699, fgArDiff: -3_352, percent: 1.3),
        Printed(name: "Sjukvårdsart, övr mat o varor", ackUtfall: -135_809, ackBudget: -111_937, budgetDiff: -23_872, fgAr: -123_245, fgArDiff: -12_564, percent: 10.2),
        Printed(name: "Lämnade bidrag", ackUtfall: -1_918, ackBudget: -1_514, budgetDiff: -404, fgAr: -2_007, fgArDiff: 89, percent: -4.4),
        Printed(name: "Fastighetskostnader", ackUtfall: -28_602, ackBudget: -28_972, budgetDiff: 370, fgAr: -27_883, fgArDiff: -719, percent: 2.6),
        Printed(name: "Konsultkostnader", ackUtfall: -7_205, ackBudget: -10_751, budgetDiff: 3_546, fgAr: -8_958, fgArDiff: 1_753, percent: -19.6),
        Printed(name: "Övriga kostnader", ackUtfall: -81_426, ackBudget: -58_620, budgetDiff: -22_806, fgAr: -78_877, fgArDiff: -2_549, percent: 3.2),
        Printed(name: "Avskrivningar/finansnetto", ackUtfall: -15_497, ackBudget: -16_153, budgetDiff: 656, fgAr: -15_468, fgArDiff: -29, percent: 0.2),
    ]
    /// The Summa rows and the lines (indexes into `table`) each adds up.
    static let sums: [(Printed, Range<Int>)] = [
        (Printed(name: "Summa Intäkter", ackUtfall: 698_057, ackBudget: 678_258, budgetDiff: 19_799, fgAr: 662_683, fgArDiff: 35_374, percent: 5.3), 0..<4),
        (Printed(name: "Summa Bruttokostnader", ackUtfall: -2_363_218, ackBudget: -2_038_132, budgetDiff: -325_087, fgAr: -2_293_328, fgArDiff: -69_890, percent: 3.0), 4..<16),
        (Printed(name: "Summa Verksamhetens nettokostnader", ackUtfall: -1_665_162, ackBudget: -1_359_874, budgetDiff: -305_288, fgAr: -1_630_645, fgArDiff: -34_517, percent: 2.1), 0..<16),
    ]

    // MARK: Reading

    /// A ledger file read with the reader for its kind, its header checked.
    static func ledger(_ name: String) throws -> LedgerTable {
        let url = data.appendingPathComponent(name)
        let table = url.pathExtension == "xlsx" ? try XLSXLedgerReader.read(url) : try CSVLedgerReader.read(url)
        #expect(table.headers == ledgerColumns, "\(name)")
        #expect(table.problems.isEmpty, "\(name): \(table.problems)")
        return table
    }

    static func number(_ value: CellValue) -> Double? {
        if case .number(let x) = value { return x }
        return nil
    }

    /// An amount in öre (amounts are written with two decimals, so this is exact).
    static func ore(_ value: CellValue) -> Int64 { Int64((number(value)! * 100).rounded()) }

    /// Rounding half away from zero, as Excel's number formats print.
    static func printed(_ x: Double) -> Int64 { Int64(x < 0 ? -(-x + 0.5).rounded(.down) : (x + 0.5).rounded(.down)) }

    /// Belopp (or Budget) in öre summed per report line over the rows of the given periods.
    static func perLine(_ table: LedgerTable, column: String, periods: ClosedRange<Int>) -> [Int64] {
        let period = table.headers.firstIndex(of: "Period")!, konto = table.headers.firstIndex(of: "Konto")!
        let amount = table.headers.firstIndex(of: column)!
        var sums = [Int64](repeating: 0, count: accountRanges.count)
        for row in table.rows where periods.contains(Int(number(row[period])!)) {
            let account = Int(number(row[konto])!)
            let line = accountRanges.firstIndex { $0.contains(account) }!
            sums[line] += ore(row[amount])
        }
        return sums
    }

    /// The seven printed columns of a row computed from its totals in öre.
    static func columns(utfall u: Int64, budget b: Int64, fgAr f: Int64) -> [Int64] {
        func tkr(_ ore: Int64) -> Double { Double(ore) / 100_000 }
        return [printed(tkr(u)), printed(tkr(b)), printed(tkr(u - b)), printed(tkr(f)), printed(tkr(u - f)),
                printed(Double(u - f) / Double(f) * 1000)]
    }

    static func columns(_ p: Printed) -> [Int64] {
        [p.ackUtfall, p.ackBudget, p.budgetDiff, p.fgAr, p.fgArDiff, printed(p.percent * 10)]
    }

    // MARK: The reference table

    @Test func ledgersPrintTheReferenceTableExactly() throws {
        let year2026 = try Self.ledger("huvudbok-2026-jan-maj.csv")
        let year2025 = try Self.ledger("huvudbok-2025.xlsx")
        let u = Self.perLine(year2026, column: "Belopp", periods: 202601...202605)
        let b = Self.perLine(year2026, column: "Budget", periods: 202601...202605)
        let f = Self.perLine(year2025, column: "Belopp", periods: 202501...202505)
        for (i, line) in Self.table.enumerated() {
            #expect(Self.columns(utfall: u[i], budget: b[i], fgAr: f[i]) == Self.columns(line), "\(line.name)")
        }
        for (sum, lines) in Self.sums {
            let total = { (x: [Int64]) in x[lines].reduce(0, +) }
            #expect(Self.columns(utfall: total(u), budget: total(b), fgAr: total(f)) == Self.columns(sum), "\(sum.name)")
        }
        // The table itself: each Summa row is its lines' sum within rounding.
        for (sum, lines) in Self.sums {
            #expect(abs(Self.table[lines].map(\.ackUtfall).reduce(0, +) - sum.ackUtfall) <= Int64(lines.count / 2 + 1))
        }
    }

    @Test func ledgerRowsHaveTheirSignsHoursAndPeriods() throws {
        let files: [(String, ClosedRange<Int>, Int)] = [
            ("huvudbok-2024.xlsx", 202401...202406, 6), ("huvudbok-2025.xlsx", 202501...202506, 6),
            ("huvudbok-2026-jan-maj.csv", 202601...202605, 5), ("huvudbok-2026-06.csv", 202606...202606, 1),
        ]
        var rowsPerMonth: Set<Int> = []
        for (name, periods, months) in files {
            let table = try Self.ledger(name)
            rowsPerMonth.insert(table.rows.count / months)
            #expect(table.rows.count % months == 0, "\(name)")
            for row in table.rows {
                let period = Int(Self.number(row[0])!), account = Int(Self.number(row[4])!)
                #expect(periods.contains(period), "\(name): period \(period)")
                #expect(Self.number(row[2]).map { (1000...9999).contains(Int($0)) } == true, "\(name): Ansvar \(row[2])")
                let revenue = account < 4000
                #expect(revenue ? Self.ore(row[6]) >= 0 : Self.ore(row[6]) <= 0, "\(name): \(account) Belopp \(row[6])")
                #expect(revenue ? Self.ore(row[7]) >= 0 : Self.ore(row[7]) <= 0, "\(name): \(account) Budget \(row[7])")
                let agency = [5610, 5620, 5690].contains(account)
                #expect(agency ? (Self.number(row[8]) ?? 0) > 0 : row[8] == .empty, "\(name): \(account) Timmar \(row[8])")
            }
        }
        #expect(rowsPerMonth.count == 1)  // the same cost centres and accounts every month
    }

    // MARK: Agency staff

    @Test func agencyStaffFollowsSeed004() throws {
        let tables = [2024: try Self.ledger("huvudbok-2024.xlsx"), 2025: try Self.ledger("huvudbok-2025.xlsx"),
                      2026: try Self.ledger("huvudbok-2026-jan-maj.csv")]
        // Primary care: the Nära vård division's health centres.
        let primaryCare = Set(tables[2026]!.rows.filter { row in
            guard case .text(let name) = row[3] else { return false }
            return row[1] == .text("Nära vård") && name.hasPrefix("Hälsocentral")
        }.map { Int(Self.number($0[2])!) })
        #expect(primaryCare.count >= 2)
        typealias Group = ([CellValue]) -> Bool
        let doctors: Group = { Self.number($0[4]) == 5610 }
        let primaryDoctors: Group = { doctors($0) && primaryCare.contains(Int(Self.number($0[2])!)) }
        let nurses: Group = { Self.number($0[4]) == 5620 }
        let others: Group = { Self.number($0[4]) == 5690 }
        func sum(_ year: Int, months: ClosedRange<Int>, _ group: Group, column: Int) -> Double {
            tables[year]!.rows.filter { months.contains(Int(Self.number($0[0])!) % 100) && group($0) }
                .map { column == 8 ? Self.number($0[8])! : Double(Self.ore($0[column])) / 100 }.reduce(0, +)
        }
        func mkr(_ year: Int, _ group: Group) -> Int64 { Self.printed(-sum(year, months: 1...5, group, column: 6) / 1_000_000) }
        // Cost jan–maj in mkr: the seed's three columns (2024-04, 2025-04, 2026-04).
        #expect([2024, 2025, 2026].map { mkr($0, doctors) } == [78, 62, 57])
        #expect([2024, 2025, 2026].map { mkr($0, primaryDoctors) } == [25, 24, 23])
        #expect([2024, 2025, 2026].map { mkr($0, nurses) } == [63, 38, 35])
        #expect([2024, 2025, 2026].map { mkr($0, others) } == [2, 2, 2])
        // Full-time posts jan–apr 2026 at 165 hours a month: the seed's 34 (16), 37, 2.
        func posts(_ group: Group) -> Double { sum(2026, months: 1...4, group, column: 8) / (165 * 4) }
        #expect(posts(doctors) == 34)
        #expect(posts(primaryDoctors) == 16)
        #expect(posts(nurses) == 37)
        #expect(posts(others) == 2)
        // Hours follow cost at one price per group: May's posts are within 15 % of January–April's.
        let mayDoctors = sum(2026, months: 5...5, doctors, column: 8) / 165
        #expect(abs(mayDoctors - 34) / 34 < 0.15, "May: \(mayDoctors)")
    }

    // MARK: The CSV forms

    @Test func csvExportsUseTheSwedishForms() throws {
        let janMay = try Data(contentsOf: Self.data.appendingPathComponent("huvudbok-2026-jan-maj.csv"))
        #expect(janMay.starts(with: [0xEF, 0xBB, 0xBF]))
        let text = String(decoding: janMay.dropFirst(3), as: UTF8.self)
        #expect(text.hasPrefix(Self.ledgerColumns.joined(separator: ";") + "\r\n"))
        #expect(text.components(separatedBy: "\r\n").dropLast().allSatisfy { !$0.contains("\n") && !$0.isEmpty })
        #expect(text.range(of: #";-\d{1,3}( \d{3})+,\d\d;"#, options: .regularExpression) != nil)  // -1 234 567,50

        // June: Windows-1252 (not valid UTF-8), non-breaking spaces, en dash as minus, no BOM.
        let june = try Data(contentsOf: Self.data.appendingPathComponent("huvudbok-2026-06.csv"))
        #expect(!june.starts(with: [0xEF, 0xBB, 0xBF]))
        #expect(String(validating: [UInt8](june), as: UTF8.self) == nil)
        #expect(june.contains(0xA0) && june.contains(0x96) && june.range(of: Data(";-".utf8)) == nil)
        let table = try CSVLedgerReader.read(june, file: "huvudbok-2026-06.csv")
        #expect(table.problems.isEmpty)
        #expect(table.headers == Self.ledgerColumns)
        #expect(table.rows.contains { $0[5] == .text("Inhyrda sjuksköterskor") })
        #expect(table.rows.contains { $0[3] == .text("Hälsocentral Älvdalen") })
        // The reader read every amount as a number, the en-dash ones negative.
        let costs = table.rows.filter { Self.number($0[4])! >= 4000 }
        #expect(!costs.isEmpty && costs.allSatisfy { Self.number($0[6])! < 0 })
        #expect(table.rows.allSatisfy { Self.number($0[6]) != nil && Self.number($0[7]) != nil })
        // The same amounts as the generator's rows, to the öre.
        let expected = SampleLedger.rows(year: 2026, months: 6...6)
        #expect(table.rows.map { Self.ore($0[6]) } == expected.map(\.belopp))
        #expect(table.rows.map { Self.ore($0[7]) } == expected.map(\.budget))
    }

    // MARK: Activity statistics

    @Test func careStatisticsAddUpToSeed004() throws {
        let table = try CSVLedgerReader.read(Self.data.appendingPathComponent("vardstatistik.csv"))
        #expect(table.headers == ["Period", "Enhet", "Kontakttyp", "Antal"])
        #expect(table.problems.isEmpty)
        let seed: [(String, Int64, Int64, Int64, Double)] = [  // maj-25, maj-26, Diff, Förändring %
            ("Besök på vårdinrättning", 175_899, 170_592, -5_307, -3.0),
            ("Besök utanför vårdinrättning", 7_879, 7_696, -183, -2.3),
            ("Distansoberoende kontakter", 16_057, 20_588, 4_531, 28.2),
            ("Telefon- och brevkontakter", 101_877, 100_543, -1_334, -1.3),
            ("Övriga vårdkontakter och administration", 89_556, 93_486, 3_930, 4.4),
            ("Uteblivna vårdkontakter", 2_389, 2_749, 360, 15.1),
        ]
        var sums: [String: [Int: Int64]] = [:]
        var units: Set<String> = []
        for row in table.rows {
            let period = Int(Self.number(row[0])!)
            guard case .text(let unit) = row[1], case .text(let kind) = row[2], let count = Self.number(row[3]) else {
                Issue.record("row \(row)")
                continue
            }
            #expect([2025, 2026].contains(period / 100) && (1...6).contains(period % 100))
            #expect(count >= 0 && count == count.rounded())
            units.insert(unit)
            if period % 100 <= 5 { sums[kind, default: [:]][period / 100, default: 0] += Int64(count) }
        }
        #expect((4...6).contains(units.count))
        #expect(Set(sums.keys) == Set(seed.map(\.0)))
        for (kind, before, after, diff, percent) in seed {
            let b = sums[kind]?[2025] ?? 0, a = sums[kind]?[2026] ?? 0
            #expect([b, a, a - b, Self.printed(Double(a - b) / Double(b) * 1000)] == [before, after, diff, Self.printed(percent * 10)], "\(kind)")
        }
        let contacts = seed.dropLast().map(\.0)
        let total = { (year: Int) in contacts.map { sums[$0]![year]! }.reduce(0, +) }
        #expect([total(2025), total(2026)] == [391_268, 392_905])
        #expect(Self.printed(Double(total(2026) - total(2025)) / Double(total(2025)) * 1000) == 4)  // 0,4 %
    }

    // MARK: Regenerating

    @Test func regeneratingGivesTheCommittedFiles() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kalkyl-sampledata-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        for (relative, make) in WorkbookGenerator.sampleDataFiles {
            let url = folder.appendingPathComponent(relative)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try make(url)
            let committed = Self.repository.appendingPathComponent("Workbooks").appendingPathComponent(relative)
            if url.pathExtension == "xlsx" {
                // Compare what a reader sees (zip internals may differ between libxlsxwriter builds).
                let fresh = try XLSXLedgerReader.read(url), old = try XLSXLedgerReader.read(committed)
                #expect(fresh.headers == old.headers, "\(relative)")
                #expect(fresh.rows == old.rows, "\(relative) differs from the generator's output: run `swift run kalkyl-workbooks Workbooks`")
            } else {
                #expect(try Data(contentsOf: url) == Data(contentsOf: committed),
                        "\(relative) differs from the generator's output: run `swift run kalkyl-workbooks Workbooks`")
            }
        }
        #expect(WorkbookGenerator.sampleDataFiles.count == 6)
    }

    @Test func ledgerWorkbooksAreFormatted() throws {
        let model = try XLSXReader().read(Self.data.appendingPathComponent("huvudbok-2025.xlsx"))
        #expect(model.sheets.map(\.name) == ["Huvudbok"])
        let sheet = model.sheets[0]
        #expect(sheet.view.frozenRows == 1)
        let header = sheet.cells.style(at: CellAddress(row: 0, column: 0))
        #expect(model.styles.fonts[model.styles.cellFormats[header].fontId].bold)
        for column in [6, 7] {
            let style = sheet.cells.style(at: CellAddress(row: 1, column: column))
            #expect(model.styles.numberFormatCode(forCellFormat: style) == "#,##0.00")
        }
        #expect(sheet.columns.contains { $0.first <= 5 && 5 <= $0.last && ($0.width ?? 0) >= 30 })  // Kontonamn
    }
}
