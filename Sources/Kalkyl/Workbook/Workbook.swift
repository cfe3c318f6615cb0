/// A workbook the engine calculates: sheets of values and formulas, defined names and tables.
///
/// ```swift
/// let book = Workbook()
/// let data = book.addSheet(named: "Data")
/// book.setValue(.number(5), at: "Data!A1")
/// try book.setFormula("=A1*2", at: "Data!B1")
/// book.recalculate()
/// book.value(at: "Data!B1")   // .number(10)
/// ```
/// Setting cells marks what depends on them; `recalculate()` evaluates only those, each once.
public final class Workbook {
    public private(set) var sheetNames: [String] = []
    var sheets: [SheetCells] = []
    public var tables: [TableDefinition] = [] {
        didSet { shapeCache.removeAll() }
    }
    /// Dates count from 1904 (old Mac workbooks).
    public var date1904 = false
    /// CHAR and CODE use the Mac Roman character set, as Excel for Mac does (Windows-1252 otherwise).
    public var macintoshCharacterSet = false
    /// Iterative calculation of circular references (calcPr iterate); nil: circular cells are 0.
    public var iteration: IterationSettings?

    var formulas: [FormulaCell] = []
    /// Formula (node) index of every formula cell, array-formula members included.
    var formulaAt = CellMap()
    var names: [String: DefinedNameEntry] = [:]
    private var hiddenRows: [Int: [Int32: RowHiding]] = [:]
    var graph = DependencyGraph()
    var structureChanged = true
    /// Cells whose value was set since the last recalculation.
    var changedCells: [CellKey] = []
    /// For a SUMIFS-like formula: the positions of its sum range it last added up. A ledger edit at
    /// another position cannot change it, so it is not recomputed (see `markEditedDirty`).
    var sumPositions: [Int32: [Reference.Area: [Int32]]] = [:]
    /// Constant names redefined since the last recalculation (lower-cased).
    var changedNames: Set<String> = []
    /// Criteria indexes of ranges without formulas, kept across recalculations until a cell in them
    /// changes (a new report month reuses the ledger's indexes).
    var keptCriteriaIndexes: [Reference.Area: CriteriaIndex] = [:]
    /// Grouped indexes (equality columns + an ordered column), kept the same way.
    var keptGroupedIndexes: [GroupedIndexKey: GroupedCriteriaIndex] = [:]
    var formulaCellIndexCache: FormulaCellIndex?
    /// Dynamic arrays showing #SPILL!, with the range they want: clearing a cell there retries them.
    var blockedSpills: [Int32: CellRange] = [:]
    public private(set) var diagnostics: [Diagnostic] = []
    /// Parsed formulas by their shape (see `FormulaShapeCache`); cleared when sheets or tables change.
    private var shapeCache = FormulaShapeCache()

    public init() {}

    // MARK: - Sheets

    @discardableResult
    public func addSheet(named name: String) -> Int {
        sheetNames.append(name)
        sheets.append(SheetCells())
        shapeCache.removeAll()
        structureChanged = true
        return sheetNames.count - 1
    }

    public func sheetIndex(named name: String) -> Int? {
        if let i = sheetNames.firstIndex(of: name) { return i }
        let lower = name.lowercased()
        return sheetNames.firstIndex { $0.lowercased() == lower }
    }

    // MARK: - Cells

    public func value(sheet: Int, at cell: CellAddress) -> CellValue {
        guard sheet >= 0 && sheet < sheets.count else { return .empty }
        return sheets[sheet].value(row: Int(cell.row), column: Int(cell.column))
    }

    /// The value at `Sheet!A1` (or `A1` on the first sheet); empty when there is no such cell.
    public func value(at reference: String) -> CellValue {
        guard let (sheet, cell) = try? locate(reference) else { return .empty }
        return value(sheet: sheet, at: cell)
    }

    /// Sets a constant, replacing any formula in the cell.
    public func setValue(_ value: CellValue, sheet: Int, at cell: CellAddress) {
        let key = CellKey(sheet: sheet, cell: cell)
        if let node = formulaAt[key] { removeFormula(Int(node)) }
        sheets[sheet].set(row: Int(cell.row), column: Int(cell.column), value)
        changedCells.append(key)
    }

    public func setValue(_ value: CellValue, at reference: String) throws(WorkbookError) {
        let (sheet, cell) = try locate(reference)
        setValue(value, sheet: sheet, at: cell)
    }

    /// Puts a value into a cell without marking anything dirty: for loading a workbook before its
    /// first calculation (which computes every formula anyway).
    public func loadValue(_ value: CellValue, sheet: Int, at cell: CellAddress) {
        sheets[sheet].set(row: Int(cell.row), column: Int(cell.column), value)
    }

