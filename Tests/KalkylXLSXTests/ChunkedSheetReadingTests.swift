import Foundation
import Kalkyl
import Testing
@testable import KalkylXLSX

/// A large sheet read in chunks on several threads must read exactly as it does on one thread:
/// the same cells, strings, formulas (a shared group's master in an earlier chunk than its members),
/// row formats and warnings (with the part's line numbers), and the same error for a broken file.
/// The sheets here are small, so the reader is told to cut them into chunks of a few kilobytes.
@Suite("Reading a large sheet in chunks")
struct ChunkedSheetReadingTests {
    static let part = "xl/worksheets/sheet1.xml"

    /// A reader that splits any sheet into chunks of about `chunkBytes`.
    static func chunkedReader(chunkBytes: Int = 4096) -> XLSXReader {
        var reader = XLSXReader()
        reader.chunking = ChunkedSheetReading(minimumPartBytes: 1, chunkBytes: chunkBytes, helpers: 2)
        return reader
    }

    static var sequentialReader: XLSXReader {
        var reader = XLSXReader()
        reader.parallel = false
        return reader
    }

    /// A ledger-like sheet, one row a line, with every kind of cell the reader handles: numbers,
    /// inline and shared strings, shared formulas whose groups span many chunks (members that
    /// spell their text out, a group whose first members come before its master), an array
    /// formula, a cell without a reference, booleans, unknown error values (warnings), row formats,
    /// and a warning after `</sheetData>`.
    static func ledgerSheet(rows: Int, prefix: String = "", rowEnd: (Int) -> String = { _ in "" }) -> String {
        let p = prefix.isEmpty ? "" : "\(prefix):"
        let ns = prefix.isEmpty ? "xmlns" : "xmlns:\(prefix)"
        var xml = TestPackage.xmlDeclaration + "\n"
        xml += #"<\#(p)worksheet \#(ns)="\#(TestPackage.mainNamespace)"><\#(p)dimension ref="A1:F\#(rows)"/>"# + "\n"
        xml += "<\(p)sheetData>\n"
        for r in 1...rows {
            var attributes = ""
            if r % 13 == 0 { attributes += #" hidden="1""# }
            if r % 17 == 0 { attributes += #" ht="20" customHeight="1""# }
            if r % 19 == 0 { attributes += #" outlineLevel="1""# }
            var row = #"<\#(p)row r="\#(r)"\#(attributes)>"#
            row += #"<\#(p)c r="A\#(r)"><\#(p)v>\#(Double(r) * 1.25)</\#(p)v></\#(p)c>"#
            row += #"<\#(p)c r="B\#(r)" t="inlineStr"><\#(p)is><\#(p)t>Rad \#(r) &amp; co</\#(p)t></\#(p)is></\#(p)c>"#
            row += #"<\#(p)c r="C\#(r)" t="s" s="1"><\#(p)v>\#(r % 3)</\#(p)v></\#(p)c>"#
            let group = (r - 1) / 400
            if r % 400 == 1 {
                row += #"<\#(p)c r="D\#(r)"><\#(p)f t="shared" si="\#(group)" ref="D\#(r):D\#(r + 399)">A\#(r)*2</\#(p)f><\#(p)v>0</\#(p)v></\#(p)c>"#
            } else if r % 97 == 0 {
                row += #"<\#(p)c r="D\#(r)"><\#(p)f t="shared" si="\#(group)">A\#(r)*2</\#(p)f><\#(p)v>0</\#(p)v></\#(p)c>"#
            } else {
                row += #"<\#(p)c r="D\#(r)"><\#(p)f t="shared" si="\#(group)"/><\#(p)v>0</\#(p)v></\#(p)c>"#
            }
            // Group 9000: members from row 2 on, its master only at row 900.
            if r % 50 == 2 || r == 900 {
                let text = r == 900 ? "B\(r)&amp;\"!\"" : ""
                row += #"<\#(p)c r="E\#(r)" t="str"><\#(p)f t="shared" si="9000">\#(text)</\#(p)f><\#(p)v>x</\#(p)v></\#(p)c>"#
            } else {
                row += #"<\#(p)c><\#(p)v>7</\#(p)v></\#(p)c>"#  // E, placed after D
            }
            if r == 5 {
                row += #"<\#(p)c r="F5"><\#(p)f t="array" ref="F5:F6">A5:A6*3</\#(p)f><\#(p)v>1</\#(p)v></\#(p)c>"#
            } else if r % 250 == 0 {
                row += #"<\#(p)c r="F\#(r)" t="e"><\#(p)v>#BOGUS\#(r)!</\#(p)v></\#(p)c>"#
            } else {
                row += #"<\#(p)c r="F\#(r)" t="b"><\#(p)v>\#(r % 2)</\#(p)v></\#(p)c>"#
            }
            row += "</\(p)row\(r % 10 == 0 ? " " : "")>" + rowEnd(r) + "\n"
            xml += row
        }
        xml += "</\(p)sheetData>\n<\(p)mergeCells count=\"2\">\n<\(p)mergeCell ref=\"A1:B1\"/>\n<\(p)mergeCell ref=\"nope\"/>\n"
        xml += "</\(p)mergeCells>\n</\(p)worksheet>"
        return xml
    }

    static func package(_ sheet: String) -> TestPackage {
        TestPackage(sheets: [sheet], sharedStrings: TestPackage.sharedStrings(["Intäkt", "Kostnad", "Övrigt"]))
    }

    /// Reads the file both ways and checks that everything read from the sheet is the same.
    func expectSameRead(_ url: URL, chunkBytes: Int = 4096, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let one = try Self.sequentialReader.read(url)
        let chunked = try Self.chunkedReader(chunkBytes: chunkBytes).read(url)
        try #require(one.sheets.count == chunked.sheets.count, sourceLocation: sourceLocation)
        /// The first place two lists differ (nil when they are the same), to keep a failure readable.
        func firstDifference<T: Equatable>(_ a: [T], _ b: [T]) -> String? {
            if let i = a.indices.first(where: { $0 < b.count && a[$0] != b[$0] }) { return "at \(i): \(a[i]) ≠ \(b[i])" }
            return a.count == b.count ? nil : "\(a.count) ≠ \(b.count) elements"
        }
        for (a, b) in zip(one.sheets, chunked.sheets) {
            // A text's index in the sheet's own table may differ (each chunk stores a repeated text
            // once); the text itself is compared below.
            func withoutTextIndex(_ r: CellStore.Record) -> CellStore.Record {
                var r = r
                if r.kind == .localString { r.payload = 0 }
                return r
            }
            #expect(firstDifference(a.cells.records.map(withoutTextIndex), b.cells.records.map(withoutTextIndex)) == nil,
                    sourceLocation: sourceLocation)
            #expect(firstDifference(a.cells.records.map(a.cells.value(of:)), b.cells.records.map(b.cells.value(of:))) == nil,
                    sourceLocation: sourceLocation)
            #expect(firstDifference(a.formulas, b.formulas) == nil, sourceLocation: sourceLocation)
            #expect(a.sharedFormulas == b.sharedFormulas, sourceLocation: sourceLocation)
            #expect(a.rows == b.rows, sourceLocation: sourceLocation)
            #expect(a.mergedRanges == b.mergedRanges, sourceLocation: sourceLocation)
        }
        #expect(one.warnings == chunked.warnings, sourceLocation: sourceLocation)
    }

    /// The chunk readers `ChunkedSheetReading` makes of the file's first sheet (it throws where the
    /// reader would read the sheet again on one thread).
    func chunks(of url: URL, chunkBytes: Int = 4096) throws -> [SheetDataReader] {
        let archive = try ZlibPackageArchive(url: url, limits: ReadLimits())
        let parser = WorksheetParser(name: "Blad1", part: Self.part, date1904: false)
        let reading = ChunkedSheetReading(minimumPartBytes: 1, chunkBytes: chunkBytes, helpers: 2)
        return try reading.read(Self.part, from: archive, into: parser, date1904: false)
    }

    @Test("a sheet cut into many chunks reads as on one thread", arguments: ["", "x"])
    func sameAsOneThread(prefix: String) throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let url = try scratch.write(Self.package(Self.ledgerSheet(rows: 2000, prefix: prefix)))

        let chunks = try chunks(of: url)
        #expect(chunks.count > 50, "the sheet was cut into \(chunks.count) chunks")
        try expectSameRead(url)

        let model = try Self.chunkedReader().read(url)
        let sheet = try #require(model.sheets.first)
        #expect(sheet.cells.value(at: CellAddress(row: 1999, column: 1)) == .text("Rad 2000 & co"))
        #expect(sheet.cells.value(at: CellAddress(row: 1999, column: 4)) == .number(7))
        // Group 4's master is row 1601; row 1650 is a member read in a later chunk.
        #expect(sheet.formula(at: CellAddress(row: 1649, column: 3))?.kind == .shared(group: 4))
        #expect(sheet.formulaText(at: "D1650") == "A1650*2")
        #expect(sheet.sharedFormulas[9000]?.anchor == CellAddress(row: 899, column: 4))
        // Warnings name the part's lines: rows stand one a line from line 4 on.
        let bogus = model.warnings.filter { $0.message.contains("#BOGUS1750!") }
        #expect(bogus.map(\.line) == [1750 + 3])
        let merge = model.warnings.filter { $0.message.contains("merged range") }
        #expect(merge.map(\.line) == [2000 + 3 + 4])
        #expect(sheet.rows.count == 2000 / 13 + 2000 / 17 + 2000 / 19 - 2000 / (13 * 17) - 2000 / (13 * 19) - 2000 / (17 * 19))
    }

