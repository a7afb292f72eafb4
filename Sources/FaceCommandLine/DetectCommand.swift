/// `facekit detect`: faces, boxes, confidences and landmarks in photos.
enum DetectCommand {
    static let command = Command(
        name: "detect",
        summary: "Find faces in photos: boxes, confidence, 5 landmarks",
        help: """
            Usage: facekit detect IMAGE... [--json] [--upsample N] [--min-confidence C] [--threads N]

            Finds every face in each photo (JPEG or PNG) with dlib's CNN detector, largest first, and its
            5 landmarks (eye corners and nose).

            Options:
              --json                One JSON object per photo and line:
                                    {"file", "width", "height", "faces": [{"box": {"x", "y", "width", "height"},
                                     "confidence", "landmarks": [[x, y] × 5]}]}
            \(CommandSupport.detectionOptionsHelp)
            Exits 0 when every photo was read (even with no face), 3 when a photo cannot be read, 4 when no
            photo had a face.
            """,
        run: run)

    static func run(_ arguments: [String]) throws(CommandLineError) -> ExitCode {
        let options = try Arguments(arguments, valueOptions: ["upsample", "min-confidence", "threads"], flagOptions: ["json"])
        guard !options.positional.isEmpty else { throw .usage("give at least one photo") }
        return try CommandSupport.reportFaces(options, withDescriptors: false)
    }
}
