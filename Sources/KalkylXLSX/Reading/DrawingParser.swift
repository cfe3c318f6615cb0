import Kalkyl

/// `xl/drawings/drawingN.xml`: the objects drawn on a sheet, each with its anchor. Only charts
/// are kept; pictures, shapes and groups are named so the reader can say they were left out.
final class DrawingParser: XMLContentHandler {
    enum Content: Equatable {
        /// A chart (`c:chart r:id`), by its relationship id in the drawing's rels.
        case chart(relationshipId: String)
        /// Something else, described for a warning ("a picture", "a shape", …).
        case other(String)
    }

    /// A corner of a cell-to-cell anchor: a cell and offsets into it in EMU.
    struct Corner {
        var column = 0, columnOffset = 0, row = 0, rowOffset = 0
    }

    struct Object {
        /// nil when the anchor lacks what its kind needs.
        var anchor: ChartModel.Anchor?
        var content: Content
    }

    /// More anchors than any drawing needs: the rest are counted, not kept.
    static let maxObjects = 10_000

    let part: String
    private let geometry: SheetPixelGeometry
    private(set) var objects: [Object] = []
    private(set) var skippedObjects = 0

    private var depth = 0
    /// Depth of the anchor being read; nil between anchors.
    private var anchorDepth: Int?
    private var anchorKind = ""
    /// Depth of an `mc:Fallback` being skipped (the `mc:Choice` before it is what is read).
    private var fallbackDepth: Int?
    private var corner: Corner?
    private var cornerIsFrom = true
    private var from: Corner?
    private var to: Corner?
    private var position: (x: Int, y: Int)?
    private var extent: (cx: Int, cy: Int)?
    private var content: Content?
    private var graphicURI = ""
    private var capturing: String?
    private var buffer: [UInt8] = []

    init(part: String, geometry: SheetPixelGeometry) {
        self.part = part
        self.geometry = geometry
    }

    func startElement(_ tag: XMLStartTag, at parser: XMLStreamParser) throws {
        depth += 1
        let name = tag.name
        guard fallbackDepth == nil else { return }
        if name.is("Fallback") {
            fallbackDepth = depth
            return
        }
        guard let anchorDepth else {
            if name.is("twoCellAnchor") || name.is("oneCellAnchor") || name.is("absoluteAnchor") {
                anchorDepth = depth
                anchorKind = name.string
                from = nil; to = nil; position = nil; extent = nil; content = nil; graphicURI = ""
            }
            return
        }
        switch depth - anchorDepth {
        case 1:
            if name.is("from") || name.is("to") {
                corner = Corner()
                cornerIsFrom = name.is("from")
            } else if name.is("pos") {
                position = (tag.attribute("x")?.int ?? 0, tag.attribute("y")?.int ?? 0)
            } else if name.is("ext") {
                extent = (tag.attribute("cx")?.int ?? 0, tag.attribute("cy")?.int ?? 0)
            } else if content == nil {
                if name.is("pic") {
                    content = .other("a picture")
                } else if name.is("sp") || name.is("cxnSp") {
                    content = .other("a shape")
                } else if name.is("grpSp") {
                    content = .other("a group of drawing objects")
                } else if !name.is("graphicFrame") && !name.is("clientData") && !name.is("AlternateContent") {
                    content = .other("a drawing object (\(name.string))")
                }
            }
        case 2 where corner != nil:
            capturing = name.string
            buffer.removeAll(keepingCapacity: true)
        default:
            if name.is("graphicData") {
                graphicURI = tag["uri"] ?? ""
            } else if name.is("chart") && content == nil {
                // `c:chart` (DrawingML charts) and `cx:chart` (Excel 2016's chartex) share the local name.
                if graphicURI.hasSuffix("/drawingml/2006/chart"), let id = tag["id"] {
                    content = .chart(relationshipId: id)
                } else {
                    content = .other("a chart of a kind libxlsxwriter cannot write (\(graphicURI.split(separator: "/").last ?? "chartex"))")
                }
            } else if content == nil {
                if name.is("pic") { content = .other("a picture") } else if name.is("sp") { content = .other("a shape") }
            }
        }
    }

