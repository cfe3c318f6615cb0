import Foundation
import Kalkyl
import ZIPFoundation
@testable import KalkylXLSX

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Helpers for the writer's tests: writing into a scratch folder and reading back, the XML of a
/// written part, workbooks made from XML, and a decimal-comma locale for one thread.
enum WriterSupport {
    /// A fixed creation date, so outputs are byte-reproducible.
    static let fixedDate = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01

    static func options(sheets: [String]? = nil, constantMemory: Bool? = nil) -> XLSXWriter.Options {
        var o = XLSXWriter.Options()
        o.created = fixedDate
        o.sheets = sheets
        o.constantMemory = constantMemory
        return o
    }

    /// Writes and reads back.
    static func roundTrip(_ model: WorkbookModel, calculated: Workbook?, in scratch: ScratchDirectory,
                          name: String = "out.xlsx", options: XLSXWriter.Options = options()) throws
        -> (model: WorkbookModel, url: URL, report: WriteReport) {
        let url = scratch.url.appendingPathComponent(name)
        let report = try XLSXWriter(options: options).write(model, calculated: calculated, to: url)
        return (try XLSXReader().read(url), url, report)
    }

    /// The text of one part of a written package.
    static func part(_ name: String, of url: URL) throws -> String {
        let archive = try Archive(url: url, accessMode: .read)
        guard let entry = archive[name] else { return "" }
        var data = Data()
        _ = try archive.extract(entry, skipCRC32: false) { data.append($0) }
        return String(decoding: data, as: UTF8.self)
    }

    /// The `<c>` element of a cell in a sheet's XML.
    static func cellXML(_ a1: String, in xml: String) -> String? {
        guard let start = xml.range(of: "<c r=\"\(a1)\"") else { return nil }
        let rest = xml[start.lowerBound...]
        guard let tagEnd = rest.firstIndex(of: ">") else { return nil }
        if rest[rest.index(before: tagEnd)] == "/" { return String(rest[...tagEnd]) }
        guard let close = rest.range(of: "</c>") else { return nil }
        return String(rest[..<close.upperBound])
    }

    /// A workbook package with the given sheets (XML of each `<sheetData>` content plus what follows
    /// it), a styles part, shared strings and defined names.
    static func package(sheets: [(name: String, body: String)], styles: String? = nil, strings: [String] = [],
                        definedNames: String = "", workbookPr: String = "") -> TestPackage {
        var p = TestPackage(sheets: sheets.map { s in
            TestPackage.xmlDeclaration + #"<worksheet xmlns="\#(TestPackage.mainNamespace)" xmlns:r="\#(TestPackage.relationshipsNamespace)">"#
                + s.body + "</worksheet>"
        }, sharedStrings: strings.isEmpty ? nil : TestPackage.sharedStrings(strings))
        let sheetEntries = sheets.enumerated().map { i, s in
            #"<sheet name="\#(s.name)" sheetId="\#(i + 1)" r:id="rId\#(i + 1)"/>"#
        }.joined()
        p.put("xl/workbook.xml", TestPackage.xmlDeclaration + """
            <workbook xmlns="\(TestPackage.mainNamespace)" xmlns:r="\(TestPackage.relationshipsNamespace)">\
            \(workbookPr)<sheets>\(sheetEntries)</sheets>\(definedNames.isEmpty ? "" : "<definedNames>\(definedNames)</definedNames>")</workbook>
            """)
        if let styles {
            p.put("xl/styles.xml", TestPackage.xmlDeclaration + #"<styleSheet xmlns="\#(TestPackage.mainNamespace)">"# + styles + "</styleSheet>")
            var rels = String(decoding: p["xl/_rels/workbook.xml.rels"] ?? Data(), as: UTF8.self)
            rels = rels.replacingOccurrences(of: "</Relationships>", with:
                #"<Relationship Id="rIdStyles" Type="\#(TestPackage.relationshipsNamespace)/styles" Target="styles.xml"/></Relationships>"#)
            p.put("xl/_rels/workbook.xml.rels", rels)
        }
        return p
    }

    /// Reads a package made by `package(…)`.
    static func read(_ package: TestPackage, in scratch: ScratchDirectory, as name: String = "in.xlsx") throws -> WorkbookModel {
        try XLSXReader().read(try scratch.write(package, as: name))
    }

    // MARK: - Locales

    /// An installed locale whose decimal separator is a comma, if any.
    static func decimalCommaLocale() -> String? {
        for name in ["sv_SE.UTF-8", "sv_SE.utf8", "de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8", "fr_FR.utf8", "nb_NO.UTF-8",
                     "fi_FI.UTF-8", "da_DK.UTF-8", "nl_NL.UTF-8", "es_ES.UTF-8", "it_IT.UTF-8", "sv_SE", "de_DE"] {
            if let l = newlocale(LC_NUMERIC_MASK | LC_CTYPE_MASK, name, nil) {
                freelocale(l)
                return name
            }
        }
        return nil
    }

    /// Runs `body` on this thread with `name` as the thread's locale (other threads unaffected).
    static func withThreadLocale<T>(_ name: String, _ body: () throws -> T) throws -> T {
        guard let l = newlocale(LC_NUMERIC_MASK | LC_CTYPE_MASK, name, nil) else { throw CocoaError(.featureUnsupported) }
        let previous = uselocale(l)
        defer {
            uselocale(previous)
            freelocale(l)
        }
        return try body()
    }

    /// How printf writes 1.5 on this thread now.
    static func printfOneAndAHalf() -> String {
        var buffer = [CChar](repeating: 0, count: 16)
        _ = withVaList([1.5]) { vsnprintf(&buffer, buffer.count, "%.1f", $0) }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    // MARK: - Comparing values

    /// Equal as a cell holds them (numbers bit for bit, -0 and 0 alike).
    static func same(_ a: CellValue, _ b: CellValue) -> Bool {
        switch (a, b) {
        case (.number(let x), .number(let y)): return x == y
        case (.empty, .text("")), (.text(""), .empty): return true
        default: return a == b
        }
    }

    /// `soffice` or `libreoffice` on the PATH.
    static func libreOffice() -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":") + ["/usr/bin", "/usr/lib/libreoffice/program", "/opt/libreoffice/program"] {
            for name in ["soffice", "libreoffice"] {
                let candidate = "\(dir)/\(name)"
                if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            }
        }
        return nil
    }
}
