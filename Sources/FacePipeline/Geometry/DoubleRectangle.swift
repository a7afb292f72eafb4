/// A rectangle with real-valued, inclusive edges (dlib's `drectangle`): it covers `right − left + 1`
/// pixels across. Empty when an edge passes its opposite.
struct DoubleRectangle: Hashable, Sendable {
    var left: Double
    var top: Double
    var right: Double
    var bottom: Double

    init(left: Double, top: Double, right: Double, bottom: Double) {
        self.left = left
        self.top = top
        self.right = right
        self.bottom = bottom
    }

    /// A `width`×`height` rectangle centred on (x, y), with dlib's inclusive-size convention.
    init(centerX x: Double, centerY y: Double, width: Double, height: Double) {
        self.init(left: x - (width - 1) / 2, top: y - (height - 1) / 2, right: x + (width - 1) / 2,
                  bottom: y + (height - 1) / 2)
    }

    /// The smallest rectangle holding every point, or an empty one for no points.
    init(bounding points: [(x: Double, y: Double)]) {
        guard let first = points.first else {
            self.init(left: 0, top: 0, right: -1, bottom: -1)
            return
        }
        self.init(left: first.x, top: first.y, right: first.x, bottom: first.y)
        for point in points.dropFirst() {
            left = min(left, point.x)
            top = min(top, point.y)
            right = max(right, point.x)
            bottom = max(bottom, point.y)
        }
    }

    var isEmpty: Bool { top > bottom || left > right }
    var width: Double { isEmpty ? 0 : right - left + 1 }
    var height: Double { isEmpty ? 0 : bottom - top + 1 }
    var area: Double { width * height }
    var isFinite: Bool { left.isFinite && top.isFinite && right.isFinite && bottom.isFinite }

    func grown(by amount: Double) -> DoubleRectangle {
        DoubleRectangle(left: left - amount, top: top - amount, right: right + amount, bottom: bottom + amount)
    }

    func intersection(_ other: DoubleRectangle) -> DoubleRectangle {
        DoubleRectangle(left: max(left, other.left), top: max(top, other.top),
                        right: min(right, other.right), bottom: min(bottom, other.bottom))
    }

    func translated(x: Double, y: Double) -> DoubleRectangle {
        DoubleRectangle(left: left + x, top: top + y, right: right + x, bottom: bottom + y)
    }
}
