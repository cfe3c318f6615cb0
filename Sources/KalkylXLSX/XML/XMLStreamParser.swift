import CExpat
import Foundation

// All pointer work with expat lives in this file. Handlers see `XMLStartTag`, `XMLName`,
// `XMLAttribute` and `XMLText`: views that are valid only during the callback that passes them.

/// Receives the events of one streamed XML part. Element and attribute names arrive without their
/// namespace prefix (`x:c` is `c`), which reads Transitional, Strict and prefixed files alike.
protocol XMLContentHandler: AnyObject {
    func startElement(_ tag: XMLStartTag, at parser: XMLStreamParser) throws
    func endElement(_ name: XMLName, at parser: XMLStreamParser) throws
    func characters(_ text: XMLText)
}

/// A SAX parser over one part, fed chunk by chunk: memory stays bounded whatever the part's size.
final class XMLStreamParser {
    let file: String
    let part: String
    private let parser: XML_Parser
    private let root: XMLContentHandler
    private var diverted: XMLContentHandler?
    /// The handler events go to now (`root` or `diverted`, which hold it).
    private unowned(unsafe) var handler: XMLContentHandler
    /// A sheet's rows, millions of events for a large sheet: called directly, without the
    /// reference counting a call through the protocol costs (`diverted` holds it).
    private var rows: Unmanaged<SheetDataReader>?
    private var failure: Error?

    init(file: String, part: String, handler: XMLContentHandler) {
        self.file = file
        self.part = part
        root = handler
        self.handler = handler
        if let reader = handler as? SheetDataReader { rows = Unmanaged.passUnretained(reader) }
        parser = XML_ParserCreate(nil)
        XML_SetUserData(parser, Unmanaged.passUnretained(self).toOpaque())
        XML_SetElementHandler(parser, { data, name, attributes in
            Unmanaged<XMLStreamParser>.fromOpaque(data!)._withUnsafeGuaranteedRef { me in
                guard me.failure == nil else { return }
                do {
                    let tag = XMLStartTag(name: name!, attributes: attributes!)
                    if let rows = me.rows {
                        try rows._withUnsafeGuaranteedRef { try $0.startElement(tag, at: me) }
                    } else {
                        try me.handler.startElement(tag, at: me)
                    }
                } catch { me.fail(error) }
            }
        }, { data, name in
            Unmanaged<XMLStreamParser>.fromOpaque(data!)._withUnsafeGuaranteedRef { me in
                guard me.failure == nil else { return }
                me.lastEndTagEnd = Int64(XML_GetCurrentByteIndex(me.parser)) + Int64(XML_GetCurrentByteCount(me.parser))
                do {
                    let name = XMLName(qualified: name!)
                    if let rows = me.rows {
                        try rows._withUnsafeGuaranteedRef { try $0.endElement(name, at: me) }
                    } else {
                        try me.handler.endElement(name, at: me)
                    }
                } catch { me.fail(error) }
            }
        })
        XML_SetCharacterDataHandler(parser, { data, text, length in
            Unmanaged<XMLStreamParser>.fromOpaque(data!)._withUnsafeGuaranteedRef { me in
                text!.withMemoryRebound(to: UInt8.self, capacity: Int(length)) {
                    let text = XMLText(bytes: UnsafeBufferPointer(start: $0, count: Int(length)))
                    if let rows = me.rows {
                        rows._withUnsafeGuaranteedRef { $0.characters(text) }
                    } else {
                        me.handler.characters(text)
                    }
                }
            }
        })
        // No workbook part has a DTD; one is either a mistake or an entity-expansion or
        // external-entity attack. Refuse it before any entity is declared.
        XML_SetStartDoctypeDeclHandler(parser, { data, _, _, _, _ in
            let me = Unmanaged<XMLStreamParser>.fromOpaque(data!).takeUnretainedValue()
            me.fail(XLSXError(file: me.file, part: me.part, line: me.line, column: me.column,
                              reason: .forbiddenXML("a DOCTYPE (DTD) is not allowed in a workbook part")))
        })
        XML_SetEntityDeclHandler(parser, { data, _, _, _, _, _, _, _, _ in
            let me = Unmanaged<XMLStreamParser>.fromOpaque(data!).takeUnretainedValue()
            me.fail(XLSXError(file: me.file, part: me.part, line: me.line, column: me.column,
                              reason: .forbiddenXML("entity declarations are not allowed")))
        })
        XML_SetParamEntityParsing(parser, XML_PARAM_ENTITY_PARSING_NEVER)
    }

    deinit { XML_ParserFree(parser) }

    /// Lines of the part that come before what this parser is fed: a chunk of a large sheet read
    /// on its own (`ChunkedSheetReading`) still names the part's line.
    var lineOffset = 0

    var line: Int { Int(XML_GetCurrentLineNumber(parser)) + lineOffset }
    var column: Int { Int(XML_GetCurrentColumnNumber(parser)) + 1 }

    /// Bytes fed so far, and where the last end tag the parser reported ends: equal when the input
    /// fed ends exactly after an end tag (not inside a comment or processing instruction that
    /// follows it), which is where a large sheet may be cut (`ChunkedSheetReading`).
    private(set) var bytesFed: Int64 = 0
    fileprivate(set) var lastEndTagEnd: Int64 = -1
    var endsAfterEndTag: Bool { lastEndTagEnd == bytesFed }

    func feed(_ data: Data) throws {
        bytesFed += Int64(data.count)
        try data.withUnsafeBytes { raw in
            let base = raw.bindMemory(to: CChar.self).baseAddress
            try check(XML_Parse(parser, base, Int32(raw.count), 0))
        }
    }

