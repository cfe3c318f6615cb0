/// Turning captured character data into values.
enum XMLValueText {
    /// UTF-8 text with OOXML's `_xHHHH_` escapes decoded (`_x000D_` is a carriage return,
    /// `_x005F_` a literal underscore).
    static func string(_ bytes: [UInt8]) -> String {
        let raw = String(decoding: bytes, as: UTF8.self)
        guard bytes.count >= 7, bytes.contains(UInt8(ascii: "_")) else { return raw }
        return unescape(raw)
    }

    static func unescape(_ text: String) -> String {
        guard text.contains("_x") || text.contains("_X") else { return text }
        var units: [UInt16] = []
        let source = Array(text.utf16)
        units.reserveCapacity(source.count)
        var i = 0
        while i < source.count {
            if source[i] == 0x5F, i + 6 < source.count, source[i + 1] | 0x20 == 0x78, source[i + 6] == 0x5F,
               let value = hex4(source[(i + 2)..<(i + 6)]) {
                units.append(value)
                i += 7
            } else {
                units.append(source[i])
                i += 1
            }
        }
        return String(decoding: units, as: UTF16.self)
    }

    private static func hex4(_ digits: ArraySlice<UInt16>) -> UInt16? {
        var value: UInt16 = 0
        for d in digits {
            let v: UInt16
            switch d {
            case 0x30...0x39: v = d - 0x30
            case 0x41...0x46: v = d - 0x41 + 10
            case 0x61...0x66: v = d - 0x61 + 10
            default: return nil
            }
            value = value * 16 + v
        }
        return value
    }

    /// An xsd:double as Excel writes it ("12", "-0.5", "1.2E-3"); surrounding white space allowed.
    static func double(_ bytes: [UInt8]) -> Double? {
        var start = 0, end = bytes.count
        while start < end, bytes[start] <= 0x20 { start += 1 }
        while end > start, bytes[end - 1] <= 0x20 { end -= 1 }
        guard start < end else { return nil }
        // Fast path: a plain integer of up to 15 digits is exact as a Double.
        var i = start
        var negative = false
        if bytes[i] == UInt8(ascii: "-") { negative = true; i += 1 }
        if end - i > 0 && end - i <= 15 {
            var n: Int64 = 0
            var ok = true
            for k in i..<end {
                let d = bytes[k] &- 0x30
                if d > 9 { ok = false; break }
                n = n * 10 + Int64(d)
            }
            if ok { return negative ? -Double(n) : Double(n) }
        }
        let text = String(decoding: bytes[start..<end], as: UTF8.self)
        switch text {
        case "INF": return .infinity
        case "-INF": return -.infinity
        case "NaN": return .nan
        default: return Double(text)
        }
    }

    static func int(_ bytes: [UInt8]) -> Int? {
        var n = 0
        var any = false
        for b in bytes {
            if b <= 0x20 { if any { break } else { continue } }
            let d = Int(b) - 0x30
            guard d >= 0 && d <= 9, n < Int.max / 10 - 10 else { return nil }
            n = n * 10 + d
            any = true
        }
        return any ? n : nil
    }
}
