import Foundation

/// One HTTP request as the service sees it, independent of the transport that carried it.
///
/// The server fills it from libmicrohttpd; tests build it directly and hand it to
/// ``FaceService/handle(_:)``, so both paths run the same router and handlers.
public struct HTTPRequest: Sendable {
    /// The method in upper case (`GET`, `POST`, …).
    public var method: String
    /// The path as sent, still percent-encoded, without the query (`/api/v1/subjects/Ana%20Lima`).
    public var path: String
    /// Query arguments, percent-decoded (`+` reads as a space); the last value wins for repeated names.
    public var query: [String: String]
    /// Header fields with lower-case names; repeated fields are joined with `, `.
    public var headers: [String: String]
    /// The body bytes.
    public var body: [UInt8]

    /// Creates a request; `headers` names are lower-cased here.
    public init(
        method: String, path: String, query: [String: String] = [:], headers: [String: String] = [:],
        body: [UInt8] = []
    ) {
        self.method = method.uppercased()
        self.path = path
        self.query = query
        var lowered: [String: String] = [:]
        for (name, value) in headers { lowered[name.lowercased()] = value }
        self.headers = lowered
        self.body = body
    }

    /// Splits a request target (`/path?a=1&b=x%20y`) into its path and decoded query arguments.
    public init(method: String, target: String, headers: [String: String] = [:], body: [UInt8] = []) {
        let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        var query: [String: String] = [:]
        if parts.count == 2 {
            for pair in parts[1].split(separator: "&") where !pair.isEmpty {
                let nameValue = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let name = PercentEncoding.decode(String(nameValue[0]), plusAsSpace: true) ?? String(nameValue[0])
                let value = nameValue.count == 2 ? PercentEncoding.decode(String(nameValue[1]), plusAsSpace: true) : ""
                query[name] = value ?? String(nameValue[1])
            }
        }
        self.init(method: method, path: String(parts[0]), query: query, headers: headers, body: body)
    }

    /// The media type of the body, lower-case, without parameters (`multipart/form-data`).
    var mediaType: String? {
        guard let value = headers["content-type"] else { return nil }
        let type = value.split(separator: ";", maxSplits: 1).first.map(String.init) ?? value
        return type.trimmingCharacters(in: .whitespaces).lowercased()
    }
}

/// Percent-encoding as used in URL paths and query strings.
enum PercentEncoding {
    /// Decodes `%XX` escapes (and `+` when `plusAsSpace`) into UTF-8 text; nil for a malformed escape or
    /// bytes that are not UTF-8.
    static func decode(_ text: String, plusAsSpace: Bool = false) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "%"):
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                    return nil
                }
                bytes.append(high << 4 | low)
            case UInt8(ascii: "+") where plusAsSpace:
                bytes.append(UInt8(ascii: " "))
            default:
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    /// Encodes everything but unreserved characters, for one path segment.
    static func encodePathSegment(_ text: String) -> String {
        var result = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                result.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let digits = Array("0123456789ABCDEF")
                result += "%" + String(digits[Int(byte >> 4)]) + String(digits[Int(byte & 0xF)])
            }
        }
        return result
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
