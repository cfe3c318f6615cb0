/// Functions that return arrays which spill (SORT, FILTER, UNIQUE, VSTACK, …).
enum DynamicArrayFunctions {
    static let all: [FunctionDefinition] = []
}
