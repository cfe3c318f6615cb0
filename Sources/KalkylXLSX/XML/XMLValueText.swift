import Foundation

/// Character data gathered over several callbacks into one reused buffer: the text of a sheet's
/// `<v>`, `<f>` and `<t>` elements, millions of short runs, where an Array's bookkeeping shows.
struct TextBuffer: ~Copyable {
    private var base: UnsafeMutablePointer<UInt8>
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int = 64) {
        self.capacity = capacity
        base = .allocate(capacity: capacity)
    }

    deinit { base.deallocate() }

    mutating func clear() { count = 0 }

    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress, bytes.count > 0 else { return }
        if count + bytes.count > capacity {
            capacity = max(count + bytes.count, 2 * capacity)
            let larger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
            larger.update(from: base, count: count)
            base.deallocate()
            base = larger
        }
        (base + count).update(from: source, count: bytes.count)
        count += bytes.count
    }

    /// The bytes gathered, valid until the buffer changes.
    var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base, count: count) }
}

/// Turning captured character data into values.
enum XMLValueText {
    /// UTF-8 text with OOXML's `_xHHHH_` escapes decoded (`_x000D_` is a carriage return,
    /// `_x005F_` a literal underscore).
    static func string(_ bytes: [UInt8]) -> String {
        bytes.withUnsafeBufferPointer { string($0) }
    }

    static func string(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
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
        bytes.withUnsafeBufferPointer { double($0) }
    }

    static func double(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        var start = 0, end = bytes.count
        while start < end, bytes[start] <= 0x20 { start += 1 }
        while end > start, bytes[end - 1] <= 0x20 { end -= 1 }
        guard start < end else { return nil }
        // Fast path: a decimal of up to 15 digits ("-2288.14") is its digits as an integer (exact
        // in a Double) divided by a power of ten (exact too), and IEEE division rounds correctly:
        // the same Double the full conversion gives.
        var i = start
        var negative = false
        if bytes[i] == UInt8(ascii: "-") { negative = true; i += 1 }
        var mantissa: Int64 = 0
        var digits = 0
        var decimals = -1  // -1: no point yet
        while i < end {
            let d = bytes[i] &- 0x30
            if d <= 9 {
                // Beyond 15 digits the full conversion decides (and the integer would overflow).
                if digits < 16 { mantissa = mantissa * 10 + Int64(d) }
                digits += 1
                if decimals >= 0 { decimals += 1 }
            } else if bytes[i] == UInt8(ascii: "."), decimals < 0 {
                decimals = 0
            } else {
                break
            }
            i += 1
        }
        if i == end, digits > 0, digits <= 15 {
            let magnitude = decimals > 0 ? Double(mantissa) / powersOfTen[decimals] : Double(mantissa)
            return negative ? -magnitude : magnitude
        }
        let text = String(decoding: bytes[start..<end], as: UTF8.self)
        switch text {
        case "INF": return .infinity
        case "-INF": return -.infinity
        case "NaN": return .nan
        default: return Double(text)
        }
    }

    private static let powersOfTen: [Double] = (0...15).map { pow(10, Double($0)) }

    static func int(_ bytes: [UInt8]) -> Int? {
        bytes.withUnsafeBufferPointer { int($0) }
    }

    static func int(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
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
