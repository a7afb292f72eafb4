/// A JSON document built in code, written with its object keys in the order given.
///
/// One writer serves the command line (one line, spaced), the HTTP service (compact) and the
/// evaluation reports (indented), so every JSON FaceKit prints escapes strings the same way.
public indirect enum JSONValue: Sendable {
    case string(String)
    case number(Double)
    /// A Float written as the shortest decimal that reads back as it (0.6, not 0.6000000238418579).
    case float(Float)
    case integer(Int)
    case bool(Bool)
    case array([JSONValue])
    case object([(String, JSONValue)])
    case null
    /// Text that is already JSON (metadata stored as a JSON object), written as it is.
    case raw(String)

    /// How the text is laid out.
    public enum Layout: Sendable {
        /// No spaces: `{"a":1,"b":[1,2]}` (HTTP bodies).
        case compact
        /// One line with a space after each separator: `{"a": 1, "b": [1, 2]}` (command-line output).
        case spaced
        /// One member per line, nested by the given indent; arrays of numbers stay on one line (reports).
        case indented(String)
    }

    /// The JSON text. Non-finite numbers, which JSON cannot express, are written as `null`.
    public func rendered(_ layout: Layout = .compact) -> String {
        var text = ""
        write(into: &text, layout: layout, depth: 0)
        return text
    }

    private func write(into text: inout String, layout: Layout, depth: Int) {
        let separator: String, colon: String, indent: String?
        switch layout {
        case .compact: (separator, colon, indent) = (",", ":", nil)
        case .spaced: (separator, colon, indent) = (", ", ": ", nil)
        case .indented(let unit): (separator, colon, indent) = (",", ": ", unit)
        }
        let newline = indent.map { "\n" + String(repeating: $0, count: depth + 1) } ?? ""
        let closing = indent.map { "\n" + String(repeating: $0, count: depth) } ?? ""
        switch self {
        case .string(let string): Self.quote(string, into: &text)
        case .number(let number): text += number.isFinite ? "\(number)" : "null"
        case .float(let number): text += number.isFinite ? "\(number)" : "null"
        case .integer(let number): text += "\(number)"
        case .bool(let flag): text += flag ? "true" : "false"
        case .null: text += "null"
        case .raw(let json): text += json
        case .array(let items):
            let flat = indent == nil || items.allSatisfy(\.isNumber)
            text += "["
            for (index, item) in items.enumerated() {
                if index > 0 { text += flat && indent != nil ? ", " : separator }
                if !flat { text += newline }
                item.write(into: &text, layout: layout, depth: depth + 1)
            }
            text += (flat || items.isEmpty ? "" : closing) + "]"
        case .object(let members):
            text += "{"
            for (index, member) in members.enumerated() {
                if index > 0 { text += separator }
                text += newline
                Self.quote(member.0, into: &text)
                text += colon
                member.1.write(into: &text, layout: layout, depth: depth + 1)
            }
            text += (members.isEmpty ? "" : closing) + "}"
        }
    }

    private var isNumber: Bool {
        switch self {
        case .number, .float, .integer: return true
        default: return false
        }
    }

    private static func quote(_ string: String, into text: inout String) {
        text += "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: text.unicodeScalars.append(scalar)
            }
        }
        text += "\""
    }
}
