/// Writes JSON text for command output, keeping keys in the order given so output is easy to read and diff.
enum JSONText {
    /// A JSON value.
    indirect enum Value {
        case string(String)
        case number(Double)
        case float(Float)
        case integer(Int)
        case bool(Bool)
        case array([Value])
        case object([(String, Value)])
        case null
        /// Text that is already JSON (metadata stored as a JSON object), written as it is.
        case raw(String)
    }

    static func render(_ value: Value) -> String {
        var text = ""
        write(value, into: &text)
        return text
    }

    private static func write(_ value: Value, into text: inout String) {
        switch value {
        case .string(let string): text += quoted(string)
        case .number(let number): text += number.isFinite ? "\(number)" : "null"
        case .float(let number): text += number.isFinite ? "\(number)" : "null"
        case .integer(let number): text += "\(number)"
        case .bool(let flag): text += flag ? "true" : "false"
        case .null: text += "null"
        case .raw(let json): text += json
        case .array(let items):
            text += "["
            for (index, item) in items.enumerated() {
                if index > 0 { text += ", " }
                write(item, into: &text)
            }
            text += "]"
        case .object(let members):
            text += "{"
            for (index, member) in members.enumerated() {
                if index > 0 { text += ", " }
                text += quoted(member.0) + ": "
                write(member.1, into: &text)
            }
            text += "}"
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
