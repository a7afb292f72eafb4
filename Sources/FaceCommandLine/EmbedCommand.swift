import FaceCore
import FaceImage
import FacePipeline
import FaceTensor

/// `facekit embed`: descriptors for face chips.
enum EmbedCommand {
    static let command = Command(
        name: "embed",
        summary: "Compute 128-D face descriptors",
        help: """
            Usage: facekit embed IMAGE... [--json] [--upsample N] [--min-confidence C] [--threads N]
                   facekit embed --chip CHIP.png [--chip CHIP2.jpg ...] [--json] [--threads N]

            Computes the 128-D descriptor of every face in each photo (detect, landmarks, aligned chip,
            dlib's ResNet), or of already aligned 150×150 face chips given with --chip. Two descriptors
            closer than 0.6 (Euclidean) are the same person.

            Options:
              --json         Photos: what `facekit detect --json` prints, each face with "descriptor": [128 numbers].
                             Chips: one JSON object per chip and line: {"file", "descriptor": [128 numbers]}
              --chip FILE    An aligned 150×150 face chip; repeat for several.
            \(CommandSupport.detectionOptionsHelp)
            Exits 3 when an input cannot be read (or a chip is not 150×150), 4 when no photo had a face.
            """,
        run: run)

    static func run(_ arguments: [String]) throws(CommandLineError) -> ExitCode {
        let options = try Arguments(arguments, valueOptions: ["chip", "threads", "upsample", "min-confidence"],
                                    flagOptions: ["json"])
        let paths = options.all("chip")
        guard paths.isEmpty != options.positional.isEmpty else {
            throw .usage(paths.isEmpty ? "give at least one photo, or chips with --chip" : "give either photos or --chip chips, not both")
        }
        if paths.isEmpty { return try embedPhotos(options) }
        let threads = try options.integer("threads", in: 1...256, default: ComputeContext.availableCores)

        var chips: [Image] = []
        for path in paths {
            let chip = try CommandSupport.loadImage(path)
            guard chip.width == FaceEmbedder.chipSize, chip.height == FaceEmbedder.chipSize else {
                throw CommandLineError(.unreadableInput, "\(path) is \(chip.width)×\(chip.height); an aligned chip is \(FaceEmbedder.chipSize)×\(FaceEmbedder.chipSize)")
            }
            chips.append(chip)
        }
        let descriptors: [Descriptor]
        do {
            let embedder = try FaceEmbedder()
            descriptors = try embedder.descriptors(for: chips, context: ComputeContext(threads: threads))
        } catch {
            let code: ExitCode = error.code == .invalidChip ? .unreadableInput : .modelUnavailable
            throw CommandLineError(code, error.message)
        }
        for (path, descriptor) in zip(paths, descriptors) {
            if options.has("json") {
                print(JSONValue.object([
                    ("file", .string(path)), ("descriptor", .array(descriptor.values.map(JSONValue.float))),
                ]).rendered(.spaced))
            } else {
                let norm = descriptor.values.reduce(0) { $0 + $1 * $1 }.squareRoot()
                print("\(path): \(descriptor.dimension)-D descriptor, length \(CommandSupport.formatted(norm))")
                printRows(descriptor)
            }
        }
        return .success
    }

    /// Descriptors of every face in photos.
    private static func embedPhotos(_ options: Arguments) throws(CommandLineError) -> ExitCode {
        try CommandSupport.reportFaces(options, withDescriptors: true, printDescriptor: printRows)
    }

    private static func printRows(_ descriptor: Descriptor) {
        for row in stride(from: 0, to: descriptor.dimension, by: 8) {
            let values = descriptor.values[row..<min(descriptor.dimension, row + 8)]
            print("    " + values.map { format6($0) }.joined(separator: " "))
        }
    }

    /// A fixed-width rendering for the human-readable table.
    private static func format6(_ value: Float) -> String {
        let scaled = (Double(value) * 1_000_000).rounded() / 1_000_000
        let text = "\(scaled)"
        return text.count >= 10 ? text : String(repeating: " ", count: 10 - text.count) + text
    }
}
