import CSQLite
import FaceCore
import FaceGallery
import FaceGallerySQLite
import FaceTestSupport
import Foundation
import Testing

/// A fresh folder per test, removed afterwards.
final class TemporaryFolder {
    let path: String
    init() {
        path = NSTemporaryDirectory() + "facekit-sqlite-\(UUID().uuidString)"
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }
}

@Suite struct SQLiteGalleryStoreTests {
    @Test(arguments: GalleryStoreConformance.checks)
    func conformance(_ check: GalleryStoreConformance.Check) throws {
        let folder = TemporaryFolder()
        let path = folder.path + "/gallery.sqlite"
        try check.run { model in try SQLiteGalleryStore(path: path, model: model) }
    }

    @Test func usesWriteAheadLoggingAndForeignKeys() throws {
        let folder = TemporaryFolder()
        let path = folder.path + "/gallery.sqlite"
        let store = try SQLiteGalleryStore(path: path, model: SyntheticFaces.model)
        _ = try store.createSubject(named: "Ada", metadataJSON: nil)
        #expect(FileManager.default.fileExists(atPath: path + "-wal"))
        store.close()
        #expect(try rawQuery(path, "PRAGMA journal_mode") == ["wal"])
        #expect(try rawQuery(path, "PRAGMA user_version") == ["1"])
        #expect(try rawQuery(path, "SELECT value FROM facekit_meta WHERE key = 'model_id'") == [SyntheticFaces.model.id])
    }

