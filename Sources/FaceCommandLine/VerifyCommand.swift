import FaceCore
import FacePipeline

/// `facekit verify`: are two photos the same person?
enum VerifyCommand {
    static let command = Command(
        name: "verify",
        summary: "Tell whether two photos show the same person",
        help: """
            Usage: facekit verify IMAGE_A IMAGE_B [--json] [--threshold T] [--all-faces] [--upsample N]

            Compares the largest face in each photo: the same person when the Euclidean distance between
            their descriptors is under the threshold (default 0.6, dlib's figure for this model).

            Options:
              --threshold T         Maximum Euclidean distance for "same person" (default 0.6).
              --all-faces           Compare every face in A with every face in B; same person if any pair is.
              --json                {"distance", "threshold", "same_person", "faces": {"a": box, "b": box},
                                     "faces_found": {"a": n, "b": n}} (with --all-faces also "pairs")
            \(CommandSupport.detectionOptionsHelp)
            Exits 0 with the verdict (whatever it is), 3 when a photo cannot be read, 4 when a photo has no face.
            """,
        run: run)

    static func run(_ arguments: [String]) throws(CommandLineError) -> ExitCode {
        let options = try Arguments(arguments, valueOptions: ["threshold", "upsample", "min-confidence", "threads"],
                                    flagOptions: ["json", "all-faces"])
        guard options.positional.count == 2 else { throw .usage("give exactly two photos") }
        var threshold = Descriptor.sameIdentityMaxEuclideanDistance
        if let text = options.value("threshold") {
            guard let value = Float(text), value > 0, value.isFinite else {
                throw .usage("--threshold must be a positive number, got '\(text)'")
            }
            threshold = value
        }
        let settings = try CommandSupport.detectionSettings(options)
        let images = try options.positional.map { path throws(CommandLineError) in try CommandSupport.loadImage(path) }
        let recognizer = try CommandSupport.loadRecognizer(threads: settings.threads)
        let faces = recognizer.faces(inEach: images, options: settings.detection)
        for (path, found) in zip(options.positional, faces) where found.isEmpty {
            throw CommandLineError(.noFace, "no face found in \(path)")
        }
        var pairs: [(a: Int, b: Int, distance: Float)] = []
        let aIndices = options.has("all-faces") ? Array(faces[0].indices) : [0]
        let bIndices = options.has("all-faces") ? Array(faces[1].indices) : [0]
        for i in aIndices {
            for j in bIndices {
                pairs.append((i, j, faces[0][i].descriptor!.euclideanDistance(to: faces[1][j].descriptor!)))
            }
        }
        let best = pairs.min { $0.distance < $1.distance }!
        let same = best.distance < threshold
        if options.has("json") {
            var members: [(String, JSONValue)] = [
                ("distance", .float(best.distance)), ("threshold", .float(threshold)), ("same_person", .bool(same)),
                ("faces", .object([("a", CommandSupport.json(faces[0][best.a].box)), ("b", CommandSupport.json(faces[1][best.b].box))])),
                ("faces_found", .object([("a", .integer(faces[0].count)), ("b", .integer(faces[1].count))])),
            ]
            if options.has("all-faces") {
                members.append(("pairs", .array(pairs.map {
                    .object([("a", .integer($0.a)), ("b", .integer($0.b)), ("distance", .float($0.distance))])
                })))
            }
            print(JSONValue.object(members).rendered(.spaced))
        } else {
            print(same ? "Same person" : "Different people", terminator: "")
            print(" (distance \(CommandSupport.formatted(best.distance)), threshold \(CommandSupport.formatted(threshold)))")
            for (label, index, found, path) in [("A", best.a, faces[0], options.positional[0]), ("B", best.b, faces[1], options.positional[1])] {
                let note = found.count > 1 && !options.has("all-faces") ? " — the largest of \(found.count) faces; --all-faces compares every pair" : ""
                print("  \(label): \(path): face at \(CommandSupport.describe(found[index].box))\(note)")
            }
        }
        return .success
    }
}
