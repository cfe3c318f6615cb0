import Kalkyl

/// A cell whose XML the package pass rewrites after libxlsxwriter has written it, because
/// libxlsxwriter 1.1.4 cannot write what it holds:
///
/// - a formula whose cached result is a boolean or an error (it only caches numbers and text:
///   `worksheet_write_formula_num` / `_str`), or an array formula whose result is not a number
///   (only `_num` variants exist);
/// - a constant error (`#N/A` typed into a cell): there is no error-cell call at all;
/// - a number that `%.16G` (libxlsxwriter's format) would not give back exactly, e.g.
///   0.30000000000000004 written as `0.3`: the exact shortest text replaces it;
/// - a text libxlsxwriter would mangle: control characters dropped from a formula's text result,
///   `_xHHHH_` sequences not escaped, or an empty text constant (written as a blank).
///
/// The cell is first written with a placeholder of a type libxlsxwriter can write (so its style,
/// formula and position are libxlsxwriter's), then found by its address in the sheet's XML and
/// given its real type and value. A patch never changes which cells exist.
struct CellPatch: Sendable {
    enum Value: Sendable {
        /// A number, written with its exact shortest text (no `t`).
        case number(Double)
        case boolean(Bool)
        case error(ErrorValue)
        /// A formula's text result (`t="str"`).
        case formulaText(String)
        /// A text constant (`t="inlineStr"`).
        case inlineText(String)
    }

    var row: UInt32
    var column: UInt16
    var value: Value

    var key: UInt64 { UInt64(row) << 16 | UInt64(column) }

    static func storedText(_ error: ErrorValue) -> String { error.storedText }

    /// The cell's new type attribute and content after the `<f>` element, XML-escaped.
    var replacement: (type: String?, content: String) {
        switch value {
        case .number(let x): return (nil, "<v>\(NumberWriting.exactText(x))</v>")
        case .boolean(let b): return ("b", "<v>\(b ? 1 : 0)</v>")
        case .error(let e): return ("e", "<v>\(XMLEscaping.text(Self.storedText(e)))</v>")
        case .formulaText(let s): return ("str", "<v>\(XMLEscaping.text(s))</v>")
        case .inlineText(let s): return ("inlineStr", "<is><t xml:space=\"preserve\">\(XMLEscaping.text(s))</t></is>")
        }
    }
}

enum XMLEscaping {
    /// Text content: `&`, `<`, `>` as entities; characters XML 1.0 cannot hold (and CR) as `_xHHHH_`
    /// (SpreadsheetML's escape), and a literal `_xHHHH_` protected as `_x005F_xHHHH_`.
    static func text(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        let scalars = Array(s.unicodeScalars)
        var i = 0
        while i < scalars.count {
            let c = scalars[i]
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "_" where looksLikeEscape(scalars, at: i): out += "_x005F_"
            default:
                let v = c.value
                // A carriage return too: XML readers turn a raw one into a line feed.
                if (v < 0x20 && v != 0x09 && v != 0x0A) || v == 0xFFFE || v == 0xFFFF {
                    out += "_x" + hex4(v) + "_"
                } else {
                    out.unicodeScalars.append(c)
                }
            }
            i += 1
        }
        return out
    }

    /// An attribute value in double quotes.
    static func attribute(_ s: String) -> String {
        text(s).replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// Whether `_xHHHH_` starts at `i` (which a reader would unescape).
    static func looksLikeEscape(_ scalars: [Unicode.Scalar], at i: Int) -> Bool {
        guard i + 6 < scalars.count, scalars[i] == "_", scalars[i + 1] == "x" || scalars[i + 1] == "X",
              scalars[i + 6] == "_" else { return false }
        return scalars[(i + 2)...(i + 5)].allSatisfy { $0.properties.isASCIIHexDigit }
    }

    /// Whether libxlsxwriter would write the text differently from what it is: characters it drops
    /// or escapes without protecting an existing `_xHHHH_`.
    static func needsPatch(_ s: String) -> Bool {
        var sawUnderscore = false
        for u in s.utf8 {
            if u < 0x20 && u != 0x09 && u != 0x0A { return true }
            if u == 0x5F { sawUnderscore = true }
        }
        if sawUnderscore {
            let scalars = Array(s.unicodeScalars)
            for i in scalars.indices where scalars[i] == "_" && looksLikeEscape(scalars, at: i) { return true }
        }
        return s.unicodeScalars.contains { $0.value == 0xFFFE || $0.value == 0xFFFF }
    }

    private static func hex4(_ v: UInt32) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int((v >> 12) & 0xF)], digits[Int((v >> 8) & 0xF)], digits[Int((v >> 4) & 0xF)], digits[Int(v & 0xF)]])
    }
}

