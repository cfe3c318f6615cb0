#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Math and trigonometry functions.
enum MathFunctions {
    static let all: [FunctionDefinition] = sums + rounding + powers + trigonometry + integers + aggregates
        + matrices + conversions + random

    // MARK: - Sums and products

    static let sums: [FunctionDefinition] = [
        FunctionDefinition("SUM", 1...255) { args, ctx in
            if args.count == 1, case .reference(let r) = args[0], let total = try ctx.runningTotal(r) { return total }
            return Value(try ctx.numbers(args).map { $0.reduce(0, NumberPrecision.sum) })
        },
        FunctionDefinition("SUMIF", 2...3) { args, ctx in
            try ctx.liftingCriteria([(args[0], args[1])]) { pairs in
                try ctx.sumIfs(sumRange: args.count == 3 && !isOmitted(args[2]) ? args[2] : args[0], pairs: pairs)
            }
        },
        FunctionDefinition("SUMIFS", 3...255) { args, ctx in
            guard let pairs = EvaluationContext.criteriaPairs(args[1...]) else { return .error(.value) }
            return try ctx.liftingCriteria(pairs) { pairs in
                try ctx.sumIfs(sumRange: args[0], pairs: pairs, sameShape: true)
            }
        },
        FunctionDefinition("SUMPRODUCT", 1...255, arrayArguments: true) { args, ctx in
            var arrays: [Matrix] = []
            for a in args {
                switch try ctx.mathGrid(a) {
                case .success(let m): arrays.append(m)
                case .failure(let e): return .error(e)
                }
            }
            // An error anywhere in the arrays is the result (the first in argument order), even
            // before arrays of different shapes are refused.
            for m in arrays {
                for v in m.values { if case .error(let e) = v { return .error(e) } }
            }
            guard let first = arrays.first,
                  arrays.allSatisfy({ $0.rows == first.rows && $0.columns == first.columns }) else { return .error(.value) }
            var total = 0.0
            for i in 0..<first.count {
                var product = 1.0
                for m in arrays {
                    if case .number(let n) = m.values[i] { product *= n } else { product = 0 }
                }
                total += product
            }
            return Value(.success(total))
        },
        FunctionDefinition("PRODUCT", 1...255) { args, ctx in
            Value(try ctx.numbers(args).map { $0.isEmpty ? 0 : $0.reduce(1, *) })
        },
        FunctionDefinition("SUMSQ", 1...255) { args, ctx in
            Value(try ctx.numbers(args).map { $0.reduce(0) { $0 + $1 * $1 } })
        },
        FunctionDefinition("SUMX2MY2", 2...2) { args, ctx in try ctx.pairSum(args) { x, y in x * x - y * y } },
        FunctionDefinition("SUMX2PY2", 2...2) { args, ctx in try ctx.pairSum(args) { x, y in x * x + y * y } },
        FunctionDefinition("SUMXMY2", 2...2) { args, ctx in try ctx.pairSum(args) { x, y in (x - y) * (x - y) } },
        FunctionDefinition("SERIESSUM", 4...4) { args, ctx in
            var xs: [Double] = []
            for a in args.prefix(3) {
                if case .reference(let r) = a, !r.isSingleCell { return .error(.value) }
                switch atpNumber(try ctx.scalar(a)) {
                case .success(let x): xs.append(x)
                case .failure(let e): return .error(e)
                }
            }
            var total = 0.0
            var i = 0.0
            for v in try ctx.values(args[3]) {
                switch v {
                case .number(let c):
                    switch power(xs[0], xs[1] + i * xs[2]) {
                    case .number(let p): total += c * p
                    case let failure: return Value(failure)
                    }
                case .error(let e): return .error(e)
                default: return .error(.value)
                }
                i += 1
            }
            return Value(.success(total))
        },
        FunctionDefinition("PERCENTOF", 2...2) { args, ctx in
            let part: Double, whole: Double
            // Error values in the data make the result #NUM!.
            switch try ctx.numbers([args[0]]) {
            case .success(let xs): part = xs.reduce(0, +)
            case .failure: return .error(.number)
            }
            switch try ctx.numbers([args[1]]) {
            case .success(let xs): whole = xs.reduce(0, +)
            case .failure: return .error(.number)
            }
            return whole == 0 ? .error(.divisionByZero) : Value(.success(part / whole))
        },
    ]

    // MARK: - Rounding

    static let rounding: [FunctionDefinition] = [
        .scalar("ROUND", 2...2) { args, _ in roundFunction(args) { x, _ in x.rounded(.toNearestOrAwayFromZero) } },
        .scalar("ROUNDUP", 2...2) { args, _ in roundFunction(args) { x, _ in x.rounded(.awayFromZero) } },
        .scalar("ROUNDDOWN", 2...2) { args, _ in roundFunction(args) { x, _ in x.rounded(.towardZero) } },
        .scalar("TRUNC", 1...2) { args, _ in
            roundFunction(args.count == 2 ? args : [args[0], .number(0)]) { x, _ in x.rounded(.towardZero) }
        },
        unary("INT") { x in number(x.rounded(.down)) },
        unary("ABS") { x in number(abs(x)) },
        numeric("MOD", 2...2) { x in
            let (n, d) = (x[0], x[1])
            guard d != 0 else { return .error(.divisionByZero) }
            let r = n - d * (n / d).rounded(.down)
            if NumberPrecision.equal(r, d) || abs(r) < abs(d) * 1e-15 { return .number(0) }
            return number(r)
        },
        numeric("CEILING", 2...2) { x in
            let (n, s) = (x[0], x[1])
            if s == 0 || n == 0 { return .number(0) }
            if n > 0 && s < 0 { return .error(.number) }
            return number(multiple(n, s, .up))
        },
        numeric("FLOOR", 2...2) { x in
            let (n, s) = (x[0], x[1])
            if s == 0 { return n == 0 ? .number(0) : .error(.divisionByZero) }
            if n == 0 { return .number(0) }
            if n > 0 && s < 0 { return .error(.number) }
            return number(multiple(n, s, .down))
        },
        numeric("CEILING.MATH", 1...3, defaults: [1, 0]) { x in
            let (n, s, mode) = (x[0], abs(x[1]), x[2])
            if s == 0 || n == 0 { return .number(0) }
            if n < 0 && mode != 0 { return number(-multiple(-n, s, .up)) }
            return number(multiple(n, s, .up))
        },
        numeric("FLOOR.MATH", 1...3, defaults: [1, 0]) { x in
            let (n, s, mode) = (x[0], abs(x[1]), x[2])
            if s == 0 || n == 0 { return .number(0) }
            if n < 0 && mode != 0 { return number(-multiple(-n, s, .down)) }
            return number(multiple(n, s, .down))
        },
        numeric("CEILING.PRECISE", 1...2, defaults: [1]) { x in precise(x[0], x[1], .up) },
        numeric("ISO.CEILING", 1...2, defaults: [1]) { x in precise(x[0], x[1], .up) },
        numeric("FLOOR.PRECISE", 1...2, defaults: [1]) { x in precise(x[0], x[1], .down) },
        atp("MROUND", 2...2) { x in
            let (n, m) = (x[0], x[1])
            if m == 0 || n == 0 { return .number(0) }
            if (n > 0) != (m > 0) { return .error(.number) }
            return number(multiple(n, m, .toNearestOrAwayFromZero))
        },
        unary("EVEN") { x in
            let v = (clean(abs(x)) / 2).rounded(.up) * 2
            return number(x < 0 ? -v : v)
        },
        unary("ODD") { x in
            var v = clean(abs(x)).rounded(.up)
            if v.truncatingRemainder(dividingBy: 2) == 0 { v += 1 }
            return number(x < 0 ? -v : v)
        },
        unary("SIGN") { x in .number(x > 0 ? 1 : x < 0 ? -1 : 0) },
        atp("QUOTIENT", 2...2) { x in
            guard x[1] != 0 else { return .error(.divisionByZero) }
            return number(clean(x[0] / x[1]).rounded(.towardZero))
        },
    ]

