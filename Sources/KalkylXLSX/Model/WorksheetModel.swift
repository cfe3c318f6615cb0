import Kalkyl

/// One sheet of a workbook: its cells and formulas and how it is laid out.
public struct WorksheetModel: Sendable {
    public enum Kind: String, Sendable { case worksheet, chartsheet, dialogsheet, macrosheet }
    public enum Visibility: String, Sendable { case visible, hidden, veryHidden }

    public var name: String
    public var kind: Kind = .worksheet
    public var visibility: Visibility = .visible
    /// The zip part it was read from (e.g. `xl/worksheets/sheet1.xml`), for messages.
    public var part: String = ""

    public var cells: CellStore
    /// Formula cells in row-major order.
    public internal(set) var formulas: [CellFormula] = []
    /// Shared-formula groups by their `si`: the master's text, stored once.
    public internal(set) var sharedFormulas: [Int: SharedFormula] = [:]

    public var mergedRanges: [CellRange] = []
    public var columns: [ColumnFormat] = []
    public var rows: [RowFormat] = []
    public var defaultRowHeight: Double?
    public var defaultColumnWidth: Double?
    public var view = SheetView()
    public var tabColor: ColorReference?
    public var pageSetup = PageSetup()
    public var tables: [TableModel] = []
    /// The sheet's own filter range (`<autoFilter ref>`); rows hidden inside it are filtered out.
    public var autoFilterRange: CellRange?
    /// The `<dimension>` the file declares; informational only, never trusted.
    public var declaredDimension: CellRange?
    /// Conditional formats (`<conditionalFormatting>`), in file order.
    public var conditionalFormats: [ConditionalFormat] = []
    /// Data validations (`<dataValidation>`), in file order.
    public var dataValidations: [DataValidation] = []
    /// Cell notes (legacy comments, `xl/comments*.xml`), in row-major order.
    public var notes: [CellNote] = []
    /// Hyperlinks (`<hyperlink>`), in file order.
    public var hyperlinks: [Hyperlink] = []
    /// Charts drawn on the sheet (`xl/drawings/…` → `xl/charts/…`).
    public var charts: [ChartModel] = []

    public init(name: String, sharedStrings: StringTable = StringTable([])) {
        self.name = name
        self.cells = CellStore(sharedStrings: sharedStrings)
    }

    public func value(at address: CellAddress) -> CellValue { cells.value(at: address) }

    public func value(at a1: String) -> CellValue {
        guard let address = CellAddress(a1: a1) else { return .empty }
        return cells.value(at: address)
    }

    public func formula(at address: CellAddress) -> CellFormula? {
        var low = 0, high = formulas.count - 1
        while low <= high {
            let mid = (low + high) / 2
            if formulas[mid].address == address { return formulas[mid] }
            if formulas[mid].address < address { low = mid + 1 } else { high = mid - 1 }
        }
        return nil
    }

    /// The formula text (without "=") as the cell reads in Excel: a shared formula's follower is its
    /// master's formula moved to the follower's cell.
    public func formulaText(of formula: CellFormula) -> String? {
        switch formula.kind {
        case .normal(let text), .array(_, let text, _): return text
        case .shared(let group):
            guard let master = sharedFormulas[group] else { return nil }
            return FormulaTranslator.translate(
                master.text,
                rows: Int(formula.address.row - master.anchor.row),
                columns: Int(formula.address.column - master.anchor.column))
        case .dataTable: return nil
        }
    }

    public func formulaText(at a1: String) -> String? {
        guard let address = CellAddress(a1: a1), let f = formula(at: address) else { return nil }
        return formulaText(of: f)
    }
}

/// A formula as stored in a cell.
public struct CellFormula: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case normal(String)
        /// A member of a shared-formula group (`t="shared"`), master or follower.
        case shared(group: Int)
        /// A legacy array formula (CSE) or a dynamic array, over `range`, entered in its top-left cell.
        case array(range: CellRange, text: String, isDynamic: Bool)
        /// A what-if data table (`t="dataTable"`); Excel computes these itself, outside formulas.
        case dataTable(range: CellRange?)
    }

    public var address: CellAddress
    public var kind: Kind
    /// `ca="1"`: Excel calculates this cell on every recalculation.
    public var alwaysCalculate: Bool = false
}

/// The text of a shared-formula group and the cell it is written for.
public struct SharedFormula: Sendable, Equatable {
    public var anchor: CellAddress
    public var text: String
    public var range: CellRange?
}

/// Width and visibility of a span of columns (`<col min max>`).
public struct ColumnFormat: Sendable, Equatable {
    /// Zero-based, inclusive.
    public var first: Int
    public var last: Int
    /// In characters of the default font, as Excel stores it.
    public var width: Double?
    public var hidden = false
    public var customWidth = false
    public var style: Int?
    public var outlineLevel = 0
}

