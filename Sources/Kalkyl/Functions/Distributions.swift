#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Numerical special functions behind the statistical distributions: gamma and beta functions,
/// their regularized incomplete forms, the normal distribution and its inverse, and a safe
/// root finder for the inverses that have no closed form.
enum Distributions {
    // MARK: - Gamma

    static func logGamma(_ x: Double) -> Double { lgamma(x) }

    static func gamma(_ x: Double) -> Double { tgamma(x) }

    /// ln(n!) for n ≥ 0.
    static func logFactorial(_ n: Double) -> Double { lgamma(n + 1) }

    /// ln C(n, k).
    static func logChoose(_ n: Double, _ k: Double) -> Double {
        lgamma(n + 1) - lgamma(k + 1) - lgamma(n - k + 1)
    }

    /// C(n, k) for integers, exact while it fits (products stay exact up to 2^53).
    static func choose(_ n: Double, _ k: Double) -> Double {
        guard k >= 0, n >= k else { return 0 }
        let k = min(k, n - k)
        if k < 1 { return 1 }
        if k <= 200 {
            var r = 1.0
            var i = 1.0
            while i <= k {
                r = r * (n - k + i) / i
                i += 1
            }
            return r.rounded()
        }
        return exp(logChoose(n, k))
    }

    /// Regularized lower incomplete gamma P(a, x).
    static func gammaP(_ a: Double, _ x: Double) -> Double {
        guard x > 0 else { return 0 }
        if x.isInfinite { return 1 }
        if x < a + 1 { return gammaSeries(a, x) }
        return 1 - gammaContinuedFraction(a, x)
    }

    /// Regularized upper incomplete gamma Q(a, x) = 1 − P(a, x), computed without cancellation.
    static func gammaQ(_ a: Double, _ x: Double) -> Double {
        guard x > 0 else { return 1 }
        if x.isInfinite { return 0 }
        if x < a + 1 { return 1 - gammaSeries(a, x) }
        return gammaContinuedFraction(a, x)
    }

    private static func gammaPrefactor(_ a: Double, _ x: Double) -> Double {
        exp(-x + a * log(x) - lgamma(a))
    }

    private static func gammaSeries(_ a: Double, _ x: Double) -> Double {
        var ap = a
        var del = 1 / a
        var sum = del
        for _ in 0..<100_000 {
            ap += 1
            del *= x / ap
            sum += del
            if abs(del) < abs(sum) * 1e-17 { break }
        }
        return sum * gammaPrefactor(a, x)
    }

    private static func gammaContinuedFraction(_ a: Double, _ x: Double) -> Double {
        let tiny = 1e-300
        var b = x + 1 - a
        var c = 1 / tiny
        var d = 1 / b
        var h = d
        var i = 1.0
        while i < 100_000 {
            let an = -i * (i - a)
            b += 2
            d = an * d + b
            if abs(d) < tiny { d = tiny }
            c = b + an / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let del = d * c
            h *= del
            if abs(del - 1) < 1e-16 { break }
            i += 1
        }
        return gammaPrefactor(a, x) * h
    }

    // MARK: - Beta

    static func logBeta(_ a: Double, _ b: Double) -> Double { lgamma(a) + lgamma(b) - lgamma(a + b) }

    /// Regularized incomplete beta I_x(a, b).
    static func betaI(_ x: Double, _ a: Double, _ b: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let front = exp(a * log(x) + b * log1p(-x) - logBeta(a, b))
        if x < (a + 1) / (a + b + 2) {
            return front * betaContinuedFraction(x, a, b) / a
        }
        return 1 - front * betaContinuedFraction(1 - x, b, a) / b
    }

    /// 1 − I_x(a, b) = I_{1−x}(b, a), without cancellation in the upper tail.
    static func betaIComplement(_ x: Double, _ a: Double, _ b: Double) -> Double {
        if x <= 0 { return 1 }
        if x >= 1 { return 0 }
        let front = exp(a * log(x) + b * log1p(-x) - logBeta(a, b))
        if x < (a + 1) / (a + b + 2) {
            return 1 - front * betaContinuedFraction(x, a, b) / a
        }
        return front * betaContinuedFraction(1 - x, b, a) / b
    }

