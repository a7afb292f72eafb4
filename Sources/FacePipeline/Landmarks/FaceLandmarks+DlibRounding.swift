import FaceCore

extension FaceLandmarks {
    /// The points rounded to whole pixels the way dlib stores landmarks: `floor(v + 0.5)` per coordinate.
    ///
    /// dlib's shape predictor returns integer points, and dlib's chip alignment starts from those, so
    /// reproducing dlib's chips needs these values rather than the unrounded ones.
    public func roundedLikeDlib() -> FaceLandmarks {
        FaceLandmarks(points.map { Point2D(x: ($0.x + 0.5).rounded(.down), y: ($0.y + 0.5).rounded(.down)) })
    }
}
