import FaceImage
import FaceTestSupport
import Foundation
import Testing

/// `facekit eval` and `facekit calibrate` run as a user runs them, on a tiny LFW-layout tree built from
/// the test photos: each face cropped as LFW crops (its box × 2.2, centred) and scaled to 250×250.
@Suite struct EvalCommandTests {
    static let tree = Result { try LFWTree() }

    /// Runs `facekit` with its descriptor cache in `cache`.
    static func facekit(_ arguments: [String], cache: String) throws -> ProcessRunner.Output {
        try ProcessRunner.run(
            try FacekitCommandTests.binary.get(), arguments,
            environment: ["FACEKIT_MODELS": TestAssets.modelsDirectory, "FACEKIT_CACHE": cache])
    }

    static func object(_ output: ProcessRunner.Output) throws -> [String: Any] {
        let lines = try FacekitCommandTests.jsonLines(output)
        try #require(lines.count == 1, "\(output.standardOutput)")
        return lines[0]
    }

    // MARK: - eval lfw

    @Test func lfwProtocolOnATinyTree() throws {
        let tree = try Self.tree.get()
        let out = tree.directory + "/report"
        let output = try Self.facekit(
            [
                "eval", "lfw", "--root", tree.root, "--pairs", tree.pairs, "--json", "--flip",
                "--out", out,
            ], cache: tree.directory + "/cache-a")
        #expect(output.status == 0, "\(output.standardError)")
        let object = try Self.object(output)
        print("facekit eval lfw (tiny tree): \(output.standardOutput)")
        for key in [
            "accuracy_mean", "accuracy_std", "auc", "eer", "tar_at_far_1e-3", "tar_at_far_1e-2", "threshold",
            "confusion_matrix", "precision", "recall", "f1", "folds", "no_face", "multi_face",
        ] {
            #expect(object[key] != nil, "missing \(key)")
        }
        // Obama's three photos lie within 0.6 of each other, Biden and the faceless grey photo far from them.
        #expect(object["accuracy_mean"] as? Double == 1)
        #expect(object["auc"] as? Double == 1)
        #expect((object["folds"] as? [[String: Any]])?.count == 2)
        #expect(object["pairs"] as? Int == 8 && object["photos"] as? Int == 5)
        #expect(object["no_face"] as? Int == 1, "the grey photo has no face")
        #expect(object["fallback"] as? Int == 1)
        #expect(object["multi_face"] as? Int == 0)
        #expect(object["cache_hits"] as? Int == 0)
        let threshold = try #require(object["threshold"] as? Double)
        #expect(threshold > 0.3 && threshold < 1.2)
        let plain = try #require(object["without_flip"] as? [String: Any])
        #expect(plain["accuracy_mean"] as? Double == 1)
        #expect(output.standardError.contains("5 photos in "), "\(output.standardError)")
        #expect(output.standardError.contains("Report written to \(out)/report.md"))

        for name in ["report.md", "report.json", "roc.svg", "distances.svg"] {
            #expect(FileManager.default.fileExists(atPath: out + "/" + name), "no \(name)")
        }
        let saved = try #require(FileManager.default.contents(atPath: out + "/report.json"))
        let report = try #require(try JSONSerialization.jsonObject(with: saved) as? [String: Any])
        #expect(report["accuracy_mean"] as? Double == object["accuracy_mean"] as? Double)
        let markdown = String(
            decoding: try #require(FileManager.default.contents(atPath: out + "/report.md")), as: UTF8.self)
        #expect(markdown.contains("| 1 | ") && markdown.contains("| 2 | "), "fold table")
        let svg = String(
            decoding: try #require(FileManager.default.contents(atPath: out + "/distances.svg")), as: UTF8.self)
        #expect(svg.hasPrefix("<svg") && svg.contains("threshold "))
    }

    @Test func secondRunIsServedFromTheCache() throws {
        let tree = try Self.tree.get()
        let cache = tree.directory + "/cache-b"
        let arguments = ["eval", "lfw", "--root", tree.root, "--pairs", tree.pairs, "--json"]
        let cold = try Self.object(try Self.facekit(arguments, cache: cache))
        let started = Date()
        let warmOutput = try Self.facekit(arguments, cache: cache)
        let warmSeconds = Date().timeIntervalSince(started)
        let warm = try Self.object(warmOutput)
        print("cold \(cold["seconds"] ?? "?") s, warm run \(warmSeconds) s")
        #expect(cold["cache_hits"] as? Int == 0)
        #expect(warm["cache_hits"] as? Int == 5)
        for key in ["accuracy_mean", "auc", "eer", "threshold", "no_face"] {
            #expect(warm[key] as? NSObject == cold[key] as? NSObject, "\(key) differs")
        }
        let uncached = try Self.object(try Self.facekit(arguments + ["--no-cache"], cache: cache))
        #expect(uncached["cache_hits"] as? Int == 0)
        #expect(uncached["threshold"] as? Double == cold["threshold"] as? Double)
    }

    @Test func humanOutputShowsTheFigures() throws {
        let tree = try Self.tree.get()
        let output = try Self.facekit(
            ["eval", "lfw", "--root", tree.root, "--pairs", tree.pairs, "--quiet"],
            cache: tree.directory + "/cache-c")
        #expect(output.status == 0, "\(output.standardError)")
        #expect(output.standardOutput.hasPrefix("LFW View 2: 8 pairs (4 same, 4 different), 5 photos\n"))
        #expect(output.standardOutput.contains("accuracy 100.00% ± 0.00% over 2 folds"))
        #expect(output.standardOutput.contains("TAR 100.00% at FAR 1e-3"))
        #expect(
            output.standardOutput.contains(
                "1 photos had no detected face, 1 of them described from the centred fallback box"))
        #expect(output.standardError.isEmpty, "--quiet still wrote: \(output.standardError)")
    }

    // MARK: - Bad input

    enum BadInput: String, CaseIterable, Sendable {
        case missingPairsFile, malformedLine, missingPhoto
    }

    @Test(arguments: BadInput.allCases)
    func badInputExitsThree(input: BadInput) throws {
        let tree = try Self.tree.get()
        let (root, pairs, message): (String, String, String) =
            switch input {
            case .missingPairsFile:
                (tree.root, tree.directory + "/absent.txt", "\(tree.directory)/absent.txt: no such file")
            case .malformedLine:
                (
                    tree.root, tree.malformedPairs,
                    "malformed.txt line 3: expected a same-person line 'name i j' (fold 1)"
                )
            case .missingPhoto:
                (
                    tree.directory, tree.pairs,
                    "5 of 5 photos are missing: \(tree.directory)/Barack_Obama/Barack_Obama_0001.jpg"
                )
            }
        let output = try Self.facekit(
            ["eval", "lfw", "--root", root, "--pairs", pairs], cache: tree.directory + "/cache-d")
        #expect(output.status == 3, "\(input): \(output.standardError)")
        #expect(output.standardError.contains(message), "\(input): \(output.standardError)")
        #expect(output.standardOutput.isEmpty)
    }

    @Test(arguments: [
        (["eval"], "say what to evaluate"),
        (["eval", "roc"], "unknown evaluation 'roc'"),
        (["eval", "lfw", "--pairs", "pairs.txt"], "give the LFW photo folder with --root DIR"),
        (["eval", "lfw", "--root", "/lfw"], "give LFW's pairs file with --pairs pairs.txt"),
        (
            ["eval", "lfw", "--root", "/lfw", "--pairs", "p.txt", "--threshold", "0.5"],
            "--threshold and --folds are for 'eval pairs'"
        ),
        (["eval", "pairs", "--pairs", "p.csv", "--threshold", "-1"], "--threshold must be a positive number"),
        (["eval", "pairs", "--pairs", "p.csv", "--flips"], "unknown option --flips"),
        (["calibrate", "--pairs", "p.csv", "--far", "2"], "--far must be a rate between 0 and 1"),
        (["calibrate"], "give the labelled pairs with --pairs FILE"),
    ])
    func usageErrorsExitTwo(arguments: [String], message: String) throws {
        let output = try Self.facekit(arguments, cache: try Self.tree.get().directory + "/cache-e")
        #expect(output.status == 2, "\(arguments): \(output.standardError)")
        #expect(output.standardError.contains(message), "\(arguments): \(output.standardError)")
    }

    @Test(arguments: ["eval", "calibrate"])
    func commandHelp(command: String) throws {
        let output = try FacekitCommandTests.facekit(command, "--help")
        #expect(output.status == 0)
        #expect(output.standardOutput.hasPrefix("Usage: facekit \(command)"))
        #expect(try FacekitCommandTests.facekit("--help").standardOutput.contains("\n  \(command) "))
    }

    // MARK: - calibrate

    @Test func calibrateSaysHowManyPairsTheThresholdRestsOn() throws {
        let tree = try Self.tree.get()
        let cache = tree.directory + "/cache-f"
        let output = try Self.facekit(
            [
                "calibrate", "--pairs", tree.pairs, "--root", tree.root, "--far", "0.25", "--json",
                "--quiet",
            ], cache: cache)
        #expect(output.status == 0, "\(output.standardError)")
        let object = try Self.object(output)
        // Four different-person pairs: ⌊0.25 × 4⌋ = 1 may be accepted; 3 / 0.25 = 12 are needed.
        #expect(object["different_pairs"] as? Int == 4 && object["same_pairs"] as? Int == 4)
        #expect(object["false_accepts"] as? Int == 1)
        #expect(object["measured_far"] as? Double == 0.25)
        #expect(object["different_pairs_needed"] as? Int == 12)
        #expect(object["supported"] as? Bool == false)
        #expect(object["tar"] as? Double == 1)

        let human = try Self.facekit(
            ["calibrate", "--pairs", tree.pairs, "--root", tree.root, "--quiet"], cache: cache)
        #expect(human.status == 0)
        #expect(human.standardOutput.hasPrefix("Recommended threshold for FAR 0.001: "))
        #expect(human.standardOutput.contains("rests on only 4 different-person pairs: FAR 0.001 needs at least 3000"))
    }

    // MARK: - eval pairs on the development set

    static let deepfacePairs = TestAssets.sharedDatasets + "/deepface/pairs.csv"

    /// dlib's own pipeline labels this list correctly for 99.67% of pairs at threshold 0.6.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: deepfacePairs), "../shared/datasets/deepface is absent"))
    func deepfacePairsMatchDlibsFigure() throws {
        let tree = try Self.tree.get()
        let output = try Self.facekit(
            ["eval", "pairs", "--pairs", Self.deepfacePairs, "--json", "--flip", "--quiet"],
            cache: tree.directory + "/cache-g")
        #expect(output.status == 0, "\(output.standardError)")
        let object = try Self.object(output)
        print("facekit eval pairs deepface/pairs.csv: \(output.standardOutput)")
        #expect(object["pairs"] as? Int == 300 && object["same_pairs"] as? Int == 38)
        #expect(object["threshold"] as? Double == 0.6)
        let plain = try #require(object["without_flip"] as? [String: Any])
        #expect(try #require(plain["accuracy_mean"] as? Double) >= 0.9966)
        #expect(try #require(object["accuracy_mean"] as? Double) >= 0.9966)
        #expect(try #require(object["auc"] as? Double) > 0.999)
    }

    // MARK: - The tree

    /// `root/Barack_Obama/Barack_Obama_000{1,2,3}.jpg`, `root/Joe_Biden/Joe_Biden_0001.jpg`, and a flat grey
    /// `root/Nobody_Here/Nobody_Here_0001.jpg` without a face; `pairs.txt` holds two folds of two
    /// same-person and two different-person pairs.
    struct LFWTree: Sendable {
        let directory: String
        let root: String
        let pairs: String
        let malformedPairs: String

        init() throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("facekit-eval-\(getpid())").path
            root = directory + "/lfw"
            pairs = directory + "/pairs.txt"
            malformedPairs = directory + "/malformed.txt"
            let photos = [
                ("Barack_Obama", 1, "obama.jpg"), ("Barack_Obama", 2, "obama2.jpg"),
                ("Barack_Obama", 3, "obama3.jpg"), ("Joe_Biden", 1, "biden.jpg"),
            ]
            let detected = try FacekitCommandTests.facekit(
                ["detect", "--json"] + photos.map { TestAssets.photo($0.2) })
            let lines = try FacekitCommandTests.jsonLines(detected)
            try #require(lines.count == photos.count)
            for ((name, number, file), line) in zip(photos, lines) {
                let faces = try #require(line["faces"] as? [[String: Any]])
                try #require(faces.count == 1, "\(file): \(faces.count) faces")
                let box = try FacekitCommandTests.box(faces[0])
                let image = try ImageDecoder.decode(contentsOf: TestAssets.photo(file))
                try Self.write(Self.lfwCrop(image, box: box), name: name, number: number, root: root)
            }
            try Self.write(
                Image(width: 250, height: 250, filledWith: (128, 128, 128)), name: "Nobody_Here", number: 1, root: root)
            try Data(
                """
                2\t2
                Barack_Obama\t1\t2
                Barack_Obama\t1\t3
                Barack_Obama\t1\tJoe_Biden\t1
                Barack_Obama\t2\tNobody_Here\t1
                Barack_Obama\t2\t3
                Barack_Obama\t3\t1
                Barack_Obama\t3\tJoe_Biden\t1
                Joe_Biden\t1\tNobody_Here\t1

                """.utf8
            ).write(to: URL(fileURLWithPath: pairs))
            try Data(
                "1\t2\nBarack_Obama\t1\t2\nBarack_Obama\t1\nBarack_Obama\t1\tJoe_Biden\t1\nBarack_Obama\t2\tJoe_Biden\t1\n"
                    .utf8
            ).write(to: URL(fileURLWithPath: malformedPairs))
        }

        /// The square of side 2.2 × the face box around its centre, scaled to 250×250, as LFW's photos are.
        static func lfwCrop(_ image: Image, box: (top: Double, right: Double, bottom: Double, left: Double)) -> Image {
            let side = 2.2 * (box.right - box.left + 1)
            let (centreX, centreY) = ((box.left + box.right) / 2, (box.top + box.bottom) / 2)
            let scale = side / 250
            return image.warpedAffine(
                outputWidth: 250, outputHeight: 250,
                transform: AffineTransform2D(
                    a: scale, b: 0, c: centreX - side / 2 + scale / 2 - 0.5,
                    d: 0, e: scale, f: centreY - side / 2 + scale / 2 - 0.5))
        }

        static func write(_ image: Image, name: String, number: Int, root: String) throws {
            let folder = root + "/" + name
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let path = folder + "/" + name + "_000\(number).jpg"
            try Data(try ImageEncoder.jpeg(image, quality: 92)).write(to: URL(fileURLWithPath: path))
        }
    }
}
