/// Writes an expression back as formula text (without "="), as it reads in a given cell: relative
/// references are resolved against that cell, so one shared expression prints right everywhere.
public struct FormulaPrinter {
    public var cell: CellAddress
    public var sheet: Int
    public var sheetNames: [String]
    /// Prefix functions newer than Excel 2007 with `_xlfn.` as the file format requires.
    public var fileFormat: Bool

    public init(cell: CellAddress, sheet: Int, sheetNames: [String], fileFormat: Bool = false) {
        self.cell = cell
        self.sheet = sheet
        self.sheetNames = sheetNames
        self.fileFormat = fileFormat
    }

    public func text(_ e: Expression) -> String {
        var out = ""
        write(e, into: &out, [])
        return out
    }

    /// `scope` holds the LET and LAMBDA names bound around `e` (upper-cased): those print plainly
    /// (`x`) outside the file format, any other as `_xlpm.x`, so the text reads back the same.
    private func write(_ e: Expression, into out: inout String, _ scope: Set<String>) {
        switch e {
        case .number(let n): out += Self.number(n)
        case .text(let s): out += "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        case .boolean(let b): out += b ? "TRUE" : "FALSE"
        case .error(let err): out += err.text
        case .missing: break
        case .array(let m):
            out += "{"
            for r in 0..<m.rows {
                if r > 0 { out += ";" }
                for c in 0..<m.columns {
                    if c > 0 { out += "," }
                    out += Self.constant(m[r, c])
                }
            }
            out += "}"
        case .reference(let r): out += reference(r)
        case .name(let n): out += n
        case .unary(let op, let operand):
            if op == .implicitIntersection {
                out += fileFormat ? "_xlfn.SINGLE(" : "@"
                write(operand, into: &out, scope)
                if fileFormat { out += ")" }
                return
            }
            out += op.rawValue
            writeOperand(operand, needsParentheses: Self.isBinary(operand), into: &out, scope)
        case .percent(let operand):
            writeOperand(operand, needsParentheses: Self.isBinary(operand) || Self.isUnary(operand), into: &out, scope)
            out += "%"
        case .binary(let op, let lhs, let rhs):
            if op == .union {
                out += "("
                write(lhs, into: &out, scope)
                out += ","
                write(rhs, into: &out, scope)
                out += ")"
                return
            }
            writeOperand(lhs, needsParentheses: Self.binds(lhs, looserThan: op, onRight: false), into: &out, scope)
            out += op.rawValue
            writeOperand(rhs, needsParentheses: Self.binds(rhs, looserThan: op, onRight: true), into: &out, scope)
        case .call(let f, let args):
            out += fileFormat ? FunctionName.fileName(f.name) : f.name
            out += "("
            var inner = scope
            let isLet = f.name == "LET", isLambda = f.name == "LAMBDA"
            if isLambda {
                for a in args.dropLast() { if let n = Self.declaredName(a) { inner.insert(n.uppercased()) } }
            }
            for (i, a) in args.enumerated() {
                if i > 0 { out += "," }
                let declaration = (isLet && i % 2 == 0 && i < args.count - 1) || (isLambda && i < args.count - 1)
                if isLet && declaration, let n = Self.declaredName(a) { inner.insert(n.uppercased()) }
                write(a, into: &out, isLet || isLambda ? inner : scope)
            }
            out += ")"
        case .parameter(let n):
            out += parameter(n, scope)
        case .apply(let f, let args):
            switch f {
            case .parameter(let n):
                // Plain `f(…)` would read as the function F where there is one.
                out += FunctionLibrary.standard.definition(named: n) == nil ? parameter(n, scope) : "_xlpm." + n
            case .call, .apply: write(f, into: &out, scope)
            default: writeOperand(f, needsParentheses: true, into: &out, scope)
            }
            out += "("
            for (i, a) in args.enumerated() {
                if i > 0 { out += "," }
                write(a, into: &out, scope)
            }
            out += ")"
        }
    }

    private func writeOperand(_ e: Expression, needsParentheses: Bool, into out: inout String, _ scope: Set<String>) {
        if needsParentheses { out += "(" }
        write(e, into: &out, scope)
        if needsParentheses { out += ")" }
    }

    /// A LET or LAMBDA name: `_xlpm.x` in files and wherever it is not bound; plainly `x` where it
    /// is and reads back as a name (not as a cell such as `x1`).
    private func parameter(_ name: String, _ scope: Set<String>) -> String {
        if !fileFormat, scope.contains(name.uppercased()), Self.readsAsName(name) { return name }
        return "_xlpm." + name
    }

    private static func readsAsName(_ name: String) -> Bool {
        guard let e = try? FormulaParser.parse(name) else { return false }
        return e == .name(name)
    }

    /// The name a LET binding or LAMBDA parameter declares (`_xlop.x` for an optional one).
    private static func declaredName(_ e: Expression) -> String? {
        switch e {
        case .parameter(let n): return n
        case .name(let n): return FormulaParser.optionalParameterName(n)
        default: return nil
        }
    }

    private static func isBinary(_ e: Expression) -> Bool {
        if case .binary(let op, _, _) = e { return op != .union }
        return false
    }

    private static func isUnary(_ e: Expression) -> Bool {
        if case .unary = e { return true }
        return false
    }

    /// Whether an operand must be parenthesised under `op`: it binds looser, or equally on the right
    /// (all operators are left-associative). Unary minus under `^` needs none: `-2^2` is `(-2)^2`.
    private static func binds(_ e: Expression, looserThan op: BinaryOperator, onRight: Bool) -> Bool {
        guard case .binary(let inner, _, _) = e, inner != .union else { return false }
        if inner.precedence < op.precedence { return true }
        return inner.precedence == op.precedence && onRight
    }

