import FaceCore
import FaceGallery
import FaceImage
import FaceGalleryPostgres
import FaceGallerySQLite
import FacePipeline
import Foundation

/// Opening the gallery named on the command line, and what gallery commands share.
enum GalleryAccess {
    /// The model every gallery made by this build is bound to.
    static let model = GalleryModel(id: KnownModel.faceDescriptor.identifier, dimension: 128)

    static let optionHelp = """
          --gallery LOCATION    sqlite:PATH or postgres://user@host:port/database (default: $FACEKIT_GALLERY,
                                else sqlite:$FACEKIT_HOME/gallery.sqlite; 'facekit gallery info' shows it).
        """

    /// The default location: `FACEKIT_GALLERY`, else a SQLite file in FaceKit's data directory.
    static func defaultLocation(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let gallery = environment["FACEKIT_GALLERY"], !gallery.isEmpty { return gallery }
        return "sqlite:" + ModelDirectory.dataHome(environment) + "/gallery.sqlite"
    }

    /// Opens the gallery named by `--gallery` (or the default), creating an SQLite file and its folder
    /// when missing. A SQLite gallery is searched exactly, or through an HNSW graph once it holds more
    /// than `approximateSearchAbove` faces.
    static func open(_ options: Arguments, approximateSearchAbove: Int? = nil) throws(CommandLineError) -> any GalleryStore {
        let text = options.value("gallery") ?? defaultLocation()
        let location: GalleryLocation
        do { location = try GalleryLocation(parsing: text) } catch { throw .usage(error.message) }
        do throws(GalleryError) {
            switch location {
            case .sqlite(let path):
                let folder = (path as NSString).deletingLastPathComponent
                if !folder.isEmpty { try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
                guard let limit = approximateSearchAbove else { return try SQLiteGalleryStore(path: path, model: model) }
                return try SQLiteGalleryStore(path: path, model: model) { InMemoryFaceIndex(dimension: $0, approximateAbove: limit) }
            case .postgres(let url):
                return try PostgresGalleryStore(url: url, model: model)
            }
        } catch {
            throw commandLineError(error, context: "gallery \(location)")
        }
    }

    /// The exit code and message for a gallery error.
    static func commandLineError(_ error: GalleryError, context: String? = nil) -> CommandLineError {
        let message = context.map { "\($0): \(error.message)" } ?? error.message
        switch error.code {
        case .subjectNotFound, .faceNotFound: return CommandLineError(.notFound, message)
        case .subjectExists: return CommandLineError(.alreadyExists, message)
        case .noFace: return CommandLineError(.noFace, message)
        case .multipleFaces: return CommandLineError(.multipleFaces, message)
        case .invalidName, .invalidArgument, .invalidLocation: return CommandLineError(.usage, message)
        default: return CommandLineError(.galleryUnavailable, message)
        }
    }

    /// Runs `body` on the gallery, closing it afterwards and turning gallery errors into exit codes.
    static func withGallery<T>(_ options: Arguments, _ body: (any GalleryStore) throws(GalleryError) -> T) throws(CommandLineError) -> T {
        let store = try open(options)
        defer { store.close() }
        do { return try body(store) } catch { throw commandLineError(error) }
    }

    /// A face the pipeline found, as the gallery stores it.
    static func newFace(_ face: DetectedFace, photoSHA256: String) -> NewFace {
        NewFace(descriptor: face.descriptor!, modelID: model.id, photoSHA256: photoSHA256, box: face.box,
                landmarks: face.landmarks, confidence: face.confidence)
    }

    /// Reads a photo for the gallery: its decoded image and the SHA-256 of its bytes.
    static func loadPhoto(_ path: String) throws(CommandLineError) -> (image: Image, sha256: String) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CommandLineError(.unreadableInput, "\(path): cannot read the file")
        }
        let bytes = [UInt8](data)
        do {
            return (try ImageDecoder.decode(bytes), SHA256.hexDigest(bytes))
        } catch {
            throw CommandLineError(.unreadableInput, "\(path): \(error.message)")
        }
    }

    static func json(_ subject: Subject) -> JSONValue {
        .object([
            ("name", .string(subject.name)), ("faces", .integer(subject.faceCount)),
            ("metadata", .raw(subject.metadataJSON)),
            ("created", .string(timestamp(subject.createdAt))), ("updated", .string(timestamp(subject.updatedAt))),
        ])
    }

    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        return formatter.string(from: date)
    }
}
