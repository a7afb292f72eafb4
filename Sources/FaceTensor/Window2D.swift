/// The geometry of a 2-D sliding window: a convolution's filter or a pooling region.
///
/// Output size follows dlib's rule: `1 + (input + 2 · padding − window) / stride`.
public struct Window2D: Hashable, Sendable, CustomStringConvertible {
    /// Window rows.
    public var height: Int
    /// Window columns.
    public var width: Int
    /// Step between windows, in rows.
    public var strideY: Int
    /// Step between windows, in columns.
    public var strideX: Int
    /// Zero rows added above and below the input.
    public var paddingY: Int
    /// Zero columns added left and right of the input.
    public var paddingX: Int

    /// Creates a window geometry.
    public init(height: Int, width: Int, strideY: Int = 1, strideX: Int = 1, paddingY: Int = 0, paddingX: Int = 0) {
        precondition(height > 0 && width > 0 && strideY > 0 && strideX > 0 && paddingY >= 0 && paddingX >= 0,
                     "invalid window \(height)×\(width) stride \(strideY),\(strideX) padding \(paddingY),\(paddingX)")
        self.height = height
        self.width = width
        self.strideY = strideY
        self.strideX = strideX
        self.paddingY = paddingY
        self.paddingX = paddingX
    }

    /// Output rows and columns for an input of the given size (zero when the window does not fit).
    public func outputSize(inputHeight: Int, inputWidth: Int) -> (height: Int, width: Int) {
        let rows = inputHeight + 2 * paddingY - height
        let columns = inputWidth + 2 * paddingX - width
        guard rows >= 0, columns >= 0 else { return (0, 0) }
        return (1 + rows / strideY, 1 + columns / strideX)
    }

    public var description: String {
        "\(height)×\(width)/\(strideY),\(strideX) pad \(paddingY),\(paddingX)"
    }
}