    private func reference(_ r: ReferenceExpression) -> String {
        var prefix = ""
        switch r.sheets {
        case .current: break
        case .sheet(let s): prefix = (s < sheetNames.count ? SheetName.quotedIfNeeded(sheetNames[s]) : "#REF") + "!"
        case .span(let a, let b):
            let names = [a, b].map { $0 < sheetNames.count ? sheetNames[$0] : "#REF" }
            let plain = names.allSatisfy { SheetName.quotedIfNeeded($0) == $0 }
            prefix = (plain ? names.joined(separator: ":")
                : "'" + names.joined(separator: ":").replacingOccurrences(of: "'", with: "''") + "'") + "!"
        }
        guard let shape = Self.absoluteShape(r.shape, at: cell) else { return prefix + "#REF!" }
        return prefix + FormulaTranslator.write(shape)
    }

    /// The shape with relative offsets turned into indexes for `cell`; nil off the grid.
    static func absoluteShape(_ shape: ReferenceShape, at cell: CellAddress) -> ReferenceShape? {
        FormulaTranslator.move(shape, rows: Int(cell.row), columns: Int(cell.column))
    }

    public static func number(_ n: Double) -> String {
        if n == n.rounded(), abs(n) < 1e15 { return String(Int64(n)) }
        var s = "\(n)".uppercased()
        if let e = s.firstIndex(of: "E"), s[s.index(after: e)] != "-" && s[s.index(after: e)] != "+" {
            s.insert("+", at: s.index(after: e))
        }
        return s
    }

    static func constant(_ v: CellValue) -> String {
        switch v {
        case .number(let n): number(n)
        case .text(let s): "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        case .boolean(let b): b ? "TRUE" : "FALSE"
        case .error(let e): e.text
        case .empty: ""
        }
    }
}

extension FunctionName {
    /// Functions added after Excel 2007 are stored with the `_xlfn.` prefix; without it Excel shows #NAME?.
    public static func fileName(_ name: String) -> String {
        newer.contains(name) ? "_xlfn." + name : name
    }

    static let newer: Set<String> = [
        "AGGREGATE", "ARABIC", "BYCOL", "BYROW", "ISOMITTED", "MAKEARRAY", "MAP", "REDUCE", "SCAN", "BASE", "BETA.DIST", "BETA.INV", "BINOM.DIST", "BINOM.DIST.RANGE", "BINOM.INV", "BITAND",
        "BITLSHIFT", "BITOR", "BITRSHIFT", "BITXOR", "CEILING.MATH", "CEILING.PRECISE", "CHISQ.DIST", "CHISQ.DIST.RT",
        "CHISQ.INV", "CHISQ.INV.RT", "CHISQ.TEST", "CHOOSECOLS", "CHOOSEROWS", "COMBINA", "CONCAT", "CONFIDENCE.NORM",
        "CONFIDENCE.T", "COT", "COTH", "COVARIANCE.P", "COVARIANCE.S", "CSC", "CSCH", "DAYS", "DECIMAL", "DROP",
        "ERF.PRECISE", "ERFC.PRECISE", "EXPAND", "EXPON.DIST", "F.DIST", "F.DIST.RT", "F.INV", "F.INV.RT", "F.TEST",
        "FILTER", "FILTERXML", "FLOOR.MATH", "FLOOR.PRECISE", "FORECAST.ETS", "FORECAST.LINEAR", "FORMULATEXT",
        "GAMMA", "GAMMA.DIST", "GAMMA.INV", "GAMMALN.PRECISE", "GAUSS", "GROUPBY", "HSTACK", "HYPGEOM.DIST", "IFNA",
        "IFS", "IMCOSH", "IMCOT", "IMCSC", "IMCSCH", "IMSEC", "IMSECH", "IMSINH", "IMTAN", "ISFORMULA", "ISOWEEKNUM",
        "LAMBDA", "LET", "LOGNORM.DIST", "LOGNORM.INV", "MAXIFS", "MINIFS", "MODE.MULT", "MODE.SNGL", "MUNIT",
        "NEGBINOM.DIST", "NORM.DIST", "NORM.INV", "NORM.S.DIST", "NORM.S.INV", "NUMBERVALUE", "PDURATION",
        "PERCENTILE.EXC", "PERCENTILE.INC", "PERCENTRANK.EXC", "PERCENTRANK.INC", "PERMUTATIONA", "PHI", "PIVOTBY",
        "POISSON.DIST", "QUARTILE.EXC", "QUARTILE.INC", "RANDARRAY", "RANK.AVG", "RANK.EQ", "RRI", "SEC", "SECH",
        "SEQUENCE", "SHEET", "SHEETS", "SINGLE", "SKEW.P", "SORT", "SORTBY", "STDEV.P", "STDEV.S", "SWITCH", "T.DIST",
        "T.DIST.2T", "T.DIST.RT", "T.INV", "T.INV.2T", "T.TEST", "TAKE", "TEXTAFTER", "TEXTBEFORE", "TEXTJOIN",
        "TEXTSPLIT", "TOCOL", "TOROW", "TRIMRANGE", "UNICHAR", "UNICODE", "UNIQUE", "VAR.P", "VAR.S", "VSTACK",
        "WEIBULL.DIST", "WRAPCOLS", "WRAPROWS", "XLOOKUP", "XMATCH", "XOR", "Z.TEST", "ARRAYTOTEXT", "VALUETOTEXT",
    ]
}
