import Foundation

/// Date and time functions. Dates are serial numbers (see `ExcelDate`).
///
/// The functions that came from the Analysis ToolPak (EDATE, EOMONTH, WEEKNUM, YEARFRAC, WORKDAY,
/// NETWORKDAYS) take no ranges of several cells and no logical values: both give #VALUE!.
enum DateFunctions {
    static let all: [FunctionDefinition] = [
        .scalar("DATE", 3...3) { args, ctx in
            var parts: [Double] = []
            for a in args {
                guard case .success(let n) = Coercion.number(a) else { return errorOf(a) }
                parts.append(n.rounded(.down))
            }
            guard parts.allSatisfy({ abs($0) < 1e9 }) else { return .error(.number) }
            var year = Int(parts[0])
            if year >= 0 && year < 1900 { year += 1900 }
            guard year >= 0, year < 10000 else { return .error(.number) }
            let serial = ExcelDate.extendedSerial(year: year, month: Int(parts[1]), day: Int(parts[2]), date1904: ctx.date1904)
            guard serial >= 0, serial <= ExcelDate.maxSerial(date1904: ctx.date1904) else { return .error(.number) }
            return .number(Double(serial))
        },
        .scalar("YEAR", 1...1) { args, ctx in datePart(args[0], ctx) { $0.year } },
        .scalar("MONTH", 1...1) { args, ctx in datePart(args[0], ctx) { $0.month } },
        .scalar("DAY", 1...1) { args, ctx in datePart(args[0], ctx) { $0.day } },
        .scalar("TIME", 3...3) { args, _ in
            var parts: [Double] = []
            for a in args {
                guard case .success(let n) = Coercion.number(a) else { return errorOf(a) }
                let t = n.rounded(.towardZero)
                guard abs(t) <= 32767 else { return .error(.number) }
                parts.append(t)
            }
            let days = (parts[0] * 3600 + parts[1] * 60 + parts[2]) / 86400
            guard days >= 0 else { return .error(.number) }
            return .number(days - days.rounded(.down))
        },
        .scalar("HOUR", 1...1) { args, ctx in timePart(args[0], ctx) { $0 / 3600 } },
        .scalar("MINUTE", 1...1) { args, ctx in timePart(args[0], ctx) { $0 / 60 % 60 } },
        .scalar("SECOND", 1...1) { args, ctx in timePart(args[0], ctx) { $0 % 60 } },
        .scalar("DATEVALUE", 1...1) { args, ctx in
            switch args[0] {
            case .error(let e): return .error(e)
            case .text(let s):
                guard let v = DateText.serial(from: s, date1904: ctx.date1904, requireDate: true) else { return .error(.value) }
                return .number(v.rounded(.down))
            default: return .error(.value)
            }
        },
        .scalar("TIMEVALUE", 1...1) { args, ctx in
            switch args[0] {
            case .error(let e): return .error(e)
            case .text(let s):
                guard let v = DateText.serial(from: s, date1904: ctx.date1904) else { return .error(.value) }
                return .number(v - v.rounded(.down))
            default: return .error(.value)
            }
        },
        .scalar("WEEKDAY", 1...2) { args, ctx in
            guard case .success(let n) = serial(args[0], ctx) else { return fail(args[0], serial(args[0], ctx)) }
            var type = 1
            if args.count > 1, !args[1].isEmpty {
                guard case .success(let t) = Coercion.number(args[1]) else { return errorOf(args[1]) }
                guard abs(t) < 1e6 else { return .error(.number) }
                type = Int(t.rounded(.towardZero))
            }
            let w = ExcelDate.weekday(serial: Int(n), date1904: ctx.date1904)  // 0 = Sunday
            guard let first = firstWeekday(returnType: type) else { return .error(.number) }
            return .number(Double((w - first.day + 7) % 7 + first.base))
        },
        atp("WEEKNUM", 1...2) { args, ctx in
            guard case .success(let n) = atpSerial(args[0], ctx) else { return fail(args[0], atpSerial(args[0], ctx)) }
            var type = 1
            if args.count > 1, !args[1].isEmpty {
                guard case .success(let t) = atpNumber(args[1]) else { return fail(args[1], atpNumber(args[1])) }
                guard abs(t) < 1e6 else { return .error(.number) }
                type = Int(t.rounded(.towardZero))
            }
            let s = Int(n)
            if type == 21 { return .number(Double(isoWeek(s, ctx.date1904))) }
            let start: Int  // first day of the week, 0 = Sunday
            switch type {
            case 1, 17: start = 0
            case 2, 11: start = 1
            case 12...16: start = type - 10
            default: return .error(.number)
            }
            let year = ExcelDate.civil(serial: s, date1904: ctx.date1904).year
            let jan1 = ExcelDate.extendedSerial(year: year, month: 1, day: 1, date1904: ctx.date1904)
            let offset = (ExcelDate.weekday(serial: jan1, date1904: ctx.date1904) - start + 7) % 7
            let week = Int((Double(s - jan1 + offset) / 7).rounded(.down)) + 1
            return .number(Double(week))
        },
        .scalar("ISOWEEKNUM", 1...1) { args, ctx in
            guard case .success(let n) = serial(args[0], ctx) else { return fail(args[0], serial(args[0], ctx)) }
            return .number(Double(isoWeek(Int(n), ctx.date1904)))
        },
        .scalar("DAYS", 2...2) { args, ctx in
            guard case .success(let end) = serial(args[0], ctx) else { return fail(args[0], serial(args[0], ctx)) }
            guard case .success(let start) = serial(args[1], ctx) else { return fail(args[1], serial(args[1], ctx)) }
            return .number(end.rounded(.down) - start.rounded(.down))
        },
        .scalar("DAYS360", 2...3) { args, ctx in
            guard case .success(let s) = serial(args[0], ctx) else { return fail(args[0], serial(args[0], ctx)) }
            guard case .success(let e) = serial(args[1], ctx) else { return fail(args[1], serial(args[1], ctx)) }
            var european = false
            if args.count > 2 {
                switch Coercion.boolean(args[2]) {
                case .success(let b): european = b
                case .failure(let err): return .error(err)
                }
            }
            let a = ExcelDate.extendedCivil(serial: Int(s), date1904: ctx.date1904)
            let b = ExcelDate.extendedCivil(serial: Int(e), date1904: ctx.date1904)
            var sd = a.day, ed = b.day
            if european {
                if sd == 31 { sd = 30 }
                if ed == 31 { ed = 30 }
            } else {
                if sd == 31 || (a.month == 2 && sd == ExcelDate.daysInMonth(year: a.year, month: 2, date1904: ctx.date1904)) { sd = 30 }
                if ed == 31 && sd >= 30 { ed = 30 }
            }
            return .number(days360(a, b, sd, ed))
        },
        .scalar("DATEDIF", 3...3) { args, ctx in
            guard case .success(let s) = serial(args[0], ctx) else { return fail(args[0], serial(args[0], ctx)) }
            guard case .success(let e) = serial(args[1], ctx) else { return fail(args[1], serial(args[1], ctx)) }
            guard case .success(let unit) = Coercion.text(args[2]) else { return errorOf(args[2]) }
            return datedif(Int(s), Int(e), unit.uppercased(), ctx.date1904)
        },
        atp("YEARFRAC", 2...3) { args, ctx in
            // The basis is checked first: YEARFRAC(#VALUE!, 1, #N/A) is #N/A.
            var basis = 0
            if args.count > 2, case .error(let e) = args[2] { return .error(e) }
            guard case .success(let s) = atpSerial(args[0], ctx) else { return fail(args[0], atpSerial(args[0], ctx)) }
            guard case .success(let e) = atpSerial(args[1], ctx) else { return fail(args[1], atpSerial(args[1], ctx)) }
            if args.count > 2 {
                guard case .success(let b) = atpNumber(args[2]) else { return fail(args[2], atpNumber(args[2])) }
                guard b >= 0, b < 5 else { return .error(.number) }
                basis = Int(b)
            }
            return .number(yearFraction(Int(s), Int(e), basis, ctx.date1904))
        },
        atp("EOMONTH", 2...2) { args, ctx in monthShift(args, ctx, endOfMonth: true) },
        atp("EDATE", 2...2) { args, ctx in monthShift(args, ctx, endOfMonth: false) },
        FunctionDefinition("NETWORKDAYS", 2...3) { args, ctx in
            try networkDays(args, holidays: args.count > 2 ? args[2] : nil, weekend: nil, ctx)
        },
        FunctionDefinition("NETWORKDAYS.INTL", 2...4) { args, ctx in
            try networkDays(args, holidays: args.count > 3 ? args[3] : nil, weekend: args.count > 2 ? args[2] : nil, ctx)
        },
        FunctionDefinition("WORKDAY", 2...3) { args, ctx in
            try workday(args, holidays: args.count > 2 ? args[2] : nil, weekend: nil, ctx)
        },
        FunctionDefinition("WORKDAY.INTL", 2...4) { args, ctx in
            try workday(args, holidays: args.count > 3 ? args[3] : nil, weekend: args.count > 2 ? args[2] : nil, ctx)
        },
        FunctionDefinition("TODAY", 0...0, volatile: true) { _, ctx in
            .number(Clock.serialNow(date1904: ctx.date1904).rounded(.down))
        },
        FunctionDefinition("NOW", 0...0, volatile: true) { _, ctx in
            .number(Clock.serialNow(date1904: ctx.date1904))
        },
    ]

