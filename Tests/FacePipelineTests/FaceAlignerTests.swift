import FaceCore
import FaceImage
import FacePipeline
import FaceTestSupport
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// FaceAligner's chips and chip geometry against dlib's, on dlib's own landmarks for the test photos.
@Suite struct FaceAlignerParityTests {
    static let photos = [
        "obama.jpg", "obama2.jpg", "obama3.jpg", "biden.jpg", "obama_partial_face.jpg",
        "obama_partial_face2.jpg", "32bit.png",
    ]

    /// The photos plus "pair", two of them side by side.
    static let cases = photos + ["pair"]

    /// Mean absolute chip difference allowed, in grey levels over all samples of a chip. The chips measured
    /// bit-exact against dlib's; a little slack leaves room for JPEG decoders that round differently.
    static let maxMeanAbsoluteDifference = 0.1
    /// Region edges and map coefficients agree to the reference's printed precision (9 significant digits).
    static let maxRelativeGeometryDifference = 1e-6

    static let directory = FileManager.default.temporaryDirectory.appendingPathComponent("facekit-aligner-\(getpid())")
        .path

    /// obama.jpg and obama2.jpg side by side: two faces that dlib extracts in one call, sharing one pyramid.
    static let pairPhoto = directory + "/obama-pair.png"

    /// dlib's faces, landmarks, chip geometry and chips for all photos, from one run of the reference.
    static let reference = Result { () throws -> [String: [DlibReference.Face]] in
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let left = try decode(TestAssets.photo("obama.jpg"))
        let right = try decode(TestAssets.photo("obama2.jpg"))
        let pair = sideBySide(left, right)
        try Data(ImageEncoder.png(pair)).write(to: URL(fileURLWithPath: pairPhoto))
        return try DlibReference.faces(
            images: photos.map(TestAssets.photo) + [pairPhoto], upsample: 0,
            chipsOut: directory + "/chips")
    }

    /// A photo as dlib reads it: EXIF orientation is ignored.
    static func decode(_ path: String) throws -> Image {
        try ImageDecoder.decode(contentsOf: path, options: ImageDecodingOptions(appliesOrientation: false))
    }

    /// `left` and `right` in one image, `right` one pixel further right and down than touching; the odd
    /// offset tends to start the shared pyramid on a different pixel parity than the right face's own would.
    static func sideBySide(_ left: Image, _ right: Image) -> Image {
        let width = left.width + 1 + right.width
        let height = max(left.height, right.height + 1)
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for (image, x, y) in [(left, 0, 0), (right, left.width + 1, 1)] {
            for row in 0..<image.height {
                let source = row * image.width * 3
                let target = ((row + y) * width + x) * 3
                pixels[target..<target + image.width * 3] = image.pixels[source..<source + image.width * 3]
            }
        }
        return Image(width: width, height: height, pixels: pixels)
    }

    static func landmarks(_ face: DlibReference.Face) -> FaceLandmarks {
        FaceLandmarks(face.landmarks.map { Point2D(x: $0[0], y: $0[1]) })
    }

    static func close(_ ours: Double, _ theirs: Double) -> Bool {
        abs(ours - theirs) <= maxRelativeGeometryDifference * max(1, abs(theirs))
    }

    static func path(_ photo: String) -> String { photo == "pair" ? pairPhoto : TestAssets.photo(photo) }

    @Test(arguments: cases) func chipGeometryMatchesDlib(photo: String) throws {
        let faces = try #require(try Self.reference.get()[Self.path(photo)], "no reference output for \(photo)")
        #expect(!faces.isEmpty, "dlib found no face in \(photo)")
        let aligner = FaceAligner()
        for face in faces {
            let theirs = try #require(face.chipTransform, "reference printed no chip_transform")
            let region = aligner.region(for: Self.landmarks(face))
            let ourRect = [region.left, region.top, region.right, region.bottom]
            for (ours, dlib) in zip(ourRect, theirs.rect) {
                #expect(Self.close(ours, dlib), "rect \(ourRect) vs \(theirs.rect)")
            }
            #expect(Self.close(region.angle, theirs.angle), "angle \(region.angle) vs \(theirs.angle)")
            #expect(region.rows == theirs.rows && region.columns == theirs.cols)

            let toChip = try #require(aligner.chipTransform(for: Self.landmarks(face)).inverted())
            let ours = [toChip.a, toChip.b, toChip.c, toChip.d, toChip.e, toChip.f]
            for (mine, dlib) in zip(ours, theirs.toChip) {
                #expect(Self.close(mine, dlib), "to_chip \(ours) vs \(theirs.toChip)")
            }
            let pairs = Array(zip(ourRect + [region.angle] + ours, theirs.rect + [theirs.angle] + theirs.toChip))
            let largest = pairs.map { abs($0 - $1) / max(1, abs($1)) }.max() ?? 0
            print("chip geometry \(photo): largest relative difference \(largest)")
        }
    }

