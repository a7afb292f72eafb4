import FaceTensor

/// One step of a network's forward pass at inference time.
public protocol Layer: Sendable, CustomStringConvertible {
    /// The output shape for an input of `shape`; a wiring mistake is a precondition failure.
    func outputShape(for shape: Shape) -> Shape
    /// Computes the layer's output for `input`.
    func forward(_ input: Tensor, context: ComputeContext) -> Tensor
}

/// An activation that a producing layer can apply to its own output while it is still in cache.
public enum FusedActivation: Sendable, Equatable {
    /// Output as computed.
    case none
    /// `max(0, x)`.
    case relu
}