    private static func betaContinuedFraction(_ x: Double, _ a: Double, _ b: Double) -> Double {
        let tiny = 1e-300
        let qab = a + b, qap = a + 1, qam = a - 1
        var c = 1.0
        var d = 1 - qab * x / qap
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var h = d
        var m = 1.0
        while m < 100_000 {
            let m2 = 2 * m
            var aa = m * (b - m) * x / ((qam + m2) * (a + m2))
            d = 1 + aa * d
            if abs(d) < tiny { d = tiny }
            c = 1 + aa / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            h *= d * c
            aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
            d = 1 + aa * d
            if abs(d) < tiny { d = tiny }
            c = 1 + aa / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let del = d * c
            h *= del
            if abs(del - 1) < 1e-16 { break }
            m += 1
        }
        return h
    }

    // MARK: - Normal

    static func normalPDF(_ z: Double) -> Double { exp(-0.5 * z * z) / (2 * Double.pi).squareRoot() }

    static func normalCDF(_ z: Double) -> Double { 0.5 * erfc(-z / 2.0.squareRoot()) }

    /// The standard normal quantile: Acklam's rational approximation polished by Halley steps.
    static func normalInverse(_ p: Double) -> Double {
        if p <= 0 { return -.infinity }
        if p >= 1 { return .infinity }
        let a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00]
        let b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                 6.680131188771972e+01, -1.328068155288572e+01]
        let c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                 -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00]
        let d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00]
        let low = 0.02425
        var x: Double
        if p < low {
            let q = (-2 * log(p)).squareRoot()
            x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
        } else if p <= 1 - low {
            let q = p - 0.5
            let r = q * q
            x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
                / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
        } else {
            let q = (-2 * log1p(-p)).squareRoot()
            x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
        }
        for _ in 0..<3 {
            // Work in the smaller tail so that the error term keeps its precision.
            let e: Double
            if x > 0 {
                e = -(0.5 * erfc(x / 2.0.squareRoot()) - (1 - p))
            } else {
                e = 0.5 * erfc(-x / 2.0.squareRoot()) - p
            }
            let u = e * (2 * Double.pi).squareRoot() * exp(x * x / 2)
            guard u.isFinite else { break }
            x -= u / (1 + x * u / 2)
        }
        return x
    }

    // MARK: - Distributions built on them

    /// Student's t: P(T ≤ t).
    static func tCDF(_ t: Double, _ df: Double) -> Double {
        let x = df / (df + t * t)
        let tail = 0.5 * betaI(x, df / 2, 0.5)
        return t > 0 ? 1 - tail : tail
    }

    /// Student's t: P(T > t) for t ≥ 0 computed directly.
    static func tUpper(_ t: Double, _ df: Double) -> Double {
        let x = df / (df + t * t)
        let tail = 0.5 * betaI(x, df / 2, 0.5)
        return t >= 0 ? tail : 1 - tail
    }

    static func tPDF(_ t: Double, _ df: Double) -> Double {
        exp(lgamma((df + 1) / 2) - lgamma(df / 2) - 0.5 * log(df * Double.pi) - (df + 1) / 2 * log1p(t * t / df))
    }

    static func chiSquareCDF(_ x: Double, _ df: Double) -> Double { gammaP(df / 2, x / 2) }
    static func chiSquareUpper(_ x: Double, _ df: Double) -> Double { gammaQ(df / 2, x / 2) }

    static func gammaPDF(_ x: Double, _ alpha: Double, _ beta: Double) -> Double {
        if x == 0 { return alpha == 1 ? 1 / beta : (alpha < 1 ? .infinity : 0) }
        return exp((alpha - 1) * log(x) - x / beta - lgamma(alpha) - alpha * log(beta))
    }

    static func fCDF(_ x: Double, _ d1: Double, _ d2: Double) -> Double {
        guard x > 0 else { return 0 }
        return betaI(d1 * x / (d1 * x + d2), d1 / 2, d2 / 2)
    }

    static func fUpper(_ x: Double, _ d1: Double, _ d2: Double) -> Double {
        guard x > 0 else { return 1 }
        return betaI(d2 / (d2 + d1 * x), d2 / 2, d1 / 2)
    }

    static func fPDF(_ x: Double, _ d1: Double, _ d2: Double) -> Double {
        if x == 0 { return d1 == 2 ? 1 : (d1 < 2 ? .infinity : 0) }
        let l = 0.5 * (d1 * log(d1 * x) + d2 * log(d2) - (d1 + d2) * log(d1 * x + d2)) - log(x) - logBeta(d1 / 2, d2 / 2)
        return exp(l)
    }

    static func betaPDF(_ x: Double, _ a: Double, _ b: Double) -> Double {
        if x == 0 { return a == 1 ? exp(-logBeta(a, b)) : (a < 1 ? .infinity : 0) }
        if x == 1 { return b == 1 ? exp(-logBeta(a, b)) : (b < 1 ? .infinity : 0) }
        return exp((a - 1) * log(x) + (b - 1) * log1p(-x) - logBeta(a, b))
    }

    static func binomialPMF(_ k: Double, _ n: Double, _ p: Double) -> Double {
        if p == 0 { return k == 0 ? 1 : 0 }
        if p == 1 { return k == n ? 1 : 0 }
        if n <= 1000 {
            return choose(n, k) * pow(p, k) * pow(1 - p, n - k)
        }
        return exp(logChoose(n, k) + k * log(p) + (n - k) * log1p(-p))
    }

    static func binomialCDF(_ k: Double, _ n: Double, _ p: Double) -> Double {
        if k >= n { return 1 }
        if n <= 10_000 {
            var sum = 0.0
            var i = 0.0
            while i <= k {
                sum += binomialPMF(i, n, p)
                i += 1
            }
            return min(sum, 1)
        }
        return betaIComplement(p, k + 1, n - k)
    }

    static func poissonPMF(_ k: Double, _ mean: Double) -> Double {
        if mean == 0 { return k == 0 ? 1 : 0 }
        if k <= 170 {
            return exp(-mean) * pow(mean, k) / tgamma(k + 1)
        }
        return exp(-mean + k * log(mean) - lgamma(k + 1))
    }

    static func poissonCDF(_ k: Double, _ mean: Double) -> Double {
        if k <= 1000 {
            var sum = 0.0
            var i = 0.0
            while i <= k {
                sum += poissonPMF(i, mean)
                i += 1
            }
            return min(sum, 1)
        }
        return gammaQ(k + 1, mean)
    }

    // MARK: - Inverting a monotone function

    /// The x in [lo, hi] where the increasing function f reaches target (bisection to the last bit,
    /// geometric while the bracket spans orders of magnitude). The bracket grows upward when hi is
    /// too small.
    static func invertIncreasing(_ target: Double, lo: Double, hi: Double, growHigh: Bool = true,
                                 _ f: (Double) -> Double) -> Double? {
        var lo = lo, hi = hi
        if growHigh {
            var tries = 0
            while f(hi) < target {
                lo = hi
                hi *= 2
                tries += 1
                if tries > 2000 || !hi.isFinite { return nil }
            }
        }
        for _ in 0..<2000 {
            let mid: Double
            if lo > 0, hi / lo > 8 {
                mid = (lo * hi).squareRoot()
            } else if lo == 0, hi > 1 {
                mid = 1
            } else if lo == 0, hi > 0, hi < 1e-300 {
                mid = hi / 2
            } else if lo == 0, hi > 0 {
                mid = hi / 16
            } else {
                mid = lo + (hi - lo) / 2
            }
            if mid <= lo || mid >= hi { break }
            if f(mid) < target { lo = mid } else { hi = mid }
        }
        // Pick the closer end.
        return abs(f(lo) - target) < abs(f(hi) - target) ? lo : hi
    }

    /// The x where the decreasing function f reaches target.
    static func invertDecreasing(_ target: Double, lo: Double, hi: Double, _ f: (Double) -> Double) -> Double? {
        invertIncreasing(-target, lo: lo, hi: hi) { -f($0) }
    }

    /// Newton polish of a root of g (with derivative dg) starting from x, kept within (lo, hi).
    static func polish(_ x: Double, lo: Double = -.infinity, hi: Double = .infinity,
                       _ g: (Double) -> Double, _ dg: (Double) -> Double) -> Double {
        var x = x
        for _ in 0..<3 {
            let d = dg(x)
            guard d != 0, d.isFinite else { break }
            let next = x - g(x) / d
            guard next.isFinite, next > lo, next < hi else { break }
            if abs(next - x) <= 1e-16 * abs(x) { x = next; break }
            x = next
        }
        return x
    }
}

