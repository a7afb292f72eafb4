import FaceHTTP
import Foundation
import Testing

/// The OpenAPI document served by the service describes exactly the routes the router answers.
@Suite struct OpenAPIDocumentTests {
    @Test func everyRouteIsDocumentedAndEveryDocumentedOperationIsRouted() throws {
        let fixture = try HTTPTestSupport.Fixture()
        let reply = fixture.send("GET", "/api/v1/openapi.json")
        #expect(reply.status == 200)
        let document = reply.json
        #expect(document["openapi"] as? String == "3.1.0")
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        let methods: Set<String> = ["get", "post", "put", "patch", "delete", "head", "options"]
        var documented = Set<String>()
        for (path, item) in paths {
            for method in item.keys where methods.contains(method) {
                documented.insert("\(method.uppercased()) \(path)")
            }
        }
        let routed = Set(FaceService.routeTable.map { "\($0.method) \($0.path)" })
        #expect(
            routed.subtracting(documented).isEmpty,
            "routes missing from the document: \(routed.subtracting(documented).sorted())")
        #expect(
            documented.subtracting(routed).isEmpty,
            "documented operations with no route: \(documented.subtracting(routed).sorted())")

        // Every schema reference resolves, and every error code the service can send is listed.
        let schemas = try #require((document["components"] as? [String: Any])?["schemas"] as? [String: Any])
        let references = Set(
            reply.text.matches(of: /"#\/components\/schemas\/([A-Za-z]+)"/).map { String($0.output.1) })
        #expect(references.isSubset(of: Set(schemas.keys)), "\(references.subtracting(schemas.keys))")
        for code in APIError.Code.all { #expect(reply.text.contains("\"\(code.name)\"")) }
        // Protected operations document 401; open ones declare no security.
        for route in FaceService.routeTable {
            let operation = try #require(paths[route.path]?[route.method.lowercased()] as? [String: Any])
            let responses = try #require(operation["responses"] as? [String: Any])
            if route.access == .open {
                #expect((operation["security"] as? [Any])?.isEmpty == true, "\(route.method) \(route.path)")
            } else {
                #expect(responses["401"] != nil, "\(route.method) \(route.path)")
            }
            if route.access == .admin { #expect(responses["403"] != nil, "\(route.method) \(route.path)") }
        }
    }
}
