import FaceImage

/// Doubling a photo before detection so that small faces reach the detector's 80-pixel window, with
/// dlib's geometry (`pyramid_up` with `pyramid_down<2>`) so that boxes map back exactly as dlib's do.
///
/// dlib's 2× level maps point p of the photo to (p + (1.25, 0.75)) · 2, so a w×h photo becomes
/// (2w + 2)×(2h + 1) pixels, filled by corner-aligned bilinear resampling.
enum PyramidUpsampling {
    /// The photo at twice the size, as dlib makes it.
    static func doubled(_ image: Image) -> Image {
        let width = 2 * image.width + 2, height = 2 * image.height + 1
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        let xScale = Double(image.width - 1) / Double(max(width - 1, 1))
        let yScale = Double(image.height - 1) / Double(max(height - 1, 1))
        let sourceWidth = image.width
        image.pixels.withUnsafeBufferPointer { source in
            pixels.withUnsafeMutableBufferPointer { target in
                func sample(row: Int, column: Int, top: Int, bottom: Int, left: Int, right: Int,
                            topFraction: Double, leftFraction: Double, singlePrecision: Bool) {
                    for channel in 0..<3 {
                        let tl = Double(source[(top * sourceWidth + left) * 3 + channel])
                        let tr = Double(source[(top * sourceWidth + right) * 3 + channel])
                        let bl = Double(source[(bottom * sourceWidth + left) * 3 + channel])
                        let br = Double(source[(bottom * sourceWidth + right) * 3 + channel])
                        let value: Double
                        if singlePrecision {
                            let t = Float(topFraction), l = Float(leftFraction)
                            value = Double((1 - t) * (1 - l) * Float(tl) + (1 - t) * l * Float(tr)
                                           + t * (1 - l) * Float(bl) + t * l * Float(br))
                        } else {
                            value = (1 - topFraction) * ((1 - leftFraction) * tl + leftFraction * tr)
                                + topFraction * ((1 - leftFraction) * bl + leftFraction * br)
                        }
                        target[(row * width + column) * 3 + channel] = UInt8(max(0, min(255, value)))  // truncates
                    }
                }
                var y = -yScale
                for row in 0..<height {
                    y += yScale
                    let top = Int(y.rounded(.down)), bottom = min(top + 1, image.height - 1)
                    let topFraction = y - Double(top)
                    // dlib steps x in single precision four columns at a time while all four fit, then
                    // finishes the row in double precision.
                    let start = -4 * xScale
                    var lanes = (0..<4).map { Float(start + Double($0) * xScale) }
                    let step = Float(4 * xScale)
                    var column = 0
                    while column + 3 < width {
                        for lane in 0..<4 { lanes[lane] += step }
                        let lefts = lanes.map { Int($0) }
                        if lefts[3] + 1 >= sourceWidth { break }
                        for lane in 0..<4 {
                            sample(row: row, column: column + lane, top: top, bottom: bottom, left: lefts[lane],
                                   right: lefts[lane] + 1, topFraction: topFraction,
                                   leftFraction: Double(lanes[lane] - Float(lefts[lane])), singlePrecision: true)
                        }
                        column += 4
                    }
                    var x = -xScale + Double(column) * xScale
                    while column < width {
                        x += xScale
                        let left = Int(x.rounded(.down)), right = min(left + 1, sourceWidth - 1)
                        sample(row: row, column: column, top: top, bottom: bottom, left: left, right: right,
                               topFraction: topFraction, leftFraction: x - Double(left), singlePrecision: false)
                        column += 1
                    }
                }
            }
        }
        return Image(width: width, height: height, pixels: pixels)
    }

    /// A rectangle found on the image doubled `levels` times, in the original photo's coordinates.
    static func rectangleInOriginal(_ rectangle: PixelRectangle, levels: Int) -> PixelRectangle {
        func down(_ value: Double, offset: Double) -> Double {
            var v = value
            for _ in 0..<levels { v = v / 2 - offset }
            return v
        }
        return PixelRectangle(rounding: DoubleRectangle(
            left: down(Double(rectangle.left), offset: 1.25), top: down(Double(rectangle.top), offset: 0.75),
            right: down(Double(rectangle.right), offset: 1.25), bottom: down(Double(rectangle.bottom), offset: 0.75)))
    }
}
