extension Image {
    /// Samples the image through an affine map: output pixel (x, y) takes the bilinear value at source point
    /// `transform.apply(to: (x, y))`, that is (a·x + b·y + c, d·x + e·y + f).
    ///
    /// Coordinates are in pixels with integer values at pixel centres, (0, 0) being the centre of the top-left
    /// pixel. Source points inside `[0, width - 1] × [0, height - 1]` are interpolated; points outside read
    /// black (0, 0, 0), as dlib does when it extracts face chips. To map a region of this image onto the
    /// output, pass the map from output to source — the inverse of the source-to-output map.
    public func warpedAffine(outputWidth: Int, outputHeight: Int, transform: AffineTransform2D) -> Image {
        precondition(outputWidth >= 0 && outputHeight >= 0, "Warp output \(outputWidth)×\(outputHeight) is negative")
        let sourceWidth = width
        let sourceHeight = height
        let maxX = Double(sourceWidth - 1)
        let maxY = Double(sourceHeight - 1)
        let rowBytes = sourceWidth * 3
        return pixels.withUnsafeBufferPointer { source in
            Image(width: outputWidth, height: outputHeight) { output in
                var outputIndex = 0
                for y in 0..<outputHeight {
                    let rowX = transform.b * Double(y) + transform.c
                    let rowY = transform.e * Double(y) + transform.f
                    for x in 0..<outputWidth {
                        let sourceX = transform.a * Double(x) + rowX
                        let sourceY = transform.d * Double(x) + rowY
                        // Written so that NaN coordinates also fall outside.
                        guard sourceX >= 0, sourceY >= 0, sourceX <= maxX, sourceY <= maxY else {
                            output[outputIndex] = 0
                            output[outputIndex + 1] = 0
                            output[outputIndex + 2] = 0
                            outputIndex += 3
                            continue
                        }
                        let column = Int(sourceX)
                        let row = Int(sourceY)
                        let columnWeight = Float(sourceX - Double(column))
                        let rowWeight = Float(sourceY - Double(row))
                        let left = column * 3
                        let right = min(column + 1, sourceWidth - 1) * 3
                        let upper = row * rowBytes
                        let lower = min(row + 1, sourceHeight - 1) * rowBytes
                        Image.blend(source, upper: upper, lower: lower, left: left, right: right,
                                    columnWeight: columnWeight, rowWeight: rowWeight, into: output, at: outputIndex)
                        outputIndex += 3
                    }
                }
            }
        }
    }
}
