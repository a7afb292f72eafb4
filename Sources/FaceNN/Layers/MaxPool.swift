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
        Pooling.run(input, window: window, outputShape: outputShape(for: input.shape), context: context) {
            source, rows, columns, inputWidth in
            var best = -Float.infinity
            for y in rows {
                for x in columns { best = max(best, source[y * inputWidth + x]) }
            }
            return best
        }
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
                    context: context) { source, rows, columns, inputWidth in
            var sum: Float = 0
            for y in rows {
                for x in columns { sum += source[y * inputWidth + x] }
            }
            return sum / Float(rows.count * columns.count)
        }
    }

    public var description: String { window.map { "avg_pool \($0)" } ?? "avg_pool global" }
}

/// The loop shared by the pooling layers: one feature map per work item, the window clipped to the input.
enum Pooling {
    static func run(
        _ input: Tensor, window: Window2D, outputShape: Shape, context: ComputeContext,
        reduce: (UnsafePointer<Float>, Range<Int>, Range<Int>, Int) -> Float
    ) -> Tensor {
        var output = Tensor(shape: outputShape)
        let inShape = input.shape
        let planes = inShape.channels * inShape.batch
        input.storage.withUnsafeBufferPointer { inputBuffer in
            output.storage.withUnsafeMutableBufferPointer { outputBuffer in
                let inputBase = inputBuffer.baseAddress!, outputBase = outputBuffer.baseAddress!
                context.parallelFor(planes) { plane in
                    let source = inputBase + plane * inShape.planeSize
                    let target = outputBase + plane * outputShape.planeSize
                    for oy in 0..<outputShape.height {
                        let top = oy * window.strideY - window.paddingY
                        let rows = max(0, top)..<min(inShape.height, top + window.height)
                        for ox in 0..<outputShape.width {
                            let left = ox * window.strideX - window.paddingX
                            let columns = max(0, left)..<min(inShape.width, left + window.width)
                            target[oy * outputShape.width + ox] =
                                rows.isEmpty || columns.isEmpty ? 0 : reduce(source, rows, columns, inShape.width)
                        }
                    }
                }
            }
        }
        return output
    }
}
