extension Image {
    /// Writes the RGB pixel blended from the four around a sample point: `upper`/`lower` are the byte
    /// offsets of its two rows, `left`/`right` of its two columns, the weights how far it lies towards
    /// the right column and the lower row. Rounded to the nearest level.
    @inline(__always)
    static func blend(_ source: UnsafeBufferPointer<UInt8>, upper: Int, lower: Int, left: Int, right: Int,
                      columnWeight: Float, rowWeight: Float, into output: UnsafeMutableBufferPointer<UInt8>, at index: Int) {
        for channel in 0..<3 {
            let topLeft = Float(source[upper + left + channel])
            let topRight = Float(source[upper + right + channel])
            let bottomLeft = Float(source[lower + left + channel])
            let bottomRight = Float(source[lower + right + channel])
            let top = topLeft + (topRight - topLeft) * columnWeight
            let bottom = bottomLeft + (bottomRight - bottomLeft) * columnWeight
            output[index + channel] = UInt8(top + (bottom - top) * rowWeight + 0.5)
        }
    }
}
