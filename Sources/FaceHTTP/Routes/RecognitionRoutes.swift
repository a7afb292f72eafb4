import FaceCore
import FaceGallery
import FaceImage
import FacePipeline

// POST /verify, /identify, /detect and /embed: questions about photos.
extension FaceService {
    static let recognitionRoutes: [Route] = [
        Route(method: "POST", template: "/api/v1/verify", access: .read) { try $0.verify($1) },
        Route(method: "POST", template: "/api/v1/identify", access: .read) { try $0.identify($1) },
        Route(method: "POST", template: "/api/v1/detect", access: .read) {
            try $0.detect($1, includeDescriptors: false)
        },
        Route(method: "POST", template: "/api/v1/embed", access: .read) { try $0.detect($1, includeDescriptors: true) },
    ]

    /// Compares the largest face of `image1` with the largest face of `image2`.
    func verify(_ context: Route.Context) throws -> HTTPResponse {
        let start = ContinuousClock.now
        let input = try RequestInput(context.request)
        let uploads = [try input.image("image1"), try input.image("image2")]
        let threshold = try input.positiveNumber("threshold", default: Descriptor.sameIdentityMaxEuclideanDistance)
        let (faces, counts, timing) = try queue.run(deadline: context.deadline) {
            [self] () throws(APIError) -> ([FoundFace], [Int], StageTiming) in
            var timing = StageTiming()
            var largest: [(image: Image, face: FoundFace)] = []
            var counts: [Int] = []
            for (index, upload) in uploads.enumerated() {
                let field = "image\(index + 1)"
                let image = try decode(upload, field: field, timing: &timing)
                try checkDeadline(context.deadline)
                let found = detect(in: image, timing: &timing)
                guard let first = found.first else { throw APIError(.noFace, "no face found in \(field)") }
                largest.append((image, first))
                counts.append(found.count)
            }
            try checkDeadline(context.deadline)
            return (try describe(largest, timing: &timing), counts, timing)
        }
        let distance = faces[0].descriptor!.euclideanDistance(to: faces[1].descriptor!)
        return .json(
            .object([
                ("distance", .float(distance)), ("threshold", .float(threshold)),
                ("same_person", .bool(distance < threshold)),
                ("faces", .object([("image1", ResponseJSON.face(faces[0])), ("image2", ResponseJSON.face(faces[1]))])),
                ("faces_found", .object([("image1", .integer(counts[0])), ("image2", .integer(counts[1]))])),
                ("timing_ms", timing.json(total: Self.seconds(start.duration(to: .now)) * 1000)),
            ]))
    }

    /// Who each face in `image` may be, among the gallery's subjects.
    func identify(_ context: Route.Context) throws -> HTTPResponse {
        let start = ContinuousClock.now
        let input = try RequestInput(context.request)
        let upload = try input.image("image")
        let top = try input.integer("top", in: 1...100, default: 5)
        let threshold = try input.positiveNumber("threshold", default: Descriptor.sameIdentityMaxEuclideanDistance)
        let (image, faces, pipelineTiming) = try queue.run(deadline: context.deadline) {
            [self] () throws(APIError) -> (Image, [FoundFace], StageTiming) in
            var timing = StageTiming()
            let image = try decode(upload, field: "image", timing: &timing)
            try checkDeadline(context.deadline)
            let found = detect(in: image, timing: &timing)
            try checkDeadline(context.deadline)
            return (image, try describe(found.map { (image, $0) }, timing: &timing), timing)
        }
        var timing = pipelineTiming
        let searchStart = ContinuousClock.now
        let answers: [Identification]
        do {
            answers = try Gallery(store: store).identify(
                faces.map { $0.descriptor! }, top: top, maxEuclideanDistance: threshold)
        } catch {
            throw APIError(error)
        }
        timing.search = record("search", since: searchStart)
        let facesJSON: [JSONValue] = zip(faces, answers).map { face, answer in
            var members = ResponseJSON.faceMembers(face)
            members.append(
                (
                    "candidates",
                    .array(
                        answer.candidates.map {
                            .object([("subject", .string($0.subjectName)), ("distance", .float($0.euclideanDistance))])
                        })
                ))
            members.append(("unknown", .bool(answer.isUnknown)))
            return .object(members)
        }
        return .json(
            .object([
                ("width", .integer(image.width)), ("height", .integer(image.height)), ("faces", .array(facesJSON)),
                ("timing_ms", timing.json(total: Self.seconds(start.duration(to: .now)) * 1000, includeSearch: true)),
            ]))
    }

    /// Every face in `image`, with descriptors for /embed.
    func detect(_ context: Route.Context, includeDescriptors: Bool) throws -> HTTPResponse {
        let start = ContinuousClock.now
        let input = try RequestInput(context.request)
        let upload = try input.image("image")
        let (image, faces, timing) = try queue.run(deadline: context.deadline) {
            [self] () throws(APIError) -> (Image, [FoundFace], StageTiming) in
            var timing = StageTiming()
            let image = try decode(upload, field: "image", timing: &timing)
            try checkDeadline(context.deadline)
            let found = detect(in: image, timing: &timing)
            guard includeDescriptors else { return (image, found, timing) }
            try checkDeadline(context.deadline)
            return (image, try describe(found.map { (image, $0) }, timing: &timing), timing)
        }
        return .json(
            .object([
                ("width", .integer(image.width)), ("height", .integer(image.height)),
                ("faces", .array(faces.map { ResponseJSON.face($0, includeDescriptor: includeDescriptors) })),
                ("timing_ms", timing.json(total: Self.seconds(start.duration(to: .now)) * 1000)),
            ]))
    }
}
