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
            Usage: facekit embed --chip CHIP.png [--chip CHIP2.jpg ...] [--json] [--threads N]

            Computes the 128-D descriptor of each already aligned 150×150 face chip (JPEG or PNG) with
            dlib's ResNet model. Two descriptors closer than 0.6 (Euclidean) are the same person.

            Options:
              --chip FILE    An aligned 150×150 face chip; repeat for several.
              --json         One JSON object per chip and line: {"file", "descriptor": [128 numbers]}
              --threads N    Threads to use (default: all cores).
            Exits 3 when a chip cannot be read or is not 150×150.
            """,
        run: run)

    static func run(_ arguments: [String]) throws(CommandLineError) -> ExitCode {
        let options = try Arguments(arguments, valueOptions: ["chip", "threads"], flagOptions: ["json"])
        guard options.positional.isEmpty else {
            throw .usage("unexpected argument '\(options.positional[0])'; photos need face detection, which is not available yet: pass aligned chips with --chip")
        }
        let paths = options.all("chip")
        guard !paths.isEmpty else { throw .usage("give at least one --chip FILE") }
        let threads = try options.integer("threads", in: 1...256, default: ComputeContext.availableCores)

        var chips: [Image] = []
        for path in paths {
            let chip: Image
            do {
                chip = try ImageDecoder.decode(contentsOf: path)
            } catch {
                throw CommandLineError(.unreadableInput, "\(path): \(error.message)")
            }
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
                print(JSONText.render(.object([
                    ("file", .string(path)), ("descriptor", .array(descriptor.values.map(JSONText.Value.float))),
                ])))
            } else {
                let norm = descriptor.values.reduce(0) { $0 + $1 * $1 }.squareRoot()
                print("\(path): \(descriptor.dimension)-D descriptor, length \(norm)")
                for row in stride(from: 0, to: descriptor.dimension, by: 8) {
                    let values = descriptor.values[row..<min(descriptor.dimension, row + 8)]
                    print("  " + values.map { String(format6($0)) }.joined(separator: " "))
                }
            }
        }
        return .success
    }

    /// A fixed-width rendering for the human-readable table.
    private static func format6(_ value: Float) -> String {
        let scaled = (Double(value) * 1_000_000).rounded() / 1_000_000
        let text = "\(scaled)"
        return text.count >= 10 ? text : String(repeating: " ", count: 10 - text.count) + text
    }
}