    @Test func refusesANewerSchema() throws {
        let folder = TemporaryFolder()
        let path = folder.path + "/gallery.sqlite"
        try SQLiteGalleryStore(path: path, model: SyntheticFaces.model).close()
        _ = try rawQuery(path, "PRAGMA user_version = 99")
        #expect {
            try SQLiteGalleryStore(path: path, model: SyntheticFaces.model)
        } throws: { ($0 as? GalleryError)?.code == .unsupportedSchema }
    }

    @Test func refusesAFileThatIsNotAGallery() throws {
        let folder = TemporaryFolder()
        let path = folder.path + "/not-a-gallery.sqlite"
        try Data(repeating: 0x42, count: 8192).write(to: URL(fileURLWithPath: path))
        #expect {
            try SQLiteGalleryStore(path: path, model: SyntheticFaces.model)
        } throws: { ($0 as? GalleryError)?.code == .corrupt }
        let missingFolder = folder.path + "/missing/gallery.sqlite"
        #expect {
            try SQLiteGalleryStore(path: missingFolder, model: SyntheticFaces.model)
        } throws: { ($0 as? GalleryError)?.code == .unavailable }
    }

    @Test func searchSeesFacesAnotherProcessAdded() throws {
        let folder = TemporaryFolder()
        let path = folder.path + "/gallery.sqlite"
        let server = try SQLiteGalleryStore(path: path, model: SyntheticFaces.model)
        defer { server.close() }
        let descriptors = SyntheticFaces.unitDescriptors(count: 2, seed: 21)
        _ = try server.addFaces([SyntheticFaces.face(descriptors[0])], toSubjectNamed: "Ada", createSubject: true)
        // A second store on the same file stands in for `facekit enroll` run beside `facekit serve`.
        let other = try SQLiteGalleryStore(path: path, model: SyntheticFaces.model)
        _ = try other.addFaces([SyntheticFaces.face(descriptors[1])], toSubjectNamed: "Grace", createSubject: true)
        try other.deleteSubject(named: "Ada")
        other.close()
        let found = try server.nearestSubjects(to: [descriptors[1], descriptors[0]], count: 3)
        #expect(found[0].map(\.subjectName) == ["Grace"])
        #expect(found[0].first.map { $0.euclideanDistance < 1e-4 } == true)
        #expect(found[1].map(\.subjectName) == ["Grace"])
        try server.verifyIntegrity()
    }

    @Test func readersAreNotBlockedByAnOpenWriteTransaction() throws {
        let folder = TemporaryFolder()
        let path = folder.path + "/gallery.sqlite"
        let store = try SQLiteGalleryStore(path: path, model: SyntheticFaces.model)
        defer { store.close() }
        _ = try store.createSubject(named: "Ada", metadataJSON: nil)
        // Another process holds the write lock mid-transaction…
        var writer: OpaquePointer?
        #expect(sqlite3_open(path, &writer) == SQLITE_OK)
        defer { sqlite3_close(writer) }
        #expect(sqlite3_exec(writer, "BEGIN IMMEDIATE; INSERT INTO subjects(name, metadata, created_at, updated_at) VALUES ('Zed', '{}', 0, 0);", nil, nil, nil) == SQLITE_OK)
        // …and reads still answer at once, from the last committed state.
        let started = Date()
        #expect(try store.subject(named: "Ada").name == "Ada")
        #expect(try store.subjectCount() == 1)
        #expect(Date().timeIntervalSince(started) < 1)
        #expect(sqlite3_exec(writer, "ROLLBACK", nil, nil, nil) == SQLITE_OK)
    }

    @Test func exportAndImportRoundTripBitForBit() throws {
        let folder = TemporaryFolder()
        let source = try SQLiteGalleryStore(path: folder.path + "/a.sqlite", model: SyntheticFaces.model)
        defer { source.close() }
        let descriptors = SyntheticFaces.unitDescriptors(count: 7, seed: 31)
        _ = try source.createSubject(named: "Ada \"the first\"", metadataJSON: #"{"born":1815,"tags":["math"]}"#)
        _ = try source.addFaces(descriptors[0..<3].enumerated().map { SyntheticFaces.face($1, index: $0) },
                                toSubjectNamed: "Ada \"the first\"", createSubject: false)
        _ = try source.addFaces(descriptors[3...].enumerated().map { SyntheticFaces.face($1, index: $0 + 3) },
                                toSubjectNamed: "Grace", createSubject: true)
        _ = try source.createSubject(named: "Nobody yet", metadataJSON: nil)
        let exportPath = folder.path + "/gallery.jsonl"
        let written = try GalleryExchange.export(source, to: exportPath)
        #expect(written.subjects == 3 && written.faces == 7)

        let copy = try SQLiteGalleryStore(path: folder.path + "/b.sqlite", model: SyntheticFaces.model)
        defer { copy.close() }
        let summary = try GalleryExchange.importFile(exportPath, into: copy)
        #expect(summary.subjectsCreated == 3 && summary.facesAdded == 7)
        for name in ["Ada \"the first\"", "Grace", "Nobody yet"] {
            let original = try source.faces(ofSubjectNamed: name), copied = try copy.faces(ofSubjectNamed: name)
            #expect(copied.map(\.face.descriptor) == original.map(\.face.descriptor))
            #expect(copied.map(\.face.box) == original.map(\.face.box))
            #expect(copied.map(\.face.landmarks) == original.map(\.face.landmarks))
            #expect(copied.map(\.face.confidence) == original.map(\.face.confidence))
            #expect(try copy.subject(named: name).metadataJSON == source.subject(named: name).metadataJSON)
        }
        // Importing again extends the existing subjects rather than failing.
        let again = try GalleryExchange.importFile(exportPath, into: copy)
        #expect(again.subjectsCreated == 0 && again.subjectsExtended == 3 && again.facesAdded == 7)
    }

    @Test func importRefusesMalformedFilesWithTheLineNumber() throws {
        let folder = TemporaryFolder()
        let store = try SQLiteGalleryStore(path: folder.path + "/g.sqlite", model: SyntheticFaces.model)
        defer { store.close() }
        let header = #"{"format":"facekit-gallery","version":1,"model":"synthetic-unit-128","dimension":128}"#
        let cases: [(String, GalleryError.Code, String)] = [
            ("", .corrupt, "empty"),
            ("hello\n", .corrupt, ":1:"),
            (#"{"format":"facekit-gallery","version":1,"model":"other","dimension":128}"#, .modelMismatch, ":1:"),
            (#"{"format":"facekit-gallery","version":7,"model":"synthetic-unit-128","dimension":128}"#, .unsupportedSchema, ":1:"),
            (header + "\n" + #"{"subject":"A"}"# + "\n" + #"{"face":"A","descriptor":[1,2]}"#, .corrupt, ":3:"),
            (header + "\n" + #"{"face":"A"}"#, .corrupt, ":2:"),
            (header + "\n" + #"{"subject":"A","metadata":[1]}"#, .corrupt, ":2:"),
        ]
        for (index, (text, code, where_)) in cases.enumerated() {
            let path = folder.path + "/bad-\(index).jsonl"
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            #expect {
                try GalleryExchange.importFile(path, into: store)
            } throws: { error in
                guard let error = error as? GalleryError else { return false }
                return error.code == code && error.message.contains(where_)
            }
        }
        #expect(try store.faceCount() == 0)
    }

    private func rawQuery(_ path: String, _ sql: String) throws -> [String] {
        var database: OpaquePointer?
        guard sqlite3_open(path, &database) == SQLITE_OK else { throw GalleryError(.unavailable, "cannot open \(path)") }
        defer { sqlite3_close(database) }
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(database, sql, -1, &statement, nil) == SQLITE_OK else {
            throw GalleryError(.storage, String(cString: sqlite3_errmsg(database)))
        }
        defer { sqlite3_finalize(statement) }
        var rows: [String] = []
        while sqlite3_step(statement) == SQLITE_ROW {
            rows.append(sqlite3_column_text(statement, 0).map { String(cString: $0) } ?? "")
        }
        return rows
    }
}
