import Foundation
import ZIPFoundation

/// `PackageArchive` on ZIPFoundation. One handle is used by one thread at a time; `reopened()`
/// gives each other thread a handle of its own.
final class ZipPackageArchive: PackageArchive, @unchecked Sendable {
    let url: URL
    let fileName: String
    private let archive: Archive
    private let entries: [String: Entry]
    private let limits: ReadLimits
    private let budget: InflateBudget

    init(url: URL, limits: ReadLimits, budget: InflateBudget? = nil) throws {
        self.url = url
        self.fileName = url.lastPathComponent
        self.limits = limits
        self.budget = budget ?? InflateBudget(limit: limits.maxTotalBytes)
        try Self.checkMagic(url: url, fileName: fileName)
        do {
            archive = try Archive(url: url, accessMode: .read)
        } catch {
            throw XLSXError(file: fileName, reason: .damagedArchive("\(error)"))
        }
        var map: [String: Entry] = [:]
        for entry in archive where entry.type == .file {
            map[Self.key(entry.path)] = entry
        }
        entries = map
    }

    /// Reads the first bytes: ZIPFoundation would scan a whole non-zip file for its directory.
    private static func checkMagic(url: URL, fileName: String) throws {
        guard let handle = FileHandle(forReadingAtPath: url.path) else {
            let exists = FileManager.default.fileExists(atPath: url.path)
            throw XLSXError(file: fileName, reason: .unreadable(exists ? "permission denied" : "no such file"))
        }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: 8)) ?? Data()
        let bytes = [UInt8](head)
        if bytes.starts(with: [0xD0, 0xCF, 0x11, 0xE0]) {
            throw XLSXError(file: fileName, reason: .legacyOrEncrypted)
        }
        guard bytes.count >= 4, bytes[0] == 0x50, bytes[1] == 0x4B,
              (bytes[2] == 3 && bytes[3] == 4) || (bytes[2] == 5 && bytes[3] == 6) else {
            throw XLSXError(file: fileName, reason: bytes.isEmpty ? .damagedArchive("the file is empty") : .notAZip)
        }
    }

    private static func key(_ path: String) -> String {
        var p = path
        while p.hasPrefix("/") { p.removeFirst() }
        return p.lowercased()
    }

    var partNames: [String] { entries.values.map(\.path).sorted() }

    func contains(_ part: String) -> Bool { entries[Self.key(part)] != nil }

    func read(_ part: String, consumer: (Data) throws -> Void) throws {
        guard let entry = entries[Self.key(part)] else {
            throw XLSXError(file: fileName, part: part, reason: .missingPart)
        }
        let compressed = Int64(clamping: entry.compressedSize)
        var inflated: Int64 = 0
        let ratioLimit = max(limits.ratioCheckFloor, compressed * limits.maxCompressionRatio)
        let partLimit = min(limits.maxPartBytes, ratioLimit)
        let checksum: CRC32
        // A damaged stored part reaches the consumer as garbage that it rejects as bad XML or bad
        // content; that error waits until the part is read, so a failed CRC can blame the archive.
        // Not for deflated parts: on Linux, ZIPFoundation 0.9.20 inflates past the part's end and
        // spins at the end of the file, and only the consumer's error stops it.
        let stored = !entry.isCompressed
        var consumerError: Error?
        do {
            checksum = try archive.extract(entry, bufferSize: 256 * 1024, skipCRC32: false) { chunk in
                // Past the end of the file ZIPFoundation hands out empty chunks of a stored part for
                // as long as its declared size says (zip64 lets that be 2^63 bytes).
                if stored && chunk.isEmpty && entry.uncompressedSize > 0 {
                    throw XLSXError(file: fileName, part: part, reason: .damagedArchive(
                        "the file ends before the part's declared size"))
                }
                inflated += Int64(chunk.count)
                if inflated > partLimit {
                    throw XLSXError(file: fileName, part: part, reason: .limitExceeded(
                        "inflates beyond \(partLimit) bytes (\(compressed) compressed)"))
                }
                try budget.spend(Int64(chunk.count), file: fileName, part: part)
                guard consumerError == nil else { return }
                do {
                    try consumer(chunk)
                } catch {
                    guard stored else { throw error }
                    consumerError = error
                }
            }
        } catch let error as XLSXError {
            throw error
        } catch {
            throw XLSXError(file: fileName, part: part, reason: .damagedArchive("\(error)"))
        }
        if checksum != entry.checksum {
            throw XLSXError(file: fileName, part: part, reason: .damagedArchive("CRC mismatch"))
        }
        if let consumerError { throw consumerError }
    }

    func reopened() throws -> PackageArchive {
        try ZipPackageArchive(url: url, limits: limits, budget: budget)
    }
}

/// The total inflated bytes all handles on one package may produce.
final class InflateBudget: @unchecked Sendable {
    private let lock = NSLock()
    private var remaining: Int64

    init(limit: Int64) { remaining = limit }

    func spend(_ bytes: Int64, file: String, part: String) throws {
        lock.lock()
        defer { lock.unlock() }
        remaining -= bytes
        if remaining < 0 {
            throw XLSXError(file: file, part: part, reason: .limitExceeded("the package inflates beyond its total limit"))
        }
    }
}
