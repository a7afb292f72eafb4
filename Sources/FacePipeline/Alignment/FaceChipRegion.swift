import FaceImage

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where a face chip lies in its image: a square (or rectangle) turned by `angle` about its centre, sampled
/// onto a grid of `rows` × `columns` chip pixels — dlib's `chip_details`.
///
/// The edges are dlib's inclusive, real-valued rectangle before rotation: chip pixel (0, 0) samples the
/// rotated top-left corner (`left`, `top`) and chip pixel (`columns − 1`, `rows − 1`) the rotated
/// bottom-right corner (`right`, `bottom`).
public struct FaceChipRegion: Sendable, Equatable {
    /// Left edge of the unrotated region, in image pixels.
    public var left: Double
    /// Top edge of the unrotated region, in image pixels.
    public var top: Double
    /// Right edge (inclusive) of the unrotated region, in image pixels.
    public var right: Double
    /// Bottom edge (inclusive) of the unrotated region, in image pixels.
    public var bottom: Double
    /// Rotation of the region about its centre, in radians; positive turns clockwise on screen (y points down).
    public var angle: Double
    /// Chip height in pixels.
    public var rows: Int
    /// Chip width in pixels.
    public var columns: Int

    /// Creates a region from dlib's `chip_details` fields.
    public init(left: Double, top: Double, right: Double, bottom: Double, angle: Double, rows: Int, columns: Int) {
        self.left = left
        self.top = top
        self.right = right
        self.bottom = bottom
        self.angle = angle
        self.rows = rows
        self.columns = columns
    }

    /// Centre of the region, the point it turns about.
    public var center: (x: Double, y: Double) { ((left + right) / 2, (top + bottom) / 2) }

    /// Width of the unrotated region in image pixels, counted inclusively as dlib does (`right − left + 1`).
    public var width: Double { left > right || top > bottom ? 0 : right - left + 1 }
    /// Height of the unrotated region in image pixels, counted inclusively as dlib does (`bottom − top + 1`).
    public var height: Double { left > right || top > bottom ? 0 : bottom - top + 1 }

    /// The map from chip pixel (x, y) to the image point it samples.
    public var chipToImage: AffineTransform2D {
        Self.cornerMap(left: left, top: top, right: right, bottom: bottom, angle: angle, rows: rows, columns: columns)
    }

    /// The affine map sending chip corners (0, 0), (columns − 1, 0) and (0, rows − 1) to the corners
    /// (left, top), (right, top) and (left, bottom) of a rectangle turned by `angle` about its centre.
    ///
    /// dlib fits this map to the three corner pairs; solved directly it is the same map.
    static func cornerMap(
        left: Double, top: Double, right: Double, bottom: Double, angle: Double,
        rows: Int, columns: Int
    ) -> AffineTransform2D {
        let cosine = cos(angle)
        let sine = sin(angle)
        let centerX = (left + right) / 2
        let centerY = (top + bottom) / 2
        // The top-left corner after turning about the centre.
        let cornerX = cosine * (left - centerX) - sine * (top - centerY) + centerX
        let cornerY = sine * (left - centerX) + cosine * (top - centerY) + centerY
        let stepX = columns > 1 ? (right - left) / Double(columns - 1) : 0
        let stepY = rows > 1 ? (bottom - top) / Double(rows - 1) : 0
        return AffineTransform2D(
            a: cosine * stepX, b: -sine * stepY, c: cornerX,
            d: sine * stepX, e: cosine * stepY, f: cornerY)
    }
}
