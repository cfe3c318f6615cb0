import Foundation

extension PackageArchive {
    /// Streams a part through expat into a handler.
    func parseXML(_ part: String, with handler: XMLContentHandler) throws {
        let parser = XMLStreamParser(file: fileName, part: part, handler: handler)
        try readBytes(part) { try parser.feed($0) }
        try parser.finish()
    }
}

/// Part names and relationship targets inside an OPC package.
enum PartPath {
    /// `xl/workbook.xml` → `xl/_rels/workbook.xml.rels`; `` (the package) → `_rels/.rels`.
    static func relationships(of part: String) -> String {
        guard let slash = part.lastIndex(of: "/") else { return part.isEmpty ? "_rels/.rels" : "_rels/\(part).rels" }
        return "\(part[..<slash])/_rels/\(part[part.index(after: slash)...]).rels"
    }

    /// Resolves a relationship target against the part that holds the relationship.
    static func resolve(_ target: String, from source: String) -> String {
        let decoded = target.removingPercentEncoding ?? target
        var components: [Substring]
        if decoded.hasPrefix("/") {
            components = []
        } else {
            components = source.split(separator: "/", omittingEmptySubsequences: true)
            if !components.isEmpty { components.removeLast() }  // the source's own file name
        }
        for piece in decoded.split(separator: "/", omittingEmptySubsequences: true) {
            switch piece {
            case ".": continue
            case "..": if !components.isEmpty { components.removeLast() }
            default: components.append(piece)
            }
        }
        return components.joined(separator: "/")
    }
}

/// `<Relationship Id Type Target TargetMode>` entries of a `.rels` part.
final class RelationshipsParser: XMLContentHandler {
    struct Relationship {
        var id: String
        var type: String
        var target: String
        var isExternal: Bool

        /// The last segment of the type URI (`…/relationships/worksheet` → `worksheet`), which is
        /// the same in the Transitional and Strict namespaces.
        var kind: String { String(type.split(separator: "/").last ?? "") }
    }

    private(set) var relationships: [Relationship] = []
    let source: String

    init(source: String) { self.source = source }

    func startElement(_ tag: XMLStartTag, at parser: XMLStreamParser) throws {
        guard tag.name.is("Relationship"), let id = tag["Id"], let target = tag["Target"] else { return }
        let external = tag.attribute("TargetMode")?.is("External") ?? false
        relationships.append(Relationship(
            id: id, type: tag["Type"] ?? "", target: external ? target : PartPath.resolve(target, from: source),
            isExternal: external))
    }

    func endElement(_ name: XMLName, at parser: XMLStreamParser) throws {}
    func characters(_ text: XMLText) {}

    subscript(id: String) -> Relationship? { relationships.first { $0.id == id } }

    func first(kind: String) -> Relationship? { relationships.first { $0.kind == kind && !$0.isExternal } }

    /// The relationships of a part; none when the package has no `.rels` for it.
    static func read(for part: String, in archive: PackageArchive) throws -> RelationshipsParser {
        let handler = RelationshipsParser(source: part)
        let relsPart = PartPath.relationships(of: part)
        if archive.contains(relsPart) { try archive.parseXML(relsPart, with: handler) }
        return handler
    }
}

/// Collects the text of chosen leaf elements (`docProps/app.xml`, `docProps/core.xml`).
final class LeafTextParser: XMLContentHandler {
    private let wanted: Set<String>
    private var current: String?
    private var buffer: [UInt8] = []
    private(set) var values: [String: String] = [:]

    init(wanted: Set<String>) { self.wanted = wanted }

    func startElement(_ tag: XMLStartTag, at parser: XMLStreamParser) throws {
        let name = tag.name.string
        if wanted.contains(name) { current = name; buffer.removeAll(keepingCapacity: true) }
    }

    func endElement(_ name: XMLName, at parser: XMLStreamParser) throws {
        guard let current, name.string == current else { return }
        values[current] = XMLValueText.string(buffer)
        self.current = nil
    }

    func characters(_ text: XMLText) { if current != nil { text.append(to: &buffer) } }
}
