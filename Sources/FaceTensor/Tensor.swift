/// A 4-D Float32 tensor with shape (batch, channels, height, width).
///
/// Indexing follows NCHW, but the storage is channel-major, (C, N, H, W): all samples' maps of one
/// channel sit together. With that layout a convolution over a whole batch is a single matrix product
/// (filters × image columns) whose result is already in place, and per-channel operations such as
/// bias or scale run over one contiguous span. `init(shape:nchw:)` and `nchw()` convert.
public struct Tensor: Sendable, Equatable {
    /// The tensor's dimensions.
    public let shape: Shape
    /// Elements in channel-major order: index `((c * batch + n) * height + y) * width + x`.
    public var storage: [Float]

    /// Creates a tensor filled with `value`.
    public init(shape: Shape, repeating value: Float = 0) {
        self.shape = shape
        self.storage = [Float](repeating: value, count: shape.count)
    }

    /// A tensor whose elements are not set: for layers that write every element anyway, which saves
    /// clearing megabytes that are overwritten at once.
    public static func uninitialized(shape: Shape) -> Tensor {
        let storage = [Float](unsafeUninitializedCapacity: shape.count) { _, initializedCount in
            initializedCount = shape.count
        }
        return Tensor(shape: shape, channelMajor: storage)
    }

    /// Creates a tensor from channel-major storage.
    public init(shape: Shape, channelMajor storage: [Float]) {
        precondition(storage.count == shape.count, "storage has \(storage.count) elements, shape \(shape) needs \(shape.count)")
        self.shape = shape
        self.storage = storage
    }

    /// Creates a tensor from elements in NCHW order.
    public init(shape: Shape, nchw values: [Float]) {
        precondition(values.count == shape.count, "\(values.count) values for shape \(shape)")
        self.shape = shape
        if shape.batch == 1 || shape.channels == 1 {
            self.storage = values
            return
        }
        var storage = [Float](repeating: 0, count: shape.count)
        let plane = shape.planeSize
        values.withUnsafeBufferPointer { source in
            storage.withUnsafeMutableBufferPointer { target in
                for n in 0..<shape.batch {
                    for c in 0..<shape.channels {
                        let from = (n * shape.channels + c) * plane
                        let to = (c * shape.batch + n) * plane
                        for i in 0..<plane { target[to + i] = source[from + i] }
                    }
                }
            }
        }
        self.storage = storage
    }

    /// The elements in NCHW order.
    public func nchw() -> [Float] {
        if shape.batch == 1 || shape.channels == 1 { return storage }
        var values = [Float](repeating: 0, count: shape.count)
        let plane = shape.planeSize
        storage.withUnsafeBufferPointer { source in
            values.withUnsafeMutableBufferPointer { target in
                for c in 0..<shape.channels {
                    for n in 0..<shape.batch {
                        let from = (c * shape.batch + n) * plane
                        let to = (n * shape.channels + c) * plane
                        for i in 0..<plane { target[to + i] = source[from + i] }
                    }
                }
            }
        }
        return values
    }

    /// Storage offset of element (n, c, y, x).
    @inlinable
    public func offset(n: Int, c: Int, y: Int, x: Int) -> Int {
        ((c * shape.batch + n) * shape.height + y) * shape.width + x
    }

    /// Element (n, c, y, x).
    public subscript(n: Int, c: Int, y: Int, x: Int) -> Float {
        get { storage[offset(n: n, c: c, y: y, x: x)] }
        set { storage[offset(n: n, c: c, y: y, x: x)] = newValue }
    }
}
