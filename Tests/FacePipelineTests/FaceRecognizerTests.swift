import FaceCore
import FaceImage
import FacePipeline
import FaceTestSupport
import Foundation
import Testing

/// The whole pipeline on the real test photos: the published facts about them, descriptors against
/// dlib's end to end, and the three entry points agreeing with each other.
@Suite struct FaceRecognizerTests {
    static let photoNames = [
        "obama.jpg", "obama2.jpg", "obama3.jpg", "biden.jpg", "obama_partial_face.jpg",
        "obama_partial_face2.jpg", "32bit.png",
    ]

    /// Per-component bound on photo-to-descriptor parity with dlib, as for chips (DescriptorParityTests).
    static let maxComponentDifference: Float = 1e-3
    /// The same photo described alone or in a batch: only the summation order may differ.
    static let batchTolerance: Float = 1e-5

    static let recognizer = Result { try FaceRecognizer(models: ModelDirectory(path: TestAssets.modelsDirectory)) }

    /// dlib's faces and descriptors for the test photos, from the reference program (about 10 s, so once).
    static let reference = Result { try DlibReference.faces(images: photoNames.map(TestAssets.photo), upsample: 0) }

    /// The decoded photos, by name.
    static let photos = Result {
        try Dictionary(uniqueKeysWithValues: photoNames.map { ($0, try photo($0)) })
    }

    /// `faces(in:)` for each photo, by name: the baseline the other tests compare with.
    static let facesByPhoto = Result {
        let pipeline = try recognizer.get()
        return try photos.get().mapValues { pipeline.faces(in: $0) }
    }

    /// dlib ignores EXIF orientation (it decodes the stored pixels as they are), so the photos are
    /// decoded without applying it; otherwise a rotated photo would be compared with dlib's unrotated one.
    static func photo(_ name: String) throws -> Image {
        try ImageDecoder.decode(
            contentsOf: TestAssets.photo(name), options: ImageDecodingOptions(appliesOrientation: false))
    }

    static func descriptor(_ name: String) throws -> Descriptor {
        let found = try #require(try facesByPhoto.get()[name])
        try #require(found.count == 1, "\(name): \(found.count) faces, expected 1")
        return try #require(found[0].descriptor)
    }

    // MARK: - Published facts

    /// face_recognition's tests: the three Obama photos match each other, Biden matches none of them.
    @Test func obamaPhotosMatchEachOtherAndNotBiden() throws {
        let obamas = ["obama.jpg", "obama2.jpg", "obama3.jpg"]
        let threshold = Descriptor.sameIdentityMaxEuclideanDistance
        #expect(threshold == 0.6)
        for (index, a) in obamas.enumerated() {
            for b in obamas[(index + 1)...] {
                let distance = try Self.descriptor(a).euclideanDistance(to: Self.descriptor(b))
                print("\(a) – \(b): \(distance)")
                #expect(distance < threshold, "\(a) and \(b) are \(distance) apart")
            }
        }
        let biden = try Self.descriptor("biden.jpg")
        for name in obamas {
            let distance = try Self.descriptor(name).euclideanDistance(to: biden)
            print("\(name) – biden.jpg: \(distance)")
            #expect(distance > threshold, "\(name) and biden.jpg are only \(distance) apart")
        }
    }

    // MARK: - Parity with dlib

