import Kalkyl

/// Evaluates one formula in a fresh workbook whose sheet "Blad1" holds `cells`, and returns the
/// value of the formula's cell (Z100 unless `at` says otherwise).
func calc(_ formula: String, _ cells: [String: CellValue] = [:], at: String = "Z100", date1904: Bool = false) -> CellValue {
    let book = Workbook()
    book.date1904 = date1904
    book.addSheet(named: "Blad1")
    for (a1, value) in cells { try! book.setValue(value, at: "Blad1!" + a1) }
    try! book.setFormula(formula, at: "Blad1!" + at)
    book.recalculate()
    return book.value(at: "Blad1!" + at)
}

/// Numbers compare within a relative 1e-9, as the conformance corpus does.
func close(_ value: CellValue, _ expected: Double, tolerance: Double = 1e-9) -> Bool {
    guard case .number(let n) = value else { return false }
    return n == expected || abs(n - expected) <= max(tolerance, tolerance * max(abs(n), abs(expected)))
}

extension CellValue: ExpressibleByFloatLiteral, ExpressibleByIntegerLiteral, ExpressibleByStringLiteral, ExpressibleByBooleanLiteral {
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    public init(stringLiteral value: String) { self = .text(value) }
    public init(booleanLiteral value: Bool) { self = .boolean(value) }
}
