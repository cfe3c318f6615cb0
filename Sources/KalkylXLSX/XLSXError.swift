/// Why a workbook could not be read, with the file, the part and the place in it.
public struct XLSXError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Reason: Sendable, Equatable {
        /// The file is not a zip archive (first bytes checked before anything else).
        case notAZip
        /// An OLE2 compound file: a legacy .xls, or an .xlsx encrypted with a password.
        case legacyOrEncrypted
        /// The zip archive is damaged or truncated.
        case damagedArchive(String)
        /// A part the workbook needs is not in the archive.
        case missingPart
        /// The part is not well-formed XML.
        case malformedXML(String)
        /// The part uses XML features a workbook never needs and attacks do (DTDs, entities).
        case forbiddenXML(String)
        /// Inflating a part would exceed the reader's limits (a zip bomb, or a file too large).
        case limitExceeded(String)
        /// Well-formed XML whose content breaks the format (a cell outside the grid, a bad reference).
        case invalidContent(String)
        /// The file could not be opened or read.
        case unreadable(String)
    }

    public var file: String
    public var part: String?
    public var line: Int?
    public var column: Int?
    public var reason: Reason

    public init(file: String, part: String? = nil, line: Int? = nil, column: Int? = nil, reason: Reason) {
        self.file = file
        self.part = part
        self.line = line
        self.column = column
        self.reason = reason
    }

    public var description: String {
        var place = file
        if let part { place += ": \(part)" }
        if let line { place += ":\(line)" + (column.map { ":\($0)" } ?? "") }
        return "\(place): \(message)"
    }

    /// Where in the file and what, without the file's name: `xl/worksheets/sheet1.xml:2:118: …`.
    public var detail: String {
        var place = ""
        if let part { place = part }
        if let line { place += ":\(line)" + (column.map { ":\($0)" } ?? "") }
        return place.isEmpty ? message : "\(place): \(message)"
    }

    public var message: String {
        switch reason {
        case .notAZip: "not an .xlsx file (not a zip archive)"
        case .legacyOrEncrypted: "a legacy .xls or password-protected workbook; save it as .xlsx without a password"
        case .damagedArchive(let detail): "damaged or truncated zip archive: \(detail)"
        case .missingPart: "the part is missing from the archive"
        case .malformedXML(let detail): "malformed XML: \(detail)"
        case .forbiddenXML(let detail): "refused: \(detail)"
        case .limitExceeded(let detail): "too large: \(detail)"
        case .invalidContent(let detail): detail
        case .unreadable(let detail): "cannot read: \(detail)"
        }
    }
}
