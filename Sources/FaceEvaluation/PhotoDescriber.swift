import FaceCore
import FaceImage
import FacePipeline
import FaceTensor

/// Describes photos for an evaluation: picks one face per photo by ``FaceChoice`` and computes its
/// descriptor, and with `mirrors` also the descriptor of the mirrored chip.
///
/// Photos are detected, landmarked and aligned one per worker thread (a 250×250 photo is too small to
/// split well over cores); the chips are then described together in batches over every thread.
public struct PhotoDescriber: Sendable {
    /// The pipeline.
    public let recognizer: FaceRecognizer
    /// The face-choice rule.
    public let choice: FaceChoice
    /// Whether mirrored chips are described too.
    public let mirrors: Bool

    /// Creates a describer.
    public init(recognizer: FaceRecognizer, choice: FaceChoice = FaceChoice(), mirrors: Bool = false) {
        self.recognizer = recognizer
        self.choice = choice
        self.mirrors = mirrors
    }

    /// One description per image, in order; `located` is called (from any thread) as each image's face
    /// has been found, before the descriptors are computed.
    public func describe(_ images: [Image], located report: (@Sendable () -> Void)? = nil) -> [PhotoDescription] {
        describe(count: images.count, located: report) { images[$0] }.map { $0! }
    }

    /// Describes `count` photos whose images `load(index)` gives; `nil` from `load` gives `nil`.
    ///
    /// `load` runs on the worker threads, so decoding is spread over the cores too, and each image is
    /// dropped as soon as its chip is cut: memory holds one photo per thread, not the whole batch.
    public func describe(count: Int, located report: (@Sendable () -> Void)? = nil, loading load: (Int) -> Image?)
        -> [PhotoDescription?]
    {
        var prepared = [Prepared?](repeating: nil, count: count)
        let parallel = recognizer.context.threads > 1 && count > 1
        let perPhoto = parallel ? ComputeContext(threads: 1) : recognizer.context
        prepared.withUnsafeMutableBufferPointer { results in
            recognizer.context.parallelFor(parallel ? count : 0) { index in
                results[index] = prepare(load(index), context: perPhoto)
                report?()
            }
            if !parallel {
                for index in 0..<count {
                    results[index] = prepare(load(index), context: perPhoto)
                    report?()
                }
            }
        }
        let chips = prepared.flatMap { $0?.chips ?? [] }
        var descriptors: [Descriptor]
        do {
            descriptors = try recognizer.embedder.descriptors(for: chips, context: recognizer.context)
        } catch {
            preconditionFailure("aligned chips were refused by the embedder: \(error)")
        }
        descriptors.reverse()
        return prepared.map { photo in
            guard let photo else { return nil }
            guard let face = photo.face else {
                return PhotoDescription(
                    source: .none, facesFound: 0, box: BoundingBox(x: 0, y: 0, width: 0, height: 0), descriptor: nil)
            }
            let descriptor = descriptors.popLast()
            let mirrored = mirrors ? descriptors.popLast() : nil
            return PhotoDescription(
                source: face.source, facesFound: face.facesFound, box: face.box,
                descriptor: descriptor, mirroredDescriptor: mirrored)
        }
    }

    /// A loaded photo's chosen face and its chips (the chip, then its mirror), or no face at all.
    private struct Prepared {
        let face: Located?
        let chips: [Image]
    }

    private func prepare(_ image: Image?, context: ComputeContext) -> Prepared? {
        guard let image else { return nil }
        guard let face = locate(in: image, context: context) else { return Prepared(face: nil, chips: []) }
        let chip = recognizer.aligner.chip(from: image, landmarks: face.landmarks)
        return Prepared(face: face, chips: mirrors ? [chip, Self.mirrored(chip)] : [chip])
    }

    /// The image mirrored left to right.
    public static func mirrored(_ image: Image) -> Image {
        var pixels = image.pixels
        let width = image.width
        pixels.withUnsafeMutableBufferPointer { buffer in
            for row in 0..<image.height {
                var left = row * width * 3
                var right = (row * width + width - 1) * 3
                while left < right {
                    for channel in 0..<3 { buffer.swapAt(left + channel, right + channel) }
                    left += 3
                    right -= 3
                }
            }
        }
        return Image(width: image.width, height: image.height, pixels: pixels)
    }

    /// The pixels of `region` (which must lie inside the image) as an image of their own.
    public static func crop(_ image: Image, _ region: (x: Int, y: Int, width: Int, height: Int)) -> Image {
        let rowBytes = region.width * 3
        var pixels = [UInt8](repeating: 0, count: region.height * rowBytes)
        image.pixels.withUnsafeBufferPointer { source in
            pixels.withUnsafeMutableBufferPointer { target in
                for row in 0..<region.height {
                    let from = ((region.y + row) * image.width + region.x) * 3
                    for i in 0..<rowBytes { target[row * rowBytes + i] = source[from + i] }
                }
            }
        }
        return Image(width: region.width, height: region.height, pixels: pixels)
    }

    private struct Located: Sendable {
        let source: PhotoDescription.Source
        let facesFound: Int
        let box: BoundingBox
        let landmarks: FaceLandmarks
    }

    private func locate(in image: Image, context: ComputeContext) -> Located? {
        let region = choice.detectionRegion(width: image.width, height: image.height)
        let scanned = region.width == image.width && region.height == image.height ? image : Self.crop(image, region)
        let found = recognizer.detector.detect(in: scanned, upsample: choice.upsample, context: context).map {
            detection in
            BoundingBox(
                x: detection.box.x + Double(region.x), y: detection.box.y + Double(region.y),
                width: detection.box.width, height: detection.box.height)
        }
        let box: BoundingBox
        let source: PhotoDescription.Source
        if let index = FaceChoice.nearestCentre(found, width: image.width, height: image.height) {
            box = found[index]
            source = .detected
        } else if choice.fallsBackToCentre, image.width > 0, image.height > 0 {
            box = FaceChoice.fallbackBox(width: image.width, height: image.height)
            source = .fallback
        } else {
            return nil
        }
        return Located(
            source: source, facesFound: found.count, box: box,
            landmarks: recognizer.landmarker.landmarks(in: image, box: box))
    }
}