// MARK: - The distribution functions

extension StatisticalFunctions {
    typealias D = Distributions

    private static func normDist(_ x: Double, _ m: Double, _ s: Double, _ cumulative: Bool) -> CellValue {
        guard s > 0 else { return .error(.number) }
        let z = (x - m) / s
        return .number(cumulative ? D.normalCDF(z) : D.normalPDF(z) / s)
    }

    private static func normInv(_ p: Double, _ m: Double, _ s: Double) -> CellValue {
        guard p > 0, p < 1, s > 0 else { return .error(.number) }
        return .number(m + s * D.normalInverse(p))
    }

    private static func logNormDist(_ x: Double, _ m: Double, _ s: Double, _ cumulative: Bool) -> CellValue {
        guard x > 0, s > 0 else { return .error(.number) }
        let z = (log(x) - m) / s
        return .number(cumulative ? D.normalCDF(z) : D.normalPDF(z) / (s * x))
    }

    private static func logNormInv(_ p: Double, _ m: Double, _ s: Double) -> CellValue {
        guard p > 0, p < 1, s > 0 else { return .error(.number) }
        return .number(exp(m + s * D.normalInverse(p)))
    }

    private static func gammaDist(_ x: Double, _ a: Double, _ b: Double, _ cumulative: Bool) -> CellValue {
        guard x >= 0, a > 0, b > 0 else { return .error(.number) }
        return .number(cumulative ? D.gammaP(a, x / b) : D.gammaPDF(x, a, b))
    }

