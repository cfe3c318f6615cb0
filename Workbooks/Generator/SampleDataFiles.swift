import Foundation

extension WorkbookGenerator {
    static var sampleDataFiles: [(String, (URL) throws -> Void)] { [] }
}
