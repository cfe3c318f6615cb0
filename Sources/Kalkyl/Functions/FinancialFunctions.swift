#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Financial functions: time value of money, cash flows, depreciation and securities.
///
/// The securities functions share one day-count implementation (`DayCount`) for Excel's bases
/// 0 (US 30/360), 1 (actual/actual), 2 (actual/360), 3 (actual/365) and 4 (European 30/360).
enum FinancialFunctions {
    static let all: [FunctionDefinition] = timeValue + cashFlows + depreciation + securities

    // MARK: - Time value of money

    static let timeValue: [FunctionDefinition] = [
        fin("PV", 3...5) { a in
            try pv(rate: a.n(0), nper: a.n(1), pmt: a.n(2), fv: a.n(3), type: a.type(4))
        },
        fin("FV", 3...5) { a in
            try fv(rate: a.n(0), nper: a.n(1), pmt: a.n(2), pv: a.n(3), type: a.type(4))
        },
        fin("PMT", 3...5) { a in
            let rate = try a.n(0), nper = try a.n(1), pv = try a.n(2), fv = try a.n(3), type = try a.type(4)
            return try pmt(rate: rate, nper: nper, pv: pv, fv: fv, type: type)
        },
        fin("NPER", 3...5) { a in
            let rate = try a.n(0), pmt = try a.n(1), pv = try a.n(2), fv = try a.n(3), type = try a.type(4)
            if rate == 0 {
                guard pmt != 0 else { throw ErrorValue.number }
                return -(pv + fv) / pmt
            }
            guard rate > -1 else { throw ErrorValue.number }
            let k = pmt * (1 + rate * type)
            let num = k - fv * rate
            let den = k + pv * rate
            guard den != 0 else { throw ErrorValue.divisionByZero }
            let ratio = num / den
            guard ratio > 0 else { throw ErrorValue.number }
            return log(ratio) / log1p(rate)
        },
        fin("IPMT", 4...6) { a in
            let rate = try a.n(0), per = try a.n(1), nper = try a.n(2), pv = try a.n(3), fv = try a.n(4)
            let type = try a.type(5)
            return try ipmt(rate: rate, per: per, nper: nper, pv: pv, fv: fv, type: type)
        },
        fin("PPMT", 4...6) { a in
            let rate = try a.n(0), per = try a.n(1), nper = try a.n(2), pv = try a.n(3), fv = try a.n(4)
            let type = try a.type(5)
            let i = try ipmt(rate: rate, per: per, nper: nper, pv: pv, fv: fv, type: type)
            return try pmt(rate: rate, nper: nper, pv: pv, fv: fv, type: type) - i
        },
        fin("CUMIPMT", 6...6, atp: true) { a in try cumulative(a, interest: true) },
        fin("CUMPRINC", 6...6, atp: true) { a in try cumulative(a, interest: false) },
        fin("ISPMT", 4...4) { a in
            let rate = try a.n(0), per = try a.n(1), nper = try a.n(2), pv = try a.n(3)
            guard nper != 0 else { throw ErrorValue.divisionByZero }
            return pv * rate * (per / nper - 1)
        },
        fin("RATE", 3...6) { a in
            let nper = try a.n(0), pmt = try a.n(1), pv = try a.n(2), fv = try a.n(3), type = try a.type(4)
            let guess = try a.n(5, 0.1)
            return try rate(nper: nper, pmt: pmt, pv: pv, fv: fv, type: type, guess: guess)
        },
        fin("EFFECT", 2...2, atp: true) { a in
            let nominal = try a.n(0), p = try a.n(1).rounded(.towardZero)
            guard nominal > 0, p >= 1 else { throw ErrorValue.number }
            return pow(1 + nominal / p, p) - 1
        },
        fin("NOMINAL", 2...2, atp: true) { a in
            let effect = try a.n(0), p = try a.n(1).rounded(.towardZero)
            guard effect > 0, p >= 1 else { throw ErrorValue.number }
            return p * (pow(1 + effect, 1 / p) - 1)
        },
        fin("PDURATION", 3...3) { a in
            let rate = try a.n(0), pv = try a.n(1), fv = try a.n(2)
            guard rate > 0, pv > 0, fv > 0 else { throw ErrorValue.number }
            return (log(fv) - log(pv)) / log1p(rate)
        },
        fin("RRI", 3...3) { a in
            let nper = try a.n(0), pv = try a.n(1), fv = try a.n(2)
            guard nper > 0 else { throw ErrorValue.number }
            guard pv != 0 else { throw ErrorValue.number }
            return pow(fv / pv, 1 / nper) - 1
        },
        fin("DOLLARDE", 2...2, atp: true) { a in
            let x = try a.n(0), f = try a.n(1).rounded(.towardZero)
            guard f >= 0 else { throw ErrorValue.number }
            guard f >= 1 else { throw ErrorValue.divisionByZero }
            let whole = x.rounded(.towardZero)
            let digits = ceil(log10(f))
            return whole + (x - whole) * pow(10, digits) / f
        },
        fin("DOLLARFR", 2...2, atp: true) { a in
            let x = try a.n(0), f = try a.n(1).rounded(.towardZero)
            guard f >= 0 else { throw ErrorValue.number }
            guard f >= 1 else { throw ErrorValue.divisionByZero }
            let whole = x.rounded(.towardZero)
            let digits = ceil(log10(f))
            return whole + (x - whole) * f / pow(10, digits)
        },
    ]

    static func pv(rate: Double, nper: Double, pmt: Double, fv: Double, type: Double) throws -> Double {
        if rate == 0 { return -(fv + pmt * nper) }
        let f = try growth(rate, nper)
        return -(fv + pmt * (1 + rate * type) * (f - 1) / rate) / f
    }

    static func fv(rate: Double, nper: Double, pmt: Double, pv: Double, type: Double) throws -> Double {
        if rate == 0 { return -(pv + pmt * nper) }
        let f = try growth(rate, nper)
        return -(pv * f + pmt * (1 + rate * type) * (f - 1) / rate)
    }

    /// (1 + rate)^nper: #DIV/0! where it is infinite (a zero base to a negative power), #NUM! where undefined.
    static func growth(_ rate: Double, _ nper: Double) throws -> Double {
        let f = pow(1 + rate, nper)
        if f.isNaN { throw ErrorValue.number }
        if f.isInfinite { throw rate == -1 ? ErrorValue.divisionByZero : ErrorValue.number }
        return f
    }

    static func pmt(rate: Double, nper: Double, pv: Double, fv: Double, type: Double) throws -> Double {
        guard nper != 0 else { throw ErrorValue.number }
        if rate == 0 { return -(pv + fv) / nper }
        guard rate > -1 else { throw ErrorValue.number }
        let f = pow(1 + rate, nper)
        let den = (1 + rate * type) * (f - 1)
        guard den != 0 else { throw ErrorValue.number }
        return -rate * (pv * f + fv) / den
    }

    static func ipmt(rate: Double, per: Double, nper: Double, pv: Double, fv: Double, type: Double) throws -> Double {
        guard per >= 1, per < nper + 1 else { throw ErrorValue.number }
        let payment = try pmt(rate: rate, nper: nper, pv: pv, fv: fv, type: type)
        let interest: Double
        if per == 1 {
            interest = type == 1 ? 0 : -pv
        } else if type == 1 {
            interest = try Self.fv(rate: rate, nper: per - 2, pmt: payment, pv: pv, type: 1) - payment
        } else {
            interest = try Self.fv(rate: rate, nper: per - 1, pmt: payment, pv: pv, type: 0)
        }
        return interest * rate
    }