    /// Parses a formula as it reads in `anchor` on `sheet`. The expression holds relative
    /// references as offsets, so it serves every cell of a shared (filled) formula.
    public func parseFormula(_ text: String, sheet: Int, anchor: CellAddress) throws(FormulaSyntaxError) -> Expression {
        let body = text.hasPrefix("=") ? String(text.dropFirst()) : text
        return try FormulaParser.parse(body, context: parseContext(sheet: sheet, anchor: anchor))
    }

    /// Sets a formula from an already parsed expression (one parse for a whole shared group);
    /// `text` is the formula as it reads in this cell.
    public func setFormula(_ expression: Expression, text: String, sheet: Int, at cell: CellAddress) {
        setFormula(expression, text: text, sheet: sheet, range: CellRange(cell), isArray: false)
    }

    /// Sets a member of a shared (filled) formula: the group's one expression and one text serve
    /// every member; a member's own text is derived when asked for.
    public func setSharedFormula(_ expression: Expression, group: SharedFormulaText, sheet: Int, at cell: CellAddress) {
        setFormula(expression, source: .shared(group), sheet: sheet, range: CellRange(cell), isArray: false)
    }

    /// Sets a formula (text with or without "="). A formula that does not parse is kept as text of
    /// the cell's formula and evaluates to #NAME?, with a diagnostic, as Excel shows a broken formula.
    public func setFormula(_ text: String, sheet: Int, at cell: CellAddress) {
        setFormula(text, sheet: sheet, range: CellRange(cell), isArray: false)
    }

    public func setFormula(_ text: String, at reference: String) throws(WorkbookError) {
        let (sheet, cell) = try locate(reference)
        setFormula(text, sheet: sheet, at: cell)
    }

    /// An array formula (legacy CSE or dynamic array) over `range`, entered in its top-left cell.
    public func setArrayFormula(_ text: String, sheet: Int, range: CellRange) {
        setFormula(text, sheet: sheet, range: range, isArray: true)
    }

    /// A dynamic-array formula in `anchor`: its result spills over as many cells as it has values
    /// (`range` is where it spilled last time, if known), or shows #SPILL! when cells are in the way.
    public func setDynamicArrayFormula(_ text: String, sheet: Int, anchor: CellAddress, range: CellRange? = nil) {
        setFormula(text, sheet: sheet, range: range ?? CellRange(anchor), isArray: true)
        formulas[formulas.count - 1].spills = true
    }

    /// Adds a formula whose expression is already parsed (a shared formula's group shares one).
    func setFormula(_ expression: Expression, text: String, sheet: Int, range: CellRange, isArray: Bool) {
        setFormula(expression, source: .own(text), sheet: sheet, range: range, isArray: isArray)
    }

    private func setFormula(_ expression: Expression, source: FormulaSource, sheet: Int, range: CellRange, isArray: Bool) {
        for row in range.first.row...range.last.row {
            for column in range.first.column...range.last.column {
                let key = CellKey(sheet: sheet, row: Int(row), column: Int(column))
                if let node = formulaAt[key] { removeFormula(Int(node)) }
            }
        }
        let index = Int32(formulas.count)
        formulas.append(FormulaCell(sheet: sheet, anchor: range.first, expression: expression, source: source,
                                    arrayRange: isArray ? range : nil))
        for row in range.first.row...range.last.row {
            for column in range.first.column...range.last.column {
                formulaAt[CellKey(sheet: sheet, row: Int(row), column: Int(column))] = index
            }
        }
        structureChanged = true
    }

    private func setFormula(_ text: String, sheet: Int, range: CellRange, isArray: Bool) {
        let body = text.hasPrefix("=") ? String(text.dropFirst()) : text
        let expression: Expression
        do {
            expression = try shapeCache.parse(body, context: parseContext(sheet: sheet, anchor: range.first))
        } catch {
            diagnostics.append(.syntaxError(sheet: sheetNames[sheet], cell: range.first, formula: body, error: error))
            expression = .error(.name)
        }
        setFormula(expression, text: body, sheet: sheet, range: range, isArray: isArray)
    }

    /// The formula text of a cell (without "="), nil for a constant.
    public func formula(sheet: Int, at cell: CellAddress) -> String? {
        guard let node = formulaAt[CellKey(sheet: sheet, cell: cell)] else { return nil }
        let f = formulas[Int(node)]
        return f.anchor == cell ? f.text : nil
    }

