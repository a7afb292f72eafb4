import Dispatch
import FaceCore
import FaceGallery
import Foundation

/// The behaviour every ``GalleryStore`` must show, as named checks a test target runs against its
/// own engine:
///
/// ```swift
/// @Test(arguments: GalleryStoreConformance.checks)
/// func conformance(_ check: GalleryStoreConformance.Check) throws {
///     let path = temporaryPath()
///     try check.run { model in try SQLiteGalleryStore(path: path, model: model) }
/// }
/// ```
///
/// Each run gets an opener bound to one fresh, empty storage location; calling it again reopens
/// the same data (to check persistence and model binding). A failed expectation throws
/// ``Failure`` naming what differed.
public enum GalleryStoreConformance {
    /// Opens a store on the check's storage location, bound to `model`.
    public typealias Opener = @Sendable (GalleryModel) throws -> any GalleryStore

    /// One named behaviour.
    public struct Check: Sendable, CustomStringConvertible {
        /// What the check proves.
        public let name: String
        /// Runs the check; throws ``Failure`` or the store's error when the behaviour is wrong.
        public let run: @Sendable (Opener) throws -> Void
        public var description: String { name }
    }

    /// An expectation that did not hold.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Every check.
    public static let checks: [Check] = [
        Check(name: "subjects are created, read and counted", run: createsAndReadsSubjects),
        Check(name: "bad names, duplicate names and bad metadata are refused", run: refusesBadSubjects),
        Check(name: "unknown subjects and faces are reported as such", run: reportsUnknownNames),
        Check(name: "faces round-trip exactly", run: roundTripsFaces),
        Check(name: "adding faces to an unknown subject without creating it adds nothing", run: refusesFacesForUnknownSubject),
        Check(name: "a bulk enrolment over several subjects is one transaction", run: enrolsInBulk),
        Check(name: "descriptors of another model are refused and the batch adds nothing", run: refusesOtherModels),
        Check(name: "data survives reopening; reopening with another model is refused", run: survivesReopening),
        Check(name: "rename and metadata update", run: renamesSubjects),
        Check(name: "merge moves faces and removes the source", run: mergesSubjects),
        Check(name: "deletes cascade and free search results", run: deletesSubjectsAndFaces),
        Check(name: "subjects page in name order", run: pagesSubjects),
        Check(name: "nearest subjects equal brute force", run: findsNearestSubjects),
        Check(name: "concurrent writers and searchers", run: handlesConcurrentUse),
        Check(name: "a closed store refuses work", run: refusesWorkWhenClosed),
    ]

    // MARK: - Expectations

    static func expect(_ condition: Bool, _ message: @autoclosure () -> String,
                       file: StaticString = #fileID, line: UInt = #line) throws {
        if !condition { throw Failure(description: "\(message()) [\(file):\(line)]") }
    }

    static func expectError<T>(_ code: GalleryError.Code, _ what: String, file: StaticString = #fileID, line: UInt = #line,
                               _ body: () throws -> T) throws {
        do {
            _ = try body()
        } catch let error as GalleryError {
            try expect(error.code == code, "\(what): expected \(code), got \(error.code): \(error.message)", file: file, line: line)
            try expect(!error.message.isEmpty, "\(what): the error has no message", file: file, line: line)
            return
        }
        throw Failure(description: "\(what): expected error \(code), but it succeeded [\(file):\(line)]")
    }

    static func faces(_ count: Int, seed: UInt64, model: GalleryModel = SyntheticFaces.model) -> [NewFace] {
        SyntheticFaces.unitDescriptors(count: count, dimension: model.dimension, seed: seed).enumerated().map {
            SyntheticFaces.face($0.element, model: model, index: $0.offset)
        }
    }

    // MARK: - Checks

