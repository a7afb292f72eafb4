/// The descriptor model a gallery is bound to.
///
/// Distances only mean something between descriptors of one model, so a gallery records its model
/// when it is created and refuses descriptors from any other.
public struct GalleryModel: Hashable, Sendable, CustomStringConvertible {
    /// A stable identifier, e.g. `dlib_face_recognition_resnet_model_v1@55533b28a95800a5` (name and the
    /// start of the weights' SHA-256).
    public let id: String
    /// Number of components in each descriptor.
    public let dimension: Int

    /// Names a model.
    public init(id: String, dimension: Int) {
        precondition(dimension > 0, "a descriptor model has at least one dimension, got \(dimension)")
        self.id = id
        self.dimension = dimension
    }

    public var description: String { "\(id) (\(dimension)-D)" }
}
