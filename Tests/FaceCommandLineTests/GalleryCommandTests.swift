import FaceGallery
import FaceGallerySQLite
import FaceImage
import FaceTestSupport
import Foundation
import Testing

/// `facekit enroll / identify / subjects / gallery` run as a user runs them, on a gallery file of
/// the test's own, with the real models and test photos.
@Suite struct GalleryCommandTests {
    /// The model id `facekit` binds its galleries to.
    static let model = GalleryModel(id: "dlib_face_recognition_resnet_model_v1@55533b28a95800a5", dimension: 128)

    final class Workspace {
        let folder: String
        var gallery: String { "sqlite:\(folder)/gallery.sqlite" }
        init() throws {
            folder = NSTemporaryDirectory() + "facekit-gallery-cli-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        deinit { try? FileManager.default.removeItem(atPath: folder) }

        func facekit(_ arguments: String...) throws -> ProcessRunner.Output {
            try FacekitCommandTests.facekit([arguments[0], "--gallery", gallery] + arguments.dropFirst())
        }
    }

    static func jsonLines(_ text: String) throws -> [[String: Any]] {
        try text.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    @Test func enrolledPeopleAreIdentified() throws {
        let workspace = try Workspace()
        let obama = try workspace.facekit("enroll", "Barack Obama", TestAssets.photo("obama.jpg"), TestAssets.photo("obama2.jpg"))
        #expect(obama.status == 0, "\(obama.standardError)")
        #expect(obama.standardOutput.contains("Enrolled 2 of 2 photos for 1 subject"))
        #expect(try workspace.facekit("enroll", "Joe Biden", TestAssets.photo("biden.jpg")).status == 0)

        let output = try workspace.facekit("identify", "--json", "--top", "2", TestAssets.photo("obama3.jpg"), TestAssets.photo("biden.jpg"))
        #expect(output.status == 0, "\(output.standardError)")
        let answers = try Self.jsonLines(output.standardOutput)
        #expect(answers.count == 2)
        let expected = ["Barack Obama", "Joe Biden"]
        for (answer, name) in zip(answers, expected) {
            let faces = try #require(answer["faces"] as? [[String: Any]])
            #expect(faces.count == 1)
            let candidates = try #require(faces[0]["candidates"] as? [[String: Any]])
            #expect(candidates.map { $0["subject"] as? String } == [name, expected.first { $0 != name }])
            let distances = candidates.compactMap { ($0["distance"] as? NSNumber)?.doubleValue }
            #expect(distances[0] < 0.6 && distances[1] > 0.6, "distances \(distances)")
            #expect(faces[0]["unknown"] as? Bool == false)
            #expect(faces[0]["box"] is [String: Any])
        }

        // A tight threshold makes the same face unknown; the candidates still show how close it came.
        let strict = try workspace.facekit("identify", "--json", "--threshold", "0.1", TestAssets.photo("obama3.jpg"))
        let face = try #require((try Self.jsonLines(strict.standardOutput)[0]["faces"] as? [[String: Any]])?.first)
        #expect(face["unknown"] as? Bool == true)
        #expect((face["candidates"] as? [[String: Any]])?.first?["subject"] as? String == "Barack Obama")
        let human = try workspace.facekit("identify", "--threshold", "0.1", TestAssets.photo("obama3.jpg"))
        #expect(human.standardOutput.contains("unknown (closest: Barack Obama at"))
    }

    @Test func enrolmentRefusesPhotosWithoutExactlyOneFace() throws {
        let workspace = try Workspace()
        let scratch = try FacekitCommandTests.scratch.get()
        let faceless = try workspace.facekit("enroll", "Grey", scratch.greyPhoto)
        #expect(faceless.status == 4)
        #expect(faceless.standardOutput.contains("no face found"))
        let unreadable = try workspace.facekit("enroll", "Notes", scratch.textFile)
        #expect(unreadable.status == 3)

        // Two people side by side.
        let pair = workspace.folder + "/pair.png"
        let left = try ImageDecoder.decode(contentsOf: TestAssets.photo("obama.jpg"))
        let right = try ImageDecoder.decode(contentsOf: TestAssets.photo("biden.jpg")).resized(width: left.width, height: left.height)
        var both = Image(width: left.width * 2, height: left.height)
        for y in 0..<left.height {
            let row = y * left.width * 3
            both.pixels.replaceSubrange((y * both.width * 3)..<(y * both.width * 3 + left.width * 3), with: left.pixels[row..<(row + left.width * 3)])
            both.pixels.replaceSubrange((y * both.width * 3 + left.width * 3)..<((y + 1) * both.width * 3), with: right.pixels[row..<(row + left.width * 3)])
        }
        try Data(try ImageEncoder.png(both)).write(to: URL(fileURLWithPath: pair))
        let several = try workspace.facekit("enroll", "Pair", pair)
        #expect(several.status == 9, "\(several.standardOutput) \(several.standardError)")
        #expect(several.standardOutput.contains("2 faces"))
        let info = try workspace.facekit("gallery", "info", "--json")
        let counts = try #require(try Self.jsonLines(info.standardOutput).first)
        #expect(counts["faces"] as? Int == 0 && counts["subjects"] as? Int == 0, "refused photos left data: \(counts)")

        let largest = try workspace.facekit("enroll", "Pair", pair, "--allow-several-faces")
        #expect(largest.status == 0)
        #expect(largest.standardOutput.contains("the largest of 2 faces"))
    }

    @Test func subjectsAreListedRenamedMergedAndDeleted() throws {
        let workspace = try Workspace()
        #expect(try workspace.facekit("enroll", "Obama", TestAssets.photo("obama.jpg"), "--metadata", #"{"role":"president"}"#).status == 0)
        #expect(try workspace.facekit("enroll", "Obama again", TestAssets.photo("obama2.jpg")).status == 0)
        #expect(try workspace.facekit("enroll", "Biden", TestAssets.photo("biden.jpg")).status == 0)

        let list = try workspace.facekit("subjects", "list", "--json")
        let listed = try #require(try Self.jsonLines(list.standardOutput).first)
        #expect(listed["total"] as? Int == 3)
        #expect((listed["subjects"] as? [[String: Any]])?.map { $0["name"] as? String } == ["Biden", "Obama", "Obama again"])
        let show = try #require(try Self.jsonLines(try workspace.facekit("subjects", "show", "Obama", "--json").standardOutput).first)
        #expect((show["metadata"] as? [String: Any])?["role"] as? String == "president")
        #expect((show["face_list"] as? [Any])?.count == 1)

        #expect(try workspace.facekit("subjects", "rename", "Obama", "Biden").status == 8)
        #expect(try workspace.facekit("subjects", "rename", "Nobody", "X").status == 7)
        #expect(try workspace.facekit("subjects", "rename", "Obama", "Barack Obama").status == 0)
        let merge = try workspace.facekit("subjects", "merge", "Obama again", "Barack Obama")
        #expect(merge.status == 0 && merge.standardOutput.contains("now has 2 faces"))
        let identified = try workspace.facekit("identify", "--json", TestAssets.photo("obama3.jpg"))
        #expect(identified.standardOutput.contains(#""subject": "Barack Obama""#))
        #expect(!identified.standardOutput.contains("Obama again"))

        let delete = try workspace.facekit("subjects", "delete", "Biden")
        #expect(delete.status == 0 && delete.standardOutput.contains("and 1 face"))
        #expect(try workspace.facekit("subjects", "show", "Biden").status == 7)
        #expect(try workspace.facekit("subjects", "frobnicate").status == 2)
    }

    @Test func galleriesExportAndImport() throws {
        let workspace = try Workspace()
        #expect(try workspace.facekit("enroll", "Obama", TestAssets.photo("obama.jpg"), TestAssets.photo("obama2.jpg")).status == 0)
        let file = workspace.folder + "/export.jsonl"
        let export = try workspace.facekit("gallery", "export", file)
        #expect(export.status == 0 && export.standardOutput.contains("1 subjects and 2 faces"))
        let copy = "sqlite:\(workspace.folder)/copy.sqlite"
        let imported = try FacekitCommandTests.facekit(["gallery", "--gallery", copy, "import", file])
        #expect(imported.status == 0, "\(imported.standardError)")
        #expect(imported.standardOutput.contains("Imported 2 faces: 1 new subjects"))
        let identified = try FacekitCommandTests.facekit(["identify", "--gallery", copy, "--json", TestAssets.photo("obama3.jpg")])
        #expect(identified.standardOutput.contains(#""subject": "Barack Obama""#) == false)
        #expect(identified.standardOutput.contains(#""subject": "Obama""#))

        let bad = try FacekitCommandTests.facekit(["gallery", "--gallery", "mysql://nowhere", "info"])
        #expect(bad.status == 2 && bad.standardError.contains("sqlite:PATH or postgres://"))
        let notAGallery = workspace.folder + "/photo.sqlite"
        try FileManager.default.copyItem(atPath: TestAssets.photo("obama.jpg"), toPath: notAGallery)
        let damaged = try FacekitCommandTests.facekit(["gallery", "--gallery", "sqlite:" + notAGallery, "info"])
        #expect(damaged.status == 6 && damaged.standardError.contains("not a database"))
    }

    /// A bulk enrolment killed with SIGKILL midway leaves a sound gallery holding every face it reported.
    @Test func killedBulkEnrolmentKeepsEveryReportedFace() throws {
        let workspace = try Workspace()
        let people = workspace.folder + "/people"
        let photos = ["obama.jpg", "obama2.jpg", "biden.jpg", "32bit.png"]
        for person in 0..<6 {
            let folder = "\(people)/person-\(person)"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            for (index, photo) in photos.enumerated() {
                try FileManager.default.copyItem(atPath: TestAssets.photo(photo), toPath: "\(folder)/\(index)-\(photo)")
            }
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try FacekitCommandTests.binary.get())
        process.arguments = ["enroll", "--from-dir", people, "--gallery", workspace.gallery, "--json", "--threads", "1"]
        process.environment = ProcessInfo.processInfo.environment.merging(["FACEKIT_MODELS": TestAssets.modelsDirectory]) { $1 }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var received = Data()
        var reported: [(faceID: Int64, subject: String)] = []
        while reported.count < 6 {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }  // the run ended before we could kill it
            received.append(chunk)
            let complete = received.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true)
                .dropLast(received.last == UInt8(ascii: "\n") ? 0 : 1)
            reported = try complete.compactMap { line in
                let object = try #require(try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any])
                guard let id = object["face_id"] as? Int else { return nil }
                return (Int64(id), try #require(object["subject"] as? String))
            }
        }
        #expect(process.isRunning, "the enrolment finished before it could be interrupted")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)
        #expect(reported.count >= 6)

        let store = try SQLiteGalleryStore(path: workspace.folder + "/gallery.sqlite", model: Self.model)
        defer { store.close() }
        try store.verifyIntegrity()
        for (faceID, subject) in reported {
            #expect(try store.face(id: faceID).subjectName == subject, "reported face \(faceID) of \(subject) is missing")
        }
        let stored = try store.faceCount()
        #expect(stored >= reported.count && stored < photos.count * 6, "\(stored) faces stored, \(reported.count) reported")
        // The gallery takes more work after the crash.
        let resumed = try workspace.facekit("enroll", "After the crash", TestAssets.photo("obama.jpg"))
        #expect(resumed.status == 0)
        #expect(try store.faceCount() == stored + 1)
    }
}

/// The same commands against PostgreSQL with pgvector (the server Scripts/test.sh starts).
@Suite(.enabled(if: ProcessInfo.processInfo.environment["FACEKIT_TEST_POSTGRES_URL"] != nil,
                "set FACEKIT_TEST_POSTGRES_URL (Scripts/postgres.sh env) to run against PostgreSQL"))
struct PostgresGalleryCommandTests {
    /// A database of this test's own, created through the server's psql and dropped afterwards.
    final class Database {
        let url: String
        let name = "facekit_cli_\(UInt32.random(in: 0...UInt32.max))"
        init() throws {
            let base = ProcessInfo.processInfo.environment["FACEKIT_TEST_POSTGRES_URL"]!
            url = String(base[..<base.lastIndex(of: "/")!]) + "/" + name
            let created = try ProcessRunner.run(TestAssets.packageRoot + "/Scripts/postgres.sh", ["psql", "-c", "CREATE DATABASE \(name)"])
            #expect(created.status == 0, "\(created.standardError)")
        }
        deinit {
            _ = try? ProcessRunner.run(TestAssets.packageRoot + "/Scripts/postgres.sh", ["psql", "-c", "DROP DATABASE \(name) WITH (FORCE)"])
        }
    }

