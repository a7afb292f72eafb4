/// The size of a 4-D tensor: batch, channels, height and width.
public struct Shape: Hashable, Sendable, CustomStringConvertible {
    /// Number of samples in the batch.
    public var batch: Int
    /// Number of channels (feature maps) per sample.
    public var channels: Int
    /// Rows per feature map.
    public var height: Int
    /// Columns per feature map.
    public var width: Int

    /// Creates a shape; every dimension must be non-negative.
    public init(batch: Int, channels: Int, height: Int, width: Int) {
        precondition(batch >= 0 && channels >= 0 && height >= 0 && width >= 0, "negative dimension in shape")
        self.batch = batch
        self.channels = channels
        self.height = height
        self.width = width
    }

    /// Elements in one feature map (height × width).
    public var planeSize: Int { height * width }
    /// Elements per sample (channels × height × width).
    public var sampleSize: Int { channels * height * width }
    /// Total number of elements.
    public var count: Int { batch * channels * height * width }

    public var description: String { "(\(batch), \(channels), \(height), \(width))" }
}
