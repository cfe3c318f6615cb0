/// Engineering functions: unit conversion, number bases, Bessel, error function, complex numbers.
enum EngineeringFunctions {
    static let all: [FunctionDefinition] = []
}
