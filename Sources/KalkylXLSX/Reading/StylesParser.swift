/// `xl/styles.xml`: number formats, fonts, fills, borders, cell formats and differential formats.
final class StylesParser: XMLContentHandler {
    private(set) var styles = StyleSheet()

    private enum Section { case none, fonts, fills, borders, cellStyleXfs, cellXfs, dxfs, colors }
    private var section = Section.none
    private var font: Font?
    private var fill: Fill?
    private var border: Border?
    private var borderEdge: (name: String, edge: Border.Edge)?
    private var format: CellFormat?
    private var dxf: DifferentialFormat?
    private var dxfNumberFormat: String?
    private var inFillColorTarget: String?  // "fgColor" / "bgColor"
    private var indexedColors: [UInt32] = []
    private var extensionDepth = 0

    init() {
        styles.fonts = []
        styles.fills = []
        styles.borders = []
        styles.cellFormats = []
        styles.cellStyleFormats = []
    }

    func startElement(_ tag: XMLStartTag, at parser: XMLStreamParser) throws {
        let name = tag.name
        if name.is("extLst") { extensionDepth += 1 }
        guard extensionDepth == 0 else { return }

        if name.is("numFmt") {
            guard let id = tag.attribute("numFmtId")?.int, let code = tag["formatCode"] else { return }
            if dxf != nil { dxfNumberFormat = code } else { styles.numberFormats[id] = code }
        } else if name.is("fonts") { section = .fonts
        } else if name.is("fills") { section = .fills
        } else if name.is("borders") { section = .borders
        } else if name.is("cellStyleXfs") { section = .cellStyleXfs
        } else if name.is("cellXfs") { section = .cellXfs
        } else if name.is("dxfs") { section = .dxfs
        } else if name.is("colors") { section = .colors
        } else if name.is("dxf") {
            dxf = DifferentialFormat()
            dxfNumberFormat = nil
        } else if name.is("font") {
            font = Font()
        } else if font != nil {
            readFontProperty(tag)
        } else if name.is("fill") {
            fill = Fill(pattern: "none")
        } else if name.is("patternFill") {
            fill?.pattern = tag["patternType"] ?? (dxf != nil ? "solid" : "none")
        } else if name.is("gradientFill") {
            fill?.pattern = "gradient"
        } else if name.is("fgColor") || name.is("bgColor") {
            if fill?.pattern != "gradient" {
                let color = Self.color(tag)
                if name.is("fgColor") { fill?.foreground = color } else { fill?.background = color }
            }
        } else if name.is("border") {
            var b = Border()
            b.diagonalUp = tag.attribute("diagonalUp")?.bool ?? false
            b.diagonalDown = tag.attribute("diagonalDown")?.bool ?? false
            border = b
        } else if border != nil, let edgeName = Self.edgeName(name) {
            if let style = tag["style"], style != "none" {
                borderEdge = (edgeName, Border.Edge(style: style, color: nil))
            }
        } else if border != nil, name.is("color") {
            borderEdge?.edge.color = Self.color(tag)
        } else if name.is("xf") {
            var f = CellFormat()
            f.numberFormatId = tag.attribute("numFmtId")?.int ?? 0
            f.fontId = tag.attribute("fontId")?.int ?? 0
            f.fillId = tag.attribute("fillId")?.int ?? 0
            f.borderId = tag.attribute("borderId")?.int ?? 0
            f.styleFormatId = tag.attribute("xfId")?.int
            f.quotePrefix = tag.attribute("quotePrefix")?.bool ?? false
            format = f
        } else if name.is("alignment") {
            var a = Alignment()
            a.horizontal = tag["horizontal"]
            a.vertical = tag["vertical"]
            a.wrapText = tag.attribute("wrapText")?.bool ?? false
            a.shrinkToFit = tag.attribute("shrinkToFit")?.bool ?? false
            a.indent = tag.attribute("indent")?.int ?? 0
            a.textRotation = tag.attribute("textRotation")?.int ?? 0
            format?.alignment = a
        } else if name.is("protection") {
            var p = Protection()
            p.locked = tag.attribute("locked")?.bool ?? true
            p.hidden = tag.attribute("hidden")?.bool ?? false
            format?.protection = p
        } else if name.is("cellStyle") {
            styles.cellStyles.append(NamedCellStyle(
                name: tag["name"] ?? "", formatId: tag.attribute("xfId")?.int ?? 0, builtinId: tag.attribute("builtinId")?.int))
        } else if name.is("rgbColor"), section == .colors {
            if let rgb = tag["rgb"].flatMap({ UInt32($0, radix: 16) }) { indexedColors.append(rgb) }
        }
    }

