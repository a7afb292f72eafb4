import FaceImage
import FaceTestSupport
import Foundation
import Testing

/// The `facekit` binary run as a user runs it: real models, real photos, exit codes and output.
///
/// The binary is the one SwiftPM builds beside the test bundle (the test target depends on the
/// `facekit` executable target, so `swift build --build-tests` builds it too).
@Suite struct FacekitCommandTests {
    /// The built `facekit` binary.
    static let binary = Result { try findBinary() }

    /// Inputs written once for the whole suite: a faceless photo, unreadable files and an empty models directory.
    static let scratch = Result { try Scratch() }

    /// face_recognition's published CNN box for obama.jpg (top, right, bottom, left) = (144, 608, 389, 363).
    static let obamaPublishedBox = (top: 144.0, right: 608.0, bottom: 389.0, left: 363.0)
    /// How far a box edge may be from the published one, in pixels.
    static let boxTolerance = 25.0

    /// First 16 hex digits of each model's published SHA-256, by file name (face_recognition_models 0.3.0).
    static let publishedHashPrefixes = [
        "mmod_human_face_detector.dat": "4cb19393e2fbaf2b",
        "shape_predictor_5_face_landmarks.dat": "c4b1e9804792707d",
        "dlib_face_recognition_resnet_model_v1.dat": "55533b28a95800a5",
        "shape_predictor_68_face_landmarks.dat": "fbdc2cb80eb9aa7a",
    ]
    static let requiredModels: Set = [
        "mmod_human_face_detector.dat", "shape_predictor_5_face_landmarks.dat",
        "dlib_face_recognition_resnet_model_v1.dat",
    ]

    // MARK: - Usage

    @Test func helpListsTheCommands() throws {
        let output = try Self.facekit("--help")
        #expect(output.status == 0)
        for name in ["detect", "embed", "verify", "enroll", "identify", "subjects", "gallery", "models"] {
            #expect(output.standardOutput.contains("\n  \(name) "), "--help does not list \(name)")
        }
        #expect(output.standardOutput.contains("Exit codes"))
        #expect(output.standardError.isEmpty)
    }

    @Test func noCommandIsAUsageError() throws {
        let output = try Self.facekit()
        #expect(output.status == 2)
        #expect((output.standardOutput + output.standardError).contains("Usage: facekit COMMAND"))
    }

    @Test func unknownCommandIsAUsageError() throws {
        let output = try Self.facekit("recognise", TestAssets.photo("obama.jpg"))
        #expect(output.status == 2)
        #expect(output.standardError.contains("unknown command 'recognise'"))
        #expect(output.standardError.contains("detect, embed, verify, enroll, identify"))
        #expect(output.standardOutput.isEmpty)
    }

    @Test func unknownOptionIsAUsageError() throws {
        let output = try Self.facekit("detect", "--upsampel", "1", TestAssets.photo("obama.jpg"))
        #expect(output.status == 2)
        #expect(output.standardError.contains("unknown option --upsampel"))
        #expect(output.standardError.contains("facekit detect --help"))
        #expect(output.standardOutput.isEmpty)
    }

    @Test(arguments: ["detect", "embed", "verify", "models"])
    func commandHelp(command: String) throws {
        let output = try Self.facekit(command, "--help")
        #expect(output.status == 0)
        #expect(output.standardOutput.hasPrefix("Usage: facekit \(command)"))
        #expect(output.standardError.isEmpty)
    }

    // MARK: - models

    @Test func modelsVerifyAgainstPublishedHashes() throws {
        let output = try Self.facekit("models", "--json")
        #expect(output.status == 0, "\(output.standardError)")
        let models = try #require(try Self.jsonLines(output).first?["models"] as? [[String: Any]])
        #expect(models.count == 4)
        for model in models {
            let file = try #require(model["file"] as? String)
            let prefix = try #require(Self.publishedHashPrefixes[file], "unexpected model \(file)")
            #expect(model["required"] as? Bool == Self.requiredModels.contains(file))
            if Self.requiredModels.contains(file) {
                #expect(model["status"] as? String == "verified", "\(file) is \(model["status"] ?? "?")")
            }
            if model["status"] as? String == "verified" {
                let sha256 = try #require(model["sha256"] as? String)
                #expect(sha256.count == 64 && sha256.hasPrefix(prefix), "\(file): sha256 \(sha256)")
            }
        }
    }

