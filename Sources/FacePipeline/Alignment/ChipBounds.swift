/// A rectangle with real-valued, inclusive edges: it covers `right − left + 1` pixels across, as dlib's
/// `drectangle` counts them. Empty when an edge passes its opposite.
struct ChipRealBounds: Equatable {
    var left: Double
    var top: Double
    var right: Double
    var bottom: Double

    var isEmpty: Bool { top > bottom || left > right }
    var width: Double { isEmpty ? 0 : right - left + 1 }
    var height: Double { isEmpty ? 0 : bottom - top + 1 }
    var area: Double { width * height }
    var isFinite: Bool { left.isFinite && top.isFinite && right.isFinite && bottom.isFinite }

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

    init(left: Double, top: Double, right: Double, bottom: Double) {
        self.left = left
        self.top = top
        self.right = right
        self.bottom = bottom
    }

    func grown(by amount: Double) -> ChipRealBounds {
        ChipRealBounds(left: left - amount, top: top - amount, right: right + amount, bottom: bottom + amount)
    }

    func intersection(_ other: ChipRealBounds) -> ChipRealBounds {
        ChipRealBounds(
            left: max(left, other.left), top: max(top, other.top),
            right: min(right, other.right), bottom: min(bottom, other.bottom))
    }

    func translated(x: Double, y: Double) -> ChipRealBounds {
        ChipRealBounds(left: left + x, top: top + y, right: right + x, bottom: bottom + y)
    }

    /// This rectangle in the coordinates of the next level of the halving pyramid (``HalvingPyramid``).
    func halved() -> ChipRealBounds {
        let (newLeft, newTop) = HalvingPyramid.pointDown(x: left, y: top)
        let (newRight, newBottom) = HalvingPyramid.pointDown(x: right, y: bottom)
        return ChipRealBounds(left: newLeft, top: newTop, right: newRight, bottom: newBottom)
    }
}

/// A rectangle of whole pixels `left...right` × `top...bottom`; empty when an edge passes its opposite.
struct ChipPixelBounds: Equatable {
    var left: Int
    var top: Int
    var right: Int
    var bottom: Int

    static let empty = ChipPixelBounds(left: 0, top: 0, right: -1, bottom: -1)

    var isEmpty: Bool { top > bottom || left > right }
    var width: Int { isEmpty ? 0 : right - left + 1 }
    var height: Int { isEmpty ? 0 : bottom - top + 1 }

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
    init(rounding rectangle: ChipRealBounds) {
        func round(_ value: Double) -> Int {
            let limit = 0x1p50
            guard !value.isNaN else { return 0 }
            return Int((min(max(value, -limit), limit) + 0.5).rounded(.down))
        }
        self.init(
            left: round(rectangle.left), top: round(rectangle.top),
            right: round(rectangle.right), bottom: round(rectangle.bottom))
    }

    /// The smallest rectangle holding both; an empty operand contributes nothing.
    func union(_ other: ChipPixelBounds) -> ChipPixelBounds {
        if other.isEmpty { return self }
        if isEmpty { return other }
        return ChipPixelBounds(
            left: min(left, other.left), top: min(top, other.top),
            right: max(right, other.right), bottom: max(bottom, other.bottom))
    }

    func intersection(_ other: ChipPixelBounds) -> ChipPixelBounds {
        ChipPixelBounds(
            left: max(left, other.left), top: max(top, other.top),
            right: min(right, other.right), bottom: min(bottom, other.bottom))
    }
}
