import Foundation
import ZIPFoundation

/// A small .xlsx package put together part by part, for workbooks no spreadsheet program would write.
/// Parts keep the order they were put in; each is deflated or stored as asked.
struct TestPackage {
    struct Part {
        var name: String
        var bytes: Data
        var compressed: Bool
    }

    private(set) var parts: [Part] = []

    static let mainNamespace = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    static let relationshipsNamespace = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    static let packageRelationshipsNamespace = "http://schemas.openxmlformats.org/package/2006/relationships"
    static let xmlDeclaration = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#

    init() {}

    /// A workbook with one worksheet part per entry of `sheets` (named Blad1, Blad2, …, at
    /// `xl/worksheets/sheetN.xml`) and, when given, a shared-strings part.
    init(sheets: [String], sharedStrings: String? = nil) {
        let sheetEntries = sheets.indices.map { i in
            #"<sheet name="Blad\#(i + 1)" sheetId="\#(i + 1)" r:id="rId\#(i + 1)"/>"#
        }.joined()
        var relationships = sheets.indices.map { i in
            #"<Relationship Id="rId\#(i + 1)" Type="\#(Self.relationshipsNamespace)/worksheet" Target="worksheets/sheet\#(i + 1).xml"/>"#
        }
        if sharedStrings != nil {
            relationships.append(
                #"<Relationship Id="rIdStrings" Type="\#(Self.relationshipsNamespace)/sharedStrings" Target="sharedStrings.xml"/>"#)
        }
        put("[Content_Types].xml", Self.xmlDeclaration + """
            <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
            <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
            <Default Extension="xml" ContentType="application/xml"/>\
            </Types>
            """)
        put("_rels/.rels", Self.xmlDeclaration + """
            <Relationships xmlns="\(Self.packageRelationshipsNamespace)">\
            <Relationship Id="rId1" Type="\(Self.relationshipsNamespace)/officeDocument" Target="xl/workbook.xml"/>\
            </Relationships>
            """)
        put("xl/workbook.xml", Self.xmlDeclaration + """
            <workbook xmlns="\(Self.mainNamespace)" xmlns:r="\(Self.relationshipsNamespace)">\
            <sheets>\(sheetEntries)</sheets></workbook>
            """)
        put("xl/_rels/workbook.xml.rels", Self.xmlDeclaration + """
            <Relationships xmlns="\(Self.packageRelationshipsNamespace)">\(relationships.joined())</Relationships>
            """)
        for (i, sheet) in sheets.enumerated() {
            put("xl/worksheets/sheet\(i + 1).xml", sheet)
        }
        if let sharedStrings { put("xl/sharedStrings.xml", sharedStrings) }
    }

    /// A worksheet part whose `rows` (each a `<row>` element) stand one per line from line 4 on, so a
    /// test can say which line a problem is on.
    static func worksheet(rows: [String]) -> String {
        ([xmlDeclaration,
          #"<worksheet xmlns="\#(mainNamespace)" xmlns:r="\#(relationshipsNamespace)">"#,
          "<sheetData>"] + rows + ["</sheetData>", "</worksheet>"]).joined(separator: "\n")
    }

    /// A shared-strings part with one plain `<si>` for each string (given already escaped for XML).
    static func sharedStrings(_ strings: [String]) -> String {
        xmlDeclaration + #"<sst xmlns="\#(mainNamespace)" count="\#(strings.count)" uniqueCount="\#(strings.count)">"#
            + strings.map { "<si><t>\($0)</t></si>" }.joined() + "</sst>"
    }

    subscript(name: String) -> Data? {
        parts.first { $0.name == name }?.bytes
    }

    /// Adds the part, or replaces the part of that name where it stands.
    mutating func put(_ name: String, _ text: String, compressed: Bool = true) {
        put(name, bytes: Data(text.utf8), compressed: compressed)
    }

    mutating func put(_ name: String, bytes: Data, compressed: Bool = true) {
        let part = Part(name: name, bytes: bytes, compressed: compressed)
        if let i = parts.firstIndex(where: { $0.name == name }) { parts[i] = part } else { parts.append(part) }
    }

    mutating func remove(_ name: String) {
        parts.removeAll { $0.name == name }
    }

    /// Moves a part to another name, keeping its bytes.
    mutating func rename(_ name: String, to newName: String) {
        if let i = parts.firstIndex(where: { $0.name == name }) { parts[i].name = newName }
    }

    func write(to url: URL) throws {
        let archive = try Archive(url: url, accessMode: .create)
        for part in parts {
            let bytes = part.bytes
            try archive.addEntry(
                with: part.name, type: .file, uncompressedSize: Int64(bytes.count),
                compressionMethod: part.compressed ? .deflate : .none,
                provider: { position, size in
                    let start = Int(position)
                    return bytes.subdata(in: start..<min(start + size, bytes.count))
                })
        }
    }
}

/// A fresh directory under the temporary directory; call `remove()` (in a `defer`) when done.
struct ScratchDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("kalkyl-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func write(_ package: TestPackage, as name: String = "budget.xlsx") throws -> URL {
        let file = url.appendingPathComponent(name)
        try package.write(to: file)
        return file
    }

