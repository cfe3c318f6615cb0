/// Information functions: IS* tests, NA, and friends.
enum InformationFunctions {
    static let all: [FunctionDefinition] = [
        test("ISBLANK") { if case .empty = $0 { true } else { false } },
        test("ISNUMBER") { if case .number = $0 { true } else { false } },
        test("ISTEXT") { if case .text = $0 { true } else { false } },
        test("ISNONTEXT") { if case .text = $0 { false } else { true } },
        test("ISLOGICAL") { if case .boolean = $0 { true } else { false } },
        test("ISERROR") { if case .error = $0 { true } else { false } },
        test("ISERR") { if case .error(let e) = $0 { e != .notAvailable } else { false } },
        test("ISNA") { if case .error(.notAvailable) = $0 { true } else { false } },
        FunctionDefinition("NA", 0...0) { _, _ in .error(.notAvailable) },
    ]

    /// A test of one value; ranges are tested by implicit intersection (element-wise in arrays).
    static func test(_ name: String, _ predicate: @escaping @Sendable (CellValue) -> Bool) -> FunctionDefinition {
        .scalar(name, 1...1) { args, _ in .boolean(predicate(args[0])) }
    }
}