    static func cumulative(_ a: FinArguments, interest: Bool) throws -> Double {
        let rate = try a.n(0), nper = try a.n(1), pv = try a.n(2)
        let start = try a.n(3), end = try a.n(4), type = try a.n(5)
        guard rate > 0, nper > 0, pv > 0, start >= 1, end >= 1, start <= end, end <= nper,
              type == 0 || type == 1 else { throw ErrorValue.number }
        let first = Int(start.rounded(.up)), last = Int(end.rounded(.down))
        guard first <= last else { throw ErrorValue.number }
        let payment = try pmt(rate: rate, nper: nper, pv: pv, fv: 0, type: type)
        var total = 0.0
        for per in first...last {
            let i = try ipmt(rate: rate, per: Double(per), nper: nper, pv: pv, fv: 0, type: type)
            total += interest ? i : payment - i
        }
        return total
    }

    /// RATE: Newton's method from the guess, as Excel does; #NUM! when it does not settle.
    static func rate(nper: Double, pmt: Double, pv: Double, fv: Double, type: Double, guess: Double) throws -> Double {
        guard nper > 0 else { throw ErrorValue.number }
        var r = guess
        for _ in 0..<100 {
            let f: Double, df: Double
            if abs(r) < 1e-12 {
                f = pv + pmt * nper + fv
                df = pv * nper + pmt * (nper * (nper - 1) / 2 + type * nper)
            } else {
                let t = pow(1 + r, nper - 1)
                let tt = t * (1 + r)
                f = pv * tt + pmt * (1 + r * type) * (tt - 1) / r + fv
                df = pv * nper * t + pmt * type * (tt - 1) / r
                    + pmt * (1 + r * type) * (nper * t * r - (tt - 1)) / (r * r)
            }
            guard df != 0, f.isFinite, df.isFinite else { throw ErrorValue.number }
            let next = r - f / df
            guard next.isFinite, next > -1 else { throw ErrorValue.number }
            if abs(next - r) < 1e-10 { return next }
            r = next
        }
        throw ErrorValue.number
    }

    // MARK: - Cash flows

    static let cashFlows: [FunctionDefinition] = [
        FunctionDefinition("NPV", 2...255) { args, ctx in
            // The rate is taken element by element over an array; the values in row-major order.
            var values: [Double] = []
            var failure: ErrorValue?
            for a in args.dropFirst() {
                switch a {
                case .reference, .array:
                    for v in try ctx.values(a) {
                        if case .number(let n) = v { values.append(n) }
                        if case .error(let e) = v, failure == nil { failure = e }
                    }
                case .empty: continue
                default:
                    switch Coercion.number(a.scalar) {
                    case .success(let n): values.append(n)
                    case .failure(let e): if failure == nil { failure = e }
                    }
                }
            }
            return try ctx.lift([args[0]]) { r in
                guard case .success(let rate) = Coercion.number(r[0]) else { return errorOf(r[0]) }
                if let failure { return .error(failure) }
                var total = 0.0
                for (i, v) in values.enumerated() { total += v / pow(1 + rate, Double(i + 1)) }
                return CellValue(.success(total))
            }
        },
        FunctionDefinition("IRR", 1...2) { args, ctx in
            // Errors among the values make IRR #VALUE!; text and logical values in ranges are skipped.
            var values: [Double] = []
            var failure: ErrorValue?
            for v in try ctx.values(args[0]) {
                switch v {
                case .number(let n): values.append(n)
                case .error: failure = .value
                default: continue
                }
            }
            let guessArgument: Value = args.count > 1 && !isEmpty(args[1]) ? args[1] : .number(0.1)
            return try ctx.lift([guessArgument]) { g in
                guard case .success(let guess) = Coercion.number(g[0]) else { return errorOf(g[0]) }
                if let failure { return .error(failure) }
                return CellValue(Result { try irr(values, guess: guess) }.mapError { $0 as? ErrorValue ?? .number })
            }
        },
        FunctionDefinition("MIRR", 3...3) { args, ctx in
            var values: [Double] = []
            for v in try ctx.values(args[0]) {
                switch v {
                case .number(let n): values.append(n)
                case .error(let e): return .error(e)
                default: continue
                }
            }
            return try ctx.lift([args[1], args[2]]) { r in
                guard case .success(let financeRate) = Coercion.number(r[0]) else { return errorOf(r[0]) }
                guard case .success(let reinvestRate) = Coercion.number(r[1]) else { return errorOf(r[1]) }
                let n = Double(values.count)
                var npvPositive = 0.0, npvNegative = 0.0
                for (i, v) in values.enumerated() {
                    if v > 0 { npvPositive += v / pow(1 + reinvestRate, Double(i)) }
                    if v < 0 { npvNegative += v / pow(1 + financeRate, Double(i)) }
                }
                guard npvNegative != 0, n > 1 else { return .error(.divisionByZero) }
                let ratio = -npvPositive * pow(1 + reinvestRate, n - 1) / npvNegative
                return CellValue(.success(pow(ratio, 1 / (n - 1)) - 1))
            }
        },
        FunctionDefinition("XNPV", 3...3) { args, ctx in
            let rateValue = try atpScalar(args[0], ctx)
            guard case .success(let rate) = atpNumber(rateValue) else { return Value(errorOf(rateValue)) }
            switch try cashFlowsWithDates(args[1], args[2], ctx) {
            case .failure(let e): return .error(e)
            case .success(let (values, dates)):
                guard rate > 0 else { return .error(.number) }
                return Value(.success(xnpv(rate, values, dates)))
            }
        },
        FunctionDefinition("XIRR", 2...3) { args, ctx in
            var guess = 0.1
            if args.count > 2, !isEmpty(args[2]) {
                let g = try atpScalar(args[2], ctx)
                switch atpNumber(g) {
                case .success(let x): guess = x
                case .failure: return Value(errorOf(g))
                }
            }
            switch try cashFlowsWithDates(args[0], args[1], ctx) {
            case .failure(let e): return .error(e)
            case .success(let (values, dates)):
                return Value(Result { try xirr(values, dates, guess: guess) }.mapError { $0 as? ErrorValue ?? .number })
            }
        },
        FunctionDefinition("FVSCHEDULE", 2...2) { args, ctx in
            let principal: Double
            switch try ctx.number(args[0]) { case .success(let v): principal = v; case .failure(let e): return .error(e) }
            var result = principal
            for v in try ctx.values(args[1]) {
                switch v {
                case .number(let r): result *= 1 + r
                case .empty: continue
                case .error(let e): return .error(e)
                case .text(let s):
                    guard let r = Coercion.parseNumber(s) else { return .error(.value) }
                    result *= 1 + r
                case .boolean: return .error(.value)
                }
            }
            return Value(.success(result))
        },
    ]

    static func isEmpty(_ v: Value) -> Bool { if case .empty = v { true } else { false } }

    static func npvAt(_ rate: Double, _ values: [Double]) -> (f: Double, df: Double) {
        var f = 0.0, df = 0.0
        var discount = 1.0
        let step = 1 / (1 + rate)
        for (i, v) in values.enumerated() {
            f += v * discount
            df -= Double(i) * v * discount * step
            discount *= step
        }
        return (f, df)
    }

