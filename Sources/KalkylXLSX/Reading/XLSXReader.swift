import Dispatch
import Foundation
import Kalkyl

/// Reads .xlsx (and .xlsm) workbooks into a `WorkbookModel`.
///
/// Every part is streamed through expat; shared strings, styles and each sheet are independent, so
/// they are read on all cores (the archive reads with positional reads, so one handle serves all).
public struct XLSXReader: Sendable {
    public var limits = ReadLimits()
    /// Read parts on several threads, and a large sheet in chunks (the result is the same either way).
    public var parallel = true
    /// When and how a large sheet is read in chunks on several threads.
    var chunking = ChunkedSheetReading()

    public init() {}

    public static func read(_ path: String) throws -> WorkbookModel {
        try XLSXReader().read(URL(fileURLWithPath: path))
    }

    public func read(_ url: URL) throws -> WorkbookModel {
        let archive = try ZlibPackageArchive(url: url, limits: limits)
        return try read(archive)
    }

    func read(_ archive: PackageArchive) throws -> WorkbookModel {
        let file = archive.fileName
        var model = WorkbookModel()

        let root = try RelationshipsParser.read(for: "", in: archive)
        let workbookPart = root.first(kind: "officeDocument")?.target ?? "xl/workbook.xml"
        guard archive.contains(workbookPart) else {
            throw XLSXError(file: file, part: workbookPart, reason: .missingPart)
        }
        let workbook = WorkbookPartParser()
        try archive.parseXML(workbookPart, with: workbook)
        let rels = try RelationshipsParser.read(for: workbookPart, in: archive)
        model.properties = workbook.properties
        model.definedNames = workbook.definedNames

        // Work items, each reading one part (or a sheet with its tables) into its own result.
        var jobs: [Job] = []
        if let part = rels.first(kind: "sharedStrings")?.target, archive.contains(part) {
            jobs.append { archive in
                let parser = SharedStringsParser()
                try archive.parseXML(part, with: parser)
                return .sharedStrings(parser.strings)
            }
        }
        if let part = rels.first(kind: "styles")?.target, archive.contains(part) {
            let theme = rels.first(kind: "theme")?.target
            jobs.append { archive in
                let parser = StylesParser()
                try archive.parseXML(part, with: parser)
                var styles = parser.styles
                if let theme, archive.contains(theme) {
                    let themeParser = ThemeParser()
                    try archive.parseXML(theme, with: themeParser)
                    styles.themeColors = themeParser.colors
                }
                return .styles(styles)
            }
        }
        let date1904 = workbook.properties.date1904
        let chunking = parallel ? chunking : nil
        for (index, entry) in workbook.sheets.enumerated() {
            guard let rel = rels[entry.relationshipId], !rel.isExternal else {
                throw XLSXError(file: file, part: workbookPart, reason: .invalidContent(
                    "sheet '\(entry.name)' refers to relationship \(entry.relationshipId), which does not exist"))
            }
            let kind: WorksheetModel.Kind = switch rel.kind {
            case "chartsheet": .chartsheet
            case "dialogsheet": .dialogsheet
            case "xlMacrosheet", "xlIntlMacrosheet": .macrosheet
            default: .worksheet
            }
            jobs.append { archive in
                .sheet(index, try Self.readSheet(entry, part: rel.target, kind: kind, date1904: date1904, archive: archive,
                                                 chunking: chunking))
            }
        }
        let propertyParts = ["extended-properties", "core-properties"].map { kind in
            root.relationships.first { $0.kind == kind && !$0.isExternal }?.target
        }
        jobs.append { archive in .documentProperties(Self.readDocumentProperties(propertyParts, archive: archive)) }

        var sheets = [WorksheetModel?](repeating: nil, count: workbook.sheets.count)
        var sharedStrings: [String] = []
        var maxSharedIndex = -1
        for result in try run(jobs, on: archive) {
            switch result {
            case .sharedStrings(let strings): sharedStrings = strings
            case .styles(let styles): model.styles = styles
            case .sheet(let index, let sheetResult):
                sheets[index] = sheetResult.sheet
                model.warnings += sheetResult.warnings
                maxSharedIndex = max(maxSharedIndex, sheetResult.maxSharedStringIndex)
            case .documentProperties(let p):
                model.properties.application = p["Application"]
                model.properties.company = p["Company"]
                model.properties.title = p["title"]
                model.properties.creator = p["creator"]
            }
        }
        if maxSharedIndex >= sharedStrings.count {
            model.warnings.append(XLSXWarning(part: "xl/sharedStrings.xml", line: nil, message:
                "cells refer to shared string \(maxSharedIndex) but the table has \(sharedStrings.count); those cells read as empty"))
        }
        let table = StringTable(sharedStrings)
        model.sheets = sheets.compactMap { $0 }
        for i in model.sheets.indices { model.sheets[i].cells.sharedStrings = table }
        return model
    }

    private typealias Job = @Sendable (PackageArchive) throws -> PartResult

    private enum PartResult {
        case sharedStrings([String])
        case styles(StyleSheet)
        case sheet(Int, SheetResult)
        case documentProperties([String: String])
    }

    private struct SheetResult {
        var sheet: WorksheetModel
        var warnings: [XLSXWarning]
        var maxSharedStringIndex: Int
    }

