import Kalkyl

/// A sheet's notes and hyperlinks as libxlsxwriter 1.1.4 can take them: checked against its limits
/// (and Excel's) and escaped first, so no call fails; what cannot be written becomes a warning.
///
/// libxlsxwriter writes a note as one plain run (an Excel note's bold "Author:" line stays as text,
/// not bold) and links one cell per hyperlink, so a link over a range is written on its first cell.
/// It writes `display` only for links into the workbook; a URL link shows the cell's own value.
struct NoteAndLinkPlan {
    struct Note {
        var address: CellAddress
        var text: String
        var author: String?
    }

    struct Link {
        /// A URL (with `#` and the place in its target, if any), or `internal:` and a place in the workbook.
        var url: String
        /// What libxlsxwriter puts into the cell (and, for `internal:` links, into `display`).
        var string: String
        var tooltip: String?
    }

    /// libxlsxwriter 1.1.4's (and Excel's) limit for the URL before any `#` (`LXW_ERROR_WORKSHEET_MAX_URL_LENGTH_EXCEEDED`).
    static let maxURLLength = 2079
    /// `LXW_MAX_NUMBER_URLS`.
    static let maxLinksPerSheet = 65530
    /// Characters in a note, as in a cell.
    static let maxNoteLength = 32767
    /// Excel's limit for a hyperlink's screen tip.
    static let maxTooltipLength = 255

    private(set) var notes: [Note] = []
    /// By the cell each link is written on (its range's first cell).
    private(set) var links: [CellAddress: Link] = [:]
    private(set) var warnings: [String] = []

    init(sheet: WorksheetModel) {
        planNotes(sheet.notes)
        planLinks(sheet.hyperlinks)
    }

    // MARK: - Notes

    private mutating func planNotes(_ sheetNotes: [CellNote]) {
        var seen = Set<CellAddress>()
        for note in sheetNotes {
            guard note.address.isInsideGrid else {
                warnings.append("a note outside the grid was left out")
                continue
            }
            guard seen.insert(note.address).inserted else {
                warnings.append("a second note on \(note.address.a1) was left out")
                continue
            }
            let (text, complete) = Self.escaped(note.text, attribute: false, limit: Self.maxNoteLength)
            if !complete {
                warnings.append("the note on \(note.address.a1) was cut to \(Self.maxNoteLength) characters")
            }
            let author = note.author.flatMap { $0.isEmpty ? nil : Self.escaped($0, attribute: false, limit: Int.max).text }
            notes.append(Note(address: note.address, text: text, author: author))
        }
    }

    // MARK: - Hyperlinks

    private mutating func planLinks(_ hyperlinks: [Hyperlink]) {
        var overLimit = 0
        for h in hyperlinks {
            let cell = h.range.first
            let at = h.range.a1
            guard cell.isInsideGrid else {
                warnings.append("a hyperlink outside the grid was left out")
                continue
            }
            guard let url = linkTarget(h) else { continue }
            guard links[cell] == nil else {
                warnings.append("a second hyperlink on \(cell.a1) was left out")
                continue
            }
            guard links.count < Self.maxLinksPerSheet else {
                overLimit += 1
                continue
            }
            if h.range.cellCount > 1 {
                warnings.append("the hyperlink on \(at) is written on \(cell.a1) only (libxlsxwriter links single cells)")
            }
            var tooltip: String?
            if let tip = h.tooltip, !tip.isEmpty {
                if tip.utf16.count <= Self.maxTooltipLength {
                    tooltip = Self.escaped(tip, attribute: true, limit: Int.max).text
                } else {
                    warnings.append("the screen tip of the hyperlink on \(at) is longer than \(Self.maxTooltipLength) characters and was left out")
                }
            }
            // libxlsxwriter writes the string into the cell (which is written again after it) and,
            // for a link into the workbook, as `display`; "" makes it write a blank.
            var string = ""
            if url.hasPrefix("internal:"), let display = h.display {
                let (text, complete) = Self.escaped(display, attribute: true, limit: Self.maxNoteLength)
                if complete { string = text }
            }
            links[cell] = Link(url: url, string: string, tooltip: tooltip)
        }
        if overLimit > 0 {
            warnings.append("\(overLimit) hyperlink(s) beyond libxlsxwriter's \(Self.maxLinksPerSheet) per sheet were left out")
        }
    }

