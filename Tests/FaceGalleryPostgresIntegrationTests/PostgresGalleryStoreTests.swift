import FaceCore
import FaceGallery
import FaceTestSupport
import Foundation
import Testing

@testable import FaceGalleryPostgres

@Suite(.enabled(if: PostgresTestDatabase.isConfigured, "needs FACEKIT_TEST_POSTGRES_URL (Scripts/postgres.sh env)"))
struct PostgresGalleryStoreTests {
    @Test(arguments: GalleryStoreConformance.checks)
    func conformance(_ check: GalleryStoreConformance.Check) throws {
        try PostgresTestDatabase.withFresh { database in
            let url = database.url
            try check.run { model in try PostgresGalleryStore(url: url, model: model) }
        }
    }

    // MARK: - Schema

    @Test func freshDatabaseGetsTheSchemaBoundToTheModel() throws {
        try PostgresTestDatabase.withFresh { database in
            let store = try database.store()
            defer { store.close() }
            try database.sql { connection in
                let meta = try connection.query(
                    "SELECT schema_version, model_id, dimension FROM facekit_meta",
                    operation: "test")
                #expect(meta.count == 1)
                #expect(meta.text(0, 0) == String(PostgresSchema.currentVersion))
                #expect(meta.text(0, 1) == PostgresTestDatabase.model.id)
                #expect(meta.text(0, 2) == "128")
                let column = try connection.query(
                    """
                    SELECT format_type(atttypid, atttypmod) FROM pg_attribute
                    WHERE attrelid = 'faces'::regclass AND attname = 'descriptor'
                    """, operation: "test")
                #expect(column.text(0, 0) == "vector(128)")
                let index = try connection.query(
                    "SELECT indexdef FROM pg_indexes WHERE indexname = 'faces_descriptor_hnsw'", operation: "test")
                let definition = try #require(index.text(0, 0))
                #expect(definition.contains("USING hnsw"))
                #expect(definition.contains("vector_l2_ops"))
                let foreignKey = try connection.query(
                    "SELECT confdeltype FROM pg_constraint WHERE conrelid = 'faces'::regclass AND contype = 'f'",
                    operation: "test")
                #expect(foreignKey.text(0, 0) == "c")  // ON DELETE CASCADE
            }
            try store.verifyIntegrity()
        }
    }

    @Test func reopeningKeepsTheDataAndTheModelBinding() throws {
        try PostgresTestDatabase.withFresh { database in
            var random = SeededRandom(seed: 1)
            let first = try database.store()
            let enrolled = try first.addFaces(
                [SyntheticFaces.face(SyntheticFaces.unitDescriptor(&random))],
                toSubjectNamed: "Ada", createSubject: true)
            first.close()

            let second = try database.store()
            defer { second.close() }
            #expect(try second.face(id: enrolled[0].id).face.descriptor == enrolled[0].face.descriptor)

            let otherModel = GalleryModel(id: "another-model@fedcba9876543210", dimension: 128)
            let wrongModel = #expect(throws: GalleryError.self) { try database.store(model: otherModel) }
            #expect(wrongModel?.code == .modelMismatch)
            let otherDimension = GalleryModel(id: PostgresTestDatabase.model.id, dimension: 512)
            let wrongDimension = #expect(throws: GalleryError.self) { try database.store(model: otherDimension) }
            #expect(wrongDimension?.code == .modelMismatch)
        }
    }

    @Test func aNewerSchemaVersionIsRefused() throws {
        try PostgresTestDatabase.withFresh { database in
            try database.store().close()
            try database.sql { try $0.query("UPDATE facekit_meta SET schema_version = 99", operation: "test") }
            let error = #expect(throws: GalleryError.self) { try database.store() }
            #expect(error?.code == .unsupportedSchema)
            #expect(error?.message.contains("99") == true)
        }
    }

    @Test func storesOpenedTogetherOnAFreshDatabaseCreateTheSchemaOnce() throws {
        try PostgresTestDatabase.withFresh { database in
            let failures = Counter()
            DispatchQueue.concurrentPerform(iterations: 4) { _ in
                do { try database.store(poolSize: 1).close() } catch { failures.add(1) }
            }
            #expect(failures.value == 0)
            let rows = try database.sql { try $0.query("SELECT count(*) FROM facekit_meta", operation: "test") }
            #expect(rows.text(0, 0) == "1")
        }
    }

