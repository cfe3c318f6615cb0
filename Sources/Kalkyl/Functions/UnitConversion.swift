/// CONVERT's units: each is a quantity kind and its size in the kind's base unit (gram, metre,
/// second, pascal, newton, joule, watt, tesla, kelvin, cubic metre, square metre, bit, metre per
/// second). Units marked `prefixed` take the decimal prefixes (k, M, m, …); information units also
/// take the binary ones (ki, Mi, …). Squared and cubed length units take the prefix squared or cubed.
enum UnitConversion {
    enum Kind { case mass, length, time, pressure, force, energy, power, magnetism, temperature, volume, area, information, speed }

    struct Unit {
        let kind: Kind
        let size: Double
        let prefixed: Bool
        /// The power the prefix is raised to (2 for m2, 3 for m3).
        let dimension: Double
    }

    private static func table() -> [String: Unit] {
        var t: [String: Unit] = [:]
        func add(_ kind: Kind, _ names: [String], _ size: Double, prefixed: Bool = false, dimension: Double = 1) {
            for n in names { t[n] = Unit(kind: kind, size: size, prefixed: prefixed, dimension: dimension) }
        }
        // Mass (gram)
        add(.mass, ["g"], 1, prefixed: true)
        add(.mass, ["sg"], 14593.902937206364)
        add(.mass, ["lbm"], 453.59237)
        add(.mass, ["u"], 1.660538782e-24, prefixed: true)
        add(.mass, ["ozm"], 28.349523125)
        add(.mass, ["grain"], 0.06479891)
        add(.mass, ["cwt", "shweight"], 45359.237)
        add(.mass, ["uk_cwt", "lcwt", "hweight"], 50802.34544)
        add(.mass, ["stone"], 6350.29318)
        add(.mass, ["ton"], 907184.74)
        add(.mass, ["uk_ton", "LTON", "brton"], 1016046.9088)
        // Length (metre)
        add(.length, ["m"], 1, prefixed: true)
        add(.length, ["mi"], 1609.344)
        add(.length, ["Nmi"], 1852)
        add(.length, ["in"], 0.0254)
        add(.length, ["ft"], 0.3048)
        add(.length, ["yd"], 0.9144)
        add(.length, ["ang"], 1e-10, prefixed: true)
        add(.length, ["ell"], 1.143)
        add(.length, ["ly"], 9460730472580800, prefixed: true)
        add(.length, ["parsec", "pc"], 30856775812815500, prefixed: true)
        add(.length, ["Picapt", "Pica"], 0.0254 / 72)
        add(.length, ["pica"], 0.0254 / 6)
        add(.length, ["survey_mi"], 1609.3472186944373)
        // Time (second)
        add(.time, ["yr"], 31557600)
        add(.time, ["day", "d"], 86400)
        add(.time, ["hr"], 3600)
        add(.time, ["mn", "min"], 60)
        add(.time, ["sec", "s"], 1, prefixed: true)
        // Pressure (pascal)
        add(.pressure, ["Pa", "p"], 1, prefixed: true)
        add(.pressure, ["atm", "at"], 101325, prefixed: true)
        add(.pressure, ["mmHg"], 133.322, prefixed: true)
        add(.pressure, ["psi"], 6894.757293168361)
        add(.pressure, ["Torr"], 101325.0 / 760)
        // Force (newton)
        add(.force, ["N"], 1, prefixed: true)
        add(.force, ["dyn", "dy"], 1e-5, prefixed: true)
        add(.force, ["lbf"], 4.4482216152605)
        add(.force, ["pond"], 0.00980665, prefixed: true)
        // Energy (joule)
        add(.energy, ["J"], 1, prefixed: true)
        add(.energy, ["e"], 1e-7, prefixed: true)
        add(.energy, ["c"], 4.184, prefixed: true)
        add(.energy, ["cal"], 4.1868, prefixed: true)
        add(.energy, ["eV", "ev"], 1.602176487e-19, prefixed: true)
        add(.energy, ["HPh", "hh"], 2684519.537696173)
        add(.energy, ["Wh", "wh"], 3600, prefixed: true)
        add(.energy, ["flb"], 1.3558179483314)
        add(.energy, ["BTU", "btu"], 1055.05585262)
        // Power (watt)
        add(.power, ["HP", "h"], 745.6998715822702)
        add(.power, ["PS"], 735.49875)
        add(.power, ["W", "w"], 1, prefixed: true)
        // Magnetism (tesla)
        add(.magnetism, ["T"], 1, prefixed: true)
        add(.magnetism, ["ga"], 1e-4, prefixed: true)
        // Temperature (kelvin; the scales are converted by formula)
        add(.temperature, ["C", "cel"], 1)
        add(.temperature, ["F", "fah"], 1)
        add(.temperature, ["K", "kel"], 1, prefixed: true)
        add(.temperature, ["Rank"], 1)
        add(.temperature, ["Reau"], 1)
        // Volume (cubic metre)
        add(.volume, ["tsp"], 4.92892159375e-6)
        add(.volume, ["tspm"], 5e-6)
        add(.volume, ["tbs"], 1.478676478125e-5)
        add(.volume, ["oz"], 2.95735295625e-5)
        add(.volume, ["cup"], 2.365882365e-4)
        add(.volume, ["pt", "us_pt"], 4.73176473e-4)
        add(.volume, ["uk_pt"], 5.6826125e-4, prefixed: true)
        add(.volume, ["qt"], 9.46352946e-4)
        add(.volume, ["uk_qt"], 1.1365225e-3)
        add(.volume, ["gal"], 3.785411784e-3)
        add(.volume, ["uk_gal"], 4.54609e-3)
        add(.volume, ["l", "L", "lt"], 1e-3, prefixed: true)
        add(.volume, ["ang3", "ang^3"], 1e-30, prefixed: true, dimension: 3)
        add(.volume, ["barrel"], 0.158987294928)
        add(.volume, ["bushel"], 0.03523907016688)
        add(.volume, ["ft3", "ft^3"], 0.028316846592)
        add(.volume, ["in3", "in^3"], 1.6387064e-5)
        add(.volume, ["ly3", "ly^3"], 9460730472580800.0 * 9460730472580800.0 * 9460730472580800.0)
        add(.volume, ["m3", "m^3"], 1, prefixed: true, dimension: 3)
        add(.volume, ["mi3", "mi^3"], 1609.344 * 1609.344 * 1609.344)
        add(.volume, ["yd3", "yd^3"], 0.764554857984)
        add(.volume, ["Nmi3", "Nmi^3"], 1852.0 * 1852 * 1852)
        add(.volume, ["Picapt3", "Picapt^3", "Pica3", "Pica^3"], (0.0254 / 72) * (0.0254 / 72) * (0.0254 / 72))
        add(.volume, ["GRT", "regton"], 2.8316846592)
        add(.volume, ["MTON"], 1.13267386368)
        // Area (square metre)
        add(.area, ["uk_acre"], 4046.8564224)
        add(.area, ["us_acre"], 4046.872609874252)
        add(.area, ["ang2", "ang^2"], 1e-20, prefixed: true, dimension: 2)
        add(.area, ["ar"], 100, prefixed: true)
        add(.area, ["ft2", "ft^2"], 0.09290304)
        add(.area, ["ha"], 10000)
        add(.area, ["in2", "in^2"], 6.4516e-4)
        add(.area, ["ly2", "ly^2"], 9460730472580800.0 * 9460730472580800.0)
        add(.area, ["m2", "m^2"], 1, prefixed: true, dimension: 2)
        add(.area, ["Morgen"], 2500)
        add(.area, ["mi2", "mi^2"], 1609.344 * 1609.344)
        add(.area, ["Nmi2", "Nmi^2"], 1852.0 * 1852)
        add(.area, ["Picapt2", "Pica2", "Pica^2", "Picapt^2"], (0.0254 / 72) * (0.0254 / 72))
        add(.area, ["yd2", "yd^2"], 0.83612736)
        // Information (bit)
        add(.information, ["bit"], 1, prefixed: true)
        add(.information, ["byte"], 8, prefixed: true)
        // Speed (metre per second)
        add(.speed, ["admkn"], 1853.184 / 3600)
        add(.speed, ["kn"], 1852.0 / 3600)
        add(.speed, ["m/h", "m/hr"], 1.0 / 3600, prefixed: true)
        add(.speed, ["m/s", "m/sec"], 1, prefixed: true)
        add(.speed, ["mph"], 0.44704, prefixed: true)
        return t
    }

