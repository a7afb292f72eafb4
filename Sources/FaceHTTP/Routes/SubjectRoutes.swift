import FaceCore
import FaceGallery
import FaceImage
import FacePipeline

// The gallery: subjects, their faces, enrolment.
extension FaceService {
    static let subjectRoutes: [Route] = [
        Route(method: "GET", template: "/api/v1/subjects", access: .read) { try $0.listSubjects($1) },
        Route(method: "POST", template: "/api/v1/subjects", access: .admin) { try $0.createSubject($1) },
        Route(method: "GET", template: "/api/v1/subjects/{name}", access: .read) { try $0.getSubject($1) },
        Route(method: "PATCH", template: "/api/v1/subjects/{name}", access: .admin) { try $0.updateSubject($1) },
        Route(method: "DELETE", template: "/api/v1/subjects/{name}", access: .admin) { try $0.deleteSubject($1) },
        Route(method: "GET", template: "/api/v1/subjects/{name}/faces", access: .read) { try $0.listFaces($1) },
        Route(method: "POST", template: "/api/v1/subjects/{name}/faces", access: .admin) { try $0.enrollFaces($1) },
        Route(method: "DELETE", template: "/api/v1/faces/{id}", access: .admin) { try $0.deleteFace($1) },
    ]

    /// Runs a gallery call, turning its errors into API errors.
    func withGallery<T>(_ body: () throws(GalleryError) -> T) throws(APIError) -> T {
        do { return try body() } catch { throw APIError(error) }
    }

    private func name(_ context: Route.Context) -> String { context.parameters["name"] ?? "" }

    func listSubjects(_ context: Route.Context) throws -> HTTPResponse {
        let offset = try context.request.integer("offset", in: 0...Int(Int32.max), default: 0)
        let limit = try context.request.integer("limit", in: 1...1000, default: 100)
        let (subjects, total) = try withGallery { () throws(GalleryError) in
            (try store.subjects(offset: offset, limit: limit), try store.subjectCount())
        }
        return .json(
            .object([
                ("subjects", .array(subjects.map(ResponseJSON.subject))), ("total", .integer(total)),
                ("offset", .integer(offset)), ("limit", .integer(limit)),
            ]))
    }

    func createSubject(_ context: Route.Context) throws -> HTTPResponse {
        let body = try jsonBody(context.request)
        guard let name = try body.string("name") else { throw APIError(.missingField, "the body needs a 'name'") }
        let metadata = try body.objectText("metadata")
        let subject = try withGallery { () throws(GalleryError) in
            try store.createSubject(named: name, metadataJSON: metadata)
        }
        return .json(ResponseJSON.subject(subject), status: 201)
    }

    func getSubject(_ context: Route.Context) throws -> HTTPResponse {
        let name = name(context)
        return .json(
            ResponseJSON.subject(try withGallery { () throws(GalleryError) in try store.subject(named: name) }))
    }

    /// Renames (`name`), merges (`merge_into`) or replaces metadata (`metadata`).
    func updateSubject(_ context: Route.Context) throws -> HTTPResponse {
        let name = name(context)
        let body = try jsonBody(context.request)
        let newName = try body.string("name")
        let target = try body.string("merge_into")
        let metadata = try body.objectText("metadata")
        if let target {
            guard newName == nil, metadata == nil else {
                throw APIError(.invalidArgument, "'merge_into' cannot be combined with 'name' or 'metadata'")
            }
            return .json(
                ResponseJSON.subject(
                    try withGallery { () throws(GalleryError) in try store.mergeSubject(named: name, into: target) }))
        }
        guard newName != nil || metadata != nil else {
            throw APIError(
                .missingField, "send 'name' to rename, 'merge_into' to merge, or 'metadata' to replace metadata")
        }
        if let newName { try withGallery { () throws(GalleryError) in try Subject.validateName(newName) } }
        return .json(
            ResponseJSON.subject(
                try withGallery { () throws(GalleryError) in
                    try store.updateSubject(named: name, newName: newName, metadataJSON: metadata)
                }))
    }