    // MARK: - Powers and logarithms

    static let powers: [FunctionDefinition] = [
        FunctionDefinition("PI", 0...0) { _, _ in .number(Double.pi) },
        unary("SQRT") { x in x < 0 ? .error(.number) : number(x.squareRoot()) },
        atp("SQRTPI", 1...1) { x in x[0] < 0 ? .error(.number) : number((x[0] * Double.pi).squareRoot()) },
        unary("EXP") { x in number(exp(x)) },
        unary("LN") { x in x <= 0 ? .error(.number) : number(log(x)) },
        unary("LOG10") { x in x <= 0 ? .error(.number) : number(log10(x)) },
        numeric("LOG", 1...2, defaults: [10]) { x in
            let (n, b) = (x[0], x[1])
            guard n > 0, b > 0 else { return .error(.number) }
            guard b != 1 else { return .error(.divisionByZero) }
            if b == 10 { return number(log10(n)) }
            if b == 2 { return number(log2(n)) }
            return number(log(n) / log(b))
        },
        numeric("POWER", 2...2) { x in power(x[0], x[1]) },
    ]

    /// `x^y` as Excel computes it: 0^0 is #NUM!, 0 to a negative power #DIV/0!, and a negative
    /// number to a fractional power #NUM! (except odd roots, as `(-8)^(1/3)` is -2).
    static func power(_ x: Double, _ y: Double) -> CellValue {
        if x == 0 && y == 0 { return .error(.number) }
        if x == 0 && y < 0 { return .error(.divisionByZero) }
        if x < 0 && y != y.rounded() {
            let inverse = 1 / y
            let odd = inverse.rounded()
            if abs(inverse - odd) < 1e-10, odd.truncatingRemainder(dividingBy: 2) != 0 {
                return number(-pow(-x, y))
            }
            return .error(.number)
        }
        return number(pow(x, y))
    }

    // MARK: - Trigonometry

    /// Excel refuses trigonometric arguments of 2^27 and beyond.
    private static let trigLimit = 134_217_728.0

    static let trigonometry: [FunctionDefinition] = [
        unary("SIN") { x in abs(x) >= trigLimit ? .error(.number) : number(excelSin(x)) },
        unary("COS") { x in abs(x) >= trigLimit ? .error(.number) : number(excelCos(x)) },
        unary("TAN") { x in abs(x) >= trigLimit ? .error(.number) : number(excelTan(x)) },
        unary("COT") { x in
            if x == 0 { return .error(.divisionByZero) }
            return abs(x) >= trigLimit ? .error(.number) : number(1 / excelTan(x))
        },
        unary("CSC") { x in
            if x == 0 { return .error(.divisionByZero) }
            return abs(x) >= trigLimit ? .error(.number) : number(1 / excelSin(x))
        },
        unary("SEC") { x in abs(x) >= trigLimit ? .error(.number) : number(1 / excelCos(x)) },
        unary("ASIN") { x in abs(x) > 1 ? .error(.number) : number(asin(x)) },
        unary("ACOS") { x in abs(x) > 1 ? .error(.number) : number(acos(x)) },
        unary("ATAN") { x in number(atan(x)) },
        unary("ACOT") { x in number(Double.pi / 2 - atan(x)) },
        numeric("ATAN2", 2...2) { x in
            let (px, py) = (x[0], x[1])
            if px == 0 && py == 0 { return .error(.divisionByZero) }
            return number(atan2(py, px))
        },
        unary("SINH") { x in number(sinh(x)) },
        unary("COSH") { x in number(cosh(x)) },
        unary("TANH") { x in number(tanh(x)) },
        unary("COTH") { x in
            if x == 0 { return .error(.divisionByZero) }
            return abs(x) >= trigLimit ? .error(.number) : number(1 / tanh(x))
        },
        unary("CSCH") { x in
            if x == 0 { return .error(.divisionByZero) }
            return abs(x) >= trigLimit ? .error(.number) : number(1 / sinh(x))
        },
        unary("SECH") { x in abs(x) >= trigLimit ? .error(.number) : number(1 / cosh(x)) },
        unary("ASINH") { x in number(asinh(x)) },
        unary("ACOSH") { x in x < 1 ? .error(.number) : number(acosh(x)) },
        unary("ATANH") { x in abs(x) >= 1 ? .error(.number) : number(atanh(x)) },
        unary("ACOTH") { x in abs(x) <= 1 ? .error(.number) : number(0.5 * log((x + 1) / (x - 1))) },
        unary("DEGREES") { x in number(x * 180 / Double.pi) },
        unary("RADIANS") { x in number(x * Double.pi / 180) },
    ]

    /// Excel reduces trigonometric arguments by a π whose part beyond the double nearest to π is
    /// 1.22514845490862e-16 (the true one is 1.2246467991473532e-16): TAN(PI()/2) is
    /// 16324552277619072 and TAN(PI()) is -1.22514845490862e-16 in Excel. The argument is reduced
    /// the same way so that results near poles and zeros match.
    private static let excelPiTail = 1.22514845490862e-16

    /// x = k·π/2 + r with |r| ≤ π/4 (about), as Excel reduces it; k modulo 4.
    static func reduce(_ x: Double) -> (quadrant: Int, r: Double) {
        let halfPi = Double.pi / 2
        let k = (x / halfPi).rounded()
        guard k != 0, let q = Int(exactly: k) else { return (0, x) }
        let r = x.addingProduct(-k, halfPi) - k * (excelPiTail / 2)
        return (((q % 4) + 4) % 4, r)
    }

