import Kalkyl

/// A workbook as read from an .xlsx file: everything the engine needs to calculate it and
/// everything the writer needs to write it back looking the same. It knows nothing of XML.
public struct WorkbookModel: Sendable {
    public var sheets: [WorksheetModel] = []
    public var definedNames: [DefinedName] = []
    public var styles = StyleSheet()
    public var properties = WorkbookProperties()
    /// Problems Excel would open the file despite (it repairs or ignores them).
    public var warnings: [XLSXWarning] = []

    public init() {}

    public func sheet(named name: String) -> WorksheetModel? {
        sheets.first { $0.name.caseInsensitiveEquals(name) }
    }

    public func sheetIndex(named name: String) -> Int? {
        sheets.firstIndex { $0.name.caseInsensitiveEquals(name) }
    }

    public var tables: [TableModel] { sheets.flatMap(\.tables) }
}

public struct WorkbookProperties: Sendable, Equatable {
    /// Dates count from 1904-01-01 (old Mac Excel) instead of 1900-01-00.
    public var date1904 = false
    public var calculation = CalculationProperties()
    /// `docProps/app.xml` Application, e.g. "Microsoft Excel".
    public var application: String?
    public var title: String?
    public var creator: String?
    public var company: String?

    public init() {}
}

/// The workbook's `calcPr`: how Excel is asked to calculate it.
public struct CalculationProperties: Sendable, Equatable {
    public enum Mode: String, Sendable { case automatic = "auto", manual, automaticNoTable = "autoNoTable" }
    public var calcId: Int?
    public var mode: Mode = .automatic
    public var fullCalcOnLoad = false
    /// Iterative calculation of circular references.
    public var iterate = false
    public var iterateCount = 100
    public var iterateDelta = 0.001

    public init() {}
}

/// A name defined in the workbook, for the whole workbook or for one sheet.
public struct DefinedName: Sendable, Equatable {
    public var name: String
    /// Index into `WorkbookModel.sheets` for a sheet-scoped name (`localSheetId`), nil for the workbook.
    public var sheetScope: Int?
    /// The definition, formula text without "=" (e.g. `Blad1!$B$2`, `0.25`, `SUM(Data!A:A)`).
    public var formula: String
    public var hidden: Bool
    public var comment: String?

    public init(name: String, sheetScope: Int? = nil, formula: String, hidden: Bool = false, comment: String? = nil) {
        self.name = name
        self.sheetScope = sheetScope
        self.formula = formula
        self.hidden = hidden
        self.comment = comment
    }

    /// Built-in names such as `_xlnm.Print_Area` and `_xlnm._FilterDatabase`.
    public var isBuiltIn: Bool { name.hasPrefix("_xlnm.") }
}

/// An Excel table (ListObject): a named range with a header row whose column names structured
/// references (`Tabell1[Belopp]`) resolve against.
public struct TableModel: Sendable, Equatable {
    public struct Column: Sendable, Equatable {
        public var name: String
        public var totalsRowFunction: String?
        public var totalsRowLabel: String?
        public var calculatedColumnFormula: String?
    }

    public var name: String
    public var displayName: String
    public var sheet: String
    public var range: CellRange
    public var headerRowCount: Int
    public var totalsRowCount: Int
    public var columns: [Column]
    public var styleName: String?
    public var showRowStripes: Bool
    public var showColumnStripes: Bool
    public var hasAutoFilter: Bool
    /// The zip part it was read from, for messages.
    public var part: String
}

/// Something odd that the reader tolerated, with where it was.
public struct XLSXWarning: Sendable, Equatable, CustomStringConvertible {
    public var part: String
    public var line: Int?
    public var message: String

    public var description: String {
        if let line { return "\(part):\(line): \(message)" }
        return "\(part): \(message)"
    }
}

extension String {
    /// Excel compares sheet, name and table identifiers case-insensitively (also for å, ä, ö).
    func caseInsensitiveEquals(_ other: String) -> Bool {
        self == other || self.lowercased() == other.lowercased()
    }
}