    private func readFontProperty(_ tag: XMLStartTag) {
        let name = tag.name
        let on = tag.attribute("val")?.bool ?? true
        if name.is("b") { font?.bold = on
        } else if name.is("i") { font?.italic = on
        } else if name.is("strike") { font?.strikethrough = on
        } else if name.is("u") {
            let value = tag["val"] ?? "single"
            font?.underline = value == "none" ? nil : Font.Underline(rawValue: value) ?? .single
        } else if name.is("sz") { font?.size = tag.attribute("val")?.double
        } else if name.is("name") || name.is("rFont") { font?.name = tag["val"]
        } else if name.is("color") { font?.color = Self.color(tag)
        } else if name.is("vertAlign") { font?.verticalAlignment = tag["val"].flatMap(Font.VerticalAlignment.init(rawValue:))
        } else if name.is("family") { font?.family = tag.attribute("val")?.int
        } else if name.is("scheme") { font?.scheme = tag["val"]
        }
    }

    func endElement(_ name: XMLName, at parser: XMLStreamParser) throws {
        if name.is("extLst") { extensionDepth -= 1; return }
        guard extensionDepth == 0 else { return }
        if name.is("font"), let f = font {
            if dxf != nil { dxf?.font = f } else { styles.fonts.append(f) }
            font = nil
        } else if name.is("fill"), let f = fill {
            if dxf != nil { dxf?.fill = f } else { styles.fills.append(f) }
            fill = nil
        } else if name.is("border"), let b = border {
            if dxf != nil { dxf?.border = b } else { styles.borders.append(b) }
            border = nil
        } else if let edgeName = Self.edgeName(name), let edge = borderEdge, edge.name == edgeName {
            switch edgeName {
            case "left": border?.left = edge.edge
            case "right": border?.right = edge.edge
            case "top": border?.top = edge.edge
            case "bottom": border?.bottom = edge.edge
            default: border?.diagonal = edge.edge
            }
            borderEdge = nil
        } else if name.is("xf"), let f = format {
            if section == .cellXfs { styles.cellFormats.append(f) } else if section == .cellStyleXfs { styles.cellStyleFormats.append(f) }
            format = nil
        } else if name.is("dxf"), var d = dxf {
            d.numberFormat = dxfNumberFormat
            styles.differentialFormats.append(d)
            dxf = nil
        } else if name.is("fonts") || name.is("fills") || name.is("borders") || name.is("cellXfs")
                    || name.is("cellStyleXfs") || name.is("dxfs") || name.is("colors") {
            section = .none
        } else if name.is("styleSheet") {
            if !indexedColors.isEmpty { styles.indexedColors = indexedColors }
            // A styles part without these lists still needs their default first entries.
            if styles.fonts.isEmpty { styles.fonts = [Font()] }
            if styles.fills.isEmpty { styles.fills = [Fill(pattern: "none"), Fill(pattern: "gray125")] }
            if styles.borders.isEmpty { styles.borders = [Border()] }
            if styles.cellFormats.isEmpty { styles.cellFormats = [CellFormat()] }
            if styles.cellStyleFormats.isEmpty { styles.cellStyleFormats = [CellFormat()] }
        }
    }

    func characters(_ text: XMLText) {}

    private static func edgeName(_ name: XMLName) -> String? {
        if name.is("left") || name.is("start") { return "left" }
        if name.is("right") || name.is("end") { return "right" }
        if name.is("top") { return "top" }
        if name.is("bottom") { return "bottom" }
        if name.is("diagonal") { return "diagonal" }
        return nil
    }

    static func color(_ tag: XMLStartTag) -> ColorReference? {
        if let rgb = tag["rgb"], let value = UInt32(rgb.count == 6 ? "FF" + rgb : rgb, radix: 16) {
            return .rgb(value)
        }
        if let theme = tag.attribute("theme")?.int { return .theme(theme, tint: tag.attribute("tint")?.double ?? 0) }
        if let indexed = tag.attribute("indexed")?.int { return .indexed(indexed) }
        if tag.attribute("auto")?.bool == true { return .automatic }
        return nil
    }
}

/// `xl/theme/theme1.xml`: the colour scheme that theme colours refer to.
final class ThemeParser: XMLContentHandler {
    private(set) var colors: [UInt32] = []
    private var inScheme = false
    private var depth = 0

    func startElement(_ tag: XMLStartTag, at parser: XMLStreamParser) throws {
        if tag.name.is("clrScheme") { inScheme = true; depth = 0; return }
        guard inScheme else { return }
        depth += 1
        if depth == 2 {
            if tag.name.is("srgbClr"), let v = tag["val"].flatMap({ UInt32($0, radix: 16) }) {
                colors.append(0xFF00_0000 | v)
            } else if tag.name.is("sysClr") {
                colors.append(0xFF00_0000 | (tag["lastClr"].flatMap { UInt32($0, radix: 16) } ?? 0))
            }
        }
    }

    func endElement(_ name: XMLName, at parser: XMLStreamParser) throws {
        if name.is("clrScheme") { inScheme = false; return }
        if inScheme { depth -= 1 }
    }

    func characters(_ text: XMLText) {}
}
