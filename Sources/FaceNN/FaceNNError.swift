/// The error thrown by FaceNN: a model file that cannot be read or does not match its architecture.
public struct FaceNNError: Error, CustomStringConvertible, CustomDebugStringConvertible {
    /// What went wrong, as a stable code that callers can switch on.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String, Sendable {
            case unreadableFile, truncatedModel, corruptModel, unexpectedLayer, shapeMismatch, unsupportedModel
        }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// The model file could not be opened or read.
        public static let unreadableFile = Code(.unreadableFile)
        /// The model file ends before the network is complete.
        public static let truncatedModel = Code(.truncatedModel)
        /// A value in the model file is malformed.
        public static let corruptModel = Code(.corruptModel)
        /// The file holds a different layer than the architecture expects at this point.
        public static let unexpectedLayer = Code(.unexpectedLayer)
        /// A layer's parameters have the wrong size or geometry for the architecture.
        public static let shapeMismatch = Code(.shapeMismatch)
        /// The file uses a format version or feature FaceKit does not read.
        public static let unsupportedModel = Code(.unsupportedModel)

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
    public init(_ code: Code, _ message: String, underlying: (any Error)? = nil,
                file: String = #fileID, line: Int = #line) {
        self.code = code
        self.message = message
        self.underlying = underlying
        self.file = file
        self.line = line
    }

    public var description: String { "\(code): \(message)" }
    public var debugDescription: String {
        "\(code): \(message)" + (underlying.map { " (underlying: \($0))" } ?? "") + " [\(file):\(line)]"
    }
}
