import CExpat
import CLibz
import Foundation

/// The floor for reading, as the issue states it ("C with zlib + expat"): inflate every part with
/// zlib and run expat over it with no handlers at all. The zip directory is read here from the
/// file's bytes, independently of Kalkyl's reader.
enum ExpatFloor {
    static func inflateOnly(_ url: URL) throws -> Int {
        var bytes = 0
        try forEachPart(url, xmlOnly: false) { chunk in bytes += chunk.count }
        return bytes
    }

    static func inflateAndParse(_ url: URL) throws -> Int {
        var bytes = 0
        var parser: XML_Parser?
        try forEachPart(url, xmlOnly: true, start: {
            if let parser { XML_Parse(parser, nil, 0, 1); XML_ParserFree(parser) }
            parser = XML_ParserCreate(nil)
        }) { chunk in
            bytes += chunk.count
            _ = chunk.withMemoryRebound(to: CChar.self) { XML_Parse(parser, $0.baseAddress, Int32($0.count), 0) }
        }
        if let parser { XML_Parse(parser, nil, 0, 1); XML_ParserFree(parser) }
        return bytes
    }

    struct Failure: Error, CustomStringConvertible { let description: String }

    /// Inflates each stored or deflated part, handing over its bytes in chunks of up to 256 KB.
    private static func forEachPart(_ url: URL, xmlOnly: Bool, start: () -> Void = {},
                                    _ body: (UnsafeBufferPointer<UInt8>) -> Void) throws {
        let file = [UInt8](try Data(contentsOf: url))
        func u16(_ at: Int) -> Int { Int(file[at]) | Int(file[at + 1]) << 8 }
        func u32(_ at: Int) -> Int { u16(at) | u16(at + 2) << 16 }
        guard let end = stride(from: file.count - 22, through: max(0, file.count - 65_557), by: -1)
            .first(where: { u32($0) == 0x0605_4B50 }) else { throw Failure(description: "no zip directory") }
        var at = u32(end + 16)
        var output = [UInt8](repeating: 0, count: 256 * 1024)
        for _ in 0..<u16(end + 10) {
            let method = u16(at + 10), compressed = u32(at + 20), nameLength = u16(at + 28)
            let extra = u16(at + 30), comment = u16(at + 32), local = u32(at + 42)
            let name = String(decoding: file[(at + 46)..<(at + 46 + nameLength)], as: UTF8.self)
            at += 46 + nameLength + extra + comment
            guard !name.hasSuffix("/"), !xmlOnly || name.hasSuffix(".xml") || name.hasSuffix(".rels") else { continue }
            let data = local + 30 + u16(local + 26) + u16(local + 28)
            start()
            if method == 0 {
                file.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[data..<(data + compressed)])) }
                continue
            }
            var stream = z_stream()
            guard inflateInit2_(&stream, -MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
                throw Failure(description: "zlib could not start")
            }
            defer { inflateEnd(&stream) }
            try file.withUnsafeBufferPointer { input in
                stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress! + data)
                stream.avail_in = uInt(compressed)
                var status = Z_OK
                while status != Z_STREAM_END {
                    let produced: Int = output.withUnsafeMutableBufferPointer { out in
                        stream.next_out = out.baseAddress
                        stream.avail_out = uInt(out.count)
                        status = inflate(&stream, Z_NO_FLUSH)
                        return out.count - Int(stream.avail_out)
                    }
                    guard status == Z_OK || status == Z_STREAM_END else { throw Failure(description: "\(name): inflate failed (\(status))") }
                    output.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[0..<produced])) }
                }
            }
        }
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
