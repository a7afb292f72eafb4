import FaceImage
import Testing

/// Every PNG variant decodes to the 8-bit RGB values it stores; broken PNG data throws.
@Suite struct PNGDecodingTests {
    static let width = 13
    static let height = 11

    /// A colour for every pixel, all components different, so misplaced pixels show.
    static func color(_ x: Int, _ y: Int) -> (r: Int, g: Int, b: Int) {
        ((x * 19 + y * 3) % 256, (y * 23 + x * 5 + 60) % 256, (x * y * 7 + 11) % 256)
    }

    static func decode(_ writer: PNGWriter) throws -> Image {
        let image = try ImageDecoder.decode(writer.encoded())
        #expect(image.width == writer.width && image.height == writer.height)
        return image
    }

    static func checkPixels(of image: Image, expected: (Int, Int) -> (r: Int, g: Int, b: Int)) {
        var mismatches = 0
        for y in 0..<image.height {
            for x in 0..<image.width {
                let pixel = image[x, y]
                let wanted = expected(x, y)
                if Int(pixel.r) != wanted.r || Int(pixel.g) != wanted.g || Int(pixel.b) != wanted.b {
                    mismatches += 1
                }
            }
        }
        #expect(mismatches == 0)
    }

    @Test(arguments: [false, true])
    func rgb8(interlaced: Bool) throws {
        let writer = PNGWriter(
            width: Self.width, height: Self.height, colorType: .rgb, bitDepth: 8, interlaced: interlaced
        ) {
            x, y in
            let c = Self.color(x, y)
            return [c.r, c.g, c.b]
        }
        Self.checkPixels(of: try Self.decode(writer), expected: Self.color)
    }

    @Test(arguments: [false, true])
    func rgb16(interlaced: Bool) throws {
        // v · 257 is the 16-bit sample whose 8-bit value is exactly v.
        let writer = PNGWriter(
            width: Self.width, height: Self.height, colorType: .rgb, bitDepth: 16, interlaced: interlaced
        ) {
            x, y in
            let c = Self.color(x, y)
            return [c.r * 257, c.g * 257, c.b * 257]
        }
        Self.checkPixels(of: try Self.decode(writer), expected: Self.color)
    }

    @Test(arguments: [false, true])
    func rgba8KeepsColoursAndDropsAlpha(interlaced: Bool) throws {
        let writer = PNGWriter(
            width: Self.width, height: Self.height, colorType: .rgba, bitDepth: 8, interlaced: interlaced
        ) {
            x, y in
            let c = Self.color(x, y)
            return [c.r, c.g, c.b, (x * 40) % 256]  // Alpha includes 0 (fully transparent) in column 0.
        }
        Self.checkPixels(of: try Self.decode(writer), expected: Self.color)
    }

    @Test func rgba16KeepsOpaqueColours() throws {
        let writer = PNGWriter(width: Self.width, height: Self.height, colorType: .rgba, bitDepth: 16) { x, y in
            let c = Self.color(x, y)
            return [c.r * 257, c.g * 257, c.b * 257, 65_535]
        }
        Self.checkPixels(of: try Self.decode(writer), expected: Self.color)
    }

    @Test(arguments: [false, true])
    func rgba16UndoesPremultiplication(interlaced: Bool) throws {
        // libpng hands 16-bit colour with alpha over premultiplied in linear light; half-transparent pixels must
        // come back with their stored colour (within rounding), transparent ones black.
        let writer = PNGWriter(
            width: Self.width, height: Self.height, colorType: .rgba, bitDepth: 16, interlaced: interlaced
        ) {
            x, y in
            let c = Self.color(x, y)
            return [c.r * 257, c.g * 257, c.b * 257, x == 0 ? 0 : 32_768]
        }
        let image = try Self.decode(writer)
        var worst = 0
        for y in 0..<image.height {
            for x in 1..<image.width {
                let pixel = image[x, y]
                let wanted = Self.color(x, y)
                worst = max(
                    worst, abs(Int(pixel.r) - wanted.r), abs(Int(pixel.g) - wanted.g), abs(Int(pixel.b) - wanted.b))
            }
            #expect(image[0, y] == (0, 0, 0))
        }
        #expect(worst <= 2)
    }

    @Test(arguments: [1, 2, 4, 8, 16], [false, true])
    func grey(bitDepth: Int, interlaced: Bool) throws {
        let maxValue = (1 << bitDepth) - 1
        let value = { (x: Int, y: Int) in (x + y * 3) % (maxValue + 1) }
        let writer = PNGWriter(
            width: Self.width, height: Self.height, colorType: .grey, bitDepth: bitDepth, interlaced: interlaced
        ) { x, y in [value(x, y)] }

        let image = try Self.decode(writer)

        Self.checkPixels(of: image) { x, y in
            // Scaling to 8 bits multiplies by 255 / maxValue (exact for 1, 2, 4 and 8 bits, rounded for 16).
            let grey = (value(x, y) * 255 + maxValue / 2) / maxValue
            return (grey, grey, grey)
        }
    }

