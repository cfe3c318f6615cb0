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

/// Resident memory of this process now, in bytes (`/proc/self/statm`; 0 where there is none).
func currentResidentBytes() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let fields = text.split(separator: " ")
    guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
}

/// glibc's `malloc_trim`: hands freed heap memory back to the system, so the resident size says
/// what is still in use. (Not in Swift's Glibc module.)
@_silgen_name("malloc_trim") private func mallocTrim(_ pad: Int) -> Int32

func releaseFreeMemory() { _ = mallocTrim(0) }
