import CLibz
import Foundation

// All pointer work with zlib and the file descriptor lives in this file.

/// `PackageArchive` on the zip directory read by `ZipDirectory` and zlib's inflate, reading with
/// positional reads so one handle serves every thread.
///
/// Why not ZIPFoundation here: its Linux inflate loop ignores an entry's compressed size and spins
/// for ever when a deflate stream runs into the end of the file (weichsel/ZIPFoundation#389), and it
/// keeps entry data offsets private, so the loop cannot be bounded from outside. Here the input is
/// exactly the entry's compressed bytes and the output is bounded by `ReadLimits`.
final class ZlibPackageArchive: PackageArchive, @unchecked Sendable {
    let fileName: String
    private let descriptor: Int32
    private let fileLength: UInt64
    private let entries: [String: ZipDirectory.Entry]
    private let limits: ReadLimits
    private let budget: InflateBudget

    init(url: URL, limits: ReadLimits) throws {
        fileName = url.lastPathComponent
        self.limits = limits
        budget = InflateBudget(limit: limits.maxTotalBytes)
        try PackageMagic.check(url: url, fileName: fileName)
        let fd = open(url.path, O_RDONLY)
        guard fd >= 0 else { throw XLSXError(file: fileName, reason: .unreadable(String(cString: strerror(errno)))) }
        descriptor = fd
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            close(fd)
            throw XLSXError(file: fileName, reason: .unreadable("cannot stat the file"))
        }
        fileLength = UInt64(info.st_size)
        let length = fileLength
        do {
            let directory = try ZipDirectory(fileLength: length) { offset, count in try Self.read(fd, offset, count) }
            var map: [String: ZipDirectory.Entry] = [:]
            for entry in directory.entries where !entry.name.hasSuffix("/") {
                map[Self.key(entry.name)] = entry
            }
            entries = map
        } catch ZipDirectory.Failure.damaged(let detail) {
            close(fd)
            throw XLSXError(file: fileName, reason: .damagedArchive(detail))
        } catch {
            close(fd)
            throw error
        }
    }

    deinit { close(descriptor) }

    private static func key(_ path: String) -> String {
        var p = path
        while p.hasPrefix("/") { p.removeFirst() }
        return p.lowercased()
    }

    var partNames: [String] { entries.values.map(\.name).sorted() }

    func contains(_ part: String) -> Bool { entries[Self.key(part)] != nil }

    func inflatedSize(of part: String) -> UInt64? { entries[Self.key(part)]?.uncompressedSize }

    func readBytes(_ part: String, consumer: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard let entry = entries[Self.key(part)] else {
            throw XLSXError(file: fileName, part: part, reason: .missingPart)
        }
        func damaged(_ detail: String) -> XLSXError { XLSXError(file: fileName, part: part, reason: .damagedArchive(detail)) }
        guard entry.flags & 1 == 0 else { throw damaged("the part is encrypted") }
        let start: UInt64
        do {
            start = try ZipDirectory.dataOffset(of: entry, fileLength: fileLength) { try Self.read(descriptor, $0, $1) }
        } catch ZipDirectory.Failure.damaged(let detail) {
            throw damaged(detail)
        }
        let compressed = Int64(clamping: entry.compressedSize)
        let partLimit = min(limits.maxPartBytes, max(limits.ratioCheckFloor, compressed * limits.maxCompressionRatio))
        var produced: Int64 = 0
        var crc: UInt = crc32(0, nil, 0)
        // A parse error in a damaged part is reported as the damage (CRC) when the part can still be
        // read to its end; otherwise the parse error stands.
        var heldError: Error?
        let deliver: (UnsafeRawBufferPointer) throws -> Void = { chunk in
            produced += Int64(chunk.count)
            if produced > partLimit {
                throw XLSXError(file: self.fileName, part: part, reason: .limitExceeded(
                    "inflates beyond \(partLimit) bytes (\(compressed) compressed)"))
            }
            try self.budget.spend(Int64(chunk.count), file: self.fileName, part: part)
            crc = crc32(crc, chunk.baseAddress?.assumingMemoryBound(to: Bytef.self), uInt(chunk.count))
            guard heldError == nil else { return }
            do { try consumer(chunk) } catch let e as XLSXError { heldError = e }
        }
        switch entry.method {
        case 0: try copyStored(from: start, count: entry.compressedSize, to: deliver)
        case 8: try inflate(from: start, count: entry.compressedSize, to: deliver, damaged: damaged)
        default: throw damaged("unsupported compression method \(entry.method)")
        }
        if UInt32(truncatingIfNeeded: crc) != entry.crc32 { throw damaged("CRC mismatch") }
        if UInt64(produced) != entry.uncompressedSize { throw damaged("the part's size differs from the directory's") }
        if let heldError { throw heldError }
    }

    private func copyStored(from start: UInt64, count: UInt64, to deliver: (UnsafeRawBufferPointer) throws -> Void) throws {
        var offset: UInt64 = 0
        while offset < count {
            let n = Int(min(count - offset, 256 * 1024))
            let bytes = try Self.read(descriptor, start + offset, n)
            guard bytes.count == n else {
                throw XLSXError(file: fileName, reason: .damagedArchive("the file ends inside a part"))
            }
            try bytes.withUnsafeBytes { try deliver($0) }
            offset += UInt64(n)
        }
    }

    private func inflate(from start: UInt64, count: UInt64, to deliver: (UnsafeRawBufferPointer) throws -> Void,
                         damaged: (String) -> XLSXError) throws {
        var stream = z_stream()
        guard inflateInit2_(&stream, -MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw damaged("zlib could not start")
        }
        defer { inflateEnd(&stream) }
        let outputSize = 256 * 1024
        var output = [UInt8](repeating: 0, count: outputSize)
        var offset: UInt64 = 0
        var finished = false
        while !finished {
            guard offset < count else { throw damaged("the deflate stream ends early") }
            var input = try Self.read(descriptor, start + offset, Int(min(count - offset, 256 * 1024)))
            guard !input.isEmpty else { throw damaged("the file ends inside a part") }
            offset += UInt64(input.count)
            let inputCount = input.count
            try input.withUnsafeMutableBufferPointer { inputBuffer in
                stream.next_in = inputBuffer.baseAddress
                stream.avail_in = uInt(inputCount)
                repeat {
                    let (status, produced): (Int32, Int) = output.withUnsafeMutableBufferPointer { out in
                        stream.next_out = out.baseAddress
                        stream.avail_out = uInt(outputSize)
                        let status = CLibz.inflate(&stream, Z_NO_FLUSH)
                        return (status, outputSize - Int(stream.avail_out))
                    }
                    switch status {
                    case Z_OK, Z_BUF_ERROR: break
                    case Z_STREAM_END: finished = true
                    default: throw damaged("corrupt deflate data")
                    }
                    if produced > 0 { try output.withUnsafeBytes { try deliver(UnsafeRawBufferPointer(rebasing: $0[0..<produced])) } }
                    if status == Z_BUF_ERROR && produced == 0 { break }
                } while !finished && (stream.avail_in > 0 || stream.avail_out == 0)
            }
        }
    }

    private static func read(_ fd: Int32, _ offset: UInt64, _ count: Int) throws -> [UInt8] {
        guard count > 0 else { return [] }
        var buffer = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let n = buffer.withUnsafeMutableBytes { raw in
                pread(fd, raw.baseAddress! + done, count - done, off_t(offset) + off_t(done))
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw ZipDirectory.Failure.damaged("read error: \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            done += n
        }
        if done < count { buffer.removeSubrange(done...) }
        return buffer
    }
}
