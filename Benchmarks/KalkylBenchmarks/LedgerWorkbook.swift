import Foundation
import ZIPFoundation

/// Writes a deterministic synthetic ledger workbook (the shape of a regional ledger export) as raw
/// SpreadsheetML, zipped with deflate. Independent of Kalkyl's writer, so reading can be measured
/// before and apart from writing.
struct LedgerWorkbook {
    static let header = ["År", "Period", "Division", "Kostnadsställe", "Konto", "Kontonamn", "Utfall", "Budget"]
    var rows: Int
    var costCentres = 100
    var accounts = 40

    /// The sheet XML, also used as the input of the expat-only floor.
    func sheetXML() -> Data {
        var xml = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#
        xml += #"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:H\#(rows + 1)"/><sheetData>"#
        xml += "<row r=\"1\">"
        for (i, _) in Self.header.enumerated() {
            xml += "<c r=\"\(column(i))1\" t=\"s\"><v>\(i)</v></c>"
        }
        xml += "</row>"
        var data = Data(xml.utf8)
        var rng = SplitMix64(seed: 2026)
        var chunk = ""
        chunk.reserveCapacity(1 << 20)
        for r in 0..<rows {
            let row = r + 2
            let year = r % 2 == 0 ? 2026 : 2025
            let period = Int(rng.next() % 12) + 1
            let centre = Int(rng.next() % UInt64(costCentres))
            let division = centre / 10
            let account = Int(rng.next() % UInt64(accounts))
            let amount = Double(Int64(rng.next() % 2_000_000) - 1_000_000) / 100
            let budget = (amount * 0.95).rounded()
            let base = Self.header.count
            chunk += "<row r=\"\(row)\"><c r=\"A\(row)\"><v>\(year)</v></c><c r=\"B\(row)\"><v>\(period)</v></c>"
            chunk += "<c r=\"C\(row)\" t=\"s\"><v>\(base + division)</v></c>"
            chunk += "<c r=\"D\(row)\" t=\"s\"><v>\(base + 10 + centre)</v></c>"
            chunk += "<c r=\"E\(row)\"><v>\(4000 + account * 10)</v></c>"
            chunk += "<c r=\"F\(row)\" t=\"s\"><v>\(base + 10 + costCentres + account)</v></c>"
            chunk += "<c r=\"G\(row)\" s=\"1\"><v>\(amount)</v></c><c r=\"H\(row)\" s=\"1\"><v>\(budget)</v></c></row>"
            if chunk.utf8.count > 900_000 {
                data.append(contentsOf: chunk.utf8)
                chunk.removeAll(keepingCapacity: true)
            }
        }
        data.append(contentsOf: chunk.utf8)
        data.append(contentsOf: "</sheetData></worksheet>".utf8)
        return data
    }

    func sharedStringsXML() -> Data {
        var strings = Self.header
        strings += (0..<10).map { "Division \($0 + 1)" }
        strings += (0..<costCentres).map { "KS\(1000 + $0) Vårdenhet \($0 + 1)" }
        strings += (0..<accounts).map { "Konto \(4000 + $0 * 10) Övriga kostnader" }
        var xml = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" uniqueCount="\#(strings.count)">"#
        for s in strings { xml += "<si><t>\(s)</t></si>" }
        return Data((xml + "</sst>").utf8)
    }

    func write(to url: URL) throws {
        try? FileManager.default.removeItem(at: url)
        let archive = try Archive(url: url, accessMode: .create)
        let parts: [(String, Data)] = [
            ("[Content_Types].xml", Data(Self.contentTypes.utf8)),
            ("_rels/.rels", Data(Self.rootRels.utf8)),
            ("xl/workbook.xml", Data(Self.workbook.utf8)),
            ("xl/_rels/workbook.xml.rels", Data(Self.workbookRels.utf8)),
            ("xl/styles.xml", Data(Self.styles.utf8)),
            ("xl/sharedStrings.xml", sharedStringsXML()),
            ("xl/worksheets/sheet1.xml", sheetXML()),
        ]
        for (path, data) in parts {
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count),
                                 compressionMethod: .deflate) { position, size in
                data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
    }

    private func column(_ i: Int) -> String { String(UnicodeScalar(UInt8(65 + i))) }

    static let contentTypes = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#
    static let rootRels = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#
    static let workbook = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Huvudbok" sheetId="1" r:id="rId1"/></sheets><calcPr calcId="191029"/></workbook>"#
    static let workbookRels = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#
    static let styles = ##"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="1"><numFmt numFmtId="164" formatCode="#,##0;-#,##0"/></numFmts><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border/></borders><cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/><xf numFmtId="164" fontId="0" fillId="0" borderId="0" applyNumberFormat="1"/></cellXfs></styleSheet>"##
}

/// A small deterministic random number generator, so every run makes the same workbook.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
