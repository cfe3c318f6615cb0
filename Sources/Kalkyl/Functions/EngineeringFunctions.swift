#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Engineering functions: unit conversion, number bases, bit operations, Bessel, error function,
/// complex numbers.
enum EngineeringFunctions {
    static let all: [FunctionDefinition] = conversions + bases + bits + special + complex

    // MARK: - CONVERT, DELTA, GESTEP

    static let conversions: [FunctionDefinition] = [
        eng("CONVERT", 3...3) { a in
            let x = try a.n(0)
            let from = try a.unitName(1), to = try a.unitName(2)
            guard let r = UnitConversion.convert(x, from: from, to: to) else { return .error(.notAvailable) }
            return .number(r)
        },
        eng("DELTA", 1...2) { a in
            let x = try a.n(0), y = try a.n(1)
            return .number(x == y ? 1 : 0)
        },
        eng("GESTEP", 1...2) { a in
            let x = try a.n(0), step = try a.n(1)
            return .number(x >= step ? 1 : 0)
        },
    ]

    // MARK: - Number bases

    static let bases: [FunctionDefinition] = [
        base("BIN2DEC", from: 2, to: nil),
        base("BIN2HEX", from: 2, to: 16),
        base("BIN2OCT", from: 2, to: 8),
        base("HEX2BIN", from: 16, to: 2),
        base("HEX2DEC", from: 16, to: nil),
        base("HEX2OCT", from: 16, to: 8),
        base("OCT2BIN", from: 8, to: 2),
        base("OCT2DEC", from: 8, to: nil),
        base("OCT2HEX", from: 8, to: 16),
        decimal("DEC2BIN", to: 2),
        decimal("DEC2HEX", to: 16),
        decimal("DEC2OCT", to: 8),
    ]

    /// The range a 10-digit two's complement number of a base covers.
    static func limit(_ radix: Int) -> Int64 {
        switch radix {
        case 2: 1 << 9
        case 8: 1 << 29
        default: 1 << 39
        }
    }

    /// Reads up to 10 digits of a base; a 10-digit number with the top digit's high bit set is negative.
    static func parse(_ text: String, radix: Int) -> Int64? {
        guard text.count <= 10 else { return nil }
        if text.isEmpty { return 0 }
        var value: Int64 = 0
        for c in text {
            guard let d = c.hexDigitValue, d < radix else { return nil }
            value = value * Int64(radix) + Int64(d)
        }
        let full: Int64 = radix == 2 ? 1 << 10 : radix == 8 ? 1 << 30 : 1 << 40
        if text.count == 10, value >= full / 2 { value -= full }
        return value
    }

    /// Writes a number in a base: negative numbers as 10-digit two's complement (places ignored),
    /// others padded to `places` digits.
    static func format(_ value: Int64, radix: Int, places: Int?) -> CellValue {
        let lim = limit(radix)
        guard value >= -lim, value < lim else { return .error(.number) }
        if value < 0 {
            let full: Int64 = radix == 2 ? 1 << 10 : radix == 8 ? 1 << 30 : 1 << 40
            return .text(String(value + full, radix: radix).uppercased())
        }
        let digits = String(value, radix: radix).uppercased()
        guard let places else { return .text(digits) }
        guard places >= digits.count else { return .error(.number) }
        return .text(String(repeating: "0", count: places - digits.count) + digits)
    }

    static func base(_ name: String, from: Int, to: Int?) -> FunctionDefinition {
        eng(name, to == nil ? 1...1 : 1...2) { a in
            let text = try a.digits(0)
            guard let value = parse(text, radix: from) else { return .error(.number) }
            guard let to else { return .number(Double(value)) }
            return format(value, radix: to, places: try a.places(1))
        }
    }

    static func decimal(_ name: String, to: Int) -> FunctionDefinition {
        eng(name, 1...2) { a in
            let x = try a.n(0).rounded(.towardZero)
            let lim = Double(limit(to))
            guard x >= -lim, x < lim else { return .error(.number) }
            return format(Int64(x), radix: to, places: try a.places(1))
        }
    }

    // MARK: - Bit operations

    static let bits: [FunctionDefinition] = [
        bitwise("BITAND", &),
        bitwise("BITOR", |),
        bitwise("BITXOR", ^),
        shift("BITLSHIFT", left: true),
        shift("BITRSHIFT", left: false),
    ]

    static let bitLimit = 281474976710656.0  // 2^48

