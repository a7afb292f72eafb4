import FaceTensor

/// Per-channel scale and shift: `out[n, c, y, x] = scale[c] · in[n, c, y, x] + shift[c]`.
///
/// At inference a batch-normalisation layer is exactly this, with its running statistics folded into
/// `scale` and `shift`; after a convolution it folds into the convolution (``Convolution/folding(_:)``).
public struct Affine: Layer {
    /// Multiplier per channel: [C].
    public let scale: [Float]
    /// Offset per channel: [C].
    public let shift: [Float]

    /// Creates an affine layer; `scale` and `shift` have one value per channel.
    public init(scale: [Float], shift: [Float]) {
        precondition(scale.count == shift.count, "affine: \(scale.count) scales, \(shift.count) shifts")
        self.scale = scale
        self.shift = shift
    }

    /// Number of channels.
    public var channels: Int { scale.count }

    public func outputShape(for shape: Shape) -> Shape {
        precondition(shape.channels == channels, "affine expects \(channels) channels, input is \(shape)")
        return shape
    }

    public func forward(_ input: Tensor, context: ComputeContext) -> Tensor {
        _ = outputShape(for: input.shape)
        var output = input
        let span = input.shape.batch * input.shape.planeSize
        output.storage.withUnsafeMutableBufferPointer { buffer in
            let base = buffer.baseAddress!
            context.parallelFor(channels) { c in
                let row = base + c * span
                let a = scale[c], b = shift[c]
                for i in 0..<span { row[i] = a * row[i] + b }
            }
        }
        return output
    }

    public var description: String { "affine \(channels)" }
}
