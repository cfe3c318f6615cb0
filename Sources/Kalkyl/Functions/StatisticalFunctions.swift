#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Statistical functions: counting, averages, extremes, their criteria forms, dispersion, ranking,
/// regression and the probability distributions.
enum StatisticalFunctions {
    static let all: [FunctionDefinition] = counting + averages + dispersion + ordering + paired
        + regression + tests + distributions + discrete

    // MARK: - Counting and criteria

    static let counting: [FunctionDefinition] = [
        FunctionDefinition("COUNT", 1...255) { args, ctx in
            var n = 0
            for a in args {
                switch a {
                case .reference, .array:
                    for v in try ctx.values(a) { if case .number = v { n += 1 } }
                case .error: continue
                default:
                    if case .success = Coercion.number(a.scalar), !isEmptyArgument(a) { n += 1 }
                }
            }
            return .number(Double(n))
        },
        FunctionDefinition("COUNTA", 1...255) { args, ctx in
            var n = 0
            for a in args {
                switch a {
                case .reference(let r): try ctx.forEachValue(in: r) { _ in n += 1 }
                case .array(let m): n += m.values.filter { !$0.isEmpty }.count
                default: n += 1
                }
            }
            return .number(Double(n))
        },
        FunctionDefinition("COUNTBLANK", 1...1) { args, ctx in
            guard case .reference(let r) = args[0] else { return .error(.value) }
            var filled = 0
            try ctx.forEachValue(in: r) { v in
                if case .text(let s) = v, s.isEmpty { return }
                filled += 1
            }
            let total = r.areas.reduce(0) { $0 + $1.range.cellCount }
            return .number(Double(total - filled))
        },
        FunctionDefinition("COUNTIF", 2...2) { args, ctx in
            try ctx.overCriteria(args, criteria: [1]) { a in try ctx.countIfs([(a[0], a[1])]) }
        },
        FunctionDefinition("COUNTIFS", 2...254) { args, ctx in
            guard args.count % 2 == 0 else { return .error(.value) }
            return try ctx.overCriteria(args, criteria: Set(stride(from: 1, to: args.count, by: 2))) { a in
                guard let pairs = EvaluationContext.criteriaPairs(a[0...]) else { return .error(.value) }
                return try ctx.countIfs(pairs)
            }
        },
        FunctionDefinition("AVERAGEIF", 2...3) { args, ctx in
            try ctx.overCriteria(args, criteria: [1]) { a in
                try ctx.averageIfs(averageRange: a.count == 3 ? a[2] : a[0], pairs: [(a[0], a[1])])
            }
        },
        FunctionDefinition("AVERAGEIFS", 3...255) { args, ctx in
            guard args.count % 2 == 1 else { return .error(.value) }
            return try ctx.overCriteria(args, criteria: Set(stride(from: 2, to: args.count, by: 2))) { a in
                guard let pairs = EvaluationContext.criteriaPairs(a[1...]) else { return .error(.value) }
                return try ctx.averageIfs(averageRange: a[0], pairs: pairs)
            }
        },
        FunctionDefinition("MINIFS", 3...255) { args, ctx in
            guard args.count % 2 == 1 else { return .error(.value) }
            return try ctx.overCriteria(args, criteria: Set(stride(from: 2, to: args.count, by: 2))) { a in
                guard let pairs = EvaluationContext.criteriaPairs(a[1...]) else { return .error(.value) }
                return try ctx.criteriaNumbers(a[0], pairs) { $0.min() ?? 0 }
            }
        },
        FunctionDefinition("MAXIFS", 3...255) { args, ctx in
            guard args.count % 2 == 1 else { return .error(.value) }
            return try ctx.overCriteria(args, criteria: Set(stride(from: 2, to: args.count, by: 2))) { a in
                guard let pairs = EvaluationContext.criteriaPairs(a[1...]) else { return .error(.value) }
                return try ctx.criteriaNumbers(a[0], pairs) { $0.max() ?? 0 }
            }
        },
    ]

    // MARK: - Averages and extremes

    static let averages: [FunctionDefinition] = [
        aggregate("AVERAGE") { xs in xs.isEmpty ? .error(.divisionByZero) : .number(mean(xs)) },
        aggregate("AVERAGEA", allValues: true) { xs in xs.isEmpty ? .error(.divisionByZero) : .number(mean(xs)) },
        aggregate("MIN") { xs in .number(xs.min() ?? 0) },
        aggregate("MAX") { xs in .number(xs.max() ?? 0) },
        aggregate("MINA", allValues: true) { xs in .number(xs.min() ?? 0) },
        aggregate("MAXA", allValues: true) { xs in .number(xs.max() ?? 0) },
        aggregate("MEDIAN") { xs in
            guard !xs.isEmpty else { return .error(.number) }
            let s = xs.sorted()
            let m = s.count / 2
            return .number(s.count % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2)
        },
        mode("MODE") { Value(modeSingle($0)) },
        mode("MODE.SNGL") { Value(modeSingle($0)) },
        mode("MODE.MULT") { xs in
            let modes = modes(xs)
            guard !modes.isEmpty else { return .error(.notAvailable) }
            return .array(Matrix(column: modes.map { .number($0) }))
        },
        aggregate("GEOMEAN") { xs in
            guard !xs.isEmpty, xs.allSatisfy({ $0 > 0 }) else { return .error(.number) }
            return .number(exp(xs.reduce(0) { $0 + log($1) } / Double(xs.count)))
        },
        aggregate("HARMEAN") { xs in
            guard !xs.isEmpty, xs.allSatisfy({ $0 > 0 }) else { return .error(.number) }
            return .number(Double(xs.count) / xs.reduce(0) { $0 + 1 / $1 })
        },
        withData("TRIMMEAN", 2...2) { xs, s in
            guard case .success(let p) = Coercion.number(s[1]) else { return errorOf(s[1]) }
            guard p >= 0, p < 1, !xs.isEmpty else { return .error(.number) }
            let drop = Int((Double(xs.count) * p / 2).rounded(.down))
            let sorted = xs.sorted()
            let kept = sorted[drop..<(sorted.count - drop)]
            guard !kept.isEmpty else { return .error(.number) }
            return .number(mean(Array(kept)))
        },
    ]

    // MARK: - Dispersion and shape

