import Foundation
import Kalkyl
import Testing
@testable import KalkylXLSX

/// Files that are broken, mislabelled or built to attack the reader. Each must either fail with an
/// `XLSXError` that names the file, the part and (for XML) the line, or — where Excel would still
/// open the file — load with a warning that names the part. Every package is built here, in code.
@Suite("Reading hostile and broken files")
struct HostileInputTests {
    static let sheet1 = "xl/worksheets/sheet1.xml"

    // MARK: - Not a workbook at all

    @Test("a text file named .xlsx is not a zip")
    func textFileIsNotAZip() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let url = try scratch.write(Data("Konto;Belopp\n3010;1200\n".utf8), as: "budget.xlsx")

        let error = try readError(url)
        #expect(error == XLSXError(file: "budget.xlsx", reason: .notAZip))
    }

    @Test("an empty file is reported as an empty, damaged archive")
    func emptyFile() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let url = try scratch.write(Data(), as: "budget.xlsx")

        let error = try readError(url)
        #expect(error == XLSXError(file: "budget.xlsx", reason: .damagedArchive("the file is empty")))
    }

    @Test("an OLE2 compound file (a legacy .xls or an encrypted .xlsx) is recognised as such")
    func ole2File() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let header: [UInt8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]
        let url = try scratch.write(Data(header + [UInt8](repeating: 0, count: 504)), as: "budget.xlsx")

        let error = try readError(url)
        #expect(error == XLSXError(file: "budget.xlsx", reason: .legacyOrEncrypted))
    }

    // MARK: - A damaged archive

    @Test("a valid workbook cut short (here at n eighths of its length) is a damaged archive",
          arguments: [1, 2, 3, 4, 6, 7])
    func truncatedArchive(eighths: Int) throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let whole = try Data(contentsOf: scratch.write(Self.smallWorkbook(), as: "whole.xlsx"))
        let cut = whole.prefix(whole.count * eighths / 8)
        let url = try scratch.write(cut, as: "budget.xlsx")

        let error = try readError(url)
        #expect(error.file == "budget.xlsx")
        #expect(error.reason.name == "damagedArchive", "\(error)")
    }

    /// Damage to a stored part that the parser would also reject (or not): the CRC must be what
    /// speaks, since the XML only looks wrong because the archive is damaged.
    @Test("a flipped byte in a stored part fails its CRC", arguments: [
        (6, UInt8(ascii: "5")),  // <v>1235</v>: still well-formed and a number
        (7, UInt8(ascii: "=")),  // <v>1234=/v>: <v> is never closed
        (5, UInt8(ascii: "s")),  // <v>12s4</v>: not a number
    ])
    func crcMismatch(offset: Int, replacement: UInt8) throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        var package = Self.smallWorkbook()
        package.put(Self.sheet1, TestPackage.worksheet(rows: [#"<row r="1"><c r="A1"><v>1234</v></c></row>"#]),
                    compressed: false)
        var bytes = try Data(contentsOf: scratch.write(package, as: "whole.xlsx"))
        let value = try #require(bytes.range(of: Data("<v>1234</v>".utf8)))
        bytes[value.lowerBound + offset] = replacement
        let url = try scratch.write(bytes, as: "budget.xlsx")

        let error = try readError(url)
        #expect(error == XLSXError(file: "budget.xlsx", part: Self.sheet1, reason: .damagedArchive("CRC mismatch")))
    }

    @Test("a stored part that declares more bytes than the file holds is damaged, and not read for ever")
    func storedPartLongerThanFile() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        var package = Self.smallWorkbook()
        package.put(Self.sheet1, Self.oneNumberSheet, compressed: false)
        var zip = try ZipBytes(contentsOf: scratch.write(package, as: "whole.xlsx"))
        // A zip64 extra field in the sheet's central-directory record declares 2^62 bytes.
        let record = try #require(zip.centralDirectoryRecord(of: Self.sheet1))
        try #require(zip.uint(at: record + 30, width: 2) == 0, "the record already has an extra field")
        zip.set(0xFFFF_FFFF, at: record + 24, width: 4)  // uncompressed size: see the zip64 field
        zip.set(12, at: record + 30, width: 2)
        zip.bytes.insert(contentsOf: [0x01, 0x00, 0x08, 0x00] + ZipBytes.littleEndian(1 << 62, width: 8),
                         at: record + 46 + Self.sheet1.utf8.count)
        let end = try #require(zip.endOfCentralDirectory)
        zip.set(zip.uint(at: end + 12, width: 4) + 12, at: end + 12, width: 4)  // the directory's size
        let url = try scratch.write(zip.data, as: "budget.xlsx")

        let error = try readError(url)
        #expect(error.file == "budget.xlsx" && error.part == Self.sheet1)
        if case .damagedArchive = error.reason {} else { Issue.record("expected a damaged archive, got \(error)") }
    }

    /// On Linux, ZIPFoundation 0.9.20 inflates until the deflate stream says it has ended, whatever
    /// the part's compressed size, and spins for ever when the file ends first (which is why the
    /// reader inflates with zlib on exactly the part's compressed bytes). Here the sheet's "deflate" data is a run of non-final stored blocks
    /// that takes in the central directory behind it and stops exactly at a 256 KiB read (the
    /// reader's chunk size), one block short of complete.
    @Test("a deflate stream that runs on past its part to the end of the file fails instead of spinning")
    func deflateStreamPastItsPart() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let chunk = 256 * 1024
        func package(dataLength: Int) throws -> ZipBytes {
            var data = [UInt8](repeating: UInt8(ascii: " "), count: dataLength)
            let xml = Array(#"<?xml version="1.0"?><worksheet xmlns="\#(TestPackage.mainNamespace)"><sheetData>"#.utf8)
            data.replaceSubrange(5..<(5 + xml.count), with: xml)
            for block in stride(from: 0, to: dataLength, by: 65_540) {  // BFINAL=0 BTYPE=00, LEN=65535
                for (k, byte) in [0x00, 0xFF, 0xFF, 0x00, 0x00].enumerated() where block + k < dataLength {
                    data[block + k] = UInt8(byte)
                }
            }
            var package = Self.smallWorkbook()
            package.remove(Self.sheet1)
            package.put(Self.sheet1, bytes: Data(data), compressed: false)  // the last entry
            var zip = try ZipBytes(contentsOf: scratch.write(package, as: "whole-\(dataLength).xlsx"))
            let local = try #require(zip.localHeader(of: Self.sheet1))
            let record = try #require(zip.centralDirectoryRecord(of: Self.sheet1))
            zip.set(8, at: local + 8, width: 2)  // compression method: deflate
            zip.set(8, at: record + 10, width: 2)
            return zip
        }
        let probe = try package(dataLength: 1000)
        let directorySize = probe.bytes.count - (try #require(probe.dataOffset(of: Self.sheet1))) - 1000
        let zip = try package(dataLength: chunk - directorySize)
        try #require(zip.bytes.count - (try #require(zip.dataOffset(of: Self.sheet1))) == chunk)
        let url = try scratch.write(zip.data, as: "budget.xlsx")

        let error = try readError(url)
        #expect(error.part == Self.sheet1)
        #expect(["malformedXML", "damagedArchive"].contains(error.reason.name), "\(error)")
    }

    @Test("no flipped byte makes the reader crash, hang or throw anything but an XLSXError",
          arguments: [false, true])
    func everyByteFlipped(compressed: Bool) throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        var package = TestPackage(
            sheets: [TestPackage.worksheet(rows: [#"<row r="1"><c r="A1"><v>1234</v></c><c r="B1" t="s"><v>0</v></c></row>"#])],
            sharedStrings: TestPackage.sharedStrings(["Intäkter"]))
        for part in package.parts { package.put(part.name, bytes: part.bytes, compressed: compressed) }
        let whole = try ZipBytes(contentsOf: scratch.write(package, as: "whole.xlsx"))
        // Every byte of a stored part that is read is covered by its CRC, which must be what fails.
        var checked = Set<Int>()
        if !compressed {
            let read = ["_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", Self.sheet1, "xl/sharedStrings.xml"]
            for part in read {
                let start = try #require(whole.dataOffset(of: part))
                checked.formUnion(start..<(start + (package[part]?.count ?? 0)))
            }
        }
        var reader = XLSXReader()
        reader.parallel = false  // thousands of reads: no threads to start for each
        // One file, damaged and mended in place: writing a whole file each time is much slower.
        let url = try scratch.write(whole.data, as: "budget.xlsx")
        let file = try FileHandle(forUpdating: url)
        defer { try? file.close() }
        for i in whole.bytes.indices {
            try file.seek(toOffset: UInt64(i))
            try file.write(contentsOf: [whole.bytes[i] ^ 0xFF])
            defer {
                try? file.seek(toOffset: UInt64(i))
                try? file.write(contentsOf: [whole.bytes[i]])
            }
            do {
                _ = try reader.read(url)
                #expect(!checked.contains(i), "byte \(i) was damaged and the workbook still loaded")
            } catch let error as XLSXError {
                if checked.contains(i) {
                    #expect(error.reason == .damagedArchive("CRC mismatch"), "byte \(i): \(error)")
                }
            } catch {
                Issue.record("byte \(i): \(error)")
            }
        }
    }

    // MARK: - Missing and misnamed parts

    @Test("a sheet whose part is not in the archive names that part")
    func missingSheetPart() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        var package = TestPackage(sheets: [Self.oneNumberSheet, Self.oneNumberSheet])
        package.remove("xl/worksheets/sheet2.xml")
        let url = try scratch.write(package)

        let error = try readError(url)
        #expect(error == XLSXError(file: "budget.xlsx", part: "xl/worksheets/sheet2.xml", reason: .missingPart))
    }

    @Test("a package without xl/workbook.xml names the workbook part")
    func missingWorkbookPart() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        var package = Self.smallWorkbook()
        package.remove("xl/workbook.xml")
        let url = try scratch.write(package)

        let error = try readError(url)
        #expect(error == XLSXError(file: "budget.xlsx", part: "xl/workbook.xml", reason: .missingPart))
    }

    @Test("a package with no parts at all (an empty zip) lacks xl/workbook.xml")
    func emptyZip() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let url = try scratch.write(TestPackage())

        let error = try readError(url)
        #expect(error == XLSXError(file: "budget.xlsx", part: "xl/workbook.xml", reason: .missingPart))
    }

    @Test("a sheet part stored under another name than the relationship says is missing")
    func misnamedSheetPart() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        var package = Self.smallWorkbook()
        package.rename(Self.sheet1, to: "xl/worksheets/Sheet_1.xml")
        let url = try scratch.write(package)

        let error = try readError(url)
        #expect(error == XLSXError(file: "budget.xlsx", part: Self.sheet1, reason: .missingPart))
    }

    // MARK: - Malformed and hostile XML

    @Test("an unclosed tag in a sheet is malformed XML, with part and line")
    func unclosedTag() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let sheet = TestPackage.worksheet(rows: [
            #"<row r="1"><c r="A1"><v>1</v></c></row>"#,   // line 4
            #"<row r="2"><c r="A2"><v>2</v></row>"#,        // line 5: <c> is never closed
        ])
        let url = try scratch.write(TestPackage(sheets: [sheet]))

        let error = try readError(url)
        #expect(error.file == "budget.xlsx")
        #expect(error.part == Self.sheet1)
        #expect(error.line == 5)
        #expect(error.reason == .malformedXML("mismatched tag"))
    }

    /// Nine levels of ten: a billion copies of "lol" if anything expanded them.
    static let billionLaughs = """
        <?xml version="1.0"?>
        <!DOCTYPE lolz [
        <!ENTITY lol "lol">
        <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
        <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
        <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
        <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
        <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
        <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
        <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
        <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
        <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
        ]>
        """

    @Test("billion laughs in the shared strings is refused")
    func billionLaughsInSharedStrings() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let strings = Self.billionLaughs + "\n"
            + #"<sst xmlns="\#(TestPackage.mainNamespace)"><si><t>&lol9;</t></si></sst>"#
        let sheet = TestPackage.worksheet(rows: [#"<row r="1"><c r="A1" t="s"><v>0</v></c></row>"#])
        let url = try scratch.write(TestPackage(sheets: [sheet], sharedStrings: strings))

        let error = try readError(url)
        #expect(error.file == "budget.xlsx")
        #expect(error.part == "xl/sharedStrings.xml")
        #expect(error.line == 2)
        #expect(error.reason == .forbiddenXML("a DOCTYPE (DTD) is not allowed in a workbook part"))
    }

    @Test("billion laughs in a sheet is refused")
    func billionLaughsInSheet() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let sheet = Self.billionLaughs + "\n" + #"""
            <worksheet xmlns="\#(TestPackage.mainNamespace)"><sheetData>\
            <row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>\
            </sheetData></worksheet>
            """#
        let url = try scratch.write(TestPackage(sheets: [sheet]))

        let error = try readError(url)
        #expect(error.part == Self.sheet1)
        #expect(error.line == 2)
        #expect(error.reason == .forbiddenXML("a DOCTYPE (DTD) is not allowed in a workbook part"))
    }

    @Test("an external entity is refused and the file it names is never read", arguments: [
        #"<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>"#,
        #"<!DOCTYPE worksheet SYSTEM "file:///etc/passwd">"#,
    ])
    func externalEntity(doctype: String) throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let sheet = TestPackage.xmlDeclaration + "\n" + doctype + "\n" + #"""
            <worksheet xmlns="\#(TestPackage.mainNamespace)"><sheetData>\
            <row r="1"><c r="A1" t="inlineStr"><is><t>&e;</t></is></c></row>\
            </sheetData></worksheet>
            """#
        let url = try scratch.write(TestPackage(sheets: [sheet]))

        let error = try readError(url)
        #expect(error.part == Self.sheet1)
        #expect(error.line == 2)
        #expect(error.reason == .forbiddenXML("a DOCTYPE (DTD) is not allowed in a workbook part"))
        let passwd = (try? String(contentsOfFile: "/etc/passwd", encoding: .utf8)) ?? ""
        for line in passwd.split(separator: "\n") where !line.isEmpty {
            #expect(!"\(error)".contains(line))
            #expect(!"\(error.reason)".contains(line))
        }
        #expect(!"\(error)".contains("root:"))
    }

    // MARK: - Limits against zip bombs

    @Test("a sheet that inflates more than 250 times its compressed size is a zip bomb")
    func compressionRatio() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        // 4 MiB of spaces between two rows deflates to a few KiB: far more than 250:1.
        let padding = String(repeating: " ", count: 4 << 20)
        let sheet = TestPackage.worksheet(rows: [
            #"<row r="1"><c r="A1"><v>1</v></c></row>"#, padding, #"<row r="2"><c r="A2"><v>2</v></c></row>"#,
        ])
        let url = try scratch.write(TestPackage(sheets: [sheet]))
        var reader = XLSXReader()
        reader.limits.ratioCheckFloor = 1 << 20

        let error = try readError(url, reader: reader)
        #expect(error.file == "budget.xlsx")
        #expect(error.part == Self.sheet1)
        #expect(error.reason.name == "limitExceeded", "\(error)")
        // The same part is fine when the floor is above its size: the ratio alone condemns nothing small.
        reader.limits.ratioCheckFloor = 8 << 20
        let model = try reader.read(url)
        #expect(model.sheets.first?.value(at: "A2") == .number(2))
    }

    @Test("a part larger than maxPartBytes is refused, even when stored uncompressed")
    func partLimit() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let rows = (1...200).map { #"<row r="\#($0)"><c r="A\#($0)"><v>\#($0)</v></c></row>"# }
        var package = TestPackage(sheets: [TestPackage.worksheet(rows: rows)])
        package.put(Self.sheet1, TestPackage.worksheet(rows: rows), compressed: false)
        let url = try scratch.write(package)
        var reader = XLSXReader()
        reader.limits.maxPartBytes = 4096

        let error = try readError(url, reader: reader)
        #expect(error.part == Self.sheet1)
        #expect(error.reason.name == "limitExceeded", "\(error)")
        #expect(error.reason.detail?.contains("4096") == true, "\(error)")
    }

    @Test("parts that each fit but together exceed maxTotalBytes are refused")
    func totalLimit() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let rows = (1...100).map { #"<row r="\#($0)"><c r="A\#($0)"><v>\#($0)</v></c></row>"# }
        let sheet = TestPackage.worksheet(rows: rows)
        let package = TestPackage(sheets: [sheet, sheet])
        let url = try scratch.write(package)
        // Everything read before the sheets, plus the first sheet and half of the second.
        let before = ["_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels"]
            .reduce(0) { $0 + (package[$1]?.count ?? 0) }
        var reader = XLSXReader()
        reader.parallel = false  // so it is the second sheet that crosses the line
        reader.limits.maxPartBytes = Int64(sheet.utf8.count)
        reader.limits.maxTotalBytes = Int64(before + sheet.utf8.count + sheet.utf8.count / 2)

        let error = try readError(url, reader: reader)
        #expect(error.part == "xl/worksheets/sheet2.xml")
        #expect(error.reason == .limitExceeded("the package inflates beyond its total limit"))
        // With room for both sheets it reads.
        reader.limits.maxTotalBytes = Int64(before + 2 * sheet.utf8.count)
        #expect(try reader.read(url).sheets.count == 2)
    }

    // MARK: - Content that breaks the format

    @Test("a cell reference outside Excel's grid is invalid content, with part and line",
          arguments: ["XFE1", "A1048577"])
    func cellOutsideGrid(reference: String) throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let sheet = TestPackage.worksheet(rows: [
            #"<row r="1"><c r="XFD1"><v>1</v></c></row>"#,                   // line 4: the last column is fine
            #"<row r="1048576"><c r="\#(reference)"><v>2</v></c></row>"#,    // line 5
        ])
        let url = try scratch.write(TestPackage(sheets: [sheet]))

        let error = try readError(url)
        #expect(error.file == "budget.xlsx")
        #expect(error.part == Self.sheet1)
        #expect(error.line == 5)
        #expect(error.reason == .invalidContent("cell reference '\(reference)' is not a cell inside Excel's grid"))
    }

    @Test("text in a numeric cell is invalid content, with part and line")
    func textInNumericCell() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let sheet = TestPackage.worksheet(rows: [
            #"<row r="1"><c r="A1"><v>1</v></c></row>"#,
            #"<row r="2"><c r="A2"><v>abc</v></c></row>"#,  // line 5
        ])
        let url = try scratch.write(TestPackage(sheets: [sheet]))

        let error = try readError(url)
        #expect(error.part == Self.sheet1)
        #expect(error.line == 5)
        #expect(error.reason == .invalidContent("'abc' is not a number"))
    }

    // MARK: - Oddities Excel opens anyway

    @Test("a shared-formula follower without a master keeps its cached value, loses its formula, and warns")
    func sharedFormulaWithoutMaster() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let sheet = TestPackage.worksheet(rows: [
            #"<row r="1"><c r="A1"><v>10</v></c><c r="B1"><f>A1*2</f><v>20</v></c></row>"#,
            #"<row r="2"><c r="A2"><v>11</v></c><c r="B2"><f t="shared" si="7"/><v>22</v></c></row>"#,
        ])
        let url = try scratch.write(TestPackage(sheets: [sheet]))

        let model = try XLSXReader().read(url)
        let blad1 = try #require(model.sheet(named: "Blad1"))
        #expect(blad1.value(at: "B2") == .number(22))
        #expect(blad1.formulaText(at: "B2") == nil)
        let b2 = try #require(CellAddress(a1: "B2"))
        #expect(blad1.formula(at: b2) == nil)
        let record = try #require(blad1.cells.index(of: b2).map { blad1.cells.records[$0] })
        #expect(!record.hasFormula)
        // The sheet's other formula is untouched.
        #expect(blad1.formulaText(at: "B1") == "A1*2")
        let warning = try #require(model.warnings.first { $0.part == Self.sheet1 })
        #expect(warning.message.contains("B2"), "\(warning)")
    }

    @Test("a shared-string index beyond the table reads as empty and warns")
    func sharedStringIndexBeyondTable() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let sheet = TestPackage.worksheet(rows: [
            #"<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>5</v></c></row>"#,
        ])
        let url = try scratch.write(TestPackage(sheets: [sheet], sharedStrings: TestPackage.sharedStrings(["Intäkter"])))

        let model = try XLSXReader().read(url)
        let blad1 = try #require(model.sheets.first)
        #expect(blad1.value(at: "A1") == .text("Intäkter"))
        #expect(blad1.value(at: "B1") == .empty)
        let warning = try #require(model.warnings.first { $0.part == "xl/sharedStrings.xml" })
        #expect(warning.message.contains("5"), "\(warning)")
    }

    // MARK: - Unusual but valid

    @Test("prefixed names, cells without r, Strict namespaces, a wrong dimension and every value type")
    func unusualButValidPackage() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let main = "http://purl.oclc.org/ooxml/spreadsheetml/main"
        let relationships = "http://purl.oclc.org/ooxml/officeDocument/relationships"
        var package = TestPackage()
        package.put("_rels/.rels", TestPackage.xmlDeclaration + """
            <Relationships xmlns="\(TestPackage.packageRelationshipsNamespace)">\
            <Relationship Id="rId1" Type="\(relationships)/officeDocument" Target="/xl/workbook.xml"/>\
            </Relationships>
            """)
        package.put("xl/workbook.xml", TestPackage.xmlDeclaration + """
            <x:workbook xmlns:x="\(main)" xmlns:r="\(relationships)">\
            <x:sheets><x:sheet name="Nära vård" sheetId="1" r:id="rId1"/></x:sheets></x:workbook>
            """)
        package.put("xl/_rels/workbook.xml.rels", TestPackage.xmlDeclaration + """
            <Relationships xmlns="\(TestPackage.packageRelationshipsNamespace)">\
            <Relationship Id="rId1" Type="\(relationships)/worksheet" Target="worksheets/sheet1.xml"/>\
            <Relationship Id="rId2" Type="\(relationships)/sharedStrings" Target="sharedStrings.xml"/>\
            </Relationships>
            """)
        package.put("xl/sharedStrings.xml", TestPackage.xmlDeclaration + """
            <x:sst xmlns:x="\(main)">\
            <x:si><x:t>Rad 1_x000D_
            Rad 2</x:t></x:si>\
            <x:si><x:r><x:t>kvar: _x005F_x000D_</x:t></x:r><x:r><x:t xml:space="preserve"> och _x0009_tab</x:t></x:r></x:si>\
            </x:sst>
            """)
        package.put(Self.sheet1, TestPackage.xmlDeclaration + """
            <x:worksheet xmlns:x="\(main)" xmlns:r="\(relationships)">
            <x:dimension ref="A1"/>
            <x:sheetData>
            <x:row><x:c t="inlineStr"><x:is><x:t>Hej</x:t></x:is></x:c><x:c><x:v>42.5</x:v></x:c><x:c t="s"><x:v>0</x:v></x:c></x:row>
            <x:row><x:c t="d"><x:v>2026-05-31T12:00:00</x:v></x:c><x:c t="b"><x:v>1</x:v></x:c><x:c t="e"><x:v>#DIV/0!</x:v></x:c></x:row>
            <x:row r="5"><x:c r="C5"><x:v>7</x:v></x:c><x:c><x:v>8</x:v></x:c></x:row>
            <x:row><x:c t="s"><x:v>1</x:v></x:c><x:c t="b"><x:v>0</x:v></x:c></x:row>
            </x:sheetData>
            </x:worksheet>
            """)
        let url = try scratch.write(package)

        let model = try XLSXReader().read(url)
        #expect(model.warnings.isEmpty, "\(model.warnings)")
        #expect(model.sheets.map(\.name) == ["Nära vård"])
        let sheet = try #require(model.sheet(named: "nära VÅRD"))
        let expected: [String: CellValue] = [
            "A1": .text("Hej"), "B1": .number(42.5), "C1": .text("Rad 1\r\nRad 2"),
            "A2": .number(46173.5), "B2": .boolean(true), "C2": .error(.divisionByZero),
            "C5": .number(7), "D5": .number(8),
            "A6": .text("kvar: _x000D_ och \ttab"), "B6": .boolean(false),
        ]
        for (a1, value) in expected {
            #expect(sheet.value(at: a1) == value, "\(a1)")
        }
        #expect(sheet.cells.count == expected.count)
        #expect(sheet.declaredDimension == CellRange(a1: "A1"))
        #expect(sheet.cells.usedRange == CellRange(a1: "A1:D6"))
    }

    // MARK: - Helpers

    /// A valid workbook with one sheet holding one number.
    static func smallWorkbook() -> TestPackage {
        TestPackage(sheets: [oneNumberSheet])
    }

    static let oneNumberSheet = TestPackage.worksheet(rows: [#"<row r="1"><c r="A1"><v>1</v></c></row>"#])

    /// The error reading the file throws; records an issue (and throws) when it reads or throws another error.
    func readError(_ url: URL, reader: XLSXReader = XLSXReader(),
                   sourceLocation: SourceLocation = #_sourceLocation) throws -> XLSXError {
        let error = #expect(throws: XLSXError.self, sourceLocation: sourceLocation) { try reader.read(url) }
        return try #require(error, sourceLocation: sourceLocation)
    }
}

extension XLSXError.Reason {
    /// The case's name, for reasons whose detail comes from a library and is not worth pinning.
    var name: String {
        switch self {
        case .notAZip: "notAZip"
        case .legacyOrEncrypted: "legacyOrEncrypted"
        case .damagedArchive: "damagedArchive"
        case .missingPart: "missingPart"
        case .malformedXML: "malformedXML"
        case .forbiddenXML: "forbiddenXML"
        case .limitExceeded: "limitExceeded"
        case .invalidContent: "invalidContent"
        case .unreadable: "unreadable"
        }
    }

    var detail: String? {
        switch self {
        case .damagedArchive(let d), .malformedXML(let d), .forbiddenXML(let d), .limitExceeded(let d),
             .invalidContent(let d), .unreadable(let d): d
        case .notAZip, .legacyOrEncrypted, .missingPart: nil
        }
    }
}
