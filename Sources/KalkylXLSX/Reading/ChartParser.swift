import Kalkyl

/// `xl/charts/chartN.xml`: a DrawingML chart reduced to a `ChartModel` — its first chart group
/// (kind, grouping, series as reference formulas, colours, labels), the title, the axis titles,
/// the value axis's number format and the legend. What the model cannot hold becomes a warning.
final class ChartParser: XMLContentHandler {
    let part: String
    private(set) var warnings: [XLSXWarning] = []

    /// Excel allows 255 series in a chart; more are counted and left out.
    static let maxSeries = 255
    /// Deeper nesting than any chart part has is skipped, so the element path stays small.
    static let maxDepth = 64
    /// Formulas and titles longer than this are cut off (Excel's own limit is 8,192 and 32,767).
    static let maxText = 65_536

    private var path: [String] = []
    private var overflow = 0

    private var kind: ChartModel.Kind?
    private var groupName: String?
    private var groupCount = 0
    private var otherGroupSeries = 0
    private var unsupportedKinds: [String] = []
    private var barDirection = "col"
    private var grouping: ChartModel.Grouping?
    private var variant: String?
    private var groupAxisIds: [String] = []
    private var groupShowsValues = false
    private var series: [ChartModel.Series] = []
    private var droppedSeries = 0
    private var literalSeries = 0

    private var current: SeriesDraft?
    private struct SeriesDraft {
        var nameReference: String?
        var nameLiteral: String?
        var categories: String?
        var values: String?
        var fill: UInt32?
        var line: UInt32?
        var markerFill: UInt32?
        var invertIfNegative = false
        var dataLabels: Bool?
    }

    private var title: String?
    private var titleReference: String?
    private var autoTitleDeleted = false
    private var legendPosition: String?
    private var hasLegend = false

    private struct Axis {
        var title: String?
        var numberFormat: String?
        var sourceLinked = true
        var labelPosition: String?
        var reversed = false
    }
    private var axes: [String: Axis] = [:]
    private var axis: (id: String?, draft: Axis)?

    /// Text being collected: the element it belongs to and what it is for.
    private enum Capture { case formula, literalName, titleRun }
    private var capture: Capture?
    private var buffer: [UInt8] = []
    /// The rich text of the title being read (chart or axis title), paragraph by paragraph.
    private var richParagraphs: [String]?
    private var titleFormula: String?

    init(part: String) { self.part = part }

    private func warn(_ message: String) {
        warnings.append(XLSXWarning(part: part, line: nil, message: message))
    }

    // MARK: - Where we are

    private func parent(_ n: Int = 1) -> String? { path.count >= n ? path[path.count - n] : nil }
    private func inside(_ name: String) -> Bool { path.contains(name) }
    private var inFirstGroup: Bool { groupName != nil && groupCount == 1 && path.count >= 4 && path[3] == groupName }
    /// Inside a title: of the chart (`chart/title`) or of an axis.
    private var inTitle: Bool { path.contains("title") }

    func startElement(_ tag: XMLStartTag, at parser: XMLStreamParser) throws {
        guard overflow == 0, path.count < Self.maxDepth else {
            overflow += 1
            return
        }
        let name = tag.name.string
        let value = tag["val"]
        path.append(name)
        let depth = path.count

        // chartSpace(1) / chart(2) / plotArea(3) / group(4) / ser(5) …
        if depth == 4 && path[2] == "plotArea" {
            startPlotAreaChild(name, tag: tag)
            return
        }
        if depth >= 5 && path[2] == "plotArea", let group = groupName, path[3] == group, groupCount == 1 {
            startInGroup(name, value: value, tag: tag, depth: depth)
        } else if depth >= 5 && path[2] == "plotArea", axis != nil {
            startInAxis(name, value: value, tag: tag, depth: depth)
        } else if depth >= 4 && path[1] == "chart" && path[2] == "title" {
            startInTitle(name)
        } else if depth == 3 && path[1] == "chart" {
            switch name {
            case "autoTitleDeleted": autoTitleDeleted = tag.attribute("val")?.bool ?? true
            case "legend":
                hasLegend = true
                legendPosition = "r"
            case "title":
                richParagraphs = nil
                titleFormula = nil
            default: break
            }
        } else if depth == 4 && path[1] == "chart" && path[2] == "legend" && name == "legendPos" {
            legendPosition = value ?? "r"
        }
    }