    static func bitOperand(_ x: Double) throws -> UInt64 {
        guard x >= 0, x < bitLimit, x == x.rounded() else { throw ErrorValue.number }
        return UInt64(x)
    }

    static func bitwise(_ name: String, _ op: @escaping @Sendable (UInt64, UInt64) -> UInt64) -> FunctionDefinition {
        eng(name, 2...2, atp: false) { a in
            let x = try a.n(0), y = try a.n(1)
            return .number(Double(op(try bitOperand(x), try bitOperand(y))))
        }
    }

    static func shift(_ name: String, left: Bool) -> FunctionDefinition {
        eng(name, 2...2, atp: false) { a in
            let x = try bitOperand(try a.n(0))
            let amount = try a.n(1).rounded(.towardZero)
            guard abs(amount) <= 53 else { throw ErrorValue.number }
            let s = Int(left ? amount : -amount)
            let r: Double = s >= 0 ? Double(x) * pow(2, Double(s)) : Double(x >> UInt64(-s))
            guard r < bitLimit else { throw ErrorValue.number }
            return .number(r)
        }
    }

    // MARK: - Error function and Bessel functions

    static let special: [FunctionDefinition] = [
        eng("ERF", 1...2) { a in
            let lower = try a.n(0)
            if a.isOmitted(1) { return .number(erf(lower)) }
            let upper = try a.n(1)
            return .number(erf(upper) - erf(lower))
        },
        eng("ERF.PRECISE", 1...1) { a in .number(erf(try a.n(0))) },
        eng("ERFC", 1...1) { a in .number(erfc(try a.n(0))) },
        eng("ERFC.PRECISE", 1...1) { a in .number(erfc(try a.n(0))) },
        eng("BESSELJ", 2...2) { a in
            let x = try a.n(0), n = try a.order(1)
            return .number(Bessel.j(n, x))
        },
        eng("BESSELY", 2...2) { a in
            let x = try a.n(0), n = try a.order(1)
            guard x > 0 else { throw ErrorValue.number }
            return .number(Bessel.y(n, x))
        },
        eng("BESSELI", 2...2) { a in
            let x = try a.n(0), n = try a.order(1)
            return .number(Bessel.i(n, x))
        },
        eng("BESSELK", 2...2) { a in
            let x = try a.n(0), n = try a.order(1)
            guard x > 0 else { throw ErrorValue.number }
            return .number(Bessel.k(n, x))
        },
    ]

    // MARK: - Complex numbers

    static let complex: [FunctionDefinition] = [
        eng("COMPLEX", 2...3) { a in
            let re = try a.n(0), im = try a.n(1)
            var suffix: Character = "i"
            if !a.isOmitted(2) {
                switch a.values[2] {
                case .empty: break
                case .text(let s) where s == "i" || s == "j": suffix = Character(s)
                case .text(""): break
                case .error(let e): throw e
                default: throw ErrorValue.value
                }
            }
            return .text(ComplexNumber(re, im).text(suffix: suffix))
        },
        eng("IMREAL", 1...1) { a in .number(try a.complex(0).re) },
        eng("IMAGINARY", 1...1) { a in .number(try a.complex(0).im) },
        eng("IMABS", 1...1) { a in .number(try a.complex(0).magnitude) },
        eng("IMARGUMENT", 1...1) { a in
            let z = try a.complex(0)
            guard !z.isZero else { throw ErrorValue.divisionByZero }
            return .number(z.argument)
        },
        complexUnary("IMCONJUGATE") { z in ComplexNumber(z.re, -z.im) },
        complexUnary("IMEXP") { z in z.exponential },
        complexUnary("IMLN") { z in
            guard !z.isZero else { throw ErrorValue.number }
            return z.logarithm
        },
        complexUnary("IMLOG10") { z in
            guard !z.isZero else { throw ErrorValue.number }
            let l = z.logarithm
            return ComplexNumber(l.re / M_LN10, l.im / M_LN10)
        },
        complexUnary("IMLOG2") { z in
            guard !z.isZero else { throw ErrorValue.number }
            let l = z.logarithm
            return ComplexNumber(l.re / M_LN2, l.im / M_LN2)
        },
        complexUnary("IMSQRT") { z in z.power(0.5) },
        complexUnary("IMSIN") { z in z.sine },
        complexUnary("IMCOS") { z in z.cosine },
        complexUnary("IMTAN") { z in
            let d = 2 * (cos(z.re) * cos(z.re) + sinh(z.im) * sinh(z.im))  // cos 2a + cosh 2b, without cancellation
            guard d != 0 else { throw ErrorValue.number }
            return ComplexNumber(sin(2 * z.re) / d, sinh(2 * z.im) / d)
        },
        complexUnary("IMSINH") { z in z.hyperbolicSine },
        complexUnary("IMCOSH") { z in z.hyperbolicCosine },
        complexUnary("IMSEC") { z in try divide(ComplexNumber(1, 0), z.cosine) },
        complexUnary("IMCSC") { z in try divide(ComplexNumber(1, 0), z.sine) },
        complexUnary("IMCOT") { z in
            let d = 2 * (sin(z.re) * sin(z.re) + sinh(z.im) * sinh(z.im))  // cosh 2b − cos 2a, without cancellation
            guard d != 0 else { throw ErrorValue.number }
            return ComplexNumber(sin(2 * z.re) / d, -sinh(2 * z.im) / d)
        },
        complexUnary("IMSECH") { z in try divide(ComplexNumber(1, 0), z.hyperbolicCosine) },
        complexUnary("IMCSCH") { z in try divide(ComplexNumber(1, 0), z.hyperbolicSine) },
        eng("IMPOWER", 2...2) { a in
            let z = try a.complex(0), n = try a.n(1)
            if z.isZero && n <= 0 { throw ErrorValue.number }
            return try complexResult(z.isZero ? ComplexNumber(0, 0) : z.power(n), suffix: z.suffix)
        },
        eng("IMDIV", 2...2) { a in
            let x = try a.complex(0), y = try a.complex(1)
            let suffix = try commonSuffix([x, y])
            guard !y.isZero else { throw ErrorValue.number }
            return try complexResult(x / y, suffix: suffix)
        },
        eng("IMSUB", 2...2) { a in
            let x = try a.complex(0), y = try a.complex(1)
            return try complexResult(x - y, suffix: try commonSuffix([x, y]))
        },
        complexAggregate("IMSUM", start: ComplexNumber(0, 0), +),
        complexAggregate("IMPRODUCT", start: ComplexNumber(1, 0), *),
    ]

