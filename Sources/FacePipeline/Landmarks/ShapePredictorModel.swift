import FaceCore
import FaceImage

/// A cascade of regression-tree forests that moves a mean shape onto a face (Kazemi & Sullivan 2014),
/// as dlib's `shape_predictor` stores and runs it.
///
/// Shapes are `[x0, y0, x1, y1, …]` in box-normalised coordinates: (0, 0) is the box's top-left pixel
/// and (1, 1) its bottom-right pixel. Each cascade samples grey levels at pixels placed relative to
/// the current shape, and each of its trees picks a leaf from differences of two samples; the leaf's
/// shape increment is added. The arithmetic follows dlib's step by step (float where dlib uses float,
/// double where it uses double), so the same pixels are read and the same leaves are chosen.
struct ShapePredictorModel: Sendable {
    /// The trees of one cascade, stored flat.
    struct Forest: Sendable {
        /// Tree `t`'s splits are `splitStarts[t]..<splitStarts[t + 1]`; `count` = trees + 1.
        var splitStarts: [Int] = []
        /// Two feature-pixel indices per split: the split goes left when `pixel[first] − pixel[second] > threshold`.
        var splitFeatures: [Int32] = []
        /// One threshold per split.
        var splitThresholds: [Float] = []
        /// Shape increments, one full shape per leaf, trees in order; tree `t` has `splits + 1` leaves,
        /// so its first leaf is number `splitStarts[t] + t`.
        var leafValues: [Float] = []

        var treeCount: Int { splitStarts.count - 1 }
    }

    /// One stage of the cascade: where its feature pixels sit and the trees that read them.
    struct Cascade: Sendable {
        /// For each feature pixel, the part of the mean shape it is anchored to.
        let anchorParts: [Int32]
        /// For each feature pixel, its (dx, dy) offset from the anchor part in mean-shape coordinates.
        let anchorOffsets: [Float]
        /// The trees.
        let forest: Forest

        var featureCount: Int { anchorParts.count }
    }

    /// The mean shape the regression starts from, `2 × partCount` values.
    let initialShape: [Float]
    /// The stages, applied in order.
    let cascades: [Cascade]

    /// Number of landmarks the model predicts.
    var partCount: Int { initialShape.count / 2 }

    /// The shape for the face inside `rect`, in image coordinates, before any rounding.
    func shape(in image: Image, rect: FaceRectangle) -> [Point2D] {
        var current = initialShape
        for cascade in cascades {
            let features = cascade.sampleFeatures(image: image, rect: rect, current: current, initial: initialShape)
            cascade.forest.addLeaves(features: features, to: &current)
        }
        return (0..<partCount).map { part in
            rect.imagePoint(Double(current[2 * part]), Double(current[2 * part + 1]))
        }
    }
}

extension ShapePredictorModel {
    /// dlib's integer rectangle `left...right × top...bottom`, and the map from box-normalised coordinates
    /// ((0, 0) at the top-left pixel, (1, 1) at the bottom-right one) into the image.
    struct FaceRectangle: Sendable {
        let left, top, right, bottom: Double

        /// The rectangle dlib holds for `box`: each inclusive edge rounded to the nearest integer, halves up.
        init(_ box: BoundingBox) {
            left = (box.x + 0.5).rounded(.down)
            top = (box.y + 0.5).rounded(.down)
            right = (box.right + 0.5).rounded(.down)
            bottom = (box.bottom + 0.5).rounded(.down)
        }

        /// The image point of a box-normalised point.
        ///
        /// dlib fits this map by least squares through three corners and lands within ~1e-13 px of the
        /// exact map used here; that only matters for a point within 1e-13 of a pixel boundary.
        func imagePoint(_ u: Double, _ v: Double) -> Point2D {
            Point2D(x: u * (right - left) + left, y: v * (bottom - top) + top)
        }
    }
}

