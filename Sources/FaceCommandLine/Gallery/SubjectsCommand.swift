import FaceCore
import FaceGallery

/// `facekit subjects`: list and change the gallery's people.
enum SubjectsCommand {
    static let command = Command(
        name: "subjects",
        summary: "List, show, rename, merge and delete the gallery's subjects",
        help: """
            Usage: facekit subjects list [--offset N] [--limit N] [--json]
                   facekit subjects show NAME [--json]
                   facekit subjects rename OLD NEW
                   facekit subjects merge SOURCE TARGET    (moves SOURCE's faces to TARGET, deletes SOURCE)
                   facekit subjects delete NAME            (deletes the subject and its faces)
            \(GalleryAccess.optionHelp)
            Exits 7 when a subject is not in the gallery, 8 when a new name is taken.
            """,
        run: run)

    static func run(_ arguments: [String]) throws(CommandLineError) -> ExitCode {
        let options = try Arguments(arguments, valueOptions: ["offset", "limit", "gallery"], flagOptions: ["json"])
        guard let action = options.positional.first else { throw .usage("give an action: list, show, rename, merge or delete") }
        let names = Array(options.positional.dropFirst())
        func expectNames(_ count: Int) throws(CommandLineError) {
            guard names.count == count else { throw .usage("'subjects \(action)' takes \(count) name\(count == 1 ? "" : "s"), got \(names.count)") }
        }
        let json = options.has("json")
        switch action {
        case "list":
            try expectNames(0)
            let offset = try options.integer("offset", in: 0...Int(Int32.max), default: 0)
            let limit = try options.integer("limit", in: 1...1_000_000, default: 1000)
            let (subjects, total) = try GalleryAccess.withGallery(options) { (store) throws(GalleryError) in
                (try store.subjects(offset: offset, limit: limit), try store.subjectCount())
            }
            if json {
                print(JSONValue.object([("total", .integer(total)), ("offset", .integer(offset)),
                                               ("subjects", .array(subjects.map(GalleryAccess.json)))]).rendered(.spaced))
            } else {
                for subject in subjects { print("\(subject.name)\t\(subject.faceCount) face\(subject.faceCount == 1 ? "" : "s")") }
                print("\(subjects.count) of \(total) subject\(total == 1 ? "" : "s")" + (offset > 0 ? " (from \(offset))" : ""))
            }
        case "show":
            try expectNames(1)
            let (subject, faces) = try GalleryAccess.withGallery(options) { (store) throws(GalleryError) in
                (try store.subject(named: names[0]), try store.faces(ofSubjectNamed: names[0]))
            }
            if json {
                var members: [(String, JSONValue)]
                if case .object(let base) = GalleryAccess.json(subject) { members = base } else { members = [] }
                members.append(("face_list", .array(faces.map {
                    .object([("id", .integer(Int($0.id))), ("box", CommandSupport.json($0.face.box)),
                             ("confidence", .float($0.face.confidence)), ("photo_sha256", .string($0.face.photoSHA256)),
                             ("created", .string(GalleryAccess.timestamp($0.createdAt)))])
                })))
                print(JSONValue.object(members).rendered(.spaced))
            } else {
                print("\(subject.name): \(subject.faceCount) face\(subject.faceCount == 1 ? "" : "s"), metadata \(subject.metadataJSON)")
                print("  created \(GalleryAccess.timestamp(subject.createdAt)), updated \(GalleryAccess.timestamp(subject.updatedAt))")
                for face in faces {
                    print("  face \(face.id): \(CommandSupport.describe(face.face.box)), photo \(face.face.photoSHA256.prefix(12))…, enrolled \(GalleryAccess.timestamp(face.createdAt))")
                }
            }
        case "rename":
            try expectNames(2)
            _ = try GalleryAccess.withGallery(options) { (store) throws(GalleryError) in
                try store.updateSubject(named: names[0], newName: names[1], metadataJSON: nil)
            }
            print("Renamed '\(names[0])' to '\(names[1])'.")
        case "merge":
            try expectNames(2)
            let merged = try GalleryAccess.withGallery(options) { (store) throws(GalleryError) in
                try store.mergeSubject(named: names[0], into: names[1])
            }
            print("Merged '\(names[0])' into '\(names[1])', which now has \(merged.faceCount) face\(merged.faceCount == 1 ? "" : "s").")
        case "delete":
            try expectNames(1)
            let removed = try GalleryAccess.withGallery(options) { (store) throws(GalleryError) in
                try store.deleteSubject(named: names[0])
            }
            print("Deleted '\(names[0])' and \(removed) face\(removed == 1 ? "" : "s").")
        default:
            throw .usage("unknown action '\(action)': use list, show, rename, merge or delete")
        }
        return .success
    }
}
