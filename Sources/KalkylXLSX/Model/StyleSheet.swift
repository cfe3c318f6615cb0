import Kalkyl

/// The workbook's styles (`xl/styles.xml`): number formats, fonts, fills, borders and the cell
/// formats (`cellXfs`) that cells refer to by index.
public struct StyleSheet: Sendable, Equatable {
    /// Custom number formats by id (ids below 164 are built in; see `NumberFormat.builtIn`).
    public var numberFormats: [Int: String] = [:]
    public var fonts: [Font] = [Font()]
    public var fills: [Fill] = [Fill(pattern: "none"), Fill(pattern: "gray125")]
    public var borders: [Border] = [Border()]
    /// `cellXfs`: the formats cells use (`s="…"`).
    public var cellFormats: [CellFormat] = [CellFormat()]
    /// `cellStyleXfs`: the formats of named styles.
    public var cellStyleFormats: [CellFormat] = [CellFormat()]
    public var cellStyles: [NamedCellStyle] = []
    /// `dxfs`: the partial formats conditional formats and tables apply.
    public var differentialFormats: [DifferentialFormat] = []
    /// A replacement for the 64-colour legacy palette, when the workbook has one.
    public var indexedColors: [UInt32]?
    /// The theme's colour scheme in file order: dk1, lt1, dk2, lt2, accent1…6, hlink, folHlink.
    public var themeColors: [UInt32] = []

    public init() {}

    /// The format code of a cell format ("General" for id 0).
    public func numberFormatCode(forCellFormat index: Int) -> String {
        let id = index < cellFormats.count ? cellFormats[index].numberFormatId : 0
        return numberFormatCode(id: id)
    }

    public func numberFormatCode(id: Int) -> String {
        numberFormats[id] ?? NumberFormat.builtIn[id] ?? "General"
    }

    /// Whether cells with this cell format show dates or times.
    public func isDateFormat(cellFormat index: Int) -> Bool {
        guard index < cellFormats.count else { return false }
        let id = cellFormats[index].numberFormatId
        return NumberFormat.isDate(id: id, code: numberFormats[id])
    }
}

/// A colour as a style refers to it.
public enum ColorReference: Sendable, Equatable {
    /// ARGB, e.g. 0xFF1F4E79.
    case rgb(UInt32)
    case theme(Int, tint: Double)
    case indexed(Int)
    case automatic
}

public struct Font: Sendable, Equatable {
    public enum Underline: String, Sendable { case single, double, singleAccounting, doubleAccounting }
    public enum VerticalAlignment: String, Sendable { case superscript, `subscript`, baseline }
    public var name: String?
    public var size: Double?
    public var bold = false
    public var italic = false
    public var underline: Underline?
    public var strikethrough = false
    public var color: ColorReference?
    public var verticalAlignment: VerticalAlignment?
    public var family: Int?
    public var scheme: String?
    public init() {}
}

public struct Fill: Sendable, Equatable {
    /// `none`, `solid`, `gray125`, `darkGrid`, … (`patternFill patternType`); `gradient` for gradient fills.
    public var pattern: String
    public var foreground: ColorReference?
    public var background: ColorReference?
    public init(pattern: String, foreground: ColorReference? = nil, background: ColorReference? = nil) {
        self.pattern = pattern
        self.foreground = foreground
        self.background = background
    }
}

public struct Border: Sendable, Equatable {
    public struct Edge: Sendable, Equatable {
        /// `thin`, `medium`, `thick`, `double`, `dashed`, `dotted`, `hair`, …
        public var style: String
        public var color: ColorReference?
        /// Public so that templates built in code can draw lines (sum rows, header underlines).
        public init(style: String, color: ColorReference? = nil) {
            self.style = style
            self.color = color
        }
    }
    public var left: Edge?
    public var right: Edge?
    public var top: Edge?
    public var bottom: Edge?
    public var diagonal: Edge?
    public var diagonalUp = false
    public var diagonalDown = false
    public init() {}
}

public struct Alignment: Sendable, Equatable {
    public var horizontal: String?
    public var vertical: String?
    public var wrapText = false
    public var shrinkToFit = false
    public var indent = 0
    public var textRotation = 0
    public init() {}
}

public struct Protection: Sendable, Equatable {
    public var locked = true
    public var hidden = false
    public init() {}
}

/// One `xf` entry: which number format, font, fill and border a cell uses, and its alignment.
public struct CellFormat: Sendable, Equatable {
    public var numberFormatId = 0
    public var fontId = 0
    public var fillId = 0
    public var borderId = 0
    /// The named style (`cellStyleXfs` index) this format is based on.
    public var styleFormatId: Int?
    public var alignment: Alignment?
    public var protection: Protection?
    public var quotePrefix = false
    public init() {}
}

public struct NamedCellStyle: Sendable, Equatable {
    public var name: String
    public var formatId: Int
    public var builtinId: Int?
}

/// A partial format (`dxf`) that a conditional format or table style applies on top of a cell's.
public struct DifferentialFormat: Sendable, Equatable {
    public var font: Font?
    public var fill: Fill?
    public var border: Border?
    public var numberFormat: String?
    public init() {}
}
