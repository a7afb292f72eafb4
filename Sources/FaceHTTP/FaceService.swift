import FaceGallery
import FacePipeline
import Foundation

/// The FaceKit HTTP API, independent of any transport: ``handle(_:)`` turns a request into a reply.
///
/// ``HTTPServer`` feeds it requests from sockets; tests call it directly. It shares one
/// ``FaceRecognizer`` and one gallery store among all requests, sends face-pipeline work through a
/// bounded queue, checks API keys, and counts every reply in ``metrics``.
public final class FaceService: Sendable {
    /// Limits and settings.
    public struct Configuration: Sendable {
        /// Largest request body accepted, in bytes.
        public var maxBodyBytes: Int
        /// Largest image accepted, in pixels (width × height as the file declares it).
        public var maxPixels: Int
        /// How long a request may take from arrival to reply, including time in the queue.
        public var requestDeadline: Duration
        /// Requests running through the face pipeline at once.
        public var inferenceWorkers: Int
        /// Requests allowed to wait for the pipeline; more are refused with `OVERLOADED`.
        public var queueCapacity: Int
        /// The accepted API keys; nil lets every request through (for loopback-only use).
        public var apiKeys: APIKeys?

        /// Creates a configuration; the defaults suit a 2-core machine.
        public init(
            maxBodyBytes: Int = 10 * 1024 * 1024, maxPixels: Int = 25_000_000,
            requestDeadline: Duration = .seconds(30), inferenceWorkers: Int = 2, queueCapacity: Int = 16,
            apiKeys: APIKeys? = nil
        ) {
            self.maxBodyBytes = maxBodyBytes
            self.maxPixels = maxPixels
            self.requestDeadline = requestDeadline
            self.inferenceWorkers = inferenceWorkers
            self.queueCapacity = queueCapacity
            self.apiKeys = apiKeys
        }
    }

    /// The settings.
    public let configuration: Configuration
    /// The face pipeline, shared by every request.
    let recognizer: FaceRecognizer
    /// The gallery store, shared by every request.
    let store: any GalleryStore
    /// Request and stage counters.
    public let metrics = Metrics()
    let queue: InferenceQueue
    /// Every route the service answers.
    static let router = Router(systemRoutes + recognitionRoutes + subjectRoutes)

    /// Creates the service over a loaded recognizer and an open gallery store (which the caller closes).
    public init(recognizer: FaceRecognizer, store: any GalleryStore, configuration: Configuration = Configuration()) {
        self.recognizer = recognizer
        self.store = store
        self.configuration = configuration
        queue = InferenceQueue(workers: configuration.inferenceWorkers, capacity: configuration.queueCapacity)
    }

    deinit { queue.stop() }

    /// The `(method, path template, access)` of every route, for documentation checks.
    public static var routeTable: [(method: String, path: String, access: RouteAccess)] {
        router.routes.map { ($0.method, $0.template, $0.access) }
    }

    /// Answers one request. Never throws: every failure becomes an error reply.
    public func handle(_ request: HTTPRequest) -> HTTPResponse {
        let start = ContinuousClock.now
        var routeName = "unmatched"
        var response: HTTPResponse
        do {
            let (route, parameters) = try Self.router.match(method: request.method, path: request.path)
            routeName = route.template
            try authorize(request, access: route.access)
            response = try route.handler(
                self,
                Route.Context(
                    request: request, parameters: parameters,
                    deadline: start + configuration.requestDeadline))
        } catch {
            response = APIError.from(error).response
        }
        metrics.recordRequest(
            route: routeName, method: request.method, status: response.status,
            seconds: Self.seconds(start.duration(to: .now)))
        return response
    }

    /// A reply the transport produced without a route (an oversized or late body), counted like the rest.
    func record(_ error: APIError, method: String) -> HTTPResponse {
        metrics.recordRequest(route: "unmatched", method: method, status: error.code.status, seconds: 0)
        return error.response
    }

    private func authorize(_ request: HTTPRequest, access: RouteAccess) throws(APIError) {
        guard access != .open, let keys = configuration.apiKeys else { return }
        let challenge = [(name: "WWW-Authenticate", value: "Bearer")]
        guard let key = APIKeys.presentedKey(request) else {
            throw APIError(
                .unauthorized, "this route needs an API key in x-api-key or Authorization: Bearer", headers: challenge)
        }
        guard let entry = keys.entry(forKey: key) else {
            throw APIError(.unauthorized, "the API key is not valid", headers: challenge)
        }
        if access == .admin && entry.scope != .admin {
            throw APIError(.forbidden, "this route needs an admin key; the key given has the read scope")
        }
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }
}