    static func createsAndReadsSubjects(_ open: Opener) throws {
        let store = try open(SyntheticFaces.model)
        defer { store.close() }
        try expect(store.model == SyntheticFaces.model, "store reports model \(store.model)")
        try expect(try store.subjectCount() == 0 && store.faceCount() == 0, "a fresh store is not empty")
        let before = Date()
        let created = try store.createSubject(named: "Ada Lovelace", metadataJSON: #"{"born": 1815, "city": "London"}"#)
        try expect(created.name == "Ada Lovelace" && created.faceCount == 0, "created subject is \(created)")
        try expect(created.metadataJSON == #"{"born":1815,"city":"London"}"#, "metadata stored as \(created.metadataJSON)")
        try expect(abs(created.createdAt.timeIntervalSince(before)) < 60, "creation time \(created.createdAt) is not now")
        let read = try store.subject(named: "Ada Lovelace")
        try expect(read.id == created.id && read.metadataJSON == created.metadataJSON, "read back \(read), created \(created)")
        let plain = try store.createSubject(named: "Grace Hopper", metadataJSON: nil)
        try expect(plain.metadataJSON == "{}" && plain.id != created.id, "second subject is \(plain)")
        try expect(try store.subjectCount() == 2, "subject count is not 2")
    }

    static func refusesBadSubjects(_ open: Opener) throws {
        let store = try open(SyntheticFaces.model)
        defer { store.close() }
        _ = try store.createSubject(named: "Ada", metadataJSON: nil)
        try expectError(.subjectExists, "duplicate name") { try store.createSubject(named: "Ada", metadataJSON: nil) }
        try expectError(.invalidName, "empty name") { try store.createSubject(named: "", metadataJSON: nil) }
        try expectError(.invalidName, "control character") { try store.createSubject(named: "A\nB", metadataJSON: nil) }
        try expectError(.invalidArgument, "metadata array") { try store.createSubject(named: "Bob", metadataJSON: "[1]") }
        try expectError(.invalidArgument, "broken metadata") { try store.createSubject(named: "Bob", metadataJSON: "{") }
        let bobby = try store.createSubject(named: "ada", metadataJSON: nil)  // names are case-sensitive
        try expect(bobby.name == "ada", "case-different name was not accepted as distinct")
        try expect(try store.subjectCount() == 2, "refused subjects were counted")
    }

    static func reportsUnknownNames(_ open: Opener) throws {
        let store = try open(SyntheticFaces.model)
        defer { store.close() }
        _ = try store.createSubject(named: "Ada", metadataJSON: nil)
        try expectError(.subjectNotFound, "read") { try store.subject(named: "Nobody") }
        try expectError(.subjectNotFound, "update") { try store.updateSubject(named: "Nobody", newName: "X", metadataJSON: nil) }
        try expectError(.subjectNotFound, "delete") { try store.deleteSubject(named: "Nobody") }
        try expectError(.subjectNotFound, "merge source") { try store.mergeSubject(named: "Nobody", into: "Ada") }
        try expectError(.subjectNotFound, "merge target") { try store.mergeSubject(named: "Ada", into: "Nobody") }
        try expectError(.subjectNotFound, "faces") { try store.faces(ofSubjectNamed: "Nobody") }
        try expectError(.faceNotFound, "face") { try store.face(id: 987_654) }
        try expectError(.faceNotFound, "delete face") { try store.deleteFace(id: 987_654) }
    }

    static func roundTripsFaces(_ open: Opener) throws {
        let store = try open(SyntheticFaces.model)
        defer { store.close() }
        let input = faces(3, seed: 1)
        let added = try store.addFaces(input, toSubjectNamed: "Ada", createSubject: true)
        try expect(added.count == 3 && Set(added.map(\.id)).count == 3, "added \(added.count) faces with ids \(added.map(\.id))")
        let stored = try store.faces(ofSubjectNamed: "Ada")
        try expect(stored.map(\.id) == added.map(\.id), "faces listed \(stored.map(\.id)), added \(added.map(\.id))")
        for (original, face) in zip(input, stored) {
            try expect(face.subjectName == "Ada", "face belongs to \(face.subjectName)")
            try expect(face.face.descriptor == original.descriptor, "descriptor of face \(face.id) changed in storage")
            try expect(face.face.modelID == original.modelID && face.face.photoSHA256 == original.photoSHA256,
                       "model or photo hash of face \(face.id) changed")
            try expect(face.face.box == original.box && face.face.landmarks == original.landmarks,
                       "box or landmarks of face \(face.id) changed")
            try expect(face.face.confidence == original.confidence, "confidence of face \(face.id) changed")
        }
        let one = try store.face(id: added[1].id)
        try expect(one.face.descriptor == input[1].descriptor && one.subjectName == "Ada", "face(id:) read the wrong face")
        try expect(try store.subject(named: "Ada").faceCount == 3 && store.faceCount() == 3, "face counts are wrong")
        _ = try store.addFaces(faces(2, seed: 2), toSubjectNamed: "Ada", createSubject: false)
        try expect(try store.subject(named: "Ada").faceCount == 5, "adding to an existing subject did not add")
    }

    static func refusesFacesForUnknownSubject(_ open: Opener) throws {
        let store = try open(SyntheticFaces.model)
        defer { store.close() }
        try expectError(.subjectNotFound, "unknown subject") {
            try store.addFaces(faces(2, seed: 3), toSubjectNamed: "Nobody", createSubject: false)
        }
        try expect(try store.faceCount() == 0 && store.subjectCount() == 0, "a refused enrolment left data behind")
    }

    static func enrolsInBulk(_ open: Opener) throws {
        let store = try open(SyntheticFaces.model)
        defer { store.close() }
        _ = try store.createSubject(named: "Existing", metadataJSON: #"{"k":1}"#)
        let groups = [
            SubjectFaces(subjectName: "Existing", faces: faces(2, seed: 40)),
            SubjectFaces(subjectName: "New", faces: faces(3, seed: 41)),
            SubjectFaces(subjectName: "Empty", faces: []),
        ]
        let added = try store.addFaces(groups, createSubjects: true)
        try expect(added.map(\.count) == [2, 3, 0], "bulk enrolment added \(added.map(\.count))")
        try expect(added[1].map(\.subjectName) == ["New", "New", "New"], "faces were filed under the wrong subject")
        try expect(try store.subject(named: "Existing").faceCount == 2 && store.subject(named: "Existing").metadataJSON == #"{"k":1}"#,
                   "an existing subject changed in a bulk enrolment")
        try expect(try store.subject(named: "Empty").faceCount == 0, "a subject with no faces was not created")
        let found = try store.nearestSubjects(to: [groups[1].faces[2].descriptor], count: 1)
        try expect(found[0].first?.subjectName == "New", "a bulk-enrolled face is not found")

        let failing = [SubjectFaces(subjectName: "Later", faces: faces(2, seed: 42)),
                       SubjectFaces(subjectName: "Missing", faces: faces(1, seed: 43))]
        try expectError(.subjectNotFound, "bulk enrolment naming an unknown subject") {
            _ = try store.createSubject(named: "Later", metadataJSON: nil)
            return try store.addFaces(failing, createSubjects: false)
        }
        try expect(try store.subject(named: "Later").faceCount == 0 && store.faceCount() == 5,
                   "a failed bulk enrolment left part of its faces")
    }

    static func refusesOtherModels(_ open: Opener) throws {
        let store = try open(SyntheticFaces.model)
        defer { store.close() }
        let other = GalleryModel(id: "another-model", dimension: 128)
        let mixed = faces(2, seed: 4) + faces(1, seed: 5, model: other)
        try expectError(.modelMismatch, "other model id") { try store.addFaces(mixed, toSubjectNamed: "Ada", createSubject: true) }
        var short = faces(1, seed: 6)[0]
        short.descriptor = Descriptor(Array(short.descriptor.values.prefix(64)))
        try expectError(.modelMismatch, "wrong dimension") { try store.addFaces([short], toSubjectNamed: "Ada", createSubject: true) }
        try expect(try store.faceCount() == 0, "part of a refused batch was stored")
        try expect(try store.subjectCount() == 0, "a refused batch created its subject")
    }

    static func survivesReopening(_ open: Opener) throws {
        let input = faces(4, seed: 7)
        do {
            let store = try open(SyntheticFaces.model)
            _ = try store.createSubject(named: "Ada", metadataJSON: #"{"k":"v"}"#)
            _ = try store.addFaces(input, toSubjectNamed: "Ada", createSubject: false)
            store.close()
        }
        let reopened = try open(SyntheticFaces.model)
        let subject = try reopened.subject(named: "Ada")
        try expect(subject.faceCount == 4 && subject.metadataJSON == #"{"k":"v"}"#, "reopened subject is \(subject)")
        try expect(try reopened.faces(ofSubjectNamed: "Ada").map(\.face.descriptor) == input.map(\.descriptor),
                   "descriptors changed across reopening")
        let found = try reopened.nearestSubjects(to: [input[2].descriptor], count: 1)
        try expect(found.first?.first?.subjectName == "Ada", "search after reopening did not find the enrolled face")
        try expect(found.first?.first.map { $0.euclideanDistance < 1e-3 } == true, "an enrolled face is not at distance 0")
        try reopened.verifyIntegrity()
        reopened.close()
        try expectError(.modelMismatch, "reopen with another model") { try open(GalleryModel(id: "another-model", dimension: 128)) }
    }

    static func renamesSubjects(_ open: Opener) throws {
        let store = try open(SyntheticFaces.model)
        defer { store.close() }
        let input = faces(2, seed: 8)
        _ = try store.addFaces(input, toSubjectNamed: "Ada", createSubject: true)
        _ = try store.createSubject(named: "Grace", metadataJSON: nil)
        let renamed = try store.updateSubject(named: "Ada", newName: "Ada Lovelace", metadataJSON: nil)
        try expect(renamed.name == "Ada Lovelace" && renamed.faceCount == 2, "renamed subject is \(renamed)")
        try expectError(.subjectNotFound, "old name after rename") { try store.subject(named: "Ada") }
        try expectError(.subjectExists, "rename onto a taken name") {
            try store.updateSubject(named: "Ada Lovelace", newName: "Grace", metadataJSON: nil)
        }
        let annotated = try store.updateSubject(named: "Ada Lovelace", newName: nil, metadataJSON: #"{"note":"x"}"#)
        try expect(annotated.metadataJSON == #"{"note":"x"}"# && annotated.name == "Ada Lovelace", "metadata update gave \(annotated)")
        try expect(annotated.updatedAt >= annotated.createdAt, "updatedAt precedes createdAt")
        let found = try store.nearestSubjects(to: [input[0].descriptor], count: 1)
        try expect(found.first?.first?.subjectName == "Ada Lovelace", "search reports the old name after a rename")
    }

    static func mergesSubjects(_ open: Opener) throws {
        let store = try open(SyntheticFaces.model)
        defer { store.close() }
        let source = faces(2, seed: 9)
        _ = try store.addFaces(source, toSubjectNamed: "A", createSubject: true)
        _ = try store.addFaces(faces(1, seed: 10), toSubjectNamed: "B", createSubject: true)
        try expectError(.invalidArgument, "merge into itself") { try store.mergeSubject(named: "A", into: "A") }
        let merged = try store.mergeSubject(named: "A", into: "B")
        try expect(merged.name == "B" && merged.faceCount == 3, "merged subject is \(merged)")
        try expectError(.subjectNotFound, "source after merge") { try store.subject(named: "A") }
        try expect(try store.faces(ofSubjectNamed: "B").count == 3 && store.subjectCount() == 1, "faces were lost in the merge")
        let found = try store.nearestSubjects(to: [source[1].descriptor], count: 3)
        try expect(found[0].map(\.subjectName) == ["B"], "search after merge reports \(found[0].map(\.subjectName))")
    }

    static func deletesSubjectsAndFaces(_ open: Opener) throws {
        let store = try open(SyntheticFaces.model)
        defer { store.close() }
        let adaFaces = faces(3, seed: 11)
        let added = try store.addFaces(adaFaces, toSubjectNamed: "Ada", createSubject: true)
        let graceFaces = faces(2, seed: 12)
        _ = try store.addFaces(graceFaces, toSubjectNamed: "Grace", createSubject: true)
        try store.deleteFace(id: added[0].id)
        try expectError(.faceNotFound, "deleted face") { try store.face(id: added[0].id) }
        try expect(try store.subject(named: "Ada").faceCount == 2 && store.faceCount() == 4, "deleting a face miscounted")
        let afterFaceDelete = try store.nearestSubjects(to: [adaFaces[0].descriptor], count: 2)
        try expect(!afterFaceDelete[0].contains { $0.closestFaceID == added[0].id }, "a deleted face is still found")
        let removed = try store.deleteSubject(named: "Ada")
        try expect(removed == 2, "deleting Ada reported \(removed) faces, expected 2")
        try expect(try store.faceCount() == 2 && store.subjectCount() == 1, "the delete did not cascade")
        let afterSubjectDelete = try store.nearestSubjects(to: [adaFaces[1].descriptor], count: 5)
        try expect(afterSubjectDelete[0].map(\.subjectName) == ["Grace"], "a deleted subject is still found")
        try store.verifyIntegrity()
    }

    static func pagesSubjects(_ open: Opener) throws {
        let store = try open(SyntheticFaces.model)
        defer { store.close() }
        let names = (0..<25).map { String(format: "subject-%02d", $0) }
        for name in names.shuffled(using: &seeded) { _ = try store.createSubject(named: name, metadataJSON: nil) }
        var listed: [String] = []
        for offset in stride(from: 0, to: 30, by: 10) {
            listed += try store.subjects(offset: offset, limit: 10).map(\.name)
        }
        try expect(listed == names, "paging listed \(listed)")
        try expect(try store.subjects(offset: 25, limit: 10).isEmpty, "a page past the end is not empty")
        try expect(try store.subjects(offset: 0, limit: 0).isEmpty, "a page of zero is not empty")
        try expectError(.invalidArgument, "negative offset") { try store.subjects(offset: -1, limit: 10) }
    }

    nonisolated(unsafe) private static var seeded = SeededRandom(seed: 99)

    static func findsNearestSubjects(_ open: Opener) throws {
        let store = try open(SyntheticFaces.model)
        defer { store.close() }
        try expect(try store.nearestSubjects(to: [SyntheticFaces.unitDescriptors(count: 1, seed: 13)[0]], count: 3) == [[]],
                   "an empty gallery found something")
        let all = faces(200, seed: 14)
        var owner: [Descriptor: String] = [:]
        for subject in 0..<50 {
            let mine = Array(all[(subject * 4)..<(subject * 4 + 4)])
            _ = try store.addFaces(mine, toSubjectNamed: "s\(subject)", createSubject: true)
            for face in mine { owner[face.descriptor] = "s\(subject)" }
        }
        var random = SeededRandom(seed: 15)
        let queries = (0..<20).map { SyntheticFaces.perturbed(all[$0 * 7].descriptor, scale: 0.5, random: &random) }
        let found = try store.nearestSubjects(to: queries, count: 5)
        try expect(found.count == queries.count, "\(found.count) answers for \(queries.count) queries")
        for (query, answer) in zip(queries, found) {
            var best: [String: Float] = [:]
            for face in all {
                let distance = query.euclideanDistance(to: face.descriptor)
                best[owner[face.descriptor]!] = min(best[owner[face.descriptor]!] ?? .infinity, distance)
            }
            let expected = best.sorted { $0.value < $1.value }.prefix(5)
            try expect(answer.map(\.subjectName) == expected.map(\.key),
                       "nearest subjects \(answer.map(\.subjectName)), brute force \(expected.map(\.key))")
            for (match, truth) in zip(answer, expected) {
                try expect(abs(match.euclideanDistance - truth.value) < 1e-4,
                           "distance \(match.euclideanDistance) for \(match.subjectName), brute force \(truth.value)")
            }
        }
        let everyone = try store.nearestSubjects(to: [queries[0]], count: 80)
        try expect(everyone[0].count == 50, "asking for more subjects than exist gave \(everyone[0].count), expected 50")
    }

    static func handlesConcurrentUse(_ open: Opener) throws {
        let store = try open(SyntheticFaces.model)
        defer { store.close() }
        let writers = 4, batches = 5
        let failures = FailureLog()
        DispatchQueue.concurrentPerform(iterations: writers * 2) { worker in
            do {
                if worker < writers {
                    for batch in 0..<batches {
                        let seed = UInt64(100 + worker * batches + batch)
                        _ = try store.addFaces(faces(3, seed: seed), toSubjectNamed: "writer-\(worker)", createSubject: true)
                    }
                } else {
                    for round in 0..<10 {
                        let query = SyntheticFaces.unitDescriptors(count: 1, seed: UInt64(500 + worker * 10 + round))
                        _ = try store.nearestSubjects(to: query, count: 3)
                        _ = try store.subjects(offset: 0, limit: 10)
                    }
                }
            } catch {
                failures.append("worker \(worker): \(error)")
            }
        }
        try expect(failures.entries.isEmpty, "concurrent use failed: \(failures.entries)")
        let (faceCount, subjectCount) = (try store.faceCount(), try store.subjectCount())
        try expect(faceCount == writers * batches * 3 && subjectCount == writers,
                   "after concurrent writes: \(faceCount) faces, \(subjectCount) subjects")
        try store.verifyIntegrity()
    }

    static func refusesWorkWhenClosed(_ open: Opener) throws {
        let store = try open(SyntheticFaces.model)
        _ = try store.createSubject(named: "Ada", metadataJSON: nil)
        store.close()
        store.close()  // closing twice is harmless
        try expectError(.unavailable, "read after close") { try store.subject(named: "Ada") }
        try expectError(.unavailable, "write after close") { try store.createSubject(named: "Bob", metadataJSON: nil) }
    }
}

/// Collects failures from concurrent workers.
final class FailureLog: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []
    func append(_ entry: String) { lock.withLock { stored.append(entry) } }
    var entries: [String] { lock.withLock { stored } }
}
