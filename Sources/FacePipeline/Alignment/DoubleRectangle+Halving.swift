extension DoubleRectangle {
    /// This rectangle in the coordinates of the next level of the halving pyramid (``HalvingPyramid``).
    func halved() -> DoubleRectangle {
        let (newLeft, newTop) = HalvingPyramid.pointDown(x: left, y: top)
        let (newRight, newBottom) = HalvingPyramid.pointDown(x: right, y: bottom)
        return DoubleRectangle(left: newLeft, top: newTop, right: newRight, bottom: newBottom)
    }
}