    /// The cells an array formula entered at `anchor` fills: a legacy array's range, or where a
    /// dynamic array spilled in the last calculation (its anchor alone when it could not spill).
    /// nil when no array formula is entered there.
    public func arrayRange(sheet: Int, at anchor: CellAddress) -> CellRange? {
        guard let node = formulaAt[CellKey(sheet: sheet, cell: anchor)] else { return nil }
        let f = formulas[Int(node)]
        guard f.anchor == anchor, f.arrayRange != nil || f.spills else { return nil }
        return f.range
    }

    /// The formula cells whose value a call to one of `functions` (upper-case names, e.g. TODAY,
    /// NOW, RAND) reaches — in their own formula, through a defined name, or through other formulas
    /// — as their sheet and the range they fill. Known after a recalculation.
    public func cells(dependingOn functions: Set<String>) -> [(sheet: Int, range: CellRange)] {
        guard !structureChanged else { return [] }
        var stack: [Int32] = []
        for (i, f) in formulas.enumerated() where !f.isRemoved && calls(functions, in: f.expression, sheet: Int(f.sheet), depth: 0) {
            stack.append(Int32(i))
        }
        var seen = Set<Int32>()
        while let n = stack.popLast() {
            guard seen.insert(n).inserted else { continue }
            stack.append(contentsOf: graph.dependents[Int(n)])
        }
        return seen.filter { !graph.isRange($0) && !formulas[Int($0)].isRemoved }.sorted().map {
            (Int(formulas[Int($0)].sheet), formulas[Int($0)].range)
        }
    }

    private func calls(_ functions: Set<String>, in e: Expression, sheet: Int, depth: Int) -> Bool {
        guard depth < 32 else { return false }
        switch e {
        case .call(let f, let args):
            if functions.contains(f.name.uppercased()) { return true }
            if case .unknown(let name) = f, let entry = lookupName(name, sheet: sheet),
               calls(functions, in: entry.expression, sheet: sheet, depth: depth + 1) { return true }
            return args.contains { calls(functions, in: $0, sheet: sheet, depth: depth + 1) }
        case .name(let n):
            guard let entry = lookupName(n, sheet: sheet) else { return false }
            return calls(functions, in: entry.expression, sheet: sheet, depth: depth + 1)
        case .unary(_, let x), .percent(let x): return calls(functions, in: x, sheet: sheet, depth: depth + 1)
        case .binary(_, let a, let b):
            return calls(functions, in: a, sheet: sheet, depth: depth + 1) || calls(functions, in: b, sheet: sheet, depth: depth + 1)
        case .apply(let f, let args):
            return calls(functions, in: f, sheet: sheet, depth: depth + 1) || args.contains { calls(functions, in: $0, sheet: sheet, depth: depth + 1) }
        case .number, .text, .boolean, .error, .array, .missing, .parameter, .reference: return false
        }
    }

    public func parseContext(sheet: Int, anchor: CellAddress) -> FormulaContext {
        FormulaContext(anchor: anchor, sheet: sheet, sheetNames: sheetNames, tables: tables)
    }

    /// Moves a dynamic array's spill range; the cells it leaves become empty.
    func respill(_ index: Int, to range: CellRange) {
        let f = formulas[index]
        for row in f.range.first.row...f.range.last.row {
            for column in f.range.first.column...f.range.last.column {
                let key = CellKey(sheet: Int(f.sheet), row: Int(row), column: Int(column))
                formulaAt.removeValue(forKey: key)
                if !range.contains(CellAddress(row: Int(row), column: Int(column))) {
                    sheets[Int(f.sheet)].set(row: Int(row), column: Int(column), .empty)
                }
            }
        }
        formulas[index].arrayRange = range
        for row in range.first.row...range.last.row {
            for column in range.first.column...range.last.column {
                formulaAt[CellKey(sheet: Int(f.sheet), row: Int(row), column: Int(column))] = Int32(index)
            }
        }
        structureChanged = true
    }

    /// Whether a cell holds something a spill may not cover: a constant, or another formula's cell.
    func blocksSpill(sheet: Int, cell: CellAddress, formula index: Int) -> Bool {
        if let owner = formulaAt[CellKey(sheet: sheet, cell: cell)] { return Int(owner) != index }
        return !value(sheet: sheet, at: cell).isEmpty
    }

    private func removeFormula(_ index: Int) {
        let f = formulas[index]
        guard !f.isRemoved else { return }
        for row in f.range.first.row...f.range.last.row {
            for column in f.range.first.column...f.range.last.column {
                formulaAt.removeValue(forKey: CellKey(sheet: Int(f.sheet), row: Int(row), column: Int(column)))
            }
        }
        formulas[index].isRemoved = true
        structureChanged = true
    }

