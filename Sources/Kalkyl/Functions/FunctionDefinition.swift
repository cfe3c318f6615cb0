/// A spreadsheet function: its name, how many arguments it takes, and how it is computed.
///
/// Adding a function is one definition in its family's file (`MathFunctions.swift`, …) and a test in
/// that family's test file; `FunctionLibrary.standard` collects the families.
public struct FunctionDefinition: Sendable {
    public typealias Implementation = @Sendable (_ arguments: [Value], _ context: EvaluationContext) throws -> Value

    public enum Kind: Sendable {
        /// Arguments are evaluated first (references stay references) and passed in.
        case eager(Implementation)
        /// Arguments are evaluated by the evaluator only as needed (IF, IFERROR, CHOOSE, …).
        case lazy(LazyForm)
    }

    public enum LazyForm: Sendable {
        case `if`, ifError, ifNA, ifs, `switch`, choose
        /// LET, LAMBDA and ISOMITTED read their arguments as names (see `LambdaFunctions.swift`).
        case `let`, lambda, isOmitted
    }

    public let name: String
    public let arity: ClosedRange<Int>
    /// Recomputed on every recalculation (NOW, RAND, OFFSET, INDIRECT).
    public let isVolatile: Bool
    /// Arguments are evaluated as arrays even in an ordinary cell (SUMPRODUCT).
    public let evaluatesArgumentsAsArrays: Bool
    /// Positions of arguments that take a single value (MATCH's lookup value, INDEX's row): given an
    /// array there (or a range, in an array formula), the function is applied element by element.
    public let scalarArguments: Set<Int>
    public let kind: Kind

    public init(_ name: String, _ arity: ClosedRange<Int>, volatile: Bool = false, arrayArguments: Bool = false,
                scalarArguments: Set<Int> = [], _ implementation: @escaping Implementation) {
        self.name = name
        self.arity = arity
        isVolatile = volatile
        evaluatesArgumentsAsArrays = arrayArguments
        self.scalarArguments = scalarArguments
        kind = .eager(implementation)
    }

    init(_ name: String, _ arity: ClosedRange<Int>, lazy form: LazyForm) {
        self.name = name
        self.arity = arity
        isVolatile = false
        evaluatesArgumentsAsArrays = false
        scalarArguments = []
        kind = .lazy(form)
    }

    /// A function of single values: arrays and ranges given to it are taken element by element in
    /// an array formula, and by implicit intersection in an ordinary cell. Errors in arguments are
    /// passed to the body, which decides (most return the first one).
    public static func scalar(_ name: String, _ arity: ClosedRange<Int>,
                              _ body: @escaping @Sendable (_ arguments: [CellValue], _ context: EvaluationContext) -> CellValue)
        -> FunctionDefinition {
        FunctionDefinition(name, arity) { arguments, context in
            try context.lift(arguments) { body($0, context) }
        }
    }
}

/// All functions by name.
public struct FunctionLibrary: Sendable {
    private var byName: [String: FunctionDefinition] = [:]

    public init(_ definitions: [FunctionDefinition]) {
        for d in definitions { byName[d.name] = d }
    }

    public func definition(named name: String) -> FunctionDefinition? { byName[name.uppercased()] }

    public var names: [String] { byName.keys.sorted() }

    /// Every function Kalkyl implements, family by family.
    public static let standard = FunctionLibrary(
        LogicalFunctions.all + MathFunctions.all + StatisticalFunctions.all + LookupFunctions.all
            + TextFunctions.all + DateFunctions.all + InformationFunctions.all + FinancialFunctions.all
            + EngineeringFunctions.all + DatabaseFunctions.all + DynamicArrayFunctions.all + LambdaFunctions.all)
}
