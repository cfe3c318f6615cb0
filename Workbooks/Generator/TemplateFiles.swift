import Foundation

extension WorkbookGenerator {
    /// The report templates shipped in `Workbooks/templates/`, each built in code
    /// (`Template*.swift`) and written with its sample row calculated.
    static var templateFiles: [(String, (URL) throws -> Void)] {
        [
            ("templates/intakter-kostnader.xlsx", IntakterKostnaderTemplate.write(to:)),
            ("templates/bemanning.xlsx", BemanningTemplate.write(to:)),
            ("templates/vardstatistik.xlsx", VardstatistikTemplate.write(to:)),
        ]
    }
}
