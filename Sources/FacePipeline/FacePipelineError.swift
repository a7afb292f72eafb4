/// The error thrown by FacePipeline: a missing or wrong model, or an input the pipeline cannot use.
public struct FacePipelineError: Error, CustomStringConvertible, CustomDebugStringConvertible {
    /// What went wrong, as a stable code that callers can switch on.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String, Sendable { case modelMissing, modelHashMismatch, modelUnreadable, invalidChip }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// A model file is not in the models directory.
        public static let modelMissing = Code(.modelMissing)
        /// A model file's SHA-256 differs from the published one.
        public static let modelHashMismatch = Code(.modelHashMismatch)
        /// A model file could not be parsed.
        public static let modelUnreadable = Code(.modelUnreadable)
        /// A face chip has the wrong size.
        public static let invalidChip = Code(.invalidChip)

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

    public var description: String { message }
    public var debugDescription: String {
        "\(code): \(message)" + (underlying.map { " (underlying: \(String(reflecting: $0)))" } ?? "") + " [\(file):\(line)]"
    }
}