    @Test("a text repeated down a column is stored once, not once a cell")
    func repeatedTexts() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let rows = (1...3000).map { r in
            #"<row r="\#(r)"><c r="A\#(r)" t="inlineStr"><is><t>Kostnadsställe \#(r % 7)</t></is></c>"#
                + #"<c r="B\#(r)" t="inlineStr"><is><t>Unik rad \#(r)</t></is></c></row>"#
        }
        let url = try scratch.write(Self.package(TestPackage.worksheet(rows: rows)))
        let one = try Self.sequentialReader.read(url).sheets[0].cells
        let chunked = try Self.chunkedReader().read(url).sheets[0].cells
        for cells in [one, chunked] {
            #expect(cells.value(at: CellAddress(row: 2999, column: 0)) == .text("Kostnadsställe 4"))
            #expect(cells.value(at: CellAddress(row: 2999, column: 1)) == .text("Unik rad 3000"))
        }
        // 3000 distinct texts in B; A's 7 texts once, or once in each chunk.
        #expect(one.localStrings.count == 3007)
        let chunks = try chunks(of: url).count
        #expect(chunked.localStrings.count > 3007 && chunked.localStrings.count <= 3000 + 7 * (chunks + 2))
    }

    @Test("line breaks inside rows (CR LF, lone CR) keep warnings on their lines")
    func lineBreaksInsideRows() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let sheet = Self.ledgerSheet(rows: 1200) { r in r % 3 == 0 ? "\r\n" : r % 3 == 1 ? "\r" : "" }
        let url = try scratch.write(Self.package(sheet))

        #expect(try chunks(of: url).count > 10)
        try expectSameRead(url)
    }

    @Test("a row end inside a comment or a CDATA section is not a place to cut")
    func rowEndsThatAreNot() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let sheet = Self.ledgerSheet(rows: 1500) { r in
            r % 7 == 0 ? "<!-- a comment with </row> in it, long enough to be cut there -->" : ""
        }.replacingOccurrences(of: "<t>Rad 3 &amp; co</t>", with: "<t><![CDATA[Rad 3 </row> & co]]></t>")
        let url = try scratch.write(Self.package(sheet))

        try expectSameRead(url, chunkBytes: 1000)
        let model = try Self.chunkedReader(chunkBytes: 1000).read(url)
        #expect(model.sheets[0].cells.value(at: CellAddress(row: 2, column: 1)) == .text("Rad 3 </row> & co"))
    }

    @Test("a cut is never made inside a comment that follows a row end, even one whose text looks like rows")
    func noCutInsideAComment() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        var rows = (1...5).map { #"<row r="\#($0)"><c r="A\#($0)"><v>\#($0)</v></c></row>"# }
        // The first row end past the first cut's size lies inside this comment; the commented-out
        // row must not be read, and the rows after the comment must all be.
        rows.append("<!-- " + String(repeating: "padding ", count: 300)
                    + #"</row><row r="900000"><c r="A900000"><v>666</v></c></row> -->"#)
        rows += (6...400).map { #"<row r="\#($0)"><c r="A\#($0)"><v>\#($0)</v></c></row>"# }
        rows.append(" --> ")  // character data in the original: harmless text between rows
        let url = try scratch.write(Self.package(TestPackage.worksheet(rows: rows)))

        try expectSameRead(url, chunkBytes: 1000)
        let model = try Self.chunkedReader(chunkBytes: 1000).read(url)
        #expect(model.sheets[0].cells.value(at: CellAddress(row: 899_999, column: 0)) == .empty)
        #expect(model.sheets[0].cells.value(at: CellAddress(row: 399, column: 0)) == .number(400))
        #expect(model.sheets[0].cells.count == 400)
    }

    @Test("a declaration too long to see its encoding in the first bytes is not taken for UTF-8")
    func longDeclaration() {
        let padded = "<?xml version=\"1.0\"" + String(repeating: " ", count: 300) + " encoding=\"ISO-8859-1\"?><worksheet/>"
        #expect(!ChunkedSheetReading.isUTF8(Array(padded.utf8)))
        #expect(ChunkedSheetReading.isUTF8(Array("<?xml version=\"1.0\" encoding=\"UTF-8\"?><worksheet/>".utf8)))
    }

    @Test("rows without their number are read on one thread, in the same places")
    func rowsWithoutNumbers() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        var rows: [String] = []
        for r in 1...3000 {
            rows.append(r > 1000 ? "<row><c><v>\(r)</v></c><c><v>\(r + 1)</v></c></row>"
                                 : #"<row r="\#(r)"><c r="A\#(r)"><v>\#(r)</v></c></row>"#)
        }
        let url = try scratch.write(Self.package(TestPackage.worksheet(rows: rows)))

        #expect(throws: ChunkNeedsSequentialRead.self) { try chunks(of: url, chunkBytes: 2000) }
        try expectSameRead(url, chunkBytes: 2000)
        let model = try Self.chunkedReader(chunkBytes: 2000).read(url)
        #expect(model.sheets[0].cells.value(at: CellAddress(row: 2999, column: 1)) == .number(3001))
    }

    @Test("a broken row in a later chunk gives the error reading on one thread gives", arguments: [
        (#"<c r="A2500"><v>3125.0</v></c>"#, #"<c r="A2500"><v>3125.0</v></x>"#),  // not well-formed
        (#"<c r="A2500"><v>"#, #"<c r="XFE2500"><v>"#),  // outside the grid
        (#"<c r="A2500"><v>3125.0</v></c>"#, #"<c r="A2500"><v>3125,0</v></c>"#),  // not a number
        (#"<row r="2500">"#, #"<!DOCTYPE x [<!ENTITY a "b">]><row r="2500">"#),  // a DTD
    ])
    func brokenRow(original: String, replacement: String) throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let sheet = Self.ledgerSheet(rows: 3000)
        try #require(sheet.contains(original))
        let url = try scratch.write(Self.package(sheet.replacingOccurrences(of: original, with: replacement)))

        let one = #expect(throws: XLSXError.self) { try Self.sequentialReader.read(url) }
        let chunked = #expect(throws: XLSXError.self) { try Self.chunkedReader().read(url) }
        #expect(one != nil && one == chunked)
        #expect(one?.part == Self.part && one?.line == 2500 + 3)
    }

    @Test("a sheet that ends in the middle of a row is malformed, wherever it is cut", arguments: [0.3, 0.6, 0.95])
    func truncatedSheet(fraction: Double) throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let sheet = Self.ledgerSheet(rows: 2000)
        let cut = String(sheet.prefix(Int(Double(sheet.count) * fraction)))
        let url = try scratch.write(Self.package(cut))

        let one = #expect(throws: XLSXError.self) { try Self.sequentialReader.read(url) }
        let chunked = #expect(throws: XLSXError.self) { try Self.chunkedReader().read(url) }
        #expect(one != nil && one == chunked)
        #expect(one?.reason.name == "malformedXML")
    }

    @Test("a sheet in another encoding than UTF-8 is not cut")
    func otherEncoding() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let sheet = Self.ledgerSheet(rows: 600)
            .replacingOccurrences(of: #"encoding="UTF-8""#, with: #"encoding="ISO-8859-1""#)
            .replacingOccurrences(of: "&amp; co", with: "\u{E9}")
        var package = Self.package("")
        package.put("xl/worksheets/sheet1.xml", bytes: try #require(sheet.data(using: .isoLatin1)))
        let url = try scratch.write(package)

        #expect(try chunks(of: url).isEmpty)
        try expectSameRead(url)
        let model = try Self.chunkedReader().read(url)
        #expect(model.sheets[0].cells.value(at: CellAddress(row: 599, column: 1)) == .text("Rad 600 \u{E9}"))
    }

    @Test("row ends are found with and without a prefix and space before >")
    func rowEnds() {
        func end(_ text: String, from: Int = 0) -> Int? { ChunkedSheetReading.firstRowEnd(in: Array(text.utf8), from: from) }
        #expect(end("<row r=\"1\"></row><row></row>") == 17)
        #expect(end("<row r=\"1\"></row><row></row>", from: 17) == 28)
        #expect(end("<x:row></x:row >") == 16)
        #expect(end("<row></row\n>ab") == 12)
        #expect(end("<rows></rows>") == nil)
        #expect(end("<arow></arow>") == nil)
        #expect(end("</c>") == nil)
    }

    @Test("a decimal read without the full conversion is the Double the full conversion gives")
    func decimalFastPath() {
        var rng = SystemRandomNumberGenerator()
        var texts = ["0", "-0", "5.", ".5", "-.25", "007.10", "123456789012345", "0.000000000000001",
                     "999999999999999", "-2288.14", "1E3", "1.5e-3", "+4", "12.5.1", "-", ".", "1 2", "INF", "NaN",
                     "1234567890123456", "0.1234567890123456", "12345678901234567890", "9999999999999999999",
                     "-99999999999999999999999999", "0.1000000000000000055511151231257827", "123456789012345678901234.5"]
        for _ in 0..<20_000 {
            let digits = String(UInt64.random(in: 0...999_999_999_999_999, using: &rng))
            let point = Int.random(in: 0...digits.count, using: &rng)
            let text = (Bool.random(using: &rng) ? "-" : "") + digits.prefix(point) + "." + digits.dropFirst(point)
            texts.append(text)
        }
        for text in texts {
            let fast = XMLValueText.double(Array(text.utf8))
            let full = text == "INF" ? Double.infinity : text == "NaN" ? Double.nan : Double(text)
            if fast?.bitPattern != full?.bitPattern {
                Issue.record("'\(text)': \(String(describing: fast)) ≠ \(String(describing: full))")
                break
            }
        }
    }

    // MARK: - Into the engine

    @Test("the engine loads every value of a chunked read, and a numeric cell takes one CellValue")
    func loadIntoEngine() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let url = try scratch.write(Self.package(Self.ledgerSheet(rows: 2000)))
        let model = try Self.chunkedReader().read(url)
        let book = Workbook(model)

        let sheet = model.sheets[0]
        for record in sheet.cells.records where record.kind != .blank {
            let expected = sheet.cells.value(of: record)
            if book.value(sheet: 0, at: record.address) != expected {
                Issue.record("\(record.address.a1): \(book.value(sheet: 0, at: record.address)) ≠ \(expected)")
                break
            }
        }
        let storage = book.valueStorage
        #expect(storage.values == sheet.cells.records.filter { $0.kind != .blank }.count)
        // Six dense columns of 2000 rows, nothing to spare.
        #expect(storage.bytes <= 6 * 2000 * MemoryLayout<CellValue>.stride + 512)
        #expect(Double(storage.bytes) / Double(storage.values) <= 32)
    }

    @Test("a far-away cell goes to the sparse part, not a million dense rows")
    func farAwayCell() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let rows = [#"<row r="1"><c r="A1"><v>1</v></c></row>"#,
                    #"<row r="1048576"><c r="A1048576"><v>2</v></c><c r="B1048576"><v>3</v></c></row>"#]
        let url = try scratch.write(Self.package(TestPackage.worksheet(rows: rows)))
        let book = Workbook(try XLSXReader().read(url))

        #expect(book.value(sheet: 0, at: CellAddress(row: 1_048_575, column: 0)) == .number(2))
        #expect(book.value(sheet: 0, at: CellAddress(row: 1_048_575, column: 1)) == .number(3))
        #expect(book.value(sheet: 0, at: CellAddress(row: 0, column: 0)) == .number(1))
        #expect(book.valueStorage.values == 3)
        #expect(book.valueStorage.bytes < 4096)
    }
}