    // MARK: - Arguments

    /// A function from the Analysis ToolPak: a range of several cells as an argument is #VALUE!
    /// (arrays are taken element by element).
    static func atp(_ name: String, _ arity: ClosedRange<Int>,
                    _ body: @escaping @Sendable ([CellValue], EvaluationContext) -> CellValue) -> FunctionDefinition {
        FunctionDefinition(name, arity) { args, ctx in
            for a in args { if case .reference(let r) = a, !r.isSingleCell { return .error(.value) } }
            return try ctx.lift(args) { body($0, ctx) }
        }
    }

    /// A number for an Analysis ToolPak function: logical values are #VALUE!.
    static func atpNumber(_ value: CellValue) -> Result<Double, ErrorValue> {
        if case .boolean = value { return .failure(.value) }
        return Coercion.number(value)
    }

    static func atpSerial(_ value: CellValue, _ ctx: EvaluationContext) -> Result<Double, ErrorValue> {
        if case .boolean = value { return .failure(.value) }
        return serial(value, ctx)
    }

    /// A serial date argument: a number, or text that reads as a date; negative or beyond
    /// 9999-12-31 is #NUM!.
    static func serial(_ value: CellValue, _ ctx: EvaluationContext) -> Result<Double, ErrorValue> {
        serial(value, date1904: ctx.date1904)
    }

