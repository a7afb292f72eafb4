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
            send(method, target, headers: headers.merging(["Content-Type": "application/json"]) { $1 }, body: Array(json.utf8))
        }

        func send(_ method: String, _ target: String, form: Multipart, headers: [String: String] = [:]) -> Reply {
            send(method, target, headers: headers.merging(["Content-Type": form.contentType]) { $1 }, body: form.body)
        }
    }

    /// A reply with its body parsed as JSON when it is JSON.
    struct Reply {
        let status: Int
        let headers: [String: String]
        let body: [UInt8]

        init(_ response: HTTPResponse) {
            status = response.status
            var headers: [String: String] = [:]
            for (name, value) in response.headers { headers[name.lowercased()] = value }
            self.headers = headers
            body = response.body
        }

        init(status: Int, headers: [String: String], body: [UInt8]) {
            self.status = status
            self.headers = headers
            self.body = body
        }

        var text: String { String(decoding: body, as: UTF8.self) }
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:] }
        /// The `error.code` of an error reply.
        var errorCode: String? { (json["error"] as? [String: Any])?["code"] as? String }
    }

    /// A multipart/form-data body.
    struct Multipart {
        let boundary = "facekit-test-\(UUID().uuidString)"
        private(set) var body: [UInt8] = []
        private var closed = false

        var contentType: String { "multipart/form-data; boundary=\(boundary)" }

        init() {}

        func file(_ name: String, _ bytes: [UInt8], filename: String = "photo.jpg", type: String = "image/jpeg") -> Multipart {
            var copy = self
            copy.body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"; filename=\"\(filename)\"\r\nContent-Type: \(type)\r\n\r\n".utf8)
            copy.body += bytes + Array("\r\n".utf8)
            return copy
        }

        func field(_ name: String, _ value: String) -> Multipart {
            var copy = self
            copy.body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
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

/// A deliberately plain HTTP/1.1 client over a socket, so tests can send what no well-behaved client
/// would: wrong lengths, half bodies, enormous headers, bytes trickling in.
final class RawHTTPConnection {
    let descriptor: Int32

    init(port: Int, receiveTimeoutSeconds: Int = 60) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw Failure("socket() failed") }
        var timeout = timeval(tv_sec: receiveTimeoutSeconds, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let status = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard status == 0 else {
            close(descriptor)
            throw Failure("connect() to port \(port) failed")
        }
    }

    deinit { close(descriptor) }

    struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    /// Writes bytes; returns false once the server has closed the connection.
    @discardableResult
    func write(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let count = bytes[offset...].withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if count <= 0 { return false }
            offset += count
        }
        return true
    }

    @discardableResult
    func write(_ text: String) -> Bool { write(Array(text.utf8)) }

    /// Reads until the server closes the connection (or the receive timeout passes).
    func readAll() -> [UInt8] {
        var result: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count <= 0 { break }
            result += buffer[0..<count]
        }
        return result
    }

    /// Parses an HTTP/1.1 reply read to the end of the connection.
    static func parse(_ bytes: [UInt8]) -> HTTPTestSupport.Reply? {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard let end = (0..<max(0, bytes.count - 3)).first(where: { Array(bytes[$0..<$0 + 4]) == separator }) else { return nil }
        let head = String(decoding: bytes[0..<end], as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = head[0].split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else { return nil }
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return HTTPTestSupport.Reply(status: status, headers: headers, body: Array(bytes[(end + 4)...]))
    }

    /// Sends a complete request with `Connection: close` and returns the parsed reply.
    static func request(port: Int, _ method: String, _ target: String, headers: [String: String] = [:],
                        body: [UInt8] = []) throws -> HTTPTestSupport.Reply {
        let connection = try RawHTTPConnection(port: port)
        var head = "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if !body.isEmpty || method == "POST" { head += "Content-Length: \(body.count)\r\n" }
        connection.write(head + "\r\n")
        connection.write(body)
        guard let reply = parse(connection.readAll()) else { throw Failure("no HTTP reply to \(method) \(target)") }
        return reply
    }
}
