import FaceTensor

/// Fully connected layer: `out[n, o] = Σ_i in[n, i] · weights[i, o] (+ bias[o])`.
///
/// Each sample's input is flattened in (channel, row, column) order; the output has shape
/// (batch, outputs, 1, 1).
public struct FullyConnected: Layer {
    /// Weights, shape (inputs, outputs), row-major: [I][O].
    public let weights: [Float]
    /// One bias per output, or `nil` for a layer without bias.
    public let bias: [Float]?
    /// Inputs per sample.
    public let inputs: Int
    /// Outputs per sample.
    public let outputs: Int

    /// Creates the layer from `inputs · outputs` weights and optionally `outputs` biases.
    public init(weights: [Float], bias: [Float]?, inputs: Int, outputs: Int) {
        precondition(weights.count == inputs * outputs, "fc weights: \(weights.count) values for \(inputs)×\(outputs)")
        precondition(bias == nil || bias!.count == outputs, "fc bias: \(bias!.count) values for \(outputs) outputs")
        self.weights = weights
        self.bias = bias
        self.inputs = inputs
        self.outputs = outputs
    }

    public func outputShape(for shape: Shape) -> Shape {
        precondition(shape.sampleSize == inputs, "fc expects \(inputs) inputs per sample, input is \(shape)")
        return Shape(batch: shape.batch, channels: outputs, height: 1, width: 1)
    }

    public func forward(_ input: Tensor, context: ComputeContext) -> Tensor {
        let outShape = outputShape(for: input.shape)
        let batch = input.shape.batch, plane = input.shape.planeSize
        // Channel-major storage with 1×1 maps is already the (inputs × batch) matrix; otherwise gather it.
        let matrix: [Float]
        if plane == 1 {
            matrix = input.storage
        } else {
            var gathered = [Float](repeating: 0, count: inputs * batch)
            for c in 0..<input.shape.channels {
                for n in 0..<batch {
                    for s in 0..<plane {
                        gathered[(c * plane + s) * batch + n] = input.storage[(c * batch + n) * plane + s]
                    }
                }
            }
            matrix = gathered
        }
        var output = Tensor(shape: outShape)
        // out (outputs × batch) = weightsᵀ (outputs × inputs) · matrix (inputs × batch)
        weights.withUnsafeBufferPointer { w in
            matrix.withUnsafeBufferPointer { x in
                output.storage.withUnsafeMutableBufferPointer { y in
                    GEMM.multiply(m: outputs, n: batch, k: inputs, a: w.baseAddress!, lda: outputs, transposeA: true,
                                  b: x.baseAddress!, ldb: batch, c: y.baseAddress!, ldc: batch)
                }
            }
        }
        if let bias {
            for o in 0..<outputs {
                for n in 0..<batch { output.storage[o * batch + n] += bias[o] }
            }
        }
        return output
    }

    public var description: String { "fc \(inputs)→\(outputs)" + (bias == nil ? " no bias" : "") }
}
