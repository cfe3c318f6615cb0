import Foundation
import Kalkyl

/// The pass over the package libxlsxwriter wrote, for what its API cannot express (see `CellPatch`):
/// cells of the types it cannot cache, the 1904 date system, the workbook's calculation settings,
/// defined names it cannot take, very hidden sheets and number formats longer than its buffers.
///
/// Parts that need no change are copied as they are (their compressed bytes, not re-deflated);
/// changed parts are streamed through inflate, the patcher and deflate. Every entry gets a fixed
/// timestamp, so the same input gives the same bytes.
struct PackagePass {
    /// Cell patches by sheet part (`xl/worksheets/sheet1.xml`).
    var sheetPatches: [String: [CellPatch]] = [:]
    var workbook = WorkbookEdits()
    /// Placeholder number-format codes and the real codes, in `xl/styles.xml`.
    var numberFormats: [String: String] = [:]

    struct WorkbookEdits {
        var date1904 = false
        /// Keep libxlsxwriter's `fullCalcOnLoad="1"` (Excel then recalculates when opening).
        var fullCalculationOnLoad = false
        var calculation = CalculationProperties()
        /// `<definedName>` elements libxlsxwriter could not take, already serialised.
        var extraDefinedNames: [String] = []
        /// Sheets to mark `veryHidden` (libxlsxwriter only hides).
        var veryHiddenSheets: [String] = []

        var isEmpty: Bool {
            !date1904 && fullCalculationOnLoad && extraDefinedNames.isEmpty && veryHiddenSheets.isEmpty
                && calculation == CalculationProperties()
        }
    }

    func run(source: URL, destination: URL) throws {
        let sourceBytes = try ZipSource(url: source)
        let archive = try ZlibPackageArchive(url: source, limits: ReadLimits())
        let out = try ZipSink(url: destination)
        for entry in sourceBytes.entries {
            let name = entry.name
            if let patches = sheetPatches[name], !patches.isEmpty {
                let patcher = SheetXMLPatcher(patches: patches)
                // The sheet is deflated a second time here (libxlsxwriter did it once): a faster
                // level, for files about 10 % larger.
                try out.addDeflated(name: name, level: 3) { write in
                    try archive.read(name) { chunk in try patcher.feed([UInt8](chunk), output: write) }
                    try patcher.finish(output: write)
                }
            } else if name == "xl/workbook.xml" {
                let text = String(decoding: try archive.readAll(name), as: UTF8.self)
                let edited = edit(workbookXML: text)
                try out.addDeflated(name: name) { write in try write(Array(edited.utf8)) }
            } else if name == "xl/styles.xml" && !numberFormats.isEmpty {
                var text = String(decoding: try archive.readAll(name), as: UTF8.self)
                for (placeholder, code) in numberFormats {
                    text = text.replacingOccurrences(of: "formatCode=\"\(XMLEscaping.attribute(placeholder))\"",
                                                     with: "formatCode=\"\(XMLEscaping.attribute(code))\"")
                }
                try out.addDeflated(name: name) { write in try write(Array(text.utf8)) }
            } else {
                try out.addRaw(entry, from: sourceBytes)
            }
        }
        try out.finish()
    }