    /// Runs the jobs, on two or more threads when allowed; the first error (in job order) wins.
    private func run(_ jobs: [Job], on archive: PackageArchive) throws -> [PartResult] {
        let workers = parallel ? min(jobs.count, max(1, ProcessInfo.processInfo.activeProcessorCount)) : 1
        if workers <= 1 {
            return try jobs.map { try $0(archive) }
        }
        let results = ResultSlots<Result<PartResult, Error>>(count: jobs.count)
        let next = ResultSlots<Int>(count: 1)
        next.set(0, 0)
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while let i = next.takeNext(limit: jobs.count) {
                results.set(i, Result { try jobs[i](archive) })
            }
        }
        return try (0..<jobs.count).map { i in
            guard let r = results.get(i) else { throw XLSXError(file: archive.fileName, reason: .unreadable("internal: job \(i) did not run")) }
            return try r.get()
        }
    }

    private static func readSheet(_ entry: WorkbookPartParser.SheetEntry, part: String, kind: WorksheetModel.Kind,
                                  date1904: Bool, archive: PackageArchive, chunking: ChunkedSheetReading?) throws -> SheetResult {
        guard archive.contains(part) else {
            throw XLSXError(file: archive.fileName, part: part, reason: .missingPart)
        }
        if kind != .worksheet {
            var sheet = WorksheetModel(name: entry.name)
            sheet.kind = kind
            sheet.visibility = entry.visibility
            sheet.part = part
            return SheetResult(sheet: sheet, warnings: [], maxSharedStringIndex: -1)
        }
        let parser = try readCells(of: entry.name, part: part, date1904: date1904, archive: archive, chunking: chunking)
        var sheet = parser.sheet
        sheet.visibility = entry.visibility
        var warnings = parser.warnings
        // The sheet's relationships: its tables, hyperlink URLs and notes (comments) part.
        var rels = RelationshipsParser(source: part)
        do {
            rels = try RelationshipsParser.read(for: part, in: archive)
        } catch let error as XLSXError where parser.tableRelationshipIds.isEmpty && SheetNotesAndLinks.isContentProblem(error) {
            warnings.append(XLSXWarning(part: PartPath.relationships(of: part), line: error.line, message:
                "\(error.message); the sheet's notes and hyperlink URLs were not read"))
        }
        if !parser.tableRelationshipIds.isEmpty {
            for id in parser.tableRelationshipIds {
                guard let rel = rels[id], archive.contains(rel.target) else {
                    warnings.append(XLSXWarning(part: part, line: nil, message: "table relationship \(id) has no table part; ignored"))
                    continue
                }
                let tableParser = TableParser(sheet: entry.name, part: rel.target)
                try archive.parseXML(rel.target, with: tableParser)
                if let table = tableParser.table { sheet.tables.append(table) }
            }
        }
        try SheetNotesAndLinks.read(into: &sheet, hyperlinks: parser.hyperlinks, relationships: rels, archive: archive,
                                    warnings: &warnings)
        let drawings = try DrawingReader.read(sheetPart: part, relationships: rels, sheet: sheet, archive: archive)
        sheet.charts = drawings.charts
        warnings += drawings.warnings
        return SheetResult(sheet: sheet, warnings: warnings, maxSharedStringIndex: parser.maxSharedStringIndex)
    }

    /// The worksheet part, in chunks on several threads when it is large (see `ChunkedSheetReading`).
    /// Should that fail for any reason but a damaged or too large archive, the part is read again on
    /// one thread, which reads what can be read and names the exact place of what cannot.
    private static func readCells(of name: String, part: String, date1904: Bool, archive: PackageArchive,
                                  chunking: ChunkedSheetReading?) throws -> WorksheetParser {
        if let chunking, chunking.applies(to: part, in: archive) {
            let parser = WorksheetParser(name: name, part: part, date1904: date1904)
            do {
                let chunks = try chunking.read(part, from: archive, into: parser, date1904: date1904)
                parser.finish(insertingAtSplit: chunks)
                return parser
            } catch let error as XLSXError {
                switch error.reason {
                case .damagedArchive, .limitExceeded, .missingPart, .unreadable: throw error
                default: break
                }
            } catch {}
        }
        let parser = WorksheetParser(name: name, part: part, date1904: date1904)
        try archive.parseXML(part, with: parser)
        parser.finish()
        return parser
    }

    /// `docProps/app.xml` and `docProps/core.xml`, when the package has them.
    private static func readDocumentProperties(_ parts: [String?], archive: PackageArchive) -> [String: String] {
        var values: [String: String] = [:]
        let wantedNames = [Set(["Application", "Company"]), Set(["title", "creator"])]
        for (part, wanted) in zip(parts, wantedNames) {
            guard let part, archive.contains(part) else { continue }
            let parser = LeafTextParser(wanted: wanted)
            // Document properties are optional: a broken one must not make the workbook unreadable.
            if (try? archive.parseXML(part, with: parser)) != nil {
                values.merge(parser.values) { a, _ in a }
            }
        }
        return values
    }
}

/// Fixed slots written from several threads.
private final class ResultSlots<T>: @unchecked Sendable {
    private var slots: [T?]
    private let lock = NSLock()

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ i: Int, _ value: T) { lock.lock(); slots[i] = value; lock.unlock() }
    func get(_ i: Int) -> T? { lock.lock(); defer { lock.unlock() }; return slots[i] }

    /// For a counter in slot 0: returns the current value and increments it, until `limit`.
    func takeNext(limit: Int) -> Int? where T == Int {
        lock.lock(); defer { lock.unlock() }
        let n = slots[0] ?? 0
        guard n < limit else { return nil }
        slots[0] = n + 1
        return n
    }
}
