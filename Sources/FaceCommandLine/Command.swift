/// One `facekit` subcommand.
struct Command: Sendable {
    /// The word that selects it.
    let name: String
    /// One line for the command list.
    let summary: String
    /// Full help text, shown by `facekit NAME --help`.
    let help: String
    /// Runs the command on its arguments (after the name).
    let run: @Sendable ([String]) throws(CommandLineError) -> ExitCode
}