    func endElement(_ name: XMLName, at parser: XMLStreamParser) throws {
        defer { depth -= 1 }
        if let f = fallbackDepth {
            if depth == f { fallbackDepth = nil }
            return
        }
        guard let anchorDepth else { return }
        switch depth - anchorDepth {
        case 2 where capturing != nil:
            let n = buffer.count <= 24 ? Int(String(decoding: buffer, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) : nil
            switch capturing {
            case "col": corner?.column = n ?? 0
            case "colOff": corner?.columnOffset = n ?? 0
            case "row": corner?.row = n ?? 0
            case "rowOff": corner?.rowOffset = n ?? 0
            default: break
            }
            capturing = nil
        case 1 where corner != nil && (name.is("from") || name.is("to")):
            if cornerIsFrom { from = corner } else { to = corner }
            corner = nil
        case 0:
            finishAnchor()
            self.anchorDepth = nil
        default:
            break
        }
    }

    func characters(_ text: XMLText) {
        if capturing != nil && buffer.count <= 24 { text.append(to: &buffer) }
    }

    private func finishAnchor() {
        guard let content else { return }
        guard objects.count < Self.maxObjects else {
            skippedObjects += 1
            return
        }
        var anchor: ChartModel.Anchor?
        switch anchorKind {
        case "twoCellAnchor":
            if let from, let to { anchor = SheetPixelGeometry.anchor(from: from, to: to) }
        case "oneCellAnchor":
            if let from, let extent { anchor = geometry.anchor(origin: geometry.origin(of: from), width: extent.cx, height: extent.cy) }
        default:  // absoluteAnchor
            if let position, let extent { anchor = geometry.anchor(origin: position, width: extent.cx, height: extent.cy) }
        }
        objects.append(Object(anchor: anchor, content: content))
    }
}

/// Sizes along one axis of a sheet (columns or rows) in pixels: a default size and the indices
/// that differ from it, with running sums so that positions are found by binary search (a hostile
/// file with a million anchors far down the sheet costs no more than one near the top).
struct PixelAxis {
    let defaultSize: Int
    let limit: Int
    private var indices: [Int] = []
    private var sizes: [Int] = []
    /// `deltas[k]`: the sum of (size − default) over `indices[..<k]`.
    private var deltas: [Int] = [0]

    /// - Parameter spans: inclusive index ranges and their sizes; a span that overlaps an earlier
    ///   one (by its first index) is ignored, as no valid file has them.
    init(defaultSize: Int, limit: Int, spans: [(first: Int, last: Int, size: Int)]) {
        self.defaultSize = max(0, defaultSize)
        self.limit = limit
        var next = 0
        for span in spans.sorted(by: { $0.first < $1.first }) {
            let first = max(span.first, next), last = min(span.last, limit - 1)
            guard first <= last else { continue }
            if span.size != self.defaultSize {
                for i in first...last {
                    indices.append(i)
                    sizes.append(max(0, span.size))
                    deltas.append(deltas[deltas.count - 1] + max(0, span.size) - self.defaultSize)
                }
            }
            next = last + 1
        }
    }

    /// How many custom indices lie below `index`.
    private func rank(_ index: Int) -> Int {
        var low = 0, high = indices.count
        while low < high {
            let mid = (low + high) / 2
            if indices[mid] < index { low = mid + 1 } else { high = mid }
        }
        return low
    }

    func size(_ index: Int) -> Int {
        let k = rank(index)
        return k < indices.count && indices[k] == index ? sizes[k] : defaultSize
    }

    /// Where `index` starts, in pixels from the first.
    func start(_ index: Int) -> Int { index * defaultSize + deltas[rank(index)] }

