#if canImport(Glibc)
import Glibc
#endif

/// The `facekit` command: picks a subcommand, runs it, and turns failures into a message and an exit code.
public enum FaceKitCommand {
    static let commands: [Command] = [
        DetectCommand.command, EmbedCommand.command, VerifyCommand.command,
        EnrollCommand.command, IdentifyCommand.command, SubjectsCommand.command, GalleryCommand.command,
        EvalCommand.command, CalibrateCommand.command, ServeCommand.command, ModelsCommand.command,
    ]

    static var overview: String {
        let width = commands.map(\.name.count).max() ?? 0
        let list = commands.map { "  " + $0.name.padding(toLength: width + 2, withPad: " ", startingAt: 0) + $0.summary }
        return """
            facekit: face recognition with dlib's pretrained models, in Swift.

            Usage: facekit COMMAND [OPTIONS]

            Commands:
            \(list.joined(separator: "\n"))

            Run 'facekit COMMAND --help' for a command's options.

            Exit codes: 0 success, 1 unexpected failure, 2 usage error, 3 unreadable input,
            4 no face found, 5 model missing or damaged, 6 gallery unavailable or of another model,
            7 subject or face not found, 8 subject name taken, 9 several faces where one was expected.
            Models are read from $FACEKIT_MODELS (default ~/.local/share/facekit/models; Scripts/setup.sh fetches them).
            """
    }

    /// Runs `facekit` with `arguments` (without the program name) and returns the exit code.
    public static func main(_ arguments: [String]) -> ExitCode {
        guard let name = arguments.first else {
            printError(overview)  // no command is a usage error: the overview goes where errors go
            return .usage
        }
        if name == "--help" || name == "-h" || name == "help" {
            print(overview)
            return .success
        }
        guard let command = commands.first(where: { $0.name == name }) else {
            printError("facekit: unknown command '\(name)'. Commands: \(commands.map(\.name).joined(separator: ", ")).")
            return .usage
        }
        let rest = Array(arguments.dropFirst())
        if rest.contains("--help") || rest.contains("-h") {
            print(command.help)
            return .success
        }
        do {
            return try command.run(rest)
        } catch {
            printError("facekit \(name): \(error.message)")
            if error.exitCode == .usage { printError("Run 'facekit \(name) --help' for usage.") }
            return error.exitCode
        }
    }

    static func printError(_ message: String, terminator: String = "\n") {
        var standardError = StandardError()
        print(message, terminator: terminator, to: &standardError)
    }
}

/// Lets `print(_:to:)` write to standard error.
struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        var bytes = Array(string.utf8)
        _ = bytes.withUnsafeMutableBytes { Glibc.write(2, $0.baseAddress, $0.count) }
    }
}
