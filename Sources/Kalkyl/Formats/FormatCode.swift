#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A parsed number format code. Handles the common cases: General, digits with `0` `#` `?`,
/// thousands separators, percent, scientific, literal text, and dates and times.
struct FormatCode {
    let code: String

    init(_ code: String) { self.code = code }

    static func sections(_ code: String) -> [String] {
        var sections: [String] = []
        var current = ""
        var inQuote = false
        var escaped = false
        for ch in code {
            if escaped { current.append(ch); escaped = false; continue }
            if ch == "\\" { current.append(ch); escaped = true; continue }
            if ch == "\"" { inQuote.toggle() }
            if ch == ";" && !inQuote { sections.append(current); current = ""; continue }
            current.append(ch)
        }
        sections.append(current)
        return sections
    }

    func format(_ value: Double, date1904: Bool) -> String? {
        let sections = Self.sections(code)
        var section = sections[0]
        var v = value
        if sections.count >= 2 && value < 0 { section = sections[1]; v = -value }
        else if sections.count >= 3 && value == 0 { section = sections[2] }
        section = Self.stripBrackets(section)
        if section.lowercased() == "general" || section.isEmpty { return (value < 0 && sections.count >= 2 ? "-" : "") + NumberText.general(v) }
        if NumberFormat.isDate(code: section) { return DateFormatCode.format(v, code: section, date1904: date1904) }
        return Self.formatNumber(v, section)
    }

    /// Removes colour and condition brackets (`[Red]`, `[<100]`) but keeps elapsed-time ones.
    static func stripBrackets(_ s: String) -> String {
        var out = ""
        var inBracket = false
        var bracket = ""
        for ch in s {
            if inBracket {
                if ch == "]" {
                    inBracket = false
                    let lower = bracket.lowercased()
                    if ["h", "hh", "m", "mm", "s", "ss"].contains(lower) { out += "[\(bracket)]" }
                } else { bracket.append(ch) }
                continue
            }
            if ch == "[" { inBracket = true; bracket = ""; continue }
            out.append(ch)
        }
        return out
    }