    static func serial(_ value: CellValue, date1904: Bool = false) -> Result<Double, ErrorValue> {
        var number = Coercion.number(value)
        if case .text(let s) = value, date1904, let n = DateText.serial(from: s, date1904: true) { number = .success(n) }
        switch number {
        case .success(let n):
            return n < 0 || n >= Double(ExcelDate.maxSerial(date1904: date1904) + 1) ? .failure(.number) : .success(n)
        case .failure(let e): return .failure(e)
        }
    }

    private static func fail(_ value: CellValue, _ result: Result<Double, ErrorValue>) -> CellValue {
        if case .failure(let e) = result { return .error(e) }
        return errorOf(value)
    }

    // MARK: - Parts of dates and times

    private static func datePart(_ value: CellValue, _ ctx: EvaluationContext, _ part: ((year: Int, month: Int, day: Int)) -> Int) -> CellValue {
        switch serial(value, ctx) {
        case .failure(let e): return .error(e)
        case .success(let n): return .number(Double(part(ExcelDate.civil(serial: Int(n), date1904: ctx.date1904))))
        }
    }

    /// HOUR, MINUTE, SECOND: the time of day rounded to the nearest second.
    private static func timePart(_ value: CellValue, _ ctx: EvaluationContext, _ part: (Int) -> Int) -> CellValue {
        switch serial(value, ctx) {
        case .failure(let e): return .error(e)
        case .success(let n):
            let fraction = n - n.rounded(.down)
            var seconds = Int((fraction * 86400).rounded())
            if seconds >= 86400 { seconds -= 86400 }
            return .number(Double(part(seconds)))
        }
    }

    /// WEEKDAY's return types: the weekday (0 = Sunday) numbered `base`.
    private static func firstWeekday(returnType: Int) -> (day: Int, base: Int)? {
        switch returnType {
        case 1, 17: (0, 1)
        case 2, 11: (1, 1)
        case 3: (1, 0)
        case 12...16: (returnType - 10, 1)
        default: nil
        }
    }

