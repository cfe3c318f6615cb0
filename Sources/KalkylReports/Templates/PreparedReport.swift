import Foundation
import Kalkyl
import KalkylXLSX

/// A filled and calculated report: the workbook to write, the engine that calculated it, and what
/// the run found. New parameters (the next month) recalculate only what they touch.
public final class PreparedReport {
    public private(set) var model: WorkbookModel
    public let book: Workbook
    public let checks: [ReportCheck]
    let kontrollSheet: Int?
    private var parameterTargets: [String: ParameterTarget]
    /// Input rows put into the data sheet.
    public let dataRowCount: Int
    /// Input rows that could not be read (from the ledger readers).
    public let problems: [LedgerProblem]
    /// Things a controller should know: template columns with no input, input columns unused, …
    public let warnings: [String]
    public private(set) var lastCalculation: RecalculationReport

    init(model: WorkbookModel, book: Workbook, checks: [ReportCheck], kontrollSheet: Int?, parameterTargets: [String: ParameterTarget],
         dataRowCount: Int, problems: [LedgerProblem], warnings: [String], firstCalculation: RecalculationReport) {
        self.model = model
        self.book = book
        self.checks = checks
        self.kontrollSheet = kontrollSheet
        self.parameterTargets = parameterTargets
        self.dataRowCount = dataRowCount
        self.problems = problems
        self.warnings = warnings
        self.lastCalculation = firstCalculation
    }

    /// Sets parameters again (e.g. `Rapportmånad` for the next month) and recalculates incrementally.
    @discardableResult
    public func set(_ parameters: ReportParameters) throws -> RecalculationReport {
        for (name, value) in parameters.assignments {
            let target: ParameterTarget
            if let known = parameterTargets[name] {
                target = known
            } else if let found = ParameterTarget.find(name, in: model) {
                target = found
                parameterTargets[name] = found
            } else {
                if name == ReportParameters.yearName || name == ReportParameters.monthName { continue }
                throw ReportError(file: "(template)", message: "the template defines no name '\(name)' to set")
            }
            target.apply(value, to: &model)
            target.apply(value, to: book)
        }
        lastCalculation = book.recalculate()
        return lastCalculation
    }

    /// Each check with the values the engine computed.
    public var checkOutcomes: [ReportCheck.Outcome] {
        guard let kontrollSheet else { return [] }
        return KontrollSheet.outcomes(checks, kontrollSheet: kontrollSheet, book: book)
    }

    /// A computed value, e.g. `value(sheet: "Totalt", at: "B5")`.
    public func value(sheet: String, at a1: String) -> CellValue {
        guard let s = book.sheetIndex(named: sheet), let address = CellAddress(a1: a1) else { return .error(.reference) }
        return book.value(sheet: s, at: address)
    }

    /// Writes the report (to a temporary file renamed into place).
    @discardableResult
    public func write(to url: URL, options: XLSXWriter.Options = XLSXWriter.Options()) throws -> WriteReport {
        try XLSXWriter(options: options).write(model, calculated: book, to: url)
    }
}
