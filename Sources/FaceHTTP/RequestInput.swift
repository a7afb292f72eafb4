import Foundation

/// The fields and images of a request body, whether sent as `multipart/form-data` (file fields) or as
/// a JSON object (base64 members); query arguments fill in fields the body lacks.
struct RequestInput {
    /// One uploaded image.
    struct Upload {
        /// The form field's file name, when the client sent one.
        let filename: String?
        /// The encoded image.
        let bytes: [UInt8]
    }

    private let parts: [MultipartParser.Part]
    private let json: JSONBody?
    private let query: [String: String]

    /// Parses the body by its content type; throws `UNSUPPORTED_MEDIA_TYPE` for anything but
    /// multipart/form-data and JSON.
    init(_ request: HTTPRequest) throws(APIError) {
        query = request.query
        switch request.mediaType {
        case "multipart/form-data":
            let boundary = try MultipartParser.boundary(fromContentType: request.headers["content-type"] ?? "")
            parts = try MultipartParser.parse(request.body, boundary: boundary)
            json = nil
        case "application/json":
            parts = []
            json = try JSONBody(request.body)
        case let other:
            throw APIError(
                .unsupportedMediaType,
                "send multipart/form-data or application/json, not \(other ?? "a body without Content-Type")")
        }
    }

    /// The images under `name`: every multipart part of that name, or the JSON member as base64 (a
    /// string, or an array of strings when `allowsArray`).
    func images(_ name: String, allowsArray: Bool = false) throws(APIError) -> [Upload] {
        if let json {
            if allowsArray, let images = try json.images(name) {
                return images.map { Upload(filename: nil, bytes: $0) }
            }
            return try json.image(name).map { [Upload(filename: nil, bytes: $0)] } ?? []
        }
        return parts.filter { $0.name == name }.map { Upload(filename: $0.filename, bytes: $0.data) }
    }

    /// Exactly one image under `name`; throws `MISSING_FIELD` when there is none.
    func image(_ name: String) throws(APIError) -> Upload {
        let found = try images(name)
        guard let first = found.first else {
            throw APIError(.missingField, "the request has no image '\(name)' (a file field or a base64 JSON member)")
        }
        guard found.count == 1 else { throw APIError(.invalidArgument, "send one image '\(name)', not \(found.count)") }
        return first
    }

    /// A text field: a form field, a JSON member, else a query argument.
    func text(_ name: String) throws(APIError) -> String? {
        if let json, let value = try json.text(name) { return value }
        if let part = parts.first(where: { $0.name == name && $0.filename == nil }) { return part.text }
        return query[name]
    }

    /// An integer field within `range`.
    func integer(_ name: String, in range: ClosedRange<Int>, default value: Int) throws(APIError) -> Int {
        guard let text = try text(name) else { return value }
        guard let number = Int(text.trimmingCharacters(in: .whitespaces)), range.contains(number) else {
            throw APIError(
                .invalidArgument,
                "'\(name)' must be an integer from \(range.lowerBound) to \(range.upperBound), got '\(text)'")
        }
        return number
    }

    /// A positive, finite number field.
    func positiveNumber(_ name: String, default value: Float) throws(APIError) -> Float {
        guard let text = try text(name) else { return value }
        guard let number = Float(text.trimmingCharacters(in: .whitespaces)), number > 0, number.isFinite else {
            throw APIError(.invalidArgument, "'\(name)' must be a positive number, got '\(text)'")
        }
        return number
    }
}

extension HTTPRequest {
    /// A boolean query argument (`true`/`1`/`yes` or `false`/`0`/`no`).
    func flag(_ name: String) throws(APIError) -> Bool {
        guard let value = query[name]?.lowercased() else { return false }
        switch value {
        case "true", "1", "yes", "": return true
        case "false", "0", "no": return false
        default: throw APIError(.invalidArgument, "'\(name)' must be true or false, got '\(value)'")
        }
    }

    /// An integer query argument within `range`.
    func integer(_ name: String, in range: ClosedRange<Int>, default value: Int) throws(APIError) -> Int {
        guard let text = query[name] else { return value }
        guard let number = Int(text), range.contains(number) else {
            throw APIError(
                .invalidArgument,
                "'\(name)' must be an integer from \(range.lowerBound) to \(range.upperBound), got '\(text)'")
        }
        return number
    }
}
