/// One gallery face near a query descriptor.
public struct FaceMatch: Hashable, Sendable {
    /// The matching face.
    public let faceID: Int64
    /// The subject the face belongs to.
    public let subjectID: Int64
    /// Euclidean distance between the query and the face's descriptor.
    public let euclideanDistance: Float

    /// Creates a match.
    public init(faceID: Int64, subjectID: Int64, euclideanDistance: Float) {
        self.faceID = faceID
        self.subjectID = subjectID
        self.euclideanDistance = euclideanDistance
    }
}
