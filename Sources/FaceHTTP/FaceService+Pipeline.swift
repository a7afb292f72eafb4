import FaceCore
import FaceGallery
import FaceImage
import FacePipeline

/// Time spent in each stage of one request, in milliseconds.
struct StageTiming {
    var decode = 0.0
    var detect = 0.0
    var embed = 0.0
    var search = 0.0

    func json(total: Double, includeSearch: Bool = false) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("decode", .number(Self.rounded(decode))), ("detect", .number(Self.rounded(detect))),
            ("embed", .number(Self.rounded(embed))),
        ]
        if includeSearch { members.append(("search", .number(Self.rounded(search)))) }
        members.append(("total", .number(Self.rounded(total))))
        return .object(members)
    }

    private static func rounded(_ milliseconds: Double) -> Double { (milliseconds * 100).rounded() / 100 }
}

/// A face found in a request's image; `descriptor` is set once the face has been described.
struct FoundFace {
    let box: BoundingBox
    let confidence: Float
    let landmarks: FaceLandmarks
    var descriptor: Descriptor?

    init(_ face: DetectedFace) {
        box = face.box
        confidence = face.confidence
        landmarks = face.landmarks
        descriptor = face.descriptor
    }
}

// Running the face pipeline for a request: decoding, detection and description, each timed.
extension FaceService {
    /// The model every gallery written by this build is bound to.
    static let galleryModel = GalleryModel(id: KnownModel.faceDescriptor.identifier, dimension: 128)

    /// Decodes an uploaded image within the pixel limit; `field` names it in errors.
    func decode(_ upload: RequestInput.Upload, field: String, timing: inout StageTiming) throws(APIError) -> Image {
        let start = ContinuousClock.now
        defer { timing.decode += record("decode", since: start) }
        do {
            return try ImageDecoder.decode(
                upload.bytes, options: ImageDecodingOptions(maxPixels: configuration.maxPixels))
        } catch {
            let mapped = APIError(error)
            throw APIError(mapped.code, "\(field): \(mapped.message)")
        }
    }

    /// The faces in `image`, largest first, with landmarks but no descriptors.
    func detect(in image: Image, timing: inout StageTiming) -> [FoundFace] {
        let start = ContinuousClock.now
        defer { timing.detect += record("detect", since: start) }
        return recognizer.detectFaces(in: image).map(FoundFace.init)
    }

    /// The same faces with descriptors, all chips described in one batch.
    func describe(_ faces: [(image: Image, face: FoundFace)], timing: inout StageTiming) throws(APIError) -> [FoundFace]
    {
        guard !faces.isEmpty else { return [] }
        let start = ContinuousClock.now
        defer { timing.embed += record("embed", since: start) }
        let chips = faces.map { recognizer.aligner.chip(from: $0.image, landmarks: $0.face.landmarks) }
        let descriptors: [Descriptor]
        do {
            descriptors = try recognizer.embedder.descriptors(for: chips, context: recognizer.context)
        } catch {
            throw APIError(error)
        }
        return zip(faces, descriptors).map { pair, descriptor in
            var face = pair.face
            face.descriptor = descriptor
            return face
        }
    }

    /// Throws `DEADLINE_EXCEEDED` once the request's deadline has passed.
    func checkDeadline(_ deadline: ContinuousClock.Instant) throws(APIError) {
        guard ContinuousClock.now < deadline else {
            throw APIError(
                .deadlineExceeded, "the request took longer than its deadline of \(configuration.requestDeadline)")
        }
    }

    /// Records a stage's duration in the metrics and returns it in milliseconds.
    func record(_ stage: String, since start: ContinuousClock.Instant) -> Double {
        let seconds = Self.seconds(start.duration(to: .now))
        metrics.recordStage(stage, seconds: seconds)
        return seconds * 1000
    }

    /// A face as the gallery stores it.
    static func newFace(_ face: FoundFace, photoSHA256: String) -> NewFace {
        NewFace(
            descriptor: face.descriptor!, modelID: galleryModel.id, photoSHA256: photoSHA256, box: face.box,
            landmarks: face.landmarks, confidence: face.confidence)
    }
}
