import FaceTestSupport
import Testing

@testable import FaceImage

/// Format recognition, invalid input, size limits and reduced-size decoding through `ImageDecoder`.
@Suite struct ImageDecoderTests {
    static func sampleJPEG() throws -> [UInt8] {
        try ImageEncoder.jpeg(TestImages.textured(width: 96, height: 64), quality: 90)
    }

    // MARK: - Invalid input

    /// Inputs that are not decodable images, with the error code each must give.
    static let invalidInputs: [(name: String, bytes: [UInt8], code: ImageError.Code)] = [
        ("zero bytes", [], .emptyFile),
        ("text hello", Array("hello".utf8), .unsupportedFormat),
        ("JSON text", Array("{\"image\": \"none\"}\n".utf8), .unsupportedFormat),
        ("GIF89a header", Array("GIF89a".utf8) + [1, 0, 1, 0, 0x80, 0, 0], .unsupportedFormat),
        ("GIF87a header", Array("GIF87a".utf8) + [1, 0, 1, 0, 0, 0, 0], .unsupportedFormat),
        (
            "WebP header", Array("RIFF".utf8) + [26, 0, 0, 0] + Array("WEBPVP8 ".utf8) + [0, 0, 0, 0],
            .unsupportedFormat
        ),
        ("BMP header", Array("BM".utf8) + [70, 0, 0, 0, 0, 0, 0, 0, 54, 0, 0, 0, 40, 0], .unsupportedFormat),
        ("TIFF header", [0x49, 0x49, 0x2A, 0x00, 8, 0, 0, 0], .unsupportedFormat),
        ("HEIC header", [0, 0, 0, 24] + Array("ftypheic".utf8) + [0, 0, 0, 0], .unsupportedFormat),
        ("random bytes", randomBytes(count: 1000, seed: 1), .unsupportedFormat),
        ("JPEG signature then random bytes", [0xFF, 0xD8, 0xFF] + randomBytes(count: 1000, seed: 2), .corrupt),
        ("PNG signature only", PNGWriter.signature, .truncated),
        ("PNG signature then random bytes", PNGWriter.signature + randomBytes(count: 1000, seed: 3), .corrupt),
    ]

    static func randomBytes(count: Int, seed: UInt64) -> [UInt8] {
        var random = SeededRandom(seed: seed)
        // Start with a byte no magic number starts with, so "random" never looks like a format by chance.
        return [0x01] + (1..<count).map { _ in UInt8.random(in: 0...255, using: &random) }
    }

    @Test(arguments: invalidInputs.map(\.name))
    func invalidInputThrowsClearError(name: String) throws {
        let input = try #require(Self.invalidInputs.first { $0.name == name })

        let error = #expect(throws: ImageError.self) { try ImageDecoder.decode(input.bytes) }

        #expect(error?.code == input.code, "\(name): \(String(describing: error))")
        #expect(error?.message.isEmpty == false)
    }

    /// Headers of formats FaceImage recognises but does not decode, with the name its message must use.
    static let namedFormats: [(format: String, bytes: [UInt8])] = [
        ("GIF", Array("GIF89a".utf8) + [1, 0, 1, 0, 0x80, 0, 0]),
        ("WebP", Array("RIFF".utf8) + [26, 0, 0, 0] + Array("WEBPVP8 ".utf8)),
        ("HEIC", [0, 0, 0, 24] + Array("ftypheic".utf8)),
        ("text", Array("hello".utf8)),
    ]

    @Test(arguments: namedFormats.map(\.format))
    func unsupportedFormatIsNamed(format: String) throws {
        let bytes = try #require(Self.namedFormats.first { $0.format == format }).bytes
        let error = #expect(throws: ImageError.self) { try ImageDecoder.decode(bytes) }
        #expect(error?.message.contains(format) == true, "\(String(describing: error))")
        #expect(error?.message.contains("use JPEG or PNG") == true)
    }

    @Test func gifMessageReadsWell() {
        let error = #expect(throws: ImageError.self) { try ImageDecoder.decode(Array("GIF89a".utf8)) }
        #expect(error?.message == "GIF images are not supported; use JPEG or PNG")
        #expect(error?.description == "unsupportedFormat: GIF images are not supported; use JPEG or PNG")
    }

