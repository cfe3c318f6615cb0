/// Date serial numbers as Excel counts them.
///
/// In the 1900 system serial 1 is 1900-01-01 and serial 60 is the 29 February 1900 that never was
/// (Lotus 1-2-3's leap-year bug, kept for compatibility); from serial 61 (1900-03-01) on, serials
/// count real days. In the 1904 system serial 0 is 1904-01-01.
public enum ExcelDate {
    /// Serial of a calendar date (proleptic Gregorian), or nil before the system's first day.
    public static func serial(year: Int, month: Int, day: Int, date1904: Bool = false) -> Int? {
        let days = daysFromCivil(year: year, month: month, day: day)
        if date1904 {
            let serial = days - daysFromCivil(year: 1904, month: 1, day: 1)
            return serial >= 0 ? serial : nil
        }
        let serial = days - daysFromCivil(year: 1899, month: 12, day: 30)
        if serial >= 61 { return serial }
        // Before 1900-03-01 Excel's serials are one less than real days since 1899-12-30.
        let early = serial - 1
        return early >= 0 ? early : nil
    }

    /// Calendar date of a serial's whole part; serial 60 in the 1900 system is 1900-02-29.
    public static func civil(serial: Int, date1904: Bool = false) -> (year: Int, month: Int, day: Int) {
        if date1904 {
            return civilFromDays(serial + daysFromCivil(year: 1904, month: 1, day: 1))
        }
        if serial == 60 { return (1900, 2, 29) }
        if serial < 60 {
            return serial == 0 ? (1900, 1, 0) : civilFromDays(serial - 1 + daysFromCivil(year: 1900, month: 1, day: 1))
        }
        return civilFromDays(serial + daysFromCivil(year: 1899, month: 12, day: 30))
    }

    /// The largest serial (9999-12-31 in the 1900 system; the 1904 system stops at the same day).
    public static func maxSerial(date1904: Bool) -> Int { date1904 ? 2_957_003 : 2_958_465 }

    /// Serial of a date in Excel's own calendar, where 1900 is a leap year in the 1900 system; the
    /// day may lie outside its month (DATE(2026,1,0) is 2025-12-31) and the result may be negative.
    public static func extendedSerial(year: Int, month: Int, day: Int, date1904: Bool = false) -> Int {
        let total = year * 12 + (month - 1)
        let y = Int((Double(total) / 12).rounded(.down)), m = total - y * 12 + 1
        let firstDays = daysFromCivil(year: y, month: m, day: 1)
        var first: Int
        if date1904 {
            first = firstDays - daysFromCivil(year: 1904, month: 1, day: 1)
        } else {
            first = firstDays - daysFromCivil(year: 1899, month: 12, day: 30)
            if first < 61 { first -= 1 }  // before 1900-03-01, one less (the phantom 29 February)
        }
        return first + day - 1
    }

    /// Calendar date of any serial (also negative ones, as days before the system's start); serial
    /// 0 in the 1900 system is 1899-12-31 here (`civil` calls it 1900-01-00).
    public static func extendedCivil(serial: Int, date1904: Bool = false) -> (year: Int, month: Int, day: Int) {
        if date1904 { return civilFromDays(serial + daysFromCivil(year: 1904, month: 1, day: 1)) }
        if serial == 60 { return (1900, 2, 29) }
        if serial < 60 { return civilFromDays(serial + daysFromCivil(year: 1899, month: 12, day: 31)) }
        return civilFromDays(serial + daysFromCivil(year: 1899, month: 12, day: 30))
    }

    /// Days in a month of Excel's calendar: February 1900 has 29 days in the 1900 system.
    public static func daysInMonth(year: Int, month: Int, date1904: Bool = false) -> Int {
        switch month {
        case 2:
            if year == 1900 && !date1904 { return 29 }
            return isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    public static func isLeapYear(_ year: Int) -> Bool { (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 }

    /// Day of the week of a serial, 0 = Sunday … 6 = Saturday, as Excel counts (serial 1 is a Sunday).
    public static func weekday(serial: Int, date1904: Bool = false) -> Int {
        let s = serial + (date1904 ? 1462 : 0)
        return ((s + 6) % 7 + 7) % 7
    }

    /// Reads an ISO 8601 date-time as written in `t="d"` cells ("2026-05-31", "2026-05-31T13:30:00",
    /// "13:30:00") and gives its serial with the time as a fraction.
    public static func serial(iso8601 text: String, date1904: Bool = false) -> Double? {
        var datePart = Substring(text)
        var timePart: Substring? = nil
        if let t = text.firstIndex(where: { $0 == "T" || $0 == " " }) {
            datePart = text[..<t]
            timePart = text[text.index(after: t)...]
        } else if text.contains(":") {
            datePart = ""
            timePart = Substring(text)
        }
        var serialDays = 0.0
        if !datePart.isEmpty {
            let pieces = datePart.split(separator: "-")
            guard pieces.count == 3, let y = Int(pieces[0]), let m = Int(pieces[1]), let d = Int(pieces[2]),
                  (1...12).contains(m), (1...31).contains(d),
                  let s = serial(year: y, month: m, day: d, date1904: date1904) else { return nil }
            serialDays = Double(s)
        }
        if var time = timePart {
            if let z = time.firstIndex(where: { $0 == "Z" || $0 == "+" }) { time = time[..<z] }
            let pieces = time.split(separator: ":")
            guard pieces.count >= 2, let h = Double(pieces[0]), let mi = Double(pieces[1]) else { return nil }
            let s = pieces.count > 2 ? Double(pieces[2]) ?? 0 : 0
            serialDays += (h * 3600 + mi * 60 + s) / 86400
        }
        return serialDays
    }

    // Howard Hinnant's days-from-civil algorithm, exact for the proleptic Gregorian calendar.
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    static func civilFromDays(_ z0: Int) -> (year: Int, month: Int, day: Int) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }
}
