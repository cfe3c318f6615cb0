import Foundation
import Kalkyl
import KalkylXLSX
import Testing
@testable import KalkylReports

/// The three sample reports open in LibreOffice: it renders them to PDF, and when it recalculates
/// them itself it gets Kalkyl's values. Skipped (with a message) where LibreOffice is not
/// installed; `make test-libreoffice` installs it.
@Suite struct LibreOfficeReportTests {
    static let workbooks = ReferenceReportTests.workbooks

    /// Template, inputs: what `make run` makes.
    static let reports: [(String, [String])] = [
        ("intakter-kostnader", ["huvudbok-2025.xlsx", "huvudbok-2026-jan-maj.csv"]),
        ("bemanning", ["huvudbok-2024.xlsx", "huvudbok-2025.xlsx", "huvudbok-2026-jan-maj.csv"]),
        ("vardstatistik", ["vardstatistik.csv"]),
    ]

    static func soffice() -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for folder in path.split(separator: ":") {
            for name in ["soffice", "libreoffice"] {
                let candidate = "\(folder)/\(name)"
                if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            }
        }
        return nil
    }

    /// Runs LibreOffice headless with its own profile; `recalculate` makes it recompute every
    /// formula of an .xlsx when loading it (its default is to trust the cached values).
    static func convert(_ files: [URL], to format: String, in folder: URL, recalculate: Bool) throws -> String {
        let profile = folder.appendingPathComponent(recalculate ? "profile-recalc" : "profile")
        let user = profile.appendingPathComponent("user")
        try FileManager.default.createDirectory(at: user, withIntermediateDirectories: true)
        if recalculate {
            let settings = """
                <?xml version="1.0" encoding="UTF-8"?>
                <oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
                <item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
                </oor:items>
                """
            try settings.write(to: user.appendingPathComponent("registrymodifications.xcu"), atomically: true, encoding: .utf8)
        }
        let out = folder.appendingPathComponent(format + (recalculate ? "-recalc" : ""))
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: soffice()!)
        process.arguments = ["-env:UserInstallation=file://\(profile.path)", "--headless", "--norestore",
                             "--convert-to", format, "--outdir", out.path] + files.map(\.path)
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let log = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "soffice: \(log)")
        return log
    }

    @Test func theSampleReportsRenderAndLibreOfficeComputesTheSameValues() throws {
        guard Self.soffice() != nil else {
            print("skipped: LibreOffice is not installed; `make test-libreoffice` installs it and runs this test")
            return
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kalkyl-lo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var written: [URL] = []
        var books: [String: Workbook] = [:]
        for (template, inputs) in Self.reports {
            let builder = try ReportBuilder(contentsOf: Self.workbooks.appendingPathComponent("templates/\(template).xlsx"))
            let ledger = try LedgerFiles.read(inputs.map { Self.workbooks.appendingPathComponent("data/\($0)") })
            let report = try builder.prepare(data: ledger, parameters: ReportParameters(period: Period(year: 2026, month: 5)))
            let url = folder.appendingPathComponent("\(template).xlsx")
            try report.write(to: url)
            written.append(url)
            books[template] = report.book
        }

        let pdfLog = try Self.convert(written, to: "pdf", in: folder, recalculate: false)
        #expect(!pdfLog.lowercased().contains("error"), "soffice: \(pdfLog)")
        for url in written {
            let pdf = folder.appendingPathComponent("pdf/" + url.deletingPathExtension().lastPathComponent + ".pdf")
            let head = try FileHandle(forReadingFrom: pdf).read(upToCount: 5)
            #expect(head == Data("%PDF-".utf8), "\(pdf.lastPathComponent) is not a PDF")
        }

        _ = try Self.convert(written, to: "xlsx", in: folder, recalculate: true)
        var compared = 0
        for url in written {
            let name = url.deletingPathExtension().lastPathComponent
            let kalkyl = try XLSXReader().read(url)
            let libreOffice = try XLSXReader().read(folder.appendingPathComponent("xlsx-recalc/\(name).xlsx"))
            for sheet in kalkyl.sheets {
                let theirs = try #require(libreOffice.sheet(named: sheet.name), "\(name): LibreOffice lost sheet \(sheet.name)")
                for formula in sheet.formulas {
                    let ours = sheet.value(at: formula.address)
                    let lo = theirs.value(at: formula.address)
                    compared += 1
                    #expect(Self.same(ours, lo), "\(name) \(sheet.name)!\(formula.address.a1): Kalkyl \(ours), LibreOffice \(lo)")
                }
            }
        }
        #expect(compared > 200)
    }

    static func same(_ a: CellValue, _ b: CellValue) -> Bool {
        switch (a, b) {
        case (.number(let x), .number(let y)): return x == y || abs(x - y) <= 1e-9 * max(abs(x), abs(y))
        // LibreOffice saves an empty text result as no value.
        case (.text(""), .empty), (.empty, .text("")): return true
        default: return a == b
        }
    }
}
