import FaceTensor

/// Max pooling: each output is the largest input under its window; padding never wins.
public struct MaxPool: Layer {
    /// Window size, stride and padding.
    public let window: Window2D

    /// Creates a max-pooling layer.
    public init(window: Window2D) {
        self.window = window
    }

    public func outputShape(for shape: Shape) -> Shape {
        let size = window.outputSize(inputHeight: shape.height, inputWidth: shape.width)
        return Shape(batch: shape.batch, channels: shape.channels, height: size.height, width: size.width)
    }

    public func forward(_ input: Tensor, context: ComputeContext) -> Tensor {
        Pooling.run(input, window: window, outputShape: outputShape(for: input.shape), context: context,
                    reduction: MaximumReduction.self)
    }

    public var description: String { "max_pool \(window)" }
}

/// Average pooling: each output is the mean of the inputs under its window.
///
/// Padded positions are left out of the mean. ``global`` averages each whole feature map
/// (dlib's `avg_pool_everything`).
public struct AveragePool: Layer {
    /// Window size, stride and padding; `nil` pools each whole feature map.
    public let window: Window2D?

    /// Creates an average-pooling layer over `window`.
    public init(window: Window2D) {
        self.window = window
    }

    private init() {
        self.window = nil
    }

    /// Averages each whole feature map to one value.
    public static let global = AveragePool()

    private func effectiveWindow(for shape: Shape) -> Window2D {
        window ?? Window2D(height: max(1, shape.height), width: max(1, shape.width))
    }

    public func outputShape(for shape: Shape) -> Shape {
        let size = effectiveWindow(for: shape).outputSize(inputHeight: shape.height, inputWidth: shape.width)
        return Shape(batch: shape.batch, channels: shape.channels, height: size.height, width: size.width)
    }

    public func forward(_ input: Tensor, context: ComputeContext) -> Tensor {
        Pooling.run(input, window: effectiveWindow(for: input.shape), outputShape: outputShape(for: input.shape),
                    context: context, reduction: MeanReduction.self)
    }

    public var description: String { window.map { "avg_pool \($0)" } ?? "avg_pool global" }
}

/// What a pooling window computes from the inputs under it. Both reductions are separable: combine
/// down the window's rows first, then across its columns.
protocol PoolingReduction {
    static var identity: Float { get }
    static func combine(_ a: Float, _ b: Float) -> Float
    static func finish(_ value: Float, count: Int) -> Float
}

enum MaximumReduction: PoolingReduction {
    static var identity: Float { -.infinity }
    @inline(__always) static func combine(_ a: Float, _ b: Float) -> Float { a > b ? a : b }
    @inline(__always) static func finish(_ value: Float, count: Int) -> Float { value }
}

enum MeanReduction: PoolingReduction {
    static var identity: Float { 0 }
    @inline(__always) static func combine(_ a: Float, _ b: Float) -> Float { a + b }
    @inline(__always) static func finish(_ value: Float, count: Int) -> Float { value / Float(count) }
}

/// The loop shared by the pooling layers: one feature map per work item, the window clipped to the input.
enum Pooling {
    static func run<Reduction: PoolingReduction>(
        _ input: Tensor, window: Window2D, outputShape: Shape, context: ComputeContext, reduction: Reduction.Type
    ) -> Tensor {
        var output = Tensor.uninitialized(shape: outputShape)  // every window writes its element
        let inShape = input.shape
        let planes = inShape.channels * inShape.batch
        let inputWidth = inShape.width, inputHeight = inShape.height
        let outputWidth = outputShape.width, outputHeight = outputShape.height
        input.storage.withUnsafeBufferPointer { inputBuffer in
            output.storage.withUnsafeMutableBufferPointer { outputBuffer in
                let inputBase = inputBuffer.baseAddress!, outputBase = outputBuffer.baseAddress!
                context.parallelFor(planes) { plane in
                    let source = inputBase + plane * inShape.planeSize
                    let target = outputBase + plane * outputShape.planeSize
                    // One row of the window's rows combined, for the current output row.
                    withUnsafeTemporaryAllocation(of: Float.self, capacity: max(1, inputWidth)) { column in
                        for oy in 0..<outputHeight {
                            let top = oy * window.strideY - window.paddingY
                            let rows = max(0, top)..<min(inputHeight, top + window.height)
                            for x in 0..<inputWidth { column[x] = Reduction.identity }
                            for y in rows {
                                let row = source + y * inputWidth
                                for x in 0..<inputWidth { column[x] = Reduction.combine(column[x], row[x]) }
                            }
                            for ox in 0..<outputWidth {
                                let left = ox * window.strideX - window.paddingX
                                let columns = max(0, left)..<min(inputWidth, left + window.width)
                                var value = Reduction.identity
                                for x in columns { value = Reduction.combine(value, column[x]) }
                                target[oy * outputWidth + ox] = rows.isEmpty || columns.isEmpty
                                    ? 0 : Reduction.finish(value, count: rows.count * columns.count)
                            }
                        }
                    }
                }
            }
        }
        return output
    }
}
