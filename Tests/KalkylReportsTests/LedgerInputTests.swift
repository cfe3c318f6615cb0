import Foundation
import Kalkyl
import Testing
@testable import KalkylReports

@Suite("Ledger input: Swedish CSV, periods, column matching")
struct LedgerInputTests {
    @Test func swedishNumberForms() {
        #expect(SwedishNumber.parse("1 234,50") == 1234.5)
        #expect(SwedishNumber.parse("1\u{00A0}234,50") == 1234.5)  // non-breaking space
        #expect(SwedishNumber.parse("1\u{202F}234") == 1234)  // narrow no-break space
        #expect(SwedishNumber.parse("\u{2212}1 234") == -1234)  // minus sign
        #expect(SwedishNumber.parse("1234-") == -1234)  // trailing minus
        #expect(SwedishNumber.parse("(1 234,5)") == -1234.5)
        #expect(SwedishNumber.parse("-1234.5") == -1234.5)
        #expect(SwedishNumber.parse("1.234,5") == 1234.5)
        #expect(SwedishNumber.parse("1,234.5") == 1234.5)
        #expect(SwedishNumber.parse("KS1034") == nil)
        #expect(SwedishNumber.parse("2026-05") == nil)
    }

    @Test func semicolonDecimalCommaAndQuotes() throws {
        let csv = "År;Period;Ansvar;Konto;Belopp\n2026;1;\"KS 10; Akuten\";4010;-1 234,50\n2026;2;KS11;4010;\"2 000\"\r\n"
        let table = try CSVLedgerReader.read(Data(csv.utf8), file: "jan.csv")
        #expect(table.headers == ["År", "Period", "Ansvar", "Konto", "Belopp"])
        #expect(table.rows.count == 2)
        #expect(table.rows[0] == [.number(2026), .number(1), .text("KS 10; Akuten"), .number(4010), .number(-1234.5)])
        #expect(table.rows[1][4] == .number(2000))
        #expect(table.problems.isEmpty)
    }

    @Test func windows1252AndBadRowsAreReportedNotDropped() throws {
        // "Kostnadsställe;Belopp" in Windows-1252 (ä is 0xE4), then a short row on line 3.
        var bytes = Array("Kostnadsst".utf8) + [0xE4] + Array("lle;Belopp\nKS1;5\nKS2\nKS3;7\n".utf8)
        let table = try CSVLedgerReader.read(Data(bytes), file: "export.csv")
        #expect(table.headers == ["Kostnadsställe", "Belopp"])
        #expect(table.rows.count == 2)
        #expect(table.problems == [LedgerProblem(file: "export.csv", line: 3, message: "1 fields where the header has 2")])
        bytes = [0xEF, 0xBB, 0xBF] + Array("Konto,Belopp\n4010,12.5\n".utf8)  // UTF-8 with BOM, commas
        let english = try CSVLedgerReader.read(Data(bytes), file: "en.csv")
        #expect(english.headers == ["Konto", "Belopp"])
        #expect(english.rows == [[.number(4010), .number(12.5)]])
    }

    @Test func periods() {
        #expect(Period(parsing: "2026-05") == Period(year: 2026, month: 5))
        #expect(Period(parsing: "202605") == Period(year: 2026, month: 5))
        #expect(Period(parsing: "maj-26") == Period(year: 2026, month: 5))
        #expect(Period(parsing: "2026-13") == nil)
        #expect(Period.periods(parsing: "2025-11..2026-02")?.map(\.description) == ["2025-11", "2025-12", "2026-01", "2026-02"])
        #expect(Period(year: 2026, month: 5)!.shortLabel == "maj-26")
        #expect(Period(year: 2026, month: 5)!.yearToDateLabel == "jan–maj 2026")
        #expect(Period(year: 2026, month: 5)!.sameMonthLastYear == Period(year: 2025, month: 5))
    }

    @Test func columnsMatchByNameAccentsAndSynonyms() {
        let matching = ColumnMatching()
        let headers = ["Kostnadsställe ", "MÅNAD", "Amount", "Konto", "Text"]
        #expect(matching.match(wanted: ["Ansvar", "Period", "Belopp", "konto", "Budget"], in: headers) == [0, 1, 2, 3, nil])
        #expect(ColumnMatching.normalize("Ack. utfall") == "ackutfall")
        #expect(matching.canonical("Förvaltning") == matching.canonical("Division"))
    }
}

@Suite("Appending ledger exports")
struct LedgerAppendTests {
    @Test func exportsWithDifferentHeadersAppendByName() throws {
        let may = try CSVLedgerReader.read(Data("Ansvar;Period;Belopp\nKS1;5;100\n".utf8), file: "maj.csv")
        let june = try CSVLedgerReader.read(Data("Belopp;Kostnadsställe;Månad;Text\n50;KS2;6;x\n".utf8), file: "jun.csv")
        let both = may.appending(june)
        // A column only the second export has is added, empty in the first one's rows.
        #expect(both.headers == ["Ansvar", "Period", "Belopp", "Text"])
        #expect(both.rows.count == 2)
        #expect(both.rows[0] == [.text("KS1"), .number(5), .number(100), .empty])
        #expect(both.rows[1] == [.text("KS2"), .number(6), .number(50), .text("x")])
    }
}

@Suite("Ledger exports saved as .xlsx")
struct XLSXLedgerTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/conformance/libreoffice")

    @Test func namedSheetWithHeaderRow() throws {
        let table = try XLSXLedgerReader.read(Self.corpus.appendingPathComponent("lo_pub_lookup.xlsx"), sheet: "data")
        #expect(Array(table.headers.prefix(3)) == ["Date", "Region", "Product"])
        #expect(table.rows.count == 20)
        #expect(table.rows[0][1] == .text("North"))
        #expect(table.rows[0][0] == .number(44931))
        #expect(throws: LedgerInputError.self) { try XLSXLedgerReader.read(Self.corpus.appendingPathComponent("lo_pub_lookup.xlsx"), sheet: "Saknas") }
    }
}
