// Deterministic randomness and exact splitting for the sample data: the same bytes on every run
// and every platform (integer arithmetic and IEEE +−×÷ only, no libm).

/// SplitMix64 (Steele, Lea and Flood): a tiny seeded generator, good enough for plausible noise.
struct SampleRandom {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    /// A generator of its own for one part of the data, so that changing one part leaves the
    /// numbers of every other part as they were.
    init(_ keys: Int...) {
        var s: UInt64 = 0x4B61_6C6B_796C_2026  // "Kalkyl" 2026
        for key in keys {
            s = (s ^ UInt64(bitPattern: Int64(key))) &* 0x9E37_79B9_7F4A_7C15
            s ^= s >> 29
        }
        state = s
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// A factor in [1 − spread, 1 + spread).
    mutating func around(_ spread: Double) -> Double { 1 - spread + 2 * spread * unit() }
}

enum SampleSplit {
    /// Splits `total` into parts proportional to `weights` that add up to exactly `total`:
    /// each part is rounded down and the units left over go to the largest remainders (the
    /// earlier part on a tie). The sign of `total` is carried by every part.
    static func split(_ total: Int64, weights: [Double]) -> [Int64] {
        precondition(!weights.isEmpty && weights.allSatisfy { $0 >= 0 })
        let sum = weights.reduce(0, +)
        precondition(sum > 0)
        let magnitude = total.magnitude
        var parts: [Int64] = []
        var remainders: [(fraction: Double, index: Int)] = []
        for (i, w) in weights.enumerated() {
            let exact = Double(magnitude) * (w / sum)
            let whole = exact.rounded(.down)
            parts.append(Int64(whole))
            remainders.append((exact - whole, i))
        }
        var left = Int64(magnitude) - parts.reduce(0, +)
        remainders.sort { $0.fraction != $1.fraction ? $0.fraction > $1.fraction : $0.index < $1.index }
        var k = 0
        while left > 0 {
            parts[remainders[k % remainders.count].index] += 1
            left -= 1
            k += 1
        }
        while left < 0 {  // only if rounding ever overshot: take back from the smallest remainders
            let i = remainders[remainders.count - 1 - k % remainders.count].index
            if parts[i] > 0 { parts[i] -= 1; left += 1 }
            k += 1
        }
        return total < 0 ? parts.map { -$0 } : parts
    }

    /// Rounds half away from zero, as Excel does.
    static func round(_ x: Double) -> Int64 {
        Int64(x < 0 ? -((-x + 0.5).rounded(.down)) : (x + 0.5).rounded(.down))
    }
}
