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
    /// For detectors (MMOD loss), the detection windows and overlap rules.
    public let detectorOptions: MMODOptions?
    /// For pyramid inputs, the padding between pyramid levels and around the tiled image, in pixels.
    public let pyramidPadding: (between: Int, outer: Int)?
}

/// The settings a dlib MMOD detector was trained with that detection needs.
public struct MMODOptions: Sendable, Equatable {
    /// A detection window: each score-map position proposes a box of this size in the input image.
    public struct Window: Sendable, Equatable {
        /// Width in pixels.
        public let width: Int
        /// Height in pixels.
        public let height: Int
        /// Class label (empty for single-class detectors).
        public let label: String
    }

    /// The windows, one per score-map channel.
    public let windows: [Window]
    /// Non-max suppression drops a box whose overlap with a kept box (intersection over the area of
    /// the rectangle bounding both) exceeds this.
    public let nmsMaxIntersectionOverBoundingArea: Double
    /// Non-max suppression also drops a box when this fraction of either box is covered by the other.
    public let nmsMaxCoveredFraction: Double
}