    static let dispersion: [FunctionDefinition] = [
        aggregate("STDEV") { variance($0, sample: true).map { .number($0.squareRoot()) } ?? .error(.divisionByZero) },
        aggregate("STDEV.S") { variance($0, sample: true).map { .number($0.squareRoot()) } ?? .error(.divisionByZero) },
        aggregate("STDEVP") { variance($0, sample: false).map { .number($0.squareRoot()) } ?? .error(.divisionByZero) },
        aggregate("STDEV.P") { variance($0, sample: false).map { .number($0.squareRoot()) } ?? .error(.divisionByZero) },
        aggregate("STDEVA", allValues: true) { variance($0, sample: true).map { .number($0.squareRoot()) } ?? .error(.divisionByZero) },
        aggregate("STDEVPA", allValues: true) { variance($0, sample: false).map { .number($0.squareRoot()) } ?? .error(.divisionByZero) },
        aggregate("VAR") { variance($0, sample: true).map { .number($0) } ?? .error(.divisionByZero) },
        aggregate("VAR.S") { variance($0, sample: true).map { .number($0) } ?? .error(.divisionByZero) },
        aggregate("VARP") { variance($0, sample: false).map { .number($0) } ?? .error(.divisionByZero) },
        aggregate("VAR.P") { variance($0, sample: false).map { .number($0) } ?? .error(.divisionByZero) },
        aggregate("VARA", allValues: true) { variance($0, sample: true).map { .number($0) } ?? .error(.divisionByZero) },
        aggregate("VARPA", allValues: true) { variance($0, sample: false).map { .number($0) } ?? .error(.divisionByZero) },
        aggregate("DEVSQ") { xs in
            guard !xs.isEmpty else { return .error(.number) }
            return .number(sumOfSquaredDeviations(xs))
        },
        aggregate("AVEDEV") { xs in
            guard !xs.isEmpty else { return .error(.number) }
            let m = mean(xs)
            return .number(xs.reduce(0) { $0 + abs($1 - m) } / Double(xs.count))
        },
        aggregate("KURT") { xs in
            let n = Double(xs.count)
            guard xs.count >= 4, let v = variance(xs, sample: true), v > 0 else { return .error(.divisionByZero) }
            let m = mean(xs), s = v.squareRoot()
            let sum4 = xs.reduce(0) { $0 + pow(($1 - m) / s, 4) }
            return .number(n * (n + 1) / ((n - 1) * (n - 2) * (n - 3)) * sum4 - 3 * (n - 1) * (n - 1) / ((n - 2) * (n - 3)))
        },
        aggregate("SKEW") { xs in
            let n = Double(xs.count)
            guard xs.count >= 3, let v = variance(xs, sample: true), v > 0 else { return .error(.divisionByZero) }
            let m = mean(xs), s = v.squareRoot()
            return .number(n / ((n - 1) * (n - 2)) * xs.reduce(0) { $0 + pow(($1 - m) / s, 3) })
        },
        aggregate("SKEW.P") { xs in
            let n = Double(xs.count)
            guard xs.count >= 1, let v = variance(xs, sample: false), v > 0 else { return .error(.divisionByZero) }
            let m = mean(xs), s = v.squareRoot()
            return .number(xs.reduce(0) { $0 + pow(($1 - m) / s, 3) } / n)
        },
        numeric("STANDARDIZE", 3...3) { x in
            guard x[2] > 0 else { return .error(.number) }
            return .number((x[0] - x[1]) / x[2])
        },
        numeric("FISHER", 1...1) { x in
            guard x[0] > -1, x[0] < 1 else { return .error(.number) }
            return .number(0.5 * log((1 + x[0]) / (1 - x[0])))
        },
        numeric("FISHERINV", 1...1) { x in
            let e = exp(2 * x[0])
            if e.isInfinite { return .number(1) }
            return .number((e - 1) / (e + 1))
        },
    ]

    // MARK: - Order statistics and ranking

    static let ordering: [FunctionDefinition] = [
        withData("LARGE", 2...2) { xs, s in kth(xs, s[1], largest: true) },
        withData("SMALL", 2...2) { xs, s in kth(xs, s[1], largest: false) },
        withData("PERCENTILE", 2...2) { xs, s in percentile(xs, s[1], exclusive: false) },
        withData("PERCENTILE.INC", 2...2) { xs, s in percentile(xs, s[1], exclusive: false) },
        withData("PERCENTILE.EXC", 2...2) { xs, s in percentile(xs, s[1], exclusive: true) },
        withData("QUARTILE", 2...2) { xs, s in quartile(xs, s[1], exclusive: false) },
        withData("QUARTILE.INC", 2...2) { xs, s in quartile(xs, s[1], exclusive: false) },
        withData("QUARTILE.EXC", 2...2) { xs, s in quartile(xs, s[1], exclusive: true) },
        withData("PERCENTRANK", 2...3) { xs, s in percentRank(xs, s, exclusive: false) },
        withData("PERCENTRANK.INC", 2...3) { xs, s in percentRank(xs, s, exclusive: false) },
        withData("PERCENTRANK.EXC", 2...3) { xs, s in percentRank(xs, s, exclusive: true) },
        rank("RANK", average: false),
        rank("RANK.EQ", average: false),
        rank("RANK.AVG", average: true),
        FunctionDefinition("FREQUENCY", 2...2, arrayArguments: true) { args, ctx in
            let data: [Double]
            var bins: [Double]
            switch try ctx.numbers([args[0]]) {
            case .failure(let e): return .error(e)
            case .success(let xs): data = xs
            }
            switch try ctx.numbers([args[1]]) {
            case .failure(let e): return .error(e)
            case .success(let xs): bins = xs
            }
            // With no bins, one bin at 0.
            if bins.isEmpty { bins = [0] }
            var counts = [Double](repeating: 0, count: bins.count + 1)
            let order = bins.indices.sorted { bins[$0] < bins[$1] || (bins[$0] == bins[$1] && $0 < $1) }
            for x in data {
                // The smallest bin at or above x (the first of equal bins), else the overflow slot.
                var lo = 0, hi = order.count
                while lo < hi {
                    let mid = (lo + hi) / 2
                    if bins[order[mid]] < x { lo = mid + 1 } else { hi = mid }
                }
                counts[lo < order.count ? order[lo] : bins.count] += 1
            }
            return .array(Matrix(column: counts.map { .number($0) }))
        },
    ]

    // MARK: - Two data sets