    @Test func theDimensionComesFromTheModel() throws {
        try PostgresTestDatabase.withFresh { database in
            let small = GalleryModel(id: "small-model", dimension: 3)
            let store = try database.store(model: small)
            defer { store.close() }
            let face = SyntheticFaces.face(Descriptor([0.6, 0.8, 0]), model: small)
            _ = try store.addFaces([face], toSubjectNamed: "Small", createSubject: true)
            let column = try database.sql {
                try $0.query(
                    "SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
                        + "WHERE attrelid = 'faces'::regclass AND attname = 'descriptor'", operation: "test")
            }
            #expect(column.text(0, 0) == "vector(3)")
            let wrongLength = SyntheticFaces.face(Descriptor([1, 0]), model: small)
            let error = #expect(throws: GalleryError.self) {
                try store.addFaces([wrongLength], toSubjectNamed: "Small", createSubject: false)
            }
            #expect(error?.code == .modelMismatch)
        }
    }

    // MARK: - Subjects

    @Test func subjectNamesAreUnique() throws {
        try PostgresTestDatabase.withFresh { database in
            let store = try database.store()
            defer { store.close() }
            let ada = try store.createSubject(named: "Ada", metadataJSON: #"{"team": "blue", "age": 36}"#)
            #expect(ada.metadataJSON == #"{"age":36,"team":"blue"}"#)
            #expect(ada.faceCount == 0)
            _ = try store.createSubject(named: "Grace", metadataJSON: nil)

            let duplicate = #expect(throws: GalleryError.self) {
                try store.createSubject(named: "Ada", metadataJSON: nil)
            }
            #expect(duplicate?.code == .subjectExists)
            #expect(duplicate.map { !$0.description.contains("Ada") } == true)
            let renameOntoTaken = #expect(throws: GalleryError.self) {
                try store.updateSubject(named: "Grace", newName: "Ada", metadataJSON: nil)
            }
            #expect(renameOntoTaken?.code == .subjectExists)
            // Names compare exactly: another case is another name.
            _ = try store.createSubject(named: "ada", metadataJSON: nil)
            #expect(try store.subjectCount() == 3)
            #expect(try store.subjects(offset: 0, limit: 10).map(\.name) == ["Ada", "Grace", "ada"])
            #expect(try store.subjects(offset: 1, limit: 1).map(\.name) == ["Grace"])
        }
    }

    @Test func badInputGetsClearErrors() throws {
        try PostgresTestDatabase.withFresh { database in
            let store = try database.store()
            defer { store.close() }
            let empty = #expect(throws: GalleryError.self) { try store.createSubject(named: "", metadataJSON: nil) }
            #expect(empty?.code == .invalidName)
            let notObject = #expect(throws: GalleryError.self) {
                try store.createSubject(named: "A", metadataJSON: "[1]")
            }
            #expect(notObject?.code == .invalidArgument)
            let missing = #expect(throws: GalleryError.self) { try store.subject(named: "Nobody") }
            #expect(missing?.code == .subjectNotFound)
            let noFace = #expect(throws: GalleryError.self) { try store.face(id: 12345) }
            #expect(noFace?.code == .faceNotFound)
            let noFaceToDelete = #expect(throws: GalleryError.self) { try store.deleteFace(id: 12345) }
            #expect(noFaceToDelete?.code == .faceNotFound)
            let negative = #expect(throws: GalleryError.self) { try store.subjects(offset: -1, limit: 5) }
            #expect(negative?.code == .invalidArgument)

            var random = SeededRandom(seed: 2)
            var otherModel = SyntheticFaces.face(SyntheticFaces.unitDescriptor(&random))
            otherModel.modelID = "another-model"
            let good = SyntheticFaces.face(SyntheticFaces.unitDescriptor(&random))
            let mismatch = #expect(throws: GalleryError.self) {
                try store.addFaces([good, otherModel], toSubjectNamed: "A", createSubject: true)
            }
            #expect(mismatch?.code == .modelMismatch)
            #expect(try store.subjectCount() == 0)  // nothing was written, not even the subject
            var notANumber = good
            notANumber.descriptor = Descriptor([Float.nan] + Array(repeating: 0, count: 127))
            let nan = #expect(throws: GalleryError.self) {
                try store.addFaces([notANumber], toSubjectNamed: "A", createSubject: true)
            }
            #expect(nan?.code == .invalidArgument)
            let notCreated = #expect(throws: GalleryError.self) {
                try store.addFaces([good], toSubjectNamed: "A", createSubject: false)
            }
            #expect(notCreated?.code == .subjectNotFound)
            let zeroCount = #expect(throws: GalleryError.self) {
                try store.nearestSubjects(to: [good.descriptor], count: 0)
            }
            #expect(zeroCount?.code == .invalidArgument)
            let shortQuery = #expect(throws: GalleryError.self) {
                try store.nearestSubjects(to: [Descriptor([1, 0])], count: 1)
            }
            #expect(shortQuery?.code == .modelMismatch)
        }
    }

    @Test func updatingRenamesAndReplacesMetadata() throws {
        try PostgresTestDatabase.withFresh { database in
            let store = try database.store()
            defer { store.close() }
            let created = try store.createSubject(named: "Ada", metadataJSON: #"{"a": 1}"#)
            let renamed = try store.updateSubject(named: "Ada", newName: "Ada Lovelace", metadataJSON: nil)
            #expect(renamed.id == created.id)
            #expect(renamed.metadataJSON == #"{"a":1}"#)
            #expect(renamed.updatedAt >= created.updatedAt)
            let updated = try store.updateSubject(named: "Ada Lovelace", newName: nil, metadataJSON: #"{"b": [true]}"#)
            #expect(updated.name == "Ada Lovelace")
            #expect(updated.metadataJSON == #"{"b":[true]}"#)
            let missing = #expect(throws: GalleryError.self) {
                try store.updateSubject(named: "Ada", newName: "X", metadataJSON: nil)
            }
            #expect(missing?.code == .subjectNotFound)
        }
    }

    // MARK: - Faces

    @Test func facesRoundTripExactly() throws {
        try PostgresTestDatabase.withFresh { database in
            let store = try database.store()
            defer { store.close() }
            var random = SeededRandom(seed: 3)
            // Values without a short decimal form check that text transfer loses nothing.
            let faces = (0..<3).map { index in
                var face = SyntheticFaces.face(SyntheticFaces.unitDescriptor(&random), index: index)
                face.box = BoundingBox(x: 0.1 + Double(index) / 3, y: 1e-300, width: 123.456789012345, height: .pi)
                face.landmarks = FaceLandmarks((0..<5).map { Point2D(x: Double($0) / 7, y: -Double($0) * 1e10) })
                face.confidence = Float.pi / Float(index + 1)
                return face
            }
            let enrolled = try store.addFaces(faces, toSubjectNamed: "Ada", createSubject: true)
            #expect(enrolled.count == 3)
            #expect(Set(enrolled.map(\.id)).count == 3)
            let read = try store.faces(ofSubjectNamed: "Ada")
            #expect(read.map(\.id) == enrolled.map(\.id))
            for (stored, original) in zip(read, faces) {
                #expect(stored.subjectName == "Ada")
                #expect(stored.face.descriptor.values.map(\.bitPattern) == original.descriptor.values.map(\.bitPattern))
                #expect(stored.face.box == original.box)
                #expect(stored.face.landmarks == original.landmarks)
                #expect(stored.face.confidence == original.confidence)
                #expect(stored.face.photoSHA256 == original.photoSHA256)
                #expect(stored.face.modelID == original.modelID)
            }
            #expect(try store.subject(named: "Ada").faceCount == 3)
            #expect(try store.faceCount() == 3)

            try store.deleteFace(id: enrolled[1].id)
            #expect(try store.faces(ofSubjectNamed: "Ada").map(\.id) == [enrolled[0].id, enrolled[2].id])
            try store.deleteFace(id: enrolled[0].id)
            try store.deleteFace(id: enrolled[2].id)
            // A subject left without faces stays.
            #expect(try store.faces(ofSubjectNamed: "Ada").isEmpty)
            #expect(try store.subject(named: "Ada").faceCount == 0)
        }
    }

    @Test func deletingASubjectDeletesItsFaces() throws {
        try PostgresTestDatabase.withFresh { database in
            let store = try database.store()
            defer { store.close() }
            var random = SeededRandom(seed: 4)
            let faces = (0..<4).map { _ in SyntheticFaces.face(SyntheticFaces.unitDescriptor(&random)) }
            let ada = try store.addFaces(faces, toSubjectNamed: "Ada", createSubject: true)
            _ = try store.addFaces([faces[0]], toSubjectNamed: "Grace", createSubject: true)

            #expect(try store.deleteSubject(named: "Ada") == 4)
            #expect(try store.faceCount() == 1)
            let gone = #expect(throws: GalleryError.self) { try store.face(id: ada[0].id) }
            #expect(gone?.code == .faceNotFound)
            let rows = try database.sql {
                try $0.query(
                    "SELECT count(*) FROM faces WHERE subject_id NOT IN (SELECT id FROM subjects)",
                    operation: "test")
            }
            #expect(rows.text(0, 0) == "0")
            let again = #expect(throws: GalleryError.self) { try store.deleteSubject(named: "Ada") }
            #expect(again?.code == .subjectNotFound)
        }
    }

    @Test func mergingMovesEveryFace() throws {
        try PostgresTestDatabase.withFresh { database in
            let store = try database.store()
            defer { store.close() }
            var random = SeededRandom(seed: 5)
            let probe = SyntheticFaces.unitDescriptor(&random)
            let source = try store.addFaces(
                [
                    SyntheticFaces.face(probe),
                    SyntheticFaces.face(SyntheticFaces.unitDescriptor(&random)),
                ],
                toSubjectNamed: "Ada (old)", createSubject: true)
            _ = try store.addFaces(
                [SyntheticFaces.face(SyntheticFaces.unitDescriptor(&random))],
                toSubjectNamed: "Ada", createSubject: true)

            let merged = try store.mergeSubject(named: "Ada (old)", into: "Ada")
            #expect(merged.name == "Ada")
            #expect(merged.faceCount == 3)
            #expect(try store.subjectCount() == 1)
            #expect(try store.face(id: source[0].id).subjectName == "Ada")
            let found = try store.nearestSubjects(to: [probe], count: 1)
            #expect(found[0].first?.subjectName == "Ada")
            #expect(found[0].first?.closestFaceID == source[0].id)

            let itself = #expect(throws: GalleryError.self) { try store.mergeSubject(named: "Ada", into: "Ada") }
            #expect(itself?.code == .invalidArgument)
            let missing = #expect(throws: GalleryError.self) { try store.mergeSubject(named: "Ada (old)", into: "Ada") }
            #expect(missing?.code == .subjectNotFound)
        }
    }

    // MARK: - Integrity

    @Test func integrityCheckFindsAMissingIndexAndForeignFaces() throws {
        try PostgresTestDatabase.withFresh { database in
            let store = try database.store()
            defer { store.close() }
            var random = SeededRandom(seed: 6)
            _ = try store.addFaces(
                [SyntheticFaces.face(SyntheticFaces.unitDescriptor(&random))],
                toSubjectNamed: "Ada", createSubject: true)
            try store.verifyIntegrity()

            try database.sql { try $0.query("UPDATE faces SET model_id = 'other'", operation: "test") }
            let foreign = #expect(throws: GalleryError.self) { try store.verifyIntegrity() }
            #expect(foreign?.code == .corrupt)
            try database.sql { connection in
                try connection.query(
                    "UPDATE faces SET model_id = $1", [PostgresTestDatabase.model.id], operation: "test")
                try connection.query("DROP INDEX faces_descriptor_hnsw", operation: "test")
            }
            let noIndex = #expect(throws: GalleryError.self) { try store.verifyIntegrity() }
            #expect(noIndex?.code == .corrupt)
        }
    }

    // MARK: - Connections

    @Test func anUnreachableServerIsUnavailable() throws {
        // Port 1 on the loopback address has no PostgreSQL behind it.
        let error = #expect(throws: GalleryError.self) {
            try PostgresGalleryStore(
                url: "postgres://someone:s3cret-pass@127.0.0.1:1/gallery",
                model: PostgresTestDatabase.model)
        }
        #expect(error?.code == .unavailable)
        let message = error?.description ?? ""
        #expect(message.contains("cannot reach PostgreSQL at postgres://someone@127.0.0.1:1/gallery"))
        #expect(message.contains("refused"))
        #expect(!message.contains("s3cret-pass"))
        let debugText = error.map { String(reflecting: $0) } ?? ""
        #expect(!debugText.contains("s3cret-pass"))
    }

    @Test(arguments: ["sqlite:/tmp/gallery.sqlite", "postgres://host:notaport/db", "postgres://[::1/db"])
    func malformedLocationsAreRefused(url: String) throws {
        let error = #expect(throws: GalleryError.self) {
            try PostgresGalleryStore(url: url, model: PostgresTestDatabase.model)
        }
        #expect(error?.code == .invalidLocation || error?.code == .unavailable)
    }

    @Test func locationHidesThePassword() throws {
        try PostgresTestDatabase.withFresh { database in
            var components = try #require(URLComponents(string: database.url))
            components.password = "not-needed-but-secret"
            let store = try PostgresGalleryStore(url: components.string!, model: PostgresTestDatabase.model)
            defer { store.close() }
            #expect(!store.location.contains("secret"))
            #expect(store.location.hasSuffix("/\(database.name)"))
            #expect(store.location.hasPrefix("postgres://"))
        }
    }

    @Test func aLostConnectionIsUnavailableThenReplaced() throws {
        try PostgresTestDatabase.withFresh { database in
            let store = try database.store(poolSize: 1)
            defer { store.close() }
            _ = try store.createSubject(named: "Ada", metadataJSON: nil)
            // The server ends every session of the test database, as a restart would.
            try PostgresTestDatabase.maintenance {
                try $0.query(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1",
                    [database.name], operation: "test")
            }
            let lost = #expect(throws: GalleryError.self) { try store.subjectCount() }
            #expect(lost?.code == .unavailable)
            #expect(lost?.description.contains("cannot reach PostgreSQL") == true)
            #expect(try store.subjectCount() == 1)
        }
    }

    @Test func closingMakesLaterCallsUnavailable() throws {
        try PostgresTestDatabase.withFresh { database in
            let store = try database.store()
            store.close()
            let error = #expect(throws: GalleryError.self) { try store.subjectCount() }
            #expect(error?.code == .unavailable)
        }
    }

    @Test func manyThreadsShareOneStore() throws {
        try PostgresTestDatabase.withFresh { database in
            let store = try database.store(poolSize: 3)
            defer { store.close() }
            let threads = 8
            let facesPerThread = 10
            let failures = Counter()
            DispatchQueue.concurrentPerform(iterations: threads) { thread in
                var random = SeededRandom(seed: 100 + UInt64(thread))
                do {
                    for _ in 0..<facesPerThread {
                        let descriptor = SyntheticFaces.unitDescriptor(&random)
                        // Every thread also adds to one shared subject, creating it if nobody has yet.
                        _ = try store.addFaces(
                            [SyntheticFaces.face(descriptor)], toSubjectNamed: "Thread \(thread)",
                            createSubject: true)
                        _ = try store.addFaces(
                            [SyntheticFaces.face(descriptor)], toSubjectNamed: "Everyone",
                            createSubject: true)
                        let found = try store.nearestSubjects(to: [descriptor], count: 2)
                        if found[0].first?.euclideanDistance ?? 1 > 1e-5 { failures.add(1) }
                    }
                } catch {
                    failures.add(1)
                }
            }
            #expect(failures.value == 0)
            #expect(try store.subjectCount() == threads + 1)
            #expect(try store.faceCount() == 2 * threads * facesPerThread)
            #expect(try store.subject(named: "Everyone").faceCount == threads * facesPerThread)
        }
    }
}

/// A thread-safe tally for work spread over threads.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0

    func add(_ amount: Int) {
        lock.lock()
        count += amount
        lock.unlock()
    }

    var value: Int {
        lock.lock()
        defer { lock.unlock() }
        return count
    }
}
