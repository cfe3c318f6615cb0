import Kalkyl

/// A sheet's notes and hyperlinks, found through the sheet's relationships: a `<hyperlink r:id>`
/// names the relationship whose target is its URL, and a relationship of type `…/comments` names
/// the part with the sheet's notes.
enum SheetNotesAndLinks {
    static func read(into sheet: inout WorksheetModel, hyperlinks: [WorksheetParser.PendingHyperlink],
                     relationships rels: RelationshipsParser, archive: PackageArchive,
                     warnings: inout [XLSXWarning]) throws {
        let part = sheet.part
        for pending in hyperlinks {
            var link = pending.link
            if let id = pending.relationshipId {
                if let rel = rels[id] {
                    link.url = rel.target
                } else {
                    warnings.append(XLSXWarning(part: part, line: pending.line, message:
                        "the hyperlink on \(link.range.a1) refers to relationship \(id), which does not exist; it has no URL"))
                }
            }
            sheet.hyperlinks.append(link)
        }

        for rel in rels.relationships where rel.kind == "comments" && !rel.isExternal {
            guard archive.contains(rel.target) else {
                warnings.append(XLSXWarning(part: part, line: nil, message:
                    "the notes part \(rel.target) is missing from the archive; the sheet's notes were not read"))
                continue
            }
            let parser = CommentsParser(part: rel.target)
            do {
                try archive.parseXML(rel.target, with: parser)
            } catch let error as XLSXError where isContentProblem(error) {
                warnings.append(XLSXWarning(part: rel.target, line: error.line, message:
                    "the notes could not be read (\(error.message)); the sheet's notes were left out"))
                continue
            }
            parser.finish()
            sheet.notes += parser.notes
            warnings += parser.warnings
        }
        sheet.notes.sort { $0.address < $1.address }
    }

    /// Broken content in a part the workbook can do without (notes, a sheet's relationships when it
    /// has no tables) is worth a warning; a damaged archive, a zip bomb or a DTD still stops the read.
    static func isContentProblem(_ error: XLSXError) -> Bool {
        switch error.reason {
        case .malformedXML, .invalidContent: true
        default: false
        }
    }
}