    /// Detection, landmarks, chip and descriptor together against dlib's pipeline on the same photos.
    @Test func descriptorsMatchDlibFromPhotos() throws {
        let reference = try Self.reference.get()
        let faces = try Self.facesByPhoto.get()
        var maxDifference: Float = 0
        var sumDifference: Float = 0
        var count = 0
        var faceCount = 0
        for name in Self.photoNames {
            let theirs = try #require(reference[TestAssets.photo(name)], "no reference output for \(name)")
            let ours = try #require(faces[name])
            #expect(ours.count == theirs.count, "\(name): \(ours.count) faces, dlib \(theirs.count)")
            for face in ours {
                // dlib lists faces in its own order; pair each of ours with the dlib box it overlaps most.
                let boxes = theirs.map { BoundingBox(left: $0.left, top: $0.top, right: $0.right, bottom: $0.bottom) }
                let overlaps = boxes.map(face.box.intersectionOverUnion)
                let best = try #require(
                    overlaps.indices.max { overlaps[$0] < overlaps[$1] }, "\(name): dlib found no face")
                #expect(overlaps[best] >= 0.95, "\(name): box \(face.box), nearest dlib box \(boxes[best])")
                let descriptor = try #require(face.descriptor)
                try #require(descriptor.dimension == 128 && theirs[best].descriptor.count == 128)
                var photoMax: Float = 0
                for (a, b) in zip(descriptor.values, theirs[best].descriptor) {
                    photoMax = max(photoMax, abs(a - b))
                    sumDifference += abs(a - b)
                    count += 1
                }
                print("\(name): face at \(face.box), max |Δ| \(photoMax)")
                #expect(photoMax <= Self.maxComponentDifference, "\(name): max |Δ| \(photoMax)")
                maxDifference = max(maxDifference, photoMax)
                faceCount += 1
            }
        }
        let meanDifference = sumDifference / Float(max(count, 1))
        print(
            "photo-to-descriptor parity over \(faceCount) faces:",
            "max |Δ| \(maxDifference), mean |Δ| \(meanDifference)")
        #expect(faceCount >= Self.photoNames.count)
    }

    // MARK: - Entry points

    /// The batch hands each photo its own descriptors back, also when a photo between them has no face.
    @Test func facesInEachEqualsFacesInEachPhoto() throws {
        let names = ["obama.jpg", "biden.jpg"]
        let photos = try Self.photos.get()
        let blank = Image(width: 320, height: 240, filledWith: (128, 128, 128))
        let batch = try Self.recognizer.get().faces(inEach: [photos[names[0]]!, blank, photos[names[1]]!])
        try #require(batch.count == 3)
        #expect(batch[1].isEmpty)
        for (name, together) in zip(names, [batch[0], batch[2]]) {
            let alone = try #require(try Self.facesByPhoto.get()[name])
            #expect(together.count == alone.count, "\(name)")
            for (a, b) in zip(together, alone) {
                #expect(a.box == b.box, "\(name)")
                #expect(a.confidence == b.confidence, "\(name)")
                #expect(a.landmarks == b.landmarks, "\(name)")
                let distance = try #require(a.descriptor).euclideanDistance(to: try #require(b.descriptor))
                let largest = zip(a.descriptor!.values, b.descriptor!.values).map { abs($0 - $1) }.max() ?? 0
                #expect(largest <= Self.batchTolerance, "\(name): descriptors \(distance) apart, max |Δ| \(largest)")
            }
        }
    }

    /// A photo with several faces: the test photos hold one each, so two are put side by side, the
    /// smaller one first, to check the order is by size rather than by position.
    @Test func facesComeLargestFirstInAGroupPhoto() throws {
        let photos = try Self.photos.get()
        let small = try #require(photos["obama.jpg"]).resized(width: 455, height: 568)
        let large = try #require(photos["biden.jpg"])
        let faces = try Self.recognizer.get().faces(in: Self.sideBySide(small, large))
        print("group photo: \(faces.map(\.box))")
        try #require(faces.count == 2)
        #expect(faces[0].box.area > faces[1].box.area)
        #expect(faces[0].box.x > Double(small.width), "the larger face (Biden's) is the right one")
    }

    /// `left` and `right` next to each other, tops aligned, on grey.
    static func sideBySide(_ left: Image, _ right: Image) -> Image {
        let width = left.width + right.width
        let height = max(left.height, right.height)
        var pixels = Image(width: width, height: height, filledWith: (128, 128, 128)).pixels
        for (image, x) in [(left, 0), (right, left.width)] {
            for row in 0..<image.height {
                let source = row * image.width * 3
                let target = (row * width + x) * 3
                pixels[target..<target + image.width * 3] = image.pixels[source..<source + image.width * 3]
            }
        }
        return Image(width: width, height: height, pixels: pixels)
    }

    /// One recognizer serves several threads at once (as the HTTP service will): each gets the answer
    /// it would get alone.
    @Test func concurrentCallsAgreeWithSerialOnes() async throws {
        let recognizer = try Self.recognizer.get()
        let photos = [try Self.photo("obama.jpg"), try Self.photo("biden.jpg"), try Self.photo("obama2.jpg")]
        let serial = photos.map { recognizer.faces(in: $0).map(\.descriptor) }
        let concurrent = await withTaskGroup(of: (Int, [Descriptor?]).self) { group in
            for (index, photo) in photos.enumerated() {
                group.addTask { (index, recognizer.faces(in: photo).map(\.descriptor)) }
            }
            var results = [[Descriptor?]](repeating: [], count: photos.count)
            for await (index, descriptors) in group { results[index] = descriptors }
            return results
        }
        #expect(concurrent == serial)
    }

    @Test func detectFacesMatchesFacesWithoutDescriptors() throws {
        let recognizer = try Self.recognizer.get()
        let photos = try Self.photos.get()
        for name in ["obama.jpg", "biden.jpg", "obama_partial_face.jpg"] {
            let detected = recognizer.detectFaces(in: photos[name]!)
            let full = try #require(try Self.facesByPhoto.get()[name])
            #expect(detected.count == full.count, "\(name)")
            for (a, b) in zip(detected, full) {
                #expect(a.descriptor == nil)
                #expect(a.box == b.box, "\(name)")
                #expect(a.confidence == b.confidence, "\(name)")
                #expect(a.landmarks == b.landmarks, "\(name)")
            }
        }
    }
}
