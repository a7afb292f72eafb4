/// The error thrown by FaceGallery and its stores: an unknown or duplicate subject, a descriptor
/// from another model, a damaged gallery, or a storage failure.
public struct GalleryError: Error, CustomStringConvertible, CustomDebugStringConvertible {
    /// What went wrong, as a stable code that callers can switch on.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String, Sendable {
            case subjectNotFound, subjectExists, faceNotFound, invalidName, invalidArgument, modelMismatch
            case noFace, multipleFaces, invalidLocation, unsupportedSchema, corrupt, storage, unavailable
        }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// No subject has the given name.
        public static let subjectNotFound = Code(.subjectNotFound)
        /// A subject with the given name already exists.
        public static let subjectExists = Code(.subjectExists)
        /// No face has the given id.
        public static let faceNotFound = Code(.faceNotFound)
        /// A subject name is empty, too long or contains control characters.
        public static let invalidName = Code(.invalidName)
        /// An argument is out of range (a `top` of 0, metadata that is not a JSON object, …).
        public static let invalidArgument = Code(.invalidArgument)
        /// A descriptor comes from a model other than the one the gallery is bound to.
        public static let modelMismatch = Code(.modelMismatch)
        /// An enrolment photo shows no face.
        public static let noFace = Code(.noFace)
        /// An enrolment photo shows several faces and the caller asked for exactly one.
        public static let multipleFaces = Code(.multipleFaces)
        /// A gallery location (`sqlite:PATH`, `postgres://…`) cannot be parsed.
        public static let invalidLocation = Code(.invalidLocation)
        /// The gallery was written by a newer FaceKit whose schema this one does not know.
        public static let unsupportedSchema = Code(.unsupportedSchema)
        /// Stored data fails a consistency check (a descriptor of the wrong length, a bad export line).
        public static let corrupt = Code(.corrupt)
        /// The storage engine reported a failure.
        public static let storage = Code(.storage)
        /// The storage cannot be reached (server down, file not openable).
        public static let unavailable = Code(.unavailable)

        public var description: String { value.rawValue }
    }

    /// The kind of failure.
    public let code: Code
    /// What happened, for a person. Never contains descriptors or SQL values.
    public let message: String
    /// The lower-level error, if any.
    public let underlying: (any Error)?
    /// Where the error was raised.
    public let file: String
    /// Where the error was raised.
    public let line: Int

    /// Creates an error.
    public init(_ code: Code, _ message: String, underlying: (any Error)? = nil,
                file: String = #fileID, line: Int = #line) {
        self.code = code
        self.message = message
        self.underlying = underlying
        self.file = file
        self.line = line
    }

    public var description: String { message }
    public var debugDescription: String {
        "\(code): \(message)" + (underlying.map { " (underlying: \(String(reflecting: $0)))" } ?? "") + " [\(file):\(line)]"
    }
}