    /// Digit placeholders with literal text around them.
    static func formatNumber(_ value: Double, _ section: String) -> String {
        var literalPrefix = "", literalSuffix = "", pattern = ""
        var seenDigits = false
        var chars = Array(section)[...]
        var percentCount = 0
        var inPattern = false
        while let ch = chars.first {
            chars = chars.dropFirst()
            switch ch {
            case "\"":
                var lit = ""
                while let c = chars.first, c != "\"" { lit.append(c); chars = chars.dropFirst() }
                chars = chars.dropFirst()
                if seenDigits { literalSuffix += lit } else { literalPrefix += lit }
            case "\\":
                if let c = chars.first { if seenDigits { literalSuffix.append(c) } else { literalPrefix.append(c) }; chars = chars.dropFirst() }
            case "_":
                if !chars.isEmpty { chars = chars.dropFirst() }
                if seenDigits { literalSuffix += " " } else { literalPrefix += " " }
            case "*":
                if !chars.isEmpty { chars = chars.dropFirst() }
            case "0", "#", "?", ".", ",", "E", "e", "+", "-" where inPattern || "0#?.".contains(ch):
                if ch == "-" && !inPattern { literalPrefix.append(ch); continue }
                pattern.append(ch); seenDigits = true; inPattern = true
            case "%":
                percentCount += 1
                if seenDigits { literalSuffix += "%" } else { literalPrefix += "%" }
            default:
                if inPattern && (ch == "+" || ch == "-") { pattern.append(ch); continue }
                inPattern = false
                if seenDigits { literalSuffix.append(ch) } else { literalPrefix.append(ch) }
            }
        }
        var v = value
        for _ in 0..<percentCount { v *= 100 }
        if pattern.isEmpty { return literalPrefix + literalSuffix }
        // Trailing commas scale by thousands.
        while pattern.hasSuffix(",") { pattern.removeLast(); v /= 1000 }
        let upper = pattern.uppercased()
        if let e = upper.firstIndex(of: "E") {
            let mantissa = String(pattern[..<e])
            let decimals = mantissa.split(separator: ".", omittingEmptySubsequences: false).dropFirst().first.map { $0.count } ?? 0
            var exponent = v == 0 ? 0 : Int(floor(log10(abs(v))))
            var m = v / pow(10, Double(exponent))
            if (m * pow(10, Double(decimals))).rounded() / pow(10, Double(decimals)) >= 10 { exponent += 1; m /= 10 }
            let expDigits = pattern[pattern.index(after: e)...].filter { $0 == "0" }.count
            let sign = exponent < 0 ? "-" : (pattern[pattern.index(after: e)...].first == "+" ? "+" : "")
            let expText = String(abs(exponent))
            return literalPrefix + digits(m, decimals: decimals, minimumIntegerDigits: 1, grouping: false)
                + "E" + sign + String(repeating: "0", count: max(0, expDigits - expText.count)) + expText + literalSuffix
        }
        let parts = pattern.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let integerPattern = String(parts[0])
        let fraction = parts.count > 1 ? String(parts[1]) : ""
        let decimals = fraction.filter { "0#?".contains($0) }.count
        let minDecimals = fraction.filter { $0 == "0" }.count
        let grouping = integerPattern.contains(",")
        let minInt = integerPattern.filter { $0 == "0" }.count
        var text = digits(v, decimals: decimals, minimumIntegerDigits: minInt, grouping: grouping)
        // Optional decimals (#) drop trailing zeros.
        if decimals > minDecimals, text.contains(".") {
            var removable = decimals - minDecimals
            while removable > 0, text.hasSuffix("0") { text.removeLast(); removable -= 1 }
            if text.hasSuffix(".") && minDecimals == 0 && !pattern.hasSuffix(".") { text.removeLast() }
        }
        return literalPrefix + text + literalSuffix
    }

    /// `value` with a fixed number of decimals, rounded half away from zero on 15-digit precision.
    static func digits(_ value: Double, decimals: Int, minimumIntegerDigits: Int, grouping: Bool) -> String {
        let negative = value < 0
        let factor = pow(10.0, Double(decimals))
        let cleaned = Double(NumberText.format15(abs(value))) ?? abs(value)
        let scaled = (cleaned * factor).rounded(.toNearestOrAwayFromZero)
        var integerPart = (scaled / factor).rounded(.towardZero)
        var fractionPart = scaled - integerPart * factor
        if fractionPart < 0 { fractionPart = 0 }
        if integerPart < 0 { integerPart = 0 }
        var intText = integerPart < 1e15 ? String(Int64(integerPart)) : String(format15Integer(integerPart))
        if intText == "0" && minimumIntegerDigits == 0 { intText = "" }
        while intText.count < minimumIntegerDigits { intText = "0" + intText }
        if grouping && intText.count > 3 {
            var grouped = ""
            for (i, ch) in intText.reversed().enumerated() {
                if i > 0 && i % 3 == 0 { grouped.append(",") }
                grouped.append(ch)
            }
            intText = String(grouped.reversed())
        }
        var out = intText
        if decimals > 0 {
            var frac = String(Int64(fractionPart.rounded()))
            while frac.count < decimals { frac = "0" + frac }
            out += "." + frac
        }
        let isZero = out.allSatisfy { $0 == "0" || $0 == "." || $0 == "," }
        return (negative && !isZero ? "-" : "") + out
    }

