extension Image {
    /// Returns the image scaled to `width`×`height` by bilinear interpolation.
    ///
    /// Pixel centres are aligned: output pixel `x` samples source column `(x + 0.5) * self.width / width - 0.5`,
    /// clamped to the image, and likewise for rows. Bilinear weights only look at the two nearest source
    /// pixels, so shrinking by more than about 2× aliases; ``ImageDecoder`` halves with 2×2 averages first.
    public func resized(width outputWidth: Int, height outputHeight: Int) -> Image {
        precondition(
            outputWidth > 0 && outputHeight > 0, "Resize target \(outputWidth)×\(outputHeight) must be positive")
        precondition(width > 0 && height > 0, "Cannot resize an empty \(width)×\(height) image")
        if outputWidth == width && outputHeight == height { return self }

        let columns = Self.bilinearTaps(sourceCount: width, outputCount: outputWidth)
        let rows = Self.bilinearTaps(sourceCount: height, outputCount: outputHeight)
        let rowBytes = width * 3
        return pixels.withUnsafeBufferPointer { source in
            Image(width: outputWidth, height: outputHeight) { output in
                var outputIndex = 0
                for y in 0..<outputHeight {
                    let upper = rows.first[y] * rowBytes
                    let lower = rows.second[y] * rowBytes
                    let rowWeight = rows.weight[y]
                    for x in 0..<outputWidth {
                        let left = columns.first[x] * 3
                        let right = columns.second[x] * 3
                        let columnWeight = columns.weight[x]
                        Image.blend(source, upper: upper, lower: lower, left: left, right: right,
                                    columnWeight: columnWeight, rowWeight: rowWeight, into: output, at: outputIndex)
                        outputIndex += 3
                    }
                }
            }
        }
    }

    /// Returns the image shrunk so that its longer side is `maxDimension`, keeping the aspect ratio, or the
    /// image itself when it already fits.
    ///
    /// Whole factors of two are taken out by averaging 2×2 blocks, which keeps detail from aliasing; the
    /// remaining factor (less than 2) is a bilinear resize.
    func downscaled(toFit maxDimension: Int) -> Image {
        let longerSide = max(width, height)
        guard longerSide > maxDimension, width > 0, height > 0 else { return self }
        let scale = Double(maxDimension) / Double(longerSide)
        let targetWidth = width >= height ? maxDimension : max(1, Int((Double(width) * scale).rounded()))
        let targetHeight = height > width ? maxDimension : max(1, Int((Double(height) * scale).rounded()))
        var image = self
        while image.width >= 2 * targetWidth && image.height >= 2 * targetHeight {
            image = image.halved()
        }
        return image.resized(width: targetWidth, height: targetHeight)
    }

    /// Returns the image at half size, each output pixel the rounded mean of a 2×2 block (an odd last row or
    /// column is dropped).
    func halved() -> Image {
        let outputWidth = width / 2
        let outputHeight = height / 2
        let rowBytes = width * 3
        return pixels.withUnsafeBufferPointer { source in
            Image(width: outputWidth, height: outputHeight) { output in
                var outputIndex = 0
                for y in 0..<outputHeight {
                    let upper = 2 * y * rowBytes
                    let lower = upper + rowBytes
                    for x in 0..<outputWidth {
                        let left = 6 * x
                        for channel in 0..<3 {
                            let sum =
                                UInt16(source[upper + left + channel]) + UInt16(source[upper + left + 3 + channel])
                                + UInt16(source[lower + left + channel]) + UInt16(source[lower + left + 3 + channel])
                            output[outputIndex + channel] = UInt8((sum + 2) / 4)
                        }
                        outputIndex += 3
                    }
                }
            }
        }
    }

    /// For each output position along one axis: the two source positions to blend and the weight of the second.
    private static func bilinearTaps(
        sourceCount: Int,
        outputCount: Int
    ) -> (first: [Int], second: [Int], weight: [Float]) {
        var first = [Int](repeating: 0, count: outputCount)
        var second = [Int](repeating: 0, count: outputCount)
        var weight = [Float](repeating: 0, count: outputCount)
        let scale = Double(sourceCount) / Double(outputCount)
        let last = Double(sourceCount - 1)
        for index in 0..<outputCount {
            let position = min(max((Double(index) + 0.5) * scale - 0.5, 0), last)
            let lower = Int(position)
            first[index] = lower
            second[index] = min(lower + 1, sourceCount - 1)
            weight[index] = Float(position - Double(lower))
        }
        return (first, second, weight)
    }
}
