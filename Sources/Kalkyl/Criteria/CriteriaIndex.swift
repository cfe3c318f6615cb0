/// For one range that criteria test (a ledger column), the rows holding each distinct value, built
/// once per recalculation and shared by every SUMIFS/COUNTIFS/AVERAGEIFS that tests that range, so
/// 3,000 SUMIFS over a 100,000-row ledger do not scan it 3,000 times.
struct CriteriaIndex {
    enum Key: Hashable, Sendable {
        case number(Double)
        case text(String)
        case boolean(Bool)
        case error(ErrorValue)
    }

    /// Offsets (row-major positions in the range) holding each value, ascending.
    private(set) var offsets: [Key: [Int32]] = [:]
    /// How many positions were indexed (the used part of the range when built).
    let count: Int

    init(values: [CellValue]) {
        count = values.count
        // A ledger column repeats a few texts many times: read each as a number once.
        var readTexts: [String: (lower: String, number: Double?)] = [:]
        for (i, v) in values.enumerated() {
            switch v {
            case .number(let n): offsets[.number(n == 0 ? 0 : n), default: []].append(Int32(i))
            case .text(let s):
                let read: (lower: String, number: Double?)
                if let known = readTexts[s] { read = known } else {
                    read = (s.lowercased(), Coercion.parseNumber(s))
                    readTexts[s] = read
                }
                offsets[.text(read.lower), default: []].append(Int32(i))
                // An equality with a number also finds text that reads as that number.
                if let n = read.number { offsets[.number(n == 0 ? 0 : n), default: []].append(Int32(i)) }
            case .boolean(let b): offsets[.boolean(b), default: []].append(Int32(i))
            case .error(let e): offsets[.error(e), default: []].append(Int32(i))
            case .empty: break
            }
        }
    }

    func offsets(for key: Key) -> [Int32] { offsets[key] ?? [] }
}

struct CriteriaIndexKey: Hashable {
    let area: Reference.Area
}