    private static func gammaInv(_ p: Double, _ a: Double, _ b: Double) -> CellValue {
        guard p >= 0, p < 1, a > 0, b > 0 else { return .error(.number) }
        if p == 0 { return .number(0) }
        guard let x = D.invertIncreasing(p, lo: 0, hi: max(a, 1), { D.gammaP(a, $0) }) else { return .error(.number) }
        return .number(x * b)
    }

    private static func betaDist(_ x: Double, _ a: Double, _ b: Double, _ cumulative: Bool, _ lo: Double, _ hi: Double) -> CellValue {
        guard a > 0, b > 0, lo < hi, x >= lo, x <= hi else { return .error(.number) }
        let t = (x - lo) / (hi - lo)
        return .number(cumulative ? D.betaI(t, a, b) : D.betaPDF(t, a, b) / (hi - lo))
    }

    private static func betaInv(_ p: Double, _ a: Double, _ b: Double, _ lo: Double, _ hi: Double) -> CellValue {
        guard p > 0, p < 1, a > 0, b > 0, lo < hi else { return .error(.number) }
        guard let t = D.invertIncreasing(p, lo: 0, hi: 1, growHigh: false, { D.betaI($0, a, b) }) else { return .error(.number) }
        return .number(lo + t * (hi - lo))
    }

    /// Degrees of freedom: truncated, at least `minimum` and at most 10^10.
    private static func degrees(_ x: Double, minimum: Double = 1) -> Double? {
        let d = x.rounded(.towardZero)
        guard d >= minimum, d <= 1e10 else { return nil }
        return d
    }

    private static func chiInv(_ p: Double, _ dfRaw: Double, upper: Bool) -> CellValue {
        guard p >= 0, p <= 1, let df = degrees(dfRaw) else { return .error(.number) }
        if upper {
            guard p > 0 else { return .error(.number) }
            if p == 1 { return .number(0) }
            guard let x = D.invertDecreasing(p, lo: 0, hi: max(df, 1), { D.chiSquareUpper($0, df) }) else { return .error(.number) }
            return .number(x)
        }
        guard p < 1 else { return .error(.number) }
        if p == 0 { return .number(0) }
        guard let x = D.invertIncreasing(p, lo: 0, hi: max(df, 1), { D.chiSquareCDF($0, df) }) else { return .error(.number) }
        return .number(x)
    }

    /// The t value with P(T > t) = q, for 0 < q < 1.
    private static func tUpperInverse(_ q: Double, _ df: Double) -> Double? {
        if q == 0.5 { return 0 }
        if q > 0.5 { return tUpperInverse(1 - q, df).map { -$0 } }
        return D.invertDecreasing(q, lo: 0, hi: 1, { D.tUpper($0, df) })
    }