    @Test(arguments: cases) func chipsMatchDlib(photo: String) throws {
        let faces = try #require(try Self.reference.get()[Self.path(photo)], "no reference output for \(photo)")
        let image = try Self.decode(Self.path(photo))
        #expect(faces.count == (photo == "pair" ? 2 : 1), "dlib found \(faces.count) faces in \(photo)")
        let aligner = FaceAligner()
        // The reference extracts all faces of a photo in one call, as chips(from:landmarks:) does.
        let chips = aligner.chips(from: image, landmarks: faces.map(Self.landmarks))
        for (index, (face, chip)) in zip(faces, chips).enumerated() {
            let path = try #require(face.chip, "reference wrote no chip")
            let expected = try ImageDecoder.decode(contentsOf: path)
            try #require(chip.width == expected.width && chip.height == expected.height)
            let (mean, largest, differing) = Self.difference(chip, expected)
            print(
                "chip parity \(photo) face \(index): mean |Δ| \(mean), max |Δ| \(largest), "
                    + "\(differing) of \(chip.pixels.count) samples differ")
            #expect(mean <= Self.maxMeanAbsoluteDifference)

            let alone = aligner.chip(from: image, landmarks: Self.landmarks(face))
            if faces.count == 1 {
                #expect(alone == chip)
            } else {
                let (aloneMean, aloneLargest, _) = Self.difference(alone, expected)
                print("  the same face extracted alone: mean |Δ| \(aloneMean), max |Δ| \(aloneLargest)")
            }
        }
    }

    /// Mean and largest absolute difference over all samples, and how many samples differ.
    static func difference(_ ours: Image, _ theirs: Image) -> (mean: Double, largest: Int, differing: Int) {
        var sum = 0
        var largest = 0
        var differing = 0
        for (a, b) in zip(ours.pixels, theirs.pixels) {
            let difference = abs(Int(a) - Int(b))
            sum += difference
            largest = max(largest, difference)
            if difference != 0 { differing += 1 }
        }
        return (Double(sum) / Double(ours.pixels.count), largest, differing)
    }
}

/// FaceAligner on synthetic landmarks, where the right answer is known in closed form.
@Suite struct FaceAlignerTests {
    /// Landmarks placed by a similarity (scale, rotation about the origin, then shift) applied to the chip template.
    static func landmarks(_ aligner: FaceAligner, scale: Double, angle: Double, shift: (x: Double, y: Double))
        -> FaceLandmarks
    {
        FaceLandmarks(
            aligner.chipTemplate.map { point in
                Point2D(
                    x: scale * (cos(angle) * point.x - sin(angle) * point.y) + shift.x,
                    y: scale * (sin(angle) * point.x + cos(angle) * point.y) + shift.y)
            })
    }

    @Test func templateFollowsPadding() {
        let template = FaceAligner(size: 150, padding: 0.25).chipTemplate
        // (0.25 + x) / 1.5 * 150 for the nose tip (0.4901123135679, 0.6277975316475).
        #expect(abs(template[4].x - 74.01123135679) < 1e-9)
        #expect(abs(template[4].y - 87.77975316475) < 1e-9)
        let unpadded = FaceAligner(size: 100, padding: 0).chipTemplate
        #expect(abs(unpadded[0].x - 85.95674595992) < 1e-9)
    }

    @Test func meanFaceGivesAxisAlignedIdentity() {
        let aligner = FaceAligner(roundsLandmarks: false)
        let region = aligner.region(for: FaceLandmarks(aligner.chipTemplate))
        // The region is 150 pixels wide counted inclusively, centred on the chip centre (75, 75).
        #expect(abs(region.left - 0.5) < 1e-9 && abs(region.right - 149.5) < 1e-9)
        #expect(abs(region.top - 0.5) < 1e-9 && abs(region.bottom - 149.5) < 1e-9)
        #expect(abs(region.angle) < 1e-12)
        let map = aligner.chipTransform(for: FaceLandmarks(aligner.chipTemplate))
        #expect(abs(map.a - 1) < 1e-12 && abs(map.e - 1) < 1e-12)
        #expect(abs(map.b) < 1e-12 && abs(map.d) < 1e-12)
        #expect(abs(map.c - 0.5) < 1e-9 && abs(map.f - 0.5) < 1e-9)
    }