    static let units: [String: Unit] = table()

    static let decimalPrefixes: [String: Double] = [
        "Y": 1e24, "Z": 1e21, "E": 1e18, "P": 1e15, "T": 1e12, "G": 1e9, "M": 1e6, "k": 1e3, "h": 1e2,
        "da": 1e1, "e": 1e1, "d": 1e-1, "c": 1e-2, "m": 1e-3, "u": 1e-6, "n": 1e-9, "p": 1e-12, "f": 1e-15,
        "a": 1e-18, "z": 1e-21, "y": 1e-24,
    ]

    static let binaryPrefixes: [String: Double] = [
        "Yi": 0x1p80, "Zi": 0x1p70, "Ei": 0x1p60, "Pi": 0x1p50, "Ti": 0x1p40, "Gi": 0x1p30, "Mi": 0x1p20, "ki": 0x1p10,
    ]

    /// The readings of a unit name: the unit itself, or a prefix and a unit that takes prefixes
    /// ("pc" is a parsec, or a picocalorie where an energy is wanted).
    static func readings(_ name: String) -> [(unit: Unit, base: String, factor: Double)] {
        var out: [(unit: Unit, base: String, factor: Double)] = []
        if let u = units[name] { out.append((u, name, 1)) }
        for length in [2, 1] where name.count > length {
            let p = String(name.prefix(length)), rest = String(name.dropFirst(length))
            guard let u = units[rest], u.prefixed else { continue }
            if let f = decimalPrefixes[p] { out.append((u, rest, pow(f, u.dimension))) }
            if u.kind == .information, let f = binaryPrefixes[p] { out.append((u, rest, f)) }
        }
        return out
    }

    /// CONVERT(number, from, to); nil when the units are unknown or of different kinds (#N/A).
    static func convert(_ x: Double, from: String, to: String) -> Double? {
        let froms = readings(from), tos = readings(to)
        for a in froms {
            for b in tos where a.unit.kind == b.unit.kind {
                if a.unit.kind == .temperature {
                    let kelvin = toKelvin(x * a.factor, a.base)
                    return fromKelvin(kelvin, b.base) / b.factor
                }
                return x * (a.unit.size * a.factor) / (b.unit.size * b.factor)
            }
        }
        return nil
    }

    private static func toKelvin(_ x: Double, _ unit: String) -> Double {
        switch unit {
        case "C", "cel": x + 273.15
        case "F", "fah": (x - 32) * 5 / 9 + 273.15
        case "Rank": x * 5 / 9
        case "Reau": x * 5 / 4 + 273.15
        default: x
        }
    }

    private static func fromKelvin(_ k: Double, _ unit: String) -> Double {
        switch unit {
        case "C", "cel": k - 273.15
        case "F", "fah": (k - 273.15) * 9 / 5 + 32
        case "Rank": k * 9 / 5
        case "Reau": (k - 273.15) * 4 / 5
        default: k
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