    /// ISO 8601 week number: weeks start on Monday, week 1 holds the year's first Thursday.
    static func isoWeek(_ serial: Int, _ date1904: Bool) -> Int {
        let isoDay = (ExcelDate.weekday(serial: serial, date1904: date1904) + 6) % 7  // Monday = 0
        let thursday = serial - isoDay + 3
        let year = ExcelDate.extendedCivil(serial: thursday, date1904: date1904).year
        let jan1 = ExcelDate.extendedSerial(year: year, month: 1, day: 1, date1904: date1904)
        return (thursday - jan1) / 7 + 1
    }

    // MARK: - Months

    private static func monthShift(_ args: [CellValue], _ ctx: EvaluationContext, endOfMonth: Bool) -> CellValue {
        let startResult = atpSerial(args[0], ctx)
        guard case .success(let start) = startResult else { return fail(args[0], startResult) }
        let monthsResult = atpNumber(args[1])
        guard case .success(let months) = monthsResult else { return fail(args[1], monthsResult) }
        guard abs(months) < 1e7 else { return .error(.number) }
        let (y, m, d) = ExcelDate.civil(serial: Int(start), date1904: ctx.date1904)
        let total = y * 12 + (m - 1) + Int(months.rounded(.towardZero))
        let ny = Int((Double(total) / 12).rounded(.down)), nm = total - ny * 12 + 1
        guard ny >= 1900, ny < 10000 else { return .error(.number) }
        let last = ExcelDate.daysInMonth(year: ny, month: nm, date1904: ctx.date1904)
        let day = endOfMonth ? last : min(d, last)
        let s = ExcelDate.extendedSerial(year: ny, month: nm, day: day, date1904: ctx.date1904)
        guard s >= 0, s <= ExcelDate.maxSerial(date1904: ctx.date1904) else { return .error(.number) }
        return .number(Double(s))
    }

    static func daysInMonth(year: Int, month: Int) -> Int { ExcelDate.daysInMonth(year: year, month: month, date1904: true) }

    // MARK: - DATEDIF and YEARFRAC

    private static func datedif(_ s: Int, _ e: Int, _ unit: String, _ date1904: Bool) -> CellValue {
        guard s <= e else { return .error(.number) }
        let a = ExcelDate.civil(serial: s, date1904: date1904), b = ExcelDate.civil(serial: e, date1904: date1904)
        var months = (b.year - a.year) * 12 + (b.month - a.month)
        if b.day < a.day { months -= 1 }
        switch unit {
        case "D": return .number(Double(e - s))
        case "M": return .number(Double(months))
        case "Y": return .number(Double(months / 12))
        case "YM": return .number(Double(months % 12))
        case "MD":
            if b.day >= a.day { return .number(Double(b.day - a.day)) }
            // From the start's day in the month before the end's month (which may overflow).
            let from = ExcelDate.extendedSerial(year: b.year, month: b.month - 1, day: a.day, date1904: date1904)
            return .number(Double(e - from))
        case "YD":
            let later = (a.month, a.day) > (b.month, b.day)
            let anniversaryYear = later ? b.year - 1 : b.year
            let realDays = ExcelDate.daysFromCivil(year: anniversaryYear, month: a.month, day: a.day)
                - ExcelDate.daysFromCivil(year: a.year, month: a.month, day: a.day)
            return .number(Double(max(0, e - s - realDays)))
        default: return .error(.number)
        }
    }

    /// YEARFRAC under a day-count basis (0 US 30/360, 1 actual/actual, 2 actual/360, 3 actual/365,
    /// 4 European 30/360).
    static func yearFraction(_ s0: Int, _ e0: Int, _ basis: Int, _ date1904: Bool) -> Double {
        let s = min(s0, e0), e = max(s0, e0)
        if s == e { return 0 }
        let a = ExcelDate.extendedCivil(serial: s, date1904: date1904)
        let b = ExcelDate.extendedCivil(serial: e, date1904: date1904)
        func lastOfFebruary(_ d: (year: Int, month: Int, day: Int)) -> Bool {
            d.month == 2 && d.day == ExcelDate.daysInMonth(year: d.year, month: 2, date1904: true)
        }
        switch basis {
        case 0:
            var sd = a.day, ed = b.day
            if sd == 31 && ed == 31 { sd = 30; ed = 30 }
            else if sd == 31 { sd = 30 }
            else if sd == 30 && ed == 31 { ed = 30 }
            else if lastOfFebruary(a) && lastOfFebruary(b) { sd = 30; ed = 30 }
            else if lastOfFebruary(a) { sd = 30 }
            return days360(a, b, sd, ed) / 360
        case 1:
            let days = Double(e - s)
            let withinAYear = a.year == b.year
                || (b.year == a.year + 1 && (a.month > b.month || (a.month == b.month && a.day >= b.day)))
            if withinAYear {
                var leap = false
                if a.year == b.year { leap = ExcelDate.isLeapYear(a.year) }
                else if b.month == 2 && b.day == 29 { leap = true }
                else if ExcelDate.isLeapYear(a.year) && a.month <= 2 { leap = true }
                else if ExcelDate.isLeapYear(b.year) && (b.month > 2) { leap = true }
                return days / (leap ? 366 : 365)
            }
            let first = ExcelDate.daysFromCivil(year: a.year, month: 1, day: 1)
            let last = ExcelDate.daysFromCivil(year: b.year + 1, month: 1, day: 1)
            return days / (Double(last - first) / Double(b.year - a.year + 1))
        case 2: return Double(e - s) / 360
        case 3: return Double(e - s) / 365
        default:
            let sd = min(a.day, 30), ed = min(b.day, 30)
            return days360(a, b, sd, ed) / 360
        }
    }