    func deleteSubject(_ context: Route.Context) throws -> HTTPResponse {
        let name = name(context)
        let count = try withGallery { () throws(GalleryError) in try store.deleteSubject(named: name) }
        return .json(.object([("deleted", .string(name)), ("faces_deleted", .integer(count))]))
    }

    func listFaces(_ context: Route.Context) throws -> HTTPResponse {
        let name = name(context)
        let faces = try withGallery { () throws(GalleryError) in
            _ = try store.subject(named: name)
            return try store.faces(ofSubjectNamed: name)
        }
        return .json(.object([("subject", .string(name)), ("faces", .array(faces.map(ResponseJSON.enrolledFace)))]))
    }

    func deleteFace(_ context: Route.Context) throws -> HTTPResponse {
        let text = context.parameters["id"] ?? ""
        guard let id = Int64(text) else { throw APIError(.invalidArgument, "a face id is an integer, got '\(text)'") }
        try withGallery { () throws(GalleryError) in try store.deleteFace(id: id) }
        return .json(.object([("deleted", .integer(Int(id)))]))
    }

    /// Enrols one face per image for the subject (created when missing); reports each image's outcome.
    func enrollFaces(_ context: Route.Context) throws -> HTTPResponse {
        let name = name(context)
        try withGallery { () throws(GalleryError) in try Subject.validateName(name) }
        let allowSeveral = try context.request.flag("allow_several_faces")
        let input = try RequestInput(context.request)
        let uploads = try input.images("image", allowsArray: false) + input.images("images", allowsArray: true)
        guard !uploads.isEmpty else {
            throw APIError(
                .missingField, "send one or more images: file fields named 'image', or JSON {\"images\": [base64, …]}")
        }
        let gallery = Gallery(store: store)
        let (results, enrolled) = try queue.run(deadline: context.deadline) {
            [self] () throws(APIError) -> ([JSONValue], Int) in
            var results: [JSONValue] = []
            var enrolled = 0
            for (index, upload) in uploads.enumerated() {
                var members: [(String, JSONValue)] = [("index", .integer(index))]
                if let filename = upload.filename { members.append(("filename", .string(filename))) }
                do throws(APIError) {
                    try checkDeadline(context.deadline)
                    var timing = StageTiming()
                    let image = try decode(upload, field: "image \(index)", timing: &timing)
                    let found = detect(in: image, timing: &timing)
                    guard !found.isEmpty else { throw APIError(.noFace, "no face found in image \(index)") }
                    guard found.count == 1 || allowSeveral else {
                        throw APIError(
                            .multipleFaces,
                            "image \(index) shows \(found.count) faces; send a photo of one person or set allow_several_faces=true"
                        )
                    }
                    let described = try describe([(image, found[0])], timing: &timing)
                    let sha256 = SHA256.hexDigest(upload.bytes)
                    let face = try withGallery { () throws(GalleryError) in
                        try gallery.enroll(
                            photoFaces: [Self.newFace(described[0], photoSHA256: sha256)], subject: name,
                            allowSeveralFaces: allowSeveral)
                    }
                    enrolled += 1
                    members.append(
                        (
                            "face",
                            .object([
                                ("id", .integer(Int(face.id))), ("box", ResponseJSON.box(face.face.box)),
                                ("confidence", .float(face.face.confidence)),
                            ])
                        ))
                } catch {
                    // The gallery failing is the whole request's failure, not one image's.
                    if error.code == .galleryUnavailable || error.code == .internalError {
                        throw error
                    }
                    members.append(
                        ("error", .object([("code", .string(error.code.name)), ("message", .string(error.message))])))
                }
                results.append(.object(members))
            }
            return (results, enrolled)
        }
        return .json(
            .object([("subject", .string(name)), ("results", .array(results))]), status: enrolled > 0 ? 201 : 422)
    }

    private func jsonBody(_ request: HTTPRequest) throws(APIError) -> JSONBody {
        guard request.mediaType == "application/json" else {
            throw APIError(.unsupportedMediaType, "send the body as application/json")
        }
        return try JSONBody(request.body)
    }
}