    func edit(workbookXML text: String) -> String {
        var xml = text
        if workbook.date1904 {
            xml = xml.replacingOccurrences(of: "<workbookPr", with: "<workbookPr date1904=\"1\"", options: [], range: xml.range(of: "<workbookPr"))
        }
        for name in workbook.veryHiddenSheets {
            let tag = "<sheet name=\"\(XMLEscaping.attribute(name))\""
            guard let start = xml.range(of: tag), let end = xml[start.upperBound...].range(of: "/>") else { continue }
            let element = String(xml[start.lowerBound..<end.upperBound])
            xml.replaceSubrange(start.lowerBound..<end.upperBound, with: element.replacingOccurrences(of: "state=\"hidden\"", with: "state=\"veryHidden\""))
        }
        if !workbook.extraDefinedNames.isEmpty {
            let names = workbook.extraDefinedNames.joined()
            if let close = xml.range(of: "</definedNames>") {
                xml.replaceSubrange(close, with: names + "</definedNames>")
            } else if let calc = xml.range(of: "<calcPr") {
                xml.replaceSubrange(calc.lowerBound..<calc.lowerBound, with: "<definedNames>" + names + "</definedNames>")
            }
        }
        if let start = xml.range(of: "<calcPr"), let end = xml[start.upperBound...].range(of: "/>") {
            let c = workbook.calculation
            var calc = "<calcPr calcId=\"\(c.calcId ?? 124519)\""
            if c.mode != .automatic { calc += " calcMode=\"\(c.mode.rawValue)\"" }
            if workbook.fullCalculationOnLoad || c.fullCalcOnLoad { calc += " fullCalcOnLoad=\"1\"" }
            if c.iterate {
                calc += " iterate=\"1\" iterateCount=\"\(c.iterateCount)\" iterateDelta=\"\(NumberWriting.exactText(c.iterateDelta))\""
            }
            calc += "/>"
            xml.replaceSubrange(start.lowerBound..<end.upperBound, with: calc)
        }
        return xml
    }
}

/// The entries of a zip file and their raw (compressed) bytes.
final class ZipSource {
    let entries: [ZipDirectory.Entry]
    let handle: FileHandle
    let length: UInt64

    init(url: URL) throws {
        handle = try FileHandle(forReadingFrom: url)
        length = try handle.seekToEnd()
        let h = handle
        entries = try ZipDirectory(fileLength: length) { offset, count in
            try h.seek(toOffset: offset)
            return [UInt8](try h.read(upToCount: count) ?? Data())
        }.entries
    }

    deinit { try? handle.close() }

    func read(_ offset: UInt64, _ count: Int) throws -> [UInt8] {
        try handle.seek(toOffset: offset)
        return [UInt8](try handle.read(upToCount: count) ?? Data())
    }

    func dataOffset(of entry: ZipDirectory.Entry) throws -> UInt64 {
        try ZipDirectory.dataOffset(of: entry, fileLength: length) { try read($0, $1) }
    }
}

/// Writes a zip file entry by entry (copied raw, or deflated here) in the classic format every
/// spreadsheet reads (no zip64: a package over 4 GiB is refused), with a fixed timestamp
/// (1980-01-01 00:00, as libxlsxwriter).
final class ZipSink {
    private struct Written {
        var name: [UInt8]
        var method: UInt16
        var crc: UInt32
        var compressed: UInt32
        var uncompressed: UInt32
        var offset: UInt32
    }

    private let handle: FileHandle
    private var position: UInt64 = 0
    private var written: [Written] = []
    private static let dosTime: UInt16 = 0
    private static let dosDate: UInt16 = 0x21  // 1980-01-01

