import FaceImage
import FaceTensor

/// An image pyramid laid out in one image, the way dlib's MMOD detector sees a photo.
///
/// Level 0 is the photo; each next level is 5/6 the size of the one before (dlib's `pyramid_down<6>`)
/// until a level would be under 5 rows. The levels go in one column down the left, then, once the rest
/// fit beside the first, back up the right-hand side; levels are `padding` apart and the whole is
/// framed by `outerPadding`. One pass of a convolutional detector over this image scans every scale.
struct TiledPyramid: Sendable {
    /// Where each level sits in the tiled image.
    let levels: [PixelRectangle]
    /// Tiled image width.
    let width: Int
    /// Tiled image height.
    let height: Int

    /// Each level's size relative to the previous.
    static let rate = 5.0 / 6.0
    /// Levels smaller than this many rows are not made.
    static let minimumLevelHeight = 5

    init(imageWidth: Int, imageHeight: Int, padding: Int, outerPadding: Int) {
        var rows = imageHeight, columns = imageWidth
        var levels = [PixelRectangle(width: columns, height: rows)]
        while true {
            rows = Int((Self.rate * Double(rows)).rounded(.down))
            columns = Int((Self.rate * Double(columns)).rounded(.down))
            if rows * columns == 0 || rows < Self.minimumLevelHeight { break }
            levels.append(PixelRectangle(width: columns, height: rows))
        }
        let first = levels[0]
        let totalHeight = levels.reduce(0) { $0 + $1.height + padding } - 2 * padding
        // Go down the first column until the remaining levels fit beside the photo on the way back up.
        var columnHeight = 0, previousWidth = 0
        for level in levels {
            if level.width <= first.width - previousWidth - padding
                && (columnHeight - first.height) * 2 >= totalHeight - first.height {
                break
            }
            columnHeight += level.height + padding
            previousWidth = level.width
        }
        columnHeight -= padding
        let width = first.width
        self.width = width + 2 * outerPadding
        self.height = columnHeight + 2 * outerPadding

        var y = outerPadding, index = 0
        while y < columnHeight + outerPadding && index < levels.count {
            levels[index] = levels[index].translated(x: outerPadding, y: y)
            y += levels[index].height + padding
            index += 1
        }
        y -= padding
        while index < levels.count {
            // Right-aligned, stacked upwards from the bottom of the first column.
            let corner = (x: outerPadding + width - 1, y: y - 1)
            let placed = PixelRectangle(left: corner.x - (levels[index].width - 1), top: corner.y - (levels[index].height - 1),
                                        right: corner.x, bottom: corner.y)
            if !levels[0].intersection(placed).isEmpty { break }
            levels[index] = placed
            y -= placed.height + padding
            index += 1
        }
        self.levels = Array(levels.prefix(index))
    }

    /// The tiled pyramid of `image` as the network's input (batch 1): each channel `(v − mean) / 256`,
    /// zero between levels, each level resized bilinearly from the one before.
    func inputTensor(for image: Image, channelMeans: [Float], context: ComputeContext) -> Tensor {
        precondition(image.width == levels[0].width && image.height == levels[0].height, "image does not match the pyramid")
        let shape = Shape(batch: 1, channels: 3, height: height, width: width)
        var tensor = Tensor(shape: shape)
        let plane = width * height
        let first = levels[0]
        tensor.storage.withUnsafeMutableBufferPointer { buffer in
            let base = buffer.baseAddress!
            image.pixels.withUnsafeBufferPointer { pixels in
                context.parallelFor(3 * image.height) { index in
                    let channel = index / image.height, row = index % image.height
                    let mean = channelMeans[channel]
                    let line = base + channel * plane + (first.top + row) * width + first.left
                    let source = row * image.width * 3 + channel
                    for column in 0..<image.width { line[column] = (Float(pixels[source + 3 * column]) - mean) / 256 }
                }
            }
            // Each level is made from the one before; within a level, rows are independent.
            for index in levels.indices.dropFirst() {
                let rows = levels[index].height
                let columns = ResamplingColumns(from: levels[index - 1].width, to: levels[index].width)
                context.parallelFor(3 * rows) { item in
                    resizeBilinear(from: levels[index - 1], to: levels[index], columns: columns,
                                   rows: (item % rows)..<(item % rows + 1), in: base + (item / rows) * plane)
                }
            }
        }
        return tensor
    }

    /// Resamples one level into the next inside a channel plane, corners aligned as dlib's `resize_image`.
    private func resizeBilinear(from source: PixelRectangle, to target: PixelRectangle, columns: ResamplingColumns,
                                rows: Range<Int>, in plane: UnsafeMutablePointer<Float>) {
        let yScale = Double(source.height - 1) / Double(max(target.height - 1, 1))
        for row in rows {
            let y = Double(row) * yScale
            let top = Int(y.rounded(.down))
            let bottom = min(top + 1, source.height - 1)
            let topFraction = Float(y - Double(top))
            let topLine = plane + (source.top + top) * width + source.left
            let bottomLine = plane + (source.top + bottom) * width + source.left
            let output = plane + (target.top + row) * width + target.left
            for column in 0..<target.width {
                let left = columns.left[column], right = columns.right[column]
                let leftFraction = columns.fraction[column]
                let upper = (1 - leftFraction) * topLine[left] + leftFraction * topLine[right]
                let lower = (1 - leftFraction) * bottomLine[left] + leftFraction * bottomLine[right]
                output[column] = (1 - topFraction) * upper + topFraction * lower
            }
        }
    }

    /// Maps a rectangle in tiled-image coordinates back to the photo: find the level its centre is in
    /// (or nearest to), then undo that level's down-scaling.
    func imageRectangle(for rectangle: DoubleRectangle) -> DoubleRectangle {
        let centerX = Int(((rectangle.left + rectangle.right) / 2 + 0.5).rounded(.down))
        let centerY = Int(((rectangle.top + rectangle.bottom) / 2 + 0.5).rounded(.down))
        var level = 0
        if let containing = levels.firstIndex(where: { $0.contains(x: centerX, y: centerY) }) {
            level = containing
        } else {
            var best = Double.infinity
            for (index, candidate) in levels.enumerated() {
                let distance = candidate.distance(x: centerX, y: centerY)
                if distance < best {
                    best = distance
                    level = index
                }
            }
        }
        let origin = levels[level]
        func up(_ value: Double, from start: Int) -> Double {
            var v = value - Double(start)
            for _ in 0..<level { v = v * (6.0 / 5.0) + 0.3 }  // dlib's point_up for pyramid_down<6>
            return v
        }
        return DoubleRectangle(left: up(rectangle.left, from: origin.left), top: up(rectangle.top, from: origin.top),
                               right: up(rectangle.right, from: origin.left), bottom: up(rectangle.bottom, from: origin.top))
    }
}

/// Where each output column of a corner-aligned bilinear resize reads: the same for every row, so
/// worked out once per level.
private struct ResamplingColumns: Sendable {
    let left: [Int]
    let right: [Int]
    let fraction: [Float]

    init(from sourceWidth: Int, to targetWidth: Int) {
        let scale = Double(sourceWidth - 1) / Double(max(targetWidth - 1, 1))
        var left = [Int](), right = [Int](), fraction = [Float]()
        for column in 0..<targetWidth {
            let x = Double(column) * scale
            let l = Int(x.rounded(.down))
            left.append(l)
            right.append(min(l + 1, sourceWidth - 1))
            fraction.append(Float(x - Double(l)))
        }
        self.left = left
        self.right = right
        self.fraction = fraction
    }
}
