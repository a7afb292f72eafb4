import FaceGallery
import FaceGallerySQLite
import FaceHTTP
import FaceImage
import FacePipeline
import FaceTestSupport
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// What the FaceHTTP tests share: the real models loaded once, real photos, a fresh SQLite gallery per
/// service, and builders for request bodies.
enum HTTPTestSupport {
    static let model = GalleryModel(id: KnownModel.faceDescriptor.identifier, dimension: 128)

    /// The recognizer, loaded once for all tests.
    static let recognizer: FaceRecognizer = {
        do {
            return try FaceRecognizer(models: ModelDirectory(path: TestAssets.modelsDirectory), threads: 1)
        } catch {
            fatalError("the models are missing or damaged (run Scripts/setup.sh): \(error)")
        }
    }()

    /// A test photo, halved in each direction and saved as JPEG, so that detection stays quick.
    static func photo(_ name: String) throws -> [UInt8] {
        let image = try ImageDecoder.decode(contentsOf: TestAssets.photo(name))
        return try ImageEncoder.jpeg(image.resized(width: image.width / 2, height: image.height / 2))
    }

    static let obama = Result { try photo("obama.jpg") }
    static let obama2 = Result { try photo("obama2.jpg") }
    static let biden = Result { try photo("biden.jpg") }

    /// Two people side by side in one JPEG (obama.jpg and biden.jpg, halved, on one canvas).
    static let twoPeople = Result { () throws -> [UInt8] in
        let left = try ImageDecoder.decode(try obama.get())
        let right = try ImageDecoder.decode(try biden.get())
        let width = left.width + right.width
        let height = max(left.height, right.height)
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for (image, offset) in [(left, 0), (right, left.width)] {
            for y in 0..<image.height {
                let source = y * image.width * 3
                let target = (y * width + offset) * 3
                pixels[target..<target + image.width * 3] = image.pixels[source..<source + image.width * 3]
            }
        }
        return try ImageEncoder.jpeg(Image(width: width, height: height, pixels: pixels))
    }

    /// A PNG of a flat grey picture: decodable, with no face.
    static let blank: [UInt8] = (try? ImageEncoder.png(Image(width: 64, height: 48, filledWith: (128, 128, 128)))) ?? []

    /// A service over a new SQLite gallery in a temporary folder (removed with the returned handle).
    final class Fixture: @unchecked Sendable {
        let folder: String
        let store: SQLiteGalleryStore
        let service: FaceService

        init(_ configuration: FaceService.Configuration = FaceService.Configuration()) throws {
            folder = NSTemporaryDirectory() + "facekit-http-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            store = try SQLiteGalleryStore(path: folder + "/gallery.sqlite", model: HTTPTestSupport.model)
            service = FaceService(recognizer: HTTPTestSupport.recognizer, store: store, configuration: configuration)
        }

        deinit {
            store.close()
            try? FileManager.default.removeItem(atPath: folder)
        }

        /// Sends a request through the service in-process.
        func send(_ method: String, _ target: String, headers: [String: String] = [:], body: [UInt8] = []) -> Reply {
            Reply(service.handle(HTTPRequest(method: method, target: target, headers: headers, body: body)))
        }

        func send(_ method: String, _ target: String, json: String, headers: [String: String] = [:]) -> Reply {
            send(
                method, target, headers: headers.merging(["Content-Type": "application/json"]) { $1 },
                body: Array(json.utf8))
        }

        func send(_ method: String, _ target: String, form: Multipart, headers: [String: String] = [:]) -> Reply {
            send(method, target, headers: headers.merging(["Content-Type": form.contentType]) { $1 }, body: form.body)
        }
    }

    /// A reply, whether from the service in-process or read off a socket.
    typealias Reply = HTTPReply

    /// A multipart/form-data body.
    struct Multipart {
        let boundary = "facekit-test-\(UUID().uuidString)"
        private(set) var body: [UInt8] = []
        private var closed = false

        var contentType: String { "multipart/form-data; boundary=\(boundary)" }

        init() {}

        func file(_ name: String, _ bytes: [UInt8], filename: String = "photo.jpg", type: String = "image/jpeg")
            -> Multipart
        {
            var copy = self
            copy.body += Array(
                "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"; filename=\"\(filename)\"\r\nContent-Type: \(type)\r\n\r\n"
                    .utf8)
            copy.body += bytes + Array("\r\n".utf8)
            return copy
        }

        func field(_ name: String, _ value: String) -> Multipart {
            var copy = self
            copy.body += Array(
                "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
            return copy
        }

        /// The body with its closing delimiter.
        func finished() -> Multipart {
            var copy = self
            copy.body += Array("--\(boundary)--\r\n".utf8)
            return copy
        }
    }
}

extension HTTPReply {
    /// The reply the service produced in-process.
    init(_ response: HTTPResponse) {
        var headers: [String: String] = [:]
        for (name, value) in response.headers { headers[name.lowercased()] = value }
        self.init(status: response.status, headers: headers, body: response.body)
    }
}
