import Foundation
import Kalkyl

/// Writes a workbook read by `XLSXReader` back to .xlsx with libxlsxwriter, with the values an
/// engine `Workbook` computed cached in every formula cell, so Excel, LibreOffice and readers that
/// never calculate (openpyxl with `data_only=True`) all see them.
///
/// ```swift
/// let model = try XLSXReader.read("budget.xlsx")
/// let book = Workbook(model)
/// book.recalculate()
/// try XLSXWriter().write(model, calculated: book, to: URL(fileURLWithPath: "out.xlsx"))
/// ```
///
/// The output goes to a temporary file in the target's folder and is renamed into place, so a
/// failed write leaves any existing file as it was.
public struct XLSXWriter {
    public struct Options {
        /// The sheets to write, by name (nil: all). Formulas that refer to a sheet left out are
        /// written as their values; names that refer to one are left out.
        public var sheets: [String]?
        /// Document properties; nil keeps what the workbook had.
        public var title: String?
        public var author: String?
        public var company: String?
        /// The creation and modification time written into the document properties; with a fixed
        /// date the same input gives byte-identical output. nil: now.
        public var created: Date?
        /// Ask Excel to recalculate every formula when it opens the file (`fullCalcOnLoad`).
        public var recalculateOnOpen = false
        /// libxlsxwriter's constant-memory mode (rows flushed as they are written). nil: used
        /// unless a written sheet has an Excel table, which that mode cannot write.
        public var constantMemory: Bool?
        /// Called now and then with progress, for large workbooks.
        public var progress: ((WriteProgress) -> Void)?

        public init() {}
    }

    public var options: Options

    public init(options: Options = Options()) {
        self.options = options
    }

    /// Writes `model` with the values of `calculated` (the model's own cached values when nil).
    @discardableResult
    public func write(_ model: WorkbookModel, calculated: Workbook?, to url: URL) throws -> WriteReport {
        let target = url.standardizedFileURL
        let folder = target.deletingLastPathComponent()
        let stem = ".\(String(target.lastPathComponent.prefix(100))).kalkyl-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))"
        let libraryOutput = folder.appendingPathComponent(stem + ".lxw")
        let finalOutput = folder.appendingPathComponent(stem + ".tmp")
        defer {
            try? FileManager.default.removeItem(at: libraryOutput)
            try? FileManager.default.removeItem(at: finalOutput)
        }
        func failure(_ message: String) -> XLSXWriteError { XLSXWriteError(file: target.path, message: message) }
        guard FileManager.default.fileExists(atPath: folder.path) else { throw failure("the folder \(folder.path) does not exist") }
        // Excel refuses a macro-enabled name on a package without macros, and macros are not kept.
        guard !["xlsm", "xltm", "xlam"].contains(target.pathExtension.lowercased()) else {
            throw failure("macro-enabled workbooks are not written (macros are not kept); name the output .xlsx")
        }

        var report: WriteReport
        let pass: PackagePass
        do {
            (report, pass) = try withCNumericLocale {
                try WorkbookWriting(model: model, engine: calculated, options: options).write(to: libraryOutput.path, temporaryDirectory: folder.path)
            }
            try pass.run(source: libraryOutput, destination: finalOutput)
        } catch let e as XLSXWriteError {
            throw failure(e.message)
        } catch let e as NativeWriterError {
            throw failure(e.description)
        } catch let e as XLSXError {
            throw failure("re-reading the written package: \(e.message)")
        } catch {
            throw failure("\(error)")
        }
        if let problem = renameReplacing(finalOutput.path, target.path) {
            throw failure("cannot move the written file into place: \(problem)")
        }
        return report
    }

    /// Writes to a path.
    @discardableResult
    public func write(_ model: WorkbookModel, calculated: Workbook?, to path: String) throws -> WriteReport {
        try write(model, calculated: calculated, to: URL(fileURLWithPath: path))
    }
}

/// Why a workbook could not be written, naming the file.
public struct XLSXWriteError: Error, CustomStringConvertible, Sendable {
    public var file: String
    public var message: String
    public var description: String { "\(file): \(message)" }
}

public struct WriteProgress: Sendable {
    public var sheet: String
    public var rowsWritten: Int
    public var rowCount: Int
}

