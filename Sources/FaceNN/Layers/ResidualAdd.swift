import FaceTensor

/// Adds two tensors of possibly different sizes, as a residual connection does.
///
/// The output takes the larger of each dimension; where one tensor has no element (fewer channels,
/// or a smaller feature map, anchored at the top-left) it counts as zero. dlib's `add_prev` does the
/// same, which is how a down-sampling block's shortcut gains channels.
public enum ResidualAdd {
    /// The shape of the sum: the larger of each dimension.
    public static func outputShape(_ a: Shape, _ b: Shape) -> Shape {
        precondition(a.batch == b.batch, "residual add: batch \(a) vs \(b)")
        return Shape(batch: a.batch, channels: max(a.channels, b.channels), height: max(a.height, b.height),
                     width: max(a.width, b.width))
    }

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
        let shape = outputShape(a.shape, b.shape)
        var output = Tensor(shape: shape)
        output.storage.withUnsafeMutableBufferPointer { target in
            let outputBase = target.baseAddress!
            for term in [a, b] {
                let termShape = term.shape
                term.storage.withUnsafeBufferPointer { source in
                    let termBase = source.baseAddress!
                    context.parallelFor(termShape.channels * termShape.batch) { plane in
                        // plane = c · batch + n in both tensors, since the batch sizes agree.
                        for y in 0..<termShape.height {
                            let from = termBase + (plane * termShape.height + y) * termShape.width
                            let to = outputBase + (plane * shape.height + y) * shape.width
                            for x in 0..<termShape.width { to[x] += from[x] }
                        }
                    }
                }
            }
            if activation == .relu {
                for i in 0..<shape.count { outputBase[i] = max(0, outputBase[i]) }
            }
        }
        return output
    }
}
