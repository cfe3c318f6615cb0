import Kalkyl

/// `xl/commentsN.xml`: a sheet's notes (legacy comments), streamed.
///
/// Each `<comment ref authorId>` holds `<text>` with a plain `<t>` or rich `<r><t>` runs; the runs
/// are joined and kept exactly as stored. Excel starts a note it makes with a bold run naming the
/// author ("Anna Berg:" and a line feed); that line is part of the stored text and stays in
/// `CellNote.text` (a note written by another program may have none, or begin with the same words
/// on purpose). Phonetic runs (`<rPh>`) are not part of the text. Threaded comments
/// (`xl/threadedComments`) are not read: Excel always stores a legacy note beside each one.
final class CommentsParser: XMLContentHandler {
    /// Far beyond Excel's 32,767 characters; a hostile part cannot make one note hold gigabytes.
    static let maxTextBytes = 1 << 20
    /// A million notes on one sheet: far more than anyone writes, and a bound for a hostile part.
    static let maxNotes = 1 << 20

    let part: String
    private(set) var notes: [CellNote] = []
    private(set) var warnings: [XLSXWarning] = []

    private var authors: [String] = []
    private var inAuthor = false
    private var inComment = false
    private var inText = false
    private var phoneticDepth = 0
    private var buffer: [UInt8] = []
    private var truncated = false
    private var address: CellAddress?
    private var authorId: Int?
    private var seen = Set<CellAddress>()
    private var droppedNotes = false

    init(part: String) { self.part = part }

    func startElement(_ tag: XMLStartTag, at parser: XMLStreamParser) throws {
        let name = tag.name
        if name.is("t") {
            inText = inComment && phoneticDepth == 0
        } else if name.is("rPh") {
            phoneticDepth += 1
        } else if name.is("comment") {
            inComment = true
            buffer.removeAll(keepingCapacity: true)
            truncated = false
            authorId = tag.attribute("authorId")?.int
            address = nil
            if let ref = tag.attribute("ref") {
                if let cell = ref.cellAddress {
                    address = CellAddress(row: cell.row, column: cell.column)
                } else {
                    warn("a note on '\(ref.string)', which is not a cell inside Excel's grid, was ignored", parser)
                }
            } else {
                warn("a note without a cell reference was ignored", parser)
            }
        } else if name.is("author") {
            inAuthor = true
            buffer.removeAll(keepingCapacity: true)
            truncated = false
        }
    }

    func endElement(_ name: XMLName, at parser: XMLStreamParser) throws {
        if name.is("t") {
            inText = false
        } else if name.is("rPh") {
            phoneticDepth -= 1
        } else if name.is("author") {
            inAuthor = false
            authors.append(XMLValueText.string(buffer))
        } else if name.is("comment") {
            inComment = false
            inText = false
            guard let address else { return }
            if truncated {
                warn("the note on \(address.a1) is longer than \(Self.maxTextBytes) bytes; the rest was left out", parser)
            }
            guard notes.count < Self.maxNotes else {
                if !droppedNotes { warn("more than \(Self.maxNotes) notes; the rest were ignored", parser) }
                droppedNotes = true
                return
            }
            guard seen.insert(address).inserted else {
                warn("a second note on \(address.a1) was ignored", parser)
                return
            }
            let author = authorId.flatMap { $0 >= 0 && $0 < authors.count ? authors[$0] : nil }
            notes.append(CellNote(address: address, text: XMLValueText.string(buffer),
                                  author: author.flatMap { $0.isEmpty ? nil : $0 }))
        }
    }

    func characters(_ text: XMLText) {
        guard inAuthor || inText, !truncated else { return }
        text.append(to: &buffer)
        if buffer.count > Self.maxTextBytes {
            buffer.removeLast(buffer.count - Self.maxTextBytes)
            Self.dropIncompleteCharacter(&buffer)
            truncated = true
        }
    }

    /// Removes a UTF-8 sequence cut short at the end of the bytes.
    static func dropIncompleteCharacter(_ bytes: inout [UInt8]) {
        var lead = bytes.count - 1
        while lead >= 0 && bytes[lead] & 0xC0 == 0x80 && bytes.count - lead < 4 { lead -= 1 }
        guard lead >= 0 else { return }
        let b = bytes[lead]
        let length = b < 0x80 ? 1 : b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1
        if bytes.count - lead < length { bytes.removeLast(bytes.count - lead) }
    }

    /// The notes in row-major order.
    func finish() {
        notes.sort { $0.address < $1.address }
    }

    private func warn(_ message: String, _ parser: XMLStreamParser) {
        warnings.append(XLSXWarning(part: part, line: parser.line, message: message))
    }
}