    private static func fInv(_ p: Double, _ d1Raw: Double, _ d2Raw: Double, upper: Bool) -> CellValue {
        guard p >= 0, p <= 1, let d1 = degrees(d1Raw), let d2 = degrees(d2Raw) else { return .error(.number) }
        if upper {
            guard p > 0 else { return .error(.number) }
            if p == 1 { return .number(0) }
            guard let x = D.invertDecreasing(p, lo: 0, hi: 1, { D.fUpper($0, d1, d2) }) else { return .error(.number) }
            return .number(x)
        }
        guard p < 1 else { return .error(.number) }
        if p == 0 { return .number(0) }
        guard let x = D.invertIncreasing(p, lo: 0, hi: 1, { D.fCDF($0, d1, d2) }) else { return .error(.number) }
        return .number(x)
    }

    private static func expon(_ x: Double, _ l: Double, _ cumulative: Bool) -> CellValue {
        guard x >= 0, l > 0 else { return .error(.number) }
        return .number(cumulative ? -expm1(-l * x) : l * exp(-l * x))
    }

    private static func weibull(_ x: Double, _ a: Double, _ b: Double, _ cumulative: Bool) -> CellValue {
        guard x >= 0, a > 0, b > 0 else { return .error(.number) }
        let r = pow(x / b, a)
        return .number(cumulative ? -expm1(-r) : a / pow(b, a) * pow(x, a - 1) * exp(-r))
    }

    private static func confidenceNorm(_ alpha: Double, _ sd: Double, _ sizeRaw: Double) -> CellValue {
        let n = sizeRaw.rounded(.towardZero)
        guard alpha > 0, alpha < 1, sd > 0, n >= 1 else { return .error(.number) }
        return .number(D.normalInverse(1 - alpha / 2) * sd / n.squareRoot())
    }