    static func divide(_ x: ComplexNumber, _ y: ComplexNumber) throws -> ComplexNumber {
        guard !y.isZero else { throw ErrorValue.number }
        return x / y
    }

    /// The imaginary unit shared by several complex numbers; mixing "i" and "j" is #NUM!.
    static func commonSuffix(_ zs: [ComplexNumber]) throws -> Character? {
        var suffix: Character?
        for z in zs {
            guard let s = z.suffix else { continue }
            if let suffix, suffix != s { throw ErrorValue.number }
            suffix = s
        }
        return suffix
    }

    static func complexResult(_ z: ComplexNumber, suffix: Character?) throws -> CellValue {
        guard z.re.isFinite, z.im.isFinite else { throw ErrorValue.number }
        return .text(z.text(suffix: suffix ?? "i"))
    }

    static func complexUnary(_ name: String, atp: Bool = true,
                             _ f: @escaping @Sendable (ComplexNumber) throws -> ComplexNumber) -> FunctionDefinition {
        eng(name, 1...1, atp: atp) { a in
            let z = try a.complex(0)
            return try complexResult(try f(z), suffix: z.suffix)
        }
    }

    /// IMSUM and IMPRODUCT: any number of complex numbers, ranges and arrays included.
    static func complexAggregate(_ name: String, start: ComplexNumber,
                                 _ op: @escaping @Sendable (ComplexNumber, ComplexNumber) -> ComplexNumber) -> FunctionDefinition {
        FunctionDefinition(name, 1...255) { args, ctx in
            var values: [CellValue] = []
            for a in args {
                switch a {
                case .reference, .array: values += try ctx.values(a)
                default: values.append(a.scalar)
                }
            }
            var total = start
            var zs: [ComplexNumber] = []
            for v in values {
                switch complexValue(v) {
                case .success(let z): zs.append(z); total = op(total, z)
                case .failure(let e): return .error(e)
                }
            }
            // Mixing "i" and "j" here is #VALUE! (IMSUB and IMDIV say #NUM!).
            let suffix: Character?
            do { suffix = try commonSuffix(zs) } catch { return .error(.value) }
            do {
                return Value(try complexResult(total, suffix: suffix))
            } catch let e as ErrorValue {
                return .error(e)
            }
        }
    }

