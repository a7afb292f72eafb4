import FaceTensor

/// Rectified linear unit: `out = max(0, in)`, elementwise.
public struct ReLU: Layer {
    /// Creates the layer.
    public init() {}

    public func outputShape(for shape: Shape) -> Shape { shape }

    public func forward(_ input: Tensor, context: ComputeContext) -> Tensor {
        var output = input
        let chunk = 1 << 16
        let count = output.storage.count
        output.storage.withUnsafeMutableBufferPointer { buffer in
            let base = buffer.baseAddress!
            context.parallelFor((count + chunk - 1) / chunk) { index in
                let start = index * chunk
                for i in start..<min(count, start + chunk) { base[i] = max(0, base[i]) }
            }
        }
        return output
    }

    public var description: String { "relu" }
}
