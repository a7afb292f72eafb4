import FaceImage

/// Fills a chip by bilinear sampling as dlib's `interpolate_bilinear` with `transform_image` does.
///
/// A sample point (x, y) is used only when its four neighbours `⌊x⌋…⌊x⌋+1` × `⌊y⌋…⌊y⌋+1` all lie inside the
/// window, that is `0 ≤ x < width − 1` and `0 ≤ y < height − 1`; any other point, including one exactly on
/// the last column or row, gives black. The blend is computed in `Double` in dlib's order and truncated to
/// 8 bits rather than rounded. (`Image.warpedAffine` differs on both counts: it accepts the last column and
/// row, and rounds.)
enum BilinearChipSampler {
    /// The `columns` × `rows` chip whose pixel (x, y) takes the window's value at `chipToWindow(x, y)`,
    /// in the window's own coordinates (its top-left pixel is (0, 0)).
    static func sample(_ window: PixelWindow, chipToWindow map: AffineTransform2D, rows: Int, columns: Int) -> Image {
        let limitX = Double(window.width - 1)
        let limitY = Double(window.height - 1)
        let rowBytes = window.image.width * 3
        let originOffset = window.bounds.top * rowBytes + window.bounds.left * 3
        let count = rows * columns * 3
        let pixels = window.image.pixels.withUnsafeBufferPointer { source in
            [UInt8](unsafeUninitializedCapacity: count) { output, initializedCount in
                var outputIndex = 0
                for row in 0..<rows {
                    let y0 = Double(row)
                    for column in 0..<columns {
                        let x0 = Double(column)
                        let x = map.a * x0 + map.b * y0 + map.c
                        let y = map.d * x0 + map.e * y0 + map.f
                        // Written so that NaN also falls outside.
                        guard x >= 0, y >= 0, x < limitX, y < limitY else {
                            output[outputIndex] = 0
                            output[outputIndex + 1] = 0
                            output[outputIndex + 2] = 0
                            outputIndex += 3
                            continue
                        }
                        let left = x.rounded(.down)
                        let top = y.rounded(.down)
                        let columnFraction = x - left
                        let rowFraction = y - top
                        let upper = originOffset + Int(top) * rowBytes + Int(left) * 3
                        let lower = upper + rowBytes
                        for channel in 0..<3 {
                            let topLeft = Double(source[upper + channel])
                            let topRight = Double(source[upper + 3 + channel])
                            let bottomLeft = Double(source[lower + channel])
                            let bottomRight = Double(source[lower + 3 + channel])
                            let value =
                                (1 - rowFraction) * ((1 - columnFraction) * topLeft + columnFraction * topRight)
                                + rowFraction * ((1 - columnFraction) * bottomLeft + columnFraction * bottomRight)
                            output[outputIndex + channel] = UInt8(value)
                        }
                        outputIndex += 3
                    }
                }
                initializedCount = count
            }
        }
        return Image(width: columns, height: rows, pixels: pixels)
    }
}