    static func excelSin(_ x: Double) -> Double {
        let (q, r) = reduce(x)
        switch q {
        case 0: return sin(r)
        case 1: return cos(r)
        case 2: return -sin(r)
        default: return -cos(r)
        }
    }

    static func excelCos(_ x: Double) -> Double {
        let (q, r) = reduce(x)
        switch q {
        case 0: return cos(r)
        case 1: return -sin(r)
        case 2: return -cos(r)
        default: return sin(r)
        }
    }

    static func excelTan(_ x: Double) -> Double {
        let (q, r) = reduce(x)
        return q % 2 == 0 ? tan(r) : -1 / tan(r)
    }

    // MARK: - Integers: factorials, combinations, divisors

    static let integers: [FunctionDefinition] = [
        unary("FACT") { x in
            let n = x.rounded(.towardZero)
            guard n >= 0 else { return .error(.number) }
            guard n <= 170 else { return .error(.number) }
            var r = 1.0
            var i = 2.0
            while i <= n { r *= i; i += 1 }
            return number(r)
        },
        atp("FACTDOUBLE", 1...1) { x in
            guard x[0] >= -1 else { return .error(.number) }
            let n = x[0].rounded(.towardZero)
            guard n <= 300 else { return .error(.number) }
            var r = 1.0
            var i = n
            while i > 1 { r *= i; i -= 2 }
            return number(r)
        },
        numeric("COMBIN", 2...2) { x in
            let n = x[0].rounded(.towardZero), k = x[1].rounded(.towardZero)
            guard n >= 0, k >= 0, n >= k else { return .error(.number) }
            return number(combinations(n, k))
        },
        numeric("COMBINA", 2...2) { x in
            let n = x[0].rounded(.towardZero), k = x[1].rounded(.towardZero)
            guard n >= 0, k >= 0 else { return .error(.number) }
            if k == 0 { return .number(1) }
            guard n > 0 else { return .error(.number) }
            return number(combinations(n + k - 1, k))
        },
        FunctionDefinition("MULTINOMIAL", 1...255) { args, ctx in
            switch try ctx.integerArguments(args) {
            case .failure(let e): return .error(e)
            case .success(let ns):
                guard ns.allSatisfy({ $0 >= 0 }) else { return .error(.number) }
                // The factorial of the sum must exist (170! is the largest double).
                guard ns.reduce(0, { $0 + $1.rounded(.towardZero) }) <= 170 else { return .error(.number) }
                var result = 1.0
                var total = 0.0
                for n in ns.map({ $0.rounded(.towardZero) }) {
                    var i = 1.0
                    while i <= n {
                        total += 1
                        result = result * total / i
                        guard result.isFinite else { return .error(.number) }
                        i += 1
                    }
                }
                return Value(.success(result.rounded()))
            }
        },
        FunctionDefinition("GCD", 1...255) { args, ctx in
            switch try ctx.integerArguments(args) {
            case .failure(let e): return .error(e)
            case .success(let ns):
                guard ns.allSatisfy({ $0 >= 0 && $0 < 9.007199254740992e15 }) else { return .error(.number) }
                return .number(ns.reduce(0.0) { gcd($0, $1.rounded(.towardZero)) })
            }
        },
        FunctionDefinition("LCM", 1...255) { args, ctx in
            switch try ctx.integerArguments(args) {
            case .failure(let e): return .error(e)
            case .success(let ns):
                guard ns.allSatisfy({ $0 >= 0 && $0 < 9.007199254740992e15 }) else { return .error(.number) }
                var l = 1.0
                for n in ns.map({ $0.rounded(.towardZero) }) {
                    if n == 0 { return .number(0) }
                    l = l / gcd(l, n) * n
                    guard l < 9.007199254740992e15 else { return .error(.number) }
                }
                return .number(l)
            }
        },
    ]

    static func gcd(_ a: Double, _ b: Double) -> Double {
        var (a, b) = (a, b)
        while b != 0 { (a, b) = (b, a.truncatingRemainder(dividingBy: b)) }
        return a
    }

    /// n choose k for whole numbers 0 ≤ k ≤ n; infinity when too large.
    static func combinations(_ n: Double, _ k: Double) -> Double {
        let k = min(k, n - k)
        var r = 1.0
        var i = 1.0
        while i <= k {
            r = r * (n - k + i) / i
            if !r.isFinite { return r }
            i += 1
        }
        return r < 9.007199254740992e15 ? r.rounded() : r
    }

    // MARK: - SUBTOTAL and AGGREGATE

    static let aggregates: [FunctionDefinition] = [
        FunctionDefinition("SUBTOTAL", 2...255) { args, ctx in
            let code: Double
            switch try ctx.number(args[0]) {
            case .success(let n): code = n.rounded(.towardZero)
            case .failure(let e): return .error(e)
            }
            let function = code > 100 ? code - 100 : code
            guard (1...11).contains(function), let f = Int(exactly: function) else { return .error(.value) }
            // 1–11 leave out rows a filter hides; 101–111 all hidden rows.
            let hidden: HiddenRowRule = code > 100 ? .allHidden : .filteredOnly
            switch try ctx.subtotalValues(args[1...], skipNested: true, skipErrors: false, arraysAllowed: false, skipHidden: hidden) {
            case .failure(let e): return .error(e)
            case .success(let values): return Value(aggregate(f, values, k: nil))
            }
        },
        FunctionDefinition("AGGREGATE", 3...255) { args, ctx in
            let code: Double, option: Double
            switch try ctx.number(args[0]) {
            case .success(let n): code = n.rounded(.towardZero)
            case .failure(let e): return .error(e)
            }
            switch try ctx.number(args[1]) {
            case .success(let n): option = n.rounded(.towardZero)
            case .failure(let e): return .error(e)
            }
            guard (1...19).contains(code), let f = Int(exactly: code), (0...7).contains(option), let o = Int(exactly: option)
            else { return .error(.value) }
            let skipNested = o <= 3
            let skipErrors = [2, 3, 6, 7].contains(o)
            if f >= 14 {
                guard args.count == 4 else { return .error(.value) }
                let k: Double
                switch try ctx.number(args[3]) {
                case .success(let n): k = n
                case .failure(let e): return .error(e)
                }
                switch try ctx.subtotalValues(args[2...2], skipNested: skipNested, skipErrors: skipErrors, arraysAllowed: true,
                                              skipHidden: o % 2 == 1 ? .allHidden : .none) {
                case .failure(let e): return .error(e)
                case .success(let values): return Value(aggregate(f, values, k: k))
                }
            }
            switch try ctx.subtotalValues(args[2...], skipNested: skipNested, skipErrors: skipErrors, arraysAllowed: false,
                                          skipHidden: o % 2 == 1 ? .allHidden : .none) {
            case .failure(let e): return .error(e)
            case .success(let values): return Value(aggregate(f, values, k: nil))
            }
        },
    ]

