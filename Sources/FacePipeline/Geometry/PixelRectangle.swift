/// An integer rectangle with inclusive edges, as dlib's `rectangle`: it covers columns `left...right`
/// and rows `top...bottom`; empty when an edge passes its opposite. dlib defines the detector's and the
/// chip's geometry on these, rounding included.
struct PixelRectangle: Hashable, Sendable {
    var left: Int
    var top: Int
    var right: Int
    var bottom: Int

    /// The empty rectangle.
    static let empty = PixelRectangle(left: 0, top: 0, right: -1, bottom: -1)

    /// The rectangle `0...width−1` × `0...height−1`.
    init(width: Int, height: Int) {
        self.init(left: 0, top: 0, right: width - 1, bottom: height - 1)
    }

    init(left: Int, top: Int, right: Int, bottom: Int) {
        self.left = left
        self.top = top
        self.right = right
        self.bottom = bottom
    }

    /// Each edge rounded to the nearest whole pixel, halves upwards (dlib's `drectangle` to `rectangle`).
    ///
    /// Edges beyond ±2⁵⁰ (or NaN) are clamped first so that the conversion to `Int` cannot trap; no image
    /// comes near that size.
    init(rounding rectangle: DoubleRectangle) {
        func round(_ value: Double) -> Int {
            let limit = 0x1p50
            guard !value.isNaN else { return 0 }
            return Int((min(max(value, -limit), limit) + 0.5).rounded(.down))
        }
        self.init(left: round(rectangle.left), top: round(rectangle.top),
                  right: round(rectangle.right), bottom: round(rectangle.bottom))
    }

    var width: Int { isEmpty ? 0 : right - left + 1 }
    var height: Int { isEmpty ? 0 : bottom - top + 1 }
    var isEmpty: Bool { left > right || top > bottom }
    var area: Int { width * height }

    func translated(x: Int, y: Int) -> PixelRectangle {
        PixelRectangle(left: left + x, top: top + y, right: right + x, bottom: bottom + y)
    }

    func intersection(_ other: PixelRectangle) -> PixelRectangle {
        PixelRectangle(left: max(left, other.left), top: max(top, other.top),
                       right: min(right, other.right), bottom: min(bottom, other.bottom))
    }

    /// The smallest rectangle holding both; an empty operand contributes nothing.
    func union(_ other: PixelRectangle) -> PixelRectangle {
        if other.isEmpty { return self }
        if isEmpty { return other }
        return PixelRectangle(left: min(left, other.left), top: min(top, other.top),
                              right: max(right, other.right), bottom: max(bottom, other.bottom))
    }

    func contains(x: Int, y: Int) -> Bool { x >= left && x <= right && y >= top && y <= bottom }

    /// Distance from (x, y) to the nearest point of the rectangle.
    func distance(x: Int, y: Int) -> Double {
        let dx = Double(x - min(max(x, left), right)), dy = Double(y - min(max(y, top), bottom))
        return (dx * dx + dy * dy).squareRoot()
    }
}