    // MARK: - Kept criteria indexes

    /// Whether any formula cell lies in the area.
    func areaHasFormulas(_ area: Reference.Area) -> Bool {
        if formulaCellIndexCache == nil { formulaCellIndexCache = FormulaCellIndex(formulaAt) }
        var found = false
        formulaCellIndexCache!.forEachFormula(in: area) { _ in found = true }
        return found
    }

    func forgetCriteriaIndexes(touching cells: [CellKey]) {
        guard !cells.isEmpty else { return }
        func touched(_ area: Reference.Area) -> Bool {
            cells.contains { $0.sheet == area.sheet && area.range.contains(CellAddress(row: $0.row, column: $0.column)) }
        }
        for key in Array(keptGroupedIndexes.keys) where (key.equality + [key.ordered].compactMap { $0 }).contains(where: touched) {
            keptGroupedIndexes.removeValue(forKey: key)
        }
        for area in Array(keptCriteriaIndexes.keys) {
            let r = area.range
            if cells.contains(where: { $0.sheet == area.sheet && r.contains(CellAddress(row: $0.row, column: $0.column)) }) {
                keptCriteriaIndexes.removeValue(forKey: area)
            }
        }
    }

    // MARK: - Hidden rows

    /// Hides a row (SUBTOTAL 101–111 and AGGREGATE leave hidden rows out; SUBTOTAL 1–11 only rows a
    /// filter hid). Changing it marks the sheet's formulas for recalculation.
    public func setRowHidden(_ hiding: RowHiding?, sheet: Int, row: Int) {
        if let hiding { hiddenRows[sheet, default: [:]][Int32(row)] = hiding } else { hiddenRows[sheet]?.removeValue(forKey: Int32(row)) }
        structureChanged = true
    }

    public func rowHiding(sheet: Int, row: Int) -> RowHiding? {
        hiddenRows[sheet]?[Int32(row)]
    }

    // MARK: - Names

    /// Defines a name for the workbook (scope nil) or one sheet, e.g. `Rapportmånad` = `5` or
    /// `Belopp` = `Data!$G$2:$G$1000`.
    public func defineName(_ name: String, formula: String, scope: Int? = nil) {
        let body = formula.hasPrefix("=") ? String(formula.dropFirst()) : formula
        let expression: Expression
        do {
            expression = try FormulaParser.parse(body, context: parseContext(sheet: scope ?? 0, anchor: CellAddress(row: 0, column: 0)))
        } catch {
            diagnostics.append(.syntaxError(sheet: scope.map { sheetNames[$0] } ?? "(workbook)", cell: nil, formula: body, error: error))
            expression = .error(.name)
        }
        let key = DefinedNameEntry.key(name, scope: scope)
        // A constant redefined as another constant (a report's month) changes no dependency: only
        // the formulas that use the name are recomputed.
        let constantChange = names[key].map { $0.expression.isConstant && expression.isConstant } ?? false
        names[key] = DefinedNameEntry(name: name, scope: scope, text: body, expression: expression)
        if constantChange && !structureChanged {
            changedNames.insert(name.lowercased())
        } else {
            structureChanged = true
        }
    }

    public var definedNames: [(name: String, scope: Int?, formula: String)] {
        names.values.map { ($0.name, $0.scope, $0.text) }.sorted { ($0.scope ?? -1, $0.name) < ($1.scope ?? -1, $1.name) }
    }

    /// Resolves a name as written in a formula on `sheet` (`Summa` or `Blad1!Summa`).
    func lookupName(_ written: String, sheet: Int) -> DefinedNameEntry? {
        if let bang = written.lastIndex(of: "!") {
            var sheetName = String(written[..<bang])
            if sheetName.hasPrefix("'") && sheetName.hasSuffix("'") && sheetName.count >= 2 {
                sheetName = String(sheetName.dropFirst().dropLast()).replacingOccurrences(of: "''", with: "'")
            }
            guard let s = sheetIndex(named: sheetName) else { return nil }
            return names[DefinedNameEntry.key(String(written[written.index(after: bang)...]), scope: s)]
        }
        return names[DefinedNameEntry.key(written, scope: sheet)] ?? names[DefinedNameEntry.key(written, scope: nil)]
    }

    // MARK: - Addresses

    func locate(_ reference: String) throws(WorkbookError) -> (Int, CellAddress) {
        guard let parsed = SheetRangeReference(parsing: reference), parsed.range.first == parsed.range.last else {
            throw .badReference(reference)
        }
        if let name = parsed.sheet {
            guard let s = sheetIndex(named: name) else { throw .noSuchSheet(name) }
            return (s, parsed.range.first)
        }
        guard !sheets.isEmpty else { throw .noSuchSheet("(first sheet)") }
        return (0, parsed.range.first)
    }

