/// Kalkyl — the calculation engine.
///
/// Owns values, cell references, the formula language, the dependency graph and evaluation.
/// It must not import any file format: readers and writers (KalkylXLSX) feed it and read it.
public enum KalkylEngine {
    public static let version = "0.1.0"
}