    /// The functions of SUBTOTAL (1–11) and AGGREGATE (1–19) over collected cell values.
    static func aggregate(_ function: Int, _ values: [CellValue], k: Double?) -> CellValue {
        switch function {
        case 2: return .number(Double(values.filter { if case .number = $0 { true } else { false } }.count))
        case 3: return .number(Double(values.filter { !$0.isEmpty }.count))
        default: break
        }
        var xs: [Double] = []
        for v in values {
            switch v {
            case .number(let n): xs.append(n)
            case .error(let e): return .error(e)
            default: continue
            }
        }
        let n = Double(xs.count)
        switch function {
        case 1: return xs.isEmpty ? .error(.divisionByZero) : number(xs.reduce(0, +) / n)
        case 4: return .number(xs.max() ?? 0)
        case 5: return .number(xs.min() ?? 0)
        case 6: return number(xs.isEmpty ? 0 : xs.reduce(1, *))
        case 7: return xs.count < 2 ? .error(.divisionByZero) : number(variance(xs, sample: true).squareRoot())
        case 8: return xs.isEmpty ? .error(.divisionByZero) : number(variance(xs, sample: false).squareRoot())
        case 9: return number(xs.reduce(0, NumberPrecision.sum))
        case 10: return xs.count < 2 ? .error(.divisionByZero) : number(variance(xs, sample: true))
        case 11: return xs.isEmpty ? .error(.divisionByZero) : number(variance(xs, sample: false))
        case 12: return xs.isEmpty ? .error(.number) : number(percentile(xs.sorted(), 0.5, exclusive: false) ?? .nan)
        case 13: return mode(xs).map { .number($0) } ?? .error(.notAvailable)
        default: break
        }
        guard let k else { return .error(.value) }
        guard !xs.isEmpty else { return .error(.number) }
        let sorted = xs.sorted()
        switch function {
        case 14, 15:
            let rank = k.rounded(.up)
            guard rank >= 1, rank <= n, let i = Int(exactly: rank) else { return .error(.number) }
            return .number(function == 14 ? sorted[sorted.count - i] : sorted[i - 1])
        case 16, 18:
            return percentile(sorted, k, exclusive: function == 18).map { number($0) } ?? .error(.number)
        case 17, 19:
            let q = k.rounded(.towardZero)
            if function == 17 { guard (0...4).contains(q) else { return .error(.number) } }
            else { guard (1...3).contains(q) else { return .error(.number) } }
            return percentile(sorted, q / 4, exclusive: function == 19).map { number($0) } ?? .error(.number)
        default: return .error(.value)
        }
    }

    static func variance(_ xs: [Double], sample: Bool) -> Double {
        let mean = xs.reduce(0, +) / Double(xs.count)
        let squares = xs.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        return squares / Double(sample ? xs.count - 1 : xs.count)
    }

    /// PERCENTILE.INC / PERCENTILE.EXC of sorted values; nil when `k` is out of range.
    static func percentile(_ sorted: [Double], _ k: Double, exclusive: Bool) -> Double? {
        let n = Double(sorted.count)
        guard n > 0 else { return nil }
        let h: Double
        if exclusive {
            guard k > 0, k < 1 else { return nil }
            h = (n + 1) * k - 1
            guard h >= 0, h <= n - 1 else { return nil }
        } else {
            guard k >= 0, k <= 1 else { return nil }
            h = (n - 1) * k
        }
        let lower = h.rounded(.down)
        guard let i = Int(exactly: lower), i >= 0, i < sorted.count else { return nil }
        let fraction = h - lower
        if fraction == 0 || i + 1 >= sorted.count { return sorted[i] }
        return sorted[i] + fraction * (sorted[i + 1] - sorted[i])
    }

    /// The most frequent value, the first of them in order on a tie; nil when none repeats.
    static func mode(_ xs: [Double]) -> Double? {
        var counts: [Double: Int] = [:]
        for x in xs { counts[x, default: 0] += 1 }
        var best: Double?
        var bestCount = 1
        for x in xs where counts[x, default: 0] > bestCount {
            best = x
            bestCount = counts[x, default: 0]
        }
        return best
    }

    // MARK: - Matrices and generated arrays

    /// Excel's sheet holds 1,048,576 × 16,384 cells; generated arrays are kept well below memory limits.
    private static let maximumGeneratedCells = 4_000_000
    /// MDETERM and MINVERSE take cubic time; larger matrices are refused rather than hang.
    private static let maximumSquareMatrix = 1_000

    static let matrices: [FunctionDefinition] = [
        FunctionDefinition("MMULT", 2...2) { args, ctx in
            let a: NumericMatrix, b: NumericMatrix
            switch try ctx.mathNumericMatrix(args[0]) {
            case .success(let m): a = m
            case .failure(let e): return .error(e)
            }
            switch try ctx.mathNumericMatrix(args[1]) {
            case .success(let m): b = m
            case .failure(let e): return .error(e)
            }
            guard a.columns == b.rows, a.rows * b.columns <= maximumGeneratedCells,
                  Double(a.rows) * Double(b.columns) * Double(a.columns) <= 2e9 else { return .error(.value) }
            var out = Matrix(rows: a.rows, columns: b.columns, repeating: .number(0))
            for i in 0..<a.rows {
                for j in 0..<b.columns {
                    var s = 0.0
                    for k in 0..<a.columns { s += a[i, k] * b[k, j] }
                    out[i, j] = number(s)
                }
            }
            return .array(out)
        },
        FunctionDefinition("MDETERM", 1...1) { args, ctx in
            switch try ctx.mathNumericMatrix(args[0]) {
            case .failure(let e): return .error(e)
            case .success(let m):
                guard m.rows == m.columns, m.rows <= maximumSquareMatrix else { return .error(.value) }
                return Value(number(determinant(m)))
            }
        },
        FunctionDefinition("MINVERSE", 1...1) { args, ctx in
            switch try ctx.mathNumericMatrix(args[0]) {
            case .failure(let e): return .error(e)
            case .success(let m):
                guard m.rows == m.columns, m.rows <= maximumSquareMatrix else { return .error(.value) }
                guard let inverse = inverse(m) else { return .error(.number) }
                return .array(Matrix(rows: m.rows, columns: m.columns, values: inverse.values.map { number($0) }))
            }
        },
        FunctionDefinition("MUNIT", 1...1) { args, ctx in
            // Given an array of sizes, each element gives its matrix's top-left value.
            if case .array(let m) = try ctx.dereference(args[0]), m.count > 1 {
                return try ctx.lift(args) { v in
                    guard case .success(let x) = Coercion.number(v[0]) else { return errorOf(v[0]) }
                    return x.rounded(.towardZero) >= 1 ? .number(1) : .error(.value)
                }
            }
            switch try ctx.number(args[0]) {
            case .failure(let e): return .error(e)
            case .success(let x):
                let d = x.rounded(.towardZero)
                guard d >= 1, d * d <= Double(maximumGeneratedCells), let n = Int(exactly: d) else { return .error(.value) }
                var out = Matrix(rows: n, columns: n, repeating: .number(0))
                for i in 0..<n { out[i, i] = .number(1) }
                return .array(out)
            }
        },
    ]

