/// Financial functions.
enum FinancialFunctions {
    static let all: [FunctionDefinition] = []
}
