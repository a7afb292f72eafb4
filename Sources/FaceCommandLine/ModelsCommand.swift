import FaceCore
import FacePipeline

/// `facekit models`: where the models are, their hashes, and whether they verify.
enum ModelsCommand {
    static let command = Command(
        name: "models",
        summary: "Show where the models are and whether their hashes verify",
        help: """
            Usage: facekit models [--json]

            Lists each pretrained model: its path, its SHA-256 and whether that matches the published hash.
            The directory is $FACEKIT_MODELS, or $FACEKIT_HOME/models (default ~/.local/share/facekit/models).
            Exits 0 when every required model verifies, 5 otherwise.

            Options:
              --json   One JSON object: {"directory", "models": [{"file", "summary", "required", "status", "sha256", "expected_sha256_prefix"}]}
            """,
        run: run)

    static func run(_ arguments: [String]) throws(CommandLineError) -> ExitCode {
        let options = try Arguments(arguments, valueOptions: [], flagOptions: ["json"])
        guard options.positional.isEmpty else { throw .usage("unexpected argument '\(options.positional[0])'") }
        let directory = ModelDirectory.fromEnvironment()
        var allRequiredVerified = true
        var rows: [JSONValue] = []
        var lines: [String] = ["Models directory: \(directory.path)"]
        for model in KnownModel.allCases {
            let status = directory.status(of: model)
            let (word, digest): (String, String?) = switch status {
            case .verified(let sha): ("verified", sha)
            case .hashMismatch(let sha): ("hash mismatch", sha)
            case .missing: ("missing", nil)
            }
            if model.isRequired, case .verified = status {} else if model.isRequired { allRequiredVerified = false }
            rows.append(.object([
                ("file", .string(model.fileName)), ("summary", .string(model.summary)),
                ("required", .bool(model.isRequired)),
                ("status", .string(word.replacingOccurrences(of: " ", with: "_"))),
                ("sha256", digest.map(JSONValue.string) ?? .null),
                ("expected_sha256_prefix", .string(model.sha256Prefix)),
            ]))
            lines.append("  \(word.padding(toLength: 13, withPad: " ", startingAt: 0)) \(model.fileName)  \(model.summary)")
            lines.append("                sha256 \(digest ?? "-") (published \(model.sha256Prefix)…)")
        }
        if options.has("json") {
            print(JSONValue.object([("directory", .string(directory.path)), ("models", .array(rows))]).rendered(.spaced))
        } else {
            print(lines.joined(separator: "\n"))
            if !allRequiredVerified { print("Run Scripts/setup.sh to fetch and verify the models.") }
        }
        return allRequiredVerified ? .success : .modelUnavailable
    }
}
