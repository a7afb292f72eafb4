import Foundation

/// Splits a `multipart/form-data` body (RFC 7578) into its parts.
///
/// Only what forms send is accepted: each part has a `Content-Disposition: form-data; name="…"` header
/// and optionally a `filename` and a `Content-Type`. Anything malformed throws `INVALID_MULTIPART`.
enum MultipartParser {
    /// One form field or file.
    struct Part {
        /// The field name.
        let name: String
        /// The file name, for file fields.
        let filename: String?
        /// The part's declared content type.
        let contentType: String?
        /// The part's bytes.
        let data: [UInt8]

        /// The part's bytes as text, for ordinary fields.
        var text: String { String(decoding: data, as: UTF8.self) }
    }

    /// Most parts accepted in one body.
    static let maximumParts = 100
    /// Longest header block of one part.
    static let maximumPartHeaderBytes = 8 * 1024

    /// The boundary named by a `Content-Type: multipart/form-data; boundary=…` value.
    static func boundary(fromContentType contentType: String) throws(APIError) -> String {
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces).lowercased() == "boundary" else {
                continue
            }
            var value = pair[1].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") {
                value = String(value.dropFirst().dropLast())
            }
            guard (1...70).contains(value.utf8.count) else {
                throw APIError(.invalidMultipart, "the multipart boundary must be 1 to 70 characters long")
            }
            return value
        }
        throw APIError(.invalidMultipart, "the multipart/form-data content type names no boundary")
    }

    /// The parts of `body`, delimited by `boundary`.
    static func parse(_ body: [UInt8], boundary: String) throws(APIError) -> [Part] {
        let delimiter = Array(("--" + boundary).utf8)
        let separator = Array(("\r\n--" + boundary).utf8)
        guard var position = firstIndex(of: delimiter, in: body, from: 0) else {
            throw APIError(.invalidMultipart, "the body does not contain the multipart boundary")
        }
        position += delimiter.count
        var parts: [Part] = []
        while true {
            // After a delimiter: "--" ends the body, CRLF starts a part.
            if hasPrefix(body, at: position, Array("--".utf8)) { return parts }
            guard hasPrefix(body, at: position, [13, 10]) else {
                throw APIError(.invalidMultipart, "a multipart boundary is not followed by a line break")
            }
            position += 2
            guard let headerEnd = firstIndex(of: [13, 10, 13, 10], in: body, from: position),
                headerEnd - position <= maximumPartHeaderBytes
            else { throw APIError(.invalidMultipart, "a multipart part has no complete header block") }
            let headerText = String(decoding: body[position..<headerEnd], as: UTF8.self)
            let contentStart = headerEnd + 4
            guard let contentEnd = firstIndex(of: separator, in: body, from: contentStart) else {
                throw APIError(.invalidMultipart, "the multipart body ends before its closing boundary")
            }
            parts.append(try part(headers: headerText, data: Array(body[contentStart..<contentEnd])))
            guard parts.count <= maximumParts else {
                throw APIError(.invalidMultipart, "the form has more than \(maximumParts) parts")
            }
            position = contentEnd + separator.count
        }
    }

    private static func part(headers text: String, data: [UInt8]) throws(APIError) -> Part {
        var name: String?
        var filename: String?
        var contentType: String?
        for line in text.split(separator: "\r\n", omittingEmptySubsequences: true) {
            guard let colon = line.firstIndex(of: ":") else {
                throw APIError(.invalidMultipart, "a multipart part header has no colon")
            }
            let field = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if field == "content-type" { contentType = value }
            guard field == "content-disposition" else { continue }
            let parameters = dispositionParameters(value)
            guard parameters.type == "form-data" else {
                throw APIError(.invalidMultipart, "a multipart part is not form-data")
            }
            name = parameters.values["name"]
            filename = parameters.values["filename"]
        }
        guard let name else { throw APIError(.invalidMultipart, "a multipart part has no Content-Disposition name") }
        return Part(name: name, filename: filename, contentType: contentType, data: data)
    }

    /// Splits `form-data; name="image"; filename="a b.jpg"` into its type and parameters.
    private static func dispositionParameters(_ value: String) -> (type: String, values: [String: String]) {
        var values: [String: String] = [:]
        var scalars = Substring(value)
        func skipSpaces() { while scalars.first == " " || scalars.first == "\t" { scalars.removeFirst() } }
        let type = scalars.prefix { $0 != ";" }
        scalars = scalars.dropFirst(type.count)
        while scalars.first == ";" {
            scalars.removeFirst()
            skipSpaces()
            let key = scalars.prefix { $0 != "=" && $0 != ";" }
            scalars = scalars.dropFirst(key.count)
            guard scalars.first == "=" else { continue }
            scalars.removeFirst()
            var parameter = ""
            if scalars.first == "\"" {
                scalars.removeFirst()
                while let character = scalars.first, character != "\"" {
                    scalars.removeFirst()
                    if character == "\\", let escaped = scalars.first {
                        scalars.removeFirst()
                        parameter.append(escaped)
                    } else {
                        parameter.append(character)
                    }
                }
                if !scalars.isEmpty { scalars.removeFirst() }
                scalars = scalars.drop { $0 != ";" }
            } else {
                let raw = scalars.prefix { $0 != ";" }
                scalars = scalars.dropFirst(raw.count)
                parameter = raw.trimmingCharacters(in: .whitespaces)
            }
            values[key.trimmingCharacters(in: .whitespaces).lowercased()] = parameter
        }
        return (type.trimmingCharacters(in: .whitespaces).lowercased(), values)
    }

    private static func hasPrefix(_ bytes: [UInt8], at position: Int, _ prefix: [UInt8]) -> Bool {
        position + prefix.count <= bytes.count && bytes[position..<position + prefix.count].elementsEqual(prefix)
    }

    /// The first index at or after `start` where `needle` occurs.
    static func firstIndex(of needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count else { return nil }
        let first = needle[0]
        return haystack.withUnsafeBufferPointer { hay -> Int? in
            var index = start
            let last = hay.count - needle.count
            while index <= last {
                if hay[index] == first {
                    var matched = 1
                    while matched < needle.count && hay[index + matched] == needle[matched] { matched += 1 }
                    if matched == needle.count { return index }
                }
                index += 1
            }
            return nil
        }
    }
}
