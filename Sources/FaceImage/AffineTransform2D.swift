#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A 2-D affine map taking point (x, y) to (a·x + b·y + c, d·x + e·y + f).
///
/// As a matrix acting on column vectors (x, y, 1):
/// ```
/// | a b c |
/// | d e f |
/// | 0 0 1 |
/// ```
public struct AffineTransform2D: Sendable, Equatable {
    /// Weight of x in the output x.
    public var a: Double
    /// Weight of y in the output x.
    public var b: Double
    /// Offset added to the output x.
    public var c: Double
    /// Weight of x in the output y.
    public var d: Double
    /// Weight of y in the output y.
    public var e: Double
    /// Offset added to the output y.
    public var f: Double

    /// Creates the map (x, y) ↦ (a·x + b·y + c, d·x + e·y + f).
    public init(a: Double, b: Double, c: Double, d: Double, e: Double, f: Double) {
        self.a = a
        self.b = b
        self.c = c
        self.d = d
        self.e = e
        self.f = f
    }

    /// The map that leaves every point where it is.
    public static let identity = AffineTransform2D(a: 1, b: 0, c: 0, d: 0, e: 1, f: 0)

    /// The map that moves every point by (`x`, `y`).
    public static func translation(x: Double, y: Double) -> AffineTransform2D {
        AffineTransform2D(a: 1, b: 0, c: x, d: 0, e: 1, f: y)
    }

    /// The map that multiplies x by `x` and y by `y`, about the origin.
    public static func scaling(x: Double, y: Double) -> AffineTransform2D {
        AffineTransform2D(a: x, b: 0, c: 0, d: 0, e: y, f: 0)
    }

    /// The rotation by `radians` about the origin; in image coordinates (y pointing down) a positive angle
    /// turns clockwise on screen.
    public static func rotation(radians: Double) -> AffineTransform2D {
        let cosine = cos(radians)
        let sine = sin(radians)
        return AffineTransform2D(a: cosine, b: -sine, c: 0, d: sine, e: cosine, f: 0)
    }

    /// The image of `point` under this map.
    public func apply(to point: (x: Double, y: Double)) -> (x: Double, y: Double) {
        (a * point.x + b * point.y + c, d * point.x + e * point.y + f)
    }

    /// The map that applies `self` first and then `next`.
    public func followed(by next: AffineTransform2D) -> AffineTransform2D {
        AffineTransform2D(
            a: next.a * a + next.b * d,
            b: next.a * b + next.b * e,
            c: next.a * c + next.b * f + next.c,
            d: next.d * a + next.e * d,
            e: next.d * b + next.e * e,
            f: next.d * c + next.e * f + next.f
        )
    }

    /// The map that undoes this one, or `nil` when this one collapses the plane onto a line or point
    /// (its determinant `a·e − b·d` is zero or not finite).
    public func inverted() -> AffineTransform2D? {
        let determinant = a * e - b * d
        guard determinant != 0, determinant.isFinite else { return nil }
        let inverseA = e / determinant
        let inverseB = -b / determinant
        let inverseD = -d / determinant
        let inverseE = a / determinant
        return AffineTransform2D(
            a: inverseA,
            b: inverseB,
            c: -(inverseA * c + inverseB * f),
            d: inverseD,
            e: inverseE,
            f: -(inverseD * c + inverseE * f)
        )
    }
}
