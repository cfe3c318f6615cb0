import Foundation

/// Date and time functions. Dates are serial numbers (see `ExcelDate`).
enum DateFunctions {
    static let all: [FunctionDefinition] = [
        .scalar("DATE", 3...3) { args, ctx in
            var parts: [Int] = []
            for a in args {
                guard case .success(let n) = Coercion.number(a) else { return errorOf(a) }
                parts.append(Int(n.rounded(.down)))
            }
            var year = parts[0]
            if year < 1900 { year += ctx.date1904 ? 1904 : 1900 }
            guard year >= 0, year < 10000 else { return .error(.number) }
            // Months and days outside their ranges carry over (DATE(2026,14,0) is 2027-01-31).
            let totalMonths = year * 12 + (parts[1] - 1)
            let y = Int((Double(totalMonths) / 12).rounded(.down)), m = totalMonths - y * 12 + 1
            guard let first = ExcelDate.serial(year: y, month: m, day: 1, date1904: ctx.date1904) else { return .error(.number) }
            var serial = first + parts[2] - 1
            // Serials up to 60 in the 1900 system include the phantom 29 February 1900.
            if !ctx.date1904, first <= 60, serial >= 60, y == 1900 && m <= 2 { serial += 1 }
            guard serial >= 0, serial <= 2_958_465 else { return .error(.number) }
            return .number(Double(serial))
        },
        .scalar("YEAR", 1...1) { args, ctx in datePart(args[0], ctx) { $0.year } },
        .scalar("MONTH", 1...1) { args, ctx in datePart(args[0], ctx) { $0.month } },
        .scalar("DAY", 1...1) { args, ctx in datePart(args[0], ctx) { $0.day } },
        .scalar("EOMONTH", 2...2) { args, ctx in monthShift(args, ctx, endOfMonth: true) },
        .scalar("EDATE", 2...2) { args, ctx in monthShift(args, ctx, endOfMonth: false) },
        FunctionDefinition("TODAY", 0...0, volatile: true) { _, ctx in
            .number(Clock.serialNow(date1904: ctx.date1904).rounded(.down))
        },
        FunctionDefinition("NOW", 0...0, volatile: true) { _, ctx in
            .number(Clock.serialNow(date1904: ctx.date1904))
        },
    ]

    /// A serial date argument: a number, or text that reads as a date.
    static func serial(_ value: CellValue) -> Result<Double, ErrorValue> {
        switch Coercion.number(value) {
        case .success(let n): return n < 0 || n > 2_958_465.999 ? .failure(.number) : .success(n)
        case .failure(let e): return .failure(e)
        }
    }

    private static func datePart(_ value: CellValue, _ ctx: EvaluationContext, _ part: ((year: Int, month: Int, day: Int)) -> Int) -> CellValue {
        switch serial(value) {
        case .failure(let e): return .error(e)
        case .success(let n): return .number(Double(part(ExcelDate.civil(serial: Int(n), date1904: ctx.date1904))))
        }
    }

    private static func monthShift(_ args: [CellValue], _ ctx: EvaluationContext, endOfMonth: Bool) -> CellValue {
        guard case .success(let start) = serial(args[0]) else { return errorOf(args[0]) }
        guard case .success(let months) = Coercion.number(args[1]) else { return errorOf(args[1]) }
        let (y, m, d) = ExcelDate.civil(serial: Int(start), date1904: ctx.date1904)
        let total = y * 12 + (m - 1) + Int(months.rounded(.towardZero))
        let ny = Int((Double(total) / 12).rounded(.down)), nm = total - ny * 12 + 1
        let last = daysInMonth(year: ny, month: nm)
        let day = endOfMonth ? last : min(d, last)
        guard let s = ExcelDate.serial(year: ny, month: nm, day: day, date1904: ctx.date1904) else { return .error(.number) }
        return .number(Double(s))
    }

