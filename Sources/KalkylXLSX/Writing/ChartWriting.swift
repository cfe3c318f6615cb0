import Kalkyl

/// A sheet's charts, written with libxlsxwriter: each `ChartModel` checked and turned into a
/// `WritableChart` — its references resolved against the sheets written, its series cached with the
/// computed values, and its anchor turned into the offset and scale libxlsxwriter places charts by.
///
/// Runs after the sheet's cells: libxlsxwriter sizes rows by the rows it holds by then.
struct ChartWriting {
    let model: WorkbookModel
    let engine: Workbook?
    let native: NativeWorkbook
    /// Sheets left out of the output (`Options.sheets`).
    let excludedSheets: [String]

    private(set) var warnings: [String] = []
    /// Rows looked up to place charts, over the whole workbook: a bound for hostile anchors.
    private var rowBudget = 2_000_000
    /// Values cached in chart series, over the whole workbook.
    private var cacheBudget = 2_000_000

    /// libxlsxwriter's chart size before scaling, in pixels.
    static let defaultSize = (width: 480, height: 288)

    init(model: WorkbookModel, engine: Workbook?, native: NativeWorkbook, excludedSheets: [String]) {
        self.model = model
        self.engine = engine
        self.native = native
        self.excludedSheets = excludedSheets
    }

    mutating func write(_ sheet: WorksheetModel, handle: Int) throws {
        guard !sheet.charts.isEmpty else { return }
        let columns = Self.libraryColumns(sheet)
        for chart in sheet.charts {
            let label = "a \(chart.kind.rawValue) chart at \(sheet.name)!\(chart.anchor.from.a1)"
            guard let prepared = prepare(chart, label: label) else { continue }
            try native.insertChart(handle, try place(prepared, chart.anchor, columns: columns, handle: handle, label: label))
        }
    }

    // MARK: - References

    /// A reference a chart can use: one rectangle on one sheet of the workbook.
    struct Reference {
        var sheetIndex: Int
        var sheetName: String
        var range: CellRange
    }

    /// `'Rapport'!$D$5:$D$21`, `Blad1!A1` (the sheet quoted or not, `$` or not); nil for anything
    /// else (names, several areas, other workbooks).
    static func parseReference(_ text: String, model: WorkbookModel) -> Reference? {
        var rest = Substring(text.trimmingCharacters(in: .whitespaces))
        if rest.hasPrefix("=") { rest = rest.dropFirst() }
        let sheetName: String
        if rest.hasPrefix("'") {
            var name = ""
            var i = rest.index(after: rest.startIndex)
            var closed = false
            while i < rest.endIndex {
                let c = rest[i]
                i = rest.index(after: i)
                if c == "'" {
                    if i < rest.endIndex && rest[i] == "'" {
                        name.append("'")
                        i = rest.index(after: i)
                    } else {
                        closed = true
                        break
                    }
                } else {
                    name.append(c)
                }
            }
            guard closed, i < rest.endIndex, rest[i] == "!" else { return nil }
            sheetName = name
            rest = rest[rest.index(after: i)...]
        } else {
            guard let bang = rest.firstIndex(of: "!") else { return nil }
            sheetName = String(rest[..<bang])
            rest = rest[rest.index(after: bang)...]
        }
        guard !sheetName.isEmpty, !sheetName.contains("["), let index = model.sheetIndex(named: sheetName) else { return nil }
        let plain = rest.filter { $0 != "$" }
        guard let range = CellRange(a1: plain) else { return nil }
        return Reference(sheetIndex: index, sheetName: model.sheets[index].name, range: range)
    }

    private func value(_ sheet: Int, _ address: CellAddress) -> CellValue {
        engine?.value(sheet: sheet, at: address) ?? model.sheets[sheet].value(at: address)
    }

    /// The values of a one-row or one-column reference as a chart caches them: numbers (text and
    /// errors left as gaps) or, for labels, text. Nothing for a two-dimensional or too long range.
    private mutating func cache(_ reference: Reference, labels: Bool) -> ChartCache {
        let r = reference.range
        guard r.rowCount == 1 || r.columnCount == 1, r.cellCount <= Int(UInt16.max), r.cellCount <= cacheBudget else {
            return ChartCache(sheet: reference.sheetName, points: [])
        }
        cacheBudget -= r.cellCount
        var points: [ChartCachePoint] = []
        points.reserveCapacity(r.cellCount)
        for row in Int(r.first.row)...Int(r.last.row) {
            for column in Int(r.first.column)...Int(r.last.column) {
                let v = value(reference.sheetIndex, CellAddress(row: row, column: column))
                switch v {
                case .number(let x): points.append(x.isFinite ? .number(x) : .empty)
                case .empty: points.append(.empty)
                case .text, .boolean, .error: points.append(labels ? .text(v.description) : .empty)
                }
            }
        }
        return ChartCache(sheet: reference.sheetName, points: points)
    }