    @Test func modelsMissingFromAnEmptyDirectory() throws {
        let empty = try Self.scratch.get().emptyDirectory
        let output = try Self.facekit("models", "--json", models: empty)
        #expect(output.status == 5)
        let object = try #require(try Self.jsonLines(output).first)
        #expect(object["directory"] as? String == empty)
        let models = try #require(object["models"] as? [[String: Any]])
        #expect(models.count == 4)
        for model in models {
            #expect(model["status"] as? String == "missing")
            #expect(model["sha256"] is NSNull)
        }
    }

    @Test func detectWithoutModelsExitsFive() throws {
        let output = try Self.facekit(
            "detect", TestAssets.photo("obama.jpg"), models: try Self.scratch.get().emptyDirectory)
        #expect(output.status == 5)
        #expect(output.standardError.contains("mmod_human_face_detector.dat not found"))
        #expect(output.standardOutput.isEmpty)
    }

    // MARK: - detect

    @Test func detectFindsObamaWherePublished() throws {
        let path = TestAssets.photo("obama.jpg")
        let output = try Self.facekit("detect", "--json", path)
        #expect(output.status == 0, "\(output.standardError)")
        let lines = try Self.jsonLines(output)
        try #require(lines.count == 1)
        #expect(lines[0]["file"] as? String == path)
        #expect(
            (lines[0]["width"] as? NSNumber)?.intValue == 910 && (lines[0]["height"] as? NSNumber)?.intValue == 1137)
        let faces = try #require(lines[0]["faces"] as? [[String: Any]])
        try #require(faces.count == 1)
        let box = try Self.box(faces[0])
        print("facekit detect obama.jpg: box \(box), confidence \(faces[0]["confidence"] ?? "?")")
        let published = Self.obamaPublishedBox
        #expect(abs(box.top - published.top) <= Self.boxTolerance)
        #expect(abs(box.right - published.right) <= Self.boxTolerance)
        #expect(abs(box.bottom - published.bottom) <= Self.boxTolerance)
        #expect(abs(box.left - published.left) <= Self.boxTolerance)
        #expect(try #require((faces[0]["confidence"] as? NSNumber)?.doubleValue) > 0.5)
        let landmarks = try #require(faces[0]["landmarks"] as? [[NSNumber]])
        #expect(landmarks.count == 5)
        for point in landmarks {
            try #require(point.count == 2)
            let (x, y) = (point[0].doubleValue, point[1].doubleValue)
            #expect(
                x >= box.left && x <= box.right && y >= box.top && y <= box.bottom, "landmark \(x), \(y) outside \(box)"
            )
        }
    }

    @Test func detectSaysOneFace() throws {
        let path = TestAssets.photo("obama.jpg")
        let output = try Self.facekit("detect", path)
        #expect(output.status == 0)
        #expect(output.standardOutput.hasPrefix("\(path) (910×1137): 1 face\n"))
        #expect(output.standardOutput.contains("face 1: x "))
    }

    @Test func detectWithoutAFaceExitsFour() throws {
        let grey = try Self.scratch.get().greyPhoto
        let output = try Self.facekit("detect", grey)
        #expect(output.status == 4)
        #expect(output.standardOutput.contains("\(grey) (64×64): no face found"))
    }

    // MARK: - Unreadable input

    enum Unreadable: String, CaseIterable, Sendable {
        case missingFile, textFile, truncatedJPEG
    }

    @Test(arguments: Unreadable.allCases)
    func unreadableInputExitsThree(input: Unreadable) throws {
        let scratch = try Self.scratch.get()
        let (path, message) =
            switch input {
            case .missingFile: (scratch.directory + "/absent.jpg", "No such file")
            case .textFile: (scratch.textFile, "text, not an image")
            case .truncatedJPEG: (scratch.truncatedJPEG, "JPEG data ends")
            }
        let output = try Self.facekit("detect", path)
        #expect(output.status == 3)
        #expect(output.standardError.hasPrefix("facekit detect: \(path): "))
        #expect(output.standardError.contains(message), "\(input): \(output.standardError)")
        #expect(output.standardOutput.isEmpty)
    }

    // MARK: - embed

    @Test func embedGivesA128NumberDescriptor() throws {
        let output = try Self.facekit("embed", "--json", TestAssets.photo("obama.jpg"))
        #expect(output.status == 0, "\(output.standardError)")
        let lines = try Self.jsonLines(output)
        try #require(lines.count == 1)
        let faces = try #require(lines[0]["faces"] as? [[String: Any]])
        try #require(faces.count == 1)
        let descriptor = try #require(faces[0]["descriptor"] as? [NSNumber]).map(\.doubleValue)
        #expect(descriptor.count == 128)
        #expect(descriptor.allSatisfy { $0.isFinite })
        #expect(descriptor.contains { $0 != 0 })
        // Each face keeps its box next to the descriptor.
        let box = try Self.box(faces[0])
        #expect(abs(box.left - Self.obamaPublishedBox.left) <= Self.boxTolerance)
    }

    @Test func embedRejectsAChipThatIsNot150Square() throws {
        let path = TestAssets.photo("obama.jpg")
        let output = try Self.facekit("embed", "--chip", path)
        #expect(output.status == 3)
        #expect(output.standardError.contains("\(path) is 910×1137"))
        #expect(output.standardError.contains("150×150"))
    }

    // MARK: - verify

    @Test func verifySamePerson() throws {
        let result = try Self.verify("obama.jpg", "obama2.jpg")
        print("facekit verify obama.jpg obama2.jpg: distance \(result.distance)")
        #expect(result.samePerson == true)
        #expect(result.distance < 0.6)
        #expect(result.threshold == 0.6)
        #expect(result.facesFound == [1, 1])
    }

    @Test func verifyDifferentPeople() throws {
        let result = try Self.verify("obama.jpg", "biden.jpg")
        print("facekit verify obama.jpg biden.jpg: distance \(result.distance)")
        #expect(result.samePerson == false)
        #expect(result.distance > 0.6)
        #expect(result.threshold == 0.6)
    }

    @Test func verifyHonoursTheThreshold() throws {
        let output = try Self.facekit(
            "verify", TestAssets.photo("obama.jpg"), TestAssets.photo("biden.jpg"), "--threshold", "2")
        #expect(output.status == 0, "\(output.standardError)")
        #expect(output.standardOutput.hasPrefix("Same person (distance 0."))
        #expect(output.standardOutput.contains("threshold 2.0)"))
    }

    @Test(arguments: [["--threshold", "abc"], ["--threshold", "0"], ["--threshold", "-1"]])
    func verifyRejectsABadThreshold(option: [String]) throws {
        let output = try Self.facekit(
            ["verify", TestAssets.photo("obama.jpg"), TestAssets.photo("biden.jpg")] + option)
        #expect(output.status == 2)
        #expect(output.standardError.contains("--threshold must be a positive number, got '\(option[1])'"))
    }

    @Test func verifyNeedsTwoPhotos() throws {
        let output = try Self.facekit("verify", TestAssets.photo("obama.jpg"))
        #expect(output.status == 2)
        #expect(output.standardError.contains("give exactly two photos"))
    }

    @Test func verifyWithAFacelessPhotoExitsFour() throws {
        let grey = try Self.scratch.get().greyPhoto
        let output = try Self.facekit("verify", TestAssets.photo("obama.jpg"), grey)
        #expect(output.status == 4)
        #expect(output.standardError.contains("no face found in \(grey)"))
        #expect(output.standardOutput.isEmpty)
    }

    // MARK: - Helpers

    /// Files the tests feed to `facekit`, in a fresh temporary directory.
    struct Scratch: Sendable {
        let directory: String
        /// A 64×64 flat grey PNG: readable, but no face.
        let greyPhoto: String
        /// Plain text named like a photo.
        let textFile: String
        /// The first 1000 bytes of obama.jpg: the file ends inside the JPEG header.
        let truncatedJPEG: String
        /// A directory without any model.
        let emptyDirectory: String

        init() throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("facekit-cli-\(getpid())").path
            greyPhoto = directory + "/grey.png"
            textFile = directory + "/notes.jpg"
            truncatedJPEG = directory + "/truncated.jpg"
            emptyDirectory = directory + "/no-models"
            try FileManager.default.createDirectory(atPath: emptyDirectory, withIntermediateDirectories: true)
            let grey = try ImageEncoder.png(Image(width: 64, height: 64, filledWith: (128, 128, 128)))
            try Data(grey).write(to: URL(fileURLWithPath: greyPhoto))
            try Data("These are notes, not a photo.\n".utf8).write(to: URL(fileURLWithPath: textFile))
            let jpeg = try TestAssets.bytes(of: TestAssets.photo("obama.jpg"))
            try Data(jpeg.prefix(1000)).write(to: URL(fileURLWithPath: truncatedJPEG))
        }
    }

    /// What `verify --json` says.
    struct Verdict {
        let distance: Double
        let threshold: Double
        let samePerson: Bool?
        let facesFound: [Int]
    }

    static func verify(_ a: String, _ b: String) throws -> Verdict {
        let output = try facekit("verify", TestAssets.photo(a), TestAssets.photo(b), "--json")
        #expect(output.status == 0, "\(output.standardError)")
        let object = try #require(try jsonLines(output).first)
        let found = object["faces_found"] as? [String: Any]
        return Verdict(
            distance: try #require((object["distance"] as? NSNumber)?.doubleValue),
            threshold: try #require((object["threshold"] as? NSNumber)?.doubleValue),
            samePerson: object["same_person"] as? Bool,
            facesFound: ["a", "b"].map { (found?[$0] as? NSNumber)?.intValue ?? -1 })
    }

    /// A face's `box` as inclusive edges, the way dlib and face_recognition give them.
    static func box(_ face: [String: Any]) throws -> (top: Double, right: Double, bottom: Double, left: Double) {
        let box = try #require(face["box"] as? [String: NSNumber])
        let x = try #require(box["x"]?.doubleValue)
        let y = try #require(box["y"]?.doubleValue)
        let width = try #require(box["width"]?.doubleValue)
        let height = try #require(box["height"]?.doubleValue)
        return (y, x + width - 1, y + height - 1, x)
    }

    /// Each line of standard output parsed as a JSON object.
    static func jsonLines(_ output: ProcessRunner.Output) throws -> [[String: Any]] {
        try output.standardOutput.split(separator: "\n").map { line in
            try #require(
                try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not a JSON object: \(line)")
        }
    }

    static func facekit(_ arguments: String..., models: String = TestAssets.modelsDirectory) throws
        -> ProcessRunner.Output
    {
        try facekit(arguments, models: models)
    }

    /// Runs `facekit` with the models in `models`.
    static func facekit(_ arguments: [String], models: String = TestAssets.modelsDirectory) throws
        -> ProcessRunner.Output
    {
        try ProcessRunner.run(try binary.get(), arguments, environment: ["FACEKIT_MODELS": models])
    }

    /// The test bundle sits in the build products directory beside `facekit` (on macOS the bundle's
    /// executable is three levels further down, inside `.xctest/Contents/MacOS`), so look there first,
    /// then in the package's `.build/debug`.
    private static func findBinary() throws -> String {
        let executable = Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])
        var directory = executable.resolvingSymlinksInPath().deletingLastPathComponent()
        var candidates: [String] = []
        for _ in 0..<4 {
            candidates.append(directory.appendingPathComponent("facekit").path)
            directory = directory.deletingLastPathComponent()
        }
        candidates.append(TestAssets.packageRoot + "/.build/debug/facekit")
        let isProgram = { (path: String) in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
                && FileManager.default.isExecutableFile(atPath: path)
        }
        guard let found = candidates.first(where: isProgram) else {
            throw BinaryNotFound(candidates: candidates)
        }
        print("testing \(found)")
        return found
    }

    struct BinaryNotFound: Error, CustomStringConvertible {
        let candidates: [String]
        var description: String {
            "facekit not found (looked at \(candidates.joined(separator: ", "))); run swift build --build-tests"
        }
    }
}
