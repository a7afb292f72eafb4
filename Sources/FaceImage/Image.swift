/// An 8-bit RGB image: interleaved R, G, B bytes, row-major from the top-left pixel, rows without padding.
///
/// The byte of channel `c` (0 red, 1 green, 2 blue) of pixel (`x`, `y`) is `pixels[(y * width + x) * 3 + c]`,
/// so `pixels.count == width * height * 3` always holds.
public struct Image: Sendable, Equatable, CustomStringConvertible {
    /// Number of columns.
    public let width: Int
    /// Number of rows.
    public let height: Int
    /// The samples, `width * height * 3` bytes laid out as described on the type; edits must keep the count.
    public var pixels: [UInt8] {
        didSet {
            precondition(
                pixels.count == width * height * 3,
                "Image pixels changed to \(pixels.count) bytes; \(width)×\(height) RGB needs \(width * height * 3)"
            )
        }
    }

    /// Wraps existing RGB samples; `pixels.count` must equal `width * height * 3`.
    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(width >= 0 && height >= 0, "Image size \(width)×\(height) must not be negative")
        precondition(
            pixels.count == width * height * 3,
            "Image of \(width)×\(height) RGB pixels needs \(width * height * 3) bytes, got \(pixels.count)"
        )
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// Creates an image whose every pixel has the given colour (black by default).
    public init(width: Int, height: Int, filledWith color: (r: UInt8, g: UInt8, b: UInt8) = (0, 0, 0)) {
        precondition(width >= 0 && height >= 0, "Image size \(width)×\(height) must not be negative")
        let count = width * height
        let pixels = [UInt8](unsafeUninitializedCapacity: count * 3) { buffer, initializedCount in
            for index in 0..<count {
                buffer[index * 3] = color.r
                buffer[index * 3 + 1] = color.g
                buffer[index * 3 + 2] = color.b
            }
            initializedCount = count * 3
        }
        self.init(width: width, height: height, pixels: pixels)
    }

    /// Creates an image by letting `body` write every byte of the `width * height * 3` sample buffer.
    init(width: Int, height: Int, writingPixels body: (UnsafeMutableBufferPointer<UInt8>) -> Void) {
        let count = width * height * 3
        let pixels = [UInt8](unsafeUninitializedCapacity: count) { buffer, initializedCount in
            body(buffer)
            initializedCount = count
        }
        self.init(width: width, height: height, pixels: pixels)
    }

    /// The colour of the pixel in column `x`, row `y` (both counted from the top-left, from zero).
    public subscript(x: Int, y: Int) -> (r: UInt8, g: UInt8, b: UInt8) {
        precondition(
            x >= 0 && x < width && y >= 0 && y < height,
            "Pixel (\(x), \(y)) is outside the \(width)×\(height) image"
        )
        let offset = (y * width + x) * 3
        return (pixels[offset], pixels[offset + 1], pixels[offset + 2])
    }

    /// The size only, e.g. `Image(910×1137 RGB)`; pixels are never printed.
    public var description: String {
        "Image(\(width)×\(height) RGB)"
    }
}
