import Foundation
import WorkbookGenerator

// kalkyl-workbooks [FOLDER]: writes templates/ and data/ under FOLDER (default: Workbooks).
let folder = CommandLine.arguments.dropFirst().first ?? "Workbooks"
do {
    for path in try WorkbookGenerator.writeAll(into: URL(fileURLWithPath: folder)) {
        print(path)
    }
} catch {
    FileHandle.standardError.write(Data("kalkyl-workbooks: \(error)\n".utf8))
    exit(1)
}