    static func irr(_ values: [Double], guess: Double) throws -> Double {
        guard values.contains(where: { $0 > 0 }), values.contains(where: { $0 < 0 }) else { throw ErrorValue.number }
        func newton(_ start: Double) -> Double? {
            var r = start
            for _ in 0..<50 {
                let (f, df) = npvAt(r, values)
                guard df != 0, f.isFinite, df.isFinite else { return nil }
                let next = r - f / df
                guard next.isFinite, next > -1 else { return nil }
                if abs(next - r) <= 1e-10 * max(1, abs(r)) { return next }
                r = next
            }
            return nil
        }
        if let r = newton(guess) { return r }
        // Bisection over a wide bracket when Newton wanders off.
        var lo = -0.999999, hi = 100.0
        var flo = npvAt(lo, values).f
        let fhi = npvAt(hi, values).f
        guard flo.isFinite, fhi.isFinite, flo * fhi < 0 else {
            for start in [0.0, 0.5, -0.5, 1.0, 10.0] { if let r = newton(start) { return r } }
            throw ErrorValue.number
        }
        for _ in 0..<300 {
            let mid = (lo + hi) / 2
            let fm = npvAt(mid, values).f
            if fm == 0 || (hi - lo) < 1e-15 { return mid }
            if (fm < 0) == (flo < 0) { lo = mid; flo = fm } else { hi = mid }
        }
        return (lo + hi) / 2
    }

    /// A single value of an Analysis ToolPak argument: a multi-cell range or array is #VALUE!.
    static func atpScalar(_ v: Value, _ ctx: EvaluationContext) throws -> CellValue {
        switch v {
        case .reference(let r): return r.isSingleCell ? try ctx.scalar(v) : .error(.value)
        case .array(let m): return m.count == 1 ? m[0, 0] : .error(.value)
        default: return v.scalar
        }
    }

    /// A number for an Analysis ToolPak function: logical values are #VALUE!.
    static func atpNumber(_ v: CellValue) -> Result<Double, ErrorValue> {
        if case .boolean = v { return .failure(.value) }
        return Coercion.number(v)
    }

    /// Values and dates of XNPV/XIRR in pairs: errors among the dates come first, then among the
    /// values; pairs whose value or date is not a number are left out; no date before the first.
    static func cashFlowsWithDates(_ valuesArg: Value, _ datesArg: Value, _ ctx: EvaluationContext) throws
        -> Result<([Double], [Double]), ErrorValue> {
        let vs = try ctx.values(valuesArg), ds = try ctx.values(datesArg)
        for d in ds { if case .error(let e) = d { return .failure(e) } }
        for v in vs { if case .error(let e) = v { return .failure(e) } }
        guard vs.count == ds.count else { return .failure(.number) }
        var values: [Double] = [], dates: [Double] = []
        for (v, d) in zip(vs, ds) {
            if case .boolean = v { return .failure(.value) }
            if case .boolean = d { return .failure(.value) }
            guard case .number(let x) = v, case .number(let t) = d else { continue }
            values.append(x)
            dates.append(t.rounded(.down))
        }
        guard let first = dates.first else { return .failure(.number) }
        for d in dates where d < first || d < 0 || d > 2958465 { return .failure(.number) }
        return .success((values, dates))
    }

    static func xnpv(_ rate: Double, _ values: [Double], _ dates: [Double]) -> Double {
        guard let d0 = dates.first else { return 0 }
        var total = 0.0
        for (v, d) in zip(values, dates) { total += v / pow(1 + rate, (d - d0) / 365) }
        return total
    }

    static func xirr(_ values: [Double], _ dates: [Double], guess: Double) throws -> Double {
        guard values.contains(where: { $0 > 0 }), values.contains(where: { $0 < 0 }) else { throw ErrorValue.number }
        guard let d0 = dates.first else { throw ErrorValue.number }
        func f(_ r: Double) -> (Double, Double) {
            var f = 0.0, df = 0.0
            for (v, d) in zip(values, dates) {
                let t = (d - d0) / 365
                let p = pow(1 + r, t)
                f += v / p
                df -= t * v / (p * (1 + r))
            }
            return (f, df)
        }
        func newton(_ start: Double) -> Double? {
            var r = start
            for _ in 0..<100 {
                let (y, dy) = f(r)
                guard dy != 0, y.isFinite, dy.isFinite else { return nil }
                var next = r - y / dy
                if next <= -1 { next = (r - 1) / 2 }  // stay in the domain
                guard next.isFinite else { return nil }
                if abs(next - r) <= 1e-10 * max(1, abs(r)) { return next }
                r = next
            }
            return nil
        }
        if let r = newton(guess) { return r }
        var lo = -0.999999999, hi = 100.0
        var flo = f(lo).0
        let fhi = f(hi).0
        guard flo.isFinite, fhi.isFinite, flo * fhi < 0 else { throw ErrorValue.number }
        for _ in 0..<300 {
            let mid = (lo + hi) / 2
            let fm = f(mid).0
            if fm == 0 || (hi - lo) < 1e-15 { return mid }
            if (fm < 0) == (flo < 0) { lo = mid; flo = fm } else { hi = mid }
        }
        return (lo + hi) / 2
    }

    // MARK: - Depreciation

    static let depreciation: [FunctionDefinition] = [
        fin("SLN", 3...3) { a in
            let cost = try a.n(0), salvage = try a.n(1), life = try a.n(2)
            guard life != 0 else { throw ErrorValue.divisionByZero }
            return (cost - salvage) / life
        },
        fin("SYD", 4...4) { a in
            let cost = try a.n(0), salvage = try a.n(1), life = try a.n(2), per = try a.n(3)
            guard life > 0, per > 0, per <= life, salvage >= 0 else { throw ErrorValue.number }
            return (cost - salvage) * (life - per + 1) * 2 / (life * (life + 1))
        },
        fin("DB", 4...5) { a in
            let cost = try a.n(0), salvage = try a.n(1), life = try a.n(2), period = try a.n(3)
            let month = try a.n(4, 12)
            return try db(cost: cost, salvage: salvage, life: life, period: period, month: month)
        },
        fin("DDB", 4...5) { a in
            let cost = try a.n(0), salvage = try a.n(1), life = try a.n(2), period = try a.n(3)
            let factor = try a.n(4, 2)
            guard cost >= 0, salvage >= 0, life > 0, factor > 0, period > 0, period <= life else {
                throw ErrorValue.number
            }
            return ddb(cost: cost, salvage: salvage, life: life, period: period, factor: factor)
        },
        fin("VDB", 5...7) { a in
            let cost = try a.n(0), salvage = try a.n(1), life = try a.n(2)
            let start = try a.n(3), end = try a.n(4), factor = try a.n(5, 2)
            let noSwitch = try a.bool(6, false)
            guard cost >= 0, salvage >= 0, life > 0, factor >= 0, start >= 0, end >= start, end <= life else {
                throw ErrorValue.number
            }
            return vdb(cost: cost, salvage: salvage, life: life, start: start, end: end, factor: factor, noSwitch: noSwitch)
        },
    ]