    @Test func enrolIdentifyAndManageSubjects() throws {
        let database = try Database()
        func facekit(_ arguments: String...) throws -> ProcessRunner.Output {
            try FacekitCommandTests.facekit([arguments[0], "--gallery", database.url] + arguments.dropFirst())
        }
        let enrol = try facekit("enroll", "Barack Obama", TestAssets.photo("obama.jpg"), TestAssets.photo("obama2.jpg"))
        #expect(enrol.status == 0, "\(enrol.standardError)")
        #expect(try facekit("enroll", "Joe Biden", TestAssets.photo("biden.jpg")).status == 0)
        let identified = try facekit("identify", "--json", TestAssets.photo("obama3.jpg"))
        let answer = try #require(try GalleryCommandTests.jsonLines(identified.standardOutput).first)
        let face = try #require((answer["faces"] as? [[String: Any]])?.first)
        #expect((face["candidates"] as? [[String: Any]])?.map { $0["subject"] as? String } == ["Barack Obama", "Joe Biden"])
        #expect(face["unknown"] as? Bool == false)
        let info = try #require(try GalleryCommandTests.jsonLines(try facekit("gallery", "info", "--json").standardOutput).first)
        #expect(info["faces"] as? Int == 3 && info["subjects"] as? Int == 2)
        #expect((info["location"] as? String)?.hasPrefix("postgres://") == true)
        #expect(try facekit("subjects", "rename", "Joe Biden", "Barack Obama").status == 8)
        #expect(try facekit("subjects", "delete", "Joe Biden").status == 0)
        #expect(try facekit("subjects", "show", "Joe Biden").status == 7)
    }
}
