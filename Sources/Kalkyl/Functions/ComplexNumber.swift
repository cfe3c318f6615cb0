#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A complex number as Excel's IM… functions read and write it: text such as "3+4i", "-2.5j",
/// "i" or "1E-3-i".
struct ComplexNumber: Equatable {
    var re: Double
    var im: Double
    /// "i" or "j"; nil when the text had no imaginary unit (a real number).
    var suffix: Character?

    init(_ re: Double, _ im: Double, suffix: Character? = nil) {
        self.re = re
        self.im = im
        self.suffix = suffix
    }

    /// Reads a complex number from text; nil when the text is not one (#NUM!).
    static func parse(_ text: String) -> ComplexNumber? {
        let chars = Array(text)
        if chars.isEmpty { return ComplexNumber(0, 0) }
        var i = 0
        /// A real number at `i`: optional sign, digits with an optional point, optional exponent.
        func number() -> Double? {
            let start = i
            if i < chars.count, chars[i] == "+" || chars[i] == "-" { i += 1 }
            var digits = 0
            while i < chars.count, chars[i].isASCII, chars[i].isNumber { i += 1; digits += 1 }
            if i < chars.count, chars[i] == "." {
                i += 1
                while i < chars.count, chars[i].isASCII, chars[i].isNumber { i += 1; digits += 1 }
            }
            guard digits > 0 else { i = start; return nil }
            if i < chars.count, chars[i] == "e" || chars[i] == "E" {
                let save = i
                i += 1
                if i < chars.count, chars[i] == "+" || chars[i] == "-" { i += 1 }
                var expDigits = 0
                while i < chars.count, chars[i].isASCII, chars[i].isNumber { i += 1; expDigits += 1 }
                if expDigits == 0 { i = save }
            }
            return Double(String(chars[start..<i]))
        }
        func isUnit(_ c: Character) -> Bool { c == "i" || c == "j" }

        // First part: a real number, an imaginary number, or a bare unit.
        if let first = number() {
            if i == chars.count { return first.isFinite ? ComplexNumber(first, 0) : nil }
            if isUnit(chars[i]) {
                guard i == chars.count - 1 else { return nil }
                return ComplexNumber(0, first, suffix: chars[i])
            }
            // Second part: a signed imaginary number or a signed bare unit.
            guard chars[i] == "+" || chars[i] == "-" else { return nil }
            let negative = chars[i] == "-"
            if i + 1 < chars.count, isUnit(chars[i + 1]), i + 2 == chars.count {
                return ComplexNumber(first, negative ? -1 : 1, suffix: chars[i + 1])
            }
            guard let second = number(), i == chars.count - 1, isUnit(chars[i]) else { return nil }
            return ComplexNumber(first, second, suffix: chars[i])
        }
        // A bare unit with an optional sign: "i", "+i", "-j".
        var negative = false
        if chars[i] == "+" || chars[i] == "-" { negative = chars[i] == "-"; i += 1 }
        guard i == chars.count - 1, isUnit(chars[i]) else { return nil }
        return ComplexNumber(0, negative ? -1 : 1, suffix: chars[i])
    }

    /// The text Excel writes: real part, then the imaginary part with its sign and unit; "i" alone
    /// for a coefficient of 1; parts that are 0 left out ("0" when both are).
    func text(suffix: Character = "i") -> String {
        let unit = String(suffix)
        if im == 0 { return Self.format(re) }
        // A coefficient that reads as 1 at 15 digits is left out.
        let coefficient = Self.format(im)
        let imaginary: String
        switch coefficient {
        case "1": imaginary = unit
        case "-1": imaginary = "-" + unit
        default: imaginary = coefficient + unit
        }
        if re == 0 { return imaginary }
        return Self.format(re) + (im > 0 ? "+" : "") + imaginary
    }

    /// A number with 15 significant digits, in scientific notation when written out in full it
    /// would take more than 21 characters.
    static func format(_ x: Double) -> String {
        if x == 0 { return "0" }
        let negative = x < 0
        let sci = NumberText.format15(abs(x))  // d.dddddddddddddde±XX
        guard let ePos = sci.firstIndex(of: "e"), let exponent = Int(sci[sci.index(after: ePos)...]) else {
            return NumberText.general(x)
        }
        var mantissa = sci[..<ePos].replacingOccurrences(of: ".", with: "")
        while mantissa.count > 1, mantissa.hasSuffix("0") { mantissa.removeLast() }
        let digits = Array(mantissa)
        // Written out in full.
        var plain: String
        if exponent < 0 {
            plain = "0." + String(repeating: "0", count: -exponent - 1) + mantissa
        } else if exponent + 1 >= digits.count {
            plain = mantissa + String(repeating: "0", count: exponent + 1 - digits.count)
        } else {
            plain = String(digits[0...exponent]) + "." + String(digits[(exponent + 1)...])
        }
        if plain.count > 21 {
            let m = digits.count > 1 ? String(digits[0]) + "." + String(digits[1...]) : String(digits[0])
            let e: Int = exponent < 0 ? -exponent : exponent
            let sign: String = exponent < 0 ? "-" : "+"
            let padding: String = e < 10 ? "0" : ""
            plain = m + "E" + sign + padding + String(e)
        }
        return negative ? "-" + plain : plain
    }

    // MARK: Arithmetic

    static func + (a: ComplexNumber, b: ComplexNumber) -> ComplexNumber { ComplexNumber(a.re + b.re, a.im + b.im) }
    static func - (a: ComplexNumber, b: ComplexNumber) -> ComplexNumber { ComplexNumber(a.re - b.re, a.im - b.im) }
    static func * (a: ComplexNumber, b: ComplexNumber) -> ComplexNumber {
        ComplexNumber(a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re)
    }
    static func / (a: ComplexNumber, b: ComplexNumber) -> ComplexNumber {
        let d = b.re * b.re + b.im * b.im
        return ComplexNumber((a.re * b.re + a.im * b.im) / d, (a.im * b.re - a.re * b.im) / d)
    }

    var magnitude: Double { hypot(re, im) }
    var argument: Double { atan2(im, re) }
    var isZero: Bool { re == 0 && im == 0 }

    var exponential: ComplexNumber {
        let m = exp(re)
        return ComplexNumber(m * cos(im), m * sin(im))
    }
    var logarithm: ComplexNumber { ComplexNumber(log(magnitude), argument) }
    var sine: ComplexNumber { ComplexNumber(sin(re) * cosh(im), cos(re) * sinh(im)) }
    var cosine: ComplexNumber { ComplexNumber(cos(re) * cosh(im), -sin(re) * sinh(im)) }
    var hyperbolicSine: ComplexNumber { ComplexNumber(sinh(re) * cos(im), cosh(re) * sin(im)) }
    var hyperbolicCosine: ComplexNumber { ComplexNumber(cosh(re) * cos(im), sinh(re) * sin(im)) }

    func power(_ n: Double) -> ComplexNumber {
        let r = pow(magnitude, n), t = argument * n
        return ComplexNumber(r * cos(t), r * sin(t))
    }
}
