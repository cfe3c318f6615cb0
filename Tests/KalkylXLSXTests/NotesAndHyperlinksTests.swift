import Foundation
import Kalkyl
import Testing
import ZIPFoundation
@testable import KalkylXLSX

/// Cell notes (legacy comments) and hyperlinks: read from the corpus and from hand-made parts,
/// written with libxlsxwriter and read back, with Excel's and libxlsxwriter's limits.
@Suite("Notes and hyperlinks")
struct NotesAndHyperlinksTests {
    // MARK: - Reading the corpus

    @Test("notes from the corpus: authors, rich runs joined, the author line kept as stored, row-major order")
    func corpusNotes() throws {
        let example = try XLSXReader().read(Corpus.url("excel/ironcalc__bindings__nodejs__example.xlsx"))
        let first = try #require(example.sheets.first { $0.name == "Sheet1" })
        #expect(first.notes.map(\.address.a1) == ["L2", "K7", "E9", "C18"])
        #expect(first.notes.allSatisfy { $0.author == "nicol" })
        // Four runs: the bold author line, then "There is a ", a bold "15" and " here.".
        #expect(first.notes.last?.text == "nicol:\nThere is a 15 here.\n")
        #expect(first.notes.dropFirst().first?.text == "nicol:\nThere is a coment here, you know\n")  // "\n" a run of its own
        let fourth = try #require(example.sheets.first { $0.name == "Created fourth" })
        #expect(fourth.notes == [CellNote(address: CellAddress(a1: "B4")!, text: "Someone else", author: "nicol")])

        let stress = try XLSXReader().read(Corpus.url("excel/poi__integration__stress024.xlsx"))
        let sell = try #require(stress.sheets.first { $0.name == "Sell" })
        let h6 = try #require(sell.notes.first { $0.address.a1 == "H6" })
        #expect(h6.author == "Kevin Dhuyvetter")  // authorId 1
        #expect(h6.text == "Enter the date the cattle are expected to be purchased.")
        let addresses = sell.notes.map(\.address)
        #expect(addresses == addresses.sorted())

        let poi = try XLSXReader().read(Corpus.url("excel/poi__48539.xlsx"))
        #expect(poi.sheets[0].notes.map(\.text) == [
            "Author:\nRound to the nearest integer. If equidistant from two integers, then round to the nearest even integer.",
        ])
    }

    @Test("hyperlinks from the corpus: URLs from the sheet's relationships, display, tooltips with escapes")
    func corpusHyperlinks() throws {
        let stress = try XLSXReader().read(Corpus.url("excel/poi__integration__stress024.xlsx"))
        #expect(stress.sheets[0].hyperlinks.map(\.range.a1) == ["B49", "C42", "I42"])
        #expect(stress.sheets[0].hyperlinks.map(\.url) == [
            "mailto:gtonsor@k-state.edu", "http://www.agmanager.info/livestock/marketing/", "http://www.beefbasis.com/",
        ])
        #expect(stress.sheets[0].hyperlinks.allSatisfy { $0.location == nil && $0.display == nil })

        let pycel = try XLSXReader().read(Corpus.url("excel/pycel__text.xlsx"))
        #expect(pycel.sheets[1].hyperlinks == [
            Hyperlink(range: CellRange(a1: "B10")!, url: "mailto:%22hh%22@", display: "\"hh\"@"),
        ])

        // Links with neither a relationship nor a location: kept as the file has them.
        let macro = try XLSXReader().read(Corpus.url("excel/poi__60512.xlsm"))
        #expect(macro.sheets[0].hyperlinks.map(\.tooltip) == ["Open 'A100_101'\r\n", "Open 'A100_103'\r\n"])
        #expect(macro.sheets[0].hyperlinks.map(\.display) == ["View Strategic Assumptions", "View Strategic Plan"])
        #expect(macro.sheets[0].hyperlinks.allSatisfy { $0.url == nil && $0.location == nil })
    }

    @Test("every corpus sheet has as many notes and hyperlinks as its parts hold elements, without warnings")
    func corpusCounts() throws {
        var sheetsWithNotes = 0, sheetsWithLinks = 0
        for workbook in Corpus.workbooks {
            let url = Corpus.url(workbook)
            let model = try XLSXReader().read(url)
            let archive = try Archive(url: url, accessMode: .read)
            for sheet in model.sheets where sheet.kind == .worksheet {
                let xml = try Self.entry(sheet.part, in: archive) ?? ""
                #expect(sheet.hyperlinks.count == Self.count("<hyperlink ", in: xml), "\(workbook) \(sheet.name)")
                let rels = try Self.entry(PartPath.relationships(of: sheet.part), in: archive) ?? ""
                var comments = 0
                for target in Self.targets(ofType: "/comments", in: rels) {
                    let part = PartPath.resolve(target, from: sheet.part)
                    comments += Self.count("<comment ", in: try Self.entry(part, in: archive) ?? "")
                }
                #expect(sheet.notes.count == comments, "\(workbook) \(sheet.name)")
                if comments > 0 { sheetsWithNotes += 1 }
                if !sheet.hyperlinks.isEmpty { sheetsWithLinks += 1 }
            }
            let related = model.warnings.filter { $0.message.contains("note") || $0.message.contains("hyperlink") }
            #expect(related.isEmpty, "\(workbook): \(related)")
        }
        #expect(sheetsWithNotes >= 5)
        #expect(sheetsWithLinks >= 4)
    }

    // MARK: - Round trips

    @Test("corpus workbooks with notes and hyperlinks keep them through writing, in both memory modes",
          arguments: [false, true])
    func corpusRoundTrip(constantMemory: Bool) throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        for workbook in ["excel/ironcalc__bindings__nodejs__example.xlsx", "excel/poi__integration__stress024.xlsx",
                         "excel/pycel__text.xlsx", "excel/ironcalc__LOOKUP_AND_REFERENCE__CHOOSE.xlsx",
                         "excel/poi__56644.xlsx", "excel/poi__60512.xlsm"] {
            let model = try XLSXReader().read(Corpus.url(workbook))
            let (back, _, report) = try WriterSupport.roundTrip(
                model, calculated: nil, in: scratch, options: WriterSupport.options(constantMemory: constantMemory))
            for (before, after) in zip(model.sheets, back.sheets) {
                #expect(after.notes == before.notes, "\(workbook) \(before.name)")
                // Links without a target cannot be written; libxlsxwriter keeps `display` for links into the workbook only.
                // libxlsxwriter writes them in row-major order.
                let expected = before.hyperlinks.filter { $0.url != nil || $0.location != nil }.map { h in
                    Hyperlink(range: CellRange(h.range.first), url: h.url, location: h.location,
                              display: h.url == nil ? h.display : nil, tooltip: h.tooltip)
                }.sorted { $0.range.first < $1.range.first }
                #expect(after.hyperlinks == expected, "\(workbook) \(before.name)")
                for h in before.hyperlinks {
                    #expect(WriterSupport.same(after.value(at: h.range.first), before.value(at: h.range.first)),
                            "\(workbook) \(before.name)!\(h.range.first.a1)")
                }
            }
            if workbook.hasSuffix("poi__60512.xlsm") {
                #expect(report.warnings.filter { $0.contains("neither a URL nor a place") }.count == 2)
            }
        }
    }

    /// A sheet with notes and links of every kind, on cells of every kind.
    static func builtModel() -> WorkbookModel {
        var model = WorkbookModel()
        let money = model.styles.format(CellStyle(numberFormat: "#,##0.00 \"kr\""))
        var data = WorksheetModel(name: "Data")
        func a(_ a1: String) -> CellAddress { CellAddress(a1: a1)! }
        data.setValue(.text("Intäkter"), at: a("A1"))
        data.setValue(.number(1250.5), at: a("B1"), style: money)
        data.setFormula("B1*2", at: a("B2"), style: money, cached: .number(2501))
        data.setValue(.number(99), at: a("B9"), style: money)  // the same style, without a link
        data.setFormula("A1&\" och kostnader\"", at: a("C2"), cached: .text("Intäkter och kostnader"))
        data.setValue(.text("Läs mer"), at: a("A3"))
        data.setFormula("B1>1000", at: a("D2"), cached: .boolean(true))
        data.notes = [
            CellNote(address: a("A1"), text: "Åsa Öberg:\nSiffrorna är preliminära.\r\nRad två\tmed tabb, _x0041_ och \u{1}.",
                     author: "Åsa Öberg"),
            CellNote(address: a("B2"), text: "Summa × 2 — kontrollera!"),
            CellNote(address: a("XFD1048576"), text: "I hörnet", author: "Örjan"),
        ]
        data.hyperlinks = [
            Hyperlink(range: CellRange(a1: "B2")!, url: "https://example.se/budget", tooltip: "Öppna budgeten\nrad två"),
            Hyperlink(range: CellRange(a1: "C2")!, location: "'Blad två'!B3", display: "Gå till blad två"),
            Hyperlink(range: CellRange(a1: "A3")!, url: "https://example.se/sida", location: "avsnitt-2"),
            Hyperlink(range: CellRange(a1: "D2")!, url: "mailto:ekonomi@example.se"),
            Hyperlink(range: CellRange(a1: "E5")!, location: "Data!A1"),  // on an empty cell
            Hyperlink(range: CellRange(a1: "F7")!, location: "'Blad två'!A1", display: "Visad text"),  // empty too
        ]
        _ = model.addSheet(data)
        var other = WorksheetModel(name: "Blad två")
        other.setValue(.number(7), at: CellAddress(row: 2, column: 1))
        _ = model.addSheet(other)
        return model
    }

    @Test("a built sheet's notes and links come back; linked cells keep their values, formulas and styles",
          arguments: [false, true])
    func builtRoundTrip(constantMemory: Bool) throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let model = Self.builtModel()
        let (back, url, report) = try WriterSupport.roundTrip(
            model, calculated: nil, in: scratch, options: WriterSupport.options(constantMemory: constantMemory))
        #expect(report.constantMemory == constantMemory)
        #expect(report.warnings.isEmpty, "\(report.warnings)")
        let data = back.sheets[0]
        #expect(data.notes == model.sheets[0].notes)
        // libxlsxwriter writes them in row-major order.
        #expect(data.hyperlinks == [
            Hyperlink(range: CellRange(a1: "B2")!, url: "https://example.se/budget", tooltip: "Öppna budgeten\nrad två"),
            Hyperlink(range: CellRange(a1: "C2")!, location: "'Blad två'!B3", display: "Gå till blad två"),
            Hyperlink(range: CellRange(a1: "D2")!, url: "mailto:ekonomi@example.se"),
            Hyperlink(range: CellRange(a1: "A3")!, url: "https://example.se/sida", location: "avsnitt-2"),
            Hyperlink(range: CellRange(a1: "E5")!, location: "Data!A1"),
            Hyperlink(range: CellRange(a1: "F7")!, location: "'Blad två'!A1", display: "Visad text"),
        ])
        // The formula cells under links keep formula, cached value and style.
        #expect(data.formulaText(at: "B2") == "B1*2")
        #expect(data.value(at: "B2") == .number(2501))
        #expect(data.formulaText(at: "C2") == "A1&\" och kostnader\"")
        #expect(data.value(at: "C2") == .text("Intäkter och kostnader"))
        #expect(data.formulaText(at: "D2") == "B1>1000")
        #expect(data.value(at: "D2") == .boolean(true))
        #expect(data.value(at: "A3") == .text("Läs mer"))
        let b2 = try #require(CellAddress(a1: "B2")), b9 = try #require(CellAddress(a1: "B9"))
        #expect(data.cells.style(at: b2) == data.cells.style(at: b9))
        #expect(back.styles.numberFormatCode(forCellFormat: data.cells.style(at: b2)) == "#,##0.00 \"kr\"")
        // The empty linked cells stay empty (libxlsxwriter would have put the display text there).
        #expect(data.value(at: "E5") == .empty)
        #expect(data.value(at: "F7") == .empty)
        // The control character and the literal _x0041_ went out escaped, as Excel stores them.
        let comments = try WriterSupport.part("xl/comments1.xml", of: url)
        #expect(comments.contains("_x005F_x0041_ och _x0001_."))
        #expect(comments.contains("Åsa Öberg:\nSiffrorna är preliminära._x000D_\nRad två\tmed tabb"))
    }

    @Test("what libxlsxwriter cannot take is left out or cut with a warning, and the rest is written")
    func limits() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        var model = WorkbookModel()
        var sheet = WorksheetModel(name: "Gränser")
        let longURL = "https://example.se/" + String(repeating: "a", count: NoteAndLinkPlan.maxURLLength - 19 + 1)
        let fitsURL = "https://example.se/" + String(repeating: "a", count: NoteAndLinkPlan.maxURLLength - 19)
        let spacedURL = "https://example.se/" + String(repeating: "a b", count: 600)  // 1,819 characters, 3,019 escaped
        sheet.hyperlinks = [
            Hyperlink(range: CellRange(a1: "A1")!, url: longURL),
            Hyperlink(range: CellRange(a1: "A2")!, url: fitsURL),
            Hyperlink(range: CellRange(a1: "A3")!, url: spacedURL),
            Hyperlink(range: CellRange(a1: "A4")!, url: "https://example.se", tooltip: String(repeating: "t", count: 256)),
            Hyperlink(range: CellRange(a1: "A5:C6")!, url: "https://example.se/omrade"),
            Hyperlink(range: CellRange(a1: "A6")!, display: "ingenting"),
            Hyperlink(range: CellRange(a1: "A7")!, location: "Blad#1!A1"),
            Hyperlink(range: CellRange(a1: "A8")!, url: "https://example.se/?q=internal:x"),
            Hyperlink(range: CellRange(a1: "A2")!, url: "https://example.se/igen"),
        ]
        let longNote = String(repeating: "åäö\n", count: 10_000)  // 40,000 characters
        sheet.notes = [CellNote(address: CellAddress(row: 0, column: 1), text: longNote)]
        for row in 0..<8 { sheet.setValue(.text("Länk \(row + 1)"), at: CellAddress(row: row, column: 0)) }
        _ = model.addSheet(sheet)

        let (back, _, report) = try WriterSupport.roundTrip(model, calculated: nil, in: scratch)
        let links = back.sheets[0].hyperlinks
        #expect(links.map(\.range.a1) == ["A2", "A4", "A5"])
        #expect(links[0].url == fitsURL)
        #expect(links[1].tooltip == nil)
        let warnings = report.warnings.joined(separator: "\n")
        for expected in ["hyperlink on A1 was left out (its URL is longer than 2079",
                         "hyperlink on A3 was left out (its URL is longer than 2079",
                         "screen tip of the hyperlink on A4", "hyperlink on A5:C6 is written on A5 only",
                         "hyperlink on A6 has neither a URL nor a place", "hyperlink on A7 to 'Blad#1!A1' was left out",
                         "hyperlink on A8 was left out (libxlsxwriter cannot write its URL)",
                         "a second hyperlink on A2 was left out", "note on B1 was cut to 32767 characters"] {
            #expect(warnings.contains(expected), "missing: \(expected)")
        }
        let note = try #require(back.sheets[0].notes.first)
        #expect(note.text.utf16.count == NoteAndLinkPlan.maxNoteLength)
        #expect(longNote.hasPrefix(note.text))
        #expect((1...8).map { back.sheets[0].value(at: "A\($0)") } == (1...8).map { .text("Länk \($0)") })
    }

    @Test("at most 65,530 links a sheet, also in constant-memory mode")
    func linkCount() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        var model = WorkbookModel()
        var sheet = WorksheetModel(name: "Många")
        let count = NoteAndLinkPlan.maxLinksPerSheet + 3
        sheet.hyperlinks = (0..<count).map { Hyperlink(range: CellRange(CellAddress(row: $0, column: 0)), location: "Många!B\($0 + 1)") }
        for row in 0..<count { sheet.setValue(.number(Double(row)), at: CellAddress(row: row, column: 0)) }
        _ = model.addSheet(sheet)
        let (back, _, report) = try WriterSupport.roundTrip(model, calculated: nil, in: scratch,
                                                            options: WriterSupport.options(constantMemory: true))
        #expect(back.sheets[0].hyperlinks.count == NoteAndLinkPlan.maxLinksPerSheet)
        #expect(back.sheets[0].hyperlinks.last?.location == "Många!B\(NoteAndLinkPlan.maxLinksPerSheet)")
        #expect(report.warnings.contains { $0.contains("3 hyperlink(s) beyond libxlsxwriter's 65530 per sheet") })
        #expect(back.sheets[0].value(at: "A\(count)") == .number(Double(count - 1)))
    }

    @Test("URL lengths are measured as libxlsxwriter escapes them")
    func escapedURLLength() {
        #expect(NoteAndLinkPlan.escapedURLLength("https://a.se/x") == 14)
        #expect(NoteAndLinkPlan.escapedURLLength("a b") == 5)
        #expect(NoteAndLinkPlan.escapedURLLength("%20%zz") == 8)  // an escape stays, a lone % is escaped
        #expect(NoteAndLinkPlan.escapedURLLength("{[^]}") == 15)
    }

    // MARK: - Hostile and broken parts

    static let sheetWithLinks = """
        <sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData>\
        <hyperlinks><hyperlink ref="A1" r:id="rIdLink"/><hyperlink ref="B2" r:id="rIdNone" tooltip="saknas"/>\
        <hyperlink ref="XFE1" location="Blad1!A1"/><hyperlink ref="C3:D4" location="Blad1!A1" display="" tooltip="_x0041_b"/></hyperlinks>
        """

    static func package(sheet: String = sheetWithLinks, rels: String?, comments: String?) -> TestPackage {
        var p = WriterSupport.package(sheets: [("Blad1", sheet)])
        let ns = TestPackage.relationshipsNamespace
        if let rels {
            p.put("xl/worksheets/_rels/sheet1.xml.rels", rels)
        } else {
            p.put("xl/worksheets/_rels/sheet1.xml.rels", TestPackage.xmlDeclaration + """
                <Relationships xmlns="\(TestPackage.packageRelationshipsNamespace)">\
                <Relationship Id="rIdLink" Type="\(ns)/hyperlink" Target="https://example.se/a?b=1&amp;c=2" TargetMode="External"/>\
                <Relationship Id="rIdNotes" Type="\(ns)/comments" Target="../comments7.xml"/></Relationships>
                """)
        }
        if let comments { p.put("xl/comments7.xml", comments) }
        return p
    }

    static func comments(_ body: String) -> String {
        TestPackage.xmlDeclaration + #"<comments xmlns="\#(TestPackage.mainNamespace)">"# + body + "</comments>"
    }

    @Test("hand-made parts: phonetic runs left out, bad references and authors warned about or ignored")
    func handMade() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let notes = Self.comments("""
            <authors><author>Anna</author><author></author></authors><commentList>\
            <comment ref="C5" authorId="0"><text><t>Sist</t></text></comment>\
            <comment ref="B2" authorId="9"><text><r><rPr><b/></rPr><t>Fet</t></r><r><t xml:space="preserve"> och _x000D_mager</t></r>\
            <rPh sb="0" eb="1"><t>FONETISK</t></rPh></text></comment>\
            <comment ref="A1" authorId="1"><text><t>Ingen författare</t></text></comment>\
            <comment ref="XFE1" authorId="0"><text><t>Utanför</t></text></comment>\
            <comment ref="B2" authorId="0"><text><t>Igen</t></text></comment>\
            </commentList>
            """)
        let model = try WriterSupport.read(Self.package(rels: nil, comments: notes), in: scratch)
        let sheet = model.sheets[0]
        #expect(sheet.notes == [
            CellNote(address: CellAddress(a1: "A1")!, text: "Ingen författare", author: nil),
            CellNote(address: CellAddress(a1: "B2")!, text: "Fet och \rmager", author: nil),
            CellNote(address: CellAddress(a1: "C5")!, text: "Sist", author: "Anna"),
        ])
        #expect(sheet.hyperlinks == [
            Hyperlink(range: CellRange(a1: "A1")!, url: "https://example.se/a?b=1&c=2"),
            Hyperlink(range: CellRange(a1: "B2")!, tooltip: "saknas"),
            Hyperlink(range: CellRange(a1: "C3:D4")!, location: "Blad1!A1", tooltip: "Ab"),
        ])
        let warnings = model.warnings.map(\.description).joined(separator: "\n")
        #expect(warnings.contains("xl/comments7.xml:1: a note on 'XFE1', which is not a cell inside Excel's grid, was ignored"))
        #expect(warnings.contains("a second note on B2 was ignored"))
        #expect(warnings.contains("relationship rIdNone, which does not exist"))
        #expect(warnings.contains("a hyperlink without a valid ref was ignored"))
    }

    @Test("a broken or missing notes part, or broken sheet relationships, warn and the cells are still read",
          arguments: ["malformed", "missing", "badRels", "entity"])
    func brokenParts(_ damage: String) throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let good = Self.comments(#"<authors/><commentList><comment ref="A1"><text><t>Hej</t></text></comment></commentList>"#)
        let package: TestPackage = switch damage {
        case "malformed": Self.package(rels: nil, comments: good.replacingOccurrences(of: "</text>", with: ""))
        case "missing": Self.package(rels: nil, comments: nil)
        case "badRels": Self.package(rels: "<Relationships><Relationship", comments: good)
        default: Self.package(rels: nil, comments: good.replacingOccurrences(
            of: "<comments", with: #"<!DOCTYPE c [<!ENTITY x "y">]><comments"#))
        }
        if damage == "entity" {
            // An attack in a notes part stops the read, as in any other part.
            #expect(throws: XLSXError.self) { try WriterSupport.read(package, in: scratch) }
            return
        }
        let model = try WriterSupport.read(package, in: scratch)
        #expect(model.sheets[0].value(at: "A1") == .number(1))
        #expect(model.sheets[0].notes.isEmpty)
        let expected = switch damage {
        case "malformed": "the notes could not be read"
        case "missing": "the notes part xl/comments7.xml is missing"
        default: "the sheet's notes and hyperlink URLs were not read"
        }
        #expect(model.warnings.contains { $0.message.contains(expected) }, "\(model.warnings)")
        if damage == "badRels" { #expect(model.sheets[0].hyperlinks.first?.url == nil) }
    }

    @Test("a note longer than the reader's limit is cut at a whole character, with a warning", arguments: ["x", "å"])
    func hugeNote(_ character: String) throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        // After the leading "x", a two-byte "å" straddles the limit (an even number of bytes).
        let text = "x" + String(repeating: character, count: CommentsParser.maxTextBytes / character.utf8.count + 10)
        let notes = Self.comments(#"<commentList><comment ref="A1"><text><t>\#(text)</t></text></comment></commentList>"#)
        let model = try WriterSupport.read(Self.package(rels: nil, comments: notes), in: scratch)
        let note = try #require(model.sheets[0].notes.first)
        #expect(note.text.utf8.count == CommentsParser.maxTextBytes - (character.utf8.count - 1))
        #expect(text.hasPrefix(note.text))
        #expect(model.warnings.contains { $0.message.contains("the note on A1 is longer than") })
    }

    // MARK: - kalkyl inspect

    @Test("the workbook summary counts notes and hyperlinks per sheet, in text and JSON")
    func summary() throws {
        let url = Corpus.url("excel/poi__integration__stress024.xlsx")
        let model = try XLSXReader().read(url)
        let summary = WorkbookSummary(file: "stress024.xlsx", model: model)
        #expect(summary.sheets.map(\.notes) == model.sheets.map(\.notes.count))
        #expect(summary.sheets.map(\.hyperlinks) == [3, 0, 0, 0, 0])
        let first = try #require(summary.sheets.first), sell = summary.sheets[1]
        #expect(sell.notes == 16)
        #expect(summary.text.contains("Intro  used B3:L55, 28 cells, 0 formulas, 14 merged ranges, 3 hyperlinks\n"))
        #expect(summary.text.contains("merged ranges, 16 notes\n"))
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(summary)) as? [String: Any]
        let sheets = try #require(json?["sheets"] as? [[String: Any]])
        #expect(sheets[0]["hyperlinks"] as? Int == 3)
        #expect(sheets[1]["notes"] as? Int == 16)
        // A summary saved before these fields existed still decodes.
        var old = sheets[0]
        old["notes"] = nil
        old["hyperlinks"] = nil
        let decoded = try JSONDecoder().decode(WorkbookSummary.Sheet.self, from: JSONSerialization.data(withJSONObject: old))
        #expect(decoded.notes == nil && decoded.name == first.name)
    }

    // MARK: - Helpers

    static func entry(_ name: String, in archive: Archive) throws -> String? {
        guard let entry = archive[name] else { return nil }
        var data = Data()
        _ = try archive.extract(entry, skipCRC32: false) { data.append($0) }
        return String(decoding: data, as: UTF8.self)
    }

    static func count(_ needle: String, in text: String) -> Int {
        text.components(separatedBy: needle).count - 1
    }

    /// The `Target`s of relationships whose `Type` ends with `typeSuffix`.
    static func targets(ofType typeSuffix: String, in rels: String) -> [String] {
        rels.components(separatedBy: "<Relationship ").dropFirst().compactMap { element in
            guard let type = attribute("Type", in: element), type.hasSuffix(typeSuffix) else { return nil }
            return attribute("Target", in: element)
        }
    }

    static func attribute(_ name: String, in element: String) -> String? {
        guard let start = element.range(of: " \(name)=\"") ?? element.range(of: "\(name)=\"") else { return nil }
        let rest = element[start.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }
}
