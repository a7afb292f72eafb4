/// An axis-aligned rectangle in image pixel coordinates (origin top-left, y down).
public struct BoundingBox: Hashable, Sendable, CustomStringConvertible {
    /// Left edge.
    public var x: Double
    /// Top edge.
    public var y: Double
    /// Width in pixels.
    public var width: Double
    /// Height in pixels.
    public var height: Double

    /// Creates a box from its top-left corner and size.
    public init(x: Double, y: Double, width: Double, height: Double) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    /// Creates a box from dlib's inclusive rectangle: the pixels `left...right` × `top...bottom`.
    public init(left: Double, top: Double, right: Double, bottom: Double) {
        self.init(x: left, y: top, width: right - left + 1, height: bottom - top + 1)
    }

    /// dlib's inclusive right edge.
    public var right: Double { x + width - 1 }
    /// dlib's inclusive bottom edge.
    public var bottom: Double { y + height - 1 }
    /// Area in pixels.
    public var area: Double { max(0, width) * max(0, height) }
    /// Centre point.
    public var center: Point2D { Point2D(x: x + (width - 1) / 2, y: y + (height - 1) / 2) }

    /// Intersection over union with `other`, in 0...1.
    public func intersectionOverUnion(_ other: BoundingBox) -> Double {
        let overlapWidth = min(x + width, other.x + other.width) - max(x, other.x)
        let overlapHeight = min(y + height, other.y + other.height) - max(y, other.y)
        guard overlapWidth > 0, overlapHeight > 0 else { return 0 }
        let overlap = overlapWidth * overlapHeight
        return overlap / (area + other.area - overlap)
    }

    public var description: String { "(x \(x), y \(y), \(width)×\(height))" }
}

/// A point in image pixel coordinates.
public struct Point2D: Hashable, Sendable {
    /// Column.
    public var x: Double
    /// Row.
    public var y: Double

    /// Creates a point.
    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }
}

/// Facial landmarks in image coordinates, in the order of the model that found them.
///
/// For dlib's 5-point model: the outer then inner corner of the eye on the image's right (the
/// subject's left eye), the outer then inner corner of the other eye, then the base of the nose.
public struct FaceLandmarks: Hashable, Sendable {
    /// The points.
    public var points: [Point2D]

    /// Wraps landmark points.
    public init(_ points: [Point2D]) {
        self.points = points
    }
}