    private static func days360(_ a: (year: Int, month: Int, day: Int), _ b: (year: Int, month: Int, day: Int),
                                _ sd: Int, _ ed: Int) -> Double {
        let years: Int = (b.year - a.year) * 360
        let months: Int = (b.month - a.month) * 30
        return Double(years + months + ed - sd)
    }

    // MARK: - Working days

    /// The weekend days (0 = Sunday … 6 = Saturday) of a weekend code or a 7-character mask
    /// ("0000011", Monday first, 1 = weekend).
    private static func weekendDays(_ value: Value?, _ ctx: EvaluationContext) throws -> Result<[Bool], ErrorValue> {
        var weekend = [true, false, false, false, false, false, true]
        guard let value else { return .success(weekend) }
        if case .reference(let r) = value, !r.isSingleCell { return .failure(.value) }
        let v = try ctx.scalar(value)
        switch v {
        case .empty: return .success(weekend)
        case .error(let e): return .failure(e)
        case .text(let s):
            let chars = Array(s)
            guard chars.count == 7, chars.allSatisfy({ $0 == "0" || $0 == "1" }) else { return .failure(.value) }
            for i in 0..<7 { weekend[(i + 1) % 7] = chars[i] == "1" }
            if weekend.allSatisfy({ $0 }) { return .failure(.value) }
            return .success(weekend)
        case .boolean: return .failure(.value)
        case .number(let n):
            let code = n.rounded(.towardZero)
            weekend = [Bool](repeating: false, count: 7)
            switch code {
            case 1...7:
                // 1: Saturday–Sunday, 2: Sunday–Monday, … 7: Friday–Saturday.
                let first = (Int(code) + 5) % 7  // Saturday for 1
                weekend[first] = true
                weekend[(first + 1) % 7] = true
            case 11...17:
                weekend[Int(code) - 11] = true  // 11: Sunday only, 12: Monday only, … 17: Saturday only
            default: return .failure(.number)
            }
            return .success(weekend)
        }
    }

    /// The holidays as sorted distinct serials; text or logical values are #VALUE!.
    private static func holidayList(_ value: Value?, _ ctx: EvaluationContext) throws -> Result<[Int], ErrorValue> {
        guard let value else { return .success([]) }
        var out: Set<Int> = []
        for v in try ctx.values(value) {
            switch v {
            case .empty: continue
            case .error(let e): return .failure(e)
            case .number(let n):
                guard n >= 0, n < Double(ExcelDate.maxSerial(date1904: ctx.date1904) + 1) else { return .failure(.number) }
                out.insert(Int(n))
            case .text(let s):
                guard case .success(let n) = serial(.text(s), ctx) else { return .failure(.value) }
                out.insert(Int(n))
            case .boolean: return .failure(.value)
            }
        }
        return .success(out.sorted())
    }

    /// A start date, end date or day count of the working-day functions.
    private static func dayArgument(_ value: Value, _ ctx: EvaluationContext, isDate: Bool) throws -> Result<Int, ErrorValue> {
        if case .reference(let r) = value, !r.isSingleCell { return .failure(.value) }
        let v = try ctx.scalar(value)
        let n = isDate ? atpSerial(v, ctx) : atpNumber(v)
        switch n {
        case .failure(let e): return .failure(e)
        case .success(let x):
            guard abs(x) < 1e9 else { return .failure(.number) }
            return .success(Int(x.rounded(.towardZero)))
        }
    }