/// Height and visibility of one row, stored only for rows that differ from the default.
public struct RowFormat: Sendable, Equatable {
    public var row: Int
    /// In points.
    public var height: Double?
    public var hidden = false
    public var customHeight = false
    public var style: Int?
    public var outlineLevel = 0
}

public struct SheetView: Sendable, Equatable {
    /// Rows and columns frozen at the top and left (a pane with `state="frozen"`).
    public var frozenRows = 0
    public var frozenColumns = 0
    /// The first cell shown in the scrolling pane.
    public var topLeftCell: CellAddress?
    public var zoom: Int?
    public var showGridLines = true
    public var isSelected = false
    public var rightToLeft = false
}

public struct PageSetup: Sendable, Equatable {
    public enum Orientation: String, Sendable { case portrait, landscape }
    public var orientation: Orientation?
    public var paperSize: Int?
    public var scale: Int?
    /// `sheetPr/pageSetUpPr fitToPage`: use fitToWidth/fitToHeight instead of scale.
    public var fitToPage = false
    public var fitToWidth: Int?
    public var fitToHeight: Int?
    public var printGridLines = false
    public var centerHorizontally = false
    public var centerVertically = false
    /// Left, right, top, bottom, header, footer, in inches.
    public var margins: [Double]?
    public var header: String?
    public var footer: String?
}

/// A conditional format: rules over one or more ranges (`<conditionalFormatting sqref>`).
public struct ConditionalFormat: Sendable, Equatable {
    public var ranges: [CellRange]
    public var rules: [ConditionalRule]

    public init(ranges: [CellRange], rules: [ConditionalRule] = []) {
        self.ranges = ranges
        self.rules = rules
    }
}

/// One `<cfRule>`.
public struct ConditionalRule: Sendable, Equatable {
    /// `cellIs`, `expression`, `colorScale`, `dataBar`, `top10`, `containsText`, …
    public var type: String
    /// For `cellIs`: `equal`, `greaterThan`, `between`, …
    public var `operator`: String?
    /// The rule's formulas (without "="), as in the file.
    public var formulas: [String]
    /// Index into `StyleSheet.differentialFormats` (`dxfId`).
    public var differentialFormat: Int?
    public var priority: Int?
    public var stopIfTrue: Bool

    public init(type: String, operator: String? = nil, formulas: [String] = [], differentialFormat: Int? = nil,
                priority: Int? = nil, stopIfTrue: Bool = false) {
        self.type = type
        self.operator = `operator`
        self.formulas = formulas
        self.differentialFormat = differentialFormat
        self.priority = priority
        self.stopIfTrue = stopIfTrue
    }
}

/// A data validation over one or more ranges (`<dataValidation sqref>`).
public struct DataValidation: Sendable, Equatable {
    public var ranges: [CellRange]
    /// `none`, `whole`, `decimal`, `list`, `date`, `time`, `textLength`, `custom`.
    public var type: String
    /// `between` (the default), `notBetween`, `equal`, `greaterThan`, …
    public var `operator`: String?
    public var formula1: String?
    public var formula2: String?
    public var allowBlank = false
    public var showInputMessage = false
    public var showErrorMessage = false
    /// `showDropDown="1"` in the file means the list's arrow is hidden.
    public var hideDropDown = false
    /// `stop` (the default), `warning`, `information`.
    public var errorStyle: String?
    public var promptTitle: String?
    public var prompt: String?
    public var errorTitle: String?
    public var error: String?

    public init(ranges: [CellRange], type: String) {
        self.ranges = ranges
        self.type = type
    }
}

/// A note on a cell (what Excel calls a note, formerly a comment).
public struct CellNote: Sendable, Equatable {
    public var address: CellAddress
    /// The note's text, runs joined, without the author line Excel puts first when it is bold.
    public var text: String
    public var author: String?

    public init(address: CellAddress, text: String, author: String? = nil) {
        self.address = address
        self.text = text
        self.author = author
    }
}

/// A hyperlink on a cell or range: to a URL (or file) or to a place in the workbook.
public struct Hyperlink: Sendable, Equatable {
    public var range: CellRange
    /// External target (`https://…`, `mailto:…`, a file path), from the sheet's relationships.
    public var url: String?
    /// A place in the workbook, e.g. `'Data'!A1` or a defined name (`location`).
    public var location: String?
    public var display: String?
    public var tooltip: String?

    public init(range: CellRange, url: String? = nil, location: String? = nil, display: String? = nil, tooltip: String? = nil) {
        self.range = range
        self.url = url
        self.location = location
        self.display = display
        self.tooltip = tooltip
    }
}