    private func startPlotAreaChild(_ name: String, tag: XMLStartTag) {
        guard name.hasSuffix("Chart") else {
            if ["catAx", "valAx", "dateAx", "serAx"].contains(name) { axis = (nil, Axis()) }
            return
        }
        groupCount += 1
        guard groupCount == 1 else { return }
        groupName = name
        switch name {
        case "barChart", "bar3DChart": kind = .column
        case "lineChart", "line3DChart": kind = .line
        case "pieChart", "pie3DChart": kind = .pie
        case "doughnutChart": kind = .doughnut
        case "areaChart", "area3DChart": kind = .area
        case "scatterChart": kind = .scatter
        case "radarChart": kind = .radar
        default: unsupportedKinds.append(name)
        }
        if name.contains("3D") && kind != nil {
            warn("the 3-D chart (\(name)) is read as a flat chart")
        }
    }

    private func startInGroup(_ name: String, value: String?, tag: XMLStartTag, depth: Int) {
        if depth == 5 {
            switch name {
            case "barDir": barDirection = value ?? "col"
            case "grouping": grouping = value.flatMap(ChartModel.Grouping.init(rawValue:))
            case "scatterStyle", "radarStyle": variant = value
            case "axId": if let value { groupAxisIds.append(value) }
            case "ser":
                if series.count + (current == nil ? 0 : 1) < Self.maxSeries { current = SeriesDraft() } else { droppedSeries += 1 }
            default: break
            }
            return
        }
        // Labels for the whole group: `group/dLbls/showVal`.
        if depth == 6 && path[4] == "dLbls" && name == "showVal" {
            groupShowsValues = tag.attribute("val")?.bool ?? true
            return
        }
        guard current != nil, path[4] == "ser" else { return }
        let part = path[5]
        switch name {
        case "f" where ["tx", "cat", "val", "xVal", "yVal"].contains(part):
            capture = .formula
            buffer.removeAll(keepingCapacity: true)
        case "v" where part == "tx" && depth == 7:
            capture = .literalName
            buffer.removeAll(keepingCapacity: true)
        case "invertIfNegative" where depth == 6:
            current?.invertIfNegative = tag.attribute("val")?.bool ?? true
        case "showVal" where part == "dLbls" && depth == 7:
            current?.dataLabels = tag.attribute("val")?.bool ?? true
        case "srgbClr":
            guard let rgb = value.flatMap(Self.rgb) else { break }
            // ser/spPr/solidFill/srgbClr, ser/spPr/ln/solidFill/srgbClr, ser/marker/spPr/solidFill/srgbClr
            let trail = Array(path[5...])
            if trail == ["spPr", "solidFill", "srgbClr"] { current?.fill = rgb }
            else if trail == ["spPr", "ln", "solidFill", "srgbClr"] { current?.line = rgb }
            else if trail == ["marker", "spPr", "solidFill", "srgbClr"] { current?.markerFill = rgb }
        default:
            break
        }
    }

    private func startInAxis(_ name: String, value: String?, tag: XMLStartTag, depth: Int) {
        if depth == 6 && path[4] == "scaling" && name == "orientation" {
            axis?.draft.reversed = value == "maxMin"
        } else if depth == 5 {
            switch name {
            case "axId": axis?.id = value
            case "tickLblPos": axis?.draft.labelPosition = value
            case "numFmt":
                axis?.draft.numberFormat = tag["formatCode"]
                axis?.draft.sourceLinked = tag.attribute("sourceLinked")?.bool ?? false
            case "title":
                richParagraphs = nil
                titleFormula = nil
            default: break
            }
        } else if path[4] == "title" {
            startInTitle(name)
        }
    }

    /// Inside `title`: rich text runs (`tx/rich/p/r/t`, fields too) or a cell (`tx/strRef/f`).
    private func startInTitle(_ name: String) {
        switch name {
        case "rich": richParagraphs = []
        case "p": if richParagraphs != nil { richParagraphs?.append("") }
        case "t" where parent(2) == "r" || parent(2) == "fld":
            capture = .titleRun
            buffer.removeAll(keepingCapacity: true)
        case "f" where inside("strRef"):
            capture = .formula
            buffer.removeAll(keepingCapacity: true)
        default: break
        }
    }