/// What was written, and what could not be kept.
public struct WriteReport: Sendable {
    public var sheets = 0
    public var cells = 0
    public var formulas = 0
    /// Distinct cell formats made (after merging identical ones).
    public var formats = 0
    /// Cells whose XML the package pass rewrote (types libxlsxwriter cannot cache).
    public var patchedCells = 0
    public var constantMemory = false
    /// Things of the input the output does not keep, one line each.
    public var warnings: [String] = []
}

/// One write: the sheets, their cells and layout, the names and the package pass's instructions.
struct WorkbookWriting {
    let model: WorkbookModel
    let engine: Workbook?
    let options: XLSXWriter.Options

    func write(to path: String, temporaryDirectory: String) throws -> (WriteReport, PackagePass) {
        var report = WriteReport()
        var pass = PackagePass()

        // Which sheets, and where each lands.
        var selected: [Int] = []
        if let wanted = options.sheets {
            for name in wanted {
                guard let i = model.sheetIndex(named: name) else {
                    throw XLSXWriteError(file: path, message: "no sheet named '\(name)' (sheets: \(model.sheets.map(\.name).joined(separator: ", ")))")
                }
                if !selected.contains(i) { selected.append(i) }
            }
            selected.sort()
        } else {
            selected = Array(model.sheets.indices)
        }
        guard !selected.isEmpty else { throw XLSXWriteError(file: path, message: "no sheets to write") }
        var outputIndex = [Int?](repeating: nil, count: model.sheets.count)
        for (o, m) in selected.enumerated() { outputIndex[m] = o }
        let excluded = model.sheets.indices.filter { outputIndex[$0] == nil }.map { model.sheets[$0].name }

        let hasTables = selected.contains { !model.sheets[$0].tables.isEmpty }
        let constantMemory = options.constantMemory ?? !hasTables
        report.constantMemory = constantMemory
        if constantMemory && hasTables {
            report.warnings.append("Excel tables are not written in constant-memory mode (their cells are)")
        }

        let native = try NativeWorkbook(path: path, constantMemory: constantMemory, temporaryDirectory: temporaryDirectory)
        var formats = FormatCache(styles: model.styles, native: native)

        // Sheets first (names refer to them), then names, then contents.
        var handles: [Int] = []
        for m in selected {
            handles.append(try native.addSheet(named: model.sheets[m].name))
        }

        // Defined names.
        var droppedNames: [String] = []
        var externalNames: [String] = []
        var printTitles: [Int: (rows: ClosedRange<Int>?, columns: ClosedRange<Int>?)] = [:]
        var printAreas: [Int: CellRange] = [:]
        for name in model.definedNames {
            switch NamePlan.route(name, model: model, outputIndex: outputIndex, excludedSheetNames: excluded) {
            case .library(let n, let formula):
                do {
                    try native.defineName(n, formula: formula)
                } catch {
                    // Should not happen after the checks; keep the name by the package pass.
                    pass.workbook.extraDefinedNames.append(Self.definedNameXML(name, scope: name.sheetScope.flatMap { outputIndex[$0] }))
                }
            case .printTitles(let s, let rows, let columns): printTitles[s] = (rows, columns)
            case .printArea(let s, let range): printAreas[s] = range
            case .implied: break
            case .injected(let xml): pass.workbook.extraDefinedNames.append(xml)
            case .dropped(let reason):
                droppedNames.append(name.name)
                report.warnings.append("defined name '\(name.name)' was left out: \(reason)")
            case .droppedExternal:
                externalNames.append(name.name)
                report.warnings.append("defined name '\(name.name)' was left out: it refers to another workbook (external links are not written)")
            }
        }

        // Document properties.
        let created = options.created.map { Int64($0.timeIntervalSince1970.rounded(.down)) }
        try native.setProperties(title: options.title ?? model.properties.title,
                                 author: options.author ?? model.properties.creator,
                                 company: options.company ?? model.properties.company,
                                 created: created ?? Int64(Date().timeIntervalSince1970))

        // Sheets.
        var activated = false
        var charts = ChartWriting(model: model, engine: engine, native: native, excludedSheets: excluded)
        for (o, m) in selected.enumerated() {
            let sheet = model.sheets[m]
            var writer = SheetWriting(sheet: sheet, modelIndex: m, handle: handles[o], native: native, engine: engine,
                                      excludedSheets: excluded, droppedNames: droppedNames, externalNames: externalNames,
                                      constantMemory: constantMemory,
                                      progress: options.progress)
            try writer.writeLayout(formats: &formats, printTitles: printTitles[o], printArea: printAreas[o])
            try writer.writeCells(formats: &formats)
            try charts.write(sheet, handle: handles[o])
            if sheet.view.isSelected && !activated && sheet.visibility == .visible {
                try native.activate(handles[o])
                activated = true
            }
            switch sheet.visibility {
            case .visible: break
            case .hidden: try native.hide(handles[o])
            case .veryHidden:
                try native.hide(handles[o])
                pass.workbook.veryHiddenSheets.append(sheet.name)
            }
            report.cells += writer.cellsWritten
            report.formulas += writer.formulasWritten
            report.warnings += writer.warnings
            if !writer.patches.isEmpty {
                report.patchedCells += writer.patches.count
                pass.sheetPatches["xl/worksheets/sheet\(o + 1).xml"] = writer.patches
            }
        }
        report.warnings += charts.warnings
        if !activated, let first = selected.firstIndex(where: { model.sheets[$0].visibility == .visible }) {
            try native.activate(handles[first])
        }
        report.sheets = selected.count
        report.formats = formats.count
        pass.numberFormats = formats.longNumberFormats
        pass.workbook.date1904 = model.properties.date1904
        pass.workbook.calculation = model.properties.calculation
        pass.workbook.fullCalculationOnLoad = options.recalculateOnOpen
        try native.close()
        return (report, pass)
    }

