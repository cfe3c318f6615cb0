import Foundation

// Workbooks/data/README.md, written from the same plan as the data so the two cannot disagree.

enum SampleDataReadme {
    static func text() -> String {
        var s = """
        # Sample inputs

        Synthetic ledger exports and activity statistics of a made-up Swedish healthcare region, for
        trying and testing the report templates in `../templates/`. Nothing here is real data.

        **Generated — do not edit by hand.** The files are written by `Workbooks/Generator/SampleData*.swift`
        (`swift run kalkyl-workbooks Workbooks`) with a seeded generator of its own
        (SplitMix64), so every run gives the same bytes; `Tests/KalkylReportsTests/SampleDataTests.swift`
        regenerates them and compares, and checks the totals below.

        ## Files

        | file | what | form |
        |---|---|---|
        | `huvudbok-2024.xlsx` | ledger January–June 2024 (periods 202401–202406) | sheet "Huvudbok", header row bold and frozen, amounts `#,##0.00` |
        | `huvudbok-2025.xlsx` | ledger January–June 2025 | as above |
        | `huvudbok-2026-jan-maj.csv` | ledger January–May 2026, the year-to-date export of the report month maj-26 | `;` separated, decimal comma, space as thousands separator (`-1 234 567,50`), UTF-8 with BOM, CRLF |
        | `huvudbok-2026-06.csv` | ledger June 2026, the next month's export | as above but Windows-1252, non-breaking space (0xA0) as thousands separator and an en dash (0x96) as minus — U+2212 has no Windows-1252 byte |
        | `vardstatistik.csv` | primary-care contacts per month, unit and kind, January–June 2025 and 2026 | `;` separated, UTF-8 with BOM, CRLF |

        ## Ledger columns

        `Period;Division;Ansvar;Ansvarsnamn;Konto;Kontonamn;Belopp;Budget;Timmar` — one row per period,
        cost centre and account.

        | column | content |
        |---|---|
        | Period | yyyymm as a number (`202605`) |
        | Division | the division of the cost centre |
        | Ansvar, Ansvarsnamn | cost centre code (4 digits) and name |
        | Konto, Kontonamn | account code (4 digits) and name |
        | Belopp | utfall in kronor with öre; revenues positive, costs negative |
        | Budget | budget in kronor, same signs; 0 on the agency-staff accounts (not budgeted) |
        | Timmar | hours, only on the agency-staff accounts 5610, 5620 and 5690; empty elsewhere |

        ## Divisions and cost centres

        | Division | Ansvar | Ansvarsnamn |
        |---|---|---|

        """
        for c in SamplePlan.costCentres {
            s += "| \(c.division) | \(c.code) | \(c.name)\(c.isPrimaryCare ? " (primary care)" : "") |\n"
        }
        s += """

        ## Account plan

        Each report line of the income statement in seed 004 sums an account range; the ledger uses the
        accounts listed in each range.

        | report line | range | accounts |
        |---|---|---|

        """
        for line in SamplePlan.lines {
            let accounts = line.ledgerAccounts.isEmpty
                ? Array(Set(SamplePlan.agencyParts.map { "\($0.account) \($0.name)" })).sorted()
                : line.ledgerAccounts.map { "\($0.code) \($0.name)" }
            s += "| \(line.name) | \(line.accounts.lowerBound)–\(line.accounts.upperBound) | \(accounts.joined(separator: "; ")) |\n"
        }
        s += """

        ## What matches DOMAIN.md

        Summing Belopp and Budget of periods 202601–202605 and Belopp of 202501–202505 over the whole
        organisation per report line gives these totals (kronor). In tkr, rounded to whole tkr, they print
        exactly DOMAIN.md's reference table (seed 004, January–May 2026): Ack utfall, Ack budget, Ack utfall
        fg år, both Diff columns (computed before rounding), Utfall diff % to one decimal, and the rows Summa
        Intäkter, Summa Bruttokostnader and Summa Verksamhetens nettokostnader. The totals were chosen by a
        small linear program that keeps every one of those figures at least 137 kr from a rounding
        boundary; the generator then splits each total over accounts, months and cost centres in whole
        öre, so the parts add up exactly.

        | report line | Ack utfall 2026 | Ack budget 2026 | Ack utfall 2025 |
        |---|---:|---:|---:|

        """
        let plain = SampleCSVStyle()
        for line in SamplePlan.lines {
            s += "| \(line.name) | \(plain.amount(line.utfall2026 * 100)) | \(plain.amount(line.budget2026 * 100)) | \(plain.amount(line.utfall2025 * 100)) |\n"
        }
        s += """

        Budgets for 2025 and everything of 2024 are plausible (about 4 % growth a year); June of each year
        is about an average month.

        ## Agency staff (Inhyrd bemanning)

        Split like seed 004's "Bemanningsföretag" table: January–May cost in mkr and, from the hours, full-time
        posts at 165 hours a month. January–April 2026 has exactly the seed's posts (doctors 34 of which primary
        care 16, nurses 37, others 2); other months use the same hourly prices, 4.1 % lower in 2025 (the seed's
        price rise from 1 January 2026) and 3 % lower again in 2024. January–May of each year is at the seed's
        column for that year (143, 102, 94 mkr), except that 2025's total is the reference table's 101,3 mkr.

        | group | account | 2024 mkr | 2025 mkr | 2026 mkr | posts jan–apr 2026 |
        |---|---|---:|---:|---:|---:|

        """
        for group in agencyGroups() {
            s += "| \(group.name) | \(group.account) | \(group.mkr[0]) | \(group.mkr[1]) | \(group.mkr[2]) | \(group.posts) |\n"
        }
        s += """

        ## Vårdstatistik

        `Period;Enhet;Kontakttyp;Antal` — Period yyyymm, Enhet one of \(SampleCareStatistics.units.map { "\"\($0)\"" }.joined(separator: ", ")),
        Kontakttyp one of the six kinds below. January–May summed over all units is seed 004's table
        ("Vårdkontakter öppenvård: Hälsocentraler, vaccinations- och ungdomsmottagningar, 1177 direkt"):

        | Kontakttyp | maj-25 | maj-26 |
        |---|---:|---:|

        """
        for kind in SampleCareStatistics.kinds {
            s += "| \(kind.name) | \(plain.integer(kind.yearToDate[2025]!)) | \(plain.integer(kind.yearToDate[2026]!)) |\n"
        }
        s += "\nThe five kinds other than Uteblivna vårdkontakter add up to 391 268 (maj-25) and 392 905 (maj-26).\n"
        return s
    }

