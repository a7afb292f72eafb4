import FaceCore
import FaceImage

/// Finds five facial landmarks inside a detected face box with dlib's 5-point shape predictor
/// (`shape_predictor_5_face_landmarks.dat`, an ensemble of regression trees, Kazemi & Sullivan 2014).
///
/// The points come in the model's order. "Image-right" means larger x; in a frontal photo that is the
/// subject's left eye:
///
/// | index | point |
/// |---|---|
/// | 0 | outer corner of the image-right eye (the subject's left eye) |
/// | 1 | inner corner of the image-right eye |
/// | 2 | outer corner of the image-left eye (the subject's right eye) |
/// | 3 | inner corner of the image-left eye |
/// | 4 | base of the nose, between the nostrils |
///
/// Results are **not rounded**: they are the regression's positions in image pixel coordinates
/// (centre of the top-left pixel at (0, 0)). dlib itself returns them rounded to whole pixels (its
/// `full_object_detection` holds integer points, rounded half up); ``FaceLandmarks/roundedLikeDlib()``
/// gives exactly those values, which the chip aligner needs to reproduce dlib's chips.
///
/// The prediction reproduces dlib's `shape_predictor` arithmetic, so it reads the same pixels and
/// chooses the same leaves; the unrounded points agree with dlib's to float precision. Pixels are read
/// as grey `(r + g + b) / 3` (integer division), and pixels outside the image read as 0, so boxes that
/// leave the image are fine. Parsing the 9 MB file takes about 25 ms; prediction costs about 12,000 pixel
/// reads and 7,500 tree walks per face. The value is immutable and safe to share between threads.
public struct FaceLandmarker: Sendable {
    private let model: ShapePredictorModel

    /// Loads the 5-point model from `models`, verifying its published hash first.
    public init(models: ModelDirectory = .fromEnvironment()) throws(FacePipelineError) {
        let bytes = try models.verifiedContents(of: .landmarks5)
        try self.init(modelBytes: bytes, origin: models.path(of: .landmarks5))
    }

    /// Loads a shape predictor from the bytes of a dlib shape-predictor file (no hash check).
    ///
    /// Any dlib shape predictor loads (the 68-point one too); ``landmarks(in:box:)`` then returns
    /// ``partCount`` points. A damaged or truncated file throws ``FacePipelineError/Code/modelUnreadable``.
    public init(modelBytes: [UInt8], origin: String = "model") throws(FacePipelineError) {
        do {
            model = try ShapePredictorReader.read(modelBytes)
        } catch {
            throw FacePipelineError(.modelUnreadable, "\(origin): \(error.message)", underlying: error)
        }
    }

    /// Number of landmarks per face: 5 for the model FaceKit ships with.
    public var partCount: Int { model.partCount }

    /// Number of cascade stages in the model.
    public var cascadeCount: Int { model.cascades.count }

    /// Landmarks for the face in `box` (a detector box, dlib inclusive rectangle semantics via
    /// `BoundingBox(left:top:right:bottom:)`), unrounded.
    ///
    /// Box edges are rounded to whole pixels first, as dlib's integer rectangle holds them.
    public func landmarks(in image: Image, box: BoundingBox) -> FaceLandmarks {
        FaceLandmarks(model.shape(in: image, rect: ShapePredictorModel.FaceRectangle(box)))
    }
}
