// Activity statistics ("vårdstatistik") of the sample region's primary care: contacts per month,
// unit and kind of contact, whose January–May sums are seed 004's table (maj-25 and maj-26).

/// One row: a count of contacts of one kind at one unit in one month.
struct SampleCareStatisticsRow: Sendable, Equatable {
    let period: Int
    let unit: String
    let kind: String
    let count: Int64
}

enum SampleCareStatistics {
    static let header = ["Period", "Enhet", "Kontakttyp", "Antal"]
    static let years = [2025, 2026]

    /// The health centres of the ledger and the units seed 004 counts with them.
    static let units = ["Hälsocentral Centrum", "Hälsocentral Norrstaden", "Hälsocentral Älvdalen",
                        "Vaccinationsmottagningen", "Ungdomsmottagningen", "1177 direkt"]

    /// A kind of contact, its jan–maj totals for 2025 and 2026 (seed 004, "Vårdkontakter
    /// öppenvård: Hälsocentraler, vaccinations- och ungdomsmottagningar, 1177 direkt") and how
    /// much of it each unit has (0: none, no row).
    struct Kind: Sendable {
        let name: String
        let yearToDate: [Int: Int64]
        let unitWeights: [Double]
    }

    static let kinds: [Kind] = [
        Kind(name: "Besök på vårdinrättning", yearToDate: [2025: 175_899, 2026: 170_592],
             unitWeights: [1.0, 0.8, 0.6, 0.35, 0.25, 0]),
        Kind(name: "Besök utanför vårdinrättning", yearToDate: [2025: 7_879, 2026: 7_696],
             unitWeights: [1.0, 0.9, 0.8, 0.3, 0.05, 0]),
        Kind(name: "Distansoberoende kontakter", yearToDate: [2025: 16_057, 2026: 20_588],
             unitWeights: [0.5, 0.4, 0.3, 0.05, 0.2, 1.2]),
        Kind(name: "Telefon- och brevkontakter", yearToDate: [2025: 101_877, 2026: 100_543],
             unitWeights: [1.0, 0.8, 0.6, 0.2, 0.15, 2.0]),
        Kind(name: "Övriga vårdkontakter och administration", yearToDate: [2025: 89_556, 2026: 93_486],
             unitWeights: [1.0, 0.8, 0.6, 0.3, 0.2, 0.4]),
        Kind(name: "Uteblivna vårdkontakter", yearToDate: [2025: 2_389, 2026: 2_749],
             unitWeights: [1.0, 0.8, 0.6, 0.4, 0.5, 0]),
    ]

    /// January–June of 2025 and 2026, in period, unit and kind order.
    static let rows: [SampleCareStatisticsRow] = {
        var rows: [SampleCareStatisticsRow] = []
        for year in years {
            for (ki, kind) in kinds.enumerated() {
                var rng = SampleRandom(year, ki, 7)
                let total = kind.yearToDate[year]!
                // Fewer visits in February, more in March; June a little under an average month.
                var byMonth = SampleSplit.split(total, weights: [1.0, 0.93, 1.06, 0.98, 1.03].map { $0 * rng.around(0.04) })
                byMonth.append(SampleSplit.round(Double(total) / 5 * 0.92 * rng.around(0.04)))
                let present = kind.unitWeights.indices.filter { kind.unitWeights[$0] > 0 }
                for month in 1...6 {
                    let counts = SampleSplit.split(byMonth[month - 1], weights: present.map { kind.unitWeights[$0] * rng.around(0.08) })
                    for (i, u) in present.enumerated() {
                        rows.append(SampleCareStatisticsRow(period: year * 100 + month, unit: units[u], kind: kind.name, count: counts[i]))
                    }
                }
            }
        }
        let unitOrder = Dictionary(uniqueKeysWithValues: units.enumerated().map { ($1, $0) })
        let kindOrder = Dictionary(uniqueKeysWithValues: kinds.enumerated().map { ($1.name, $0) })
        return rows.sorted { ($0.period, unitOrder[$0.unit]!, kindOrder[$0.kind]!) < ($1.period, unitOrder[$1.unit]!, kindOrder[$1.kind]!) }
    }()
}
