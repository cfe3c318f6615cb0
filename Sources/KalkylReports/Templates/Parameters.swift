import Foundation
import Kalkyl
import KalkylXLSX

/// A template parameter: a defined name that refers to one cell (the value goes into the cell) or
/// holds a constant (the name is redefined).
enum ParameterTarget: Equatable {
    /// The sheet by name: sheets may be added before it after the target is found.
    case cell(sheet: String, address: CellAddress)
    case constant(name: String, scope: Int?)

    static func find(_ name: String, in model: WorkbookModel) -> ParameterTarget? {
        let matches = model.definedNames.filter { $0.name.lowercased() == name.lowercased() && !$0.isBuiltIn }
        guard let defined = matches.first(where: { $0.sheetScope == nil }) ?? matches.first else { return nil }
        if let reference = SheetRangeReference(parsing: defined.formula), reference.range.first == reference.range.last,
           let sheetName = reference.sheet, let sheet = model.sheetIndex(named: sheetName) {
            return .cell(sheet: model.sheets[sheet].name, address: reference.range.first)
        }
        return .constant(name: defined.name, scope: defined.sheetScope)
    }

    /// Sets the value in the model (what is written).
    func apply(_ value: CellValue, to model: inout WorkbookModel) {
        switch self {
        case .cell(let sheet, let address):
            guard let s = model.sheetIndex(named: sheet) else { return }
            model.sheets[s].setValue(value, at: address)
        case .constant(let name, let scope):
            model.defineName(name, formula: ParameterTarget.formula(for: value), sheetScope: scope)
        }
    }

    /// Sets the value in the engine (what is calculated).
    func apply(_ value: CellValue, to book: Workbook) {
        switch self {
        case .cell(let sheet, let address):
            guard let s = book.sheetIndex(named: sheet) else { return }
            book.setValue(value, sheet: s, at: address)
        case .constant(let name, let scope):
            book.defineName(name, formula: ParameterTarget.formula(for: value), scope: scope)
        }
    }

    static func formula(for value: CellValue) -> String {
        switch value {
        case .number(let x): FormulaPrinter.number(x)
        case .text(let t): "\"" + t.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        case .boolean(let b): b ? "TRUE" : "FALSE"
        case .error(let e): e.text
        case .empty: "\"\""
        }
    }
}

/// The values a run sets: the report period (`Rapportår`, `Rapportmånad`) and any `--set` ones.
public struct ReportParameters: Sendable {
    public static let yearName = "Rapportår"
    public static let monthName = "Rapportmånad"

    public var period: Period?
    /// Other parameters by defined name.
    public var values: [(name: String, value: CellValue)] = []

    public init(period: Period? = nil, values: [(name: String, value: CellValue)] = []) {
        self.period = period
        self.values = values
    }

    /// Every name and value to set, the period's first.
    var assignments: [(String, CellValue)] {
        var result: [(String, CellValue)] = []
        if let period {
            result.append((Self.yearName, .number(Double(period.year))))
            result.append((Self.monthName, .number(Double(period.month))))
        }
        return result + values.map { ($0.name, $0.value) }
    }
}
