import Kalkyl

/// A cell format as the writer hands it to libxlsxwriter: plain values with colours resolved to
/// RGB, so equal formats compare equal however the workbook spelled them (a theme colour and its
/// RGB, two identical `xf` entries). One libxlsxwriter format is made per distinct spec.
struct FormatSpec: Hashable {
    struct Edge: Hashable {
        var style: String
        var color: UInt32?
    }
    enum Underline: Hashable { case single, double, singleAccounting, doubleAccounting }
    enum Script: Hashable { case superscript, `subscript`, baseline }

    /// A built-in format id (0–163), or nil with a code.
    var numberFormatIndex: Int?
    var numberFormatCode: String?

    var fontName: String?
    var fontSize: Double?
    var bold = false
    var italic = false
    var strikethrough = false
    var underline: Underline?
    var script: Script?
    var fontColor: UInt32?

    var pattern: String?
    var patternForeground: UInt32?
    var patternBackground: UInt32?

    var left: Edge?
    var right: Edge?
    var top: Edge?
    var bottom: Edge?
    var diagonal: Edge?
    var diagonalUp = false
    var diagonalDown = false

    var horizontal: String?
    var vertical: String?
    var wrap = false
    var shrink = false
    var indent = 0
    /// libxlsxwriter's angle: −90…90, or 270 for stacked text.
    var rotation = 0

    var locked = true
    var hidden = false
}

/// Maps the read workbook's styles to `FormatSpec`s.
struct FormatMapper {
    let styles: StyleSheet
    /// libxlsxwriter's own default cell format (Calibri 11), which needs no format object.
    static let libraryDefault: FormatSpec = {
        var s = FormatSpec()
        s.fontName = "Calibri"
        s.fontSize = 11
        return s
    }()
    /// Number format codes libxlsxwriter cannot hold (over 127 bytes), by placeholder.
    private(set) var longNumberFormats: [String: String] = [:]

    init(styles: StyleSheet) { self.styles = styles }

    /// The spec of `cellXfs[index]`, or nil when it is libxlsxwriter's default.
    mutating func spec(cellFormat index: Int) -> FormatSpec? {
        let xf = index >= 0 && index < styles.cellFormats.count ? styles.cellFormats[index] : CellFormat()
        var s = FormatSpec()
        setNumberFormat(&s, id: xf.numberFormatId)
        let font = xf.fontId >= 0 && xf.fontId < styles.fonts.count ? styles.fonts[xf.fontId] : Font()
        apply(font, to: &s)
        if xf.fillId >= 0 && xf.fillId < styles.fills.count {
            apply(styles.fills[xf.fillId], to: &s, differential: false)
        }
        if xf.borderId >= 0 && xf.borderId < styles.borders.count {
            apply(styles.borders[xf.borderId], to: &s)
        }
        if let a = xf.alignment {
            s.horizontal = a.horizontal == "general" ? nil : a.horizontal
            s.vertical = a.vertical == "bottom" ? nil : a.vertical
            s.wrap = a.wrapText
            s.shrink = a.shrinkToFit
            s.indent = max(0, min(a.indent, 250))
            s.rotation = Self.rotation(a.textRotation)
        }
        if let p = xf.protection {
            s.locked = p.locked
            s.hidden = p.hidden
        }
        return s == Self.libraryDefault ? nil : s
    }

    /// The spec of a differential format (conditional formats): only what it sets.
    mutating func spec(differential d: DifferentialFormat) -> FormatSpec {
        var s = FormatSpec()
        if let code = d.numberFormat { s.numberFormatCode = passableCode(code) }
        if let font = d.font {
            s.bold = font.bold
            s.italic = font.italic
            s.strikethrough = font.strikethrough
            s.underline = font.underline.map(Self.underline)
            s.fontColor = font.color.flatMap(resolve)
        }
        if let fill = d.fill { apply(fill, to: &s, differential: true) }
        if let border = d.border { apply(border, to: &s) }
        return s
    }

