import FaceTensor

/// A feed-forward network with residual connections, run on the CPU.
///
/// The network is a list of ``Step``s applied in order to a current tensor. Tags save the current
/// tensor under a number; a skip makes a saved tensor current again; an add sums the current tensor
/// with a saved one. That is enough to express dlib's `tag`, `skip` and `add_prev` layers, so a
/// dlib network definition maps onto steps one for one.
public struct Network: Sendable, CustomStringConvertible {
    /// One step of the forward pass.
    public enum Step: Sendable {
        /// Apply a layer to the current tensor.
        case layer(any Layer)
        /// Remember the current tensor under `tag`.
        case tag(Int)
        /// Make the tensor remembered under `tag` current.
        case skip(to: Int)
        /// Replace the current tensor by its sum with the tensor remembered under `tag`, then `activation`.
        case addTagged(Int, activation: FusedActivation)
    }

    /// The steps, from input to output.
    public let steps: [Step]

    /// Creates a network from steps.
    public init(steps: [Step]) {
        self.steps = steps
    }

    /// Runs the network on `input`; `afterStep`, if given, is called with each step's index and output
    /// (benchmarks use it to time layers).
    public func forward(_ input: Tensor, context: ComputeContext = ComputeContext(),
                        afterStep: ((Int, Tensor) -> Void)? = nil) -> Tensor {
        var current = input
        var saved: [Int: Tensor] = [:]
        for (index, step) in steps.enumerated() {
            defer { afterStep?(index, current) }
            switch step {
            case .layer(let layer):
                current = layer.forward(current, context: context)
            case .tag(let tag):
                saved[tag] = current
            case .skip(let tag):
                guard let tensor = saved[tag] else { preconditionFailure("skip to tag \(tag), which was never set") }
                current = tensor
            case .addTagged(let tag, let activation):
                guard let tensor = saved[tag] else { preconditionFailure("add of tag \(tag), which was never set") }
                current = ResidualAdd.add(current, tensor, activation: activation, context: context)
            }
        }
        return current
    }

    /// The shape `forward` produces for an input of `shape`.
    public func outputShape(for shape: Shape) -> Shape {
        walkShapes(from: shape) { _, _, _ in }
    }

    /// Floating-point operations (a multiply-add counts as two) of one forward pass for an input of `shape`,
    /// counting convolutions and fully connected layers, which dominate.
    public func floatingPointOperations(for shape: Shape) -> Int {
        var operations = 0
        walkShapes(from: shape) { layer, input, output in
            if let convolution = layer as? Convolution {
                operations += 2 * output.count * convolution.inputChannels * convolution.window.height * convolution.window.width
            } else if let fullyConnected = layer as? FullyConnected {
                operations += 2 * input.batch * fullyConnected.inputs * fullyConnected.outputs
            }
        }
        return operations
    }

    /// Follows shapes through the steps without computing anything, calling `visit` with each layer and
    /// its input and output shapes; returns the final shape.
    private func walkShapes(from shape: Shape, visit: (any Layer, Shape, Shape) -> Void) -> Shape {
        var current = shape
        var saved: [Int: Shape] = [:]
        for step in steps {
            switch step {
            case .layer(let layer):
                let output = layer.outputShape(for: current)
                visit(layer, current, output)
                current = output
            case .tag(let tag): saved[tag] = current
            case .skip(let tag): current = saved[tag]!
            case .addTagged(let tag, _): current = ResidualAdd.outputShape(current, saved[tag]!)
            }
        }
        return current
    }

    /// The input position that output position (x, y) is centred on, following strides and padding back
    /// through every layer (dlib's `output_tensor_to_input_tensor`). Tags, skips and adds leave it alone.
    public func inputPoint(forOutputX x: Double, y: Double) -> (x: Double, y: Double) {
        var point = (x: x, y: y)
        for step in steps.reversed() {
            guard case .layer(let layer) = step else { continue }
            let window: Window2D?
            switch layer {
            case let convolution as Convolution: window = convolution.window
            case let pool as MaxPool: window = pool.window
            case let pool as AveragePool: window = pool.window
            default: window = nil
            }
            if let window {
                point.x = point.x * Double(window.strideX) - Double(window.paddingX) + Double(window.width / 2)
                point.y = point.y * Double(window.strideY) - Double(window.paddingY) + Double(window.height / 2)
            }
        }
        return point
    }

    /// The same computation with fewer passes over memory: each affine layer folded into the convolution
    /// before it, each ReLU fused into the convolution or residual add that feeds it, and every
    /// convolution prepared for inference (``Convolution/preparedForInference()``).
    public func optimized() -> Network {
        var result: [Step] = []
        for step in steps {
            switch step {
            case .layer(let affine as Affine):
                if case .layer(let convolution as Convolution)? = result.last, convolution.activation == .none {
                    result[result.count - 1] = .layer(convolution.folding(affine))
                    continue
                }
            case .layer(is ReLU):
                if case .layer(let convolution as Convolution)? = result.last, convolution.activation == .none {
                    result[result.count - 1] = .layer(convolution.fusing(.relu))
                    continue
                }
                if case .addTagged(let tag, .none)? = result.last {
                    result[result.count - 1] = .addTagged(tag, activation: .relu)
                    continue
                }
            default:
                break
            }
            result.append(step)
        }
        return Network(steps: result.map { step in
            if case .layer(let convolution as Convolution) = step { return .layer(convolution.preparedForInference()) }
            return step
        })
    }

    public var description: String {
        steps.map { step in
            switch step {
            case .layer(let layer): return layer.description
            case .tag(let tag): return "tag\(tag)"
            case .skip(let tag): return "skip\(tag)"
            case .addTagged(let tag, let activation): return "add_prev\(tag)" + (activation == .relu ? " +relu" : "")
            }
        }.joined(separator: "\n")
    }
}