extension ShapePredictorModel.Cascade {
    /// The grey level at each feature pixel once the pixels are moved from the mean shape onto `current`.
    ///
    /// Grey is dlib's `(r + g + b) / 3` in integer arithmetic; a pixel outside the image reads as 0.
    func sampleFeatures(
        image: Image, rect: ShapePredictorModel.FaceRectangle, current: [Float], initial: [Float]
    ) -> [Float] {
        let m = similarityMatrix(from: initial, to: current)
        let width = Double(image.width)
        let height = Double(image.height)
        let stride = image.width
        return [Float](unsafeUninitializedCapacity: featureCount) { features, initializedCount in
            image.pixels.withUnsafeBufferPointer { pixels in
                anchorParts.withUnsafeBufferPointer { anchorParts in
                    anchorOffsets.withUnsafeBufferPointer { offsets in
                        current.withUnsafeBufferPointer { current in
                            for index in 0..<anchorParts.count {
                                let part = Int(anchorParts[index])
                                let dx = offsets[2 * index]
                                let dy = offsets[2 * index + 1]
                                // Float, with a rounding after each product and sum, as dlib evaluates it.
                                let u = (m.xx * dx + m.xy * dy) + current[2 * part]
                                let v = (m.yx * dx + m.yy * dy) + current[2 * part + 1]
                                let point = rect.imagePoint(Double(u), Double(v))
                                // dlib rounds to the nearest pixel, halves up; NaN fails the tests and reads as 0.
                                let column = (point.x + 0.5).rounded(.down)
                                let row = (point.y + 0.5).rounded(.down)
                                if column >= 0, column < width, row >= 0, row < height {
                                    let offset = (Int(row) * stride + Int(column)) * 3
                                    let sum = Int(pixels[offset]) + Int(pixels[offset + 1]) + Int(pixels[offset + 2])
                                    features[index] = Float(sum / 3)
                                } else {
                                    features[index] = 0
                                }
                            }
                        }
                    }
                }
            }
            initializedCount = featureCount
        }
    }

    /// The rotation-and-scale part of the least-squares similarity transform taking `from` onto `to`
    /// (Umeyama 1991), computed in double and rounded to float as dlib does.
    ///
    /// dlib solves it with a 2×2 SVD; in two dimensions the optimum has the closed form
    /// `[[a, −b], [b, a]]` with a = (Σxx + Σyy)/σ², b = (Σyx − Σxy)/σ², the same matrix to double precision.
    private func similarityMatrix(from: [Float], to: [Float]) -> (xx: Float, xy: Float, yx: Float, yy: Float) {
        let count = from.count / 2
        guard count > 1 else { return (1, 0, 0, 1) }  // dlib uses the identity for a single landmark
        var meanFrom = (x: 0.0, y: 0.0)
        var meanTo = (x: 0.0, y: 0.0)
        for part in 0..<count {
            meanFrom.x += Double(from[2 * part])
            meanFrom.y += Double(from[2 * part + 1])
            meanTo.x += Double(to[2 * part])
            meanTo.y += Double(to[2 * part + 1])
        }
        let n = Double(count)
        meanFrom = (meanFrom.x / n, meanFrom.y / n)
        meanTo = (meanTo.x / n, meanTo.y / n)
        var sigmaFrom = 0.0
        var covariance = (xx: 0.0, xy: 0.0, yx: 0.0, yy: 0.0)  // Σ (to − meanTo)(from − meanFrom)ᵀ
        for part in 0..<count {
            let fx = Double(from[2 * part]) - meanFrom.x
            let fy = Double(from[2 * part + 1]) - meanFrom.y
            let tx = Double(to[2 * part]) - meanTo.x
            let ty = Double(to[2 * part + 1]) - meanTo.y
            sigmaFrom += fx * fx + fy * fy
            covariance.xx += tx * fx
            covariance.xy += tx * fy
            covariance.yx += ty * fx
            covariance.yy += ty * fy
        }
        // dlib keeps scale 1 when the source shape has no spread; the covariance is then zero and
        // its SVD gives the identity rotation.
        guard sigmaFrom != 0 else { return (1, 0, 0, 1) }
        let a = (covariance.xx + covariance.yy) / sigmaFrom
        let b = (covariance.yx - covariance.xy) / sigmaFrom
        return (Float(a), Float(-b), Float(b), Float(a))
    }
}

extension ShapePredictorModel.Forest {
    /// Walks every tree with `features` and adds the chosen leaves' increments to `shape`, tree by tree.
    func addLeaves(features: [Float], to shape: inout [Float]) {
        let shapeLength = shape.count
        features.withUnsafeBufferPointer { features in
            splitFeatures.withUnsafeBufferPointer { splitFeatures in
                splitThresholds.withUnsafeBufferPointer { thresholds in
                    leafValues.withUnsafeBufferPointer { leaves in
                        shape.withUnsafeMutableBufferPointer { shape in
                            for tree in 0..<treeCount {
                                let first = splitStarts[tree]
                                let splitCount = splitStarts[tree + 1] - first
                                var node = 0
                                while node < splitCount {
                                    let split = first + node
                                    let difference =
                                        features[Int(splitFeatures[2 * split])]
                                        - features[Int(splitFeatures[2 * split + 1])]
                                    node = 2 * node + (difference > thresholds[split] ? 1 : 2)
                                }
                                let leaf = first + tree + (node - splitCount)
                                let base = leaf * shapeLength
                                for index in 0..<shapeLength { shape[index] += leaves[base + index] }
                            }
                        }
                    }
                }
            }
        }
    }
}
