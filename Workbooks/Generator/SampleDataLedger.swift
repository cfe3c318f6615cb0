// The ledger rows ("huvudbok") of the sample region for January–June 2024, 2025 and 2026: one row
// per period, cost centre and account, amounts in öre so that every split adds up exactly.

/// One ledger row. Amounts in öre, revenues positive and costs negative; hours only on the
/// agency-staff accounts.
struct SampleLedgerRow: Sendable, Equatable {
    let period: Int
    let centre: Int
    let account: Int
    let accountName: String
    let belopp: Int64
    let budget: Int64
    var hours: Int64?

    var year: Int { period / 100 }
    var month: Int { period % 100 }
}

enum SampleLedger {
    static let years = [2024, 2025, 2026]
    static let months = 1...6

    /// The columns of every ledger file, in order.
    static let header = ["Period", "Division", "Ansvar", "Ansvarsnamn", "Konto", "Kontonamn", "Belopp", "Budget", "Timmar"]

    /// Every row of the three years, in period, division, cost centre and account order.
    static let rows: [SampleLedgerRow] = generate()

    static func rows(year: Int, months: ClosedRange<Int>) -> [SampleLedgerRow] {
        rows.filter { $0.year == year && months.contains($0.month) }
    }

    /// Jan–maj totals of one line (whole kronor) for a year: the reference table's for 2026 and
    /// for 2025's utfall; budgets and 2024 follow with plausible growth.
    static func yearToDate(_ line: SampleReportLine, index: Int, year: Int) -> (utfall: Int64, budget: Int64) {
        var rng = SampleRandom(year, index, 1)
        let budget2025 = SampleSplit.round(Double(line.budget2026) / 1.04 * rng.around(0.02))
        switch year {
        case 2026: return (line.utfall2026, line.budget2026)
        case 2025: return (line.utfall2025, budget2025)
        default:
            if line.ledgerAccounts.isEmpty {  // agency staff: the parts' 2024 amounts
                return (SamplePlan.agencyParts.map { $0.amounts[2024]! }.reduce(0, +), 0)
            }
            return (SampleSplit.round(Double(line.utfall2025) / 1.045 * rng.around(0.03)),
                    SampleSplit.round(Double(budget2025) / 1.035 * rng.around(0.01)))
        }
    }

    /// A line's parts for a year: account, name, centres, jan–maj utfall and budget in öre, and
    /// the agency part it is (for the hours).
    private struct Part {
        let account: Int
        let name: String
        let centres: [(code: Int, weight: Double)]
        let utfall: Int64
        let budget: Int64
        let agencyPart: Int?
    }

    private static func parts(of line: SampleReportLine, index: Int, year: Int) -> [Part] {
        let total = yearToDate(line, index: index, year: year)
        if line.ledgerAccounts.isEmpty {
            let agency = SamplePlan.agencyParts
            var amounts = agency.dropLast().map { $0.amounts[year]! }
            amounts.append(agency.last!.amounts[year] ?? total.utfall - amounts.reduce(0, +))
            return agency.indices.map { i in
                Part(account: agency[i].account, name: agency[i].name, centres: agency[i].centres,
                     utfall: amounts[i] * 100, budget: 0, agencyPart: i)
            }
        }
        var rng = SampleRandom(year, index, 2)
        let accounts = line.ledgerAccounts
        let utfall = SampleSplit.split(total.utfall * 100, weights: accounts.map { $0.share * rng.around(0.06) })
        let budget = SampleSplit.split(total.budget * 100, weights: accounts.map { $0.share * rng.around(0.02) })
        return accounts.indices.map { i in
            Part(account: accounts[i].code, name: accounts[i].name, centres: accounts[i].centres,
                 utfall: utfall[i], budget: budget[i], agencyPart: nil)
        }
    }

    /// How utfall falls over January–May (February short, May with spring activity); budgets are
    /// spread evenly.
    private static let monthProfile = [0.97, 0.94, 1.03, 1.00, 1.06]

    private static func generate() -> [SampleLedgerRow] {
        var rows: [SampleLedgerRow] = []
        var agencyPartOfRow: [Int: Int] = [:]
        for year in years {
            for (li, line) in SamplePlan.lines.enumerated() {
                for (pi, part) in parts(of: line, index: li, year: year).enumerated() {
                    var rng = SampleRandom(year, li, pi, 3)
                    // Jan–maj exactly the part's total; June about an average month.
                    var utfallByMonth = SampleSplit.split(part.utfall, weights: monthProfile.map { $0 * rng.around(0.03) })
                    utfallByMonth.append(SampleSplit.round(Double(part.utfall) / 5 * 1.02 * rng.around(0.04)))
                    var budgetByMonth = SampleSplit.split(part.budget, weights: monthProfile.map { _ in rng.around(0.005) })
                    budgetByMonth.append(SampleSplit.round(Double(part.budget) / 5 * rng.around(0.005)))
                    for month in months {
                        let utfall = SampleSplit.split(utfallByMonth[month - 1], weights: part.centres.map { $0.weight * rng.around(0.12) })
                        let budget = SampleSplit.split(budgetByMonth[month - 1], weights: part.centres.map { $0.weight * rng.around(0.02) })
                        for (ci, centre) in part.centres.enumerated() {
                            if let a = part.agencyPart { agencyPartOfRow[rows.count] = a }
                            rows.append(SampleLedgerRow(period: year * 100 + month, centre: centre.code, account: part.account,
                                                  accountName: part.name, belopp: utfall[ci], budget: budget[ci]))
                        }
                    }
                }
            }
        }
        addAgencyHours(to: &rows, parts: agencyPartOfRow)
        let divisionOrder = Dictionary(uniqueKeysWithValues: SamplePlan.divisions.enumerated().map { ($1, $0) })
        func key(_ r: SampleLedgerRow) -> (Int, Int, Int, Int) {
            (r.period, divisionOrder[SamplePlan.centre(r.centre).division]!, r.centre, r.account)
        }
        return rows.sorted { key($0) < key($1) }
    }

    /// Hours on the agency rows. For January–April 2026 each group's hours are exactly the seed's
    /// full-time posts × 165 h × 4 months, spread by cost; that gives each group's hourly price,
    /// which (adjusted by the price index for 2024 and 2025) turns every other month's cost into
    /// hours.
    private static func addAgencyHours(to rows: inout [SampleLedgerRow], parts: [Int: Int]) {
        for (a, part) in SamplePlan.agencyParts.enumerated() {
            let mine = parts.filter { $0.value == a }.map(\.key).sorted()
            let base = mine.filter { rows[$0].year == 2026 && rows[$0].month <= 4 }
            let targetHours = Int64(part.fullTimePosts * 165 * 4)
            let baseHours = SampleSplit.split(targetHours, weights: base.map { Double(rows[$0].belopp.magnitude) })
            for (i, r) in base.enumerated() { rows[r].hours = baseHours[i] }
            let orePerHour = Double(base.map { rows[$0].belopp.magnitude }.reduce(0, +)) / Double(targetHours)
            for r in mine where rows[r].hours == nil {
                let price = orePerHour * SamplePlan.agencyPriceIndex[rows[r].year]!
                rows[r].hours = SampleSplit.round(Double(rows[r].belopp.magnitude) / price)
            }
        }
    }
}