    /// A rectangular array of numbers, row-major.
    struct NumericMatrix {
        var rows: Int
        var columns: Int
        var values: [Double]
        subscript(row: Int, column: Int) -> Double {
            get { values[row * columns + column] }
            set { values[row * columns + column] = newValue }
        }
    }

    /// The determinant by LU decomposition with partial pivoting.
    static func determinant(_ m: NumericMatrix) -> Double {
        var a = m
        let n = a.rows
        var det = 1.0
        for col in 0..<n {
            var pivot = col
            for r in col..<n where abs(a[r, col]) > abs(a[pivot, col]) { pivot = r }
            if a[pivot, col] == 0 { return 0 }
            if pivot != col {
                for c in 0..<n { let t = a[col, c]; a[col, c] = a[pivot, c]; a[pivot, c] = t }
                det = -det
            }
            det *= a[col, col]
            for r in (col + 1)..<n {
                let factor = a[r, col] / a[col, col]
                if factor == 0 { continue }
                for c in col..<n { a[r, c] -= factor * a[col, c] }
            }
        }
        return det
    }

    /// The inverse by Gauss–Jordan elimination with partial pivoting; nil when singular.
    static func inverse(_ m: NumericMatrix) -> NumericMatrix? {
        let n = m.rows
        var a = m
        var inv = NumericMatrix(rows: n, columns: n, values: [Double](repeating: 0, count: n * n))
        for i in 0..<n { inv[i, i] = 1 }
        for col in 0..<n {
            var pivot = col
            for r in col..<n where abs(a[r, col]) > abs(a[pivot, col]) { pivot = r }
            if a[pivot, col] == 0 { return nil }
            if pivot != col {
                for c in 0..<n {
                    var t = a[col, c]; a[col, c] = a[pivot, c]; a[pivot, c] = t
                    t = inv[col, c]; inv[col, c] = inv[pivot, c]; inv[pivot, c] = t
                }
            }
            let p = a[col, col]
            for c in 0..<n { a[col, c] /= p; inv[col, c] /= p }
            for r in 0..<n where r != col {
                let factor = a[r, col]
                if factor == 0 { continue }
                for c in 0..<n {
                    a[r, c] -= factor * a[col, c]
                    inv[r, c] -= factor * inv[col, c]
                }
            }
        }
        guard determinant(m) != 0 else { return nil }
        return inv
    }

    // MARK: - Number systems: ROMAN, ARABIC, BASE, DECIMAL

    static let conversions: [FunctionDefinition] = [
        .scalar("ROMAN", 1...2) { args, _ in
            guard case .success(let x) = Coercion.number(args[0]) else { return errorOf(args[0]) }
            var form = 0.0
            if args.count == 2 {
                switch args[1] {
                case .boolean(let b): form = b ? 0 : 4
                default:
                    guard case .success(let f) = Coercion.number(args[1]) else { return errorOf(args[1]) }
                    form = f.rounded(.towardZero)
                }
            }
            let n = x.rounded(.towardZero)
            guard n >= 0, n <= 3999, (0...4).contains(form), let value = Int(exactly: n), let f = Int(exactly: form)
            else { return .error(.value) }
            return .text(roman(value, form: f))
        },
        .scalar("ARABIC", 1...1) { args, _ in
            guard case .success(let text) = Coercion.text(args[0]) else { return errorOf(args[0]) }
            return arabic(text).map { .number(Double($0)) } ?? .error(.value)
        },
        .scalar("BASE", 2...3) { args, _ in
            var xs: [Double] = []
            for a in args {
                switch Coercion.number(a) {
                case .success(let x): xs.append(x.rounded(.towardZero))
                case .failure(let e): return .error(e)
                }
            }
            let (n, radix, minimum) = (xs[0], xs[1], xs.count == 3 ? xs[2] : 0)
            guard n >= 0, n < 9.007199254740992e15, (2...36).contains(radix), (0...255).contains(minimum),
                  let value = Int64(exactly: n), let r = Int(exactly: radix), let width = Int(exactly: minimum)
            else { return .error(.number) }
            var digits = String(value, radix: r, uppercase: true)
            if digits.count < width { digits = String(repeating: "0", count: width - digits.count) + digits }
            return .text(digits)
        },
        .scalar("DECIMAL", 2...2) { args, _ in
            guard case .success(var text) = Coercion.text(args[0]) else { return errorOf(args[0]) }
            guard case .success(let radix) = Coercion.number(args[1]) else { return errorOf(args[1]) }
            let r = radix.rounded(.towardZero)
            guard text.count <= 255 else { return .error(.value) }
            guard (2...36).contains(r) else { return .error(.number) }
            while text.first == " " { text.removeFirst() }
            while text.last == " " { text.removeLast() }
            if r == 16, text.lowercased().hasPrefix("0x") { text.removeFirst(2) }
            var total = 0.0
            for ch in text {
                guard let d = ch.hexDigitValue ?? letterDigit(ch), Double(d) < r else { return .error(.number) }
                total = total * r + Double(d)
            }
            return number(total)
        },
    ]

    private static func letterDigit(_ ch: Character) -> Int? {
        guard let a = ch.asciiValue else { return nil }
        switch a {
        case 65...90: return Int(a) - 55
        case 97...122: return Int(a) - 87
        default: return nil
        }
    }

    /// Roman numerals in Excel's five forms: 0 is classic (499 = CDXCIX), each higher form allows
    /// one more step of subtractive shortening, up to 4 (499 = ID).
    static func roman(_ number: Int, form: Int) -> String {
        let values = [1000, 500, 100, 50, 10, 5, 1]
        let letters: [Character] = ["M", "D", "C", "L", "X", "V", "I"]
        var n = number
        var out = ""
        for i in stride(from: 0, through: 6, by: 2) {
            let digit = n / values[i]
            if digit % 5 == 4 {
                // 4 or 9 of this unit: subtract from the next five or ten, as far left as the form allows.
                let base = digit == 4 ? i - 1 : i - 2
                var j = i
                var steps = 0
                while steps < form && j < 6 {
                    steps += 1
                    if values[base] - values[j + 1] <= n { j += 1 } else { break }
                }
                out.append(letters[j])
                out.append(letters[base])
                n = n - values[base] + values[j]
            } else {
                if digit > 4 { out.append(letters[i - 1]) }
                out += String(repeating: letters[i], count: digit % 5)
                n %= values[i]
            }
        }
        return out
    }