    private static func countIn(_ sorted: [Int], _ low: Int, _ high: Int, weekend: [Bool], _ date1904: Bool) -> Int {
        sorted.filter { $0 >= low && $0 <= high && !weekend[ExcelDate.weekday(serial: $0, date1904: date1904)] }.count
    }

    private static func networkDays(_ args: [Value], holidays: Value?, weekend weekendValue: Value?, _ ctx: EvaluationContext) throws -> Value {
        let start: Int, end: Int
        switch try dayArgument(args[0], ctx, isDate: true) { case .success(let x): start = x; case .failure(let e): return .error(e) }
        switch try dayArgument(args[1], ctx, isDate: true) { case .success(let x): end = x; case .failure(let e): return .error(e) }
        let weekend: [Bool]
        switch try weekendDays(weekendValue, ctx) { case .success(let w): weekend = w; case .failure(let e): return .error(e) }
        let days: [Int]
        switch try holidayList(holidays, ctx) { case .success(let h): days = h; case .failure(let e): return .error(e) }
        let low = min(start, end), high = max(start, end)
        let perWeek = weekend.filter { !$0 }.count
        let total = high - low + 1
        var count = total / 7 * perWeek
        var d = low + total / 7 * 7
        while d <= high {
            if !weekend[ExcelDate.weekday(serial: d, date1904: ctx.date1904)] { count += 1 }
            d += 1
        }
        count -= countIn(days, low, high, weekend: weekend, ctx.date1904)
        return .number(Double(start > end ? -count : count))
    }

    private static func workday(_ args: [Value], holidays: Value?, weekend weekendValue: Value?, _ ctx: EvaluationContext) throws -> Value {
        let start: Int, count: Int
        switch try dayArgument(args[0], ctx, isDate: true) { case .success(let x): start = x; case .failure(let e): return .error(e) }
        switch try dayArgument(args[1], ctx, isDate: false) { case .success(let x): count = x; case .failure(let e): return .error(e) }
        let weekend: [Bool]
        switch try weekendDays(weekendValue, ctx) { case .success(let w): weekend = w; case .failure(let e): return .error(e) }
        let days: [Int]
        switch try holidayList(holidays, ctx) { case .success(let h): days = h; case .failure(let e): return .error(e) }
        let holidaySet = Set(days)
        let maxSerial = ExcelDate.maxSerial(date1904: ctx.date1904)
        guard abs(count) <= 10 * maxSerial else { return .error(.number) }
        let step = count < 0 ? -1 : 1
        let perWeek = weekend.filter { !$0 }.count
        var remaining = abs(count)
        var d = start
        while remaining > 0 {
            // Whole weeks at once while far from the goal.
            let weeks = remaining / perWeek - 1
            if weeks > 0 {
                let next = d + step * 7 * weeks
                let low = min(d, next) + (step > 0 ? 1 : 0), high = max(d, next) - (step < 0 ? 1 : 0)
                remaining -= weeks * perWeek - countIn(days, low, high, weekend: weekend, ctx.date1904)
                d = next
            } else {
                d += step
                if !weekend[ExcelDate.weekday(serial: d, date1904: ctx.date1904)] && !holidaySet.contains(d) { remaining -= 1 }
            }
            if d < 0 || d > maxSerial { return .error(.number) }
        }
        return .number(Double(d))
    }
}

/// The current time as a serial number, in local time as Excel shows it.
enum Clock {
    static func serialNow(date1904: Bool) -> Double {
        let now = Date()
        let seconds = now.timeIntervalSince1970 + Double(TimeZone.current.secondsFromGMT(for: now))
        // 1970-01-01 is serial 25569 in the 1900 system.
        return seconds / 86400 + 25569 - (date1904 ? 1462 : 0)
    }
}