    /// The index a pixel position falls in and the offset inside it.
    func locate(_ pixel: Int) -> (index: Int, offset: Int) {
        var low = 0, high = limit - 1
        // The first index whose end lies beyond the position.
        while low < high {
            let mid = (low + high) / 2
            if start(mid + 1) > pixel { high = mid } else { low = mid + 1 }
        }
        return (low, max(0, pixel - start(low)))
    }
}

/// Where cells lie on a sheet as Excel draws it, from its column widths and row heights: turns
/// one-cell and absolute anchors (a corner and a size in EMU) into cell-to-cell ones.
struct SheetPixelGeometry {
    /// EMU (1/914,400 inch) per pixel at 96 dpi.
    static let emuPerPixel = 9525

    let columns: PixelAxis
    let rows: PixelAxis

    init(sheet: WorksheetModel) {
        let defaultColumn = sheet.defaultColumnWidth.map(Self.pixels(columnWidth:)) ?? 64
        columns = PixelAxis(defaultSize: defaultColumn, limit: Grid.columnCount, spans: sheet.columns.compactMap { c in
            guard c.hidden || c.width != nil else { return nil }
            return (c.first, c.last, c.hidden ? 0 : c.width.map(Self.pixels(columnWidth:)) ?? defaultColumn)
        })
        let defaultRow = Self.pixels(rowHeight: sheet.defaultRowHeight ?? 15)
        rows = PixelAxis(defaultSize: defaultRow, limit: Grid.rowCount, spans: sheet.rows.compactMap { r in
            guard r.hidden || r.height != nil else { return nil }
            return (r.row, r.row, r.hidden ? 0 : r.height.map(Self.pixels(rowHeight:)) ?? defaultRow)
        })
    }

    /// A stored width (characters of the default font, padding included) in pixels, as Excel draws it.
    static func pixels(columnWidth: Double) -> Int {
        guard columnWidth.isFinite, columnWidth > 0 else { return 0 }
        return Int((min(columnWidth, 255) * 7).rounded())
    }

    static func pixels(rowHeight: Double) -> Int {
        guard rowHeight.isFinite, rowHeight > 0 else { return 0 }
        return Int((min(rowHeight, 409) * 4 / 3).rounded(.down))
    }

    /// A cell-to-cell anchor as read, kept inside the grid, with its end not before its start.
    static func anchor(from: DrawingParser.Corner, to: DrawingParser.Corner) -> ChartModel.Anchor {
        func cell(_ c: DrawingParser.Corner) -> CellAddress {
            CellAddress(row: max(0, min(c.row, Grid.rowCount - 1)), column: max(0, min(c.column, Grid.columnCount - 1)))
        }
        func offset(_ v: Int) -> Int { max(0, min(v, 1 << 40)) }
        let start = cell(from)
        var end = cell(to)
        end = CellAddress(row: max(Int(start.row), Int(end.row)), column: max(Int(start.column), Int(end.column)))
        return ChartModel.Anchor(from: start, fromOffset: (offset(from.columnOffset), offset(from.rowOffset)),
                                 to: end, toOffset: (offset(to.columnOffset), offset(to.rowOffset)))
    }

    /// The anchor of a rectangle whose top-left corner is `origin` (EMU from the sheet's corner).
    func anchor(origin: (x: Int, y: Int), width: Int, height: Int) -> ChartModel.Anchor {
        let x = max(0, min(origin.x, 1 << 40)), y = max(0, min(origin.y, 1 << 40))
        let w = max(0, min(width, 1 << 40)), h = max(0, min(height, 1 << 40))
        func place(_ emu: Int, _ axis: PixelAxis) -> (Int, Int) {
            let (index, pixels) = axis.locate(emu / Self.emuPerPixel)
            return (index, pixels * Self.emuPerPixel + emu % Self.emuPerPixel)
        }
        let (c1, x1) = place(x, columns), (r1, y1) = place(y, rows)
        let (c2, x2) = place(x + w, columns), (r2, y2) = place(y + h, rows)
        return ChartModel.Anchor(from: CellAddress(row: r1, column: c1), fromOffset: (x1, y1),
                                 to: CellAddress(row: r2, column: c2), toOffset: (x2, y2))
    }

