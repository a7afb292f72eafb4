/// The error a command fails with: the message to print and the exit code to return.
public struct CommandLineError: Error, CustomStringConvertible {
    /// How the process should exit.
    public let exitCode: ExitCode
    /// What to tell the user.
    public let message: String

    /// Creates an error.
    public init(_ exitCode: ExitCode, _ message: String) {
        self.exitCode = exitCode
        self.message = message
    }

    /// A usage mistake.
    static func usage(_ message: String) -> CommandLineError { CommandLineError(.usage, message) }

    public var description: String { message }
}