    static let paired: [FunctionDefinition] = [
        pairs("CORREL") { correlation($0, $1) },
        pairs("PEARSON") { correlation($0, $1) },
        pairs("RSQ") { x, y in
            guard case .number(let r) = correlation(x, y) else { return correlation(x, y) }
            return .number(r * r)
        },
        pairs("COVAR") { covariance($0, $1, sample: false) },
        pairs("COVARIANCE.P") { covariance($0, $1, sample: false) },
        pairs("COVARIANCE.S") { covariance($0, $1, sample: true) },
        pairs("SLOPE", yFirst: true) { x, y in
            guard let (slope, _) = line(x, y) else { return .error(.divisionByZero) }
            return .number(slope)
        },
        pairs("INTERCEPT", yFirst: true) { x, y in
            guard let (_, intercept) = line(x, y) else { return .error(.divisionByZero) }
            return .number(intercept)
        },
        pairs("STEYX", yFirst: true) { x, y in
            let n = Double(x.count)
            guard x.count >= 3 else { return .error(.divisionByZero) }
            let mx = mean(x), my = mean(y)
            var sxy = 0.0, sxx = 0.0, syy = 0.0
            for i in x.indices {
                sxy += (x[i] - mx) * (y[i] - my)
                sxx += (x[i] - mx) * (x[i] - mx)
                syy += (y[i] - my) * (y[i] - my)
            }
            guard sxx != 0 else { return .error(.divisionByZero) }
            return .number(max(0, (syy - sxy * sxy / sxx) / (n - 2)).squareRoot())
        },
        forecast("FORECAST"),
        forecast("FORECAST.LINEAR"),
        FunctionDefinition("PROB", 3...4) { args, ctx in
            let pairs = try ctx.numberPairs(args[0], args[1])
            let hasUpper = args.count > 3 && !isEmptyArgument(args[3])
            return try ctx.liftScalars(args, skipping: [0, 1]) { s in
                for v in s { if case .error(let e) = v { return .error(e) } }
                let xs: [Double], ps: [Double]
                switch pairs {
                case .failure(let e): return .error(e)
                case .success(let v): (xs, ps) = (v.x, v.y)
                }
                guard !ps.isEmpty else { return .error(.divisionByZero) }
                guard case .success(let lower) = Coercion.number(s[2]) else { return errorOf(s[2]) }
                var upper = lower
                if hasUpper {
                    guard case .success(let u) = Coercion.number(s[3]) else { return errorOf(s[3]) }
                    upper = u
                }
                guard ps.allSatisfy({ $0 > 0 && $0 <= 1 }) else { return .error(.number) }
                let total = ps.reduce(0, +)
                guard abs(total - 1) < 1e-9 else { return .error(.number) }
                var sum = 0.0
                for i in xs.indices where xs[i] >= lower && xs[i] <= upper { sum += ps[i] }
                return .number(sum)
            }
        },
    ]

    // MARK: - Helpers to define functions

    static func isEmptyArgument(_ v: Value) -> Bool {
        if case .empty = v { return true }
        return false
    }

    /// A function of the numbers of all its arguments (SUM's rules; `allValues` for the …A forms,
    /// which count logical values and text in references as numbers).
    static func aggregate(_ name: String, allValues: Bool = false,
                          _ body: @escaping @Sendable ([Double]) -> CellValue) -> FunctionDefinition {
        FunctionDefinition(name, 1...255) { args, ctx in
            let result = allValues ? try ctx.allNumbers(args) : try ctx.numbers(args)
            switch result {
            case .failure(let e): return .error(e)
            case .success(let xs): return Value(finite(body(xs)))
            }
        }
    }

    /// MODE and its forms: text typed as an argument that is not a number is passed over, an
    /// omitted argument is #VALUE!.
    static func mode(_ name: String, _ body: @escaping @Sendable ([Double]) -> Value) -> FunctionDefinition {
        FunctionDefinition(name, 1...255) { args, ctx in
            var kept: [Value] = []
            for a in args {
                switch a {
                case .empty: return .error(.value)
                case .text(let t) where Coercion.parseNumber(t) == nil: continue
                default: kept.append(a)
                }
            }
            switch try ctx.numbers(kept) {
            case .failure(let e): return .error(e)
            case .success(let xs): return body(xs)
            }
        }
    }

    /// A function of a data set (first argument, SUM's rules) and single values (the others, lifted
    /// over arrays).
    static func withData(_ name: String, _ arity: ClosedRange<Int>,
                         _ body: @escaping @Sendable ([Double], [CellValue]) -> CellValue) -> FunctionDefinition {
        FunctionDefinition(name, arity) { args, ctx in
            let data = try ctx.numbers([args[0]])
            return try ctx.liftScalars(args, skipping: [0]) { s in
                // An error among the single values comes before one in the data.
                for v in s { if case .error(let e) = v { return .error(e) } }
                switch data {
                case .failure(let e): return .error(e)
                case .success(let xs): return finite(body(xs, s))
                }
            }
        }
    }

    /// A function of numbers (lifted over arrays). Arguments in `flags` are read as logical values.
    static func numeric(_ name: String, _ arity: ClosedRange<Int>, flags: Set<Int> = [],
                        _ body: @escaping @Sendable ([Double]) -> CellValue) -> FunctionDefinition {
        .scalar(name, arity) { args, _ in
            var xs: [Double] = []
            xs.reserveCapacity(args.count)
            for (i, a) in args.enumerated() {
                if flags.contains(i) {
                    switch Coercion.boolean(a) {
                    case .success(let b): xs.append(b ? 1 : 0)
                    case .failure(let e): return .error(e)
                    }
                } else {
                    switch Coercion.number(a) {
                    case .success(let n): xs.append(n)
                    case .failure(let e): return .error(e)
                    }
                }
            }
            return finite(body(xs))
        }
    }

    /// A function of two equally long data sets, taken pairwise where both are numbers.
    /// `yFirst`: the first argument is the dependent data (SLOPE(known_y's, known_x's)).
    static func pairs(_ name: String, yFirst: Bool = false,
                      _ body: @escaping @Sendable ([Double], [Double]) -> CellValue) -> FunctionDefinition {
        FunctionDefinition(name, 2...2) { args, ctx in
            switch try ctx.numberPairs(args[0], args[1]) {
            case .failure(let e): return .error(e)
            case .success(let (a, b)): return Value(finite(yFirst ? body(b, a) : body(a, b)))
            }
        }
    }

    static func forecast(_ name: String) -> FunctionDefinition {
        FunctionDefinition(name, 3...3) { args, ctx in
            let pairs = try ctx.numberPairs(args[1], args[2])
            return try ctx.liftScalars(args, skipping: [1, 2]) { s in
                guard case .success(let x) = Coercion.number(s[0]) else { return errorOf(s[0]) }
                let p: (y: [Double], x: [Double])
                switch pairs {
                case .failure(let e): return .error(e)
                case .success(let v): p = (y: v.x, x: v.y)
                }
                guard !p.x.isEmpty else { return .error(.notAvailable) }
                guard let (slope, intercept) = line(p.x, p.y) else { return .error(.divisionByZero) }
                return finite(.number(intercept + slope * x))
            }
        }
    }