    /// A value read as a complex number: numbers are real, text is parsed (#NUM! when it is not a
    /// complex number), logical values are #VALUE!.
    static func complexValue(_ v: CellValue) -> Result<ComplexNumber, ErrorValue> {
        switch v {
        case .number(let n): return .success(ComplexNumber(n, 0))
        case .empty: return .success(ComplexNumber(0, 0))
        case .text(let s): return ComplexNumber.parse(s).map { .success($0) } ?? .failure(.number)
        case .boolean: return .failure(.value)
        case .error(let e): return .failure(e)
        }
    }
}

extension FinArguments {
    func isOmitted(_ i: Int) -> Bool { i >= values.count || omitted[i] }

    func complex(_ i: Int) throws -> ComplexNumber {
        guard i < values.count else { return ComplexNumber(0, 0) }
        switch EngineeringFunctions.complexValue(values[i]) {
        case .success(let z): return z
        case .failure(let e): throw e
        }
    }

    /// A unit name for CONVERT: text as is; other values are not units (#N/A).
    func unitName(_ i: Int) throws -> String {
        switch values[i] {
        case .text(let s): return s
        case .error(let e): throw e
        case .boolean: throw ErrorValue.value
        default: return "\u{0}"
        }
    }

    /// The digits of BIN2DEC and its kin: text as is, numbers written out.
    func digits(_ i: Int) throws -> String {
        switch values[i] {
        case .text(let s): return s
        case .number(let n):
            guard n >= 0, n == n.rounded() else { throw ErrorValue.number }
            return NumberText.general(n)
        case .empty: return ""
        case .boolean: throw ErrorValue.value
        case .error(let e): throw e
        }
    }

    /// The optional `places` argument: truncated; negative or more than 10 is #NUM!.
    func places(_ i: Int) throws -> Int? {
        if isOmitted(i) { return nil }
        let p = try n(i).rounded(.towardZero)
        guard p >= 0, p <= 10 else { throw ErrorValue.number }
        return Int(p)
    }

    /// A Bessel function's order: truncated, not negative.
    func order(_ i: Int) throws -> Int {
        let n = try self.n(i).rounded(.towardZero)
        guard n >= 0, n <= 100_000_000 else { throw ErrorValue.number }
        return Int(n)
    }
}

/// An engineering function of single values that returns a cell value or throws its Excel error.
/// Analysis ToolPak functions (`atp`) take no arrays or multi-cell ranges, nor logical values for numbers.
func eng(_ name: String, _ arity: ClosedRange<Int>, atp: Bool = true,
         _ body: @escaping @Sendable (FinArguments) throws -> CellValue) -> FunctionDefinition {
    FunctionDefinition(name, arity) { args, ctx in
        let omitted = args.map { if case .empty = $0 { true } else { false } }
        let run: ([CellValue]) -> CellValue = { values in
            do {
                let r = try body(FinArguments(values: values, omitted: omitted, date1904: ctx.date1904, atp: atp))
                if case .number(let x) = r { return x.isFinite ? .number(x == 0 ? 0 : x) : .error(.number) }
                return r
            } catch let e as ErrorValue {
                return .error(e)
            } catch {
                return .error(.value)
            }
        }
        guard atp else { return try ctx.lift(args, run) }
        return Value(run(try ctx.toolPakScalars(args)))
    }
}

/// Bessel functions as Excel computes them: the classic polynomial and rational approximations
/// (Abramowitz & Stegun, as in Numerical Recipes) for orders 0 and 1, and recurrences for higher
/// orders (upward for J where stable, Y and K; Miller's downward recurrence for J and I).
enum Bessel {
    static func j0(_ x: Double) -> Double {
        let ax = abs(x)
        if ax < 8 {
            let y = x * x
            let a1 = 57568490574.0 + y * (-13362590354.0 + y * (651619640.7 + y * (-11214424.18 + y * (77392.33017 + y * -184.9052456))))
            let a2 = 57568490411.0 + y * (1029532985.0 + y * (9494680.718 + y * (59272.64853 + y * (267.8532712 + y * 1.0))))
            return a1 / a2
        }
        let z = 8 / ax, y = z * z, xx = ax - 0.785398164
        let a1 = 1.0 + y * (-0.1098628627e-2 + y * (0.2734510407e-4 + y * (-0.2073370639e-5 + y * 0.2093887211e-6)))
        let a2 = -0.1562499995e-1 + y * (0.1430488765e-3 + y * (-0.6911147651e-5 + y * (0.7621095161e-6 - y * 0.934935152e-7)))
        return (0.636619772 / ax).squareRoot() * (cos(xx) * a1 - z * sin(xx) * a2)
    }