    static func definedNameXML(_ name: DefinedName, scope: Int?) -> String {
        var xml = "<definedName name=\"\(XMLEscaping.attribute(name.name))\""
        if let scope { xml += " localSheetId=\"\(scope)\"" }
        if name.hidden { xml += " hidden=\"1\"" }
        return xml + ">\(XMLEscaping.text(name.formula))</definedName>"
    }
}

/// libxlsxwriter formats by cell-format index, one per distinct `FormatSpec`.
struct FormatCache {
    private var mapper: FormatMapper
    private let native: NativeWorkbook
    private var byIndex: [Int: Int?] = [:]
    private var bySpec: [FormatSpec: Int] = [:]
    private var differential: [Int: Int] = [:]

    init(styles: StyleSheet, native: NativeWorkbook) {
        mapper = FormatMapper(styles: styles)
        self.native = native
    }

    var count: Int { bySpec.count }
    private var defaultFormat: Int?

    /// A format with nothing set: libxlsxwriter gives it style 0. A cell written without a format
    /// would take its row's or column's format instead, which Excel does not do.
    mutating func defaultHandle() throws -> Int {
        if let defaultFormat { return defaultFormat }
        let h = try native.addFormat(FormatSpec())
        defaultFormat = h
        return h
    }
    var longNumberFormats: [String: String] { mapper.longNumberFormats }
    var styles: StyleSheet { mapper.styles }

    /// The format handle for a cell format index; nil for libxlsxwriter's default.
    mutating func handle(forCellFormat index: Int) throws -> Int? {
        if let known = byIndex[index] { return known }
        var result: Int?
        if let spec = mapper.spec(cellFormat: index) {
            if let existing = bySpec[spec] {
                result = existing
            } else {
                let h = try native.addFormat(spec)
                bySpec[spec] = h
                result = h
            }
        }
        byIndex[index] = result
        return result
    }

    /// A format for a differential format (`dxf`), for conditional formats.
    mutating func handle(forDifferential index: Int) throws -> Int? {
        if let known = differential[index] { return known }
        guard index >= 0, index < mapper.styles.differentialFormats.count else { return nil }
        let spec = mapper.spec(differential: mapper.styles.differentialFormats[index])
        let h = try native.addFormat(spec)
        differential[index] = h
        return h
    }

    func resolve(_ color: ColorReference) -> UInt32? { mapper.resolve(color) }
}