    static func db(cost: Double, salvage: Double, life: Double, period: Double, month: Double) throws -> Double {
        let month = month.rounded(.towardZero)
        guard cost >= 0, salvage >= 0, life > 0, period > 0, month >= 1, month <= 12 else { throw ErrorValue.number }
        let lastPeriod = month == 12 ? life : life + 1
        guard period <= lastPeriod else { throw ErrorValue.number }
        if cost == 0 { return 0 }
        let rate = ((1 - pow(salvage / cost, 1 / life)) * 1000).rounded(.toNearestOrAwayFromZero) / 1000
        let p = Int(period.rounded(.towardZero))
        let lifeInt = Int(life.rounded(.towardZero))
        guard p >= 1, p <= 1_000_000 else { throw ErrorValue.number }
        var total = cost * rate * month / 12
        if p == 1 { return total }
        var depreciation = 0.0
        for current in 2...p {
            if current == lifeInt + 1 {
                depreciation = (cost - total) * rate * (12 - month) / 12
            } else {
                depreciation = (cost - total) * rate
            }
            total += depreciation
        }
        return depreciation
    }

    static func ddb(cost: Double, salvage: Double, life: Double, period: Double, factor: Double) -> Double {
        // Depreciation of each whole period at factor/life of the remaining value, never below salvage.
        var total = 0.0
        let periods = Int(period.rounded(.up))
        var last = 0.0
        for _ in 0..<max(periods, 1) {
            last = min((cost - total) * factor / life, cost - salvage - total)
            if last < 0 { last = 0 }
            total += last
        }
        if period != period.rounded() {
            // A fractional period: Excel applies the formula to the period's number as given.
            let before = total - last
            let value = cost * pow(1 - factor / life, period - 1) * factor / life
            return max(0, min(value, cost - salvage - before))
        }
        return last
    }

    static func vdb(cost: Double, salvage: Double, life: Double, start: Double, end: Double, factor: Double, noSwitch: Bool) -> Double {
        // Depreciation accumulated up to a (possibly fractional) time t, by periods.
        func accumulated(_ t: Double) -> Double {
            var total = 0.0
            var period = 0.0
            var switched = false
            var slnAmount = 0.0
            while period < t {
                let fraction = min(1, t - period)
                var d: Double
                if switched {
                    d = slnAmount
                } else {
                    let ddbAmount = min((cost - total) * factor / life, max(0, cost - salvage - total))
                    let remainingLife = life - period
                    let sln = remainingLife > 0 ? (cost - salvage - total) / remainingLife : 0
                    if !noSwitch && sln > ddbAmount {
                        switched = true
                        slnAmount = sln
                        d = sln
                    } else {
                        d = ddbAmount
                    }
                }
                d = max(0, min(d, cost - salvage - total))
                total += d * fraction
                period += 1
            }
            return total
        }
        return accumulated(end) - accumulated(start)
    }

    // MARK: - Securities

