import Foundation

extension WorkbookGenerator {
    /// The sample inputs in `data/` (see SampleDataPlan.swift for the region behind them).
    static var sampleDataFiles: [(String, (URL) throws -> Void)] {
        [
            ("data/huvudbok-2024.xlsx", { url in
                try SampleDataWriting.writeLedgerXLSX(SampleLedger.rows(year: 2024, months: 1...6), title: "Huvudbok 2024", to: url)
            }),
            ("data/huvudbok-2025.xlsx", { url in
                try SampleDataWriting.writeLedgerXLSX(SampleLedger.rows(year: 2025, months: 1...6), title: "Huvudbok 2025", to: url)
            }),
            ("data/huvudbok-2026-jan-maj.csv", { url in
                try SampleDataWriting.writeLedgerCSV(SampleLedger.rows(year: 2026, months: 1...5), style: SampleCSVStyle(), to: url)
            }),
            ("data/huvudbok-2026-06.csv", { url in
                let style = SampleCSVStyle(encoding: .windows1252, thousandsSeparator: "\u{00A0}", minus: "\u{2013}")
                try SampleDataWriting.writeLedgerCSV(SampleLedger.rows(year: 2026, months: 6...6), style: style, to: url)
            }),
            ("data/vardstatistik.csv", { url in try SampleDataWriting.writeCareStatisticsCSV(to: url) }),
            ("data/README.md", { url in try Data(SampleDataReadme.text().utf8).write(to: url) }),
        ]
    }
}