    /// A Roman numeral's value, any form, either case, with an optional leading minus; nil if invalid.
    static func arabic(_ text: String) -> Int? {
        var s = Substring(text)
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        guard s.count <= 255 else { return nil }
        var sign = 1
        if s.first == "-" { sign = -1; s.removeFirst() }
        var digits: [Int] = []
        for ch in s {
            switch ch {
            case "I", "i": digits.append(1)
            case "V", "v": digits.append(5)
            case "X", "x": digits.append(10)
            case "L", "l": digits.append(50)
            case "C", "c": digits.append(100)
            case "D", "d": digits.append(500)
            case "M", "m": digits.append(1000)
            default: return nil
            }
        }
        // Right to left, a letter smaller than the largest one seen so far is subtracted (so
        // "IIIIIIV" is -1, as Excel reads it).
        var total = 0
        var largest = 0
        for d in digits.reversed() {
            if d < largest { total -= d } else { total += d; largest = d }
        }
        return sign * total
    }

    // MARK: - Random numbers

    static let random: [FunctionDefinition] = [
        FunctionDefinition("RAND", 0...0, volatile: true) { _, _ in .number(Double.random(in: 0..<1)) },
        FunctionDefinition("RANDBETWEEN", 2...2, volatile: true) { args, ctx in
            for a in args { if case .reference(let r) = a, !r.isSingleCell { return .error(.value) } }
            return try ctx.lift(args) { v in
                guard case .success(let a) = atpNumber(v[0]) else { return errorOf(v[0]) }
                guard case .success(let b) = atpNumber(v[1]) else { return errorOf(v[1]) }
                let low = a.rounded(.up), high = b.rounded(.down)
                guard low <= high, low.isFinite, high.isFinite else { return .error(.number) }
                return .number((low + (Double.random(in: 0..<1) * (high - low + 1)).rounded(.down)).mathClamped(low, high))
            }
        },
        FunctionDefinition("RANDARRAY", 0...5, volatile: true) { args, ctx in
            var xs: [Double] = [1, 1, 0, 1, 0]
            for (i, a) in args.enumerated() where !isOmitted(a) {
                switch try ctx.number(a) {
                case .success(let x): xs[i] = x
                case .failure(let e): return .error(e)
                }
            }
            let rows = xs[0].rounded(.towardZero), columns = xs[1].rounded(.towardZero)
            let (low, high, whole) = (xs[2], xs[3], xs[4] != 0)
            if rows == 0 || columns == 0 { return .error(.calc) }
            guard rows > 0, columns > 0, rows * columns <= Double(maximumGeneratedCells), low <= high,
                  let r = Int(exactly: rows), let c = Int(exactly: columns) else { return .error(.value) }
            if whole && (low != low.rounded() || high != high.rounded()) { return .error(.value) }
            var values: [CellValue] = []
            values.reserveCapacity(r * c)
            for _ in 0..<(r * c) {
                let u = Double.random(in: 0..<1)
                values.append(.number(whole ? (low + (u * (high - low + 1)).rounded(.down)).mathClamped(low, high)
                                      : low + u * (high - low)))
            }
            return .array(Matrix(rows: r, columns: c, values: values))
        },
    ]

    // MARK: - Helpers

    /// A number result: infinities and NaN are #NUM!, negative zero is zero.
    static func number(_ x: Double) -> CellValue {
        x.isFinite ? .number(x == 0 ? 0 : x) : .error(.number)
    }

    /// The value rounded to 15 significant digits, as Excel sees a quotient like 1.5/0.1.
    static func clean(_ x: Double) -> Double {
        guard x.isFinite, x != 0 else { return x }
        return Double(NumberText.format15(x)) ?? x
    }

    /// `n` rounded to a multiple of `s` by `rule` (applied to the quotient, cleaned to 15 digits).
    static func multiple(_ n: Double, _ s: Double, _ rule: FloatingPointRoundingRule) -> Double {
        let q = clean(n / s).rounded(rule)
        return clean(q * s)
    }

    /// CEILING.PRECISE, ISO.CEILING and FLOOR.PRECISE: the significance's sign does not matter.
    static func precise(_ n: Double, _ significance: Double, _ rule: FloatingPointRoundingRule) -> CellValue {
        let s = abs(significance)
        if s == 0 || n == 0 { return .number(0) }
        return number(multiple(n, s, rule))
    }

    static func isOmitted(_ v: Value) -> Bool {
        if case .empty = v { return true }
        return false
    }

    /// An Analysis ToolPak function of numbers (MROUND, QUOTIENT, SQRTPI, FACTDOUBLE): a range of
    /// more than one cell is #VALUE! even in an array formula (arrays are taken element by element),
    /// and logical values are #VALUE!.
    static func atp(_ name: String, _ arity: ClosedRange<Int>,
                    _ body: @escaping @Sendable ([Double]) -> CellValue) -> FunctionDefinition {
        FunctionDefinition(name, arity) { args, ctx in
            for a in args { if case .reference(let r) = a, !r.isSingleCell { return .error(.value) } }
            return try ctx.lift(args) { values in
                var xs: [Double] = []
                for v in values {
                    switch atpNumber(v) {
                    case .success(let x): xs.append(x)
                    case .failure(let e): return .error(e)
                    }
                }
                return body(xs)
            }
        }
    }

    /// A number for an Analysis ToolPak function: logical values are #VALUE!.
    static func atpNumber(_ value: CellValue) -> Result<Double, ErrorValue> {
        if case .boolean = value { return .failure(.value) }
        return Coercion.number(value)
    }

    /// A function of one number.
    static func unary(_ name: String, _ body: @escaping @Sendable (Double) -> CellValue) -> FunctionDefinition {
        .scalar(name, 1...1) { args, _ in
            switch Coercion.number(args[0]) {
            case .success(let x): return body(x)
            case .failure(let e): return .error(e)
            }
        }
    }

    /// A function of numbers: every argument coerced (the first failure is the result), omitted
    /// trailing ones given their defaults (one per optional parameter).
    static func numeric(_ name: String, _ arity: ClosedRange<Int>, defaults: [Double] = [],
                        _ body: @escaping @Sendable ([Double]) -> CellValue) -> FunctionDefinition {
        .scalar(name, arity) { args, _ in
            var xs: [Double] = []
            for a in args {
                switch Coercion.number(a) {
                case .success(let x): xs.append(x)
                case .failure(let e): return .error(e)
                }
            }
            while xs.count < arity.upperBound, xs.count - arity.lowerBound < defaults.count {
                xs.append(defaults[xs.count - arity.lowerBound])
            }
            return body(xs)
        }
    }

