import ArgumentParser
import Foundation
import KalkylXLSX

/// A failure reported as one line on stderr with a non-zero exit, without a stack of context.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

func loadWorkbook(_ path: String) throws -> WorkbookModel {
    do {
        let model = try XLSXReader.read(path)
        for warning in model.warnings {
            FileHandle.standardError.write(Data("warning: \(path): \(warning)\n".utf8))
        }
        return model
    } catch let error as XLSXError {
        var e = error
        e.file = path
        throw CommandFailure(e.description)
    }
}

func jsonText(_ value: some Encodable) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(value), as: UTF8.self)
}
