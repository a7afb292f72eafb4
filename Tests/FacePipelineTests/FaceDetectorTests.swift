import FaceCore
import FaceImage
import FacePipeline
import FaceTestSupport
import Foundation
import Testing

/// The detector against dlib's own on the test photos, and the published facts about them.
@Suite struct FaceDetectorTests {
    static let photos = ["obama.jpg", "obama2.jpg", "obama3.jpg", "biden.jpg", "obama_partial_face.jpg",
                         "obama_partial_face2.jpg", "32bit.png"]
    static let detector = Result { try FaceDetector(models: ModelDirectory(path: TestAssets.modelsDirectory)) }
    static let reference = Result { try DlibReference.faces(images: photos.map(TestAssets.photo), upsample: 0) }

    @Test(arguments: photos)
    func matchesDlib(photo: String) throws {
        let path = TestAssets.photo(photo)
        let theirs = try #require(try Self.reference.get()[path])
        let ours = try Self.detector.get().detect(in: try ImageDecoder.decode(contentsOf: path))
        #expect(ours.count == theirs.count, "\(photo): \(ours.count) faces, dlib \(theirs.count)")
        for (face, expected) in zip(ours, theirs) {
            let box = BoundingBox(left: expected.left, top: expected.top, right: expected.right, bottom: expected.bottom)
            let overlap = face.box.intersectionOverUnion(box)
            print("\(photo): box \(face.box) dlib \(box) IoU \(overlap), confidence \(face.confidence) dlib \(expected.confidence)")
            #expect(overlap >= 0.95)
            #expect(abs(Double(face.confidence) - expected.confidence) <= 0.02)
        }
    }

    /// Small faces need the photo doubled first; the boxes must still land where dlib's do.
    @Test func upsampledDetectionMatchesDlib() throws {
        let path = TestAssets.photo("obama_partial_face2.jpg")
        let theirs = try #require(try DlibReference.faces(images: [path], upsample: 1)[path])
        let ours = try Self.detector.get().detect(in: try ImageDecoder.decode(contentsOf: path), upsample: 1)
        #expect(ours.count == theirs.count)
        for (face, expected) in zip(ours, theirs) {
            let box = BoundingBox(left: expected.left, top: expected.top, right: expected.right, bottom: expected.bottom)
            print("upsampled: box \(face.box) dlib \(box), confidence \(face.confidence) dlib \(expected.confidence)")
            #expect(face.box.intersectionOverUnion(box) >= 0.95)
            #expect(abs(Double(face.confidence) - expected.confidence) <= 0.02)
        }
    }

    @Test func obamaHasOneFaceWherePublished() throws {
        let faces = try Self.detector.get().detect(in: try ImageDecoder.decode(contentsOf: TestAssets.photo("obama.jpg")))
        try #require(faces.count == 1)
        let box = faces[0].box
        // face_recognition's published box (top, right, bottom, left) ≈ (144, 608, 389, 363), ±25 px.
        #expect(abs(box.y - 144) <= 25 && abs(box.right - 608) <= 25 && abs(box.bottom - 389) <= 25 && abs(box.x - 363) <= 25)
    }

    @Test func thirtyTwoBitPNGFaceWherePublished() throws {
        let faces = try Self.detector.get().detect(in: try ImageDecoder.decode(contentsOf: TestAssets.photo("32bit.png")))
        try #require(faces.count == 1)
        #expect(abs(faces[0].box.y - 259) <= 25 && abs(faces[0].box.bottom - 552) <= 25)
    }

    @Test func blankImageHasNoFace() throws {
        let blank = Image(width: 320, height: 240, filledWith: (128, 128, 128))
        #expect(try Self.detector.get().detect(in: blank).isEmpty)
    }
}
