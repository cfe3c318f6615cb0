import Foundation

/// The zip container of an OPC package, reduced to what the reader needs, so the zip code behind it
/// can be replaced. Parts are named without a leading "/" and matched case-insensitively. Parts may
/// be read from several threads at once.
protocol PackageArchive: Sendable {
    var fileName: String { get }
    var partNames: [String] { get }
    func contains(_ part: String) -> Bool
    /// Streams the inflated bytes of a part, chunk by chunk, checking its CRC at the end. The
    /// buffer is valid only during the call; an `XLSXError` the consumer throws is held until the
    /// part's CRC is checked (damage is reported as such), any other error stops at once.
    func readBytes(_ part: String, consumer: (UnsafeRawBufferPointer) throws -> Void) throws
    /// The part's size once inflated, as the archive's directory gives it.
    func inflatedSize(of part: String) -> UInt64?
}

/// Bounds on what a package may inflate to, against zip bombs.
public struct ReadLimits: Sendable {
    /// No single part may inflate beyond this.
    public var maxPartBytes: Int64 = 4 << 30
    /// All parts together.
    public var maxTotalBytes: Int64 = 16 << 30
    /// A part larger than `ratioCheckFloor` may not inflate more than this many times its compressed size.
    public var maxCompressionRatio: Int64 = 250
    public var ratioCheckFloor: Int64 = 16 << 20

    public init() {}
}

extension PackageArchive {
    /// `readBytes` with each chunk copied into a `Data`.
    func read(_ part: String, consumer: (Data) throws -> Void) throws {
        try readBytes(part) { try consumer(Data($0)) }
    }

    func readAll(_ part: String) throws -> Data {
        var data = Data()
        try read(part) { data.append($0) }
        return data
    }
}

enum PackageMagic {
    /// Reads the first bytes, so a file that is not a zip is named as such at once (not searched for a
    /// zip directory), and a legacy .xls or encrypted workbook gets a message of its own.
    static func check(url: URL, fileName: String) throws {
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
