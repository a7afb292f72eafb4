import Foundation

/// A request body parsed as a JSON object, with typed accessors that throw API errors.
struct JSONBody {
    /// Deepest nesting accepted; deeper documents are refused before parsing, so a hostile body of
    /// nested brackets cannot exhaust the parser's stack.
    static let maximumDepth = 64

    /// The members of the top-level object.
    let members: [String: Any]

    /// Parses `bytes` as a JSON object; throws `INVALID_JSON`.
    init(_ bytes: [UInt8]) throws(APIError) {
        guard !bytes.isEmpty else { throw APIError(.invalidJSON, "the body is empty; send a JSON object") }
        guard Self.nestingDepth(bytes) <= Self.maximumDepth else {
            throw APIError(.invalidJSON, "the JSON nests deeper than \(Self.maximumDepth) levels")
        }
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: Data(bytes), options: [])
        } catch {
            throw APIError(.invalidJSON, "the body is not valid JSON")
        }
        guard let object = parsed as? [String: Any] else {
            throw APIError(.invalidJSON, "the body must be a JSON object")
        }
        members = object
    }

    /// True when the member is present (even when null).
    func has(_ name: String) -> Bool { members[name] != nil }

    /// A string member; nil when absent or null.
    func string(_ name: String) throws(APIError) -> String? {
        guard let value = members[name], !(value is NSNull) else { return nil }
        guard let string = value as? String else { throw APIError(.invalidArgument, "'\(name)' must be a string") }
        return string
    }

    /// A member as the text a form field would carry (strings as they are, numbers and booleans
    /// written out), so the same parsing applies to JSON, form fields and query arguments.
    func text(_ name: String) throws(APIError) -> String? {
        guard let value = members[name], !(value is NSNull) else { return nil }
        if let string = value as? String { return string }
        if let number = value as? NSNumber { return number.stringValue }
        throw APIError(.invalidArgument, "'\(name)' must be a number or a string")
    }

    /// An object member, written back as compact JSON text; nil when absent or null.
    func objectText(_ name: String) throws(APIError) -> String? {
        guard let value = members[name], !(value is NSNull) else { return nil }
        guard let object = value as? [String: Any],
            let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        else { throw APIError(.invalidArgument, "'\(name)' must be a JSON object") }
        return String(decoding: data, as: UTF8.self)
    }

    /// A base64 image member (plain base64 or a `data:image/…;base64,` URL), decoded.
    func image(_ name: String) throws(APIError) -> [UInt8]? {
        guard let text = try string(name) else { return nil }
        return try Self.decodeBase64Image(text, field: name)
    }

    /// An array of base64 images.
    func images(_ name: String) throws(APIError) -> [[UInt8]]? {
        guard let value = members[name], !(value is NSNull) else { return nil }
        guard let items = value as? [Any] else {
            throw APIError(.invalidArgument, "'\(name)' must be an array of base64 strings")
        }
        var images: [[UInt8]] = []
        for (index, item) in items.enumerated() {
            guard let text = item as? String else {
                throw APIError(.invalidArgument, "'\(name)[\(index)]' must be a base64 string")
            }
            images.append(try Self.decodeBase64Image(text, field: "\(name)[\(index)]"))
        }
        return images
    }

    static func decodeBase64Image(_ text: String, field: String) throws(APIError) -> [UInt8] {
        var payload = Substring(text)
        if payload.hasPrefix("data:"), let comma = payload.firstIndex(of: ",") {
            payload = payload[payload.index(after: comma)...]
        }
        guard let data = Data(base64Encoded: String(payload), options: [.ignoreUnknownCharacters]) else {
            throw APIError(.invalidArgument, "'\(field)' is not valid base64")
        }
        return [UInt8](data)
    }

    /// The deepest nesting of arrays and objects, counting only brackets outside strings.
    static func nestingDepth(_ bytes: [UInt8]) -> Int {
        var depth = 0
        var deepest = 0
        var inString = false
        var escaped = false
        for byte in bytes {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                deepest = max(deepest, depth)
            case UInt8(ascii: "]"), UInt8(ascii: "}"): depth -= 1
            default: break
            }
        }
        return deepest
    }
}