    static let distributions: [FunctionDefinition] = [
        numeric("NORM.DIST", 4...4, flags: [3]) { x in normDist(x[0], x[1], x[2], x[3] != 0) },
        numeric("NORMDIST", 4...4, flags: [3]) { x in normDist(x[0], x[1], x[2], x[3] != 0) },
        numeric("NORM.INV", 3...3) { x in normInv(x[0], x[1], x[2]) },
        numeric("NORMINV", 3...3) { x in normInv(x[0], x[1], x[2]) },
        numeric("NORM.S.DIST", 2...2, flags: [1]) { x in normDist(x[0], 0, 1, x[1] != 0) },
        numeric("NORMSDIST", 1...1) { x in normDist(x[0], 0, 1, true) },
        numeric("NORM.S.INV", 1...1) { x in normInv(x[0], 0, 1) },
        numeric("NORMSINV", 1...1) { x in normInv(x[0], 0, 1) },
        numeric("PHI", 1...1) { x in .number(D.normalPDF(x[0])) },
        numeric("GAUSS", 1...1) { x in .number(D.normalCDF(x[0]) - 0.5) },
        numeric("LOGNORM.DIST", 4...4, flags: [3]) { x in logNormDist(x[0], x[1], x[2], x[3] != 0) },
        numeric("LOGNORMDIST", 3...3) { x in logNormDist(x[0], x[1], x[2], true) },
        numeric("LOGNORM.INV", 3...3) { x in logNormInv(x[0], x[1], x[2]) },
        numeric("LOGINV", 3...3) { x in logNormInv(x[0], x[1], x[2]) },
        numeric("EXPON.DIST", 3...3, flags: [2]) { x in expon(x[0], x[1], x[2] != 0) },
        numeric("EXPONDIST", 3...3, flags: [2]) { x in expon(x[0], x[1], x[2] != 0) },
        numeric("WEIBULL.DIST", 4...4, flags: [3]) { x in weibull(x[0], x[1], x[2], x[3] != 0) },
        numeric("WEIBULL", 4...4, flags: [3]) { x in weibull(x[0], x[1], x[2], x[3] != 0) },
        numeric("GAMMA", 1...1) { x in
            guard !(x[0] <= 0 && x[0] == x[0].rounded()) else { return .error(.number) }
            return .number(D.gamma(x[0]))
        },
        numeric("GAMMALN", 1...1) { x in x[0] > 0 ? .number(D.logGamma(x[0])) : .error(.number) },
        numeric("GAMMALN.PRECISE", 1...1) { x in x[0] > 0 ? .number(D.logGamma(x[0])) : .error(.number) },
        numeric("GAMMA.DIST", 4...4, flags: [3]) { x in gammaDist(x[0], x[1], x[2], x[3] != 0) },
        numeric("GAMMADIST", 4...4, flags: [3]) { x in gammaDist(x[0], x[1], x[2], x[3] != 0) },
        numeric("GAMMA.INV", 3...3) { x in gammaInv(x[0], x[1], x[2]) },
        numeric("GAMMAINV", 3...3) { x in gammaInv(x[0], x[1], x[2]) },
        numeric("BETA.DIST", 4...6, flags: [3]) { x in
            betaDist(x[0], x[1], x[2], x[3] != 0, x.count > 4 ? x[4] : 0, x.count > 5 ? x[5] : 1)
        },
        numeric("BETADIST", 3...5) { x in
            betaDist(x[0], x[1], x[2], true, x.count > 3 ? x[3] : 0, x.count > 4 ? x[4] : 1)
        },
        numeric("BETA.INV", 3...5) { x in betaInv(x[0], x[1], x[2], x.count > 3 ? x[3] : 0, x.count > 4 ? x[4] : 1) },
        numeric("BETAINV", 3...5) { x in betaInv(x[0], x[1], x[2], x.count > 3 ? x[3] : 0, x.count > 4 ? x[4] : 1) },
        numeric("CHISQ.DIST", 3...3, flags: [2]) { x in
            guard x[0] >= 0, let df = degrees(x[1]) else { return .error(.number) }
            if x[2] != 0 { return .number(D.chiSquareCDF(x[0], df)) }
            return .number(D.gammaPDF(x[0], df / 2, 2))
        },
        numeric("CHISQ.DIST.RT", 2...2) { x in
            guard x[0] >= 0, let df = degrees(x[1]) else { return .error(.number) }
            return .number(D.chiSquareUpper(x[0], df))
        },
        numeric("CHIDIST", 2...2) { x in
            guard x[0] >= 0, let df = degrees(x[1]) else { return .error(.number) }
            return .number(D.chiSquareUpper(x[0], df))
        },
        numeric("CHISQ.INV", 2...2) { x in chiInv(x[0], x[1], upper: false) },
        numeric("CHISQ.INV.RT", 2...2) { x in chiInv(x[0], x[1], upper: true) },
        numeric("CHIINV", 2...2) { x in chiInv(x[0], x[1], upper: true) },
        numeric("T.DIST", 3...3, flags: [2]) { x in
            if x[1] >= 0, x[1] < 1, x[2] == 0 { return .error(.divisionByZero) }
            guard let df = degrees(x[1]) else { return .error(.number) }
            return .number(x[2] != 0 ? D.tCDF(x[0], df) : D.tPDF(x[0], df))
        },
        numeric("T.DIST.2T", 2...2) { x in
            guard x[0] >= 0, let df = degrees(x[1]) else { return .error(.number) }
            return .number(min(1, 2 * D.tUpper(x[0], df)))
        },
        numeric("T.DIST.RT", 2...2) { x in
            guard let df = degrees(x[1]) else { return .error(.number) }
            return .number(D.tUpper(x[0], df))
        },
        numeric("TDIST", 3...3) { x in
            let tails = x[2].rounded(.towardZero)
            guard x[0] >= 0, let df = degrees(x[1]), tails == 1 || tails == 2 else { return .error(.number) }
            return .number(min(1, tails * D.tUpper(x[0], df)))
        },
        numeric("T.INV", 2...2) { x in
            guard x[0] > 0, x[0] < 1, let df = degrees(x[1]) else { return .error(.number) }
            guard let t = tUpperInverse(1 - x[0], df) else { return .error(.number) }
            return .number(t)
        },
        numeric("T.INV.2T", 2...2) { x in
            guard x[0] > 0, x[0] <= 1, let df = degrees(x[1]) else { return .error(.number) }
            guard let t = tUpperInverse(x[0] / 2, df) else { return .error(.number) }
            return .number(t)
        },
        numeric("TINV", 2...2) { x in
            guard x[0] > 0, x[0] <= 1, let df = degrees(x[1]) else { return .error(.number) }
            guard let t = tUpperInverse(x[0] / 2, df) else { return .error(.number) }
            return .number(t)
        },
        numeric("F.DIST", 4...4, flags: [3]) { x in
            guard x[0] >= 0, let d1 = degrees(x[1]), let d2 = degrees(x[2]) else { return .error(.number) }
            return .number(x[3] != 0 ? D.fCDF(x[0], d1, d2) : D.fPDF(x[0], d1, d2))
        },
        numeric("F.DIST.RT", 3...3) { x in
            guard x[0] >= 0, let d1 = degrees(x[1]), let d2 = degrees(x[2]) else { return .error(.number) }
            return .number(D.fUpper(x[0], d1, d2))
        },
        numeric("FDIST", 3...3) { x in
            guard x[0] >= 0, let d1 = degrees(x[1]), let d2 = degrees(x[2]) else { return .error(.number) }
            return .number(D.fUpper(x[0], d1, d2))
        },
        numeric("F.INV", 3...3) { x in fInv(x[0], x[1], x[2], upper: false) },
        numeric("F.INV.RT", 3...3) { x in fInv(x[0], x[1], x[2], upper: true) },
        numeric("FINV", 3...3) { x in fInv(x[0], x[1], x[2], upper: true) },
        numeric("CONFIDENCE", 3...3) { x in confidenceNorm(x[0], x[1], x[2]) },
        numeric("CONFIDENCE.NORM", 3...3) { x in confidenceNorm(x[0], x[1], x[2]) },
        numeric("CONFIDENCE.T", 3...3) { x in
            let n = x[2].rounded(.towardZero)
            guard x[0] > 0, x[0] < 1, x[1] > 0, n >= 1 else { return .error(.number) }
            guard n > 1 else { return .error(.divisionByZero) }
            guard let t = tUpperInverse(x[0] / 2, n - 1) else { return .error(.number) }
            return .number(t * x[1] / n.squareRoot())
        },
    ]