enum NumberWriting {
    /// Whether libxlsxwriter's `%.16G` gives back exactly this double.
    static func survivesLibxlsxwriter(_ value: Double) -> Bool {
        if value == value.rounded(), abs(value) < 1e15 { return true }
        // At a power of two the doubles around are not evenly spaced: ask printf itself.
        if value.significandBitPattern == 0 { return Double(libxlsxwriterNumberText(value)) == value }
        // Elsewhere the nearest 16-digit decimal reads back exactly whenever any 16-digit decimal
        // does, i.e. when the shortest round-trip text has at most 16 significant digits.
        return significantDigits(value.description) <= 16
    }

    /// The shortest text that reads back as `value`, in the form Excel writes (`1E-05`, `1.5E+20`).
    static func exactText(_ value: Double) -> String {
        let d = value.description  // Swift prints the shortest round-trip form
        guard let e = d.firstIndex(where: { $0 == "e" || $0 == "E" }) else { return d }
        var mantissa = String(d[..<e])
        if mantissa.hasSuffix(".0") { mantissa.removeLast(2) }
        var exponent = String(d[d.index(after: e)...])
        var sign = "+"
        if exponent.hasPrefix("-") { sign = "-"; exponent.removeFirst() } else if exponent.hasPrefix("+") { exponent.removeFirst() }
        return mantissa + "E" + sign + exponent
    }

    static func significantDigits(_ text: String) -> Int {
        var count = 0
        var leading = true
        var trailingZeros = 0
        for b in text.utf8 {
            if b == UInt8(ascii: "e") || b == UInt8(ascii: "E") { break }
            guard b >= 0x30 && b <= 0x39 else { continue }
            let d = Int(b - 0x30)
            if leading && d == 0 { continue }
            leading = false
            count += 1
            trailingZeros = d == 0 ? trailingZeros + 1 : 0
        }
        return count - trailingZeros
    }
}

