/// The central directory of a zip archive: where each entry's data starts, how it is stored, its
/// sizes and CRC. Read from the end of the file (zip64 included); every offset and size is checked
/// against the file's length before it is used.
struct ZipDirectory {
    struct Entry {
        var name: String
        /// 0 stored, 8 deflated.
        var method: UInt16
        var flags: UInt16
        var crc32: UInt32
        var compressedSize: UInt64
        var uncompressedSize: UInt64
        var localHeaderOffset: UInt64
    }

    enum Failure: Error {
        case damaged(String)
    }

    private(set) var entries: [Entry] = []

    /// `read(offset, count)` gives the file's bytes (fewer at its end).
    init(fileLength: UInt64, read: (UInt64, Int) throws -> [UInt8]) throws {
        guard fileLength >= 22 else { throw Failure.damaged("too short for a zip archive") }
        // The end-of-central-directory record sits in the last 64 KiB + 22 bytes.
        let tailLength = Int(min(fileLength, 65_557))
        let tail = try read(fileLength - UInt64(tailLength), tailLength)
        guard let eocd = Self.lastIndex(of: 0x0605_4B50, in: tail, minimumTail: 22) else {
            throw Failure.damaged("no end of central directory (truncated?)")
        }
        var count = UInt64(Self.u16(tail, eocd + 10))
        var directorySize = UInt64(Self.u32(tail, eocd + 12))
        var directoryOffset = UInt64(Self.u32(tail, eocd + 16))
        let eocdPosition = fileLength - UInt64(tailLength) + UInt64(eocd)
        if count == 0xFFFF || directorySize == 0xFFFF_FFFF || directoryOffset == 0xFFFF_FFFF,
           eocd >= 20, Self.u32(tail, eocd - 20) == 0x0706_4B50 {
            let zip64Position = Self.u64(tail, eocd - 12)
            guard zip64Position + 56 <= eocdPosition else { throw Failure.damaged("bad zip64 locator") }
            let record = try read(zip64Position, 56)
            guard record.count == 56, Self.u32(record, 0) == 0x0606_4B50 else { throw Failure.damaged("bad zip64 record") }
            count = Self.u64(record, 32)
            directorySize = Self.u64(record, 40)
            directoryOffset = Self.u64(record, 48)
        }
        guard directoryOffset <= eocdPosition, directorySize <= eocdPosition - directoryOffset,
              directorySize < 1 << 31 else {
            throw Failure.damaged("the central directory lies outside the file")
        }
        let directory = try read(directoryOffset, Int(directorySize))
        guard directory.count == Int(directorySize) else { throw Failure.damaged("the central directory is cut short") }
        var p = 0
        var found: [Entry] = []
        found.reserveCapacity(Int(min(count, 100_000)))
        while p + 46 <= directory.count, Self.u32(directory, p) == 0x0201_4B50 {
            let nameLength = Int(Self.u16(directory, p + 28))
            let extraLength = Int(Self.u16(directory, p + 30))
            let commentLength = Int(Self.u16(directory, p + 32))
            guard p + 46 + nameLength + extraLength + commentLength <= directory.count else {
                throw Failure.damaged("a central directory entry runs past its end")
            }
            var entry = Entry(
                name: String(decoding: directory[(p + 46)..<(p + 46 + nameLength)], as: UTF8.self),
                method: Self.u16(directory, p + 10), flags: Self.u16(directory, p + 8), crc32: Self.u32(directory, p + 16),
                compressedSize: UInt64(Self.u32(directory, p + 20)), uncompressedSize: UInt64(Self.u32(directory, p + 24)),
                localHeaderOffset: UInt64(Self.u32(directory, p + 42)))
            // Zip64 extra field: the 64-bit values of whichever fields are 0xFFFFFFFF, in order.
            var e = p + 46 + nameLength
            let extraEnd = e + extraLength
            while e + 4 <= extraEnd {
                let id = Self.u16(directory, e), size = Int(Self.u16(directory, e + 2))
                if id == 0x0001 {
                    var q = e + 4
                    func next() -> UInt64? {
                        guard q + 8 <= e + 4 + size, q + 8 <= extraEnd else { return nil }
                        defer { q += 8 }
                        return Self.u64(directory, q)
                    }
                    if entry.uncompressedSize == 0xFFFF_FFFF, let v = next() { entry.uncompressedSize = v }
                    if entry.compressedSize == 0xFFFF_FFFF, let v = next() { entry.compressedSize = v }
                    if entry.localHeaderOffset == 0xFFFF_FFFF, let v = next() { entry.localHeaderOffset = v }
                }
                e += 4 + size
            }
            found.append(entry)
            p += 46 + nameLength + extraLength + commentLength
        }
        entries = found
    }

    /// The offset of an entry's data: after its local header, whose name and extra field lengths
    /// may differ from the central directory's.
    static func dataOffset(of entry: Entry, fileLength: UInt64, read: (UInt64, Int) throws -> [UInt8]) throws -> UInt64 {
        guard entry.localHeaderOffset <= fileLength, fileLength - entry.localHeaderOffset >= 30 else {
            throw Failure.damaged("the local header lies outside the file")
        }
        let header = try read(entry.localHeaderOffset, 30)
        guard header.count == 30, u32(header, 0) == 0x0403_4B50 else { throw Failure.damaged("bad local header") }
        let start = entry.localHeaderOffset + 30 + UInt64(u16(header, 26)) + UInt64(u16(header, 28))
        guard start <= fileLength, entry.compressedSize <= fileLength - start else {
            throw Failure.damaged("the part's data runs past the end of the file")
        }
        return start
    }

    private static func lastIndex(of signature: UInt32, in bytes: [UInt8], minimumTail: Int) -> Int? {
        var i = bytes.count - minimumTail
        while i >= 0 {
            if u32(bytes, i) == signature { return i }
            i -= 1
        }
        return nil
    }

    static func u16(_ b: [UInt8], _ i: Int) -> UInt16 { UInt16(b[i]) | UInt16(b[i + 1]) << 8 }
    static func u32(_ b: [UInt8], _ i: Int) -> UInt32 {
        UInt32(b[i]) | UInt32(b[i + 1]) << 8 | UInt32(b[i + 2]) << 16 | UInt32(b[i + 3]) << 24
    }
    static func u64(_ b: [UInt8], _ i: Int) -> UInt64 { UInt64(u32(b, i)) | UInt64(u32(b, i + 4)) << 32 }
}