    // MARK: - Discrete distributions and counting

    private static func binomDist(_ sRaw: Double, _ nRaw: Double, _ p: Double, _ cumulative: Bool) -> CellValue {
        let s = sRaw.rounded(.towardZero), n = nRaw.rounded(.towardZero)
        guard s >= 0, s <= n, p >= 0, p <= 1 else { return .error(.number) }
        return .number(cumulative ? D.binomialCDF(s, n, p) : D.binomialPMF(s, n, p))
    }

    private static func binomInv(_ nRaw: Double, _ p: Double, _ alpha: Double) -> CellValue {
        let n = nRaw.rounded(.towardZero)
        guard n >= 0, p >= 0, p <= 1, alpha >= 0, alpha <= 1 else { return .error(.number) }
        if n <= 100_000 {
            var sum = 0.0
            var k = 0.0
            while k <= n {
                sum += D.binomialPMF(k, n, p)
                if sum >= alpha * (1 - 1e-15) { return .number(k) }
                k += 1
            }
            return .number(n)
        }
        var lo = 0.0, hi = n
        while lo < hi {
            let mid = ((lo + hi) / 2).rounded(.down)
            if D.binomialCDF(mid, n, p) >= alpha { hi = mid } else { lo = mid + 1 }
        }
        return .number(lo)
    }

    private static func negBinom(_ fRaw: Double, _ sRaw: Double, _ p: Double, _ cumulative: Bool) -> CellValue {
        let f = fRaw.rounded(.towardZero), s = sRaw.rounded(.towardZero)
        guard f >= 0, s >= 1, p >= 0, p <= 1 else { return .error(.number) }
        if cumulative { return .number(D.betaI(p, s, f + 1)) }
        if p == 0 || p == 1 { return .number(p == 1 ? (f == 0 ? 1 : 0) : 0) }
        if f + s < 1000 {
            return .number(D.choose(f + s - 1, s - 1) * pow(p, s) * pow(1 - p, f))
        }
        return .number(exp(D.logChoose(f + s - 1, s - 1) + s * log(p) + f * log1p(-p)))
    }

