/// A subject near a query descriptor, scored by its closest enrolled face.
public struct SubjectMatch: Hashable, Sendable {
    /// The subject's identifier.
    public let subjectID: Int64
    /// The subject's name.
    public let subjectName: String
    /// The subject's face closest to the query.
    public let closestFaceID: Int64
    /// Euclidean distance between the query and that face.
    public let euclideanDistance: Float

    /// Creates a match.
    public init(subjectID: Int64, subjectName: String, closestFaceID: Int64, euclideanDistance: Float) {
        self.subjectID = subjectID
        self.subjectName = subjectName
        self.closestFaceID = closestFaceID
        self.euclideanDistance = euclideanDistance
    }
}
