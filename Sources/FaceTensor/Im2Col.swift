/// Unrolls image patches into matrix columns so that a convolution becomes one matrix product.
///
/// For a channel-major input (C, N, H, W) and a window, output position `p = (n · outH + oy) · outW + ox`
/// becomes column `p`, and row `(c · window.height + ky) · window.width + kx` holds the input value under
/// that filter tap, or zero in the padding.
public enum Im2Col {
    /// Width of one column phase of a row after ``splitColumnPhases(_:shape:stride:into:)``.
    public static func phaseWidth(inputWidth: Int, stride: Int) -> Int { (inputWidth + stride - 1) / stride }

    /// Rearranges each input row into `stride` phases (columns p, p + stride, p + 2·stride, … for each
    /// p), so that a strided window's taps along a row become contiguous and copy as runs.
    /// `phased` holds `channels · batch · height · stride · phaseWidth` values.
    public static func splitColumnPhases(_ input: UnsafePointer<Float>, shape: Shape, stride: Int,
                                         into phased: UnsafeMutablePointer<Float>) {
        let phaseWidth = Self.phaseWidth(inputWidth: shape.width, stride: stride)
        for row in 0..<shape.channels * shape.batch * shape.height {
            let source = input + row * shape.width
            let target = phased + row * stride * phaseWidth
            for phase in 0..<stride {
                let line = target + phase * phaseWidth
                var j = 0, x = phase
                while x < shape.width {
                    line[j] = source[x]
                    j += 1
                    x += stride
                }
                while j < phaseWidth {
                    line[j] = 0
                    j += 1
                }
            }
        }
    }

    /// Fills `columns` (row-major, `inputShape.channels · window.height · window.width` rows of
    /// `positions.count` columns) with the patches for output positions `positions`.
    ///
    /// With a horizontal stride above 1, `input` must be the phase-split input from
    /// ``splitColumnPhases(_:shape:stride:into:)``; otherwise it is the channel-major input itself.
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
        let phaseWidth = Self.phaseWidth(inputWidth: inputWidth, stride: strideX)
        let rowLength = strideX * phaseWidth
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
                        let source = input + ((channel * batch + run.n) * height + iy) * rowLength
                        // ix = (ox + j) · strideX − paddingX + kx must lie in 0..<inputWidth.
                        let shift = kx - window.paddingX
                        var first = 0
                        while first < run.length && (run.ox + first) * strideX + shift < 0 { first += 1 }
                        var end = run.length
                        while end > first && (run.ox + end - 1) * strideX + shift >= inputWidth { end -= 1 }
                        if first > 0 { target.update(repeating: 0, count: first) }
                        if end < run.length { (target + end).update(repeating: 0, count: run.length - end) }
                        // Column ox·s + shift lives in phase (shift mod s) at index ox + ⌊shift / s⌋.
                        let phase = ((shift % strideX) + strideX) % strideX
                        let start = phase * phaseWidth + run.ox + (shift - phase) / strideX
                        let count = end - first
                        let from = source + start + first, to = target + first
                        if count >= 32 {
                            to.update(from: from, count: count)
                        } else {
                            for j in 0..<count { to[j] = from[j] }
                        }
                    }
                }
            }
        }
    }
}
