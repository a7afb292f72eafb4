#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The similarity transform (uniform scale, rotation, translation; no reflection) that carries one point set
/// onto another with the least squared error — Umeyama's estimate, as dlib's `find_similarity_transform`.
///
/// In two dimensions Umeyama's SVD has a closed form. Write the cross-covariance of the centred point sets as
/// `C = (1/n) Σ (q − q̄)(p − p̄)ᵀ`. The best rotation angle is `atan2(C₁₀ − C₀₁, C₀₀ + C₁₁)`, and the trace
/// of the singular values with the reflection fix applied is `√((C₀₀ + C₁₁)² + (C₁₀ − C₀₁)²)`, so the scale is
/// that over the spread of the source points.
struct SimilarityFit {
    /// The scale factor.
    var scale: Double
    /// The rotation in radians (clockwise on screen in image coordinates).
    var angle: Double
    /// Added after scaling and rotating.
    var translation: (x: Double, y: Double)

    /// Fits the transform taking `source[i]` to `target[i]`; both hold the same number (≥ 2) of points.
    init(from source: [(x: Double, y: Double)], to target: [(x: Double, y: Double)]) {
        precondition(
            source.count == target.count && source.count >= 2,
            "Similarity fit needs matching point sets of at least 2, got \(source.count) and \(target.count)")
        let count = Double(source.count)
        var sourceMean = (x: 0.0, y: 0.0)
        var targetMean = (x: 0.0, y: 0.0)
        for (p, q) in zip(source, target) {
            sourceMean.x += p.x
            sourceMean.y += p.y
            targetMean.x += q.x
            targetMean.y += q.y
        }
        sourceMean = (sourceMean.x / count, sourceMean.y / count)
        targetMean = (targetMean.x / count, targetMean.y / count)

        var sourceSpread = 0.0
        var c00 = 0.0
        var c01 = 0.0
        var c10 = 0.0
        var c11 = 0.0
        for (p, q) in zip(source, target) {
            let px = p.x - sourceMean.x
            let py = p.y - sourceMean.y
            let qx = q.x - targetMean.x
            let qy = q.y - targetMean.y
            sourceSpread += px * px + py * py
            c00 += qx * px
            c01 += qx * py
            c10 += qy * px
            c11 += qy * py
        }
        sourceSpread /= count
        let cosinePart = (c00 + c11) / count
        let sinePart = (c10 - c01) / count

        angle = atan2(sinePart, cosinePart)
        // dlib keeps scale 1 when every source point coincides.
        scale = sourceSpread != 0 ? (cosinePart * cosinePart + sinePart * sinePart).squareRoot() / sourceSpread : 1
        let cosine = scale * cos(angle)
        let sine = scale * sin(angle)
        translation = (
            targetMean.x - (cosine * sourceMean.x - sine * sourceMean.y),
            targetMean.y - (sine * sourceMean.x + cosine * sourceMean.y)
        )
    }

    /// The image of `point`.
    func apply(to point: (x: Double, y: Double)) -> (x: Double, y: Double) {
        let cosine = scale * cos(angle)
        let sine = scale * sin(angle)
        return (cosine * point.x - sine * point.y + translation.x, sine * point.x + cosine * point.y + translation.y)
    }
}
