import FaceImage

/// A rectangle of an image's pixels, read in place.
struct PixelWindow {
    /// The image read from.
    let image: Image
    /// The window, inside the image (possibly empty).
    let bounds: PixelRectangle

    var width: Int { bounds.width }
    var height: Int { bounds.height }

    /// All of `image`.
    init(_ image: Image) {
        self.image = image
        bounds = PixelRectangle(left: 0, top: 0, right: image.width - 1, bottom: image.height - 1)
    }

    /// The part of `image` inside `bounds`, which must lie inside the image or be empty.
    init(_ image: Image, bounds: PixelRectangle) {
        precondition(
            bounds.isEmpty
                || (bounds.left >= 0 && bounds.top >= 0 && bounds.right < image.width
                    && bounds.bottom < image.height),
            "Window \(bounds) is outside the \(image.width)×\(image.height) image")
        self.image = image
        self.bounds = bounds
    }
}

/// One step of dlib's `pyramid_down<2>` on RGB images: a 5×5 binomial blur (weights 1 4 6 4 1 each way, sum
/// 256) keeping every second row and column, in integer arithmetic.
///
/// A W×H input gives `(W − 3) / 2` × `(H − 3) / 2` pixels; output pixel (i, j) is centred on input pixel
/// (2i + 2, 2j + 2) and the sum is truncated, not rounded, when divided by 256. Inputs of 8 pixels or fewer
/// across either way give an empty image. dlib nonetheless maps coordinates between levels with
/// ``pointDown(x:y:)``, x/2 − 1.25 and y/2 − 0.75; chip extraction keeps that map so its samples land where
/// dlib's do.
enum HalvingPyramid {
    /// Where a point of one level lies in the next, smaller level, by dlib's convention.
    static func pointDown(x: Double, y: Double) -> (x: Double, y: Double) {
        (x / 2 - 1.25, y / 2 - 0.75)
    }

    /// The next level down from the pixels in `window`.
    static func halve(_ window: PixelWindow) -> Image {
        let sourceWidth = window.width
        let sourceHeight = window.height
        guard sourceWidth > 8, sourceHeight > 8 else { return Image(width: 0, height: 0) }
        let width = (sourceWidth - 3) / 2
        let height = (sourceHeight - 3) / 2

        // Horizontal pass over every source row: at most 16 × 255, so UInt16 holds it.
        var rowFiltered = [UInt16](repeating: 0, count: sourceHeight * width * 3)
        let sourceRowBytes = window.image.width * 3
        window.image.pixels.withUnsafeBufferPointer { source in
            rowFiltered.withUnsafeMutableBufferPointer { target in
                for row in 0..<sourceHeight {
                    let sourceStart = (window.bounds.top + row) * sourceRowBytes + window.bounds.left * 3
                    let targetStart = row * width * 3
                    for column in 0..<width {
                        let s = sourceStart + column * 6
                        for channel in 0..<3 {
                            let sum =
                                UInt16(source[s + channel]) + 4 * UInt16(source[s + 3 + channel])
                                + 6 * UInt16(source[s + 6 + channel]) + 4 * UInt16(source[s + 9 + channel])
                                + UInt16(source[s + 12 + channel])
                            target[targetStart + column * 3 + channel] = sum
                        }
                    }
                }
            }
        }

        // Vertical pass on every second row, starting with row 2: at most 16 × 4080 = 65280.
        let rowValues = width * 3
        let pixels = [UInt8](unsafeUninitializedCapacity: height * rowValues) { output, initializedCount in
            rowFiltered.withUnsafeBufferPointer { filtered in
                for row in 0..<height {
                    let center = (2 * row + 2) * rowValues
                    for index in 0..<rowValues {
                        let sum =
                            UInt32(filtered[center - 2 * rowValues + index])
                            + 4 * UInt32(filtered[center - rowValues + index])
                            + 6 * UInt32(filtered[center + index])
                            + 4 * UInt32(filtered[center + rowValues + index])
                            + UInt32(filtered[center + 2 * rowValues + index])
                        output[row * rowValues + index] = UInt8(sum / 256)
                    }
                }
            }
            initializedCount = height * rowValues
        }
        return Image(width: width, height: height, pixels: pixels)
    }
}
