// The made-up region behind the sample ledgers: its divisions and cost centres, the account plan
// grouped into the report lines of the income statement in seeds/004, and the year-to-date totals
// that make a report built from the ledger print DOMAIN.md's reference table.

/// A cost centre ("ansvar"). `size` weighs how much of a line's amounts it books.
struct SampleCostCentre: Sendable {
    let code: Int
    let name: String
    let division: String
    let size: Double

    /// Primary care: the Nära vård division's health centres.
    var isPrimaryCare: Bool { name.hasPrefix("Hälsocentral") }
}

/// An account of a report line: its share of the line and the cost centres that book on it.
struct SampleAccount: Sendable {
    let code: Int
    let name: String
    let share: Double
    let centres: [(code: Int, weight: Double)]
}

/// One line of the income statement ("resultaträkning") as the reports show it, with the
/// year-to-date totals, in kronor, that the ledger must add up to.
struct SampleReportLine: Sendable {
    let name: String
    let accounts: ClosedRange<Int>
    let ledgerAccounts: [SampleAccount]
    /// Belopp jan–maj 2026 ("Ack utfall"), Budget jan–maj 2026 ("Ack budget") and Belopp jan–maj
    /// 2025 ("Ack utfall fg år"), whole kronor.
    let utfall2026: Int64
    let budget2026: Int64
    let utfall2025: Int64

    var isRevenue: Bool { accounts.lowerBound < 4000 }
}

enum SamplePlan {
    static let divisions = ["Medicin", "Kirurgi", "Psykiatri", "Nära vård", "Diagnostik"]

    static let costCentres: [SampleCostCentre] = [
        SampleCostCentre(code: 1110, name: "Medicinkliniken", division: "Medicin", size: 14),
        SampleCostCentre(code: 1120, name: "Akutkliniken", division: "Medicin", size: 8),
        SampleCostCentre(code: 1130, name: "Hjärtkliniken", division: "Medicin", size: 6),
        SampleCostCentre(code: 1210, name: "Kirurgkliniken", division: "Kirurgi", size: 10),
        SampleCostCentre(code: 1220, name: "Ortopedkliniken", division: "Kirurgi", size: 8),
        SampleCostCentre(code: 1230, name: "Anestesi- och operationskliniken", division: "Kirurgi", size: 12),
        SampleCostCentre(code: 1240, name: "Kvinnokliniken", division: "Kirurgi", size: 7),
        SampleCostCentre(code: 1310, name: "Vuxenpsykiatrin", division: "Psykiatri", size: 9),
        SampleCostCentre(code: 1320, name: "Barn- och ungdomspsykiatrin", division: "Psykiatri", size: 5),
        SampleCostCentre(code: 1410, name: "Hälsocentral Centrum", division: "Nära vård", size: 4),
        SampleCostCentre(code: 1420, name: "Hälsocentral Norrstaden", division: "Nära vård", size: 3.5),
        SampleCostCentre(code: 1430, name: "Hälsocentral Älvdalen", division: "Nära vård", size: 2.5),
        SampleCostCentre(code: 1450, name: "Habiliteringen", division: "Nära vård", size: 3),
        SampleCostCentre(code: 1510, name: "Laboratoriemedicin", division: "Diagnostik", size: 4),
        SampleCostCentre(code: 1520, name: "Bild- och funktionsmedicin", division: "Diagnostik", size: 4.5),
    ]

    static func centre(_ code: Int) -> SampleCostCentre { costCentres.first { $0.code == code }! }

    // Groups of cost centres the accounts are booked on.
    static let all = costCentres.map(\.code)
    static let clinical = costCentres.filter { $0.division != "Diagnostik" }.map(\.code)
    static let hospital = costCentres.filter { ["Medicin", "Kirurgi", "Psykiatri"].contains($0.division) }.map(\.code)
    static let healthCentres = costCentres.filter(\.isPrimaryCare).map(\.code)
    static let inpatient = [1110, 1130, 1210, 1220, 1240, 1310]

