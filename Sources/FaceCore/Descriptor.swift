/// A face descriptor: a point in the 128-D space where distance means dissimilarity.
///
/// dlib's ResNet model was trained so that two photos of one person lie less than 0.6 apart in
/// Euclidean distance (``Descriptor/sameIdentityMaxEuclideanDistance``).
public struct Descriptor: Hashable, Sendable {
    /// Euclidean distance under which dlib's guide calls two descriptors the same person.
    public static let sameIdentityMaxEuclideanDistance: Float = 0.6

    /// The components.
    public let values: [Float]

    /// Wraps descriptor components.
    public init(_ values: [Float]) {
        self.values = values
    }

    /// Number of components.
    public var dimension: Int { values.count }

    /// Euclidean (L2) distance to `other`; both must have the same dimension.
    public func euclideanDistance(to other: Descriptor) -> Float {
        precondition(dimension == other.dimension, "descriptor dimensions differ: \(dimension) vs \(other.dimension)")
        var sum: Float = 0
        for i in 0..<dimension {
            let d = values[i] - other.values[i]
            sum += d * d
        }
        return sum.squareRoot()
    }

    /// Cosine distance `1 − cos(angle)` to `other`, in 0...2.
    public func cosineDistance(to other: Descriptor) -> Float {
        precondition(dimension == other.dimension, "descriptor dimensions differ: \(dimension) vs \(other.dimension)")
        var dot: Float = 0, selfNorm: Float = 0, otherNorm: Float = 0
        for i in 0..<dimension {
            dot += values[i] * other.values[i]
            selfNorm += values[i] * values[i]
            otherNorm += other.values[i] * other.values[i]
        }
        let denominator = (selfNorm * otherNorm).squareRoot()
        return denominator > 0 ? 1 - dot / denominator : 1
    }
}

extension Descriptor: CustomStringConvertible {
    /// Shows the dimension only; descriptors are biometric data and stay out of logs.
    public var description: String { "Descriptor(\(dimension)-D)" }
}
