import Foundation

/// Matches the columns of an input file to the columns a template asks for, by name: without
/// regard to case, accents, spaces and punctuation, and with the synonyms finance exports use.
public struct ColumnMatching: Sendable {
    /// Canonical name → other names meaning the same column.
    public static let standardSynonyms: [String: [String]] = [
        "belopp": ["amount", "utfall", "summa", "sum", "value", "varde"],
        "period": ["manad", "month", "period", "bokforingsperiod"],
        "ar": ["year", "rakenskapsar", "bokforingsar"],
        "ansvar": ["kostnadsstalle", "ks", "costcentre", "costcenter", "ansvarsenhet", "enhet"],
        "konto": ["account", "kontonummer", "kto"],
        "kontonamn": ["accountname", "kontobenamning", "kontotext"],
        "division": ["forvaltning", "omrade", "verksamhetsomrade", "division"],
        "budget": ["budgetbelopp", "bud"],
    ]

    private var canonicalByName: [String: String] = [:]

    public init(synonyms: [String: [String]] = ColumnMatching.standardSynonyms) {
        for (canonical, others) in synonyms {
            let c = Self.normalize(canonical)
            canonicalByName[c] = c
            for o in others { canonicalByName[Self.normalize(o)] = c }
        }
    }

    /// "Kostnadsställe " → "kostnadsstalle"; "Ack. utfall" → "ackutfall".
    public static func normalize(_ name: String) -> String {
        let folded = name.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: Locale(identifier: "sv_SE"))
        return String(folded.lowercased().unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) }.map(Character.init))
    }

    /// The canonical name of a header (itself, normalized, when it has no synonym).
    public func canonical(_ header: String) -> String {
        let n = Self.normalize(header)
        return canonicalByName[n] ?? n
    }

    /// For each wanted column, the index of the input column that matches it, or nil.
    public func match(wanted: [String], in headers: [String]) -> [Int?] {
        let inputs = headers.map(canonical)
        return wanted.map { w in inputs.firstIndex(of: canonical(w)) }
    }
}