    static func rank(_ name: String, average: Bool) -> FunctionDefinition {
        FunctionDefinition(name, 2...3) { args, ctx in
            guard case .reference = args[1] else {
                if case .error(let e) = args[1] { return .error(e) }
                return .error(.value)
            }
            var xs: [Double] = []
            // Errors in the list do not matter; only numbers are ranked.
            for v in try ctx.values(args[1]) { if case .number(let n) = v { xs.append(n) } }
            return try ctx.liftScalars(args, skipping: [1]) { s in
                guard case .success(let x) = Coercion.number(s[0]) else { return errorOf(s[0]) }
                var ascending = false
                if s.count > 2 {
                    guard case .success(let o) = Coercion.number(s[2]) else { return errorOf(s[2]) }
                    ascending = o != 0
                }
                var before = 0, equal = 0
                for v in xs {
                    if v == x { equal += 1 } else if ascending ? v < x : v > x { before += 1 }
                }
                guard equal > 0 else { return .error(.notAvailable) }
                if average { return .number(Double(before) + Double(equal + 1) / 2) }
                return .number(Double(before + 1))
            }
        }
    }

    /// Infinite or NaN results are #NUM!.
    static func finite(_ v: CellValue) -> CellValue {
        if case .number(let n) = v, !n.isFinite { return .error(.number) }
        return v
    }

    // MARK: - Arithmetic on data sets

    static func mean(_ xs: [Double]) -> Double { xs.reduce(0, +) / Double(xs.count) }

    static func sumOfSquaredDeviations(_ xs: [Double]) -> Double {
        let m = mean(xs)
        return xs.reduce(0) { $0 + ($1 - m) * ($1 - m) }
    }

    /// nil when there are too few values (#DIV/0!).
    static func variance(_ xs: [Double], sample: Bool) -> Double? {
        let n = xs.count - (sample ? 1 : 0)
        guard n > 0, !xs.isEmpty else { return nil }
        return sumOfSquaredDeviations(xs) / Double(n)
    }

    static func modes(_ xs: [Double]) -> [Double] {
        var counts: [Double: Int] = [:]
        for x in xs { counts[x, default: 0] += 1 }
        let best = counts.values.max() ?? 0
        guard best > 1 else { return [] }
        var seen = Set<Double>()
        var out: [Double] = []
        for x in xs where counts[x] == best && !seen.contains(x) {
            seen.insert(x)
            out.append(x)
        }
        return out
    }

    static func modeSingle(_ xs: [Double]) -> CellValue {
        guard let m = modes(xs).first else { return .error(.notAvailable) }
        return .number(m)
    }

    static func kth(_ xs: [Double], _ kValue: CellValue, largest: Bool) -> CellValue {
        guard case .success(let kRaw) = Coercion.number(kValue) else { return errorOf(kValue) }
        let k = kRaw.rounded(.towardZero)
        guard k >= 1, k <= Double(xs.count) else { return .error(.number) }
        let sorted = largest ? xs.sorted(by: >) : xs.sorted()
        return .number(sorted[Int(k) - 1])
    }

    static func percentile(_ xs: [Double], _ kValue: CellValue, exclusive: Bool) -> CellValue {
        guard case .success(let k) = Coercion.number(kValue) else { return errorOf(kValue) }
        guard !xs.isEmpty else { return .error(.number) }
        return percentile(xs.sorted(), k, exclusive: exclusive)
    }

    static func percentile(_ s: [Double], _ k: Double, exclusive: Bool) -> CellValue {
        let n = Double(s.count)
        guard !s.isEmpty else { return .error(.number) }
        let position: Double
        if exclusive {
            guard k > 0, k < 1 else { return .error(.number) }
            position = k * (n + 1) - 1
            guard position >= 0, position <= n - 1 + 1e-12 else { return .error(.number) }
        } else {
            guard k >= 0, k <= 1 else { return .error(.number) }
            position = k * (n - 1)
        }
        let lower = Int(position.rounded(.down))
        let fraction = position - Double(lower)
        guard lower >= 0, lower < s.count else { return .error(.number) }
        if lower + 1 >= s.count || fraction == 0 { return .number(s[lower]) }
        return .number(s[lower] + fraction * (s[lower + 1] - s[lower]))
    }

    static func quartile(_ xs: [Double], _ qValue: CellValue, exclusive: Bool) -> CellValue {
        guard case .success(let qRaw) = Coercion.number(qValue) else { return errorOf(qValue) }
        let q = qRaw.rounded(.down)
        guard !xs.isEmpty else { return .error(.number) }
        if exclusive {
            guard q >= 1, q <= 3 else { return .error(.number) }
        } else {
            guard q >= 0, q <= 4 else { return .error(.number) }
        }
        return percentile(xs.sorted(), q / 4, exclusive: exclusive)
    }

    static func percentRank(_ xs: [Double], _ s: [CellValue], exclusive: Bool) -> CellValue {
        guard case .success(let x) = Coercion.number(s[1]) else { return errorOf(s[1]) }
        var digits = 3.0
        if s.count > 2, !s[2].isEmpty {
            guard case .success(let d) = Coercion.number(s[2]) else { return errorOf(s[2]) }
            digits = d.rounded(.towardZero)
        }
        guard digits >= 1 else { return .error(.number) }
        guard !xs.isEmpty else { return .error(.number) }
        let sorted = xs.sorted()
        let n = Double(sorted.count)
        guard let first = sorted.first, let last = sorted.last, x >= first, x <= last else { return .error(.notAvailable) }
        func rankOf(_ i: Int) -> Double {
            // i: the position of a value; the number of values below it is i.
            exclusive ? (Double(i) + 1) / (n + 1) : (n == 1 ? 1 : Double(i) / (n - 1))
        }
        var result: Double
        if let i = sorted.firstIndex(of: x) {
            result = rankOf(i)
        } else {
            // Interpolate between the neighbours.
            var i = 0
            while i + 1 < sorted.count, sorted[i + 1] < x { i += 1 }
            let lo = sorted[i], hi = sorted[i + 1]
            let r0 = rankOf(i), r1 = rankOf(i + 1)
            result = r0 + (x - lo) / (hi - lo) * (r1 - r0)
        }
        let factor = pow(10, min(digits, 15))
        let cleaned = Double(NumberText.format15(result * factor)) ?? result * factor
        result = cleaned.rounded(.down) / factor
        return .number(result)
    }

    static func correlation(_ x: [Double], _ y: [Double]) -> CellValue {
        guard x.count >= 1 else { return .error(.divisionByZero) }
        let mx = mean(x), my = mean(y)
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for i in x.indices {
            sxy += (x[i] - mx) * (y[i] - my)
            sxx += (x[i] - mx) * (x[i] - mx)
            syy += (y[i] - my) * (y[i] - my)
        }
        guard sxx > 0, syy > 0 else { return .error(.divisionByZero) }
        return .number(sxy / (sxx * syy).squareRoot())
    }

