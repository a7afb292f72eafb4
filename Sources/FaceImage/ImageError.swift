/// The error thrown by FaceImage: what went wrong with an image, in words fit for a log or an HTTP reply.
///
/// Match on ``code`` to react to a kind of failure; ``message`` says what happened to this input. The
/// ``description`` never contains pixel data.
public struct ImageError: Error, CustomStringConvertible, CustomDebugStringConvertible {
    /// The kind of failure; new codes may be added, so `switch` statements over codes need a `default`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: Hashable, Sendable {
            case emptyFile
            case truncated
            case corrupt
            case unsupportedFormat
            case tooLarge
            case unreadableFile
            case encodingFailed
        }

        private let value: Value

        private init(_ value: Value) {
            self.value = value
        }

        /// The input holds zero bytes.
        public static let emptyFile = Code(.emptyFile)
        /// The input ends before the image does.
        public static let truncated = Code(.truncated)
        /// The input claims to be a supported format but its contents are invalid.
        public static let corrupt = Code(.corrupt)
        /// The input is not JPEG or PNG (for example GIF, WebP, or text).
        public static let unsupportedFormat = Code(.unsupportedFormat)
        /// The image has more pixels than ``ImageDecodingOptions/maxPixels`` allows.
        public static let tooLarge = Code(.tooLarge)
        /// The file could not be opened or read.
        public static let unreadableFile = Code(.unreadableFile)
        /// An image could not be encoded.
        public static let encodingFailed = Code(.encodingFailed)

        /// The code's name, as used in logs and JSON error bodies.
        public var description: String {
            switch value {
            case .emptyFile: "emptyFile"
            case .truncated: "truncated"
            case .corrupt: "corrupt"
            case .unsupportedFormat: "unsupportedFormat"
            case .tooLarge: "tooLarge"
            case .unreadableFile: "unreadableFile"
            case .encodingFailed: "encodingFailed"
            }
        }
    }

    /// The kind of failure.
    public let code: Code
    /// What happened, in one sentence naming the offending values (sizes, formats), never pixels.
    public let message: String
    /// The lower-level error that caused this one, if any.
    public let underlying: (any Error)?
    /// The source file that threw the error.
    public let file: String
    /// The source line that threw the error.
    public let line: Int

    /// Creates an error; `file` and `line` default to the call site.
    public init(
        code: Code,
        message: String,
        underlying: (any Error)? = nil,
        file: String = #fileID,
        line: Int = #line
    ) {
        self.code = code
        self.message = message
        self.underlying = underlying
        self.file = file
        self.line = line
    }

    /// The code and message, e.g. `tooLarge: image is 100000×100000 …`.
    public var description: String {
        if let underlying {
            return "\(code): \(message) (\(underlying))"
        }
        return "\(code): \(message)"
    }

    /// The description plus the source location that threw the error.
    public var debugDescription: String {
        "\(description) [\(file):\(line)]"
    }
}