    /// The EMU position of a cell's top-left corner plus offsets.
    func origin(of corner: DrawingParser.Corner) -> (x: Int, y: Int) {
        let column = max(0, min(corner.column, Grid.columnCount - 1)), row = max(0, min(corner.row, Grid.rowCount - 1))
        return (columns.start(column) * Self.emuPerPixel + max(0, min(corner.columnOffset, 1 << 40)),
                rows.start(row) * Self.emuPerPixel + max(0, min(corner.rowOffset, 1 << 40)))
    }
}

/// A sheet's charts: sheet rels → drawing → drawing rels → chart parts.
enum DrawingReader {
    struct Result {
        var charts: [ChartModel] = []
        var warnings: [XLSXWarning] = []
    }

    /// Charts on a worksheet. A chart part that cannot be read (malformed, or not a chart the model
    /// holds) becomes a warning: charts decorate a workbook, they never stop it from loading.
    static func read(sheetPart: String, relationships rels: RelationshipsParser, sheet: WorksheetModel,
                     archive: PackageArchive) throws -> Result {
        var result = Result()
        let drawings = rels.relationships.filter { $0.kind == "drawing" && !$0.isExternal }
        guard !drawings.isEmpty else { return result }
        let geometry = SheetPixelGeometry(sheet: sheet)
        for rel in drawings {
            guard archive.contains(rel.target) else {
                result.warnings.append(XLSXWarning(part: sheetPart, line: nil, message: "drawing relationship \(rel.id) has no drawing part; ignored"))
                continue
            }
            let drawing = DrawingParser(part: rel.target, geometry: geometry)
            do {
                try archive.parseXML(rel.target, with: drawing)
            } catch let error as XLSXError where isContentError(error) {
                result.warnings.append(XLSXWarning(part: rel.target, line: error.line, message: "the drawing could not be read (\(error.message)); its charts are not kept"))
                continue
            }
            if drawing.skippedObjects > 0 {
                result.warnings.append(XLSXWarning(part: rel.target, line: nil, message: "\(drawing.skippedObjects) drawing object(s) beyond the first \(DrawingParser.maxObjects) are not kept"))
            }
            let drawingRels: RelationshipsParser
            do {
                drawingRels = try RelationshipsParser.read(for: rel.target, in: archive)
            } catch let error as XLSXError where isContentError(error) {
                result.warnings.append(XLSXWarning(part: PartPath.relationships(of: rel.target), line: error.line,
                                                   message: "\(error.message); the drawing's charts are not kept"))
                continue
            }
            for object in drawing.objects {
                let place = object.anchor.map { "at \($0.from.a1)" } ?? "without a usable anchor"
                switch object.content {
                case .other(let what):
                    result.warnings.append(XLSXWarning(part: rel.target, line: nil, message: "\(what) \(place) is not kept"))
                case .chart(let id):
                    guard let chartRel = drawingRels[id], !chartRel.isExternal, archive.contains(chartRel.target) else {
                        result.warnings.append(XLSXWarning(part: rel.target, line: nil, message: "the chart \(place) refers to relationship \(id), which has no chart part; not kept"))
                        continue
                    }
                    let parser = ChartParser(part: chartRel.target)
                    do {
                        try archive.parseXML(chartRel.target, with: parser)
                    } catch let error as XLSXError where isContentError(error) {
                        result.warnings.append(XLSXWarning(part: chartRel.target, line: error.line, message: "the chart could not be read (\(error.message)); not kept"))
                        continue
                    }
                    guard let anchor = object.anchor else {
                        result.warnings.append(XLSXWarning(part: rel.target, line: nil, message: "the chart \(place) is not kept"))
                        continue
                    }
                    let chart = parser.chart(anchor: anchor)
                    result.warnings += parser.warnings
                    if var chart {
                        chart.part = chartRel.target
                        result.charts.append(chart)
                    }
                }
            }
        }
        return result
    }

    /// Errors about one part's content, which cost only that chart; damage to the archive, refused
    /// XML and limits still stop the read.
    private static func isContentError(_ error: XLSXError) -> Bool {
        switch error.reason {
        case .malformedXML, .invalidContent, .missingPart: true
        default: false
        }
    }
}