    func feed(_ bytes: UnsafeRawBufferPointer) throws {
        bytesFed += Int64(bytes.count)
        try check(XML_Parse(parser, bytes.baseAddress?.assumingMemoryBound(to: CChar.self), Int32(bytes.count), 0))
    }

    func finish() throws {
        try check(XML_Parse(parser, nil, 0, 1))
    }

    /// An error about the content at the current position, for handlers to throw.
    func contentError(_ message: String) -> XLSXError {
        XLSXError(file: file, part: part, line: line, column: column, reason: .invalidContent(message))
    }

    /// Sends the events that follow to `handler` (a sheet's rows to their reader), or back to the
    /// parser's own handler when nil.
    func divert(to handler: XMLContentHandler?) {
        diverted = handler
        self.handler = handler ?? root
        let current = handler ?? root
        rows = (current as? SheetDataReader).map { Unmanaged.passUnretained($0) }
    }

    private func fail(_ error: Error) {
        guard failure == nil else { return }
        failure = error
        XML_StopParser(parser, XML_FALSE)
    }

    private func check(_ status: XML_Status) throws {
        if let failure { throw failure }
        guard status == XML_STATUS_OK else {
            let message = String(cString: XML_ErrorString(XML_GetErrorCode(parser)))
            throw XLSXError(file: file, part: part, line: line, column: column, reason: .malformedXML(message))
        }
    }
}

/// An element's name without its namespace prefix.
struct XMLName {
    fileprivate let start: UnsafePointer<CChar>

    fileprivate init(qualified: UnsafePointer<CChar>) {
        var local = qualified
        var p = qualified
        while p.pointee != 0 {
            if p.pointee == 0x3A { local = p + 1 }  // ':'
            p += 1
        }
        start = local
    }

    /// Compares with an ASCII name without allocating.
    func `is`(_ name: StaticString) -> Bool {
        let expected = name.utf8Start
        var i = 0
        while i < name.utf8CodeUnitCount {
            if UInt8(bitPattern: start[i]) != expected[i] { return false }
            i += 1
        }
        return start[i] == 0
    }

    var string: String { String(cString: start) }

    /// The first byte of the local name (0 for an empty one), to dispatch on before comparing.
    var firstByte: UInt8 { UInt8(bitPattern: start.pointee) }
}

/// The attributes of a start tag.
struct XMLStartTag {
    let name: XMLName
    private let attributes: UnsafeMutablePointer<UnsafePointer<CChar>?>

    fileprivate init(name: UnsafePointer<CChar>, attributes: UnsafeMutablePointer<UnsafePointer<CChar>?>) {
        self.name = XMLName(qualified: name)
        self.attributes = attributes
    }

    /// The attribute with this local name (`r:id` is found as "id").
    func attribute(_ localName: StaticString) -> XMLAttribute? {
        var i = 0
        while let key = attributes[i] {
            if XMLName(qualified: key).is(localName) { return XMLAttribute(value: attributes[i + 1]!) }
            i += 2
        }
        return nil
    }

    subscript(_ localName: StaticString) -> String? { attribute(localName)?.string }

    /// Every attribute in one pass (for the hot `<c>` element, which would otherwise be scanned once
    /// per attribute asked for).
    func forEachAttribute(_ body: (XMLName, XMLAttribute) throws -> Void) rethrows {
        var i = 0
        while let key = attributes[i] {
            try body(XMLName(qualified: key), XMLAttribute(value: attributes[i + 1]!))
            i += 2
        }
    }
}

/// An attribute value.
struct XMLAttribute {
    fileprivate let value: UnsafePointer<CChar>

    var string: String { String(cString: value) }

    var int: Int? {
        var p = value
        var negative = false
        if p.pointee == 0x2D { negative = true; p += 1 }
        var n = 0
        guard p.pointee != 0 else { return nil }
        while p.pointee != 0 {
            let d = Int(p.pointee) - 48
            guard d >= 0 && d <= 9, n < Int.max / 10 - 10 else { return nil }
            n = n * 10 + d
            p += 1
        }
        return negative ? -n : n
    }

    var double: Double? {
        var end: UnsafeMutablePointer<CChar>?
        let d = strtod(value, &end)
        guard let end, end != UnsafeMutablePointer(mutating: value), end.pointee == 0 else { return nil }
        return d
    }

    /// xsd:boolean: "1"/"true" and "0"/"false".
    var bool: Bool? {
        switch value.pointee {
        case 0x31, 0x74: return true  // '1', 't'
        case 0x30, 0x66: return false  // '0', 'f'
        default: return nil
        }
    }

    func `is`(_ text: StaticString) -> Bool {
        let expected = text.utf8Start
        var i = 0
        while i < text.utf8CodeUnitCount {
            if UInt8(bitPattern: value[i]) != expected[i] { return false }
            i += 1
        }
        return value[i] == 0
    }

    /// A cell reference attribute ("B7") without allocating.
    var cellAddress: (row: Int, column: Int)? {
        var column = 0
        var p = value
        while true {
            let c = UInt8(bitPattern: p.pointee) | 0x20
            guard c >= 0x61 && c <= 0x7A else { break }
            column = column * 26 + Int(c - 0x60)
            guard column <= 16384 else { return nil }
            p += 1
        }
        var row = 0
        while p.pointee >= 0x30 && p.pointee <= 0x39 {
            row = row * 10 + Int(p.pointee - 0x30)
            guard row <= 1_048_576 else { return nil }
            p += 1
        }
        guard p.pointee == 0, column > 0, row > 0 else { return nil }
        return (row - 1, column - 1)
    }
}

/// A run of character data.
struct XMLText {
    fileprivate let bytes: UnsafeBufferPointer<UInt8>

    func append(to buffer: inout [UInt8]) { buffer.append(contentsOf: bytes) }
    func append(to buffer: inout TextBuffer) { buffer.append(bytes) }
}