    /// The centres weighted by size, some of them more (`times`).
    static func sized(_ codes: [Int], times: [Int: Double] = [:]) -> [(code: Int, weight: Double)] {
        codes.map { ($0, centre($0).size * (times[$0] ?? 1)) }
    }

    /// The agency-staff accounts, on which hours are booked.
    static let agencyAccounts: Set<Int> = [5610, 5620, 5690]

    // The totals: chosen (by a small linear program maximising the distance to every rounding
    // boundary, then rounded to kronor) so that every rounded figure of the reference table —
    // the amounts, both Diff columns, the percentage and the three Summa rows — comes out exactly
    // as printed, each at least 137 kr from where its rounding would change.
    static let lines: [SampleReportLine] = [
        SampleReportLine(name: "Patientavgifter", accounts: 3000...3199, ledgerAccounts: [
            SampleAccount(code: 3010, name: "Patientavgifter öppen vård", share: 0.78,
                          centres: sized(clinical, times: [1410: 3, 1420: 3, 1430: 3, 1120: 2])),
            SampleAccount(code: 3020, name: "Patientavgifter sluten vård", share: 0.15, centres: sized(inpatient)),
            SampleAccount(code: 3110, name: "Avgifter för intyg och hjälpmedel", share: 0.07,
                          centres: sized(healthCentres + [1450])),
        ], utfall2026: 49_532_257, budget2026: 63_617_048, utfall2025: 49_016_153),
        SampleReportLine(name: "Försäljning", accounts: 3200...3499, ledgerAccounts: [
            SampleAccount(code: 3210, name: "Såld vård till andra regioner", share: 0.55, centres: sized(hospital)),
            SampleAccount(code: 3310, name: "Försäljning av laboratorie- och röntgentjänster", share: 0.30,
                          centres: sized([1510, 1520])),
            SampleAccount(code: 3410, name: "Försäljning av tjänster till kommuner", share: 0.15,
                          centres: sized(healthCentres + [1450, 1310])),
        ], utfall2026: 289_603_333, budget2026: 290_820_667, utfall2025: 272_955_048),
        SampleReportLine(name: "Erhållna bidrag", accounts: 3500...3799, ledgerAccounts: [
            SampleAccount(code: 3510, name: "Riktade statsbidrag", share: 0.62, centres: sized(all)),
            SampleAccount(code: 3550, name: "Prestationsbaserade statsbidrag", share: 0.30,
                          centres: sized(healthCentres + [1210, 1220, 1230])),
            SampleAccount(code: 3710, name: "Övriga erhållna bidrag", share: 0.08, centres: sized(all)),
        ], utfall2026: 348_538_133, budget2026: 321_851_285, utfall2025: 328_269_076),
        SampleReportLine(name: "Övriga intäkter", accounts: 3800...3999, ledgerAccounts: [
            SampleAccount(code: 3810, name: "Hyresintäkter", share: 0.35, centres: sized([1110, 1210, 1410])),
            SampleAccount(code: 3910, name: "Övriga intäkter", share: 0.65, centres: sized(all)),
        ], utfall2026: 10_382_915, budget2026: 1_968_867, utfall2025: 12_442_715),
        SampleReportLine(name: "Personalkostnader", accounts: 4000...4999, ledgerAccounts: [
            SampleAccount(code: 4010, name: "Löner månadsanställda", share: 0.62, centres: sized(all)),
            SampleAccount(code: 4210, name: "Jour- och beredskapsersättning", share: 0.07,
                          centres: sized(hospital + [1520])),
            SampleAccount(code: 4510, name: "Arbetsgivaravgifter och pensioner", share: 0.31, centres: sized(all)),
        ], utfall2026: -1_271_931_667, budget2026: -1_103_926_305, utfall2025: -1_215_444_333),
        SampleReportLine(name: "Köpt riks- och regionvård", accounts: 5000...5199, ledgerAccounts: [
            SampleAccount(code: 5010, name: "Köpt regionvård", share: 0.70, centres: sized(hospital)),
            SampleAccount(code: 5050, name: "Köpt rikssjukvård", share: 0.25, centres: sized([1110, 1130, 1210, 1240])),
            SampleAccount(code: 5150, name: "Köpt vård utomlands", share: 0.05, centres: sized([1110, 1210])),
        ], utfall2026: -214_873_000, budget2026: -183_385_209, utfall2025: -224_444_791),
        SampleReportLine(name: "Köp av verksamhet", accounts: 5200...5399, ledgerAccounts: [
            SampleAccount(code: 5210, name: "Köpt vård privata vårdgivare", share: 0.70, centres: sized([1220, 1240, 1310])),
            SampleAccount(code: 5310, name: "Köpt verksamhet från kommuner", share: 0.30,
                          centres: sized(healthCentres + [1450])),
        ], utfall2026: -10_124_133, budget2026: -8_460_285, utfall2025: -7_197_057),
        SampleReportLine(name: "Verksamhetsanknutna tjänster", accounts: 5400...5599, ledgerAccounts: [
            SampleAccount(code: 5410, name: "Laboratorietjänster", share: 0.40, centres: sized(clinical)),
            SampleAccount(code: 5450, name: "Bild- och funktionstjänster", share: 0.30, centres: sized(hospital)),
            SampleAccount(code: 5510, name: "Sjukresor och sjuktransporter", share: 0.30,
                          centres: sized([1110, 1120, 1210, 1310] + healthCentres)),
        ], utfall2026: -231_150_152, budget2026: -223_440_859, utfall2025: -220_767_285),
        // Split over its accounts by `agencyParts`, not by shares.
        SampleReportLine(name: "Inhyrd bemanning", accounts: 5600...5699, ledgerAccounts: [],
                   utfall2026: -93_630_943, budget2026: 0, utfall2025: -101_337_076),
        SampleReportLine(name: "Läkemedel", accounts: 5700...5799, ledgerAccounts: [
            SampleAccount(code: 5710, name: "Läkemedel inom förmånen", share: 0.45,
                          centres: sized(healthCentres + [1310, 1320])),
            SampleAccount(code: 5720, name: "Rekvisitionsläkemedel", share: 0.50, centres: sized(hospital)),
            SampleAccount(code: 5790, name: "Vacciner och övriga läkemedel", share: 0.05, centres: sized(healthCentres)),
        ], utfall2026: -271_051_133, budget2026: -290_971_361, utfall2025: -267_699_057),
        SampleReportLine(name: "Sjukvårdsart, övr mat o varor", accounts: 5800...5999, ledgerAccounts: [
            SampleAccount(code: 5810, name: "Sjukvårdsartiklar", share: 0.65, centres: sized(clinical, times: [1230: 2])),
            SampleAccount(code: 5910, name: "Livsmedel", share: 0.10, centres: sized(inpatient)),
            SampleAccount(code: 5950, name: "Förbrukningsmaterial", share: 0.25, centres: sized(all)),
        ], utfall2026: -135_809_133, budget2026: -111_937_285, utfall2025: -123_245_209),
        SampleReportLine(name: "Lämnade bidrag", accounts: 6000...6099, ledgerAccounts: [
            SampleAccount(code: 6010, name: "Bidrag till föreningar och organisationer", share: 0.60,
                          centres: sized([1310, 1320, 1450])),
            SampleAccount(code: 6050, name: "Övriga lämnade bidrag", share: 0.40, centres: sized([1110, 1410])),
        ], utfall2026: -1_918_209, budget2026: -1_514_076, utfall2025: -2_007_078),
        SampleReportLine(name: "Fastighetskostnader", accounts: 6100...6299, ledgerAccounts: [
            SampleAccount(code: 6110, name: "Lokalhyror", share: 0.75, centres: sized(all)),
            SampleAccount(code: 6210, name: "Energi och vatten", share: 0.10, centres: sized(all)),
            SampleAccount(code: 6250, name: "Lokalvård", share: 0.15, centres: sized(all)),
        ], utfall2026: -28_602_067, budget2026: -28_972_095, utfall2025: -27_883_228),
        SampleReportLine(name: "Konsultkostnader", accounts: 6300...6399, ledgerAccounts: [
            SampleAccount(code: 6310, name: "IT-konsulter", share: 0.45, centres: sized([1110, 1510, 1520])),
            SampleAccount(code: 6350, name: "Övriga konsulttjänster", share: 0.55, centres: sized(all)),
        ], utfall2026: -7_204_735, budget2026: -10_750_848, utfall2025: -8_957_811),
        SampleReportLine(name: "Övriga kostnader", accounts: 6400...7699, ledgerAccounts: [
            SampleAccount(code: 6410, name: "IT-tjänster och licenser", share: 0.40, centres: sized(all)),
            SampleAccount(code: 6910, name: "Resor, kurser och konferenser", share: 0.15, centres: sized(all)),
            SampleAccount(code: 7510, name: "Försäkringar och övriga kostnader", share: 0.45, centres: sized(all)),
        ], utfall2026: -81_426_209, budget2026: -58_620_181, utfall2025: -78_877_198),
        SampleReportLine(name: "Avskrivningar/finansnetto", accounts: 7700...8999, ledgerAccounts: [
            SampleAccount(code: 7810, name: "Avskrivningar maskiner och inventarier", share: 0.85,
                          centres: sized(all, times: [1510: 3, 1520: 3])),
            SampleAccount(code: 8410, name: "Räntekostnader", share: 0.15, centres: sized(all)),
        ], utfall2026: -15_496_924, budget2026: -16_153_133, utfall2025: -15_467_867),
    ]

