import Dispatch
import FaceHTTP
import FaceTensor
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// `facekit serve`: the HTTP service.
enum ServeCommand {
    static let command = Command(
        name: "serve",
        summary: "Run the HTTP service (JSON API under /api/v1 and a web page at /)",
        help: """
            Usage: facekit serve [--host 127.0.0.1] [--port 8080] [--gallery LOCATION] [--api-keys FILE] [OPTIONS]
                   facekit serve --hash-key SCOPE NAME [KEY]

            Serves verification, identification, detection and the gallery over HTTP (see /api/v1/openapi.json).
            Prints 'listening on http://HOST:PORT' once ready, then one line per request on standard error.
            SIGTERM or SIGINT stops accepting connections, lets requests in progress finish, closes the
            gallery and exits 0.

            Without --api-keys every request is allowed, so the service listens on a loopback address only.
            The key file holds one key per line, 'SCOPE NAME SHA256HEX': SCOPE is read (verify, identify,
            detect, embed, reading subjects) or admin (everything, including enrolment and deletion), and
            SHA256HEX the SHA-256 of the key. '--hash-key SCOPE NAME [KEY]' prints such a line, generating
            a random key (printed on standard error) when KEY is not given.

            Options:
              --host ADDRESS          IPv4 address to listen on (default 127.0.0.1).
              --port N                Port (default 8080; 0 picks a free one).
              --api-keys FILE         Require API keys from FILE.
              --max-body-bytes N      Largest request body (default 10485760).
              --max-pixels N          Largest image, width × height (default 25000000).
              --deadline SECONDS      Longest time for one request, queueing included (default 30).
              --workers N             Requests in the face pipeline at once (default: cores).
              --queue N               Requests allowed to wait for the pipeline; more get 503 (default 16).
              --threads N             Threads per request in the pipeline (default 1).
              --connection-timeout S  Close connections idle for S seconds (default 30).
              --connections N         Most open connections (default 256).
              --approximate-above N   With a SQLite gallery, search inverted lists (about 4√N lists of Int8
                                      codes, exact re-rank of what they find) instead of scanning every face
                                      once the gallery holds more than N faces (default: always exact; an
                                      exact scan of 1M faces takes about 5 ms; the lists answer in about 1 ms
                                      at 1M and 2 ms at 10M with recall@10 above 0.99, and are built at
                                      start and when crossing N: about 20 s for 1M faces, 8 min for 10M).
              --quiet                 No per-request log lines.
            \(GalleryAccess.optionHelp)
            """,
        run: run)

    static func run(_ arguments: [String]) throws(CommandLineError) -> ExitCode {
        let options = try Arguments(
            arguments,
            valueOptions: [
                "host", "port", "gallery", "api-keys", "max-body-bytes", "max-pixels", "deadline", "workers",
                "queue", "threads", "connection-timeout", "connections", "approximate-above",
            ],
            flagOptions: ["quiet", "hash-key"])
        if options.has("hash-key") { return try hashKey(options.positional) }
        guard options.positional.isEmpty else { throw .usage("unexpected argument '\(options.positional[0])'") }

        let host = options.value("host") ?? "127.0.0.1"
        var keys: APIKeys?
        if let path = options.value("api-keys") {
            do { keys = try APIKeys(contentsOf: path) } catch { throw CommandLineError(.usage, error.message) }
        } else if !isLoopback(host) {
            throw .usage("without --api-keys the service listens on a loopback address only (127.x.x.x), not \(host)")
        }
        let cores = ComputeContext.availableCores
        let configuration = FaceService.Configuration(
            maxBodyBytes: try options.integer("max-body-bytes", in: 1024...1 << 30, default: 10 * 1024 * 1024),
            maxPixels: try options.integer("max-pixels", in: 1...400_000_000, default: 25_000_000),
            requestDeadline: .seconds(try options.integer("deadline", in: 1...3600, default: 30)),
            inferenceWorkers: try options.integer("workers", in: 1...64, default: cores),
            queueCapacity: try options.integer("queue", in: 0...10_000, default: 16),
            apiKeys: keys)
        let serverConfiguration = HTTPServer.Configuration(
            host: host, port: try options.integer("port", in: 0...65535, default: 8080),
            connectionLimit: try options.integer("connections", in: 1...10_000, default: 256),
            connectionTimeoutSeconds: try options.integer("connection-timeout", in: 1...3600, default: 30),
            logsRequests: !options.has("quiet"))
        let threads = try options.integer("threads", in: 1...256, default: 1)

        let recognizer = try CommandSupport.loadRecognizer(threads: threads)
        var approximateAbove: Int?
        if options.value("approximate-above") != nil {
            approximateAbove = try options.integer("approximate-above", in: 1...Int(Int32.max), default: 1_000_000)
        }
        let store = try GalleryAccess.open(options, approximateSearchAbove: approximateAbove)
        defer { store.close() }
        let service = FaceService(recognizer: recognizer, store: store, configuration: configuration)

        // Signals are handled on a queue of their own, so the default handlers must not run.
        signal(SIGTERM, SIG_IGN)
        signal(SIGINT, SIG_IGN)
        signal(SIGPIPE, SIG_IGN)
        let stopRequested = DispatchSemaphore(value: 0)
        let signalQueue = DispatchQueue(label: "facekit.serve.signals")
        let sources = [SIGTERM, SIGINT].map { number in
            let source = DispatchSource.makeSignalSource(signal: number, queue: signalQueue)
            source.setEventHandler { stopRequested.signal() }
            source.resume()
            return source
        }
        defer { for source in sources { source.cancel() } }

        let server: HTTPServer
        do {
            server = try HTTPServer(service: service, configuration: serverConfiguration)
        } catch {
            throw CommandLineError(.failure, error.message)
        }
        let access =
            keys.map { "\($0.entries.count) API key\($0.entries.count == 1 ? "" : "s")" }
            ?? "no API keys: every request is allowed, listening on loopback only"
        FaceKitCommand.printError(
            "facekit serve: gallery \(store.location); \(access); "
                + "\(configuration.inferenceWorkers) workers, queue \(configuration.queueCapacity)")
        print("listening on http://\(host):\(server.port)")
        fflush(nil)

        stopRequested.wait()
        FaceKitCommand.printError("facekit serve: stopping; waiting for requests in progress")
        server.stop(gracePeriod: configuration.requestDeadline)
        FaceKitCommand.printError("facekit serve: stopped; gallery closed")
        return .success
    }

    private static func isLoopback(_ host: String) -> Bool {
        host.hasPrefix("127.") && host.split(separator: ".").count == 4
    }

    private static func hashKey(_ positional: [String]) throws(CommandLineError) -> ExitCode {
        guard (2...3).contains(positional.count), let scope = APIKeys.Scope(rawValue: positional[0]) else {
            throw .usage("--hash-key takes SCOPE NAME [KEY], where SCOPE is read or admin")
        }
        let name = positional[1]
        guard !name.isEmpty, !name.contains(where: \.isWhitespace) else { throw .usage("a key NAME has no spaces") }
        let key = positional.count == 3 ? positional[2] : APIKeys.generateKey()
        if positional.count == 2 {
            FaceKitCommand.printError("key for \(name) (give it to the client; it is not stored): \(key)")
        }
        print(APIKeys.line(scope: scope, name: name, key: key))
        return .success
    }
}
