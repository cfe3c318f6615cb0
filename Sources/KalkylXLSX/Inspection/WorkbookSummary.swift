import Kalkyl

/// What `kalkyl inspect` shows: the sheets, names, tables and the functions formulas call.
public struct WorkbookSummary: Codable, Sendable {
    public struct Sheet: Codable, Sendable {
        public var name: String
        public var kind: String
        public var visibility: String
        public var usedRange: String?
        public var cells: Int
        public var formulas: Int
        public var mergedRanges: Int
        public var tables: [String]
        /// Cell notes (legacy comments) and hyperlinks; absent from summaries made before they were read.
        public var notes: Int?
        public var hyperlinks: Int?
    }

    public struct Name: Codable, Sendable {
        public var name: String
        public var scope: String?
        public var formula: String
        public var hidden: Bool
    }

    public struct Table: Codable, Sendable {
        public var name: String
        public var sheet: String
        public var ref: String
        public var columns: [String]
    }

    public struct FunctionUse: Codable, Sendable {
        public var name: String
        public var count: Int
        /// False for a function Kalkyl does not implement: its cells evaluate to #NAME?.
        public var known: Bool
    }

    public var file: String
    public var date1904: Bool
    public var sheets: [Sheet]
    public var definedNames: [Name]
    public var tables: [Table]
    public var functions: [FunctionUse]
    public var warnings: [String]

    public init(file: String, model: WorkbookModel) {
        self.file = file
        date1904 = model.properties.date1904
        sheets = model.sheets.map { sheet in
            Sheet(name: sheet.name, kind: sheet.kind.rawValue, visibility: sheet.visibility.rawValue,
                  usedRange: sheet.cells.usedRange?.a1,
                  cells: sheet.cells.records.reduce(0) { $0 + ($1.kind != .blank || $1.hasFormula ? 1 : 0) },
                  formulas: sheet.formulas.count, mergedRanges: sheet.mergedRanges.count,
                  tables: sheet.tables.map(\.displayName), notes: sheet.notes.count, hyperlinks: sheet.hyperlinks.count)
        }
        definedNames = model.definedNames.map { n in
            Name(name: n.name, scope: n.sheetScope.flatMap { $0 < model.sheets.count ? model.sheets[$0].name : "#\($0)" },
                 formula: n.formula, hidden: n.hidden)
        }
        tables = model.tables.map { Table(name: $0.displayName, sheet: $0.sheet, ref: $0.range.a1, columns: $0.columns.map(\.name)) }
        var counts: [String: Int] = [:]
        for sheet in model.sheets {
            // A shared formula's members call the same functions as its master: lex it once.
            var groupFunctions: [Int: [String]] = [:]
            for formula in sheet.formulas {
                let names: [String]
                if case .shared(let group) = formula.kind {
                    if let cached = groupFunctions[group] {
                        names = cached
                    } else {
                        names = FormulaTranslator.functionNames(in: sheet.sharedFormulas[group]?.text ?? "")
                        groupFunctions[group] = names
                    }
                } else {
                    names = FormulaTranslator.functionNames(in: sheet.formulaText(of: formula) ?? "")
                }
                for name in names { counts[name, default: 0] += 1 }
            }
        }
        // A defined name holding a LAMBDA is called like a function.
        let lambdaNames = Set(model.definedNames.filter { $0.formula.contains("LAMBDA(") }.map { $0.name.uppercased() })
        functions = counts.map {
            FunctionUse(name: $0.key, count: $0.value,
                        known: FunctionLibrary.standard.definition(named: $0.key) != nil || lambdaNames.contains($0.key))
        }
            .sorted { ($0.count, $1.name) > ($1.count, $0.name) }
        warnings = model.warnings.map(\.description)
    }

    /// The summary as a person reads it in a terminal.
    public var text: String {
        var out = "\(file)\(date1904 ? " (1904 date system)" : "")\n\nSheets\n"
        for s in sheets {
            var line = "  \(s.name)"
            if s.kind != "worksheet" { line += " [\(s.kind)]" }
            if s.visibility != "visible" { line += " (\(s.visibility))" }
            line += "  used \(s.usedRange ?? "–"), \(s.cells) cells, \(s.formulas) formulas"
            if s.mergedRanges > 0 { line += ", \(s.mergedRanges) merged ranges" }
            if let n = s.notes, n > 0 { line += ", \(n) note\(n == 1 ? "" : "s")" }
            if let n = s.hyperlinks, n > 0 { line += ", \(n) hyperlink\(n == 1 ? "" : "s")" }
            if !s.tables.isEmpty { line += ", tables: \(s.tables.joined(separator: ", "))" }
            out += line + "\n"
        }
        if !definedNames.isEmpty {
            out += "\nDefined names\n"
            for n in definedNames {
                out += "  \(n.scope.map { "\($0)!" } ?? "")\(n.name) = \(n.formula)\(n.hidden ? " (hidden)" : "")\n"
            }
        }
        if !tables.isEmpty {
            out += "\nTables\n"
            for t in tables { out += "  \(t.name) on \(t.sheet)!\(t.ref): \(t.columns.joined(separator: ", "))\n" }
        }
        if !functions.isEmpty {
            out += "\nFunctions\n"
            for f in functions { out += "  \(f.name) \(f.count)\(f.known ? "" : "  (unknown to Kalkyl: #NAME?)")\n" }
        }
        if !warnings.isEmpty {
            out += "\nWarnings\n"
            for w in warnings { out += "  \(w)\n" }
        }
        return out
    }
}