    /// The agency groups' January–May cost (mkr, one decimal) and January–April 2026 posts, from the rows.
    private static func agencyGroups() -> [(name: String, account: String, mkr: [String], posts: String)] {
        let groups: [(String, String, (SampleLedgerRow) -> Bool)] = [
            ("Läkare", "5610", { $0.account == 5610 }),
            ("varav sjukhus", "5610", { $0.account == 5610 && !SamplePlan.centre($0.centre).isPrimaryCare }),
            ("varav primärvård (hälsocentraler)", "5610", { $0.account == 5610 && SamplePlan.centre($0.centre).isPrimaryCare }),
            ("Sjuksköterskor", "5620", { $0.account == 5620 }),
            ("Övriga", "5690", { $0.account == 5690 }),
            ("Totalt", "5610–5690", { SamplePlan.agencyAccounts.contains($0.account) }),
        ]
        return groups.map { name, account, member in
            let mkr = SampleLedger.years.map { year -> String in
                let ore = SampleLedger.rows(year: year, months: 1...5).filter(member).map(\.belopp).reduce(0, +)
                let tenths = SampleSplit.round(Double(-ore) / 10_000_000)
                return "\(tenths / 10),\(tenths % 10)"
            }
            let hours = SampleLedger.rows(year: 2026, months: 1...4).filter(member).compactMap(\.hours).reduce(0, +)
            let hundredths = SampleSplit.round(Double(hours) / (165 * 4) * 100)
            return (name, account, mkr, "\(hundredths / 100),\(hundredths % 100 < 10 ? "0" : "")\(hundredths % 100)")
        }
    }
}
