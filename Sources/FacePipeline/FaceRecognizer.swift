import FaceCore
import FaceImage
import FaceTensor

/// A face found in a photo: where it is, how sure the detector is, its landmarks and its descriptor.
public struct DetectedFace: Sendable {
    /// The face's box in image pixels.
    public let box: BoundingBox
    /// The detector's score (above 0 is a face; faces usually score 0.9–1.2).
    public let confidence: Float
    /// The 5 landmarks (eye corners and nose), in image pixels.
    public let landmarks: FaceLandmarks
    /// The 128-D descriptor; `nil` when only detection was asked for.
    public let descriptor: Descriptor?
}

/// The whole pipeline: detect faces, find their landmarks, align 150×150 chips and describe them.
///
/// Loads the three models once (each checked against its published hash); every method is
/// thread-safe. Work inside one call is spread over `threads` cores.
public struct FaceRecognizer: Sendable {
    /// Detection settings.
    public struct DetectionOptions: Sendable {
        /// How many times to double the photo before detecting (for faces under about 80 px).
        public var upsample: Int
        /// The lowest detector score kept.
        public var minConfidence: Float

        /// Creates detection settings.
        public init(upsample: Int = 0, minConfidence: Float = 0) {
            self.upsample = upsample
            self.minConfidence = minConfidence
        }
    }

    /// The detector.
    public let detector: FaceDetector
    /// The landmark regressor.
    public let landmarker: FaceLandmarker
    /// The chip aligner.
    public let aligner: FaceAligner
    /// The descriptor network.
    public let embedder: FaceEmbedder
    /// Threads for each call.
    public let context: ComputeContext

    /// Loads every model from `models`.
    public init(models: ModelDirectory = .fromEnvironment(), threads: Int = ComputeContext.availableCores)
        throws(FacePipelineError)
    {
        detector = try FaceDetector(models: models)
        landmarker = try FaceLandmarker(models: models)
        embedder = try FaceEmbedder(models: models)
        aligner = FaceAligner()
        context = ComputeContext(threads: threads)
    }

    /// Every face in `image`, largest first, with descriptors.
    public func faces(in image: Image, options: DetectionOptions = DetectionOptions()) -> [DetectedFace] {
        faces(inEach: [image], options: options)[0]
    }

    /// Every face in `image`, largest first, without descriptors (detection and landmarks only).
    public func detectFaces(in image: Image, options: DetectionOptions = DetectionOptions()) -> [DetectedFace] {
        locate(in: image, options: options).map {
            DetectedFace(box: $0.box, confidence: $0.confidence, landmarks: $0.landmarks, descriptor: nil)
        }
    }

    /// The faces of many photos; all chips are described together in batches, which keeps every core busy.
    public func faces(inEach images: [Image], options: DetectionOptions = DetectionOptions()) -> [[DetectedFace]] {
        let located = images.map { locate(in: $0, options: options) }
        var chips: [Image] = []
        for (image, faces) in zip(images, located) {
            for face in faces { chips.append(aligner.chip(from: image, landmarks: face.landmarks)) }
        }
        var descriptors: [Descriptor]
        do {
            descriptors = try embedder.descriptors(for: chips, context: context)
        } catch {
            // The aligner makes every chip at the embedder's size; anything else is a wiring mistake.
            preconditionFailure("aligned chips were refused by the embedder: \(error)")
        }
        descriptors.reverse()
        return located.map { faces in
            faces.map { face in
                DetectedFace(box: face.box, confidence: face.confidence, landmarks: face.landmarks,
                             descriptor: descriptors.popLast())
            }
        }
    }

    private func locate(in image: Image, options: DetectionOptions)
        -> [(box: BoundingBox, confidence: Float, landmarks: FaceLandmarks)]
    {
        detector.detect(in: image, upsample: options.upsample, minConfidence: options.minConfidence, context: context)
            .sorted { $0.box.area > $1.box.area }
            .map { ($0.box, $0.confidence, landmarker.landmarks(in: image, box: $0.box)) }
    }
}
