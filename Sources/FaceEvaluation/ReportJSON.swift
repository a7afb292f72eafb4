/// JSON text for reports, keeping keys in the order given so files are easy to read and diff.
enum ReportJSON {
    indirect enum Value {
        case string(String)
        case number(Double)
        case integer(Int)
        case bool(Bool)
        case array([Value])
        case object([(String, Value)])
        case null
    }

    /// A Float as the shortest decimal that reads back as it (0.6, not 0.6000000238418579).
    static func number(_ value: Float) -> Value { .number(Double("\(value)") ?? Double(value)) }

    static func render(_ value: Value, indent: String? = nil) -> String {
        var text = ""
        write(value, into: &text, indent: indent, depth: 0)
        return text
    }

    private static func write(_ value: Value, into text: inout String, indent: String?, depth: Int) {
        let newline = indent.map { "\n" + String(repeating: $0, count: depth + 1) } ?? ""
        let closing = indent.map { "\n" + String(repeating: $0, count: depth) } ?? ""
        switch value {
        case .string(let string): text += quoted(string)
        case .number(let number): text += number.isFinite ? "\(number)" : "null"
        case .integer(let number): text += "\(number)"
        case .bool(let flag): text += flag ? "true" : "false"
        case .null: text += "null"
        case .array(let items):
            // Arrays of plain numbers stay on one line.
            let flat = items.allSatisfy {
                if case .number = $0 { true } else if case .integer = $0 { true } else { false }
            }
            text += "["
            for (index, item) in items.enumerated() {
                if index > 0 { text += flat || indent == nil ? ", " : "," }
                if !flat { text += newline }
                write(item, into: &text, indent: indent, depth: depth + 1)
            }
            text += (flat || items.isEmpty ? "" : closing) + "]"
        case .object(let members):
            text += "{"
            for (index, member) in members.enumerated() {
                if index > 0 { text += indent == nil ? ", " : "," }
                text += newline + quoted(member.0) + ": "
                write(member.1, into: &text, indent: indent, depth: depth + 1)
            }
            text += (members.isEmpty ? "" : closing) + "}"
        }
    }

    private static func quoted(_ string: String) -> String {
        var result = "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