    private static func format15Integer(_ v: Double) -> String {
        var buffer = [CChar](repeating: 0, count: 64)
        _ = withVaList([v]) { vsnprintf(&buffer, buffer.count, "%.0f", $0) }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// Date and time codes: y, m, d, h, s, AM/PM, elapsed [h].
enum DateFormatCode {
    static let monthNames = ["January", "February", "March", "April", "May", "June", "July", "August",
                             "September", "October", "November", "December"]
    static let dayNames = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]

    static func format(_ serial: Double, code: String, date1904: Bool) -> String? {
        guard serial >= 0, serial < 2_958_466 else { return nil }
        var day = Int(serial.rounded(.down))
        var seconds = ((serial - Double(day)) * 86400).rounded()
        if seconds >= 86400 { day += 1; seconds -= 86400 }
        let (y, mo, d) = ExcelDate.civil(serial: day, date1904: date1904)
        let weekday = ((date1904 ? day + 1462 : day) + 6) % 7  // serial 1 (1900-01-01) was a Sunday in Excel's count
        let h = Int(seconds) / 3600, mi = (Int(seconds) % 3600) / 60, s = Int(seconds) % 60
        let lower = code.lowercased()
        let hasAMPM = lower.contains("am/pm") || lower.contains("a/p")
        var out = ""
        let chars = Array(code)
        var i = 0
        var lastWasHour = false
        func run(_ c: Character) -> Int {
            var n = 0
            while i + n < chars.count, chars[i + n].lowercased() == String(c) { n += 1 }
            return n
        }
        while i < chars.count {
            let ch = chars[i]
            let lc = Character(ch.lowercased())
            switch lc {
            case "y":
                let n = run("y")
                out += n <= 2 ? String(format2(y % 100)) : String(y)
                i += n
            case "m":
                let n = run("m")
                // m after h (or before s) is minutes.
                let rest = String(chars[(i + n)...]).lowercased().drop { $0 == " " || $0 == ":" }
                if lastWasHour || (rest.hasPrefix("s") && n <= 2) {
                    out += n == 1 ? String(mi) : format2(mi)
                } else {
                    switch n {
                    case 1: out += String(mo)
                    case 2: out += format2(mo)
                    case 3: out += String(monthNames[mo - 1].prefix(3))
                    case 5: out += String(monthNames[mo - 1].prefix(1))
                    default: out += monthNames[mo - 1]
                    }
                }
                i += n
                lastWasHour = false
            case "d":
                let n = run("d")
                switch n {
                case 1: out += String(d)
                case 2: out += format2(d)
                case 3: out += String(dayNames[weekday].prefix(3))
                default: out += dayNames[weekday]
                }
                i += n
            case "h":
                let n = run("h")
                var hour = h
                if hasAMPM { hour = h % 12 == 0 ? 12 : h % 12 }
                out += n == 1 ? String(hour) : format2(hour)
                i += n
                lastWasHour = true
                continue
            case "s":
                let n = run("s")
                out += n == 1 ? String(s) : format2(s)
                i += n
            case "a" where lower.dropFirst(i).hasPrefix("am/pm"):
                out += h < 12 ? "AM" : "PM"
                i += 5
            case "a" where lower.dropFirst(i).hasPrefix("a/p"):
                out += h < 12 ? "A" : "P"
                i += 3
            case "[":
                var j = i + 1
                var inner = ""
                while j < chars.count, chars[j] != "]" { inner.append(chars[j]); j += 1 }
                switch inner.lowercased() {
                case "h", "hh": out += String(day * 24 + h)
                case "m", "mm": out += String((day * 24 + h) * 60 + mi)
                case "s", "ss": out += String(Int(serial * 86400))
                default: break
                }
                i = j + 1
            case "\"":
                var j = i + 1
                while j < chars.count, chars[j] != "\"" { out.append(chars[j]); j += 1 }
                i = j + 1
            case "\\":
                if i + 1 < chars.count { out.append(chars[i + 1]) }
                i += 2
            case "_":
                out += " "
                i += 2
            default:
                out.append(ch)
                i += 1
            }
            if lc != " " && lc != ":" { lastWasHour = lc == "h" ? lastWasHour : false }
        }
        return out
    }

    private static func format2(_ n: Int) -> String { n < 10 ? "0\(n)" : String(n) }
}
