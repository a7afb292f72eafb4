import FaceCore
import FaceImage
import FacePipeline
import FaceTensor

/// What several commands share: loading photos and models, and rendering faces.
enum CommandSupport {
    /// Decodes the photo at `path`, or fails with the unreadable-input exit code.
    static func loadImage(_ path: String) throws(CommandLineError) -> Image {
        do {
            return try ImageDecoder.decode(contentsOf: path)
        } catch {
            throw CommandLineError(.unreadableInput, "\(path): \(error.message)")
        }
    }

    /// Loads every model, or fails with the model exit code.
    static func loadRecognizer(threads: Int) throws(CommandLineError) -> FaceRecognizer {
        do {
            return try FaceRecognizer(threads: threads)
        } catch {
            throw CommandLineError(.modelUnavailable, error.message)
        }
    }

    /// The `--threads`, `--upsample` and `--min-confidence` options.
    static func detectionSettings(_ options: Arguments) throws(CommandLineError) -> (threads: Int, detection: FaceRecognizer.DetectionOptions) {
        let threads = try options.integer("threads", in: 1...256, default: ComputeContext.availableCores)
        let upsample = try options.integer("upsample", in: 0...4, default: 0)
        var minConfidence: Float = 0
        if let text = options.value("min-confidence") {
            guard let value = Float(text), value.isFinite else {
                throw .usage("--min-confidence must be a number, got '\(text)'")
            }
            minConfidence = value
        }
        return (threads, FaceRecognizer.DetectionOptions(upsample: upsample, minConfidence: minConfidence))
    }

    static let detectionOptionsHelp = """
          --upsample N          Double the photo N times before detecting (0–4, default 0); finds faces
                                under about 80 pixels, at 4× the time per doubling.
          --min-confidence C    Keep faces the detector scores above C (default 0).
          --threads N           Threads to use (default: all cores).
        """

    static func json(_ box: BoundingBox) -> JSONValue {
        .object([("x", .number(box.x)), ("y", .number(box.y)), ("width", .number(box.width)), ("height", .number(box.height))])
    }

    static func json(_ face: DetectedFace, includeDescriptor: Bool) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("box", json(face.box)), ("confidence", .float(face.confidence)),
            ("landmarks", .array(face.landmarks.points.map { .array([.number($0.x), .number($0.y)]) })),
        ]
        if includeDescriptor, let descriptor = face.descriptor {
            members.append(("descriptor", .array(descriptor.values.map(JSONValue.float))))
        }
        return .object(members)
    }

    static func json(file: String, image: Image, faces: [DetectedFace], includeDescriptors: Bool) -> JSONValue {
        .object([
            ("file", .string(file)), ("width", .integer(image.width)), ("height", .integer(image.height)),
            ("faces", .array(faces.map { json($0, includeDescriptor: includeDescriptors) })),
        ])
    }

    /// Runs the pipeline on every photo in `options` and prints each photo's faces (JSON or text);
    /// `withDescriptors` decides whether descriptors are computed and shown. Exits 4 when no photo
    /// had a face.
    static func reportFaces(_ options: Arguments, withDescriptors: Bool,
                            printDescriptor: (Descriptor) -> Void = { _ in }) throws(CommandLineError) -> ExitCode {
        let settings = try detectionSettings(options)
        let recognizer = try loadRecognizer(threads: settings.threads)
        var anyFace = false
        for path in options.positional {
            let image = try loadImage(path)
            let faces = withDescriptors
                ? recognizer.faces(in: image, options: settings.detection)
                : recognizer.detectFaces(in: image, options: settings.detection)
            anyFace = anyFace || !faces.isEmpty
            if options.has("json") {
                print(json(file: path, image: image, faces: faces, includeDescriptors: withDescriptors).rendered(.spaced))
                continue
            }
            let count = faces.isEmpty ? "no face found" : faces.count == 1 ? "1 face" : "\(faces.count) faces"
            print("\(path) (\(image.width)×\(image.height)): \(count)")
            for (index, face) in faces.enumerated() {
                print("  face \(index + 1): \(describe(face.box)), confidence \(formatted(face.confidence))")
                if let descriptor = face.descriptor { printDescriptor(descriptor) }
            }
        }
        return anyFace ? .success : .noFace
    }

    static func describe(_ box: BoundingBox) -> String {
        "x \(Int(box.x)), y \(Int(box.y)), \(Int(box.width))×\(Int(box.height))"
    }

    static func formatted(_ value: Float, digits: Int = 3) -> String {
        var scale: Float = 1
        for _ in 0..<digits { scale *= 10 }
        let rounded = (value * scale).rounded() / scale
        return "\(rounded)"
    }
}
