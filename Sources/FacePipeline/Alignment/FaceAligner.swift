import FaceCore
import FaceImage

/// Cuts the aligned face chip that the descriptor network expects out of a photo, from the face's 5 landmarks —
/// the chip dlib's `get_face_chip_details(shape, 150, 0.25)` and `extract_image_chips` give.
///
/// The landmarks are fitted, by a least-squares similarity transform, to dlib's mean face placed inside a
/// square with `padding` (a fraction of the mean face's size) added on each side; the square, turned and
/// scaled to the face, is sampled onto a `size` × `size` grid, bilinearly, after shrinking the photo with
/// dlib's image pyramid when the face is more than about twice the chip's size. `docs/face-chips.md` walks
/// through the geometry.
///
/// Landmark rounding: dlib keeps landmarks as whole pixels (its `full_object_detection` stores integer
/// points, each coordinate rounded as `⌊v + 0.5⌋`), so by default the aligner rounds them the same way,
/// with ``FaceLandmarks/roundedLikeDlib()``, before fitting; the chip then equals dlib's for the same
/// landmarks. Pass `roundsLandmarks: false` to fit the unrounded points instead (the chip moves by up to
/// half a pixel of the photo).
public struct FaceAligner: Sendable {
    /// dlib's mean face for the 5-point model, in the unit square: outer and inner corner of the subject's
    /// right eye, outer and inner corner of the left eye, bottom of the nose (the landmarker's order).
    public static let meanFace: [Point2D] = [
        Point2D(x: 0.8595674595992, y: 0.2134981538014),
        Point2D(x: 0.6460604764104, y: 0.2289674387677),
        Point2D(x: 0.1205750620789, y: 0.2137274526848),
        Point2D(x: 0.3340850613712, y: 0.2290642403242),
        Point2D(x: 0.4901123135679, y: 0.6277975316475),
    ]

    /// Side of the square chip in pixels.
    public let size: Int
    /// Margin added on each side of the mean face, as a fraction of the mean face's unit square.
    public let padding: Double
    /// Whether landmarks are rounded to whole pixels before fitting, as dlib stores them.
    public let roundsLandmarks: Bool

    /// Creates an aligner for `size` × `size` chips with `padding` around the mean face; the defaults
    /// are those of dlib's face recognition model (150, 0.25).
    public init(size: Int = FaceEmbedder.chipSize, padding: Double = 0.25, roundsLandmarks: Bool = true) {
        precondition(size > 0, "Chip size must be positive, got \(size)")
        precondition(padding >= 0 && padding.isFinite, "Chip padding must be finite and ≥ 0, got \(padding)")
        self.size = size
        self.padding = padding
        self.roundsLandmarks = roundsLandmarks
    }

    /// Where each mean-face point lies in the chip, in chip pixels: `(padding + p) / (1 + 2·padding) · size`.
    public var chipTemplate: [Point2D] {
        let side = Double(size)
        let spread = 2 * padding + 1
        return Self.meanFace.map { point in
            Point2D(x: (padding + point.x) / spread * side, y: (padding + point.y) / spread * side)
        }
    }

    /// The region of the image the chip covers, for 5 landmarks (dlib's `chip_details`).
    public func region(for landmarks: FaceLandmarks) -> FaceChipRegion {
        precondition(
            landmarks.points.count == Self.meanFace.count,
            "FaceAligner needs the 5-point model's landmarks, got \(landmarks.points.count) points")
        let fitted = roundsLandmarks ? landmarks.roundedLikeDlib() : landmarks
        let imagePoints = fitted.points.map { (x: $0.x, y: $0.y) }
        let fit = SimilarityFit(from: chipTemplate.map { (x: $0.x, y: $0.y) }, to: imagePoints)
        // The chip's centre goes where the fit sends it; the region's size is the chip's scaled by the fit,
        // and dlib spans it from the first to the last pixel centre, hence the − 1.
        let center = fit.apply(to: (Double(size) / 2, Double(size) / 2))
        let halfSpan = (Double(size) * fit.scale - 1) / 2
        return FaceChipRegion(
            left: center.x - halfSpan, top: center.y - halfSpan,
            right: center.x + halfSpan, bottom: center.y + halfSpan,
            angle: fit.angle, rows: size, columns: size)
    }

    /// The transform mapping chip pixel (x, y) to the image point it samples, for 5 landmarks.
    public func chipTransform(for landmarks: FaceLandmarks) -> AffineTransform2D {
        region(for: landmarks).chipToImage
    }

    /// The aligned chip, `size` × `size`, black where the region leaves the image.
    public func chip(from image: Image, landmarks: FaceLandmarks) -> Image {
        ChipExtraction.chips(from: image, regions: [region(for: landmarks)])[0]
    }

    /// The aligned chips of several faces of one image, extracted together as dlib's `extract_image_chips`
    /// does for a list of faces (one image pyramid for all of them, built over the area they share).
    ///
    /// When a face is large enough for the pyramid, its chip here can differ from
    /// ``chip(from:landmarks:)``'s if the shared pyramid starts on a pixel of other parity: on the test photos,
    /// by half a grey level on average and up to a few tens at sharp edges. dlib's Python binding, and so
    /// `face_recognition`, extracts each face on its own, as ``chip(from:landmarks:)`` does.
    public func chips(from image: Image, landmarks: [FaceLandmarks]) -> [Image] {
        ChipExtraction.chips(from: image, regions: landmarks.map(region(for:)))
    }
}