    static func covariance(_ x: [Double], _ y: [Double], sample: Bool) -> CellValue {
        let n = x.count - (sample ? 1 : 0)
        guard !x.isEmpty, n > 0 else { return .error(.divisionByZero) }
        let mx = mean(x), my = mean(y)
        var s = 0.0
        for i in x.indices { s += (x[i] - mx) * (y[i] - my) }
        return .number(s / Double(n))
    }

    /// Least-squares line through (x, y): (slope, intercept); nil when x does not vary.
    static func line(_ x: [Double], _ y: [Double]) -> (Double, Double)? {
        guard !x.isEmpty else { return nil }
        let mx = mean(x), my = mean(y)
        var sxy = 0.0, sxx = 0.0
        for i in x.indices {
            sxy += (x[i] - mx) * (y[i] - my)
            sxx += (x[i] - mx) * (x[i] - mx)
        }
        guard sxx != 0 else { return nil }
        let slope = sxy / sxx
        return (slope, my - slope * mx)
    }
}

extension EvaluationContext {
    func countIfs(_ pairs: [(Value, Value)]) throws -> Value {
        switch try matchingOffsets(pairs) {
        case .failure(let e): return .error(e)
        case .success(let (offsets, _)): return .number(Double(offsets.count))
        }
    }

    func averageIfs(averageRange: Value, pairs: [(Value, Value)]) throws -> Value {
        try criteriaNumbers(averageRange, pairs) { xs in xs.isEmpty ? .nan : xs.reduce(0, +) / Double(xs.count) }
    }

    /// The numbers of a value range at the positions where all criteria hold, combined.
    func criteriaNumbers(_ valueRange: Value, _ pairs: [(Value, Value)], _ combine: ([Double]) -> Double) throws -> Value {
        guard case .reference(let r) = valueRange, r.isSingleArea else { return .error(.value) }
        switch try matchingOffsets(pairs) {
        case .failure(let e): return .error(e)
        case .success(let (offsets, shape)):
            let area = Reference.Area(sheet: r.areas[0].sheet, range: CellRange(
                first: r.areas[0].range.first,
                last: CellAddress(row: Int(r.areas[0].range.first.row) + shape.rowCount - 1,
                                  column: Int(r.areas[0].range.first.column) + shape.columnCount - 1)))
            var xs: [Double] = []
            for offset in offsets {
                switch try value(in: area, offset: Int(offset)) {
                case .number(let n): xs.append(n)
                case .error(let e): return .error(e)
                default: continue
                }
            }
            let result = combine(xs)
            return result.isNaN ? .error(.divisionByZero) : .number(result)
        }
    }

    /// Criteria functions given an array of criteria (`{"a","b"}`) compute once per criterion and
    /// return an array of results.
    func overCriteria(_ args: [Value], criteria: Set<Int>, _ body: ([Value]) throws -> Value) throws -> Value {
        var arrays: [(Int, Matrix)] = []
        for i in criteria.sorted() where i < args.count {
            if case .array(let m) = args[i], m.count != 1 { arrays.append((i, m)) }
        }
        if arrays.isEmpty { return try body(args) }
        let rows = arrays.map(\.1.rows).max() ?? 1, columns = arrays.map(\.1.columns).max() ?? 1
        var out = Matrix(rows: rows, columns: columns, repeating: .empty)
        for r in 0..<rows {
            for c in 0..<columns {
                var a = args
                for (i, m) in arrays { a[i] = Value(m.broadcast(row: r, column: c)) }
                out[r, c] = try body(a).scalar
            }
        }
        return .array(out)
    }

    /// Applies `body` to the arguments made single values, except those in `skipping` (left as
    /// .empty in the list, the body reads them from elsewhere): element by element when one is an
    /// array.
    func liftScalars(_ args: [Value], skipping: Set<Int>, _ body: ([CellValue]) throws -> CellValue) throws -> Value {
        var scalars = [CellValue](repeating: .empty, count: args.count)
        var arrays: [(Int, Matrix)] = []
        for (i, a) in args.enumerated() where !skipping.contains(i) {
            let v = try dereference(a)
            if case .array(let m) = v, m.count != 1 { arrays.append((i, m)) } else { scalars[i] = v.scalar }
        }
        if arrays.isEmpty { return Value(try body(scalars)) }
        let rows = arrays.map(\.1.rows).max() ?? 1, columns = arrays.map(\.1.columns).max() ?? 1
        var out = Matrix(rows: rows, columns: columns, repeating: .empty)
        for r in 0..<rows {
            for c in 0..<columns {
                var s = scalars
                for (i, m) in arrays { s[i] = m.broadcast(row: r, column: c) }
                out[r, c] = try body(s)
            }
        }
        return .array(out)
    }

    /// The numbers of the …A functions (AVERAGEA, STDEVA, …): in references and arrays, logical
    /// values count as 1 and 0 and text as 0; empty cells are skipped. Typed directly, logical
    /// values and numeric text count, other text is #VALUE!.
    func allNumbers(_ arguments: [Value]) throws -> Result<[Double], ErrorValue> {
        var out: [Double] = []
        func take(_ v: CellValue) -> ErrorValue? {
            switch v {
            case .number(let n): out.append(n)
            case .boolean(let b): out.append(b ? 1 : 0)
            case .text: out.append(0)
            case .error(let e): return e
            case .empty: break
            }
            return nil
        }
        for a in arguments {
            switch a {
            case .reference(let r):
                var failure: ErrorValue?
                try forEachValue(in: r) { v in
                    guard failure == nil else { return }
                    failure = take(v)
                }
                if let failure { return .failure(failure) }
            case .array(let m):
                for v in m.values { if let e = take(v) { return .failure(e) } }
            case .error(let e): return .failure(e)
            case .empty: continue
            default:
                switch Coercion.number(a.scalar) {
                case .success(let n): out.append(n)
                case .failure(let e): return .failure(e)
                }
            }
        }
        return .success(out)
    }

    /// Two data sets of the same size taken pairwise, keeping the pairs where both are numbers;
    /// #N/A when the sizes differ, the first error met otherwise.
    func numberPairs(_ a: Value, _ b: Value) throws -> Result<(x: [Double], y: [Double]), ErrorValue> {
        if case .error(let e) = a { return .failure(e) }
        if case .error(let e) = b { return .failure(e) }
        let xs = try pairValues(a), ys = try pairValues(b)
        guard xs.count == ys.count else { return .failure(.notAvailable) }
        var x: [Double] = [], y: [Double] = []
        for i in xs.indices {
            // Excel passes over #NULL! in paired data (the pair is left out).
            if case .error(let e) = xs[i] { if e == .null { continue }; return .failure(e) }
            if case .error(let e) = ys[i] { if e == .null { continue }; return .failure(e) }
            if case .number(let p) = xs[i], case .number(let q) = ys[i] {
                x.append(p)
                y.append(q)
            }
        }
        return .success((x, y))
    }