    /// ROUND, ROUNDUP and ROUNDDOWN: `digits` may be negative (ROUND(1234, -2) is 1200). The value is
    /// first brought to 15 significant digits so that 2.675 (stored as 2.67499…) rounds like Excel.
    static func roundFunction(_ args: [CellValue], _ rule: (Double, Int) -> Double) -> CellValue {
        guard case .success(let x) = Coercion.number(args[0]) else { return errorOf(args[0]) }
        guard case .success(let d) = Coercion.number(args[1]) else { return errorOf(args[1]) }
        let digits = Int(d.rounded(.towardZero).mathClamped(-400, 400))
        guard abs(digits) <= 308 else { return .number(digits > 0 ? x : 0) }
        let factor = pow(10.0, Double(abs(digits)))
        let scaled = digits >= 0 ? x * factor : x / factor
        guard scaled.isFinite else { return .number(x) }
        let cleaned = Double(NumberText.format15(scaled)) ?? scaled
        let r = rule(cleaned, digits)
        let result = digits >= 0 ? r / factor : r * factor
        return result.isFinite ? .number(result == 0 ? 0 : result) : .error(.number)
    }
}

extension Double {
    fileprivate func mathClamped(_ low: Double, _ high: Double) -> Double { Swift.min(Swift.max(self, low), high) }
}

/// The error a failed coercion gives (#VALUE! for text that is not a number).
func errorOf(_ value: CellValue) -> CellValue {
    if case .error(let e) = value { return .error(e) }
    return .error(.value)
}

extension EvaluationContext {
    /// SUM of one column range, continuing the sum of the same column from the same first row that
    /// an earlier formula of this recalculation took (the running-total pattern `=SUM($B$1:Bn)`).
    /// Nil when the shortcut does not apply. Adds in the same order as a plain SUM, so the result
    /// is identical.
    func runningTotal(_ reference: Reference) throws -> Value? {
        guard !checkDirty, reference.isSingleArea else { return nil }
        let area = reference.areas[0]
        guard area.range.columnCount == 1, area.range.rowCount > 1, area.sheet < workbook.sheets.count else { return nil }
        let key = PrefixSumKey(sheet: area.sheet, firstRow: area.range.first.row, column: area.range.first.column)
        let lastRow = Int(area.range.last.row)
        var sum = PrefixSum(lastRow: Int(area.range.first.row) - 1, total: 0, error: nil)
        if let cached = caches.prefixSums.sum(for: key), cached.lastRow <= lastRow { sum = cached }
        if sum.error == nil, sum.lastRow < lastRow,
           let rows = workbook.sheets[area.sheet].usedRows(column: Int(area.range.first.column), in: (sum.lastRow + 1)...lastRow) {
            let column = Int(area.range.first.column)
            for row in rows {
                switch try cellValue(sheet: area.sheet, row: row, column: column) {
                case .number(let n): sum.total = NumberPrecision.sum(sum.total, n)
                case .error(let e): sum.error = e
                default: continue
                }
                if sum.error != nil { break }
            }
        }
        sum.lastRow = lastRow
        if sum.error == nil { caches.prefixSums.store(sum, for: key) }
        if let e = sum.error { return .error(e) }
        return .number(sum.total)
    }

    /// SUMIF/SUMIFS. SUMIFS wants the sum range the criteria ranges' shape (`sameShape`); SUMIF
    /// takes the criteria range's shape from the sum range's top-left cell.
    func sumIfs(sumRange: Value, pairs: [(Value, Value)], sameShape: Bool = false) throws -> Value {
        guard case .reference(let r) = sumRange, r.isSingleArea else { return .error(.value) }
        if sameShape, case .reference(let c) = pairs[0].0,
           c.areas[0].range.rowCount != r.areas[0].range.rowCount || c.areas[0].range.columnCount != r.areas[0].range.columnCount {
            return .error(.value)
        }
        switch try matchingOffsets(pairs) {
        case .failure(let e): return .error(e)
        case .success(let (offsets, shape)):
            // SUMIF's sum range takes the criteria range's shape from its own top-left cell.
            let area = Reference.Area(sheet: r.areas[0].sheet, range: CellRange(
                first: r.areas[0].range.first,
                last: CellAddress(row: Int(r.areas[0].range.first.row) + shape.rowCount - 1,
                                  column: Int(r.areas[0].range.first.column) + shape.columnCount - 1)))
            var total = 0.0
            recordSumPositions(offsets, of: area, referenced: r.areas[0], criteria: pairs)
            let read = positionReader(area)
            for offset in offsets {
                switch try read(Int(offset)) {
                case .number(let n): total += n
                case .error(let e): return .error(e)
                default: continue
                }
            }
            return .number(total)
        }
    }

    /// Remembers which positions of its sum range this formula added up, so that an edit elsewhere
    /// in the range does not recompute it (`Workbook.markEditedDirty`). Only for a sum range that
    /// is the referenced range itself and is not also tested by a criterion, in an ordinary cell.
    private func recordSumPositions(_ offsets: [Int32], of area: Reference.Area, referenced: Reference.Area, criteria: [(Value, Value)]) {
        guard let node, !arrayMode, area == referenced, offsets.count <= 4_096 else { return }
        for (range, _) in criteria {
            if case .reference(let c) = range, c.areas.contains(where: { $0.sheet == area.sheet && $0.range.intersects(area.range) }) { return }
        }
        // The same call made again in one evaluation (an array of criteria): all its positions count.
        if let earlier = workbook.sumPositions[node]?[area] {
            workbook.sumPositions[node]![area] = Array(Set(earlier + offsets)).sorted()
        } else {
            workbook.sumPositions[node, default: [:]][area] = offsets
        }
    }

    /// Criteria functions given an array of criteria (or, in an array formula, a range of them)
    /// give an array: one result per criterion, computed with that criterion alone.
    func liftingCriteria(_ pairs: [(Value, Value)], _ body: ([(Value, Value)]) throws -> Value) throws -> Value {
        var arrays: [(Int, Matrix)] = []
        for (i, pair) in pairs.enumerated() {
            switch pair.1 {
            case .array(let m) where m.count > 1:
                arrays.append((i, m))
            case .reference(let r) where arrayMode && !r.isSingleCell && r.isSingleArea:
                arrays.append((i, try matrix(r.areas[0])))
            default: continue
            }
        }
        guard !arrays.isEmpty else { return try body(pairs) }
        let rows = arrays.map(\.1.rows).max() ?? 1, columns = arrays.map(\.1.columns).max() ?? 1
        var out = Matrix(rows: rows, columns: columns, repeating: .empty)
        for r in 0..<rows {
            for c in 0..<columns {
                var these = pairs
                for (i, m) in arrays { these[i].1 = Value(m.broadcast(row: r, column: c)) }
                switch try body(these) {
                case .array(let m): out[r, c] = m.count > 0 ? m[0, 0] : .error(.value)
                case .reference: out[r, c] = .error(.value)
                case let v: out[r, c] = v.scalar
                }
            }
        }
        return .array(out)
    }