    @Test(arguments: [3, 10, 40, 200, 600, -200, -20, -2])
    func truncatedJPEGThrowsTruncated(length: Int) throws {
        let jpeg = try Self.sampleJPEG()
        let cut = Array(jpeg.prefix(length > 0 ? length : jpeg.count + length))

        let error = #expect(throws: ImageError.self) { try ImageDecoder.decode(cut) }

        #expect(error?.code == .truncated, "cut at \(cut.count) of \(jpeg.count): \(String(describing: error))")
    }

    @Test func corruptJPEGHeaderThrowsCorrupt() throws {
        var jpeg = try Self.sampleJPEG()
        // SOF0 payload: length (2 bytes), then sample precision, which baseline JPEG fixes at 8.
        let sof = try #require(TestImages.offset(ofMarker: 0xC0, in: jpeg))
        jpeg[sof + 2] = 7

        let error = #expect(throws: ImageError.self) { try ImageDecoder.decode(jpeg) }

        #expect(error?.code == .corrupt, "\(String(describing: error))")
    }

    @Test func damagedJPEGScanDataThrowsCorrupt() throws {
        var jpeg = try Self.sampleJPEG()
        let scanStart = try #require(TestImages.offset(ofMarker: 0xDA, in: jpeg))
        // A restart marker in the middle of the scan, where none is expected.
        let middle = (scanStart + jpeg.count) / 2
        jpeg[middle] = 0xFF
        jpeg[middle + 1] = 0xD3

        let error = #expect(throws: ImageError.self) { try ImageDecoder.decode(jpeg) }

        #expect(error?.code == .corrupt, "\(String(describing: error))")
    }

    @Test func strayBytesBetweenJPEGSegmentsAreAccepted() throws {
        // libjpeg warns "extraneous bytes before marker" and decodes normally; such files are common.
        let jpeg = try Self.sampleJPEG()
        let dqt = try #require(TestImages.offset(ofMarker: 0xDB, in: jpeg)) - 2
        let damaged = Array(jpeg[..<dqt]) + [0x12, 0x34, 0x56] + Array(jpeg[dqt...])

        let decoded = try ImageDecoder.decode(damaged)

        #expect(decoded == (try ImageDecoder.decode(jpeg)))
    }

    @Test func trailingBytesAfterJPEGAreAccepted() throws {
        let jpeg = try Self.sampleJPEG()
        let decoded = try ImageDecoder.decode(jpeg + [0, 0, 0, 0])
        #expect(decoded.width == 96 && decoded.height == 64)
    }

    // MARK: - Size limits

    @Test func jpegBombIsRefusedFromItsHeader() throws {
        var jpeg = try Self.sampleJPEG()
        // SOF0 payload: length (2), precision (1), height (2), width (2).
        let sof = try #require(TestImages.offset(ofMarker: 0xC0, in: jpeg))
        jpeg[sof + 3] = 0xFD
        jpeg[sof + 4] = 0xE8
        jpeg[sof + 5] = 0xFD
        jpeg[sof + 6] = 0xE8

        let error = #expect(throws: ImageError.self) { try ImageDecoder.decode(jpeg) }

        #expect(error?.code == .tooLarge)
        #expect(error?.message.contains("65000×65000") == true, "\(String(describing: error))")
        #expect(error?.message.contains("50000000") == true)
    }

    @Test func pngBombIsRefusedFromItsHeader() {
        // A valid signature and IHDR (with a correct CRC) claiming 100000 × 100000 RGB, then a token IDAT.
        var ihdr = PNGWriter.bigEndian32(100_000) + PNGWriter.bigEndian32(100_000)
        ihdr += [8, 2, 0, 0, 0]
        let png =
            PNGWriter.signature + PNGWriter.chunk("IHDR", ihdr)
            + PNGWriter.chunk("IDAT", PNGWriter.zlibStored([0, 0, 0, 0])) + PNGWriter.chunk("IEND", [])

        let error = #expect(throws: ImageError.self) { try ImageDecoder.decode(png) }

        #expect(error?.code == .tooLarge)
        #expect(error?.message.contains("100000×100000") == true, "\(String(describing: error))")
    }

