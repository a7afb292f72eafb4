import FaceTensor

/// Adds two tensors of possibly different sizes, as a residual connection does.
///
/// The output takes the larger of each dimension; where one tensor has no element (fewer channels,
/// or a smaller feature map, anchored at the top-left) it counts as zero. dlib's `add_prev` does the
/// same, which is how a down-sampling block's shortcut gains channels.
public enum ResidualAdd {
    /// `a + b` with zero-padding, then `activation`.
    public static func add(_ a: Tensor, _ b: Tensor, activation: FusedActivation, context: ComputeContext) -> Tensor {
        precondition(a.shape.batch == b.shape.batch, "residual add: batch \(a.shape) vs \(b.shape)")
        if a.shape == b.shape {
            var output = a
            let count = a.shape.count
            let chunk = 1 << 16
            b.storage.withUnsafeBufferPointer { other in
                output.storage.withUnsafeMutableBufferPointer { buffer in
                    let target = buffer.baseAddress!, source = other.baseAddress!
                    context.parallelFor((count + chunk - 1) / chunk) { index in
                        let range = index * chunk..<min(count, (index + 1) * chunk)
                        switch activation {
                        case .none: for i in range { target[i] += source[i] }
                        case .relu: for i in range { target[i] = max(0, target[i] + source[i]) }
                        }
                    }
                }
            }
            return output
        }
        let shape = Shape(batch: a.shape.batch, channels: max(a.shape.channels, b.shape.channels),
                          height: max(a.shape.height, b.shape.height), width: max(a.shape.width, b.shape.width))
        var output = Tensor(shape: shape)
        for term in [a, b] {
            for c in 0..<term.shape.channels {
                for n in 0..<term.shape.batch {
                    for y in 0..<term.shape.height {
                        for x in 0..<term.shape.width {
                            output[n, c, y, x] += term[n, c, y, x]
                        }
                    }
                }
            }
        }
        if activation == .relu {
            for i in 0..<output.storage.count { output.storage[i] = max(0, output.storage[i]) }
        }
        return output
    }
}
