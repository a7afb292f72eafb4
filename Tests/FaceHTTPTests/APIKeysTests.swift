import FaceCore
import FaceHTTP
import Testing

/// API keys: the file format, hashing, scopes, and how the service enforces them.
@Suite struct APIKeysTests {
    static let keyFile = """
        # scope name sha256
        read viewer \(SHA256.hexDigest(Array("read-secret".utf8)))

        admin operator \(SHA256.hexDigest(Array("admin-secret".utf8)))
        """

    @Test func keysAreMatchedByTheirHash() throws {
        let keys = try APIKeys(fileText: Self.keyFile)
        #expect(keys.entries.map(\.name) == ["viewer", "operator"])
        #expect(keys.entry(forKey: "read-secret")?.scope == .read)
        #expect(keys.entry(forKey: "admin-secret")?.name == "operator")
        #expect(keys.entry(forKey: "admin-secreT") == nil)
        #expect(keys.entry(forKey: "") == nil)
        let line = APIKeys.line(scope: .admin, name: "ci", key: "k")
        #expect(line == "admin ci \(SHA256.hexDigest(Array("k".utf8)))")
        #expect(try APIKeys(fileText: line).entry(forKey: "k")?.scope == .admin)
        let generated = APIKeys.generateKey()
        #expect(generated.hasPrefix("fk_") && generated.count == 67 && generated != APIKeys.generateKey())
    }

    @Test(arguments: [
        "write someone \(String(repeating: "a", count: 64))", "read someone abc", "read only-two-fields", "",
    ])
    func badKeyFilesAreRefused(_ text: String) {
        #expect(throws: APIError.self) { try APIKeys(fileText: text) }
    }

    @Test func routesNeedAKeyOfTheRightScope() throws {
        let fixture = try HTTPTestSupport.Fixture(.init(apiKeys: try APIKeys(fileText: Self.keyFile)))
        let anonymous = fixture.send("GET", "/api/v1/subjects")
        #expect(
            anonymous.status == 401 && anonymous.errorCode == "UNAUTHORIZED"
                && anonymous.headers["www-authenticate"] == "Bearer")
        #expect(fixture.send("GET", "/api/v1/subjects", headers: ["x-api-key": "guess"]).status == 401)
        #expect(fixture.send("POST", "/api/v1/verify", headers: ["Authorization": "Basic abc"]).status == 401)
        #expect(fixture.send("GET", "/api/v1/subjects", headers: ["x-api-key": "read-secret"]).status == 200)
        #expect(fixture.send("GET", "/api/v1/subjects", headers: ["Authorization": "Bearer read-secret"]).status == 200)

        let forbidden = fixture.send(
            "POST", "/api/v1/subjects", json: "{\"name\": \"Ana\"}", headers: ["x-api-key": "read-secret"])
        #expect(forbidden.status == 403 && forbidden.errorCode == "FORBIDDEN")
        #expect(fixture.send("DELETE", "/api/v1/faces/1", headers: ["x-api-key": "read-secret"]).status == 403)
        #expect(
            fixture.send(
                "POST", "/api/v1/subjects", json: "{\"name\": \"Ana\"}",
                headers: ["Authorization": "bearer admin-secret"]
            ).status == 201)
        #expect(fixture.send("GET", "/api/v1/subjects/Ana", headers: ["x-api-key": "admin-secret"]).status == 200)

        // Read-scope queries: a key of either scope passes; without one the request stops at the door.
        let noFaceForm = HTTPTestSupport.Multipart().file("image", HTTPTestSupport.blank).finished()
        #expect(fixture.send("POST", "/api/v1/detect", form: noFaceForm).status == 401)
        #expect(
            fixture.send("POST", "/api/v1/detect", form: noFaceForm, headers: ["x-api-key": "read-secret"]).status
                == 200)

        // Health, metrics, the document and the page stay open.
        for path in ["/health", "/api/v1/health", "/metrics", "/api/v1/openapi.json", "/"] {
            #expect(fixture.send("GET", path).status == 200, "\(path)")
        }
    }
}
