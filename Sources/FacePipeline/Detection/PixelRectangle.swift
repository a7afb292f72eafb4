/// An integer rectangle with inclusive edges, as dlib's `rectangle`: it covers columns `left...right`
/// and rows `top...bottom`. The detector's geometry is defined on these, rounding included.
struct PixelRectangle: Hashable, Sendable {
    var left: Int
    var top: Int
    var right: Int
    var bottom: Int

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

    /// Rounds each edge to the nearest integer, halves up (dlib's conversion from `drectangle`).
    init(rounding rectangle: DoubleRectangle) {
        self.init(left: Int((rectangle.left + 0.5).rounded(.down)), top: Int((rectangle.top + 0.5).rounded(.down)),
                  right: Int((rectangle.right + 0.5).rounded(.down)), bottom: Int((rectangle.bottom + 0.5).rounded(.down)))
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

    /// The smallest rectangle containing both.
    func bounding(_ other: PixelRectangle) -> PixelRectangle {
        PixelRectangle(left: min(left, other.left), top: min(top, other.top),
                       right: max(right, other.right), bottom: max(bottom, other.bottom))
    }

    func contains(x: Int, y: Int) -> Bool { x >= left && x <= right && y >= top && y <= bottom }

    /// Distance from (x, y) to the nearest point of the rectangle.
    func distance(x: Int, y: Int) -> Double {
        let dx = Double(x - min(max(x, left), right)), dy = Double(y - min(max(y, top), bottom))
        return (dx * dx + dy * dy).squareRoot()
    }
}

/// A rectangle with real-valued edges (dlib's `drectangle`).
struct DoubleRectangle: Hashable, Sendable {
    var left: Double
    var top: Double
    var right: Double
    var bottom: Double

    /// A `width`×`height` rectangle centred on (x, y), with dlib's inclusive-size convention.
    init(centerX x: Double, centerY y: Double, width: Double, height: Double) {
        left = x - (width - 1) / 2
        right = x + (width - 1) / 2
        top = y - (height - 1) / 2
        bottom = y + (height - 1) / 2
    }

    init(left: Double, top: Double, right: Double, bottom: Double) {
        self.left = left
        self.top = top
        self.right = right
        self.bottom = bottom
    }
}
