import FaceCore

/// What an evaluation knows about one photo: where the chosen face was and its descriptor.
public struct PhotoDescription: Hashable, Sendable {
    /// How the described face was found.
    public enum Source: UInt8, Hashable, Sendable {
        /// The detector found it.
        case detected = 1
        /// The detector found nothing; the centred fallback box was used (``FaceChoice``).
        case fallback = 2
        /// Nothing was found and there was no fallback: the photo has no descriptor.
        case none = 3
    }

    /// How the face was found.
    public let source: Source
    /// How many faces the detector found.
    public let facesFound: Int
    /// The box the landmarks were found in.
    public let box: BoundingBox
    /// The descriptor of the aligned chip.
    public let descriptor: Descriptor?
    /// The descriptor of the chip mirrored left to right, when asked for.
    public let mirroredDescriptor: Descriptor?

    /// Creates a description.
    public init(
        source: Source, facesFound: Int, box: BoundingBox, descriptor: Descriptor?,
        mirroredDescriptor: Descriptor? = nil
    ) {
        self.source = source
        self.facesFound = facesFound
        self.box = box
        self.descriptor = descriptor
        self.mirroredDescriptor = mirroredDescriptor
    }

    /// The descriptor to compare: the chip's own, or with `flip` the mean of it and its mirror's.
    public func descriptor(flip: Bool) -> Descriptor? {
        guard let descriptor else { return nil }
        guard flip, let mirrored = mirroredDescriptor else { return descriptor }
        return Descriptor(zip(descriptor.values, mirrored.values).map { ($0 + $1) / 2 })
    }
}