    func endElement(_ name: XMLName, at parser: XMLStreamParser) throws {
        if overflow > 0 {
            overflow -= 1
            return
        }
        guard let name = path.last else { return }
        defer { path.removeLast() }
        let depth = path.count
        if let capture {
            let text = XMLValueText.string(buffer)
            self.capture = nil
            switch capture {
            case .titleRun:
                if var paragraphs = richParagraphs, !paragraphs.isEmpty {
                    paragraphs[paragraphs.count - 1] += text
                    richParagraphs = paragraphs
                }
            case .literalName:
                current?.nameLiteral = text
            case .formula:
                if inTitle && !(depth >= 5 && path[4] == "ser") {
                    titleFormula = text
                } else if current != nil && depth >= 6 {
                    switch path[5] {
                    case "tx": current?.nameReference = text
                    case "cat", "xVal": current?.categories = text
                    case "val", "yVal": current?.values = text
                    default: break
                    }
                }
            }
        }
        if depth == 5 && name == "ser" && inFirstGroup, let draft = current {
            finishSeries(draft)
            current = nil
        } else if depth == 5 && name == "ser" && groupCount > 1 && path[2] == "plotArea" {
            otherGroupSeries += 1
        } else if name == "title" {
            let text = richParagraphs.map { $0.filter { !$0.isEmpty }.joined(separator: "\n") }
            if depth == 3 && path[1] == "chart" {
                title = text.flatMap { $0.isEmpty ? nil : $0 }
                titleReference = title == nil ? titleFormula : nil
            } else if depth == 5, axis != nil {
                axis?.draft.title = text.flatMap { $0.isEmpty ? nil : $0 }
                if axis?.draft.title == nil && titleFormula != nil {
                    warn("an axis title taken from a cell (\(titleFormula!)) is not kept")
                }
            }
            richParagraphs = nil
            titleFormula = nil
        } else if depth == 4 && path[2] == "plotArea", let done = axis, ["catAx", "valAx", "dateAx", "serAx"].contains(name) {
            if let id = done.id { axes[id] = done.draft }
            axis = nil
        }
    }

    func characters(_ text: XMLText) {
        if capture != nil && buffer.count < Self.maxText { text.append(to: &buffer) }
    }

    private func finishSeries(_ draft: SeriesDraft) {
        guard let values = draft.values, !values.isEmpty else {
            literalSeries += 1
            return
        }
        var s = ChartModel.Series(values: values, categories: draft.categories,
                                  nameReference: draft.nameReference, nameLiteral: draft.nameReference == nil ? draft.nameLiteral : nil)
        let lineLike = kind == .line || kind == .scatter || (kind == .radar && variant != "filled")
        // A pie's slices take colours of their own (`varyColors`); one series colour would paint them all alike.
        if kind != .pie && kind != .doughnut {
            s.color = lineLike ? (draft.line ?? draft.markerFill ?? draft.fill) : (draft.fill ?? draft.line)
        }
        s.invertIfNegative = draft.invertIfNegative
        s.dataLabels = draft.dataLabels ?? groupShowsValues
        series.append(s)
    }

    /// `RRGGBB` as opaque ARGB.
    private static func rgb(_ text: String) -> UInt32? {
        guard text.utf8.count == 6, let v = UInt32(text, radix: 16) else { return nil }
        return 0xFF00_0000 | v
    }

    /// The chart read, placed at `anchor`; nil (with a warning) when there is nothing the model keeps.
    func chart(anchor: ChartModel.Anchor) -> ChartModel? {
        if let unsupported = unsupportedKinds.first {
            warn("chart kind \(unsupported) not kept")
            return nil
        }
        guard var kind else {
            warn("a chart without a chart group is not kept")
            return nil
        }
        if kind == .column && barDirection == "bar" { kind = .bar }
        if droppedSeries > 0 { warn("\(droppedSeries) series beyond the first \(Self.maxSeries) are not kept") }
        if literalSeries > 0 { warn("\(literalSeries) series with values written into the chart (not taken from cells) are not kept") }
        if groupCount > 1 {
            warn("a combined chart: only its first chart group (\(groupName ?? "")) is kept; \(otherGroupSeries) series of the other group(s) are not")
        }
        guard !series.isEmpty else {
            warn("a chart without series taken from cells is not kept")
            return nil
        }
        var chart = ChartModel(kind: kind, anchor: anchor)
        chart.grouping = grouping ?? (kind == .column || kind == .bar ? .clustered : .standard)
        chart.variant = kind == .scatter || kind == .radar ? variant : nil
        chart.series = series
        chart.title = title
        chart.titleReference = titleReference
        chart.autoTitleDeleted = autoTitleDeleted
        chart.legendPosition = hasLegend ? legendPosition : nil
        if kind != .pie && kind != .doughnut {
            // The group's first axis is its category (x) axis, the second its value (y) axis.
            let categoryAxis = groupAxisIds.first.flatMap { axes[$0] }
            let valueAxis = groupAxisIds.count > 1 ? axes[groupAxisIds[1]] : nil
            chart.categoryAxisTitle = categoryAxis?.title
            chart.categoryLabelPosition = categoryAxis?.labelPosition
            chart.categoriesReversed = categoryAxis?.reversed ?? false
            chart.valueAxisTitle = valueAxis?.title
            if let format = valueAxis?.numberFormat, !format.isEmpty,
               !(valueAxis?.sourceLinked == true && format.caseInsensitiveCompare("General") == .orderedSame) {
                chart.valueAxisNumberFormat = format
            }
        }
        return chart
    }
}
