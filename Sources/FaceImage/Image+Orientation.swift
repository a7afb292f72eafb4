extension Image {
    /// Returns the image turned upright according to an EXIF orientation.
    func applyingOrientation(_ orientation: EXIFOrientation) -> Image {
        if orientation == .identity { return self }
        let sourceWidth = width
        let sourceHeight = height
        let outputWidth = orientation.swapsDimensions ? sourceHeight : sourceWidth
        let outputHeight = orientation.swapsDimensions ? sourceWidth : sourceHeight

        // Output pixel (x, y) reads source pixel index rowStart(y) + x * step, with indices counted in pixels.
        let step: Int
        let rowStart: (Int) -> Int
        switch orientation {
        case .identity:
            step = 1
            rowStart = { y in y * sourceWidth }
        case .mirrorHorizontal:
            step = -1
            rowStart = { y in y * sourceWidth + sourceWidth - 1 }
        case .rotate180:
            step = -1
            rowStart = { y in (sourceHeight - 1 - y) * sourceWidth + sourceWidth - 1 }
        case .mirrorVertical:
            step = 1
            rowStart = { y in (sourceHeight - 1 - y) * sourceWidth }
        case .transpose:
            step = sourceWidth
            rowStart = { y in y }
        case .rotate90Clockwise:
            step = -sourceWidth
            rowStart = { y in (sourceHeight - 1) * sourceWidth + y }
        case .transverse:
            step = -sourceWidth
            rowStart = { y in (sourceHeight - 1) * sourceWidth + sourceWidth - 1 - y }
        case .rotate90CounterClockwise:
            step = sourceWidth
            rowStart = { y in sourceWidth - 1 - y }
        }

        return pixels.withUnsafeBufferPointer { source in
            Image(width: outputWidth, height: outputHeight) { output in
                var outputIndex = 0
                for y in 0..<outputHeight {
                    var sourcePixel = rowStart(y)
                    for _ in 0..<outputWidth {
                        let sourceIndex = sourcePixel * 3
                        output[outputIndex] = source[sourceIndex]
                        output[outputIndex + 1] = source[sourceIndex + 1]
                        output[outputIndex + 2] = source[sourceIndex + 2]
                        outputIndex += 3
                        sourcePixel += step
                    }
                }
            }
        }
    }
}
