/// Unrolls image patches into matrix columns so that a convolution becomes one matrix product.
///
/// For a channel-major input (C, N, H, W) and a window, output position `p = (n · outH + oy) · outW + ox`
/// becomes column `p`, and row `(c · window.height + ky) · window.width + kx` holds the input value under
/// that filter tap, or zero in the padding.
public enum Im2Col {
    /// Fills `columns` (row-major, `inputShape.channels · window.height · window.width` rows of
    /// `positions.count` columns) with the patches for output positions `positions`.
    public static func fill(
        input: UnsafePointer<Float>, inputShape: Shape, window: Window2D,
        outputHeight: Int, outputWidth: Int, positions: Range<Int>,
        columns: UnsafeMutablePointer<Float>
    ) {
        let width = positions.count
        if width == 0 { return }
        // Split the position range into runs along one output row; they are the same for every filter tap.
        var runs: [(n: Int, oy: Int, ox: Int, length: Int, offset: Int)] = []
        var p = positions.lowerBound
        while p < positions.upperBound {
            let ox = p % outputWidth
            let oy = (p / outputWidth) % outputHeight
            let n = p / (outputWidth * outputHeight)
            let length = min(outputWidth - ox, positions.upperBound - p)
            runs.append((n, oy, ox, length, p - positions.lowerBound))
            p += length
        }
        let batch = inputShape.batch, height = inputShape.height, inputWidth = inputShape.width
        let strideX = window.strideX
        for channel in 0..<inputShape.channels {
            for ky in 0..<window.height {
                for kx in 0..<window.width {
                    let row = columns + ((channel * window.height + ky) * window.width + kx) * width
                    for run in runs {
                        let target = row + run.offset
                        let iy = run.oy * window.strideY - window.paddingY + ky
                        if iy < 0 || iy >= height {
                            target.update(repeating: 0, count: run.length)
                            continue
                        }
                        let source = input + ((channel * batch + run.n) * height + iy) * inputWidth
                        // ix = (ox + j) · strideX − paddingX + kx must lie in 0..<inputWidth.
                        let shift = kx - window.paddingX
                        var first = 0
                        while first < run.length && (run.ox + first) * strideX + shift < 0 { first += 1 }
                        var end = run.length
                        while end > first && (run.ox + end - 1) * strideX + shift >= inputWidth { end -= 1 }
                        if first > 0 { target.update(repeating: 0, count: first) }
                        if end < run.length { (target + end).update(repeating: 0, count: run.length - end) }
                        let start = run.ox * strideX + shift
                        if strideX == 1 {
                            (target + first).update(from: source + start + first, count: end - first)
                        } else {
                            var j = first
                            while j < end {
                                target[j] = source[start + j * strideX]
                                j += 1
                            }
                        }
                    }
                }
            }
        }
    }
}
