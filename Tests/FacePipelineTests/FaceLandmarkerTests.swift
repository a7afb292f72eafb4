import FaceCore
import FaceImage
import FacePipeline
import FaceTestSupport
import Foundation
import Testing

/// FaceLandmarker against dlib's shape predictor, and its behaviour on damaged model files.
@Suite struct FaceLandmarkerTests {
    static let photoNames = [
        "obama.jpg", "obama2.jpg", "obama3.jpg", "biden.jpg", "obama_partial_face.jpg",
        "obama_partial_face2.jpg", "32bit.png",
    ]

    /// dlib's boxes and landmarks for the test photos, from the reference program (about 10 s, so once).
    static let reference = Result { try DlibReference.faces(images: photoNames.map(TestAssets.photo), upsample: 0) }
    static let modelBytes = Result { try TestAssets.bytes(of: TestAssets.model(KnownModel.landmarks5.fileName)) }
    static let landmarker = Result { try FaceLandmarker(models: ModelDirectory(path: TestAssets.modelsDirectory)) }

    /// dlib prints its landmarks rounded to whole pixels (its `full_object_detection` holds integer
    /// points), while FaceLandmarker returns them unrounded. So the unrounded points must lie within
    /// half a pixel of dlib's, and rounded the way dlib rounds they must equal dlib's exactly.
    static let maxUnroundedDistanceFromDlibRounded = 0.5

    /// dlib ignores EXIF orientation and drops alpha; decode the same way.
    static func photo(_ name: String) throws -> Image {
        try ImageDecoder.decode(
            contentsOf: TestAssets.photo(name), options: ImageDecodingOptions(appliesOrientation: false))
    }

    @Test func landmarksMatchDlibOnItsBoxes() throws {
        let reference = try Self.reference.get()
        let landmarker = try Self.landmarker.get()
        var faceCount = 0
        var maxFromRounded = 0.0
        var roundedMismatches = 0
        for name in Self.photoNames {
            let faces = try #require(reference[TestAssets.photo(name)], "no reference output for \(name)")
            let image = try Self.photo(name)
            for face in faces {
                faceCount += 1
                let box = BoundingBox(left: face.left, top: face.top, right: face.right, bottom: face.bottom)
                let ours = landmarker.landmarks(in: image, box: box)
                try #require(ours.points.count == 5 && face.landmarks.count == 5)
                let rounded = ours.roundedLikeDlib()
                for (index, (point, theirs)) in zip(ours.points, face.landmarks).enumerated() {
                    maxFromRounded = max(maxFromRounded, abs(point.x - theirs[0]), abs(point.y - theirs[1]))
                    if rounded.points[index] != Point2D(x: theirs[0], y: theirs[1]) {
                        roundedMismatches += 1
                        Issue.record(
                            "\(name) point \(index): ours \(point) rounds to \(rounded.points[index]), dlib \(theirs)")
                    }
                }
            }
        }
        print(
            "landmark parity over \(faceCount) faces: max |ours − dlib rounded| \(maxFromRounded) px, "
                + "rounded mismatches \(roundedMismatches)")
        #expect(faceCount >= 7, "dlib found \(faceCount) faces in the 7 test photos")
        #expect(maxFromRounded <= Self.maxUnroundedDistanceFromDlibRounded)
        #expect(roundedMismatches == 0)
    }

    @Test func pointsFollowTheDocumentedOrder() throws {
        let face = try #require(try Self.reference.get()[TestAssets.photo("obama.jpg")]?.first)
        let box = BoundingBox(left: face.left, top: face.top, right: face.right, bottom: face.bottom)
        let p = try Self.landmarker.get().landmarks(in: Self.photo("obama.jpg"), box: box).points
        // Image-right eye: outer corner (0) right of inner corner (1); image-left eye: outer (2) left of inner (3).
        #expect(p[0].x > p[1].x && p[1].x > p[3].x && p[3].x > p[2].x)
        // The nose base lies below both eyes and between them.
        #expect(p[4].y > max(p[0].y, p[1].y, p[2].y, p[3].y) && p[4].x > p[3].x && p[4].x < p[1].x)
    }

    @Test func loadsEveryCascade() throws {
        let landmarker = try FaceLandmarker(modelBytes: try Self.modelBytes.get())
        #expect(landmarker.partCount == 5 && landmarker.cascadeCount == 15)
    }