/// Rewrites the patched cells of one sheet's XML as it streams through, in order: libxlsxwriter
/// writes cells in row-major order, and patches are sorted the same way, so one pass with a
/// bounded buffer (at most one cell element) suffices.
final class SheetXMLPatcher {
    private let patches: [CellPatch]
    private var next = 0
    private var pending: [UInt8] = []
    private static let cellStart = Array(#"<c r=""#.utf8)

    init(patches: [CellPatch]) {
        let inOrder = zip(patches, patches.dropFirst()).allSatisfy { $0.key < $1.key }
        self.patches = inOrder ? patches : patches.sorted { $0.key < $1.key }
    }

    var unapplied: Int { patches.count - next }

    func feed(_ chunk: [UInt8], output: ([UInt8]) throws -> Void) throws {
        if next == patches.count && pending.isEmpty {
            try output(chunk)
            return
        }
        pending += chunk
        try process(final: false, output: output)
    }

    func finish(output: ([UInt8]) throws -> Void) throws {
        try process(final: true, output: output)
        if !pending.isEmpty { try output(pending) }
        pending.removeAll()
    }

    private static let cellEnd = Array("</c>".utf8)
    private static let formulaStart = Array("<f".utf8)
    private static let formulaEnd = Array("</f>".utf8)
    private static let emptyEnd = Array("/>".utf8)
    private static let styleKey = Array(" s=\"".utf8)
    private static let dynamicKey = Array(" cm=\"".utf8)
    private var out: [UInt8] = []

    private func process(final: Bool, output: ([UInt8]) throws -> Void) throws {
        var emitted = 0  // bytes of `pending` already passed on
        var position = 0
        var keepFrom: Int?
        out.removeAll(keepingCapacity: true)
        scan: while next < patches.count {
            guard let start = find(Self.cellStart, in: pending, from: position) else {
                keepFrom = max(emitted, pending.count - Self.cellStart.count)
                break scan
            }
            let addressStart = start + Self.cellStart.count
            guard let quote = pending[addressStart...].firstIndex(of: UInt8(ascii: "\"")) else {
                keepFrom = start
                break scan
            }
            guard let (row, column) = Self.address(pending[addressStart..<quote]) else {
                position = quote
                continue
            }
            let key = UInt64(row) << 16 | UInt64(column)
            let target = patches[next].key
            if key < target {
                position = quote
                continue
            }
            if key > target {
                throw NativeWriterError(call: "package pass", message: "cell \(CellAddress(row: Int(patches[next].row), column: Int(patches[next].column)).a1) to patch was not written")
            }
            // The whole element: `<c …/>` or `<c …>…</c>`.
            guard let tagEnd = pending[quote...].firstIndex(of: UInt8(ascii: ">")) else {
                keepFrom = start
                break scan
            }
            let selfClosing = pending[tagEnd - 1] == UInt8(ascii: "/")
            let end: Int
            if selfClosing {
                end = tagEnd + 1
            } else {
                guard let close = find(Self.cellEnd, in: pending, from: tagEnd) else {
                    keepFrom = start
                    break scan
                }
                end = close + 4
            }
            out += pending[emitted..<start]
            rebuild(start: start, address: addressStart..<quote, tagEnd: tagEnd, end: end, selfClosing: selfClosing, patch: patches[next])
            emitted = end
            position = end
            next += 1
        }
        let cut = next == patches.count ? pending.count : (keepFrom ?? pending.count)
        if final && next < patches.count {
            throw NativeWriterError(call: "package pass", message: "\(patches.count - next) patched cell(s) were not found in the sheet")
        }
        if cut > emitted { out += pending[emitted..<cut] }
        if !out.isEmpty { try output(out) }
        pending.removeSubrange(0..<max(cut, emitted))
    }

    /// Appends the cell element with its type and value replaced; its address, style, formula and
    /// dynamic-array flag are kept.
    private func rebuild(start: Int, address: Range<Int>, tagEnd: Int, end: Int, selfClosing: Bool, patch: CellPatch) {
        let tagLimit = selfClosing ? tagEnd - 1 : tagEnd
        func appendAttribute(_ key: [UInt8]) {
            guard let at = find(key, in: pending, from: start, before: tagLimit) else { return }
            guard let close = pending[(at + key.count)..<tagLimit].firstIndex(of: UInt8(ascii: "\"")) else { return }
            out += pending[at...close]
        }
        let (type, content) = patch.replacement
        out += Self.cellStart
        out += pending[address]
        out.append(UInt8(ascii: "\""))
        appendAttribute(Self.styleKey)
        if let type { out += " t=\"\(type)\"".utf8 }
        appendAttribute(Self.dynamicKey)
        out.append(UInt8(ascii: ">"))
        if !selfClosing, case .inlineText = patch.value {
            // An inline string has no formula.
        } else if !selfClosing, let f = find(Self.formulaStart, in: pending, from: tagEnd, before: end) {
            if let close = find(Self.formulaEnd, in: pending, from: f, before: end) {
                out += pending[f..<(close + 4)]
            } else if let slash = find(Self.emptyEnd, in: pending, from: f, before: end) {
                out += pending[f..<(slash + 2)]
            }
        }
        out += content.utf8
        out += Self.cellEnd
    }

    /// `AB12` → (11, 27).
    static func address(_ bytes: ArraySlice<UInt8>) -> (UInt32, UInt16)? {
        var column = 0, row = 0
        var sawLetter = false, sawDigit = false
        for b in bytes {
            if b >= 65 && b <= 90 && !sawDigit {
                column = column * 26 + Int(b - 64)
                sawLetter = true
            } else if b >= 48 && b <= 57 && sawLetter {
                row = row * 10 + Int(b - 48)
                sawDigit = true
                if row > Grid.rowCount { return nil }
            } else {
                return nil
            }
            if column > Grid.columnCount { return nil }
        }
        guard sawLetter, sawDigit, row >= 1 else { return nil }
        return (UInt32(row - 1), UInt16(column - 1))
    }
}

/// First index of `needle` in `haystack` at or after `from`, ending before `before` (the end).
func find(_ needle: [UInt8], in haystack: [UInt8], from: Int, before: Int? = nil) -> Int? {
    let limit = min(before ?? haystack.count, haystack.count)
    guard !needle.isEmpty, limit >= needle.count, from <= limit - needle.count else { return nil }
    let first = needle[0]
    return haystack.withUnsafeBufferPointer { h -> Int? in
        var i = max(0, from)
        let last = limit - needle.count
        while i <= last {
            if h[i] == first {
                var j = 1
                while j < needle.count && h[i + j] == needle[j] { j += 1 }
                if j == needle.count { return i }
            }
            i += 1
        }
        return nil
    }
}

extension ErrorValue {
    /// The error as a file stores it. Excel shows #SPILL!, #CALC! and #GETTING_DATA but saves them
    /// as #VALUE! (with rich-value metadata this writer does not produce); other readers know only
    /// the classic seven.
    public var storedText: String {
        switch self {
        case .spill, .calc, .gettingData: ErrorValue.value.text
        default: text
        }
    }
}
