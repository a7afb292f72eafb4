import FaceCore
import FaceEvaluation
import FaceImage
import FacePipeline
import FaceTestSupport
import Foundation
import Testing

/// The face-choice rule and the evaluation run on the real models and test photos.
@Suite struct PhotoDescriberTests {
    static let recognizer = Result { try FaceRecognizer(models: ModelDirectory(path: TestAssets.modelsDirectory)) }

    /// obama.jpg cropped around its face the way LFW crops (face box × 2.2) and scaled to 250×250.
    static func lfwLikeObama() throws -> Image {
        let photo = try ImageDecoder.decode(contentsOf: TestAssets.photo("obama.jpg"))
        // face_recognition's published box for obama.jpg: left 363, top 144, right 608, bottom 389.
        let (centreX, centreY, side) = ((363.0 + 608) / 2, (144.0 + 389) / 2, 246.0 * 2.2)
        let scale = side / 250
        let transform = AffineTransform2D(a: scale, b: 0, c: centreX - side / 2, d: 0, e: scale, f: centreY - side / 2)
        return photo.warpedAffine(outputWidth: 250, outputHeight: 250, transform: transform)
    }

    @Test func fallbackBoxIsCentredAndSizedLikeAnLFWFace() {
        #expect(
            FaceChoice.fallbackBox(width: 250, height: 250) == BoundingBox(x: 67.5, y: 67.5, width: 115, height: 115))
        #expect(
            FaceChoice.fallbackBox(width: 500, height: 250) == BoundingBox(x: 192.5, y: 67.5, width: 115, height: 115))
    }

    @Test func lfwScansTheCentralFourFifths() {
        #expect(FaceChoice.lfw.detectionRegion(width: 250, height: 250) == (25, 25, 200, 200))
        #expect(FaceChoice().detectionRegion(width: 250, height: 300) == (0, 0, 250, 300))
        #expect(FaceChoice.lfw.detectionRegion(width: 400, height: 250) == (100, 25, 200, 200))
        let image = Image(width: 4, height: 3, pixels: Array(0..<36))
        #expect(PhotoDescriber.crop(image, (1, 1, 2, 2)).pixels == [15, 16, 17, 18, 19, 20, 27, 28, 29, 30, 31, 32])
    }

    /// Scanning LFW's central 200×200 finds the face at the same place as scanning the whole photo.
    @Test func centralRegionFindsTheSameFace() throws {
        let recognizer = try Self.recognizer.get()
        let photo = try Self.lfwLikeObama()
        let whole = PhotoDescriber(recognizer: recognizer, choice: FaceChoice()).describe([photo])[0]
        let central = PhotoDescriber(recognizer: recognizer, choice: .lfw).describe([photo])[0]
        #expect(central.source == .detected && whole.source == .detected)
        #expect(
            abs(central.box.center.x - whole.box.center.x) <= 8 && abs(central.box.center.y - whole.box.center.y) <= 8,
            "whole \(whole.box), central \(central.box)")
        #expect(try #require(central.descriptor).euclideanDistance(to: try #require(whole.descriptor)) < 0.1)
    }

    @Test func nearestCentreWinsOverLargest() {
        let boxes = [
            BoundingBox(x: 0, y: 0, width: 200, height: 200), BoundingBox(x: 100, y: 100, width: 50, height: 50),
        ]
        #expect(FaceChoice.nearestCentre(boxes, width: 250, height: 250) == 1)
        #expect(FaceChoice.nearestCentre([], width: 250, height: 250) == nil)
    }

    @Test func mirroringTwiceGivesTheImageBack() {
        let image = Image(width: 3, height: 2, pixels: Array(0..<18))
        let mirrored = PhotoDescriber.mirrored(image)
        #expect(mirrored.pixels == [6, 7, 8, 3, 4, 5, 0, 1, 2, 15, 16, 17, 12, 13, 14, 9, 10, 11])
        #expect(PhotoDescriber.mirrored(mirrored) == image)
    }

    @Test func flipAveragesTheTwoDescriptors() {
        let description = PhotoDescription(
            source: .detected, facesFound: 1, box: BoundingBox(x: 0, y: 0, width: 1, height: 1),
            descriptor: Descriptor([1, 2]), mirroredDescriptor: Descriptor([3, -2]))
        #expect(description.descriptor(flip: true) == Descriptor([2, 0]))
        #expect(description.descriptor(flip: false) == Descriptor([1, 2]))
    }

    /// A detected LFW-like face, a faceless grey photo that falls back to the centred box, and the mirror.
    @Test func describesDetectedAndFallbackFaces() throws {
        let recognizer = try Self.recognizer.get()
        let describer = PhotoDescriber(recognizer: recognizer, choice: FaceChoice(), mirrors: true)
        let grey = Image(width: 250, height: 250, filledWith: (128, 128, 128))
        let described = describer.describe([try Self.lfwLikeObama(), grey])
        let face = described[0]
        #expect(face.source == .detected && face.facesFound == 1)
        print("LFW-like obama.jpg: box \(face.box)")
        // The detector's box for a face cropped like LFW's is near the fallback box.
        #expect(abs(face.box.center.x - 124.5) < 20 && abs(face.box.center.y - 124.5) < 20)
        #expect(face.box.width > 90 && face.box.width < 140)
        let fallback = described[1]
        #expect(fallback.source == .fallback && fallback.facesFound == 0)
        #expect(fallback.box == FaceChoice.fallbackBox(width: 250, height: 250))
        #expect(fallback.descriptor != nil)

        // The chip's mirror describes the same person; the plain descriptor matches the pipeline's own.
        let plain = try #require(face.descriptor)
        let mirrored = try #require(face.mirroredDescriptor)
        #expect(plain.euclideanDistance(to: mirrored) < 0.4)
        let pipeline = try #require(recognizer.faces(in: try Self.lfwLikeObama()).first?.descriptor)
        #expect(plain.euclideanDistance(to: pipeline) < 1e-4)
        #expect(describer.describe([grey], located: nil)[0].descriptor != nil)
        #expect(
            PhotoDescriber(recognizer: recognizer, choice: FaceChoice(fallsBackToCentre: false))
                .describe([grey])[0].source == .none)
    }

    /// A second run over the same photos is answered by the cache and never loads the models.
    @Test func secondRunComesFromTheCache() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("facekit-run-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let photos = ["obama.jpg", "obama2.jpg", "biden.jpg"].map(TestAssets.photo)
        let loads = Counter()
        func makeDescriber() throws(FacePipelineError) -> PhotoDescriber {
            loads.increment()
            return PhotoDescriber(
                recognizer: try FaceRecognizer(models: ModelDirectory(path: TestAssets.modelsDirectory)))
        }
        let cold = try EvaluationRun(
            photos: photos, makeDescriber: makeDescriber,
            cache: DescriptorCache(directory: directory, settingsKey: "test"))
        #expect(cold.cacheHits == 0 && loads.value == 1)
        let warm = try EvaluationRun(
            photos: photos, makeDescriber: makeDescriber,
            cache: DescriptorCache(directory: directory, settingsKey: "test"))
        #expect(warm.cacheHits == 3 && loads.value == 1)
        #expect(warm.descriptions == cold.descriptions)
        print("cold \(cold.seconds) s, warm \(warm.seconds) s")

        let pairs = [
            LabelledPair(first: photos[0], second: photos[1], isSamePerson: true),
            LabelledPair(first: photos[0], second: photos[2], isSamePerson: false),
        ]
        let scored = warm.scoredPairs(pairs, flip: false)
        #expect(scored[0].distance < 0.6 && scored[1].distance > 0.6)
    }

    @Test func anUndecodablePhotoIsNamed() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("facekit-notes-\(getpid()).jpg").path
        try Data("These are notes, not a photo.\n".utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            _ = try EvaluationRun(
                photos: [TestAssets.photo("obama.jpg"), path],
                makeDescriber: { () throws(FacePipelineError) in
                    PhotoDescriber(
                        recognizer: try FaceRecognizer(models: ModelDirectory(path: TestAssets.modelsDirectory)))
                }, cache: nil)
            Issue.record("no error for a text file")
        } catch {
            #expect(error.code == .unreadablePhoto)
            #expect(error.message.hasPrefix("\(path): "), "\(error.message)")
        }
    }

    @Test func missingPhotosAreNamedBeforeAnyWork() {
        let absent = TestAssets.photo("absent-\(getpid()).jpg")
        do {
            _ = try EvaluationRun(
                photos: [TestAssets.photo("obama.jpg"), absent],
                makeDescriber: { () throws(FacePipelineError) in
                    Issue.record("loaded the models for a list with a missing photo")
                    return PhotoDescriber(
                        recognizer: try FaceRecognizer(models: ModelDirectory(path: TestAssets.modelsDirectory)))
                }, cache: nil)
            Issue.record("no error for a missing photo")
        } catch {
            #expect(error.code == .missingPhoto)
            #expect(error.message == "1 of 2 photos are missing: \(absent)")
        }
    }

    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var count = 0
        func increment() { lock.withLock { count += 1 } }
        var value: Int { lock.withLock { count } }
    }
}