    /// Cuts at the start, inside the header, inside the trees, inside the anchor lists and one byte short.
    @Test(arguments: [0, 1, 2, 3, 4, 7, 30, 71, 1_000, 123_457, 4_000_000, -150_000, -20_000, -1_000, -1])
    func truncatedModelThrowsModelUnreadable(cut: Int) throws {
        let bytes = try Self.modelBytes.get()
        let length = cut >= 0 ? cut : bytes.count + cut
        do {
            _ = try FaceLandmarker(modelBytes: Array(bytes[..<length]), origin: "cut.dat")
            Issue.record("a model cut to \(length) of \(bytes.count) bytes loaded")
        } catch {
            #expect(error.code == .modelUnreadable)
            #expect(error.message.hasPrefix("cut.dat: "))
            #expect(error.message.contains("byte"), "message should say where: \(error.message)")
        }
    }

    @Test func trailingBytesAreRejected() throws {
        let bytes = try Self.modelBytes.get()
        #expect(throws: FacePipelineError.self) { try FaceLandmarker(modelBytes: bytes + [0x01, 0x00]) }
    }

    @Test func wrongVersionIsRejected() throws {
        var bytes = try Self.modelBytes.get()
        bytes[1] = 2  // the version is the compact integer 01 01
        do {
            _ = try FaceLandmarker(modelBytes: bytes)
            Issue.record("a version-2 file loaded")
        } catch {
            #expect(error.code == .modelUnreadable && error.message.contains("version 2"))
        }
    }

    /// Random byte damage must either be rejected or give a model that still runs without trapping.
    @Test func damagedBytesNeverCrash() throws {
        let original = try Self.modelBytes.get()
        let image = try Self.photo("obama.jpg")
        let box = BoundingBox(left: 375, top: 154, right: 611, bottom: 390)
        var random = SeededRandom(seed: 5)
        var rejected = 0
        var loaded = 0
        for _ in 0..<60 {
            var bytes = original
            // Mostly early bytes, where counts and shapes live, plus some anywhere.
            for _ in 0..<4 {
                let limit = Bool.random(using: &random) ? 2_000 : bytes.count
                bytes[Int.random(in: 0..<limit, using: &random)] = UInt8.random(in: 0...255, using: &random)
            }
            do {
                let landmarker = try FaceLandmarker(modelBytes: bytes)
                _ = landmarker.landmarks(in: image, box: box)
                loaded += 1
            } catch {
                #expect(error.code == .modelUnreadable)
                rejected += 1
            }
        }
        print("damaged models: \(rejected) rejected, \(loaded) loaded and ran")
    }

    @Test(arguments: [
        BoundingBox(left: -500, top: -500, right: -100, bottom: -100),  // entirely outside
        BoundingBox(left: 800, top: 1000, right: 2000, bottom: 2400),  // mostly outside
        BoundingBox(left: 10, top: 10, right: 10, bottom: 10),  // one pixel
        BoundingBox(left: 50, top: 50, right: 20, bottom: 20),  // inverted
        BoundingBox(x: .nan, y: .infinity, width: 1e300, height: -.infinity),  // nonsense
    ])
    func oddBoxesGiveFivePointsWithoutTrapping(box: BoundingBox) throws {
        let landmarker = try Self.landmarker.get()
        #expect(landmarker.landmarks(in: try Self.photo("obama.jpg"), box: box).points.count == 5)
        #expect(landmarker.landmarks(in: Image(width: 1, height: 1), box: box).points.count == 5)
    }

    /// The optional 68-point model uses the same format; skipped when set-up did not unpack it.
    @Test func the68PointModelLoadsToo() throws {
        let path = TestAssets.model(KnownModel.landmarks68.fileName)
        guard FileManager.default.fileExists(atPath: path) else { return }
        let landmarker = try FaceLandmarker(modelBytes: TestAssets.bytes(of: path), origin: path)
        let box = BoundingBox(left: 375, top: 154, right: 611, bottom: 390)
        let points = landmarker.landmarks(in: try Self.photo("obama.jpg"), box: box).points
        #expect(landmarker.partCount == 68 && points.count == 68)
        #expect(points.allSatisfy { $0.x > 300 && $0.x < 700 && $0.y > 100 && $0.y < 450 })
    }

