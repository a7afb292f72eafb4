/// The error thrown by FaceEvaluation: a pairs file that cannot be read or parsed, a photo the
/// evaluation cannot use, or a list too small to evaluate.
public struct FaceEvaluationError: Error, CustomStringConvertible, CustomDebugStringConvertible {
    /// What went wrong, as a stable code that callers can switch on.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String, Sendable {
            case unreadableFile, malformedPairs, missingPhoto, unreadablePhoto, notEnoughPairs, unwritableReport,
                modelUnavailable
        }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// A pairs file could not be read.
        public static let unreadableFile = Code(.unreadableFile)
        /// A pairs file has a line that does not follow its format.
        public static let malformedPairs = Code(.malformedPairs)
        /// A pair names a photo that is not there.
        public static let missingPhoto = Code(.missingPhoto)
        /// A photo could not be decoded.
        public static let unreadablePhoto = Code(.unreadablePhoto)
        /// The pairs cannot support the evaluation asked for (no same-person or no different-person pair,
        /// fewer than two folds).
        public static let notEnoughPairs = Code(.notEnoughPairs)
        /// A model needed to describe the photos is missing or damaged.
        public static let modelUnavailable = Code(.modelUnavailable)
        /// A report file could not be written.
        public static let unwritableReport = Code(.unwritableReport)

        public var description: String { value.rawValue }
    }

    /// The kind of failure.
    public let code: Code
    /// What happened, for a person.
    public let message: String
    /// The lower-level error, if any.
    public let underlying: (any Error)?
    /// Where the error was raised.
    public let file: String
    /// Where the error was raised.
    public let line: Int

    /// Creates an error.
    public init(
        _ code: Code, _ message: String, underlying: (any Error)? = nil,
        file: String = #fileID, line: Int = #line
    ) {
        self.code = code
        self.message = message
        self.underlying = underlying
        self.file = file
        self.line = line
    }

    public var description: String { message }
    public var debugDescription: String {
        "\(code): \(message)" + (underlying.map { " (underlying: \(String(reflecting: $0)))" } ?? "")
            + " [\(file):\(line)]"
    }
}