    init(url: URL) throws {
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw NativeWriterError(call: "create", message: "cannot create \(url.path)")
        }
        handle = try FileHandle(forWritingTo: url)
    }

    deinit { try? handle.close() }

    private func write(_ bytes: [UInt8]) throws {
        try handle.write(contentsOf: bytes)
        position += UInt64(bytes.count)
    }

    private static func small(_ v: UInt64, _ what: String) throws -> UInt32 {
        guard v < 0xFFFF_FFFF else {
            throw NativeWriterError(call: "package pass", message: "\(what) exceeds 4 GiB, more than a classic zip holds")
        }
        return UInt32(v)
    }

    private func localHeader(name: [UInt8], method: UInt16, crc: UInt32, compressed: UInt32, uncompressed: UInt32) -> [UInt8] {
        var h = ByteWriter()
        h.u32(0x0403_4B50); h.u16(20); h.u16(0); h.u16(method); h.u16(Self.dosTime); h.u16(Self.dosDate)
        h.u32(crc); h.u32(compressed); h.u32(uncompressed)
        h.u16(UInt16(name.count)); h.u16(0)
        h.bytes += name
        return h.bytes
    }

    /// Copies an entry's compressed bytes from another zip.
    func addRaw(_ entry: ZipDirectory.Entry, from source: ZipSource) throws {
        let name = Array(entry.name.utf8)
        let offset = try Self.small(position, "the package")
        let compressed = try Self.small(entry.compressedSize, entry.name)
        let uncompressed = try Self.small(entry.uncompressedSize, entry.name)
        try write(localHeader(name: name, method: entry.method, crc: entry.crc32, compressed: compressed, uncompressed: uncompressed))
        var start = try source.dataOffset(of: entry)
        var remaining = entry.compressedSize
        while remaining > 0 {
            let n = Int(min(remaining, 1 << 20))
            let chunk = try source.read(start, n)
            guard chunk.count == n else { throw NativeWriterError(call: "package pass", message: "\(entry.name) is cut short") }
            try write(chunk)
            start += UInt64(n)
            remaining -= UInt64(n)
        }
        written.append(Written(name: name, method: entry.method, crc: entry.crc32, compressed: compressed,
                               uncompressed: uncompressed, offset: offset))
    }

    /// Deflates what `produce` writes into a new entry.
    func addDeflated(name: String, level: Int32 = 6, _ produce: (_ write: ([UInt8]) throws -> Void) throws -> Void) throws {
        let nameBytes = Array(name.utf8)
        let start = position
        let offset = try Self.small(position, "the package")
        try write(localHeader(name: nameBytes, method: 8, crc: 0, compressed: 0, uncompressed: 0))
        let deflater = try RawDeflater(level: level)
        var crc: UInt32 = 0
        var uncompressed: UInt64 = 0
        var compressed: UInt64 = 0
        try produce { bytes in
            crc = zipCRC32(crc, bytes)
            uncompressed += UInt64(bytes.count)
            try deflater.compress(bytes, finish: false) { out in
                compressed += UInt64(out.count)
                try self.write(out)
            }
        }
        try deflater.compress([], finish: true) { out in
            compressed += UInt64(out.count)
            try self.write(out)
        }
        // Now the sizes and CRC are known: fill them into the local header.
        let c32 = try Self.small(compressed, name), u32 = try Self.small(uncompressed, name)
        try handle.seek(toOffset: start)
        try handle.write(contentsOf: localHeader(name: nameBytes, method: 8, crc: crc, compressed: c32, uncompressed: u32))
        try handle.seek(toOffset: position)
        written.append(Written(name: nameBytes, method: 8, crc: crc, compressed: c32, uncompressed: u32, offset: offset))
    }

    func finish() throws {
        guard written.count < 0xFFFF else { throw NativeWriterError(call: "package pass", message: "too many parts") }
        let directoryOffset = try Self.small(position, "the package")
        for w in written {
            var c = ByteWriter()
            c.u32(0x0201_4B50); c.u16(20); c.u16(20); c.u16(0); c.u16(w.method); c.u16(Self.dosTime); c.u16(Self.dosDate)
            c.u32(w.crc); c.u32(w.compressed); c.u32(w.uncompressed)
            c.u16(UInt16(w.name.count)); c.u16(0); c.u16(0); c.u16(0); c.u16(0); c.u32(0); c.u32(w.offset)
            c.bytes += w.name
            try write(c.bytes)
        }
        let directorySize = try Self.small(position - UInt64(directoryOffset), "the zip directory")
        var e = ByteWriter()
        e.u32(0x0605_4B50); e.u16(0); e.u16(0); e.u16(UInt16(written.count)); e.u16(UInt16(written.count))
        e.u32(directorySize); e.u32(directoryOffset); e.u16(0)
        try write(e.bytes)
        _ = try Self.small(position, "the package")
        try handle.synchronize()
        try handle.close()
    }
}

struct ByteWriter {
    var bytes: [UInt8] = []
    mutating func u16(_ v: UInt16) { bytes += [UInt8(v & 0xFF), UInt8(v >> 8)] }
    mutating func u32(_ v: UInt32) { for i in 0..<4 { bytes.append(UInt8((v >> (8 * UInt32(i))) & 0xFF)) } }
}