    private mutating func setNumberFormat(_ s: inout FormatSpec, id: Int) {
        if let code = styles.numberFormats[id] {
            if let builtIn = NumberFormat.builtIn[id], builtIn == code {
                s.numberFormatIndex = id
            } else if code == "General" {
                s.numberFormatIndex = nil
            } else {
                s.numberFormatCode = passableCode(code)
            }
        } else if id > 0 && id < 164 {
            // A built-in id without a code in the file: keep the id (locale-dependent formats too).
            s.numberFormatIndex = id
        }
    }

    /// The code to give libxlsxwriter: itself, or a short placeholder the package pass replaces.
    private mutating func passableCode(_ code: String) -> String {
        guard code.utf8.count > 120 else { return code }
        if let existing = longNumberFormats.first(where: { $0.value == code })?.key { return existing }
        let placeholder = "\"kalkyl-format-\(longNumberFormats.count)\"0"
        longNumberFormats[placeholder] = code
        return placeholder
    }

    private func apply(_ font: Font, to s: inout FormatSpec) {
        if let name = font.name, !name.isEmpty, name.utf8.count <= 100 { s.fontName = name }
        if let size = font.size, size >= 1, size <= 409 { s.fontSize = size }
        s.bold = font.bold
        s.italic = font.italic
        s.strikethrough = font.strikethrough
        s.underline = font.underline.map(Self.underline)
        switch font.verticalAlignment {
        case .superscript: s.script = .superscript
        case .subscript: s.script = .subscript
        default: break
        }
        if let c = font.color.flatMap(resolve), c & 0xFF_FFFF != 0 { s.fontColor = c & 0xFF_FFFF }
    }

    private func apply(_ fill: Fill, to s: inout FormatSpec, differential: Bool) {
        guard fill.pattern != "none", fill.pattern != "gradient" else { return }
        s.pattern = fill.pattern
        if fill.pattern == "solid" && differential {
            // A differential format's solid fill is its bgColor (Excel's convention, and the only
            // one LibreOffice reads); libxlsxwriter writes a dxf's bg colour there.
            s.patternBackground = (fill.background ?? fill.foreground).flatMap(resolve)
        } else if fill.pattern == "solid" {
            // A solid fill shows its foreground colour; libxlsxwriter writes fg for a solid pattern.
            s.patternForeground = (fill.foreground ?? fill.background).flatMap(resolve)
        } else {
            s.patternForeground = fill.foreground.flatMap(resolve)
            s.patternBackground = fill.background.flatMap(resolve)
        }
    }

    private func apply(_ border: Border, to s: inout FormatSpec) {
        func edge(_ e: Border.Edge?) -> FormatSpec.Edge? {
            guard let e, e.style != "none" else { return nil }
            return FormatSpec.Edge(style: e.style, color: e.color.flatMap(resolve))
        }
        s.left = edge(border.left)
        s.right = edge(border.right)
        s.top = edge(border.top)
        s.bottom = edge(border.bottom)
        s.diagonal = edge(border.diagonal)
        s.diagonalUp = border.diagonalUp
        s.diagonalDown = border.diagonalDown
    }

    private static func underline(_ u: Font.Underline) -> FormatSpec.Underline {
        switch u {
        case .single: .single
        case .double: .double
        case .singleAccounting: .singleAccounting
        case .doubleAccounting: .doubleAccounting
        }
    }

    /// File rotation (0–90 up, 91–180 down, 255 stacked) to libxlsxwriter's angle.
    static func rotation(_ value: Int) -> Int {
        switch value {
        case 1...90: value
        case 91...180: -(value - 90)
        case 255: 270
        default: 0
        }
    }

    // MARK: - Colours

    /// A colour reference resolved to RGB (0xRRGGBB); nil for automatic.
    func resolve(_ c: ColorReference) -> UInt32? {
        switch c {
        case .rgb(let argb): return argb & 0xFF_FFFF
        case .automatic: return nil
        case .indexed(let i):
            if i == 64 { return nil }  // system foreground: automatic
            if i == 65 { return 0xFF_FFFF }
            let palette = styles.indexedColors ?? Self.defaultPalette
            guard i >= 0 && i < palette.count else { return nil }
            return palette[i] & 0xFF_FFFF
        case .theme(let i, let tint):
            let scheme = styles.themeColors.count >= 12 ? styles.themeColors.map { $0 & 0xFF_FFFF } : Self.officeTheme
            // Theme indexes 0–3 are lt1, dk1, lt2, dk2: the scheme's first pairs swapped.
            let order = [1, 0, 3, 2, 4, 5, 6, 7, 8, 9, 10, 11]
            guard i >= 0 && i < order.count else { return nil }
            return Self.applyTint(scheme[order[i]], tint)
        }
    }