    static func j1(_ x: Double) -> Double {
        let ax = abs(x)
        if ax < 8 {
            let y = x * x
            let a1 = x * (72362614232.0 + y * (-7895059235.0 + y * (242396853.1 + y * (-2972611.439 + y * (15704.48260 + y * -30.16036606)))))
            let a2 = 144725228442.0 + y * (2300535178.0 + y * (18583304.74 + y * (99447.43394 + y * (376.9991397 + y * 1.0))))
            return a1 / a2
        }
        let z = 8 / ax, y = z * z, xx = ax - 2.356194491
        let a1 = 1.0 + y * (0.183105e-2 + y * (-0.3516396496e-4 + y * (0.2457520174e-5 + y * -0.240337019e-6)))
        let a2 = 0.04687499995 + y * (-0.2002690873e-3 + y * (0.8449199096e-5 + y * (-0.88228987e-6 + y * 0.105787412e-6)))
        let r = (0.636619772 / ax).squareRoot() * (cos(xx) * a1 - z * sin(xx) * a2)
        return x < 0 ? -r : r
    }

    static func j(_ n: Int, _ x: Double) -> Double {
        if n == 0 { return j0(x) }
        if n == 1 { return j1(x) }
        let ax = abs(x)
        if ax == 0 { return 0 }
        var result: Double
        if ax > Double(n) {
            let tox = 2 / ax
            var bjm = j0(ax), bj = j1(ax)
            for k in 1..<n {
                let bjp = Double(k) * tox * bj - bjm
                bjm = bj
                bj = bjp
            }
            result = bj
        } else {
            let tox = 2 / ax
            let m = 2 * ((n + Int((40.0 * Double(n)).squareRoot())) / 2)
            var even = false
            var bjp = 0.0, sum = 0.0, bj = 1.0
            result = 0
            var k = m
            while k > 0 {
                let bjm = Double(k) * tox * bj - bjp
                bjp = bj
                bj = bjm
                if abs(bj) > 1e10 {
                    bj *= 1e-10
                    bjp *= 1e-10
                    result *= 1e-10
                    sum *= 1e-10
                }
                if even { sum += bj }
                even.toggle()
                if k == n { result = bjp }
                k -= 1
            }
            sum = 2 * sum - bj
            result /= sum
        }
        return x < 0 && n % 2 == 1 ? -result : result
    }

    static func y0(_ x: Double) -> Double {
        if x < 8 {
            let y = x * x
            let a1 = -2957821389.0 + y * (7062834065.0 + y * (-512359803.6 + y * (10879881.29 + y * (-86327.92757 + y * 228.4622733))))
            let a2 = 40076544269.0 + y * (745249964.8 + y * (7189466.438 + y * (47447.26470 + y * (226.1030244 + y * 1.0))))
            return a1 / a2 + 0.636619772 * j0(x) * log(x)
        }
        let z = 8 / x, y = z * z, xx = x - 0.785398164
        let a1 = 1.0 + y * (-0.1098628627e-2 + y * (0.2734510407e-4 + y * (-0.2073370639e-5 + y * 0.2093887211e-6)))
        let a2 = -0.1562499995e-1 + y * (0.1430488765e-3 + y * (-0.6911147651e-5 + y * (0.7621095161e-6 + y * -0.934945152e-7)))
        return (0.636619772 / x).squareRoot() * (sin(xx) * a1 + z * cos(xx) * a2)
    }

    static func y1(_ x: Double) -> Double {
        if x < 8 {
            let y = x * x
            let a1 = x * (-0.4900604943e13 + y * (0.1275274390e13 + y * (-0.5153438139e11 + y * (0.7349264551e9 + y * (-0.4237922726e7 + y * 0.8511937935e4)))))
            let a2 = 0.2499580570e14 + y * (0.4244419664e12 + y * (0.3733650367e10 + y * (0.2245904002e8 + y * (0.1020426050e6 + y * (0.3549632885e3 + y)))))
            return a1 / a2 + 0.636619772 * (j1(x) * log(x) - 1 / x)
        }
        let z = 8 / x, y = z * z, xx = x - 2.356194491
        let a1 = 1.0 + y * (0.183105e-2 + y * (-0.3516396496e-4 + y * (0.2457520174e-5 + y * -0.240337019e-6)))
        let a2 = 0.04687499995 + y * (-0.2002690873e-3 + y * (0.8449199096e-5 + y * (-0.88228987e-6 + y * 0.105787412e-6)))
        return (0.636619772 / x).squareRoot() * (sin(xx) * a1 + z * cos(xx) * a2)
    }