/// Dates and times written as text, as VALUE(), DATEVALUE() and arithmetic read them (en-US).
enum DateText {
    /// "2026-05-31", "5/31/2026", "5/31/26", "5/31", "31-May-2026", "31 May", "May 31, 2026",
    /// "May 2026", "13:30", "1:30 PM", "13:30:15.5", "2 PM", "2026-05-31 13:30"; nil when the text is
    /// no date or time. A time alone gives its fraction (more than 1 for "25:00").
    static func serial(from text: String, date1904: Bool = false, requireDate: Bool = false) -> Double? {
        let s = text.trimmingCharacters(in: .whitespaces)
        guard !s.isEmpty, s.count < 64 else { return nil }
        let tokens = tokenize(s)
        guard !tokens.isEmpty else { return nil }
        // Split off the time: a number followed by ':' (and its parts), or a number followed by AM/PM.
        var time: Double?
        var dateTokens: [Token] = []
        var i = 0
        while i < tokens.count {
            if time == nil, case .number = tokens[i], let (fraction, next) = parseTime(tokens, at: i) {
                time = fraction
                i = next
                continue
            }
            dateTokens.append(tokens[i])
            i += 1
        }
        // Drop separators left at the ends.
        while let f = dateTokens.first, case .separator = f { dateTokens.removeFirst() }
        while let l = dateTokens.last, case .separator = l { dateTokens.removeLast() }
        if dateTokens.isEmpty {
            guard let time, !requireDate else { return requireDate && time != nil ? 0 : nil }
            return time
        }
        guard let days = dateSerial(dateTokens, date1904: date1904) else { return nil }
        return Double(days) + (time ?? 0)
    }

    enum Token: Equatable {
        case number(String)
        case word(String)
        case separator(Character)
    }

    private static func tokenize(_ s: String) -> [Token] {
        var out: [Token] = []
        var current = ""
        var kind = 0  // 1 digits, 2 letters
        func flush() {
            if kind == 1 { out.append(.number(current)) } else if kind == 2 { out.append(.word(current)) }
            current = ""
            kind = 0
        }
        for ch in s {
            if ch.isASCII && ch.isNumber {
                if kind != 1 { flush(); kind = 1 }
                current.append(ch)
            } else if ch.isLetter {
                if kind != 2 { flush(); kind = 2 }
                current.append(ch)
            } else {
                flush()
                if ch == " " {
                    if let last = out.last, case .separator(" ") = last { continue }
                }
                out.append(.separator(ch))
            }
        }
        flush()
        return out
    }

    /// A time starting at token `i`: h:mm[:ss[.fff]] [AM|PM], mm:ss.f, or h AM|PM.
    private static func parseTime(_ t: [Token], at i: Int) -> (Double, Int)? {
        guard case .number(let first) = t[i], first.count <= 5, let h = Int(first) else { return nil }
        var parts: [Int] = [h]
        var fraction = 0.0
        var j = i + 1
        var hasFraction = false
        while j + 1 < t.count, t[j] == .separator(":"), case .number(let p) = t[j + 1], parts.count < 3 {
            guard p.count <= 2, let v = Int(p) else { return nil }
            parts.append(v)
            j += 2
        }
        if parts.count >= 2, j + 1 < t.count, t[j] == .separator("."), case .number(let f) = t[j + 1] {
            guard let v = Double("0." + f) else { return nil }
            fraction = v
            hasFraction = true
            j += 2
        }
        // AM / PM, with or without a space.
        var meridiem: String?
        var k = j
        if k < t.count, t[k] == .separator(" ") { k += 1 }
        if k < t.count, case .word(let w) = t[k] {
            let u = w.uppercased()
            if u == "AM" || u == "PM" || u == "A" || u == "P" { meridiem = u.hasPrefix("A") ? "AM" : "PM"; j = k + 1 }
        }
        if parts.count == 1 && meridiem == nil { return nil }
        var hours = 0, minutes = 0, seconds = 0.0
        if parts.count == 2 && hasFraction && meridiem == nil {
            (minutes, seconds) = (parts[0], Double(parts[1]) + fraction)  // mm:ss.f
        } else {
            hours = parts[0]
            minutes = parts.count > 1 ? parts[1] : 0
            seconds = (parts.count > 2 ? Double(parts[2]) : 0) + fraction
        }
        guard minutes < 60, seconds < 60 else { return nil }
        if let meridiem {
            guard hours <= 12 else { return nil }
            if hours == 12 { hours = 0 }
            if meridiem == "PM" { hours += 12 }
        } else if hours > 9999 { return nil }
        // The time must end here or be followed by a separator.
        if j < t.count, case .separator = t[j] {} else if j < t.count { return nil }
        return ((Double(hours) * 3600 + Double(minutes) * 60 + seconds) / 86400, j)
    }

    private static let monthNames = ["january", "february", "march", "april", "may", "june", "july", "august",
                                     "september", "october", "november", "december"]

