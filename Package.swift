// swift-tools-version:6.0
import PackageDescription

/// Release builds of the engine skip the run-time exclusivity checks (every access to a class's
/// stored property otherwise records itself in a thread-local set, a tenth of the evaluation's
/// time). Debug builds, and so the tests, keep them.
let releaseSettings: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]

let package = Package(
    name: "Kalkyl",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "Kalkyl", targets: ["Kalkyl"]),
        .library(name: "KalkylXLSX", targets: ["KalkylXLSX"]),
        .library(name: "KalkylReports", targets: ["KalkylReports"]),
        .executable(name: "kalkyl", targets: ["kalkyl"]),
        .executable(name: "kalkyl-bench", targets: ["KalkylBenchmarks"]),
        .executable(name: "kalkyl-workbooks", targets: ["WorkbookGeneratorTool"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", exact: "0.9.20"),
    ],
    targets: [
        // System-library shims: a module map and pkg-config name each, nothing else.
        .systemLibrary(
            name: "CExpat", pkgConfig: "expat",
            providers: [.apt(["libexpat1-dev"]), .brew(["expat"])]),
        .systemLibrary(name: "CLibz", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(
            name: "CXlsxWriter", pkgConfig: "xlsxwriter",
            providers: [.apt(["libxlsxwriter-dev"]), .brew(["libxlsxwriter"])]),

        // The engine: values, references, formulas, dependency graph, evaluation. No file formats.
        .target(name: "Kalkyl", swiftSettings: releaseSettings),
        // Reading and writing .xlsx workbooks.
        .target(
            name: "KalkylXLSX",
            dependencies: ["Kalkyl", "CExpat", "CLibz", "CXlsxWriter"], swiftSettings: releaseSettings),
        // Ledger input, periods, templates and the budget reports.
        .target(name: "KalkylReports", dependencies: ["Kalkyl", "KalkylXLSX"]),
        // The command-line tool: thin, calls the libraries.
        .executableTarget(
            name: "kalkyl",
            dependencies: [
                "Kalkyl", "KalkylXLSX", "KalkylReports",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        // Benchmarks: generated workloads, each phase timed separately (`swift run -c release kalkyl-bench`).
        .executableTarget(
            name: "KalkylBenchmarks",
            dependencies: [
                "Kalkyl", "KalkylXLSX", "CExpat", "CLibz", "ZIPFoundation",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Benchmarks/KalkylBenchmarks"),

        // The shipped templates and sample data in Workbooks/ are made by this code (`make workbooks`);
        // a test regenerates them and compares with the committed files.
        .target(name: "WorkbookGenerator", dependencies: ["Kalkyl", "KalkylXLSX"], path: "Workbooks/Generator"),
        .executableTarget(name: "WorkbookGeneratorTool", dependencies: ["WorkbookGenerator"], path: "Workbooks/GeneratorTool"),

        .testTarget(name: "KalkylTests", dependencies: ["Kalkyl"]),
        .testTarget(name: "KalkylReportsTests", dependencies: ["KalkylReports", "KalkylXLSX", "Kalkyl", "WorkbookGenerator"]),
        .testTarget(name: "ConformanceTests", dependencies: ["KalkylXLSX", "Kalkyl"], exclude: ["known-failures.tsv"]),
        .testTarget(
            name: "KalkylXLSXTests", dependencies: ["KalkylXLSX", "Kalkyl", "ZIPFoundation"],
            exclude: ["Expected", "libreoffice-differences.tsv"]),
    ],
    swiftLanguageModes: [.v6]
)