    @Test(arguments: [(2.0, 0.3), (0.7, -1.2), (3.5, 2.9)])
    func similarityIsRecovered(scale: Double, angle: Double) {
        let aligner = FaceAligner(roundsLandmarks: false)
        let shift = (x: 400.0, y: 250.0)
        let region = aligner.region(for: Self.landmarks(aligner, scale: scale, angle: angle, shift: shift))
        #expect(abs(region.angle - angle) < 1e-9)
        #expect(abs(region.width - 150 * scale) < 1e-9)
        // The region's centre is where the similarity sends the chip centre (75, 75).
        let center = (
            x: scale * (cos(angle) * 75 - sin(angle) * 75) + shift.x,
            y: scale * (sin(angle) * 75 + cos(angle) * 75) + shift.y
        )
        #expect(abs(region.center.x - center.x) < 1e-9 && abs(region.center.y - center.y) < 1e-9)
        // Chip pixels step by the region's span over 149 gaps, turned by the angle.
        let step = (150 * scale - 1) / 149
        let map = region.chipToImage
        #expect(abs(map.a - step * cos(angle)) < 1e-9 && abs(map.d - step * sin(angle)) < 1e-9)
        #expect(abs(map.b + step * sin(angle)) < 1e-9 && abs(map.e - step * cos(angle)) < 1e-9)
        let middle = map.apply(to: (74.5, 74.5))
        #expect(abs(middle.x - center.x) < 1e-9 && abs(middle.y - center.y) < 1e-9)
    }

    @Test func landmarksAreRoundedAsDlibStoresThem() {
        let exact = FaceLandmarks([
            Point2D(x: 571, y: 216), Point2D(x: 528, y: 215), Point2D(x: 423, y: 217),
            Point2D(x: 463, y: 216), Point2D(x: 493, y: 295),
        ])
        // ⌊v + 0.5⌋: 570.5 rounds up, 527.6 up, 423.4 down, 462.5 up, 493.2 down.
        let unrounded = FaceLandmarks([
            Point2D(x: 570.5, y: 215.7), Point2D(x: 527.6, y: 214.5), Point2D(x: 423.4, y: 216.6),
            Point2D(x: 462.5, y: 216.2), Point2D(x: 493.2, y: 294.9),
        ])
        #expect(FaceAligner().region(for: unrounded) == FaceAligner().region(for: exact))
        #expect(FaceAligner(roundsLandmarks: false).region(for: unrounded) != FaceAligner().region(for: exact))
    }

    @Test func outsideTheImageIsBlack() {
        // A face at scale 1.5 needs no pyramid, so chip pixels sample exactly where chipTransform says.
        let image = Image(width: 200, height: 200, filledWith: (r: 90, g: 160, b: 220))
        let aligner = FaceAligner()
        let landmarks = Self.landmarks(aligner, scale: 1.5, angle: 0.2, shift: (x: -60, y: -20))
        let map = aligner.chipTransform(for: landmarks)
        let chip = aligner.chip(from: image, landmarks: landmarks)
        var inside = 0
        var outside = 0
        for y in 0..<chip.height {
            for x in 0..<chip.width {
                let point = map.apply(to: (Double(x), Double(y)))
                let pixel = chip[x, y]
                // Bilinear sampling needs both neighbours, so the last column and row count as outside.
                if point.x < -1e-6 || point.y < -1e-6 || point.x > 199 - 1e-6 || point.y > 199 - 1e-6 {
                    #expect(pixel == (0, 0, 0), "chip (\(x), \(y)) samples \(point), outside")
                    outside += 1
                } else if point.x > 1e-6, point.y > 1e-6, point.x < 199 - 1e-6, point.y < 199 - 1e-6 {
                    // A constant image blends to the constant, give or take the truncation of 8-bit values.
                    #expect(abs(Int(pixel.r) - 90) <= 1 && abs(Int(pixel.g) - 160) <= 1 && abs(Int(pixel.b) - 220) <= 1)
                    inside += 1
                }
            }
        }
        #expect(inside > 1000 && outside > 1000)
    }

    @Test func facesOffTheImageGiveBlackChips() {
        let image = Image(width: 300, height: 300, filledWith: (r: 200, g: 200, b: 200))
        let aligner = FaceAligner()
        let black = Image(width: 150, height: 150)
        let far = Self.landmarks(aligner, scale: 3, angle: 0.5, shift: (x: 5000, y: -4000))
        #expect(aligner.chip(from: image, landmarks: far) == black)
        let broken = FaceLandmarks(Array(repeating: Point2D(x: .nan, y: .infinity), count: 5))
        #expect(aligner.chip(from: image, landmarks: broken) == black)
    }

    @Test func largeFacesAreShrunkFirst() {
        // A face 4× the chip's size goes through two halvings; on a constant image every level stays constant.
        let image = Image(width: 900, height: 900, filledWith: (r: 10, g: 128, b: 250))
        let aligner = FaceAligner()
        let chip = aligner.chip(
            from: image, landmarks: Self.landmarks(aligner, scale: 4, angle: -0.1, shift: (x: 150, y: 170)))
        #expect(chip.width == 150 && chip.height == 150)
        for y in stride(from: 0, to: 150, by: 7) {
            for x in stride(from: 0, to: 150, by: 7) {
                let pixel = chip[x, y]
                #expect(abs(Int(pixel.r) - 10) <= 1 && abs(Int(pixel.g) - 128) <= 1 && abs(Int(pixel.b) - 250) <= 1)
            }
        }
    }
}