    /// Excel's tint: luminance (HSL) scaled toward black (tint < 0) or white (tint > 0).
    static func applyTint(_ rgb: UInt32, _ tint: Double) -> UInt32 {
        guard tint != 0, tint.isFinite else { return rgb }
        let r = Double((rgb >> 16) & 0xFF) / 255, g = Double((rgb >> 8) & 0xFF) / 255, b = Double(rgb & 0xFF) / 255
        let maxC = max(r, g, b), minC = min(r, g, b)
        var l = (maxC + minC) / 2
        var h = 0.0, s = 0.0
        if maxC != minC {
            let d = maxC - minC
            s = l > 0.5 ? d / (2 - maxC - minC) : d / (maxC + minC)
            if maxC == r { h = (g - b) / d + (g < b ? 6 : 0) } else if maxC == g { h = (b - r) / d + 2 } else { h = (r - g) / d + 4 }
            h /= 6
        }
        let t = max(-1, min(1, tint))
        l = t < 0 ? l * (1 + t) : l * (1 - t) + t
        func hue(_ p: Double, _ q: Double, _ t0: Double) -> Double {
            var t = t0
            if t < 0 { t += 1 }
            if t > 1 { t -= 1 }
            if t < 1.0 / 6 { return p + (q - p) * 6 * t }
            if t < 1.0 / 2 { return q }
            if t < 2.0 / 3 { return p + (q - p) * (2.0 / 3 - t) * 6 }
            return p
        }
        let (nr, ng, nb): (Double, Double, Double)
        if s == 0 {
            (nr, ng, nb) = (l, l, l)
        } else {
            let q = l < 0.5 ? l * (1 + s) : l + s - l * s
            let p = 2 * l - q
            (nr, ng, nb) = (hue(p, q, h + 1.0 / 3), hue(p, q, h), hue(p, q, h - 1.0 / 3))
        }
        func byte(_ v: Double) -> UInt32 { UInt32(max(0, min(255, (v * 255).rounded()))) }
        return byte(nr) << 16 | byte(ng) << 8 | byte(nb)
    }

    /// The Office 2007–2013 theme (dk1, lt1, dk2, lt2, accent1–6, hlink, folHlink), for workbooks without a theme part.
    static let officeTheme: [UInt32] = [
        0x000000, 0xFFFFFF, 0x1F497D, 0xEEECE1, 0x4F81BD, 0xC0504D, 0x9BBB59, 0x8064A2, 0x4BACC6, 0xF79646, 0x0000FF, 0x800080,
    ]

    /// Excel's default 64-colour legacy palette.
    static let defaultPalette: [UInt32] = [
        0x000000, 0xFFFFFF, 0xFF0000, 0x00FF00, 0x0000FF, 0xFFFF00, 0xFF00FF, 0x00FFFF,
        0x000000, 0xFFFFFF, 0xFF0000, 0x00FF00, 0x0000FF, 0xFFFF00, 0xFF00FF, 0x00FFFF,
        0x800000, 0x008000, 0x000080, 0x808000, 0x800080, 0x008080, 0xC0C0C0, 0x808080,
        0x9999FF, 0x993366, 0xFFFFCC, 0xCCFFFF, 0x660066, 0xFF8080, 0x0066CC, 0xCCCCFF,
        0x000080, 0xFF00FF, 0xFFFF00, 0x00FFFF, 0x800080, 0x800000, 0x008080, 0x0000FF,
        0x00CCFF, 0xCCFFFF, 0xCCFFCC, 0xFFFF99, 0x99CCFF, 0xFF99CC, 0xCC99FF, 0xFFCC99,
        0x3366FF, 0x33CCCC, 0x99CC00, 0xFFCC00, 0xFF9900, 0xFF6600, 0x666699, 0x969696,
        0x003366, 0x339966, 0x003300, 0x333300, 0x993300, 0x993366, 0x333399, 0x333333,
    ]
}
