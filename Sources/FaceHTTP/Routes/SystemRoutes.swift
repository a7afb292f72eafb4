import FaceCore
import FaceGallery

// Health, metrics, the OpenAPI document and the web page.
extension FaceService {
    static let systemRoutes: [Route] = [
        Route(method: "GET", template: "/", access: .open) { _, _ in
            .text(WebPage.html, contentType: "text/html; charset=utf-8")
        },
        Route(method: "GET", template: "/health", access: .open) { service, _ in service.health() },
        Route(method: "GET", template: "/api/v1/health", access: .open) { service, _ in service.health() },
        Route(method: "GET", template: "/metrics", access: .open) { service, _ in service.metricsText() },
        Route(method: "GET", template: "/api/v1/metrics", access: .open) { service, _ in service.metricsText() },
        Route(method: "GET", template: "/api/v1/openapi.json", access: .open) { _, _ in
            HTTPResponse(
                status: 200, headers: [("Content-Type", "application/json; charset=utf-8")],
                body: OpenAPIDocument.bytes)
        },
    ]

    /// `ok` when the models are loaded and the gallery answers; `degraded` (503) otherwise.
    func health() -> HTTPResponse {
        var gallery: [(String, JSONValue)] = [("location", .string(store.location))]
        var reachable = false
        do {
            let subjects = try store.subjectCount()
            let faces = try store.faceCount()
            gallery += [("subjects", .integer(subjects)), ("faces", .integer(faces))]
            reachable = true
        } catch {
            gallery.append(("error", .string(error.message)))
        }
        gallery.insert(("reachable", .bool(reachable)), at: 0)
        // A service is only created around a loaded recognizer, so its models are always loaded here.
        let healthy = reachable
        return .json(
            .object([
                ("status", .string(healthy ? "ok" : "degraded")), ("models_loaded", .bool(true)),
                ("gallery", .object(gallery)),
            ]), status: healthy ? 200 : 503)
    }

    func metricsText() -> HTTPResponse {
        var gauges: [(name: String, help: String, value: Double)] = []
        let load = queue.load
        gauges.append(
            ("facekit_inference_queue_waiting", "Requests waiting for the face pipeline.", Double(load.waiting)))
        gauges.append(("facekit_inference_queue_running", "Requests in the face pipeline.", Double(load.running)))
        if let subjects = try? store.subjectCount(), let faces = try? store.faceCount() {
            gauges.append(("facekit_gallery_subjects", "Subjects in the gallery.", Double(subjects)))
            gauges.append(("facekit_gallery_faces", "Faces in the gallery.", Double(faces)))
        }
        return .text(metrics.exposition(gauges: gauges), contentType: "text/plain; version=0.0.4; charset=utf-8")
    }
}
