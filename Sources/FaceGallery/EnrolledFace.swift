import FaceCore
import Foundation

/// A face to enrol: its descriptor and where it came from.
public struct NewFace: Sendable {
    /// The descriptor, from the gallery's model.
    public var descriptor: Descriptor
    /// The model that computed the descriptor; must equal the gallery's.
    public var modelID: String
    /// SHA-256 of the photo's bytes, lower-case hex (ties the face to its source photo).
    public var photoSHA256: String
    /// The face's box in the photo.
    public var box: BoundingBox
    /// The landmarks found in the box (5 points for dlib's 5-point model).
    public var landmarks: FaceLandmarks
    /// The detector's confidence.
    public var confidence: Float

    /// Describes a face to enrol.
    public init(descriptor: Descriptor, modelID: String, photoSHA256: String, box: BoundingBox,
                landmarks: FaceLandmarks, confidence: Float) {
        self.descriptor = descriptor
        self.modelID = modelID
        self.photoSHA256 = photoSHA256
        self.box = box
        self.landmarks = landmarks
        self.confidence = confidence
    }
}

/// A face stored in the gallery.
public struct EnrolledFace: Sendable {
    /// The store's identifier; not reused after deletion.
    public let id: Int64
    /// The subject the face belongs to.
    public let subjectName: String
    /// The face as it was enrolled.
    public let face: NewFace
    /// When the face was enrolled.
    public let createdAt: Date

    /// Assembles a face read from a store.
    public init(id: Int64, subjectName: String, face: NewFace, createdAt: Date) {
        self.id = id
        self.subjectName = subjectName
        self.face = face
        self.createdAt = createdAt
    }
}

/// Faces to add to one subject, as part of a bulk enrolment.
public struct SubjectFaces: Sendable {
    /// The subject's name.
    public var subjectName: String
    /// Its new faces.
    public var faces: [NewFace]

    /// Groups faces under a subject name.
    public init(subjectName: String, faces: [NewFace]) {
        self.subjectName = subjectName
        self.faces = faces
    }
}