    static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
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

/// Dates and times written as text, as VALUE() and arithmetic read them.
enum DateText {
    /// "2026-05-31", "5/31/2026", "31-May-2026", "May 31, 2026", "13:30", "1:30 PM", "2026-05-31 13:30".
    static func serial(from text: String, date1904: Bool = false) -> Double? {
        let s = text.trimmingCharacters(in: " ")
        guard !s.isEmpty, s.count < 40 else { return nil }
        var datePart = s
        var time = 0.0
        if let t = timeFraction(in: s) {
            time = t.fraction
            datePart = t.rest
            if datePart.isEmpty { return time }
        }
        guard let days = dateSerial(datePart, date1904: date1904) else { return nil }
        return Double(days) + time
    }

    private static func timeFraction(in s: String) -> (fraction: Double, rest: String)? {
        let words = s.split(separator: " ").map(String.init)
        guard let i = words.firstIndex(where: { $0.contains(":") }) else { return nil }
        let pieces = words[i].split(separator: ":").map(String.init)
        guard pieces.count >= 2, pieces.count <= 3, let h = Double(pieces[0]), let m = Double(pieces[1]) else { return nil }
        let sec = pieces.count == 3 ? Double(pieces[2]) ?? -1 : 0
        guard sec >= 0, m < 60, sec < 60 else { return nil }
        var hour = h
        var rest = words
        rest.remove(at: i)
        if i < rest.count, ["AM", "PM"].contains(rest[i].uppercased()) {
            guard hour >= 1 && hour <= 12 else { return nil }
            if rest[i].uppercased() == "PM" && hour < 12 { hour += 12 }
            if rest[i].uppercased() == "AM" && hour == 12 { hour = 0 }
            rest.remove(at: i)
        }
        return ((hour * 3600 + m * 60 + sec) / 86400, rest.joined(separator: " "))
    }

    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    private static func month(_ word: Substring) -> Int? {
        let w = word.lowercased()
        guard w.count >= 3 else { return nil }
        return months.firstIndex { w.hasPrefix($0) }.map { $0 + 1 }
    }

    private static func dateSerial(_ s: String, date1904: Bool) -> Int? {
        let separators: Set<Character> = ["-", "/", " ", ","]
        let parts = s.split(whereSeparator: { separators.contains($0) })
        guard parts.count == 3 || parts.count == 2 else { return nil }
        var y: Int?, m: Int?, d: Int?
        if parts.count == 3 {
            if let a = Int(parts[0]), a > 31, let b = Int(parts[1]), let c = Int(parts[2]) { (y, m, d) = (a, b, c) }  // 2026-05-31
            else if let a = Int(parts[0]), let b = Int(parts[1]), let c = Int(parts[2]) { (m, d, y) = (a, b, c) }  // 5/31/2026
            else if let a = Int(parts[0]), let b = month(parts[1]), let c = Int(parts[2]) { (d, m, y) = (a, b, c) }  // 31-May-2026
            else if let a = month(parts[0]), let b = Int(parts[1]), let c = Int(parts[2]) { (m, d, y) = (a, b, c) }  // May 31, 2026
        } else {
            let year = Calendar(identifier: .gregorian).component(.year, from: Date())
            if let a = Int(parts[0]), let b = month(parts[1]) { (d, m, y) = (a, b, year) }  // 31-May
            else if let a = month(parts[0]), let b = Int(parts[1]) {
                if b > 31 { (m, d, y) = (a, 1, b) } else { (m, d, y) = (a, b, year) }  // May-2026, May 31
            } else if let a = Int(parts[0]), let b = Int(parts[1]), a <= 12 {
                if b > 31 { (m, d, y) = (a, 1, b) } else { (m, d, y) = (a, b, year) }
            }
        }
        guard var year = y, let month = m, let day = d, (1...12).contains(month) else { return nil }
        if year < 100 { year += year < 30 ? 2000 : 1900 }
        guard day >= 1, day <= DateFunctions.daysInMonth(year: year, month: month) else { return nil }
        return ExcelDate.serial(year: year, month: month, day: day, date1904: date1904)
    }
}