    static let securities: [FunctionDefinition] = [
        fin("ACCRINT", 6...8, atp: true) { a in
            let issue = try a.date(0), first = try a.date(1), settlement = try a.date(2)
            let rate = try a.n(3), par = try a.n(4), freq = try a.frequency(5), basis = try a.basis(6)
            let fromIssue = try a.bool(7, true)
            guard rate > 0, par > 0, issue < settlement else { throw ErrorValue.number }
            return DayCount.accrint(issue: issue, firstInterest: first, settlement: settlement, rate: rate, par: par,
                                    frequency: freq, basis: basis, fromIssue: fromIssue)
        },
        fin("ACCRINTM", 4...5, atp: true) { a in
            let issue = try a.date(0), settlement = try a.date(1)
            let rate = try a.n(2), par = try a.n(3), basis = try a.basis(4)
            guard rate > 0, par > 0, issue < settlement else { throw ErrorValue.number }
            return par * rate * DayCount.yearFraction(issue, settlement, basis)
        },
        coupon("COUPDAYBS") { s, m, f, b in DayCount.coupDaysBS(s, m, f, b) },
        coupon("COUPDAYS") { s, m, f, b in DayCount.coupDays(s, m, f, b) },
        coupon("COUPDAYSNC") { s, m, f, b in DayCount.coupDaysNC(s, m, f, b) },
        coupon("COUPNCD") { s, m, f, _ in Double(DayCount.couponDates(s, m, f).ncd.serial) },
        coupon("COUPPCD") { s, m, f, _ in Double(DayCount.couponDates(s, m, f).pcd.serial) },
        coupon("COUPNUM") { s, m, f, _ in DayCount.coupNum(s, m, f) },
        fin("PRICE", 6...7, atp: true) { a in
            let s = try a.date(0), m = try a.date(1), rate = try a.n(2), yld = try a.n(3), redemption = try a.n(4)
            let f = try a.frequency(5), b = try a.basis(6)
            guard s < m, rate >= 0, yld >= 0, redemption > 0 else { throw ErrorValue.number }
            return DayCount.price(s, m, rate: rate, yld: yld, redemption: redemption, frequency: f, basis: b)
        },
        fin("YIELD", 6...7, atp: true) { a in
            let s = try a.date(0), m = try a.date(1), rate = try a.n(2), pr = try a.n(3), redemption = try a.n(4)
            let f = try a.frequency(5), b = try a.basis(6)
            guard s < m, rate >= 0, pr > 0, redemption > 0 else { throw ErrorValue.number }
            return try DayCount.yield(s, m, rate: rate, price: pr, redemption: redemption, frequency: f, basis: b)
        },
        fin("DURATION", 5...6, atp: true) { a in
            let s = try a.date(0), m = try a.date(1), coupon = try a.n(2), yld = try a.n(3)
            let f = try a.frequency(4), b = try a.basis(5)
            guard s < m, coupon >= 0, yld >= 0 else { throw ErrorValue.number }
            return DayCount.duration(s, m, coupon: coupon, yld: yld, frequency: f, basis: b, modified: false)
        },
        fin("MDURATION", 5...6, atp: true) { a in
            let s = try a.date(0), m = try a.date(1), coupon = try a.n(2), yld = try a.n(3)
            let f = try a.frequency(4), b = try a.basis(5)
            guard s < m, coupon >= 0, yld >= 0 else { throw ErrorValue.number }
            return DayCount.duration(s, m, coupon: coupon, yld: yld, frequency: f, basis: b, modified: true)
        },
        fin("PRICEDISC", 4...5, atp: true) { a in
            let s = try a.date(0), m = try a.date(1), discount = try a.n(2), redemption = try a.n(3), b = try a.basis(4)
            guard s < m, discount > 0, redemption > 0 else { throw ErrorValue.number }
            return redemption - discount * redemption * DayCount.yearFraction(s, m, b)
        },
        fin("PRICEMAT", 5...6, atp: true) { a in
            let s = try a.date(0), m = try a.date(1), issue = try a.date(2), rate = try a.n(3), yld = try a.n(4)
            let b = try a.basis(5)
            guard s < m, rate >= 0, yld >= 0 else { throw ErrorValue.number }
            let (year, dim, accrued, dsm) = DayCount.maturityFactors(s, m, issue, b)
            return (100 + dim / year * rate * 100) / (1 + dsm / year * yld) - accrued / year * rate * 100
        },
        fin("YIELDMAT", 5...6, atp: true) { a in
            let s = try a.date(0), m = try a.date(1), issue = try a.date(2), rate = try a.n(3), pr = try a.n(4)
            let b = try a.basis(5)
            guard s < m, rate >= 0, pr > 0 else { throw ErrorValue.number }
            let (year, dim, accrued, dsm) = DayCount.maturityFactors(s, m, issue, b)
            let term1 = dim / year * rate + 1 - pr / 100 - accrued / year * rate
            let term2 = pr / 100 + accrued / year * rate
            return term1 / term2 * year / dsm
        },
        fin("YIELDDISC", 4...5, atp: true) { a in
            let s = try a.date(0), m = try a.date(1), pr = try a.n(2), redemption = try a.n(3), b = try a.basis(4)
            guard s < m, pr > 0, redemption > 0 else { throw ErrorValue.number }
            return (redemption - pr) / pr / DayCount.yearFraction(s, m, b)
        },
        fin("DISC", 4...5, atp: true) { a in
            let s = try a.date(0), m = try a.date(1), pr = try a.n(2), redemption = try a.n(3), b = try a.basis(4)
            guard s < m, pr > 0, redemption > 0 else { throw ErrorValue.number }
            return (1 - pr / redemption) / DayCount.yearFraction(s, m, b)
        },
        fin("INTRATE", 4...5, atp: true) { a in
            let s = try a.date(0), m = try a.date(1), investment = try a.n(2), redemption = try a.n(3), b = try a.basis(4)
            guard s < m, investment > 0, redemption > 0 else { throw ErrorValue.number }
            return (redemption - investment) / investment / DayCount.yearFraction(s, m, b)
        },
        fin("RECEIVED", 4...5, atp: true) { a in
            let s = try a.date(0), m = try a.date(1), investment = try a.n(2), discount = try a.n(3), b = try a.basis(4)
            guard s < m, investment > 0, discount > 0 else { throw ErrorValue.number }
            let factor = discount * DayCount.yearFraction(s, m, b)
            guard factor < 1 else { throw ErrorValue.number }
            return investment / (1 - factor)
        },
        fin("TBILLPRICE", 3...3, atp: true) { a in
            let s = try a.date(0), m = try a.date(1), discount = try a.n(2)
            let dsm = Double(m.days - s.days)
            guard s < m, discount > 0, m.days <= s.addingMonths(12).days else { throw ErrorValue.number }
            let price = 100 * (1 - discount * dsm / 360)
            guard price > 0 else { throw ErrorValue.number }
            return price
        },
        fin("TBILLYIELD", 3...3, atp: true) { a in
            let s = try a.date(0), m = try a.date(1), pr = try a.n(2)
            let dsm = Double(m.days - s.days)
            guard s < m, pr > 0, m.days <= s.addingMonths(12).days else { throw ErrorValue.number }
            return (100 - pr) / pr * 360 / dsm
        },
        fin("TBILLEQ", 3...3, atp: true) { a in
            let s = try a.date(0), m = try a.date(1), discount = try a.n(2)
            let dsm = Double(m.days - s.days)
            guard s < m, discount > 0, m.days <= s.addingMonths(12).days else { throw ErrorValue.number }
            if dsm <= 182 { return 365 * discount / (360 - discount * dsm) }
            let price = 100 * (1 - discount * dsm / 360)
            guard price > 0 else { throw ErrorValue.number }
            let t = dsm / 365
            let root = t * t - (2 * t - 1) * (1 - 100 / price)
            guard root >= 0 else { throw ErrorValue.number }
            return (-t + root.squareRoot()) / (t - 0.5)
        },
        fin("ODDFPRICE", 8...9, atp: true) { a in
            let s = try a.date(0), m = try a.date(1), issue = try a.date(2), first = try a.date(3)
            let rate = try a.n(4), yld = try a.n(5), redemption = try a.n(6)
            let f = try a.frequency(7), b = try a.basis(8)
            guard rate >= 0, yld >= 0, redemption > 0, issue < s, s < first, first < m else { throw ErrorValue.number }
            return OddBonds.oddfPrice(s, m, issue, first, rate: rate, yld: yld, redemption: redemption, frequency: f, basis: b)
        },
        fin("ODDFYIELD", 8...9, atp: true) { a in
            let s = try a.date(0), m = try a.date(1), issue = try a.date(2), first = try a.date(3)
            let rate = try a.n(4), pr = try a.n(5), redemption = try a.n(6)
            let f = try a.frequency(7), b = try a.basis(8)
            guard rate >= 0, pr > 0, redemption > 0, issue < s, s < first, first < m else { throw ErrorValue.number }
            return try solve(guess: 0.05, target: pr) { y in
                OddBonds.oddfPrice(s, m, issue, first, rate: rate, yld: y, redemption: redemption, frequency: f, basis: b)
            }
        },
        fin("ODDLPRICE", 7...8, atp: true) { a in
            let s = try a.date(0), m = try a.date(1), last = try a.date(2)
            let rate = try a.n(3), yld = try a.n(4), redemption = try a.n(5)
            let f = try a.frequency(6), b = try a.basis(7)
            guard rate >= 0, yld >= 0, redemption > 0, last < s, s < m else { throw ErrorValue.number }
            return OddBonds.oddlPrice(s, m, last, rate: rate, yld: yld, redemption: redemption, frequency: f, basis: b)
        },
        fin("ODDLYIELD", 7...8, atp: true) { a in
            let s = try a.date(0), m = try a.date(1), last = try a.date(2)
            let rate = try a.n(3), pr = try a.n(4), redemption = try a.n(5)
            let f = try a.frequency(6), b = try a.basis(7)
            guard rate >= 0, pr > 0, redemption > 0, last < s, s < m else { throw ErrorValue.number }
            return OddBonds.oddlYield(s, m, last, rate: rate, price: pr, redemption: redemption, frequency: f, basis: b)
        },
    ]

    /// The coupon functions: COUPDAYS(settlement, maturity, frequency, [basis]) and its kin.
    static func coupon(_ name: String, _ body: @escaping @Sendable (CivilDate, CivilDate, Int, Int) -> Double) -> FunctionDefinition {
        fin(name, 3...4, atp: true) { a in
            let s = try a.date(0), m = try a.date(1), f = try a.frequency(2), b = try a.basis(3)
            guard s < m else { throw ErrorValue.number }
            return body(s, m, f, b)
        }
    }

    /// Solves `price(y) = target` for y: Newton's method from `guess`, then bisection.
    static func solve(guess: Double, target: Double, _ price: (Double) -> Double) throws -> Double {
        var y = guess
        for _ in 0..<100 {
            let f = price(y) - target
            let h = max(1e-7, abs(y) * 1e-7)
            let df = (price(y + h) - price(y - h)) / (2 * h)
            guard f.isFinite, df.isFinite, df != 0 else { break }
            let next = y - f / df
            guard next.isFinite else { break }
            if abs(next - y) < 1e-12 { return next }
            y = next
        }
        // Bisection: price falls as the yield rises.
        var lo = 0.0, hi = 1.0
        while price(hi) > target && hi < 1e6 { hi *= 2 }
        guard price(lo) >= target, price(hi) <= target else { throw ErrorValue.number }
        for _ in 0..<200 {
            let mid = (lo + hi) / 2
            if price(mid) > target { lo = mid } else { hi = mid }
        }
        return (lo + hi) / 2
    }
}

// MARK: - Arguments

