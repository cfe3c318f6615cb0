/// Excel's error values. Raw values are the codes ERROR.TYPE returns.
public enum ErrorValue: Int, Error, Sendable, CaseIterable, CustomStringConvertible {
    case null = 1, divisionByZero, value, reference, name, number, notAvailable, gettingData
    case spill = 9, calc = 14

    public var text: String {
        switch self {
        case .null: "#NULL!"
        case .divisionByZero: "#DIV/0!"
        case .value: "#VALUE!"
        case .reference: "#REF!"
        case .name: "#NAME?"
        case .number: "#NUM!"
        case .notAvailable: "#N/A"
        case .gettingData: "#GETTING_DATA"
        case .spill: "#SPILL!"
        case .calc: "#CALC!"
        }
    }

    public var description: String { text }

    /// Recognises an error literal as written in a cell or formula ("#N/A", "#div/0!").
    public init?(text: some StringProtocol) {
        let upper = text.uppercased()
        guard let match = ErrorValue.allCases.first(where: { $0.text == upper }) else { return nil }
        self = match
    }
}