    func write(_ bytes: Data, as name: String) throws -> URL {
        let file = url.appendingPathComponent(name)
        try bytes.write(to: file)
        return file
    }

    func remove() {
        try? FileManager.default.removeItem(at: url)
    }
}

/// A written zip as bytes, for tests that damage one field of it. Offsets are those of the zip
/// format (APPNOTE.TXT): a local file header's name starts at +30, a central-directory record's at +46.
struct ZipBytes {
    var bytes: [UInt8]

    init(contentsOf url: URL) throws {
        bytes = [UInt8](try Data(contentsOf: url))
    }

    var data: Data { Data(bytes) }

    /// The local file header of the entry `name`.
    func localHeader(of name: String) -> Int? {
        find(signature: 0x0403_4B50, nameLengthAt: 26, nameAt: 30, name)
    }

    /// Where the entry's data starts: after its local header, name and extra field.
    func dataOffset(of name: String) -> Int? {
        localHeader(of: name).map { $0 + 30 + Int(uint(at: $0 + 26, width: 2)) + Int(uint(at: $0 + 28, width: 2)) }
    }

    /// The entry's record in the central directory.
    func centralDirectoryRecord(of name: String) -> Int? {
        find(signature: 0x0201_4B50, nameLengthAt: 28, nameAt: 46, name)
    }

    /// The end-of-central-directory record (the last one in the file).
    var endOfCentralDirectory: Int? {
        stride(from: bytes.count - 22, through: 0, by: -1).first { uint(at: $0, width: 4) == 0x0605_4B50 }
    }

    func uint(at offset: Int, width: Int) -> UInt64 {
        (0..<width).reduce(0) { $0 | UInt64(bytes[offset + $1]) << (8 * UInt64($1)) }
    }

    mutating func set(_ value: UInt64, at offset: Int, width: Int) {
        for i in 0..<width { bytes[offset + i] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(i))) }
    }

    static func littleEndian(_ value: UInt64, width: Int) -> [UInt8] {
        (0..<width).map { UInt8(truncatingIfNeeded: value >> (8 * UInt64($0))) }
    }

    private func find(signature: UInt64, nameLengthAt lengthOffset: Int, nameAt nameOffset: Int, _ name: String) -> Int? {
        let nameBytes = Array(name.utf8)
        return bytes.indices.dropLast(nameOffset + nameBytes.count).first { i in
            uint(at: i, width: 4) == signature
                && Int(uint(at: i + lengthOffset, width: 2)) == nameBytes.count
                && bytes[(i + nameOffset)..<(i + nameOffset + nameBytes.count)].elementsEqual(nameBytes)
        }
    }
}
