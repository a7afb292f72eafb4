import FaceCore
import FaceGallery
import FacePipeline

/// `facekit identify`: who in the gallery is in these photos?
enum IdentifyCommand {
    static let command = Command(
        name: "identify",
        summary: "Find who each face in a photo is among the gallery's subjects",
        help: """
            Usage: facekit identify PHOTO… [--top K] [--threshold T] [--json] [OPTIONS]

            For every face in each photo, lists the K nearest subjects (each scored by its closest
            enrolled face) with their Euclidean distances. A face whose nearest subject is farther than the
            threshold is "unknown"; its candidates are still shown.

            Options:
              --top K               Candidates per face (1–100, default 5).
              --threshold T         Maximum Euclidean distance to call a face someone (default 0.6).
              --json                Per photo: {"file", "faces": [{"box", "candidates": [{"subject",
                                    "distance"}], "unknown"}]}.
            \(GalleryAccess.optionHelp)
            \(CommandSupport.detectionOptionsHelp)
            Exits 0 when the photos were searched (whatever was found), 3 when a photo cannot be read,
            4 when no photo has a face.
            """,
        run: run)

    static func run(_ arguments: [String]) throws(CommandLineError) -> ExitCode {
        let options = try Arguments(arguments, valueOptions: ["top", "threshold", "gallery", "upsample", "min-confidence", "threads"],
                                    flagOptions: ["json"])
        guard !options.positional.isEmpty else { throw .usage("give at least one photo") }
        let top = try options.integer("top", in: 1...100, default: 5)
        var threshold = Descriptor.sameIdentityMaxEuclideanDistance
        if let text = options.value("threshold") {
            guard let value = Float(text), value > 0, value.isFinite else { throw .usage("--threshold must be a positive number, got '\(text)'") }
            threshold = value
        }
        let settings = try CommandSupport.detectionSettings(options)
        let images = try options.positional.map { path throws(CommandLineError) in try CommandSupport.loadImage(path) }
        let recognizer = try CommandSupport.loadRecognizer(threads: settings.threads)
        let faces = recognizer.faces(inEach: images, options: settings.detection)
        let answers = try GalleryAccess.withGallery(options) { (store) throws(GalleryError) in
            let gallery = Gallery(store: store)
            return try faces.map { (found) throws(GalleryError) in
                try gallery.identify(found.map { $0.descriptor! }, top: top, maxEuclideanDistance: threshold)
            }
        }
        for (path, (found, identifications)) in zip(options.positional, zip(faces, answers)) {
            if options.has("json") {
                let entries: [JSONValue] = zip(found, identifications).map { face, identification in
                    .object([
                        ("box", CommandSupport.json(face.box)),
                        ("candidates", .array(identification.candidates.map {
                            .object([("subject", .string($0.subjectName)), ("distance", .float($0.euclideanDistance))])
                        })),
                        ("unknown", .bool(identification.isUnknown)),
                    ])
                }
                print(JSONValue.object([("file", .string(path)), ("faces", .array(entries))]).rendered(.spaced))
                continue
            }
            print("\(path): \(found.isEmpty ? "no face found" : found.count == 1 ? "1 face" : "\(found.count) faces")")
            for (index, (face, identification)) in zip(found, identifications).enumerated() {
                let verdict = identification.identified.map { "\($0.subjectName) (distance \(CommandSupport.formatted($0.euclideanDistance)))" }
                    ?? "unknown" + (identification.candidates.first.map {
                        " (closest: \($0.subjectName) at \(CommandSupport.formatted($0.euclideanDistance)))"
                    } ?? " (the gallery is empty)")
                print("  face \(index + 1) at \(CommandSupport.describe(face.box)): \(verdict)")
                for candidate in identification.candidates.dropFirst() {
                    print("      also: \(candidate.subjectName) \(CommandSupport.formatted(candidate.euclideanDistance))")
                }
            }
        }
        return faces.contains { !$0.isEmpty } ? .success : .noFace
    }
}