    func addDiagnostic(_ d: Diagnostic) { diagnostics.append(d) }
    func clearCalculationDiagnostics() { diagnostics.removeAll { $0.isFromCalculation } }
}

/// Why a row is hidden: by hand, or by a filter.
public enum RowHiding: Sendable, Equatable { case hidden, filtered }

public struct IterationSettings: Sendable, Equatable {
    public var maximumIterations: Int
    public var maximumChange: Double
    public init(maximumIterations: Int = 100, maximumChange: Double = 0.001) {
        self.maximumIterations = maximumIterations
        self.maximumChange = maximumChange
    }
}

public enum WorkbookError: Error, Equatable, CustomStringConvertible {
    case badReference(String)
    case noSuchSheet(String)

    public var description: String {
        switch self {
        case .badReference(let r): "'\(r)' is not a cell reference (e.g. Rapport!B5)"
        case .noSuchSheet(let s): "no sheet named '\(s)'"
        }
    }
}

/// Something the engine noticed about the workbook: a circular reference, an unknown function, a
/// formula that does not parse.
public enum Diagnostic: Sendable, Equatable, CustomStringConvertible {
    case circularReference(cells: [String])
    case unknownFunction(name: String, cells: [String])
    case syntaxError(sheet: String, cell: CellAddress?, formula: String, error: FormulaSyntaxError)

    var isFromCalculation: Bool {
        switch self {
        case .circularReference, .unknownFunction: true
        case .syntaxError: false
        }
    }

    public var description: String {
        switch self {
        case .circularReference(let cells):
            "circular reference: \(cells.joined(separator: " → "))"
        case .unknownFunction(let name, let cells):
            "unknown function \(name) (#NAME?) in \(cells.prefix(5).joined(separator: ", "))\(cells.count > 5 ? " and \(cells.count - 5) more" : "")"
        case .syntaxError(let sheet, let cell, let formula, let error):
            "\(SheetName.quotedIfNeeded(sheet))\(cell.map { "!\($0.a1)" } ?? ""): formula '=\(formula)' does not parse: \(error)"
        }
    }
}

/// A cell on a sheet, packed into one integer for hashing.
struct CellKey: Hashable, Sendable {
    let raw: UInt64
    init(sheet: Int, row: Int, column: Int) {
        raw = UInt64(sheet) << 34 | UInt64(row) << 14 | UInt64(column)
    }
    init(sheet: Int, cell: CellAddress) { self.init(sheet: sheet, row: Int(cell.row), column: Int(cell.column)) }
    init(raw: UInt64) { self.raw = raw }
    var sheet: Int { Int(raw >> 34) }
    var row: Int { Int((raw >> 14) & 0xFFFFF) }
    var column: Int { Int(raw & 0x3FFF) }
}

/// A formula cell (or the anchor of an array formula) and what it computes.
struct FormulaCell {
    var sheet: Int32
    var anchor: CellAddress
    var expression: Expression
    var source: FormulaSource
    var arrayRange: CellRange?
    /// A dynamic array: `arrayRange` follows the result's size.
    var spills = false
    var isRemoved = false

    init(sheet: Int, anchor: CellAddress, expression: Expression, source: FormulaSource, arrayRange: CellRange?) {
        self.sheet = Int32(sheet)
        self.anchor = anchor
        self.expression = expression
        self.source = source
        self.arrayRange = arrayRange
    }

    var range: CellRange { arrayRange ?? CellRange(anchor) }

    /// The formula as it reads in this cell (without "=").
    var text: String {
        switch source {
        case .own(let t): return t
        case .shared(let group):
            return FormulaTranslator.translate(group.text, rows: Int(anchor.row - group.anchor.row),
                                               columns: Int(anchor.column - group.anchor.column))
        }
    }
}

enum FormulaSource {
    case own(String)
    case shared(SharedFormulaText)
}

/// The text of a shared formula group, written for its anchor cell; held once for all members.
public final class SharedFormulaText: Sendable {
    public let text: String
    public let anchor: CellAddress
    public init(text: String, anchor: CellAddress) {
        self.text = text.hasPrefix("=") ? String(text.dropFirst()) : text
        self.anchor = anchor
    }
}

struct DefinedNameEntry {
    var name: String
    var scope: Int?
    var text: String
    var expression: Expression

    static func key(_ name: String, scope: Int?) -> String { "\(scope ?? -1)|\(name.lowercased())" }
}