    private static func hypGeom(_ x: [Double], _ cumulative: Bool) -> CellValue {
        let s = x[0].rounded(.towardZero), n = x[1].rounded(.towardZero)
        let m = x[2].rounded(.towardZero), total = x[3].rounded(.towardZero)
        guard s >= 0, n >= 0, m >= 0, total >= 0, n <= total, m <= total else { return .error(.number) }
        let lowest = max(0, n - total + m), highest = min(n, m)
        func pmf(_ k: Double) -> Double {
            guard k >= lowest, k <= highest else { return 0 }
            if total <= 1000 {
                return D.choose(m, k) * D.choose(total - m, n - k) / D.choose(total, n)
            }
            return exp(D.logChoose(m, k) + D.logChoose(total - m, n - k) - D.logChoose(total, n))
        }
        guard cumulative else { return .number(pmf(s)) }
        if s >= highest { return .number(1) }
        guard s - lowest <= 10_000_000 else { return .error(.number) }
        var sum = 0.0
        var k = lowest
        while k <= min(s, highest) {
            sum += pmf(k)
            k += 1
        }
        return .number(min(sum, 1))
    }

    private static func poisson(_ xRaw: Double, _ mean: Double, _ cumulative: Bool) -> CellValue {
        let x = xRaw.rounded(.towardZero)
        guard x >= 0, mean >= 0 else { return .error(.number) }
        return .number(cumulative ? D.poissonCDF(x, mean) : D.poissonPMF(x, mean))
    }

    static let discrete: [FunctionDefinition] = [
        numeric("BINOM.DIST", 4...4, flags: [3]) { x in binomDist(x[0], x[1], x[2], x[3] != 0) },
        numeric("BINOMDIST", 4...4, flags: [3]) { x in binomDist(x[0], x[1], x[2], x[3] != 0) },
        numeric("BINOM.DIST.RANGE", 3...4) { x in
            let n = x[0].rounded(.towardZero), p = x[1], s = x[2].rounded(.towardZero)
            let s2 = x.count > 3 ? x[3].rounded(.towardZero) : s
            guard n >= 0, p >= 0, p <= 1, s >= 0, s <= n, s2 >= s, s2 <= n else { return .error(.number) }
            if s2 - s > 10_000 {
                let below = s > 0 ? D.binomialCDF(s - 1, n, p) : 0
                return .number(max(0, D.binomialCDF(s2, n, p) - below))
            }
            var sum = 0.0
            var k = s
            while k <= s2 {
                sum += D.binomialPMF(k, n, p)
                k += 1
            }
            return .number(sum)
        },
        numeric("BINOM.INV", 3...3) { x in binomInv(x[0], x[1], x[2]) },
        numeric("CRITBINOM", 3...3) { x in binomInv(x[0], x[1], x[2]) },
        numeric("NEGBINOM.DIST", 4...4, flags: [3]) { x in negBinom(x[0], x[1], x[2], x[3] != 0) },
        numeric("NEGBINOMDIST", 3...3) { x in negBinom(x[0], x[1], x[2], false) },
        numeric("HYPGEOM.DIST", 5...5, flags: [4]) { x in hypGeom(x, x[4] != 0) },
        numeric("HYPGEOMDIST", 4...4) { x in hypGeom(x, false) },
        numeric("POISSON.DIST", 3...3, flags: [2]) { x in poisson(x[0], x[1], x[2] != 0) },
        numeric("POISSON", 3...3, flags: [2]) { x in poisson(x[0], x[1], x[2] != 0) },
        numeric("PERMUT", 2...2) { x in
            let n = x[0].rounded(.towardZero), k = x[1].rounded(.towardZero)
            guard n > 0, k >= 0, n >= k else { return .error(.number) }
            // n!/(n−k)!, factor by factor (k is small before the product overflows).
            var r = 1.0
            var j = 0.0
            while j < k, r.isFinite {
                r *= n - j
                j += 1
            }
            return .number(r)
        },
        numeric("PERMUTATIONA", 2...2) { x in
            let n = x[0].rounded(.towardZero), k = x[1].rounded(.towardZero)
            guard n >= 0, k >= 0 else { return .error(.number) }
            return .number(pow(n, k))
        },
    ]
}