    static func y(_ n: Int, _ x: Double) -> Double {
        if n == 0 { return y0(x) }
        let tox = 2 / x
        var bym = y0(x), by = y1(x)
        if n == 1 { return by }
        for k in 1..<n {
            let byp = Double(k) * tox * by - bym
            bym = by
            by = byp
            if !by.isFinite { return by }
        }
        return by
    }

    static func i0(_ x: Double) -> Double {
        let ax = abs(x)
        if ax < 3.75 {
            let t = x / 3.75, y = t * t
            return 1.0 + y * (3.5156229 + y * (3.0899424 + y * (1.2067492 + y * (0.2659732 + y * (0.360768e-1 + y * 0.45813e-2)))))
        }
        let y = 3.75 / ax
        return (exp(ax) / ax.squareRoot()) * (0.39894228 + y * (0.1328592e-1 + y * (0.225319e-2 + y * (-0.157565e-2
            + y * (0.916281e-2 + y * (-0.2057706e-1 + y * (0.2635537e-1 + y * (-0.1647633e-1 + y * 0.392377e-2))))))))
    }

    static func i1(_ x: Double) -> Double {
        let ax = abs(x)
        var r: Double
        if ax < 3.75 {
            let t = x / 3.75, y = t * t
            r = ax * (0.5 + y * (0.87890594 + y * (0.51498869 + y * (0.15084934 + y * (0.2658733e-1 + y * (0.301532e-2 + y * 0.32411e-3))))))
        } else {
            let y = 3.75 / ax
            var a = 0.2282967e-1 + y * (-0.2895312e-1 + y * (0.1787654e-1 - y * 0.420059e-2))
            a = 0.39894228 + y * (-0.3988024e-1 + y * (-0.362018e-2 + y * (0.163801e-2 + y * (-0.1031555e-1 + y * a))))
            r = a * (exp(ax) / ax.squareRoot())
        }
        return x < 0 ? -r : r
    }

    static func i(_ n: Int, _ x: Double) -> Double {
        if n == 0 { return i0(x) }
        if n == 1 { return i1(x) }
        if x == 0 { return 0 }
        let tox = 2 / abs(x)
        var bip = 0.0, bi = 1.0, result = 0.0
        let m = 2 * (n + Int((40.0 * Double(n)).squareRoot()))
        var k = m
        while k > 0 {
            let bim = bip + Double(k) * tox * bi
            bip = bi
            bi = bim
            if abs(bi) > 1e10 {
                result *= 1e-10
                bi *= 1e-10
                bip *= 1e-10
            }
            if k == n { result = bip }
            k -= 1
        }
        result *= i0(x) / bi
        return x < 0 && n % 2 == 1 ? -result : result
    }

    static func k0(_ x: Double) -> Double {
        if x <= 2 {
            let y = x * x / 4
            return -log(x / 2) * i0(x) + (-0.57721566 + y * (0.42278420 + y * (0.23069756 + y * (0.3488590e-1
                + y * (0.262698e-2 + y * (0.10750e-3 + y * 0.74e-5))))))
        }
        let y = 2 / x
        return (exp(-x) / x.squareRoot()) * (1.25331414 + y * (-0.7832358e-1 + y * (0.2189568e-1 + y * (-0.1062446e-1
            + y * (0.587872e-2 + y * (-0.251540e-2 + y * 0.53208e-3))))))
    }

    static func k1(_ x: Double) -> Double {
        if x <= 2 {
            let y = x * x / 4
            return log(x / 2) * i1(x) + (1 / x) * (1 + y * (0.15443144 + y * (-0.67278579 + y * (-0.18156897
                + y * (-0.1919402e-1 + y * (-0.110404e-2 + y * -0.4686e-4))))))
        }
        let y = 2 / x
        return (exp(-x) / x.squareRoot()) * (1.25331414 + y * (0.23498619 + y * (-0.3655620e-1 + y * (0.1504268e-1
            + y * (-0.780353e-2 + y * (0.325614e-2 + y * -0.68245e-3))))))
    }

    static func k(_ n: Int, _ x: Double) -> Double {
        if n == 0 { return k0(x) }
        let tox = 2 / x
        var bkm = k0(x), bk = k1(x)
        if n == 1 { return bk }
        for j in 1..<n {
            let bkp = bkm + Double(j) * tox * bk
            bkm = bk
            bk = bkp
            if !bk.isFinite { return bk }
        }
        return bk
    }
}