/// The arguments of a financial function of single values, read as Excel reads them.
struct FinArguments {
    let values: [CellValue]
    init(values: [CellValue], omitted: [Bool], date1904: Bool, atp: Bool) {
        self.values = values
        self.omitted = omitted
        self.date1904 = date1904
        self.atp = atp
    }

    /// A number; an omitted argument gives `fallback`, an empty cell 0.
    func n(_ i: Int, _ fallback: Double = 0) throws -> Double {
        guard i < values.count, !omitted[i] else { return fallback }
        switch values[i] {
        case .boolean where atp: throw ErrorValue.value
        case let v:
            switch Coercion.number(v) {
            case .success(let x): return x
            case .failure(let e): throw e
            }
        }
    }

    /// The annuity type: 0 (end of period) or 1 (start); any nonzero number counts as 1.
    func type(_ i: Int) throws -> Double { try n(i) != 0 ? 1 : 0 }

    func bool(_ i: Int, _ fallback: Bool) throws -> Bool {
        guard i < values.count, !omitted[i] else { return fallback }
        switch Coercion.boolean(values[i]) {
        case .success(let b): return b
        case .failure(let e): throw e
        }
    }

    /// A date serial, truncated to whole days; #NUM! outside Excel's calendar.
    func date(_ i: Int) throws -> CivilDate {
        let x = try n(i).rounded(.down)
        guard x >= 0, x <= 2958465 else { throw ErrorValue.number }
        return CivilDate(serial: Int(x), date1904: date1904)
    }

    /// A coupon frequency: 1, 2 or 4.
    func frequency(_ i: Int) throws -> Int {
        let f = try n(i).rounded(.towardZero)
        guard f == 1 || f == 2 || f == 4 else { throw ErrorValue.number }
        return Int(f)
    }

    /// A day-count basis 0…4 (omitted: 0).
    func basis(_ i: Int) throws -> Int {
        let b = try n(i).rounded(.towardZero)
        guard b >= 0, b <= 4 else { throw ErrorValue.number }
        return Int(b)
    }

    let omitted: [Bool]
    let date1904: Bool
    let atp: Bool
}

