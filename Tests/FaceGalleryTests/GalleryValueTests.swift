import FaceGallery
import Testing

@Suite struct SubjectRankingTests {
    private func match(_ face: Int64, _ subject: Int64, _ distance: Float) -> FaceMatch {
        FaceMatch(faceID: face, subjectID: subject, euclideanDistance: distance)
    }

    @Test func eachSubjectIsScoredByItsClosestFace() {
        let faces = [match(1, 10, 0.1), match(2, 10, 0.2), match(3, 20, 0.3), match(4, 10, 0.35), match(5, 30, 0.4)]
        let subjects = SubjectRanking.closestSubjects(faces, count: 2)
        #expect(subjects == [match(1, 10, 0.1), match(3, 20, 0.3)])
    }

    @Test func widensTheFetchUntilEnoughSubjectsAppear() {
        // Subject 1 owns the 40 nearest faces; subject 2 appears only at rank 41.
        let all = (0..<40).map { match(Int64($0), 1, Float($0) / 100) } + [match(40, 2, 0.5), match(41, 3, 0.6)]
        var fetchSizes: [Int] = []
        let subjects = SubjectRanking.nearestSubjects(count: 2, totalFaces: all.count) { n in
            fetchSizes.append(n)
            return Array(all.prefix(n))
        }
        #expect(subjects.map(\.subjectID) == [1, 2])
        #expect(fetchSizes == [18, 42])
    }

    @Test func stopsWhenEveryFaceHasBeenSeen() {
        let all = [match(1, 1, 0.1), match(2, 1, 0.2)]
        var calls = 0
        let subjects = SubjectRanking.nearestSubjects(count: 5, totalFaces: all.count) { n in
            calls += 1
            return Array(all.prefix(n))
        }
        #expect(subjects.map(\.subjectID) == [1])
        #expect(calls == 1)
    }
}

@Suite struct SubjectValidationTests {
    @Test(arguments: ["", " padded", "tab\tname", String(repeating: "x", count: 201)])
    func refusesBadNames(_ name: String) {
        #expect(throws: GalleryError.self) { try Subject.validateName(name) }
    }

    @Test(arguments: ["Barack Obama", "李小龙", "o'neil-2"])
    func acceptsOrdinaryNames(_ name: String) throws {
        try Subject.validateName(name)
    }

    @Test func metadataMustBeAJSONObject() throws {
        #expect(try Subject.validatedMetadata(nil) == "{}")
        #expect(try Subject.validatedMetadata(#"{"b": 1, "a": "x"}"#) == #"{"a":"x","b":1}"#)
        #expect(throws: GalleryError.self) { try Subject.validatedMetadata("[1, 2]") }
        #expect(throws: GalleryError.self) { try Subject.validatedMetadata("{broken") }
    }
}

@Suite struct GalleryLocationTests {
    @Test func parsesEachForm() throws {
        #expect(try GalleryLocation(parsing: "sqlite:/tmp/g.sqlite") == .sqlite(path: "/tmp/g.sqlite"))
        #expect(try GalleryLocation(parsing: "faces.db") == .sqlite(path: "faces.db"))
        #expect(try GalleryLocation(parsing: "postgres://me@127.0.0.1:5432/faces") == .postgres(url: "postgres://me@127.0.0.1:5432/faces"))
    }

    @Test(arguments: ["", "sqlite:", "mysql://x/y", "gallery", "postgres://host"])
    func refusesUnknownForms(_ text: String) {
        #expect(throws: GalleryError.self) { try GalleryLocation(parsing: text) }
    }

    @Test func hidesPasswords() throws {
        let location = try GalleryLocation(parsing: "postgres://me:secret@db:5432/faces")
        #expect(location.description == "postgres://me:***@db:5432/faces")
    }
}
