import Foundation

/// The zip container of an OPC package, reduced to what the reader needs, so the zip library behind
/// it can be replaced. Parts are named without a leading "/" and matched case-insensitively.
protocol PackageArchive: Sendable {
    var fileName: String { get }
    var partNames: [String] { get }
    func contains(_ part: String) -> Bool
    /// Streams the inflated bytes of a part, chunk by chunk, checking its CRC at the end.
    func read(_ part: String, consumer: (Data) throws -> Void) throws
    /// Another handle on the same file, for reading parts on another thread.
    func reopened() throws -> PackageArchive
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
    func readAll(_ part: String) throws -> Data {
        var data = Data()
        try read(part) { data.append($0) }
        return data
    }
}