    /// The URL libxlsxwriter takes for a link, or nil (with a warning) when it cannot take it.
    private mutating func linkTarget(_ h: Hyperlink) -> String? {
        let at = h.range.a1
        let location = h.location.flatMap { $0.isEmpty ? nil : $0 }
        if let url = h.url, !url.isEmpty {
            let full = location.map { url + "#" + $0 } ?? url
            // libxlsxwriter looks for these anywhere in the text to pick a link type, and writes
            // the URL into the relationships unescaped (a control character would break the XML).
            guard !full.contains("internal:"), !full.contains("external:"),
                  !full.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
                warnings.append("the hyperlink on \(at) was left out (libxlsxwriter cannot write its URL)")
                return nil
            }
            let beforeFragment = full.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0]
            guard Self.escapedURLLength(beforeFragment) <= Self.maxURLLength else {
                warnings.append("the hyperlink on \(at) was left out (its URL is longer than \(Self.maxURLLength) characters)")
                return nil
            }
            return full
        }
        if let location {
            // libxlsxwriter splits a link at its first "#"; a place in the workbook has none to split.
            guard !location.contains("#"), location.unicodeScalars.count <= Self.maxURLLength,
                  !location.unicodeScalars.contains(where: { $0.value < 0x20 }) else {
                warnings.append("the hyperlink on \(at) to '\(location.prefix(40))' was left out (libxlsxwriter cannot write that place)")
                return nil
            }
            return "internal:" + location
        }
        warnings.append("the hyperlink on \(at) has neither a URL nor a place in the workbook and was left out")
        return nil
    }

    /// The URL's length once libxlsxwriter has escaped it: these characters become `%XX`, and so
    /// does a `%` that does not already start an escape.
    static func escapedURLLength(_ url: Substring) -> Int {
        let scalars = Array(url.unicodeScalars)
        var length = 0
        for (i, c) in scalars.enumerated() {
            switch c {
            case " ", "\"", "<", ">", "[", "]", "`", "^", "{", "}":
                length += 3
            case "%":
                let escape = i + 2 < scalars.count && scalars[i + 1].properties.isASCIIHexDigit
                    && scalars[i + 2].properties.isASCIIHexDigit
                length += escape ? 1 : 3
            default:
                length += 1
            }
        }
        return length
    }

    // MARK: - Escaping

    /// Text with OOXML's `_xHHHH_` escapes for what XML cannot carry (libxlsxwriter writes control
    /// characters raw into notes), and `_x005F_` before a literal `_xHHHH_` so a reader does not
    /// unescape it. In an attribute, tab and line feed are escaped too: XML reads them as spaces
    /// there. Cut at whole characters so the escaped text has at most `limit` UTF-16 units;
    /// `complete` is false when it was cut.
    static func escaped(_ s: String, attribute: Bool, limit: Int) -> (text: String, complete: Bool) {
        let scalars = Array(s.unicodeScalars)
        var out = String.UnicodeScalarView()
        var units = 0
        for (i, c) in scalars.enumerated() {
            let v = c.value
            let piece: String
            if c == "_" && XMLEscaping.looksLikeEscape(scalars, at: i) {
                piece = "_x005F_"
            } else if (v < 0x20 && (attribute || (v != 0x09 && v != 0x0A))) || v == 0xFFFE || v == 0xFFFF {
                piece = "_x" + String(format4: v) + "_"
            } else {
                piece = String(c)
            }
            units += piece.utf16.count
            if units > limit { return (String(out), false) }
            out.append(contentsOf: piece.unicodeScalars)
        }
        return (String(out), true)
    }
}

private extension String {
    /// Four upper-case hex digits.
    init(format4 value: UInt32) {
        let digits = Array("0123456789ABCDEF")
        self = String((0..<4).map { digits[Int((value >> (12 - 4 * UInt32($0))) & 0xF)] })
    }
}
