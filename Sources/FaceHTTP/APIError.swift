/// The error every FaceHTTP handler throws: a stable code, its HTTP status and a message for people.
///
/// Replies carry it as `{"error": {"code": "NO_FACE", "message": "…"}}`; codes never change meaning,
/// messages may. Errors from the other modules become API errors in `APIError+Mapping.swift`, the
/// one place that decides statuses.
public struct APIError: Error, CustomStringConvertible {
    /// A stable error code and the HTTP status it is sent with.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The code as written in replies (`NO_FACE`).
        public let name: String
        /// The HTTP status sent with it.
        public let status: Int

        private init(_ name: String, _ status: Int) {
            self.name = name
            self.status = status
        }

        /// The request is malformed in a way no other code names.
        public static let badRequest = Code("BAD_REQUEST", 400)
        /// The body is not valid JSON, or not the JSON object the route expects.
        public static let invalidJSON = Code("INVALID_JSON", 400)
        /// The multipart/form-data body cannot be parsed.
        public static let invalidMultipart = Code("INVALID_MULTIPART", 400)
        /// A required field (an image, a name) is missing.
        public static let missingField = Code("MISSING_FIELD", 400)
        /// A field or query argument is out of range or of the wrong type.
        public static let invalidArgument = Code("INVALID_ARGUMENT", 400)
        /// No API key, or an unknown one.
        public static let unauthorized = Code("UNAUTHORIZED", 401)
        /// The key is valid but its scope does not cover the route.
        public static let forbidden = Code("FORBIDDEN", 403)
        /// No route has this path.
        public static let notFound = Code("NOT_FOUND", 404)
        /// No subject has this name.
        public static let subjectNotFound = Code("SUBJECT_NOT_FOUND", 404)
        /// No face has this id.
        public static let faceNotFound = Code("FACE_NOT_FOUND", 404)
        /// The path exists but not for this method (the reply lists the allowed ones).
        public static let methodNotAllowed = Code("METHOD_NOT_ALLOWED", 405)
        /// The body took longer than the request deadline to arrive.
        public static let requestTimeout = Code("REQUEST_TIMEOUT", 408)
        /// A subject with this name exists.
        public static let subjectExists = Code("SUBJECT_EXISTS", 409)
        /// The body exceeds the size limit.
        public static let bodyTooLarge = Code("BODY_TOO_LARGE", 413)
        /// An image has more pixels than the limit.
        public static let imageTooLarge = Code("IMAGE_TOO_LARGE", 413)
        /// The body's content type is not one the route accepts.
        public static let unsupportedMediaType = Code("UNSUPPORTED_MEDIA_TYPE", 415)
        /// An image cannot be decoded (not JPEG or PNG, truncated, corrupt, empty).
        public static let unsupportedImage = Code("UNSUPPORTED_IMAGE", 415)
        /// An image shows no face.
        public static let noFace = Code("NO_FACE", 422)
        /// An image shows several faces where one was expected.
        public static let multipleFaces = Code("MULTIPLE_FACES", 422)
        /// The inference queue is full; retry after the `Retry-After` seconds.
        public static let overloaded = Code("OVERLOADED", 503)
        /// The gallery cannot be reached.
        public static let galleryUnavailable = Code("GALLERY_UNAVAILABLE", 503)
        /// The request waited longer than its deadline.
        public static let deadlineExceeded = Code("DEADLINE_EXCEEDED", 504)
        /// Something failed that the client cannot fix.
        public static let internalError = Code("INTERNAL", 500)

        /// Every code, for documentation.
        public static let all: [Code] = [
            badRequest, invalidJSON, invalidMultipart, missingField, invalidArgument, unauthorized, forbidden,
            notFound, subjectNotFound, faceNotFound, methodNotAllowed, requestTimeout, subjectExists, bodyTooLarge,
            imageTooLarge, unsupportedMediaType, unsupportedImage, noFace, multipleFaces, overloaded,
            galleryUnavailable, deadlineExceeded, internalError,
        ]

        public var description: String { name }
    }

    /// What went wrong.
    public let code: Code
    /// What happened, for a person; never contains image data, descriptors or internals.
    public let message: String
    /// Extra header fields for the reply (`Allow`, `Retry-After`, `WWW-Authenticate`).
    public let headers: [(name: String, value: String)]

    /// Creates an error.
    public init(_ code: Code, _ message: String, headers: [(name: String, value: String)] = []) {
        self.code = code
        self.message = message
        self.headers = headers
    }

    public var description: String { "\(code.name): \(message)" }
}