    /// All values of a data-set argument, including empty cells (their count matters).
    func pairValues(_ a: Value) throws -> [CellValue] {
        switch a {
        case .reference(let r):
            var out: [CellValue] = []
            for area in r.areas {
                let m = try matrix(area)
                out += m.values
                // Cells beyond the used part of the sheet are empty but still count.
                let missing = area.range.cellCount - m.count
                if missing > 0, missing < 1 << 22 { out += [CellValue](repeating: .empty, count: missing) }
            }
            return out
        case .array(let m): return m.values
        default:
            // A single value typed directly counts as it reads.
            switch Coercion.number(a.scalar) {
            case .success(let n): return [.number(n)]
            case .failure(let e): return [.error(e)]
            }
        }
    }

    /// An argument as a matrix of values (reference, array or single value).
    func matrixValue(_ a: Value) throws -> Matrix {
        switch a {
        case .reference(let r):
            guard r.isSingleArea else { return Matrix(rows: 1, columns: 1, values: [.error(.value)]) }
            let m = try matrix(r.areas[0])
            let range = r.areas[0].range
            if m.rows == range.rowCount, m.columns == range.columnCount { return m }
            // Pad to the full shape with empty cells.
            let rows = min(range.rowCount, 1 << 20), columns = min(range.columnCount, 1 << 14)
            guard rows * columns <= 1 << 22 else { return m }
            var out = Matrix(rows: rows, columns: columns, repeating: .empty)
            for r in 0..<min(m.rows, rows) { for c in 0..<min(m.columns, columns) { out[r, c] = m[r, c] } }
            return out
        case .array(let m): return m
        default: return Matrix(rows: 1, columns: 1, values: [a.scalar])
        }
    }
}

// MARK: - Regression (LINEST, LOGEST, TREND, GROWTH) and hypothesis tests

extension StatisticalFunctions {
    /// A least-squares fit y ≈ b + Σ m_j x_j.
    struct Fit {
        var slopes: [Double]          // m_1 … m_k (0 for dropped, collinear variables)
        var intercept: Double
        var slopeErrors: [Double]
        var interceptError: Double?
        var r2: Double
        var standardError: Double
        var f: Double
        var df: Double
        var ssReg: Double
        var ssResid: Double
    }

    /// The data of a regression: n observations of k variables.
    struct RegressionData {
        var y: [Double]
        var x: [[Double]]             // x[i][j]: observation i, variable j
        var byColumns: Bool           // y is a column (variables are columns of x)
        var byRows: Bool              // y is a row (variables are rows of x)
        var k: Int { x.first?.count ?? 0 }
    }

    /// The numbers of regression data: anything else (errors included) is #VALUE!.
    static func numbersOf(_ m: Matrix) -> Result<[Double], ErrorValue> {
        var out: [Double] = []
        out.reserveCapacity(m.count)
        for v in m.values {
            guard case .number(let n) = v else { return .failure(.value) }
            out.append(n)
        }
        return .success(out)
    }

    static func regressionData(_ ym: Matrix, _ xm: Matrix?, logY: Bool) -> Result<RegressionData, ErrorValue> {
        let n = ym.count
        if let xm, !(xm.rows == ym.rows && xm.columns == ym.columns) {
            // The shapes must fit before any value is looked at.
            let fits = (ym.columns == 1 && ym.rows > 1 && xm.rows == n) || (ym.rows == 1 && ym.columns > 1 && xm.columns == n)
            guard fits else { return .failure(.reference) }
        }
        var y: [Double]
        switch numbersOf(ym) {
        case .failure(let e): return .failure(e)
        case .success(let v): y = v
        }
        if logY {
            guard y.allSatisfy({ $0 > 0 }) else { return .failure(.number) }
            y = y.map { log($0) }
        }
        let byColumns = ym.columns == 1 && ym.rows > 1
        let byRows = ym.rows == 1 && ym.columns > 1
        guard let xm else {
            return .success(RegressionData(y: y, x: (1...max(n, 1)).prefix(n).map { [Double($0)] },
                                           byColumns: byColumns, byRows: byRows))
        }
        let xs: [Double]
        switch numbersOf(xm) {
        case .failure(let e): return .failure(e)
        case .success(let v): xs = v
        }
        var x: [[Double]] = []
        if xm.rows == ym.rows, xm.columns == ym.columns {
            x = xs.map { [$0] }
        } else if byColumns, xm.rows == n {
            for i in 0..<n { x.append((0..<xm.columns).map { xs[i * xm.columns + $0] }) }
        } else if byRows, xm.columns == n {
            for i in 0..<n { x.append((0..<xm.rows).map { xs[$0 * xm.columns + i] }) }
        } else {
            return .failure(.reference)
        }
        return .success(RegressionData(y: y, x: x, byColumns: byColumns, byRows: byRows))
    }

