import Testing
@testable import Kalkyl

/// The list and criteria of the corpus's ironcalc DATABASE workbooks (results as Excel computed them).
@Suite("Database functions")
struct DatabaseFunctionsTests {
    var cells: [String: CellValue] {
        var c: [String: CellValue] = [:]
        let header: [CellValue] = ["Region", "Salesperson", "Quarter", "Product", "Units", "Revenue"]
        let rows: [[CellValue]] = [
            ["East", "Alice", "Q1", "Widget", 120, 12000], ["West", "Bob", "Q1", "Gadget", 80, 9600],
            ["East", "Cara", "Q2", "Widget", 200, 20000], ["South", "Dan", "Q1", "Widget", 150, 15000],
            ["West", "Ella", "Q2", "Gadget", 50, 6000], ["East", "Frank", "Q3", "Gizmo", 300, 30000],
            ["North", "Gina", "Q3", "Widget", 100, 11000], ["West", "Hank", "Q3", "Widget", 400, 38000],
            ["East", "Ivy", "Q4", "Gadget", 250, 24000], ["South", "Jake", "Q4", "Widget", 200, 19800],
        ]
        let columns = ["A", "B", "C", "D", "E", "F"]
        for (i, h) in header.enumerated() { c[columns[i] + "1"] = h }
        for (r, row) in rows.enumerated() { for (i, v) in row.enumerated() { c[columns[i] + String(r + 2)] = v } }
        return c
    }

    func with(_ criteria: [String: CellValue]) -> [String: CellValue] { cells.merging(criteria) { $1 } }

    @Test func orRowsAndAndColumns() {
        // Region East: 4 records.
        let east = with(["H1": "Region", "H2": "East"])
        #expect(calc("=DCOUNT(A1:F11,\"Revenue\",H1:H2)", east) == 4)
        #expect(calc("=DSUM(A1:F11,6,H1:H2)", east) == 86000)
        #expect(calc("=DMIN(A1:F11,\"revenue\",H1:H2)", east) == 12000)
        #expect(calc("=DMAX(A1:F11,F1,H1:H2)", east) == 30000)
        #expect(calc("=DAVERAGE(A1:F11,F1,H1:H2)", east) == 21500)
        #expect(calc("=DPRODUCT(A1:F11,F1,H1:H2)", east) == 1.728e17)
        // (East and Q1) or (West and Q2).
        let or = with(["H1": "Region", "I1": "Quarter", "H2": "East", "I2": "Q1", "H3": "West", "I3": "Q2"])
        #expect(calc("=DSUM(A1:F11,F1,H1:I3)", or) == 18000)
        // Two conditions on one row.
        let and = with(["H1": "Units", "I1": "Revenue", "H2": ">100", "I2": "<20000"])
        #expect(calc("=DCOUNT(A1:F11,F1,H1:I2)", and) == 3)
    }

    @Test func textConditionsMatchBeginnings() {
        #expect(calc("=DCOUNTA(A1:F11,B1,H1:H2)", with(["H1": "Product", "H2": "G*"])) == 4)
        #expect(calc("=DCOUNTA(A1:F11,B1,H1:H2)", with(["H1": "Salesperson", "H2": "*ank"])) == 2)
        #expect(calc("=DCOUNTA(A1:F11,B1,H1:H2)", with(["H1": "Salesperson", "H2": ">E"])) == 6)
        #expect(calc("=DCOUNTA(A1:F11,B1,H1:H2)", with(["H1": "Region", "H2": "Ea"])) == 4)
    }

    @Test func blankConditionsAndUnknownFields() {
        // A blank condition row takes every record; a condition under an unknown name takes none.
        #expect(calc("=DCOUNT(A1:F11,F1,H1:H3)", with(["H1": "Region", "H2": "East"])) == 10)
        #expect(calc("=DCOUNT(A1:F11,F1,H1:H2)", with(["H1": "Revnu"])) == 10)
        #expect(calc("=DCOUNT(A1:F11,F1,H1:H2)", with(["H2": "East"])) == 0)
        #expect(calc("=DAVERAGE(A1:F11,F1,H1:H2)", with(["H1": "Region", "H2": "Central"])) == .error(.divisionByZero))
    }

    @Test func fieldArgument() {
        let east = with(["H1": "Region", "H2": "East"])
        #expect(calc("=DSUM(A1:F11,6.9,H1:H2)", east) == 86000)
        #expect(calc("=DSUM(A1:F11,0,H1:H2)", east) == .error(.value))
        #expect(calc("=DSUM(A1:F11,7,H1:H2)", east) == .error(.value))
        #expect(calc("=DSUM(A1:F11,\"Nope\",H1:H2)", east) == .error(.value))
        #expect(calc("=DSUM(A1:F1,F1,H1:H2)", east) == .error(.value))
        #expect(calc("=DSUM(A1:F11,E1:F1,H1:H2)", east) == .error(.value))
    }

    @Test func dget() {
        #expect(calc("=DGET(A1:F11,F1,H1:H2)", with(["H1": "Salesperson", "H2": "Gina"])) == 11000)
        #expect(calc("=DGET(A1:F11,F1,H1:H2)", with(["H1": "Region", "H2": "East"])) == .error(.number))
        #expect(calc("=DGET(A1:F11,F1,H1:H2)", with(["H1": "Region", "H2": "Central"])) == .error(.value))
    }

    @Test func spread() {
        let west = with(["H1": "Region", "H2": "West"])
        // Revenue of West: 9600, 6000, 38000.
        #expect(close(calc("=DVARP(A1:F11,F1,H1:H2)", west), 204_835_555.55555555))
        #expect(close(calc("=DVAR(A1:F11,F1,H1:H2)", west), 307_253_333.3333333))
        #expect(close(calc("=DSTDEV(A1:F11,F1,H1:H2)", west), 17528.64322568445))
        #expect(close(calc("=DSTDEVP(A1:F11,F1,H1:H2)", west), 14312.077262073299))
    }
}
