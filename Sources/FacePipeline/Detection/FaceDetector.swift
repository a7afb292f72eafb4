import FaceCore
import FaceImage
import FaceNN
import FaceTensor

/// A face found by ``FaceDetector``.
public struct FaceDetection: Sendable, Equatable {
    /// The face's box in image pixels (dlib's inclusive rectangle, rounded to whole pixels).
    public let box: BoundingBox
    /// The detector's score; above 0 counts as a face, and faces usually score 0.9–1.2.
    public let confidence: Float
}

/// Finds faces with dlib's CNN face detector (max-margin object detection, `mmod_human_face_detector.dat`).
///
/// The photo becomes a tiled pyramid (``TiledPyramid``) so one pass of the network scans every scale;
/// each score-map position above the threshold proposes an 80×80 window in the pyramid, which maps
/// back to the photo; overlapping proposals are then suppressed, best score first. Faces smaller than
/// about 80 pixels need `upsample`: the photo is doubled that many times first.
///
/// A photo's pass allocates a few hundred megabytes of short-lived tensors; programs that detect
/// repeatedly should call `ComputeContext.keepFreedMemoryForReuse()` once at start (`facekit` does),
/// which makes detection about a fifth faster.
public struct FaceDetector: Sendable {
    private let network: Network
    private let channelMeans: [Float]
    private let options: MMODOptions
    private let padding: (between: Int, outer: Int)

    /// Loads the detector from `models`, verifying its published hash first.
    public init(models: ModelDirectory = .fromEnvironment()) throws(FacePipelineError) {
        let bytes = try models.verifiedContents(of: .faceDetector)
        try self.init(modelBytes: bytes, origin: models.path(of: .faceDetector))
    }

    /// Loads the detector from the bytes of a dlib model file (no hash check).
    public init(modelBytes: [UInt8], origin: String = "model") throws(FacePipelineError) {
        let model: DlibModel
        do {
            model = try DlibModelReader.read(modelBytes, architecture: .mmodFaceDetector)
        } catch {
            throw FacePipelineError(.modelUnreadable, "\(origin): \(error.message)", underlying: error)
        }
        guard let options = model.detectorOptions, options.windows.count == 1, let padding = model.pyramidPadding else {
            throw FacePipelineError(.modelUnreadable, "\(origin): not a single-window pyramid detector")
        }
        network = model.network.optimized()
        channelMeans = model.inputChannelMeans
        self.options = options
        self.padding = padding
    }

    /// Faces in `image`, best score first.
    ///
    /// - Parameters:
    ///   - upsample: how many times to double the photo first (0 finds faces from about 80 px up).
    ///   - minConfidence: the lowest score kept (dlib's default is 0).
    public func detect(in image: Image, upsample: Int = 0, minConfidence: Float = 0,
                       context: ComputeContext = ComputeContext()) -> [FaceDetection] {
        var scanned = image
        for _ in 0..<max(0, upsample) { scanned = PyramidUpsampling.doubled(scanned) }
        guard scanned.width > 0, scanned.height > 0 else { return [] }
        let pyramid = TiledPyramid(imageWidth: scanned.width, imageHeight: scanned.height,
                                   padding: padding.between, outerPadding: padding.outer)
        let scores = network.forward(pyramid.inputTensor(for: scanned, channelMeans: channelMeans, context: context),
                                     context: context)
        let window = options.windows[0]

        var candidates: [(rectangle: PixelRectangle, score: Float)] = []
        let map = scores.shape
        scores.storage.withUnsafeBufferPointer { values in
            for row in 0..<map.height {
                for column in 0..<map.width {
                    let score = values[row * map.width + column]
                    guard score > minConfidence else { continue }
                    let center = network.inputPoint(forOutputX: Double(column), y: Double(row))
                    let proposal = DoubleRectangle(centerX: center.x, centerY: center.y,
                                                   width: Double(window.width), height: Double(window.height))
                    candidates.append((PixelRectangle(rounding: pyramid.imageRectangle(for: proposal)), score))
                }
            }
        }
        candidates.sort { $0.score > $1.score }
        var kept: [(rectangle: PixelRectangle, score: Float)] = []
        for candidate in candidates where !kept.contains(where: { overlaps($0.rectangle, candidate.rectangle) }) {
            kept.append(candidate)
        }
        return kept.map { detection in
            let r = PyramidUpsampling.rectangleInOriginal(detection.rectangle, levels: max(0, upsample))
            let box = BoundingBox(left: Double(r.left), top: Double(r.top), right: Double(r.right), bottom: Double(r.bottom))
            return FaceDetection(box: box, confidence: detection.score)
        }
    }

    /// dlib's non-max suppression test: too much overlap relative to the rectangle bounding both, or
    /// too much of either box covered.
    private func overlaps(_ a: PixelRectangle, _ b: PixelRectangle) -> Bool {
        let inner = Double(a.intersection(b).area)
        if inner == 0 { return false }
        let outer = Double(a.union(b).area)
        return inner / outer > options.nmsMaxIntersectionOverBoundingArea
            || inner / Double(a.area) > options.nmsMaxCoveredFraction
            || inner / Double(b.area) > options.nmsMaxCoveredFraction
    }
}
