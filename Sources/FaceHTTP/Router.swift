/// Who may call a route.
public enum RouteAccess: String, Sendable {
    /// Anyone (health, metrics, the OpenAPI document, the web page).
    case open
    /// A key of the read or admin scope.
    case read
    /// A key of the admin scope.
    case admin
}

/// A method and path template (`/api/v1/subjects/{name}`) bound to a handler.
struct Route: Sendable {
    /// What a handler receives: the request, its decoded path parameters and its deadline.
    struct Context: Sendable {
        let request: HTTPRequest
        let parameters: [String: String]
        let deadline: ContinuousClock.Instant
    }

    let method: String
    let template: String
    let access: RouteAccess
    let handler: @Sendable (FaceService, Context) throws -> HTTPResponse

    fileprivate var segments: [Substring] { template.split(separator: "/") }
}

/// Finds the route for a method and path; unknown paths are `NOT_FOUND`, known paths with another
/// method `METHOD_NOT_ALLOWED` with an `Allow` header.
struct Router: Sendable {
    let routes: [Route]

    init(_ routes: [Route]) {
        self.routes = routes
    }

    /// The route and its percent-decoded path parameters.
    func match(method: String, path: String) throws(APIError) -> (route: Route, parameters: [String: String]) {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        let trimmed = segments.last == "" ? Array(segments.dropLast()) : Array(segments)
        var allowed: [String] = []
        for route in routes {
            guard let parameters = try Self.parameters(route.segments, trimmed) else { continue }
            if route.method == method { return (route, parameters) }
            allowed.append(route.method)
        }
        guard allowed.isEmpty else {
            throw APIError(
                .methodNotAllowed, "\(path) does not accept \(method); it accepts \(allowed.joined(separator: ", "))",
                headers: [("Allow", allowed.joined(separator: ", "))])
        }
        throw APIError(.notFound, "no route for \(path); see /api/v1/openapi.json")
    }

    private static func parameters(_ template: [Substring], _ path: [Substring]) throws(APIError) -> [String: String]? {
        guard template.count == path.count else { return nil }
        var parameters: [String: String] = [:]
        for (pattern, segment) in zip(template, path) {
            if pattern.hasPrefix("{") && pattern.hasSuffix("}") {
                guard !segment.isEmpty else { return nil }
                guard let value = PercentEncoding.decode(String(segment)) else {
                    throw APIError(.badRequest, "the path segment '\(segment)' is not valid percent-encoded UTF-8")
                }
                parameters[String(pattern.dropFirst().dropLast())] = value
            } else if pattern != segment {
                return nil
            }
        }
        return parameters
    }
}
