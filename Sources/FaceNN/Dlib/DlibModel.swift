/// A dlib model loaded into FaceKit's engine.
public struct DlibModel: Sendable {
    /// The architecture the file was checked against.
    public let architecture: DlibArchitecture
    /// The network exactly as saved (affine layers separate); run `network.optimized()` for inference.
    public let network: Network
    /// The input layer's per-channel means (red, green, blue), subtracted before dividing by 256.
    public let inputChannelMeans: [Float]
    /// For metric-loss models, the distance threshold the model was trained with.
    public let metricDistanceThreshold: Float?
}