    static func fit(_ data: RegressionData, constant: Bool) -> Fit? {
        let n = data.y.count, k = data.k
        guard n > 0 else { return nil }
        var xMean = [Double](repeating: 0, count: k)
        var yMean = 0.0
        if constant {
            for i in 0..<n {
                for j in 0..<k { xMean[j] += data.x[i][j] }
                yMean += data.y[i]
            }
            for j in 0..<k { xMean[j] /= Double(n) }
            yMean /= Double(n)
        }
        // Normal equations on centred data, with the inverse alongside: [A | r | I].
        var a = [[Double]](repeating: [Double](repeating: 0, count: 2 * k + 1), count: k)
        for i in 0..<n {
            let yi = data.y[i] - yMean
            for p in 0..<k {
                let xp = data.x[i][p] - xMean[p]
                for q in 0..<k { a[p][q] += xp * (data.x[i][q] - xMean[q]) }
                a[p][k] += xp * yi
            }
        }
        for p in 0..<k { a[p][k + 1 + p] = 1 }
        let diagonal = (0..<k).map { a[$0][$0] }
        var kept = [Bool](repeating: false, count: k)
        for j in 0..<k {
            let pivot = a[j][j]
            guard pivot > 1e-12 * max(diagonal[j], 1e-300), diagonal[j] > 0 else { continue }
            kept[j] = true
            for c in 0..<(2 * k + 1) { a[j][c] /= pivot }
            for r in 0..<k where r != j {
                let factor = a[r][j]
                if factor == 0 { continue }
                for c in 0..<(2 * k + 1) { a[r][c] -= factor * a[j][c] }
            }
        }
        var slopes = [Double](repeating: 0, count: k)
        for j in 0..<k where kept[j] { slopes[j] = a[j][k] }
        let intercept = constant ? yMean - (0..<k).reduce(0) { $0 + slopes[$1] * xMean[$1] } : 0
        var ssResid = 0.0, ssTotal = 0.0
        for i in 0..<n {
            var predicted = intercept
            for j in 0..<k { predicted += slopes[j] * data.x[i][j] }
            ssResid += (data.y[i] - predicted) * (data.y[i] - predicted)
            ssTotal += constant ? (data.y[i] - yMean) * (data.y[i] - yMean) : data.y[i] * data.y[i]
        }
        let used = kept.filter { $0 }.count
        let df = Double(n - used - (constant ? 1 : 0))
        let ssReg = ssTotal - ssResid
        let variance = ssResid / df
        var slopeErrors = [Double](repeating: 0, count: k)
        for j in 0..<k where kept[j] { slopeErrors[j] = (a[j][k + 1 + j] * variance).squareRoot() }
        var interceptError: Double?
        if constant {
            var q = 0.0
            for p in 0..<k where kept[p] {
                for r in 0..<k where kept[r] { q += xMean[p] * a[p][k + 1 + r] * xMean[r] }
            }
            interceptError = (variance * (1 / Double(n) + q)).squareRoot()
        }
        return Fit(slopes: slopes, intercept: intercept, slopeErrors: slopeErrors, interceptError: interceptError,
                   r2: ssTotal == 0 ? 1 : ssReg / ssTotal, standardError: variance.squareRoot(),
                   f: (ssReg / Double(used)) / variance, df: df, ssReg: ssReg, ssResid: ssResid)
    }

    /// A logical argument of the regression functions; anything unreadable is #VALUE!.
    static func flag(_ v: Value, _ ctx: EvaluationContext, default d: Bool) throws -> Result<Bool, ErrorValue> {
        if case .empty = v { return .success(d) }
        return Coercion.boolean(try ctx.scalar(v)).mapError { _ in .value }
    }

    static func linest(_ name: String, log isLog: Bool) -> FunctionDefinition {
        FunctionDefinition(name, 1...4, arrayArguments: true) { args, ctx in
            let ym = try ctx.matrixValue(args[0])
            let xm: Matrix? = args.count > 1 && !isEmptyArgument(args[1]) ? try ctx.matrixValue(args[1]) : nil
            var constant = true, stats = false
            if args.count > 2 {
                switch try flag(args[2], ctx, default: true) {
                case .failure(let e): return .error(e)
                case .success(let b): constant = b
                }
            }
            if args.count > 3 {
                switch try flag(args[3], ctx, default: false) {
                case .failure(let e): return .error(e)
                case .success(let b): stats = b
                }
            }
            let data: RegressionData
            switch regressionData(ym, xm, logY: isLog) {
            case .failure(let e): return .error(e)
            case .success(let d): data = d
            }
            guard let f = fit(data, constant: constant) else { return .error(.value) }
            let k = data.k
            func num(_ x: Double) -> CellValue {
                let v = isLog ? exp(x) : x
                return v.isFinite ? .number(v) : .error(.number)
            }
            func plain(_ x: Double) -> CellValue { x.isFinite ? .number(x) : .error(.number) }
            var row1: [CellValue] = f.slopes.reversed().map(num)
            row1.append(constant ? num(f.intercept) : .number(isLog ? 1 : 0))
            guard stats else { return .array(Matrix(row: row1)) }
            var out = Matrix(rows: 5, columns: k + 1, repeating: .error(.notAvailable))
            for c in 0...k { out[0, c] = row1[c] }
            for (c, se) in f.slopeErrors.reversed().enumerated() { out[1, c] = f.df > 0 ? plain(se) : .error(.number) }
            if let ie = f.interceptError { out[1, k] = f.df > 0 ? plain(ie) : .error(.number) }
            out[2, 0] = plain(f.r2)
            out[2, 1] = f.df > 0 ? plain(f.standardError) : .error(.number)
            out[3, 0] = f.df > 0 ? plain(f.f) : .error(.number)
            out[3, 1] = plain(f.df)
            out[4, 0] = plain(f.ssReg)
            out[4, 1] = plain(f.ssResid)
            return .array(out)
        }
    }

    static func trend(_ name: String, log isLog: Bool) -> FunctionDefinition {
        FunctionDefinition(name, 1...4, arrayArguments: true) { args, ctx in
            let ym = try ctx.matrixValue(args[0])
            let xm: Matrix? = args.count > 1 && !isEmptyArgument(args[1]) ? try ctx.matrixValue(args[1]) : nil
            var constant = true
            if args.count > 3 {
                switch try flag(args[3], ctx, default: true) {
                case .failure(let e): return .error(e)
                case .success(let b): constant = b
                }
            }
            let data: RegressionData
            switch regressionData(ym, xm, logY: isLog) {
            case .failure(let e): return .error(e)
            case .success(let d): data = d
            }
            guard let f = fit(data, constant: constant) else { return .error(.value) }
            let k = data.k
            // The new x's: given, else the known x's (or 1, 2, 3, …).
            let nm: Matrix
            if args.count > 2, !isEmptyArgument(args[2]) {
                nm = try ctx.matrixValue(args[2])
            } else if let xm {
                nm = xm
            } else {
                nm = Matrix(rows: ym.rows, columns: ym.columns, values: (0..<ym.count).map { .number(Double($0 + 1)) })
            }
            let nx: [Double]
            switch numbersOf(nm) {
            case .failure(let e): return .error(e)
            case .success(let v): nx = v
            }
            func predict(_ xs: [Double]) -> CellValue {
                var v = f.intercept
                for j in 0..<k { v += f.slopes[j] * xs[j] }
                if isLog { v = exp(v) }
                return v.isFinite ? .number(v) : .error(.number)
            }
            if k == 1 {
                return .array(Matrix(rows: nm.rows, columns: nm.columns, values: nx.map { predict([$0]) }))
            }
            if data.byColumns {
                guard nm.columns == k else { return .error(.reference) }
                return .array(Matrix(column: (0..<nm.rows).map { i in predict((0..<k).map { nx[i * k + $0] }) }))
            }
            if data.byRows {
                guard nm.rows == k else { return .error(.reference) }
                return .array(Matrix(row: (0..<nm.columns).map { i in predict((0..<k).map { nx[$0 * nm.columns + i] }) }))
            }
            return .error(.reference)
        }
    }

    static let regression: [FunctionDefinition] = [
        linest("LINEST", log: false),
        linest("LOGEST", log: true),
        trend("TREND", log: false),
        trend("GROWTH", log: true),
    ]

