import CExpat
import Foundation
import ZIPFoundation

/// The floor for reading: inflate every part and run expat over it with no handlers at all.
enum ExpatFloor {
    static func inflateOnly(_ url: URL) throws -> Int {
        let archive = try Archive(url: url, accessMode: .read)
        var bytes = 0
        for entry in archive where entry.type == .file {
            _ = try archive.extract(entry, bufferSize: 256 * 1024, skipCRC32: false) { bytes += $0.count }
        }
        return bytes
    }

    static func inflateAndParse(_ url: URL) throws -> Int {
        let archive = try Archive(url: url, accessMode: .read)
        var bytes = 0
        for entry in archive where entry.type == .file && entry.path.hasSuffix(".xml") {
            let parser = XML_ParserCreate(nil)
            defer { XML_ParserFree(parser) }
            _ = try archive.extract(entry, bufferSize: 256 * 1024, skipCRC32: false) { chunk in
                bytes += chunk.count
                chunk.withUnsafeBytes { raw in
                    _ = XML_Parse(parser, raw.bindMemory(to: CChar.self).baseAddress, Int32(raw.count), 0)
                }
            }
            XML_Parse(parser, nil, 0, 1)
        }
        return bytes
    }
}