    private static func month(_ word: String) -> Int? {
        let w = word.lowercased()
        guard w.count >= 3 else { return nil }
        if w == "sept" { return 9 }
        return monthNames.firstIndex { $0.hasPrefix(w) }.map { $0 + 1 }
    }

    private static func currentYear() -> Int { Calendar(identifier: .gregorian).component(.year, from: Date()) }

    private static func fullYear(_ digits: String) -> Int? {
        guard let y = Int(digits) else { return nil }
        if digits.count <= 2 { return y < 30 ? 2000 + y : 1900 + y }
        guard digits.count == 4, y >= 1900, y <= 9999 else { return nil }
        return y
    }

    private static func dateSerial(_ tokens: [Token], date1904: Bool) -> Int? {
        var numbers: [String] = []
        var monthWord: Int?
        var monthPosition = -1
        var separators: Set<Character> = []
        for t in tokens {
            switch t {
            case .number(let n): numbers.append(n)
            case .word(let w):
                guard monthWord == nil, let m = month(w) else { return nil }
                monthWord = m
                monthPosition = numbers.count
            case .separator(let c):
                guard "/- ,.".contains(c) else { return nil }
                separators.insert(c)
            }
        }
        var y: Int?, m: Int?, d: Int?
        if let mw = monthWord {
            m = mw
            switch (numbers.count, monthPosition) {
            case (2, 1):  // 31-May-2026, 31 May 26
                guard numbers[0].count <= 2 else { return nil }
                (d, y) = (Int(numbers[0]), fullYear(numbers[1]))
            case (2, 0):  // May 31, 2026
                guard numbers[0].count <= 2 else { return nil }
                (d, y) = (Int(numbers[0]), fullYear(numbers[1]))
            case (2, 2):  // 2026 31 May is not a date; 2026-May-31 neither
                return nil
            case (1, _):
                let n = numbers[0]
                if let day = Int(n), n.count <= 2, day >= 1, day <= ExcelDate.daysInMonth(year: currentYear(), month: mw, date1904: date1904) {
                    (d, y) = (day, currentYear())  // 31-May, May 31
                } else {
                    (d, y) = (1, fullYear(n))  // May-2026, May-87
                }
            default: return nil
            }
        } else {
            guard !separators.contains(","), !separators.contains(".") else { return nil }
            switch numbers.count {
            case 3:
                if numbers[0].count == 4 {  // 2026-05-31
                    (y, m, d) = (fullYear(numbers[0]), Int(numbers[1]), Int(numbers[2]))
                } else {  // 5/31/2026; 31/5/2026 when the first number cannot be a month (day-first locales)
                    guard numbers[0].count <= 2, numbers[1].count <= 2 else { return nil }
                    (m, d, y) = (Int(numbers[0]), Int(numbers[1]), fullYear(numbers[2]))
                    if let first = m, first > 12, let second = d, second <= 12 { (m, d) = (second, first) }
                }
            case 2:
                if numbers[0].count == 4 {  // 2026/5
                    (y, m, d) = (fullYear(numbers[0]), Int(numbers[1]), 1)
                } else if let a = Int(numbers[0]), numbers[0].count <= 2, let b = Int(numbers[1]), numbers[1].count <= 2,
                          (1...12).contains(a), b >= 1, b <= ExcelDate.daysInMonth(year: currentYear(), month: a, date1904: date1904) {
                    (m, d, y) = (a, b, currentYear())  // 5/31
                } else if let a = Int(numbers[0]), numbers[0].count <= 2, a > 12, let b = Int(numbers[1]), numbers[1].count <= 2,
                          (1...12).contains(b), a <= ExcelDate.daysInMonth(year: currentYear(), month: b, date1904: date1904) {
                    (m, d, y) = (b, a, currentYear())  // 31/5, day first
                } else {
                    (m, d, y) = (Int(numbers[0]), 1, fullYear(numbers[1]))  // 5/2026
                }
            default: return nil
            }
        }
        guard let year = y, let mo = m, let day = d, (1...12).contains(mo), year >= 1900, year <= 9999,
              day >= 1, day <= ExcelDate.daysInMonth(year: year, month: mo, date1904: date1904) else { return nil }
        let serial = ExcelDate.extendedSerial(year: year, month: mo, day: day, date1904: date1904)
        guard serial >= 0, serial <= ExcelDate.maxSerial(date1904: date1904) else { return nil }
        return serial
    }
}