    // MARK: - The chart

    private mutating func prepare(_ chart: ChartModel, label: String) -> WritableChart? {
        func leaveOut(_ why: String) -> WritableChart? {
            warnings.append("\(label) was left out: \(why)")
            return nil
        }
        let formulas = chart.series.flatMap { [$0.values, $0.categories, $0.nameReference].compactMap { $0 } }
            + [chart.titleReference].compactMap { $0 }
        if let text = formulas.first(where: { FormulaSheets.mentionsAny(excludedSheets, in: $0) }) {
            return leaveOut("it refers to a sheet that is not written (\(text))")
        }
        if let text = formulas.first(where: FormulaSheets.hasExternalReference) {
            return leaveOut("it refers to another workbook (\(text))")
        }

        var series: [WritableChart.Series] = []
        for (i, s) in chart.series.enumerated() {
            guard let values = Self.parseReference(s.values, model: model) else {
                warnings.append("\(label): series \(i + 1) was left out: its values (\(s.values)) are not a range of cells")
                continue
            }
            var out = WritableChart.Series(values: "=" + s.values, valueCache: cache(values, labels: false))
            if let categories = s.categories {
                guard let reference = Self.parseReference(categories, model: model) else {
                    warnings.append("\(label): series \(i + 1) was left out: its categories (\(categories)) are not a range of cells")
                    continue
                }
                out.categories = "=" + categories
                out.categoryCache = cache(reference, labels: true)
            } else if chart.kind == .scatter {
                warnings.append("\(label): series \(i + 1) was left out: a scatter series needs x values")
                continue
            }
            if let name = s.nameReference {
                if let reference = Self.parseReference(name, model: model) {
                    out.name = "=" + name
                    out.nameCache = cache(reference, labels: true)
                } else {
                    warnings.append("\(label): the name of series \(i + 1) (\(name)) is not a cell; left out")
                }
            } else if let name = s.nameLiteral, !name.isEmpty {
                // libxlsxwriter reads a name that starts with "=" as a formula.
                if name.hasPrefix("=") {
                    warnings.append("\(label): the name of series \(i + 1) starts with \"=\"; left out")
                } else {
                    out.name = name
                }
            }
            if let color = s.color {
                let lineLike = chart.kind == .line || chart.kind == .scatter || (chart.kind == .radar && chart.variant != "filled")
                if lineLike { out.lineColor = color } else { out.fillColor = color }
            }
            out.invertIfNegative = s.invertIfNegative && (chart.kind == .bar || chart.kind == .column)
            out.dataLabels = s.dataLabels
            series.append(out)
        }
        guard !series.isEmpty else { return leaveOut("none of its series refers to cells of the workbook") }
        if series.count > 255 {
            warnings.append("\(label): \(series.count - 255) series beyond the first 255 were left out")
            series.removeLast(series.count - 255)
        }

        var out = WritableChart(kind: Self.kind(chart), series: series, row: 0, column: 0, xOffset: 0, yOffset: 0, xScale: 1, yScale: 1)
        if let title = chart.title, !title.isEmpty {
            if title.hasPrefix("=") {
                warnings.append("\(label): its title starts with \"=\"; left out")
            } else {
                out.title = title
            }
        } else if let reference = chart.titleReference {
            if let parsed = Self.parseReference(reference, model: model) {
                out.title = "=" + reference
                out.titleCache = cache(parsed, labels: true)
            } else {
                warnings.append("\(label): its title (\(reference)) is not a range of cells; left out")
            }
        }
        out.titleOff = out.title == nil && chart.autoTitleDeleted
        func axisName(_ text: String?, _ which: String) -> String? {
            guard let text, !text.isEmpty else { return nil }
            guard !text.hasPrefix("=") else {
                warnings.append("\(label): the \(which) axis title starts with \"=\"; left out")
                return nil
            }
            return text
        }
        out.categoryAxisName = axisName(chart.categoryAxisTitle, "category")
        out.categoryLabels = switch chart.categoryLabelPosition {
        case "low": .low
        case "high": .high
        case "none": .none
        default: .nextTo
        }
        out.categoriesReversed = chart.categoriesReversed
        out.valueAxisName = axisName(chart.valueAxisTitle, "value")
        if let format = chart.valueAxisNumberFormat, !format.isEmpty {
            // libxlsxwriter keeps chart number formats in 128 bytes.
            if format.utf8.count < 128 { out.valueAxisNumberFormat = format } else {
                warnings.append("\(label): the value axis number format is longer than libxlsxwriter takes; left out")
            }
        }
        out.legend = switch chart.legendPosition {
        case nil: .none
        case "l": .left
        case "t": .top
        case "b": .bottom
        case "tr": .topRight
        default: .right
        }
        return out
    }

