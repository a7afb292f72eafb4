import FaceCore
import FaceGallery
import FaceGalleryPostgres
import FaceTestSupport
import Testing

/// Search in PostgreSQL against an exact computation in Swift over the same synthetic gallery.
@Suite(.enabled(if: PostgresTestDatabase.isConfigured, "needs FACEKIT_TEST_POSTGRES_URL (Scripts/postgres.sh env)"))
struct PostgresSearchTests {
    /// 300 unit-length descriptors in 60 subjects of 5 faces each.
    struct Gallery {
        var subjects: [(name: String, faces: [EnrolledFace])] = []
        var allFaces: [EnrolledFace] { subjects.flatMap(\.faces) }
    }

    static func enrol(_ store: PostgresGalleryStore, random: inout SeededRandom) throws -> Gallery {
        var gallery = Gallery()
        for subject in 0..<60 {
            let faces = (0..<5).map { _ in SyntheticFaces.face(SyntheticFaces.unitDescriptor(&random)) }
            let name = "Subject \(subject)"
            gallery.subjects.append((name, try store.addFaces(faces, toSubjectNamed: name, createSubject: true)))
        }
        return gallery
    }

    /// The exact answer: every face measured, each subject scored by its closest face.
    static func bruteForce(_ query: Descriptor, in gallery: Gallery, count: Int) -> [(
        name: String, faceID: Int64, distance: Float
    )] {
        let scored = gallery.subjects.map { subject in
            let closest = subject.faces.map { (face: $0, distance: query.euclideanDistance(to: $0.face.descriptor)) }
                .min { $0.distance < $1.distance }!
            return (name: subject.name, faceID: closest.face.id, distance: closest.distance)
        }
        return Array(scored.sorted { $0.distance < $1.distance }.prefix(count))
    }

    @Test func searchMatchesBruteForceWithAWideEFSearch() throws {
        try PostgresTestDatabase.withFresh { database in
            let store = try database.store(efSearch: 400)
            defer { store.close() }
            var random = SeededRandom(seed: 42)
            let gallery = try Self.enrol(store, random: &random)
            // Half the queries are fresh points, half are gallery faces slightly moved.
            var queries = (0..<20).map { _ in SyntheticFaces.unitDescriptor(&random) }
            for face in gallery.allFaces.shuffled(using: &random).prefix(20) {
                queries.append(
                    Descriptor(zip(face.face.descriptor.values, random.floats(128, in: -0.02...0.02)).map(+)))
            }
            let results = try store.nearestSubjects(to: queries, count: 10)
            #expect(results.count == queries.count)
            for (query, found) in zip(queries, results) {
                let expected = Self.bruteForce(query, in: gallery, count: 10)
                #expect(found.map(\.subjectName) == expected.map(\.name))
                #expect(found.map(\.closestFaceID) == expected.map(\.faceID))
                for (match, exact) in zip(found, expected) {
                    #expect(abs(match.euclideanDistance - exact.distance) <= 1e-5)
                }
            }
        }
    }

    @Test func askingForMoreSubjectsThanEFSearchStillFindsThemAll() throws {
        try PostgresTestDatabase.withFresh { database in
            // 300 faces but only 20 candidates per walk: reaching all 60 subjects takes an
            // index scan that goes on past ef_search.
            let store = try database.store(efSearch: 20)
            defer { store.close() }
            var random = SeededRandom(seed: 7)
            let gallery = try Self.enrol(store, random: &random)
            let query = SyntheticFaces.unitDescriptor(&random)
            let found = try store.nearestSubjects(to: [query], count: 100)[0]
            #expect(found.count == 60)
            #expect(Set(found.map(\.subjectName)) == Set(gallery.subjects.map(\.name)))
            #expect(zip(found, found.dropFirst()).allSatisfy { $0.euclideanDistance <= $1.euclideanDistance })
        }
    }

    @Test func recallAtTenStaysAboveAFloorWithTheDefaultEFSearch() throws {
        try PostgresTestDatabase.withFresh { database in
            let store = try database.store()
            defer { store.close() }
            var random = SeededRandom(seed: 9)
            let gallery = try Self.enrol(store, random: &random)
            let queries = (0..<50).map { _ in SyntheticFaces.unitDescriptor(&random) }
            let results = try store.nearestSubjects(to: queries, count: 10)
            var hits = 0
            for (query, found) in zip(queries, results) {
                let expected = Set(Self.bruteForce(query, in: gallery, count: 10).map(\.name))
                hits += found.filter { expected.contains($0.subjectName) }.count
            }
            let recall = Double(hits) / Double(10 * queries.count)
            #expect(recall >= 0.95, "recall@10 \(recall)")
        }
    }

    @Test func anEmptyGalleryFindsNobody() throws {
        try PostgresTestDatabase.withFresh { database in
            let store = try database.store()
            defer { store.close() }
            var random = SeededRandom(seed: 10)
            let found = try store.nearestSubjects(to: [SyntheticFaces.unitDescriptor(&random)], count: 3)
            #expect(found == [[]])
            #expect(try store.nearestSubjects(to: [], count: 3).isEmpty)
        }
    }
}
