import Foundation
import Kalkyl
import KalkylXLSX

// How the sample inputs are written: Swedish CSV in the forms finance systems export (and the
// ledger reader accepts), and .xlsx through the model-building API and XLSXWriter.

/// The form of a Swedish CSV export.
struct SampleCSVStyle {
    enum Encoding { case utf8WithBOM, windows1252 }
    var encoding = Encoding.utf8WithBOM
    /// Between groups of three digits: a space, or a non-breaking space (U+00A0).
    var thousandsSeparator: Character = " "
    /// Before a negative amount: "-", or an en dash (U+2013, Windows-1252 0x96) as some exports
    /// write it (U+2212 MINUS SIGN has no Windows-1252 byte).
    var minus = "-"

    /// Öre as kronor with a decimal comma and grouped thousands: `-1 234 567,50`.
    func amount(_ ore: Int64) -> String {
        let cents = ore.magnitude % 100
        return (ore < 0 ? minus : "") + grouped(ore.magnitude / 100) + "," + (cents < 10 ? "0" : "") + String(cents)
    }

    /// A whole number with grouped thousands: `175 899`, `-1 217`.
    func integer(_ n: Int64) -> String { (n < 0 ? minus : "") + grouped(n.magnitude) }

    private func grouped(_ n: UInt64) -> String {
        let digits = String(n)
        var out = ""
        for (i, digit) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append(thousandsSeparator) }
            out.append(digit)
        }
        return out
    }

    /// The file: `;` between fields (quoted when needed), CRLF line ends, in the style's encoding.
    func data(header: [String], rows: [[String]]) throws -> Data {
        let text = ([header] + rows).map { $0.map(Self.field).joined(separator: ";") + "\r\n" }.joined()
        switch encoding {
        case .utf8WithBOM: return Data([0xEF, 0xBB, 0xBF] + Array(text.utf8))
        case .windows1252: return Data(try SampleWindows1252.encode(text))
        }
    }

    private static func field(_ text: String) -> String {
        guard text.contains(where: { $0 == ";" || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

enum SampleWindows1252 {
    struct Unencodable: Error, CustomStringConvertible {
        let scalar: Unicode.Scalar
        var description: String { "U+\(String(scalar.value, radix: 16, uppercase: true)) has no Windows-1252 byte" }
    }

    /// The characters of bytes 0x80–0x9F (0 where the code page has none); the rest is Latin-1.
    private static let block80: [UInt32] = [
        0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
        0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
    ]

    static func encode(_ text: String) throws -> [UInt8] {
        try text.unicodeScalars.map { s in
            if s.value < 0x80 || (0xA0...0xFF).contains(s.value) { return UInt8(s.value) }
            if let i = block80.firstIndex(of: s.value), s.value != 0 { return UInt8(0x80 + i) }
            throw Unencodable(scalar: s)
        }
    }
}

enum SampleDataWriting {
    /// Every .xlsx gets this creation time, so the same data gives the same bytes.
    static let created = Date(timeIntervalSince1970: 1_780_272_000)  // 2026-06-01 00:00 UTC

    /// A ledger row's fields as text.
    static func fields(_ row: SampleLedgerRow, style: SampleCSVStyle) -> [String] {
        let centre = SamplePlan.centre(row.centre)
        return [String(row.period), centre.division, String(centre.code), centre.name, String(row.account), row.accountName,
                style.amount(row.belopp), style.amount(row.budget), row.hours.map { String($0) } ?? ""]
    }

    static func writeLedgerCSV(_ rows: [SampleLedgerRow], style: SampleCSVStyle, to url: URL) throws {
        try style.data(header: SampleLedger.header, rows: rows.map { fields($0, style: style) }).write(to: url)
    }

    static func writeCareStatisticsCSV(to url: URL) throws {
        let style = SampleCSVStyle()
        let rows = SampleCareStatistics.rows.map { [String($0.period), $0.unit, $0.kind, String($0.count)] }
        try style.data(header: SampleCareStatistics.header, rows: rows).write(to: url)
    }

    /// The ledger as a workbook with one sheet "Huvudbok": a bold, frozen header row, amounts as
    /// `#,##0.00`, columns wide enough for their contents.
    static func writeLedgerXLSX(_ rows: [SampleLedgerRow], title: String, to url: URL) throws {
        var model = WorkbookModel()
        var bold = Font()
        bold.bold = true
        let headerStyle = model.styles.format(CellStyle(font: bold))
        let amountStyle = model.styles.format(CellStyle(numberFormat: "#,##0.00"))
        let hoursStyle = model.styles.format(CellStyle(numberFormat: "#,##0"))

        var sheet = WorksheetModel(name: "Huvudbok")
        for (c, name) in SampleLedger.header.enumerated() {
            sheet.setValue(.text(name), at: CellAddress(row: 0, column: c), style: headerStyle)
        }
        for (i, row) in rows.enumerated() {
            let r = i + 1
            let centre = SamplePlan.centre(row.centre)
            let values: [CellValue] = [.number(Double(row.period)), .text(centre.division), .number(Double(centre.code)),
                                       .text(centre.name), .number(Double(row.account)), .text(row.accountName),
                                       .number(Double(row.belopp) / 100), .number(Double(row.budget) / 100)]
            for (c, value) in values.enumerated() {
                sheet.setValue(value, at: CellAddress(row: r, column: c), style: c >= 6 ? amountStyle : nil)
            }
            if let hours = row.hours {
                sheet.setValue(.number(Double(hours)), at: CellAddress(row: r, column: 8), style: hoursStyle)
            }
        }
        sheet.view.frozenRows = 1
        for (c, width) in [8.0, 12, 8, 32, 8, 44, 16, 16, 9].enumerated() {
            sheet.setColumnWidth(width, columns: c)
        }
        model.addSheet(sheet)

        var options = XLSXWriter.Options()
        options.created = created
        options.title = title
        options.author = "Kalkyl sample data"
        try XLSXWriter(options: options).write(model, calculated: nil, to: url)
    }
}
