import FaceCore
import FaceGallery
import FaceGallerySQLite
import Foundation

/// `facekit gallery`: where the gallery is, and copying it to and from a file.
enum GalleryCommand {
    static let command = Command(
        name: "gallery",
        summary: "Show the gallery's location and size; export or import it",
        help: """
            Usage: facekit gallery info [--json]
                   facekit gallery export FILE
                   facekit gallery import FILE

            'export' writes every subject and face to FILE, one JSON object per line (the format is
            described in docs/gallery-exchange-format.md); 'import' adds such a file's subjects and faces
            to the gallery (faces of an existing subject are added to it). Both galleries must use the
            same descriptor model.
            \(GalleryAccess.optionHelp)
            """,
        run: run)

    static func run(_ arguments: [String]) throws(CommandLineError) -> ExitCode {
        let options = try Arguments(arguments, valueOptions: ["gallery"], flagOptions: ["json"])
        guard let action = options.positional.first else { throw .usage("give an action: info, export or import") }
        switch action {
        case "info":
            guard options.positional.count == 1 else { throw .usage("'gallery info' takes no arguments") }
            let (location, subjects, faces, path) = try GalleryAccess.withGallery(options) { (store) throws(GalleryError) in
                (store.location, try store.subjectCount(), try store.faceCount(), (store as? SQLiteGalleryStore)?.path)
            }
            let bytes = path.flatMap { try? FileManager.default.attributesOfItem(atPath: $0)[.size] as? Int }
            if options.has("json") {
                var members: [(String, JSONValue)] = [
                    ("location", .string(location)), ("model", .string(GalleryAccess.model.id)),
                    ("dimension", .integer(GalleryAccess.model.dimension)), ("subjects", .integer(subjects)), ("faces", .integer(faces)),
                ]
                if let bytes { members.append(("file_bytes", .integer(bytes))) }
                print(JSONValue.object(members).rendered(.spaced))
            } else {
                print("Gallery: \(location)")
                print("Model: \(GalleryAccess.model)")
                print("Subjects: \(subjects)")
                print("Faces: \(faces)")
                if let bytes { print("File size: \(bytes) bytes (WAL not included)") }
            }
        case "export":
            guard options.positional.count == 2 else { throw .usage("'gallery export' takes one file") }
            let written = try GalleryAccess.withGallery(options) { (store) throws(GalleryError) in
                try GalleryExchange.export(store, to: options.positional[1])
            }
            print("Exported \(written.subjects) subjects and \(written.faces) faces to \(options.positional[1]).")
        case "import":
            guard options.positional.count == 2 else { throw .usage("'gallery import' takes one file") }
            let summary = try GalleryAccess.withGallery(options) { (store) throws(GalleryError) in
                try GalleryExchange.importFile(options.positional[1], into: store)
            }
            print("Imported \(summary.facesAdded) faces: \(summary.subjectsCreated) new subjects, \(summary.subjectsExtended) existing subjects extended.")
        default:
            throw .usage("unknown action '\(action)': use info, export or import")
        }
        return .success
    }
}
