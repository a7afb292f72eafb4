import FaceImage

/// Images and encoded files made in code for the tests.
enum TestImages {
    /// Distinct, saturated colours that survive JPEG compression well.
    static let palette: [(r: UInt8, g: UInt8, b: UInt8)] = [
        (230, 30, 30), (30, 200, 40), (40, 60, 220), (240, 220, 30), (200, 40, 200), (30, 210, 210),
    ]

    /// An image of flat square blocks: `layout[row][column]` is an index into ``palette``.
    static func blocks(_ layout: [[Int]], blockSize: Int) -> Image {
        let rows = layout.count
        let columns = layout[0].count
        var image = Image(width: columns * blockSize, height: rows * blockSize)
        for y in 0..<image.height {
            for x in 0..<image.width {
                let color = palette[layout[y / blockSize][x / blockSize]]
                let offset = (y * image.width + x) * 3
                image.pixels[offset] = color.r
                image.pixels[offset + 1] = color.g
                image.pixels[offset + 2] = color.b
            }
        }
        return image
    }

    /// An image whose pixels are all different: a smooth gradient plus pseudo-random texture.
    static func textured(width: Int, height: Int, seed: UInt64 = 7) -> Image {
        var state = seed
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for index in pixels.indices {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let pixel = index / 3
            let gradient = (pixel % width) * 128 / max(width, 1) + (pixel / width) * 96 / max(height, 1)
            pixels[index] = UInt8(truncatingIfNeeded: gradient + Int(state >> 59))
        }
        return Image(width: width, height: height, pixels: pixels)
    }

    /// The largest difference between corresponding samples of two images of one size.
    static func maxDifference(_ first: Image, _ second: Image) -> Int {
        precondition(first.width == second.width && first.height == second.height)
        return zip(first.pixels, second.pixels).map { abs(Int($0) - Int($1)) }.max() ?? 0
    }

    /// `jpeg` with an APP1 EXIF segment holding `orientation` inserted right after the SOI marker.
    static func insertingEXIF(orientation: Int, into jpeg: [UInt8], bigEndian: Bool = true) -> [UInt8] {
        func u16(_ value: Int) -> [UInt8] {
            bigEndian ? [UInt8(value >> 8), UInt8(value & 0xFF)] : [UInt8(value & 0xFF), UInt8(value >> 8)]
        }
        func u32(_ value: Int) -> [UInt8] {
            bigEndian ? u16(value >> 16) + u16(value & 0xFFFF) : u16(value & 0xFFFF) + u16(value >> 16)
        }
        // TIFF header, then IFD0 with a tag the parser must skip (ImageWidth) and the orientation tag.
        var tiff: [UInt8] = bigEndian ? [0x4D, 0x4D] : [0x49, 0x49]
        tiff += u16(42) + u32(8)
        tiff += u16(2)
        tiff += u16(0x0100) + u16(3) + u32(1) + u16(16) + u16(0)
        tiff += u16(0x0112) + u16(3) + u32(1) + u16(orientation) + u16(0)
        tiff += u32(0)
        return insertingAPP1(Array("Exif".utf8) + [0, 0] + tiff, into: jpeg)
    }

    /// `jpeg` with an APP1 segment carrying `payload` inserted right after the SOI marker.
    static func insertingAPP1(_ payload: [UInt8], into jpeg: [UInt8]) -> [UInt8] {
        let length = payload.count + 2
        let segment: [UInt8] = [0xFF, 0xE1, UInt8(length >> 8), UInt8(length & 0xFF)] + payload
        return Array(jpeg[0..<2]) + segment + Array(jpeg[2...])
    }

    /// The offset of the first byte after the marker `marker` (FF xx) in a JPEG stream.
    static func offset(ofMarker marker: UInt8, in jpeg: [UInt8]) -> Int? {
        var index = 2
        while index + 3 < jpeg.count {
            guard jpeg[index] == 0xFF else { return nil }
            if jpeg[index + 1] == marker { return index + 2 }
            index += 2 + (Int(jpeg[index + 2]) << 8 | Int(jpeg[index + 3]))
        }
        return nil
    }
}