    @Test func maxPixelsIsInclusive() throws {
        let jpeg = try Self.sampleJPEG()
        _ = try ImageDecoder.decode(jpeg, options: ImageDecodingOptions(maxPixels: 96 * 64))
        let error = #expect(throws: ImageError.self) {
            try ImageDecoder.decode(jpeg, options: ImageDecodingOptions(maxPixels: 96 * 64 - 1))
        }
        #expect(error?.code == .tooLarge)
    }

    @Test func zeroWidthPNGIsRefused() {
        var ihdr = PNGWriter.bigEndian32(0) + PNGWriter.bigEndian32(10)
        ihdr += [8, 2, 0, 0, 0]
        let png = PNGWriter.signature + PNGWriter.chunk("IHDR", ihdr) + PNGWriter.chunk("IEND", [])

        let error = #expect(throws: ImageError.self) { try ImageDecoder.decode(png) }

        #expect(error?.code == .corrupt)
    }

    // MARK: - Colour spaces

    @Test func greyscaleJPEGDecodesAsRGB() throws {
        let grey = (0..<(32 * 16)).map { UInt8(($0 % 32) * 8) }
        let jpeg = try ImageEncoder.jpeg(samples: grey, width: 32, height: 16, layout: .grey, quality: 100)

        let decoded = try ImageDecoder.decode(jpeg)

        #expect(decoded.width == 32 && decoded.height == 16)
        var worst = 0
        for (index, value) in grey.enumerated() {
            let pixel = decoded[index % 32, index / 32]
            #expect(pixel.r == pixel.g && pixel.g == pixel.b)
            worst = max(worst, abs(Int(pixel.r) - Int(value)))
        }
        #expect(worst <= 3)
    }

    @Test func cmykJPEGDecodesAsRGB() throws {
        // Adobe CMYK is stored inverted: with K = 255 (no black ink), C, M, Y hold R, G, B directly.
        let expected = TestImages.blocks([[0, 1], [2, 3]], blockSize: 8)
        var cmyk = [UInt8]()
        for pixel in 0..<(expected.width * expected.height) {
            cmyk += expected.pixels[(pixel * 3)..<(pixel * 3 + 3)] + [255]
        }
        let jpeg = try ImageEncoder.jpeg(samples: cmyk, width: 16, height: 16, layout: .cmyk, quality: 100)

        let decoded = try ImageDecoder.decode(jpeg)

        #expect(TestImages.maxDifference(decoded, expected) <= 6)
    }

    // MARK: - Reduced-size decoding

    @Test(arguments: [(64, 64, 43), (96, 96, 64), (48, 48, 32), (200, 96, 64)])
    func maxDimensionLimitsTheLongerSide(maxDimension: Int, expectedWidth: Int, expectedHeight: Int) throws {
        let jpeg = try Self.sampleJPEG()  // 96 × 64
        let decoded = try ImageDecoder.decode(jpeg, options: ImageDecodingOptions(maxDimension: maxDimension))
        #expect(decoded.width == expectedWidth && decoded.height == expectedHeight)
    }

    @Test func reducedSizeJPEGMatchesFullDecodeShrunk() throws {
        let original = TestImages.blocks([[0, 1, 2, 3], [4, 5, 0, 1]], blockSize: 32)  // 128 × 64
        let jpeg = try ImageEncoder.jpeg(original, quality: 100)

        let decoded = try ImageDecoder.decode(jpeg, options: ImageDecodingOptions(maxDimension: 32))

        let expected = TestImages.blocks([[0, 1, 2, 3], [4, 5, 0, 1]], blockSize: 8)
        #expect(decoded.width == 32 && decoded.height == 16)
        #expect(TestImages.maxDifference(decoded, expected) <= 8)
    }

    // MARK: - Files

    @Test func missingFileThrowsUnreadable() {
        let error = #expect(throws: ImageError.self) {
            try ImageDecoder.decode(contentsOf: "/nonexistent/facekit/photo.jpg")
        }
        #expect(error?.code == .unreadableFile)
        #expect(error?.message.contains("/nonexistent/facekit/photo.jpg") == true)
    }

    @Test func directoryThrowsUnreadable() {
        let error = #expect(throws: ImageError.self) { try ImageDecoder.decode(contentsOf: "/tmp") }
        #expect(error?.code == .unreadableFile)
    }
}