    @Test(arguments: [8, 16])
    func greyAlphaKeepsGrey(bitDepth: Int) throws {
        let scale = bitDepth == 16 ? 257 : 1
        let writer = PNGWriter(width: Self.width, height: Self.height, colorType: .greyAlpha, bitDepth: bitDepth) {
            x, y in
            // 16-bit alpha stays opaque: libpng composes 16-bit data in linear light (see the decoder's notes).
            [Self.color(x, y).r * scale, bitDepth == 16 ? 65_535 : (y * 30) % 256]
        }
        Self.checkPixels(of: try Self.decode(writer)) { x, y in
            let grey = Self.color(x, y).r
            return (grey, grey, grey)
        }
    }

    @Test(arguments: [1, 2, 4, 8], [false, true])
    func palette(bitDepth: Int, interlaced: Bool) throws {
        let entries = 1 << bitDepth
        let palette = (0..<entries).map { (index: Int) -> (r: UInt8, g: UInt8, b: UInt8) in
            let red: Int = index * 37 % 256
            let green: Int = (index * 11 + 100) % 256
            let blue: Int = 255 - index * 5 % 256
            return (UInt8(red), UInt8(green), UInt8(truncatingIfNeeded: blue))
        }
        let index = { (x: Int, y: Int) in (x * 3 + y) % entries }
        var writer = PNGWriter(
            width: Self.width, height: Self.height, colorType: .palette, bitDepth: bitDepth, interlaced: interlaced
        ) { x, y in [index(x, y)] }
        writer.palette = palette

        Self.checkPixels(of: try Self.decode(writer)) { x, y in
            let entry = palette[index(x, y)]
            return (Int(entry.r), Int(entry.g), Int(entry.b))
        }
    }

    @Test func paletteWithTransparencyKeepsColours() throws {
        let palette: [(r: UInt8, g: UInt8, b: UInt8)] = [(10, 20, 30), (200, 100, 50), (0, 255, 128), (90, 90, 90)]
        var writer = PNGWriter(width: 8, height: 4, colorType: .palette, bitDepth: 8) { x, y in [(x + y) % 4] }
        writer.palette = palette
        writer.paletteAlpha = [0, 128, 255]

        Self.checkPixels(of: try Self.decode(writer)) { x, y in
            let entry = palette[(x + y) % 4]
            return (Int(entry.r), Int(entry.g), Int(entry.b))
        }
    }

    @Test func maxDimensionShrinksPNG() throws {
        let writer = PNGWriter(width: 64, height: 32, colorType: .rgb, bitDepth: 8) { x, _ in
            x < 32 ? [255, 0, 0] : [0, 0, 255]
        }

        let image = try ImageDecoder.decode(writer.encoded(), options: ImageDecodingOptions(maxDimension: 16))

        #expect(image.width == 16 && image.height == 8)
        #expect(image[0, 0] == (255, 0, 0) && image[15, 7] == (0, 0, 255))
    }

    // MARK: - Broken data

    static let sample = PNGWriter(width: 40, height: 30, colorType: .rgb, bitDepth: 8) { x, y in
        [x * 6, y * 8, (x + y) * 3]
    }.encoded()

    @Test(arguments: [9, 20, 33, 40, 100, 1000, 3000, -20, -13])
    func truncatedPNGThrows(length: Int) {
        let cut = Array(Self.sample.prefix(length > 0 ? length : Self.sample.count + length))

        let error = #expect(throws: ImageError.self) { try ImageDecoder.decode(cut) }

        #expect(error?.code == .truncated, "cut at \(cut.count) of \(Self.sample.count): \(String(describing: error))")
    }

    @Test func badChunkChecksumThrowsCorrupt() {
        var png = Self.sample
        png[29] ^= 0xFF  // Last byte of the IHDR CRC.

        let error = #expect(throws: ImageError.self) { try ImageDecoder.decode(png) }

        #expect(error?.code == .corrupt, "\(String(describing: error))")
    }

    @Test func badZlibDataThrowsCorrupt() {
        var png = Self.sample
        // Break the zlib header inside IDAT (8 signature + 25 IHDR + 8 IDAT length and type), fixing the CRC.
        let idatStart = 33
        let length =
            Int(png[idatStart]) << 24 | Int(png[idatStart + 1]) << 16 | Int(png[idatStart + 2]) << 8
            | Int(png[idatStart + 3])
        png[idatStart + 8] = 0x7F
        let crc = PNGWriter.crc32(Array(png[(idatStart + 4)..<(idatStart + 8 + length)]))
        png.replaceSubrange((idatStart + 8 + length)..<(idatStart + 12 + length), with: PNGWriter.bigEndian32(crc))

        let error = #expect(throws: ImageError.self) { try ImageDecoder.decode(png) }

        #expect(error?.code == .corrupt, "\(String(describing: error))")
    }

    // MARK: - Encoding

    @Test func encodedPNGRoundTrips() throws {
        let image = TestImages.textured(width: 37, height: 23)
        let png = try ImageEncoder.png(image)
        #expect(Array(png.prefix(8)) == PNGWriter.signature)
        #expect(try ImageDecoder.decode(png) == image)
    }

    @Test func encodingAnEmptyImageThrows() {
        let error = #expect(throws: ImageError.self) { try ImageEncoder.png(Image(width: 0, height: 0, pixels: [])) }
        #expect(error?.code == .encodingFailed)
    }
}
