import FaceImage
import FaceTestSupport
import Testing

/// EXIF orientation of JPEG files: each of the eight values must turn the stored image upright.
@Suite struct ExifOrientationTests {
    /// The stored image: 3 × 2 blocks of 16 pixels, lettered A B C over D E F (indices into the palette).
    static let stored = [[0, 1, 2], [3, 4, 5]]

    /// The upright image for each orientation, as the EXIF specification (tag 0x0112) describes it.
    static let expectedLayouts: [(orientation: Int, layout: [[Int]])] = [
        (1, [[0, 1, 2], [3, 4, 5]]),  // identity:            ABC / DEF
        (2, [[2, 1, 0], [5, 4, 3]]),  // mirror horizontal:   CBA / FED
        (3, [[5, 4, 3], [2, 1, 0]]),  // rotate 180°:         FED / CBA
        (4, [[3, 4, 5], [0, 1, 2]]),  // mirror vertical:     DEF / ABC
        (5, [[0, 3], [1, 4], [2, 5]]),  // transpose:         AD / BE / CF
        (6, [[3, 0], [4, 1], [5, 2]]),  // rotate 90° CW:     DA / EB / FC
        (7, [[5, 2], [4, 1], [3, 0]]),  // transverse:        FC / EB / DA
        (8, [[2, 5], [1, 4], [0, 3]]),  // rotate 90° CCW:    CF / BE / AD
    ]

    static let tolerance = 6

    static func storedJPEG() throws -> [UInt8] {
        try ImageEncoder.jpeg(TestImages.blocks(stored, blockSize: 16), quality: 100)
    }

    @Test(arguments: expectedLayouts.map(\.orientation), [true, false])
    func orientationTurnsImageUpright(orientation: Int, bigEndian: Bool) throws {
        let layout = try #require(Self.expectedLayouts.first { $0.orientation == orientation }).layout
        let jpeg = TestImages.insertingEXIF(orientation: orientation, into: try Self.storedJPEG(), bigEndian: bigEndian)

        let decoded = try ImageDecoder.decode(jpeg)

        let expected = TestImages.blocks(layout, blockSize: 16)
        #expect(decoded.width == expected.width && decoded.height == expected.height)
        #expect(TestImages.maxDifference(decoded, expected) <= Self.tolerance)
    }

    @Test(arguments: expectedLayouts.map(\.orientation))
    func orientationIsIgnoredWhenDisabled(orientation: Int) throws {
        let jpeg = TestImages.insertingEXIF(orientation: orientation, into: try Self.storedJPEG())

        let decoded = try ImageDecoder.decode(jpeg, options: ImageDecodingOptions(appliesOrientation: false))

        let expected = TestImages.blocks(Self.stored, blockSize: 16)
        #expect(decoded.width == 48 && decoded.height == 32)
        #expect(TestImages.maxDifference(decoded, expected) <= Self.tolerance)
    }

    @Test func orientationAppliesAfterReducedSizeDecoding() throws {
        // 3 × 2 blocks of 64 pixels = 192 × 128, decoded at 1/4 scale (48 × 32) and then turned.
        let jpeg = TestImages.insertingEXIF(
            orientation: 6, into: try ImageEncoder.jpeg(TestImages.blocks(Self.stored, blockSize: 64), quality: 100))

        let decoded = try ImageDecoder.decode(jpeg, options: ImageDecodingOptions(maxDimension: 48))

        let expected = TestImages.blocks([[3, 0], [4, 1], [5, 2]], blockSize: 16)
        #expect(decoded.width == 32 && decoded.height == 48)
        #expect(TestImages.maxDifference(decoded, expected) <= Self.tolerance)
    }

    /// EXIF segments with broken structure: each must be ignored (image decoded as stored), never crash.
    static let hostileSegments: [(name: String, payload: [UInt8])] = [
        ("header only", Array("Exif".utf8) + [0, 0]),
        ("unknown byte order", Array("Exif".utf8) + [0, 0, 0x58, 0x58, 0, 42, 0, 0, 0, 8]),
        ("wrong TIFF magic", Array("Exif".utf8) + [0, 0, 0x4D, 0x4D, 0, 43, 0, 0, 0, 8]),
        ("IFD offset past the end", Array("Exif".utf8) + [0, 0, 0x4D, 0x4D, 0, 42, 0xFF, 0xFF, 0xFF, 0xF0]),
        ("IFD offset at the end", Array("Exif".utf8) + [0, 0, 0x49, 0x49, 42, 0, 10, 0, 0, 0, 0xFF]),
        (
            "entry count larger than the data",
            Array("Exif".utf8) + [0, 0, 0x4D, 0x4D, 0, 42, 0, 0, 0, 8, 0xFF, 0xFF, 0x01, 0x12, 0, 3]
        ),
        (
            "orientation value out of range",
            Array("Exif".utf8) + [0, 0, 0x4D, 0x4D, 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 9, 0, 0]
        ),
        (
            "orientation with a non-integer type",
            Array("Exif".utf8) + [0, 0, 0x4D, 0x4D, 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 2, 0, 0, 0, 1, 0, 6, 0, 0]
        ),
        (
            "orientation entry cut short",
            Array("Exif".utf8) + [0, 0, 0x4D, 0x4D, 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0]
        ),
    ]

    @Test(arguments: hostileSegments.map(\.name))
    func hostileEXIFIsIgnored(name: String) throws {
        let payload = try #require(Self.hostileSegments.first { $0.name == name }).payload
        let jpeg = TestImages.insertingAPP1(payload, into: try Self.storedJPEG())

        let decoded = try ImageDecoder.decode(jpeg)

        #expect(TestImages.maxDifference(decoded, TestImages.blocks(Self.stored, blockSize: 16)) <= Self.tolerance)
    }

    @Test func randomEXIFPayloadsNeverCrash() throws {
        var random = SeededRandom(seed: 42)
        let jpeg = try Self.storedJPEG()
        for _ in 0..<300 {
            let tiffHeader: [UInt8] = Bool.random(using: &random) ? [0x4D, 0x4D, 0, 42] : [0x49, 0x49, 42, 0]
            let tail = (0..<Int.random(in: 0..<64, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random)
            }
            let payload = Array("Exif".utf8) + [0, 0] + tiffHeader + tail
            let decoded = try ImageDecoder.decode(TestImages.insertingAPP1(payload, into: jpeg))
            #expect(decoded.width * decoded.height == 48 * 32)
        }
    }
}
