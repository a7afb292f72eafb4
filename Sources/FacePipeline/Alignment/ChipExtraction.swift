import FaceImage

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Cuts chips out of an image as dlib's `extract_image_chips` does with bilinear interpolation.
///
/// Bilinear sampling alone would alias when a chip is much smaller than its region, so the image is first
/// shrunk with ``HalvingPyramid`` until one more halving would leave the region with no more pixels than the
/// chip; the chip is then sampled from that level. Only the part of the image around the chips is shrunk:
/// the union, over all chips of the call, of each turned region grown by a margin that covers the blur
/// (2 pixels, then 2·g + 2 for each level), clipped to the image and rounded to whole pixels. Because the
/// pyramid's pixel grid starts at that union's corner, chips extracted together can differ slightly from the
/// same chips extracted one at a time; both are what dlib gives for the same call.
enum ChipExtraction {
    static func chips(from image: Image, regions: [FaceChipRegion]) -> [Image] {
        guard !regions.isEmpty else { return [] }
        let imageRectangle = DoubleRectangle(
            left: 0, top: 0, right: Double(image.width - 1), bottom: Double(image.height - 1))
        var bounds = PixelRectangle.empty
        var pyramidDepth = 0
        for region in regions where isUsable(region) {
            let size = Double(region.rows * region.columns)
            var depth = 0
            var margin = 2.0
            var rectangle = region.rectangle.halved()
            while rectangle.area > size {
                rectangle = rectangle.halved()
                depth += 1
                margin = margin * 2 + 2
            }
            let turned = DoubleRectangle(bounding: region.turnedCorners)
            bounds = bounds.union(PixelRectangle(rounding: turned.grown(by: margin).intersection(imageRectangle)))
            pyramidDepth = max(pyramidDepth, depth)
        }

        let crop = PixelWindow(image, bounds: bounds)
        var levels: [Image] = []
        if pyramidDepth > 0 {
            levels.append(HalvingPyramid.halve(crop))
            for _ in 1..<pyramidDepth { levels.append(HalvingPyramid.halve(PixelWindow(levels[levels.count - 1]))) }
        }

        return regions.map { region in
            guard isUsable(region) else { return Image(width: region.columns, height: region.rows) }
            if isPlainCrop(region) { return plainCrop(image, region: region) }
            let size = Double(region.rows * region.columns)
            var rectangle = region.rectangle.translated(x: -Double(bounds.left), y: -Double(bounds.top))
            var level = -1
            // The level count bounds the search only if rounding made the translated region look bigger.
            while level + 1 < levels.count && rectangle.halved().area > size {
                level += 1
                rectangle = rectangle.halved()
            }
            let map = FaceChipRegion.cornerMap(
                left: rectangle.left, top: rectangle.top, right: rectangle.right, bottom: rectangle.bottom,
                angle: region.angle, rows: region.rows, columns: region.columns)
            let source = level < 0 ? crop : PixelWindow(levels[level])
            return BilinearChipSampler.sample(source, chipToWindow: map, rows: region.rows, columns: region.columns)
        }
    }

    /// Regions whose pyramid search would not end (infinite or NaN edges) give black chips.
    private static func isUsable(_ region: FaceChipRegion) -> Bool {
        region.rectangle.isFinite && region.angle.isFinite
    }

    /// An unturned region exactly the chip's size is copied pixel for pixel, as in dlib.
    private static func isPlainCrop(_ region: FaceChipRegion) -> Bool {
        region.angle == 0 && Double(region.rows) == region.height && Double(region.columns) == region.width
    }

    /// The region's pixels (edges rounded), black where it leaves the image.
    private static func plainCrop(_ image: Image, region: FaceChipRegion) -> Image {
        let location = PixelRectangle(rounding: region.rectangle)
        let inside = location.intersection(
            PixelRectangle(left: 0, top: 0, right: image.width - 1, bottom: image.height - 1))
        var pixels = [UInt8](repeating: 0, count: location.width * location.height * 3)
        if !inside.isEmpty {
            image.pixels.withUnsafeBufferPointer { source in
                for y in inside.top...inside.bottom {
                    let sourceStart = (y * image.width + inside.left) * 3
                    let targetStart = ((y - location.top) * location.width + inside.left - location.left) * 3
                    for offset in 0..<(inside.width * 3) { pixels[targetStart + offset] = source[sourceStart + offset] }
                }
            }
        }
        return Image(width: location.width, height: location.height, pixels: pixels)
    }
}

extension FaceChipRegion {
    /// The unturned region as a rectangle.
    var rectangle: DoubleRectangle { DoubleRectangle(left: left, top: top, right: right, bottom: bottom) }

    /// The four corners of the region after turning it about its centre.
    var turnedCorners: [(x: Double, y: Double)] {
        let (centerX, centerY) = center
        let cosine = cos(angle)
        let sine = sin(angle)
        return [(left, top), (right, top), (left, bottom), (right, bottom)].map { corner in
            let x = corner.0 - centerX
            let y = corner.1 - centerY
            return (cosine * x - sine * y + centerX, sine * x + cosine * y + centerY)
        }
    }
}