    static func kind(_ chart: ChartModel) -> WritableChart.Kind {
        let g = chart.grouping
        switch chart.kind {
        case .bar: return g == .stacked ? .barStacked : g == .percentStacked ? .barPercent : .bar
        case .column: return g == .stacked ? .columnStacked : g == .percentStacked ? .columnPercent : .column
        case .line: return g == .stacked ? .lineStacked : g == .percentStacked ? .linePercent : .line
        case .area: return g == .stacked ? .areaStacked : g == .percentStacked ? .areaPercent : .area
        case .pie: return .pie
        case .doughnut: return .doughnut
        case .scatter:
            switch chart.variant {
            case "line": return .scatterStraight
            case "smooth": return .scatterSmooth
            case "smoothMarker": return .scatterSmoothWithMarkers
            default: return .scatter  // "lineMarker" and "marker": Excel's plain scatter
            }
        case .radar:
            switch chart.variant {
            case "filled": return .radarFilled
            case "marker": return .radarWithMarkers
            default: return .radar
            }
        }
    }

    // MARK: - Placing

    /// Column widths in pixels as libxlsxwriter sizes them when it places a chart: the widths the
    /// sheet writer gives it (`SheetWriting.libraryColumnWidth`), hidden columns as zero.
    static func libraryColumns(_ sheet: WorksheetModel) -> PixelAxis {
        PixelAxis(defaultSize: 64, limit: Grid.columnCount, spans: sheet.columns.map { c in
            let width = c.width.map(SheetWriting.libraryColumnWidth) ?? 8.43
            let pixels = c.hidden || width == 0 ? 0 : width < 1 ? Int(width * 12 + 0.5) : Int(width * 7 + 0.5) + 5
            return (c.first, c.last, pixels)
        })
    }

    /// The chart's top-left cell, offsets and scales that make libxlsxwriter write the model's anchor:
    /// sizes measured in libxlsxwriter's own column widths and row heights, offsets kept inside
    /// their cells. An anchor too tall to measure within the row budget gets the default height.
    private mutating func place(_ chart: WritableChart, _ anchor: ChartModel.Anchor, columns: PixelAxis,
                                handle: Int, label: String) throws -> WritableChart {
        let emu = SheetPixelGeometry.emuPerPixel
        func pixels(_ offset: Int) -> Int { Int((Double(max(0, offset)) / Double(emu)).rounded()) }
        func inside(_ offset: Int, _ size: Int) -> Int { max(0, min(pixels(offset), size - 1)) }
        let fromColumn = Int(anchor.from.column), toColumn = max(fromColumn, Int(anchor.to.column))
        let fromRow = Int(anchor.from.row), toRow = max(fromRow, Int(anchor.to.row))

        let x1 = inside(anchor.fromOffset.x, columns.size(fromColumn))
        let x2 = inside(anchor.toOffset.x, columns.size(toColumn))
        let width = columns.start(toColumn) - columns.start(fromColumn) - x1 + x2

        var height: Int
        var y1 = 0
        if toRow - fromRow + 1 <= rowBudget {
            rowBudget -= toRow - fromRow + 1
            var sum = 0
            for r in fromRow..<toRow { sum += try native.rowPixels(handle, r) }
            y1 = inside(anchor.fromOffset.y, try native.rowPixels(handle, fromRow))
            let y2 = inside(anchor.toOffset.y, try native.rowPixels(handle, toRow))
            height = sum - y1 + y2
        } else {
            warnings.append("\(label) spans more rows than can be measured; written in libxlsxwriter's default size")
            height = Self.defaultSize.height
        }
        height = max(1, height)
        var placed = chart
        placed.row = fromRow
        placed.column = fromColumn
        placed.xOffset = x1
        placed.yOffset = y1
        placed.xScale = Self.scale(max(1, width), of: Self.defaultSize.width)
        placed.yScale = Self.scale(height, of: Self.defaultSize.height)
        return placed
    }

    /// `pixels / base`, nudged up until scaling `base` by it gives `pixels` back, so that a chart
    /// ending on a cell's edge is not a hair short of it.
    static func scale(_ pixels: Int, of base: Int) -> Double {
        var s = Double(pixels) / Double(base)
        while Double(base) * s < Double(pixels) { s = s.nextUp }
        return s
    }
}
