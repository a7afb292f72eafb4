import FaceCore
import FaceGallery
import FaceTestSupport
import Foundation

@testable import FaceGalleryPostgres

/// A database of its own for one test, created on the server named by `FACEKIT_TEST_POSTGRES_URL`
/// (`Scripts/postgres.sh env` prints it) and dropped afterwards, so tests can run in parallel.
struct PostgresTestDatabase {
    /// The server's URL, or nil when the PostgreSQL tests are not configured.
    static let serverURL = ProcessInfo.processInfo.environment["FACEKIT_TEST_POSTGRES_URL"]
    /// True when `FACEKIT_TEST_POSTGRES_URL` is set.
    static var isConfigured: Bool { serverURL != nil }

    /// The model most tests bind their gallery to.
    static let model = SyntheticFaces.model

    /// The database's name.
    let name: String
    /// A URL for the database.
    let url: String

    /// Creates a fresh, empty database, runs `body` with it and drops it, even when `body` throws.
    static func withFresh<T>(_ body: (PostgresTestDatabase) throws -> T) throws -> T {
        let database = try create()
        defer { database.drop() }
        return try body(database)
    }

    private static func create() throws -> PostgresTestDatabase {
        guard let serverURL, var components = URLComponents(string: serverURL) else {
            throw GalleryError(.invalidLocation, "FACEKIT_TEST_POSTGRES_URL is not set")
        }
        let name = "facekit_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        // A name made of letters, digits and underscores is safe to put in SQL text; statements that
        // name a database cannot take it as a parameter.
        try maintenance { try $0.query("CREATE DATABASE \(name)", operation: "create test database") }
        components.path = "/" + name
        return PostgresTestDatabase(name: name, url: components.string!)
    }

    private func drop() {
        _ = try? Self.maintenance {
            try $0.query("DROP DATABASE IF EXISTS \(name) WITH (FORCE)", operation: "drop test database")
        }
    }

    /// Runs `body` on a connection to the server's own database (not the test's).
    @discardableResult
    static func maintenance<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        guard let serverURL else { throw GalleryError(.invalidLocation, "FACEKIT_TEST_POSTGRES_URL is not set") }
        let location = try PostgresLocation(url: serverURL)
        return try body(PostgresConnection(url: serverURL, location: location.displayString, sessionSettings: []))
    }

    /// Runs `body` on a connection of its own to this test's database.
    @discardableResult
    func sql<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        let location = try PostgresLocation(url: url)
        return try body(PostgresConnection(url: url, location: location.displayString, sessionSettings: []))
    }

    /// Opens a store on this database.
    func store(
        model: GalleryModel = PostgresTestDatabase.model, poolSize: Int = 4,
        efSearch: Int = PostgresGalleryStore.defaultEFSearch
    ) throws -> PostgresGalleryStore {
        try PostgresGalleryStore(url: url, model: model, poolSize: poolSize, efSearch: efSearch)
    }
}

extension SyntheticFaces {
    /// A unit-length descriptor drawn from `random`.
    static func unitDescriptor(_ random: inout SeededRandom, dimension: Int = 128) -> Descriptor {
        let values = random.floats(dimension)
        let norm = values.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return Descriptor(values.map { $0 / norm })
    }
}
