import Foundation
import Kalkyl

/// A command a template gives in a cell note: a line `kalkyl: <command> <arguments>` (see
/// docs/templates.md). Arguments are words, `"quoted text"` or `key=value`; a check's formula is
/// the rest of its line from the first unquoted `=`.
public enum TemplateCommand: Sendable, Equatable {
    public enum Order: String, Sendable { case ascending = "asc", descending = "desc", data }

    /// This cell is on the data sheet's header row.
    case data
    /// Write this row once per distinct value of a data column; the cell receives the value.
    case repeatRow(column: String, order: Order)
    /// Write this sheet once per distinct value of a data column; the cell receives the value.
    case repeatSheet(column: String, namePattern: String?)
    /// This cell must equal the formula's value within the tolerance.
    case check(label: String, tolerance: Double, formula: String)

    static let prefix = "kalkyl:"

    /// Whether a note line is a command line (and so removed from the output).
    static func isCommandLine(_ line: Substring) -> Bool {
        line.trimmingCharacters(in: .whitespaces).lowercased().hasPrefix(prefix)
    }

    /// The commands in a note's text, or the first line that is not a valid command.
    static func parse(note text: String) -> Result<[TemplateCommand], TemplateCommandError> {
        var commands: [TemplateCommand] = []
        for line in text.split(whereSeparator: \.isNewline) where isCommandLine(line) {
            let body = line.trimmingCharacters(in: .whitespaces).dropFirst(prefix.count)
            switch parse(line: String(body)) {
            case .success(let command): commands.append(command)
            case .failure(let error): return .failure(error)
            }
        }
        return .success(commands)
    }

    static func parse(line: String) -> Result<TemplateCommand, TemplateCommandError> {
        let (words, options, formula) = tokenize(line)
        func fail(_ message: String) -> Result<TemplateCommand, TemplateCommandError> {
            .failure(TemplateCommandError(command: "kalkyl:" + line, message: message))
        }
        guard let name = words.first?.lowercased() else { return fail("no command after 'kalkyl:'") }
        let rest = Array(words.dropFirst())
        switch name {
        case "data":
            return .success(.data)
        case "repeat-row", "repeatrow", "upprepa-rad":
            guard let column = rest.first else { return fail("repeat-row needs a data column, e.g. 'kalkyl: repeat-row Ansvar'") }
            let orderText = options["order"] ?? "asc"
            guard let order = Order(rawValue: orderText.lowercased()) else {
                return fail("order=\(orderText): expected asc, desc or data")
            }
            return .success(.repeatRow(column: column, order: order))
        case "repeat-sheet", "repeatsheet", "upprepa-blad":
            guard let column = rest.first else { return fail("repeat-sheet needs a data column, e.g. 'kalkyl: repeat-sheet Division'") }
            return .success(.repeatSheet(column: column, namePattern: options["name"]))
        case "check", "kontroll":
            guard let formula, !formula.isEmpty else {
                return fail("check needs a formula after '=', e.g. 'kalkyl: check \"Summa\" =SUM(Data!$G$2:$G$2)'")
            }
            var tolerance = 0.5
            if let t = options["tolerance"] ?? options["tolerans"] {
                guard let value = Double(t.replacingOccurrences(of: ",", with: ".")), value >= 0 else {
                    return fail("tolerance=\(t) is not a number")
                }
                tolerance = value
            }
            return .success(.check(label: rest.joined(separator: " "), tolerance: tolerance, formula: formula))
        default:
            return fail("unknown command '\(name)' (commands: data, repeat-row, repeat-sheet, check)")
        }
    }

    /// Words and quoted texts, `key=value` options, and a trailing formula (`=…`, without "=").
    private static func tokenize(_ line: String) -> ([String], [String: String], String?) {
        var words: [String] = []
        var options: [String: String] = [:]
        var i = line.startIndex
        func readQuoted() -> String {
            var text = ""
            i = line.index(after: i)
            while i < line.endIndex {
                if line[i] == "\"" {
                    let next = line.index(after: i)
                    if next < line.endIndex && line[next] == "\"" { text.append("\""); i = line.index(after: next); continue }
                    i = next
                    return text
                }
                text.append(line[i])
                i = line.index(after: i)
            }
            return text
        }
        while i < line.endIndex {
            let c = line[i]
            if c.isWhitespace { i = line.index(after: i); continue }
            if c == "=" { return (words, options, String(line[line.index(after: i)...]).trimmingCharacters(in: .whitespaces)) }
            if c == "\"" { words.append(readQuoted()); continue }
            var word = ""
            while i < line.endIndex, !line[i].isWhitespace, line[i] != "=" {
                word.append(line[i]); i = line.index(after: i)
            }
            if i < line.endIndex, line[i] == "=", !word.isEmpty {
                i = line.index(after: i)
                let value: String
                if i < line.endIndex, line[i] == "\"" { value = readQuoted() } else {
                    var v = ""
                    while i < line.endIndex, !line[i].isWhitespace { v.append(line[i]); i = line.index(after: i) }
                    value = v
                }
                options[word.lowercased()] = value
                continue
            }
            words.append(word)
        }
        return (words, options, nil)
    }
}

/// A note command that could not be read.
public struct TemplateCommandError: Error, Sendable, Equatable {
    public var command: String
    public var message: String
}

/// A command with the cell whose note gave it.
struct PlacedCommand {
    var sheet: String
    var address: CellAddress
    var command: TemplateCommand
}