/// A financial function of single values whose body throws the Excel error it ends with.
///
/// Functions that came from the Analysis ToolPak (`atp`) take no arrays or multi-cell ranges for
/// their single-value arguments (#VALUE!) and no logical values where they want numbers; the others
/// are taken element by element over arrays like any function of single values.
func fin(_ name: String, _ arity: ClosedRange<Int>, atp: Bool = false,
         _ body: @escaping @Sendable (FinArguments) throws -> Double) -> FunctionDefinition {
    FunctionDefinition(name, arity) { args, ctx in
        let omitted = args.map { if case .empty = $0 { true } else { false } }
        let run: ([CellValue]) -> CellValue = { values in
            do {
                let r = try body(FinArguments(values: values, omitted: omitted, date1904: ctx.date1904, atp: atp))
                return r.isFinite ? .number(r == 0 ? 0 : r) : .error(.number)
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

// MARK: - Dates and day counts

/// A calendar date with its day number, for coupon schedules and day counts.
struct CivilDate: Comparable, Sendable {
    let year: Int, month: Int, day: Int
    let date1904: Bool

    init(year: Int, month: Int, day: Int, date1904: Bool) {
        self.year = year
        self.month = month
        self.day = day
        self.date1904 = date1904
    }

    init(serial: Int, date1904: Bool) {
        let c = ExcelDate.civil(serial: serial, date1904: date1904)
        if c.day == 0 {  // serial 0 of the 1900 system: 1900-01-00, taken as 1899-12-31
            self.init(year: 1899, month: 12, day: 31, date1904: date1904)
        } else {
            self.init(year: c.year, month: c.month, day: c.day, date1904: date1904)
        }
    }

    /// Days since the civil epoch; differences are actual day counts.
    var days: Int { ExcelDate.daysFromCivil(year: year, month: month, day: day) }

    var serial: Int {
        ExcelDate.serial(year: year, month: month, day: day, date1904: date1904) ?? 0
    }

    static func daysInMonth(_ year: Int, _ month: Int) -> Int {
        switch month {
        case 4, 6, 9, 11: 30
        case 2: isLeap(year) ? 29 : 28
        default: 31
        }
    }

    static func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    var isLastDayOfMonth: Bool { day == Self.daysInMonth(year, month) }
    var isLastDayOfFebruary: Bool { month == 2 && isLastDayOfMonth }

    /// The date `n` months on, the day clamped to the month's length.
    func addingMonths(_ n: Int) -> CivilDate {
        let total = year * 12 + (month - 1) + n
        let y = Int((Double(total) / 12).rounded(.down))
        let m = total - y * 12 + 1
        return CivilDate(year: y, month: m, day: min(day, Self.daysInMonth(y, m)), date1904: date1904)
    }

    /// `addingMonths`, moved to the end of the month when `lastDay`.
    func changingMonth(_ n: Int, lastDay: Bool) -> CivilDate {
        let d = addingMonths(n)
        return lastDay ? CivilDate(year: d.year, month: d.month, day: Self.daysInMonth(d.year, d.month), date1904: date1904) : d
    }

    static func < (a: CivilDate, b: CivilDate) -> Bool { a.days < b.days }
    static func == (a: CivilDate, b: CivilDate) -> Bool { a.days == b.days }
}

/// Excel's day-count conventions for the securities functions.
enum DayCount {
    static func diff360(_ sd: Int, _ sm: Int, _ sy: Int, _ ed: Int, _ em: Int, _ ey: Int) -> Double {
        Double((ey - sy) * 360 + (em - sm) * 30 + (ed - sd))
    }

    /// US (NASD) 30/360. `modifyBoth` also moves an end date on February's last day or the 31st.
    static func us360(_ s: CivilDate, _ e: CivilDate, modifyBoth: Bool = false) -> Double {
        var sd = s.day, ed = e.day
        if e.isLastDayOfFebruary && (s.isLastDayOfFebruary || modifyBoth) { ed = 30 }
        if ed == 31 && (sd >= 30 || modifyBoth) { ed = 30 }
        if sd == 31 { sd = 30 }
        if s.isLastDayOfFebruary { sd = 30 }
        return diff360(sd, s.month, s.year, ed, e.month, e.year)
    }

    static func eu360(_ s: CivilDate, _ e: CivilDate) -> Double {
        diff360(s.day == 31 ? 30 : s.day, s.month, s.year, e.day == 31 ? 30 : e.day, e.month, e.year)
    }

    static func actual(_ s: CivilDate, _ e: CivilDate) -> Double { Double(e.days - s.days) }

    static func diff365(_ s: CivilDate, _ e: CivilDate) -> Double {
        let sd = s.month == 2 && s.day > 28 ? 28 : s.day
        let ed = e.month == 2 && e.day > 28 ? 28 : e.day
        let a = CivilDate(year: s.year, month: s.month, day: sd, date1904: s.date1904)
        let b = CivilDate(year: e.year, month: e.month, day: ed, date1904: e.date1904)
        return Double((e.year - s.year) * 365) + actual(a, b)
    }

    /// Days between two dates under a basis; `numerator` picks actual days for bases 2 and 3.
    static func daysBetween(_ s: CivilDate, _ e: CivilDate, _ basis: Int, numerator: Bool = true) -> Double {
        switch basis {
        case 0: us360(s, e)
        case 4: eu360(s, e)
        case 2: numerator ? actual(s, e) : us360(s, e)
        case 3: numerator ? actual(s, e) : diff365(s, e)
        default: actual(s, e)
        }
    }

    /// The length of the year for a span under a basis (actual/actual looks at leap years).
    static func daysInYear(_ s: CivilDate, _ e: CivilDate, _ basis: Int) -> Double {
        switch basis {
        case 1:
            let withinAYear = s.year == e.year
                || (e.year == s.year + 1 && (s.month > e.month || (s.month == e.month && s.day >= e.day)))
            if !withinAYear {
                let years = Double(e.year - s.year + 1)
                let first = ExcelDate.daysFromCivil(year: s.year, month: 1, day: 1)
                let last = ExcelDate.daysFromCivil(year: e.year + 1, month: 1, day: 1)
                return Double(last - first) / years
            }
            return considerAsLeap(s, e) ? 366 : 365
        case 3: return 365
        default: return 360
        }
    }

    private static func considerAsLeap(_ s: CivilDate, _ e: CivilDate) -> Bool {
        if s.year == e.year && CivilDate.isLeap(s.year) { return true }
        if e.month == 2 && e.day == 29 { return true }
        if s.year == e.year { return false }
        if e.year == s.year + 1 {
            if CivilDate.isLeap(s.year) { return s.month <= 2 }
            if CivilDate.isLeap(e.year) { return e.month > 2 }
        }
        return false
    }

    /// YEARFRAC as the securities functions use it: days over the year's length.
    static func yearFraction(_ s: CivilDate, _ e: CivilDate, _ basis: Int) -> Double {
        daysBetween(s, e, basis) / daysInYear(s, e, basis)
    }

    /// Steps from `start` by `months` until `end` is reached or passed; the last two dates.
    static func stepDates(from start: CivilDate, to end: CivilDate, months: Int, lastDay: Bool) -> (front: CivilDate, trailing: CivilDate) {
        var front = start, trailing = end
        var guardCount = 0
        while months > 0 ? front < end : front > end {
            trailing = front
            front = front.changingMonth(months, lastDay: lastDay)
            guardCount += 1
            if guardCount > 100_000 { break }
        }
        return (front, trailing)
    }

    /// The coupon dates around settlement: previous (pcd) and next (ncd), stepping back from maturity.
    static func couponDates(_ settlement: CivilDate, _ maturity: CivilDate, _ frequency: Int) -> (pcd: CivilDate, ncd: CivilDate) {
        let r = stepDates(from: maturity, to: settlement, months: -12 / frequency, lastDay: maturity.isLastDayOfMonth)
        return (r.front, r.trailing)
    }

    static func coupNum(_ s: CivilDate, _ m: CivilDate, _ frequency: Int) -> Double {
        let pcd = couponDates(s, m, frequency).pcd
        let months = Double((m.year - pcd.year) * 12 + (m.month - pcd.month))
        return months * Double(frequency) / 12
    }

    static func coupDays(_ s: CivilDate, _ m: CivilDate, _ frequency: Int, _ basis: Int) -> Double {
        switch basis {
        case 1:
            let (pcd, ncd) = couponDates(s, m, frequency)
            return actual(pcd, ncd)
        case 3: return 365 / Double(frequency)
        default: return 360 / Double(frequency)
        }
    }

    static func coupDaysBS(_ s: CivilDate, _ m: CivilDate, _ frequency: Int, _ basis: Int) -> Double {
        let pcd = couponDates(s, m, frequency).pcd
        switch basis {
        case 0: return us360(pcd, s)
        case 4: return eu360(pcd, s)
        default: return actual(pcd, s)
        }
    }

    static func coupDaysNC(_ s: CivilDate, _ m: CivilDate, _ frequency: Int, _ basis: Int) -> Double {
        let (pcd, ncd) = couponDates(s, m, frequency)
        switch basis {
        case 0: return us360(pcd, ncd, modifyBoth: true) - us360(pcd, s)
        case 4: return eu360(s, ncd)
        default: return actual(s, ncd)
        }
    }

    static func accrint(issue: CivilDate, firstInterest: CivilDate, settlement: CivilDate, rate: Double, par: Double,
                        frequency: Int, basis: Int, fromIssue: Bool) -> Double {
        let months = 12 / frequency
        let freq = Double(frequency)
        let endOfMonth = firstInterest.isLastDayOfMonth
        let regularStart = firstInterest.changingMonth(-months, lastDay: endOfMonth)
        let pcd = settlement > firstInterest && fromIssue
            ? stepDates(from: firstInterest, to: settlement, months: months, lastDay: endOfMonth).trailing
            : regularStart
        let firstDate = issue > pcd ? issue : pcd
        let periodLength: Double
        switch basis {
        case 1: periodLength = actual(regularStart, firstInterest)
        case 3: periodLength = 365 / freq
        default: periodLength = 360 / freq
        }
        var total = daysBetween(firstDate, settlement, basis) / periodLength
        var front = pcd
        var steps = 0
        while front > issue && steps < 100_000 {
            steps += 1
            let end = front
            front = front.changingMonth(-months, lastDay: endOfMonth)
            if issue <= front {
                total += fromIssue ? 1 : 0
            } else {
                let numerator = basis == 0 ? us360(issue, end) : daysBetween(issue, end, basis)
                let denominator: Double
                switch basis {
                case 0: denominator = us360(front, end, modifyBoth: true)
                case 3: denominator = 365 / freq
                default: denominator = daysBetween(front, end, basis, numerator: false)
                }
                total += numerator / denominator
            }
        }
        return par * rate / freq * total
    }

    static func price(_ s: CivilDate, _ m: CivilDate, rate: Double, yld: Double, redemption: Double, frequency: Int, basis: Int) -> Double {
        let freq = Double(frequency)
        let n = coupNum(s, m, frequency)
        let pcd = couponDates(s, m, frequency).pcd
        let a = daysBetween(pcd, s, basis)
        let e = coupDays(s, m, frequency, basis)
        let dsc = e - a
        let coupon = 100 * rate / freq
        let accrued = coupon * a / e
        if n == 1 {
            return (redemption + coupon) / (1 + dsc / e * yld / freq) - accrued
        }
        let base = 1 + yld / freq
        var total = redemption / pow(base, n - 1 + dsc / e)
        var k = 1.0
        while k <= n {
            total += coupon / pow(base, k - 1 + dsc / e)
            k += 1
        }
        return total - accrued
    }

    static func yield(_ s: CivilDate, _ m: CivilDate, rate: Double, price pr: Double, redemption: Double, frequency: Int, basis: Int) throws -> Double {
        let freq = Double(frequency)
        let n = coupNum(s, m, frequency)
        if n <= 1 {
            let pcd = couponDates(s, m, frequency).pcd
            let a = daysBetween(pcd, s, basis)
            let e = coupDays(s, m, frequency, basis)
            let dsr = e - a
            let num = (redemption / 100 + rate / freq) - (pr / 100 + a / e * rate / freq)
            let den = pr / 100 + a / e * rate / freq
            return num / den * freq * e / dsr
        }
        return try FinancialFunctions.solve(guess: 0.05, target: pr) { y in
            price(s, m, rate: rate, yld: y, redemption: redemption, frequency: frequency, basis: basis)
        }
    }

    static func duration(_ s: CivilDate, _ m: CivilDate, coupon: Double, yld: Double, frequency: Int, basis: Int, modified: Bool) -> Double {
        let freq = Double(frequency)
        let dbc = coupDaysBS(s, m, frequency, basis)
        let e = coupDays(s, m, frequency, basis)
        let n = coupNum(s, m, frequency)
        let dsc = e - dbc
        let x1 = dsc / e
        let x2 = x1 + n - 1
        let x3 = yld / freq + 1
        let x4 = pow(x3, x2)
        var term2 = 0.0, term4 = 0.0
        var k = 1.0
        while k <= n {
            let x5 = k - 1 + x1
            let x7 = (100 * coupon / freq) / pow(x3, x5)
            term2 += x7 * x5
            term4 += x7
            k += 1
        }
        let d = ((x2 * 100 / x4 + term2) / (100 / x4 + term4)) / freq
        return modified ? d / x3 : d
    }

    /// PRICEMAT/YIELDMAT: year length, issue→maturity, issue→settlement and settlement→maturity days.
    static func maturityFactors(_ s: CivilDate, _ m: CivilDate, _ issue: CivilDate, _ basis: Int) -> (Double, Double, Double, Double) {
        let year = daysInYear(issue, s, basis)
        let dim = daysBetween(issue, m, basis)
        let a = daysBetween(issue, s, basis)
        return (year, dim, a, dim - a)
    }
}

/// Securities with an odd (short or long) first or last coupon period.
enum OddBonds {
    /// A fold over index from `a` to `b` inclusive, counting down when `b < a`.
    private static func indices(_ a: Int, _ b: Int) -> [Int] {
        if a <= b { return Array(a...b) }
        return Array((b...a).reversed())
    }

    private static func notNegative(_ s: CivilDate, _ e: CivilDate, _ basis: Int) -> Double {
        max(0, DayCount.daysBetween(s, e, basis))
    }

    /// Quasi-coupon periods from settlement to a coupon date, counted as Excel's odd-bond functions do.
    private static func coupNumber(_ maturity: CivilDate, _ settlement: CivilDate, months: Int, whole: Bool) -> Double {
        var endOfMonth = maturity.isLastDayOfMonth
        if !endOfMonth && maturity.month != 2 && maturity.day > 28
            && maturity.day < CivilDate.daysInMonth(maturity.year, maturity.month) {
            endOfMonth = settlement.isLastDayOfMonth
        }
        let start = settlement.changingMonth(0, lastDay: endOfMonth)
        var count = whole ? 0.0 : 1.0
        if settlement < start { count += 1 }
        var front = start.changingMonth(months, lastDay: endOfMonth)
        var steps = 0
        while front < maturity && steps < 100_000 {
            front = front.changingMonth(months, lastDay: endOfMonth)
            count += 1
            steps += 1
        }
        return count
    }

    static func oddfPrice(_ settlement: CivilDate, _ maturity: CivilDate, _ issue: CivilDate, _ firstCoupon: CivilDate,
                          rate: Double, yld: Double, redemption: Double, frequency: Int, basis: Int) -> Double {
        let m = Double(frequency)
        let months = 12 / frequency
        let e = DayCount.coupDays(settlement, firstCoupon, frequency, basis)
        let dfc = notNegative(issue, firstCoupon, basis)
        let x = yld / m + 1
        if dfc < e {
            let n = DayCount.coupNum(settlement, maturity, frequency)
            let dsc = notNegative(settlement, firstCoupon, basis)
            let a = notNegative(issue, settlement, basis)
            let y = dsc / e
            var total = redemption / pow(x, n - 1 + y)
            total += 100 * rate / m * dfc / e / pow(x, y)
            if n >= 2 {
                for k in 2...Int(n) { total += 100 * rate / m / pow(x, Double(k) - 1 + y) }
            }
            return total - a / e * rate / m * 100
        }
        let nc = DayCount.coupNum(issue, firstCoupon, frequency)
        var late = firstCoupon
        var dcnl = 0.0, anl = 0.0
        for index in indices(Int(nc), 1) {
            let early = late.changingMonth(-months, lastDay: false)
            let nl = basis == 1 ? notNegative(early, late, basis) : e
            let dci = index > 1 ? nl : notNegative(issue, late, basis)
            let start = issue > early ? issue : early
            let end = settlement < late ? settlement : late
            let a = notNegative(start, end, basis)
            late = early
            dcnl += dci / nl
            anl += a / nl
        }
        let dsc: Double
        if basis == 2 || basis == 3 {
            dsc = notNegative(settlement, DayCount.couponDates(settlement, firstCoupon, frequency).ncd, basis)
        } else {
            let pcd = DayCount.couponDates(settlement, firstCoupon, frequency).pcd
            dsc = e - DayCount.daysBetween(pcd, settlement, basis)
        }
        let nq = coupNumber(firstCoupon, settlement, months: months, whole: true)
        let n = DayCount.coupNum(firstCoupon, maturity, frequency)
        let y = dsc / e
        var total = redemption / pow(x, y + nq + n)
        total += 100 * rate / m * dcnl / pow(x, nq + y)
        if n >= 1 {
            for k in 1...Int(n) { total += 100 * rate / m / pow(x, Double(k) + nq + y) }
        }
        return total - 100 * rate / m * anl
    }

    private static func oddLast(_ settlement: CivilDate, _ maturity: CivilDate, _ last: CivilDate, rate: Double,
                                value: Double, redemption: Double, frequency: Int, basis: Int, price: Bool) -> Double {
        let m = Double(frequency)
        let months = 12 / frequency
        let nc = DayCount.coupNum(last, maturity, frequency)
        var early = last
        var dcnl = 0.0, anl = 0.0, dscnl = 0.0
        func between(_ s: CivilDate, _ e: CivilDate) -> Double {
            basis == 0 ? max(0, DayCount.us360(s, e, modifyBoth: true)) : notNegative(s, e, basis)
        }
        let count = max(1, Int(nc))
        for index in 1...count {
            let late = early.changingMonth(months, lastDay: false)
            let nl = between(early, late)
            let dci = index < count ? nl : between(early, maturity)
            let a: Double
            if late < settlement { a = dci } else if early < settlement { a = notNegative(early, settlement, basis) } else { a = 0 }
            let start = settlement > early ? settlement : early
            let end = maturity < late ? maturity : late
            let dsc = notNegative(start, end, basis)
            early = late
            dcnl += dci / nl
            anl += a / nl
            dscnl += dsc / nl
        }
        let x = 100 * rate / m
        let term1 = dcnl * x + redemption
        if price {
            return term1 / (dscnl * value / m + 1) - anl * x
        }
        let term2 = anl * x + value
        return (term1 - term2) / term2 * (m / dscnl)
    }

    static func oddlPrice(_ s: CivilDate, _ m: CivilDate, _ last: CivilDate, rate: Double, yld: Double, redemption: Double,
                          frequency: Int, basis: Int) -> Double {
        oddLast(s, m, last, rate: rate, value: yld, redemption: redemption, frequency: frequency, basis: basis, price: true)
    }

    static func oddlYield(_ s: CivilDate, _ m: CivilDate, _ last: CivilDate, rate: Double, price: Double, redemption: Double,
                          frequency: Int, basis: Int) -> Double {
        oddLast(s, m, last, rate: rate, value: price, redemption: redemption, frequency: frequency, basis: basis, price: false)
    }
}