    /// An argument as a rectangular array: a range's cells, an array, or a single value.
    func mathGrid(_ argument: Value) throws -> Result<Matrix, ErrorValue> {
        switch argument {
        case .reference(let r):
            guard r.isSingleArea else { return .failure(.value) }
            return .success(try matrix(r.areas[0]))
        case .array(let m): return .success(m)
        case .error(let e): return .failure(e)
        default: return .success(Matrix(rows: 1, columns: 1, values: [argument.scalar]))
        }
    }

    /// An argument of MMULT/MDETERM/MINVERSE: every element must be a number.
    func mathNumericMatrix(_ argument: Value) throws -> Result<MathFunctions.NumericMatrix, ErrorValue> {
        switch try mathGrid(argument) {
        case .failure(let e): return .failure(e)
        case .success(let m):
            var values: [Double] = []
            values.reserveCapacity(m.count)
            for v in m.values {
                switch v {
                case .number(let n): values.append(n)
                case .error(let e): return .failure(e)
                default: return .failure(.value)
                }
            }
            return .success(MathFunctions.NumericMatrix(rows: m.rows, columns: m.columns, values: values))
        }
    }

    /// SUMX2MY2, SUMX2PY2 and SUMXMY2: pairs where both values are numbers; the arrays must have
    /// the same number of elements (#N/A otherwise).
    func pairSum(_ args: [Value], _ term: (Double, Double) -> Double) throws -> Value {
        let xs: Matrix, ys: Matrix
        switch try mathGrid(args[0]) {
        case .success(let m): xs = m
        case .failure(let e): return .error(e)
        }
        switch try mathGrid(args[1]) {
        case .success(let m): ys = m
        case .failure(let e): return .error(e)
        }
        guard xs.count == ys.count else { return .error(.notAvailable) }
        var total = 0.0
        for i in 0..<xs.count {
            switch (xs.values[i], ys.values[i]) {
            case (.error(let e), _), (_, .error(let e)): return .error(e)
            case (.number(let x), .number(let y)): total += term(x, y)
            default: continue
            }
        }
        return Value(.success(total))
    }

    /// The numbers of GCD, LCM and MULTINOMIAL (callers truncate them): numbers of ranges and arrays
    /// (empty cells skipped, other values #VALUE!), and arguments coerced.
    func integerArguments(_ args: [Value]) throws -> Result<[Double], ErrorValue> {
        var out: [Double] = []
        for a in args {
            switch a {
            case .reference(let r) where r.isSingleCell:
                // A single empty cell is #VALUE! (as are logical values and text).
                switch try scalar(a) {
                case .number(let n): out.append(n)
                case .error(let e): return .failure(e)
                case .text(let s):
                    guard let n = Coercion.parseNumber(s) else { return .failure(.value) }
                    out.append(n)
                default: return .failure(.value)
                }
            case .reference, .array:
                for v in try values(a) {
                    switch v {
                    case .number(let n): out.append(n)
                    case .empty: continue
                    case .error(let e): return .failure(e)
                    default: return .failure(.value)
                    }
                }
            default:
                switch MathFunctions.atpNumber(a.scalar) {
                case .success(let n): out.append(n)
                case .failure(let e): return .failure(e)
                }
            }
        }
        return .success(out)
    }

    /// The values SUBTOTAL and AGGREGATE work on, in order: cells of references (empty ones left
    /// out; cells whose formula calls SUBTOTAL or AGGREGATE too when `skipNested`), error values
    /// left out when `skipErrors`. Arrays are accepted only where the function allows them.
    func subtotalValues(_ args: ArraySlice<Value>, skipNested: Bool, skipErrors: Bool,
                        arraysAllowed: Bool, skipHidden: HiddenRowRule) throws -> Result<[CellValue], ErrorValue> {
        var out: [CellValue] = []
        for a in args {
            switch a {
            case .reference(let r):
                for area in r.areas {
                    guard let range = usedPart(of: area) else { continue }
                    let cells = workbook.sheets[area.sheet]
                    let lastColumn = min(Int(range.last.column), cells.columnCount - 1)
                    let lastRow = min(Int(range.last.row), cells.rowLimit - 1)
                    guard Int(range.first.column) <= lastColumn, Int(range.first.row) <= lastRow else { continue }
                    for row in Int(range.first.row)...lastRow {
                        if skipHidden != .none, let hiding = workbook.rowHiding(sheet: area.sheet, row: row),
                           skipHidden == .allHidden || hiding == .filtered {
                            continue
                        }
                        for column in Int(range.first.column)...lastColumn {
                            let v = try cellValue(sheet: area.sheet, row: row, column: column)
                            if v.isEmpty { continue }
                            if skipErrors, case .error = v { continue }
                            if skipNested, isSubtotalFormula(sheet: area.sheet, row: row, column: column) { continue }
                            out.append(v)
                        }
                    }
                }
            case .array(let m) where arraysAllowed:
                for v in m.values {
                    if skipErrors, case .error = v { continue }
                    out.append(v)
                }
            case .error(let e):
                return .failure(e)
            default:
                guard arraysAllowed else { return .failure(.value) }
                if skipErrors, case .error = a { continue }
                out.append(a.scalar)
            }
        }
        return .success(out)
    }

    /// Whether a cell holds a formula that calls SUBTOTAL or AGGREGATE (which SUBTOTAL skips).
    func isSubtotalFormula(sheet: Int, row: Int, column: Int) -> Bool {
        guard let node = workbook.formulaAt[CellKey(sheet: sheet, row: row, column: column)],
              Int(node) < workbook.formulas.count else { return false }
        return Self.callsSubtotal(workbook.formulas[Int(node)].expression)
    }

    private static func callsSubtotal(_ e: Expression) -> Bool {
        switch e {
        case .call(let f, let arguments):
            if f.name == "SUBTOTAL" || f.name == "AGGREGATE" { return true }
            return arguments.contains { callsSubtotal($0) }
        case .unary(_, let x), .percent(let x): return callsSubtotal(x)
        case .binary(_, let a, let b): return callsSubtotal(a) || callsSubtotal(b)
        default: return false
        }
    }
}

/// Which hidden rows SUBTOTAL and AGGREGATE leave out.
enum HiddenRowRule { case none, filteredOnly, allHidden }
