import FaceTestSupport
import Testing

@testable import FaceImage

/// Decoding the real photos that `Scripts/setup.sh` installs (from the face_recognition 1.3.0 package).
@Suite struct TestPhotoTests {
    static func photo(_ name: String) throws -> [UInt8] {
        try TestAssets.bytes(of: TestAssets.photo(name))
    }

    @Test func obamaJPEGDecodesAtFullSize() throws {
        let image = try ImageDecoder.decode(Self.photo("obama.jpg"))
        #expect(image.width == 910 && image.height == 1137)
    }

    @Test func rgbaPNGDecodesAtFullSize() throws {
        let image = try ImageDecoder.decode(Self.photo("32bit.png"))
        #expect(image.width == 626 && image.height == 1200)
    }

    @Test func decodingFromPathMatchesDecodingBytes() throws {
        let path = TestAssets.photo("obama.jpg")
        _ = try Self.photo("obama.jpg")  // Fails with set-up instructions when the photos are missing.
        #expect(try ImageDecoder.decode(contentsOf: path) == ImageDecoder.decode(Self.photo("obama.jpg")))
    }

    @Test func obamaReducedSizeDecoding() throws {
        let bytes = try Self.photo("obama.jpg")

        let image = try ImageDecoder.decode(bytes, options: ImageDecodingOptions(maxDimension: 500))

        let longerSide = max(image.width, image.height)
        #expect(longerSide >= 500 && longerSide <= 1137)
        #expect(longerSide == 500)
        #expect(image.width == 400)
    }

    @Test func obamaUsesTheCodecsHalfScale() {
        // 1137 × 4/8 rounds up to 569, the smallest n/8 scale still reaching 500; 3/8 would give 427.
        let scaled = JPEGDecoder.scaledSize(width: 910, height: 1137, maxDimension: 500)
        #expect(scaled.width == 455 && scaled.height == 569)
    }

    @Test func allPhotosDecode() throws {
        for name in [
            "obama.jpg", "obama2.jpg", "obama3.jpg", "biden.jpg", "obama_partial_face.jpg",
            "obama_partial_face2.jpg", "32bit.png",
        ] {
            let image = try ImageDecoder.decode(Self.photo(name))
            #expect(image.width > 100 && image.height > 100, "\(name)")
        }
    }
}
