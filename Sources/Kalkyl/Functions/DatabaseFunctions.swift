/// Database functions (DSUM, DCOUNT, …): aggregates over the rows of a list that meet a criteria range.
enum DatabaseFunctions {
    static let all: [FunctionDefinition] = []
}