    /// Agency staff by group, jan–maj totals in kronor per year, proportioned as seed 004's
    /// "Bemanningsföretag" table (2024: 143, 2025: 102, 2026: 94 mkr; doctors 78/62/57 of which
    /// primary care 25/24/23; nurses 63/38/35; others 2). The last part takes what is left of the
    /// line's total. `fullTimePosts` is the seed's "motsvarar antal årstjänster" for jan–apr 2026,
    /// which the hours are made to give at 165 hours a month.
    struct AgencyPart: Sendable {
        let account: Int
        let name: String
        let centres: [(code: Int, weight: Double)]
        let amounts: [Int: Int64]
        let fullTimePosts: Int
    }

    static let agencyParts: [AgencyPart] = [
        AgencyPart(account: 5610, name: "Inhyrda läkare",
                   centres: sized([1110, 1120, 1130, 1210, 1230, 1240, 1310, 1320, 1520],
                                  times: [1110: 3, 1310: 1.5, 1320: 1.5]),
                   amounts: [2024: -53_100_000, 2025: -37_500_000, 2026: -33_850_000], fullTimePosts: 18),
        AgencyPart(account: 5610, name: "Inhyrda läkare",
                   centres: sized(healthCentres, times: [1410: 0.6, 1420: 1.2, 1430: 2]),
                   amounts: [2024: -25_100_000, 2025: -24_100_000, 2026: -22_900_000], fullTimePosts: 16),
        AgencyPart(account: 5620, name: "Inhyrda sjuksköterskor",
                   centres: sized([1110, 1120, 1130, 1210, 1230, 1240, 1310] + healthCentres, times: [1230: 1.5]),
                   amounts: [2024: -62_800_000, 2025: -37_750_000, 2026: -34_900_000], fullTimePosts: 37),
        AgencyPart(account: 5690, name: "Övrig inhyrd personal", centres: sized([1450, 1510, 1520]),
                   amounts: [2024: -2_050_000], fullTimePosts: 2),
    ]

    /// Agency prices rose 4.1 % from 1 January 2026 (seed 004) and, say, 3 % a year before.
    static let agencyPriceIndex: [Int: Double] = [2024: 1 / (1.041 * 1.03), 2025: 1 / 1.041, 2026: 1]
}
