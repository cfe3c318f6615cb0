import Foundation

extension WorkbookGenerator {
    static var templateFiles: [(String, (URL) throws -> Void)] { [] }
}