    @Test func roundingIsHalfUpLikeDlib() {
        let points = FaceLandmarks([Point2D(x: 1.5, y: -1.5), Point2D(x: 2.4999, y: -0.5000001)])
        #expect(points.roundedLikeDlib().points == [Point2D(x: 2, y: -1), Point2D(x: 2, y: -1)])
    }

    // MARK: - Hand-made models

    /// dlib's compact integer: control byte (byte count, 0x80 if negative), then magnitude bytes, low first.
    static func integer(_ value: Int64) -> [UInt8] {
        var magnitude = value.magnitude
        var body: [UInt8] = []
        repeat {
            body.append(UInt8(magnitude & 0xFF))
            magnitude >>= 8
        } while magnitude != 0
        return [UInt8(body.count) | (value < 0 ? 0x80 : 0)] + body
    }

    /// A float as mantissa · 2^−16 (exact for the multiples of 1/65536 used here).
    static func float(_ value: Float) -> [UInt8] { integer(Int64(value * 65536)) + integer(-16) }

    /// A column vector: negated row and column counts, then the floats.
    static func column(_ values: [Float]) -> [UInt8] {
        integer(-Int64(values.count)) + integer(-1) + values.flatMap(float)
    }

    /// Two parts at the box corners; optionally one cascade of one single-split tree comparing the grey
    /// level at part 0 with the one at part 1: above 59.5 moves part 0 right by half the box, otherwise down.
    /// Feature pixel i sits on part i with no offset; `featureCount` below 2 makes the split invalid.
    static func tinyModel(withTree: Bool, featureCount: Int64 = 2) -> [UInt8] {
        var bytes = integer(1) + column([0, 0, 1, 1])
        guard withTree else { return bytes + integer(0) + integer(0) + integer(0) }
        bytes += integer(1) + integer(1)  // one cascade, one tree
        bytes += integer(1) + integer(0) + integer(1) + float(59.5)  // one split: pixel 0 − pixel 1 > 59.5
        bytes += integer(2) + column([0.5, 0, 0, 0]) + column([0, 0.5, 0, 0])  // two leaves
        bytes += integer(1) + integer(featureCount)  // anchors: pixel i on part i
        for part in 0..<featureCount { bytes += integer(part) }
        bytes += integer(1) + integer(featureCount)  // offsets: none
        for _ in 0..<2 * featureCount { bytes += float(0) }
        return bytes
    }

    @Test func meanShapeIsPlacedOnTheInclusiveBox() throws {
        let landmarker = try FaceLandmarker(modelBytes: Self.tinyModel(withTree: false))
        let box = BoundingBox(left: 10, top: 20, right: 90, bottom: 60)
        let points = landmarker.landmarks(in: Image(width: 100, height: 100), box: box).points
        #expect(points == [Point2D(x: 10, y: 20), Point2D(x: 90, y: 60)])
    }

    /// Grey is the truncated mean of R, G and B: (60, 60, 59) is grey 59, not 60 (rounded) nor ~59.9 (luma).
    @Test(arguments: [((90, 60, 30), Point2D(x: 50, y: 20)), ((60, 60, 59), Point2D(x: 10, y: 40))])
    func treeSplitsOnIntegerGreyDifference(color: (Int, Int, Int), expected: Point2D) throws {
        let landmarker = try FaceLandmarker(modelBytes: Self.tinyModel(withTree: true))
        var image = Image(width: 100, height: 100)
        let offset = (20 * 100 + 10) * 3
        image.pixels[offset] = UInt8(color.0)
        image.pixels[offset + 1] = UInt8(color.1)
        image.pixels[offset + 2] = UInt8(color.2)
        let box = BoundingBox(left: 10, top: 20, right: 90, bottom: 60)
        #expect(landmarker.landmarks(in: image, box: box).points[0] == expected)
    }

    @Test func splitReadingAMissingPixelIsRejected() {
        do {
            _ = try FaceLandmarker(modelBytes: Self.tinyModel(withTree: true, featureCount: 1), origin: "tiny")
            Issue.record("a split reading feature pixel 1 of 1 loaded")
        } catch {
            #expect(error.code == .modelUnreadable && error.message.contains("feature pixel 1 of 1"), "\(error)")
        }
    }
}