    static func tTest(_ name: String) -> FunctionDefinition {
        FunctionDefinition(name, 4...4) { args, ctx in
            let a = try ctx.pairValues(args[0]), b = try ctx.pairValues(args[1])
            // Paired data is looked at pair by pair (a pair with #NULL! is passed over); otherwise
            // the first data set comes first.
            var pairwiseError: ErrorValue?
            for i in 0..<min(a.count, b.count) {
                if case .error(let e) = a[i] { if e == .null { continue }; pairwiseError = e; break }
                if case .error(let e) = b[i] { if e == .null { continue }; pairwiseError = e; break }
            }
            var firstError: ErrorValue?
            for v in a + b { if case .error(let e) = v, e != .null { firstError = e; break } }
            let xs = a.compactMap { if case .number(let n) = $0 { n } else { nil } }
            let ys = b.compactMap { if case .number(let n) = $0 { n } else { nil } }
            return try ctx.liftScalars(args, skipping: [0, 1]) { s in
                guard case .success(let tailsRaw) = Coercion.number(s[2]) else { return errorOf(s[2]) }
                guard case .success(let typeRaw) = Coercion.number(s[3]) else { return errorOf(s[3]) }
                let tails = tailsRaw.rounded(.towardZero), type = typeRaw.rounded(.towardZero)
                if type == 1, let e = pairwiseError { return .error(e) }
                if type != 1, let e = firstError { return .error(e) }
                guard tails == 1 || tails == 2, type >= 1, type <= 3 else { return .error(.number) }
                let t: Double, df: Double
                if type == 1 {
                    guard a.count == b.count else { return .error(.notAvailable) }
                    var d: [Double] = []
                    for i in a.indices {
                        if case .number(let p) = a[i], case .number(let q) = b[i] { d.append(p - q) }
                    }
                    guard d.count >= 2, let v = variance(d, sample: true), v > 0 else { return .error(.divisionByZero) }
                    t = mean(d) / (v / Double(d.count)).squareRoot()
                    df = Double(d.count - 1)
                } else {
                    let n1 = Double(xs.count), n2 = Double(ys.count)
                    guard xs.count >= 2, ys.count >= 2, let v1 = variance(xs, sample: true),
                          let v2 = variance(ys, sample: true) else { return .error(.divisionByZero) }
                    if type == 2 {
                        let pooled = ((n1 - 1) * v1 + (n2 - 1) * v2) / (n1 + n2 - 2)
                        let se = (pooled * (1 / n1 + 1 / n2)).squareRoot()
                        guard se > 0 else { return .error(.divisionByZero) }
                        t = (mean(xs) - mean(ys)) / se
                        df = n1 + n2 - 2
                    } else {
                        let q1 = v1 / n1, q2 = v2 / n2
                        guard q1 + q2 > 0 else { return .error(.divisionByZero) }
                        t = (mean(xs) - mean(ys)) / (q1 + q2).squareRoot()
                        df = (q1 + q2) * (q1 + q2) / (q1 * q1 / (n1 - 1) + q2 * q2 / (n2 - 1))
                    }
                }
                return finite(.number(min(1, tails * Distributions.tUpper(abs(t), df))))
            }
        }
    }

    static func fTest(_ name: String) -> FunctionDefinition {
        FunctionDefinition(name, 2...2) { args, ctx in
            var sets: [[Double]] = []
            for a in args.prefix(2) {
                let vs = try ctx.pairValues(a)
                var xs: [Double] = []
                for v in vs {
                    switch v {
                    case .error(let e): if e != .null { return .error(e) }
                    case .number(let n): xs.append(n)
                    default: continue
                    }
                }
                sets.append(xs)
            }
            guard sets[0].count >= 2, sets[1].count >= 2, let v1 = variance(sets[0], sample: true),
                  let v2 = variance(sets[1], sample: true), v1 > 0, v2 > 0 else { return .error(.divisionByZero) }
            let d1 = Double(sets[0].count - 1), d2 = Double(sets[1].count - 1)
            let f = v1 / v2
            let p = 2 * min(Distributions.fCDF(f, d1, d2), Distributions.fUpper(f, d1, d2))
            return Value(finite(.number(min(1, p))))
        }
    }

    static func chiTest(_ name: String) -> FunctionDefinition {
        FunctionDefinition(name, 2...2) { args, ctx in
            let am = try ctx.matrixValue(args[0]), em = try ctx.matrixValue(args[1])
            guard am.count == em.count else { return .error(.notAvailable) }
            for v in am.values + em.values { if case .error(let e) = v, e != .null { return .error(e) } }
            let df = am.rows > 1 && am.columns > 1 ? Double((am.rows - 1) * (am.columns - 1)) : Double(am.count - 1)
            guard df >= 1 else { return .error(.notAvailable) }
            var chi = 0.0
            var used = 0
            for i in 0..<am.count {
                guard case .number(let a) = am.values[i], case .number(let e) = em.values[i] else { continue }
                guard e != 0 else { return .error(.divisionByZero) }
                chi += (a - e) * (a - e) / e
                used += 1
            }
            guard used > 0 else { return .error(.divisionByZero) }
            return Value(finite(.number(Distributions.chiSquareUpper(chi, df))))
        }
    }

    static func zTest(_ name: String) -> FunctionDefinition {
        FunctionDefinition(name, 2...3) { args, ctx in
            let data = try ctx.numbers([args[0]])
            return try ctx.liftScalars(args, skipping: [0]) { s in
                for v in s { if case .error(let e) = v { return .error(e) } }
                let xs: [Double]
                switch data {
                case .failure(let e): return .error(e)
                case .success(let v): xs = v
                }
                guard case .success(let x) = Coercion.number(s[1]) else { return errorOf(s[1]) }
                guard xs.count >= 2 else { return .error(xs.isEmpty ? .notAvailable : .divisionByZero) }
                var sigma: Double
                if s.count > 2, !s[2].isEmpty {
                    guard case .success(let g) = Coercion.number(s[2]) else { return errorOf(s[2]) }
                    guard g > 0 else { return .error(.number) }
                    sigma = g
                } else {
                    guard let v = variance(xs, sample: true), v > 0 else { return .error(.divisionByZero) }
                    sigma = v.squareRoot()
                }
                let z = (mean(xs) - x) / (sigma / Double(xs.count).squareRoot())
                return finite(.number(Distributions.normalCDF(-z)))
            }
        }
    }

    static let tests: [FunctionDefinition] = [
        tTest("T.TEST"), tTest("TTEST"),
        fTest("F.TEST"), fTest("FTEST"),
        chiTest("CHISQ.TEST"), chiTest("CHITEST"),
        zTest("Z.TEST"), zTest("ZTEST"),
    ]
}
