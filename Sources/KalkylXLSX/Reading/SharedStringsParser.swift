/// `xl/sharedStrings.xml`: each `<si>` is one string, plain (`<t>`) or rich (`<r><t>…`); phonetic
/// guides (`<rPh>`) are not part of the text.
final class SharedStringsParser: XMLContentHandler {
    private(set) var strings: [String] = []
    private var buffer: [UInt8] = []
    private var inText = false
    private var phoneticDepth = 0

    func startElement(_ tag: XMLStartTag, at parser: XMLStreamParser) throws {
        let name = tag.name
        if name.is("t") {
            inText = phoneticDepth == 0
        } else if name.is("si") {
            buffer.removeAll(keepingCapacity: true)
        } else if name.is("rPh") {
            phoneticDepth += 1
        } else if name.is("sst"), let count = tag.attribute("uniqueCount")?.int {
            strings.reserveCapacity(min(count, 1 << 20))  // a hostile count must not allocate much
        }
    }

    func endElement(_ name: XMLName, at parser: XMLStreamParser) throws {
        if name.is("t") {
            inText = false
        } else if name.is("si") {
            strings.append(XMLValueText.string(buffer))
        } else if name.is("rPh") {
            phoneticDepth -= 1
        }
    }

    func characters(_ text: XMLText) {
        if inText { text.append(to: &buffer) }
    }
}
