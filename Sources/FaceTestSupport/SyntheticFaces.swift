import FaceCore
import FaceGallery

/// Synthetic gallery data: seeded unit-length descriptors and faces built from them.
public enum SyntheticFaces {
    /// The model the synthetic faces claim to come from.
    public static let model = GalleryModel(id: "synthetic-unit-128", dimension: 128)

    /// `count` unit-length descriptors of `dimension` components, reproducible from `seed`.
    public static func unitDescriptors(count: Int, dimension: Int = 128, seed: UInt64) -> [Descriptor] {
        var random = SeededRandom(seed: seed)
        return (0..<count).map { _ in Descriptor(normalised(random.floats(dimension))) }
    }

    /// `descriptor` moved by a random offset of about `scale` in length, renormalised.
    public static func perturbed(_ descriptor: Descriptor, scale: Float, random: inout SeededRandom) -> Descriptor {
        let offset = normalised(random.floats(descriptor.dimension))
        return Descriptor(normalised(zip(descriptor.values, offset).map { $0 + scale * $1 }))
    }

    /// A face to enrol with the given descriptor and plausible box, landmarks and photo hash.
    public static func face(_ descriptor: Descriptor, model: GalleryModel = model, index: Int = 0) -> NewFace {
        let x = Double(10 + index % 50)
        return NewFace(
            descriptor: descriptor, modelID: model.id,
            photoSHA256: SHA256.hexDigest(Array("photo-\(index)".utf8)),
            box: BoundingBox(x: x, y: 20, width: 100, height: 100),
            landmarks: FaceLandmarks((0..<5).map { Point2D(x: x + Double($0) * 10, y: 60.5) }),
            confidence: 0.5 + Float(index % 10) / 20)
    }

    private static func normalised(_ values: [Float]) -> [Float] {
        let norm = values.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return values.map { $0 / norm }
    }
}
