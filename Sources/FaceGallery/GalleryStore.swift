import FaceCore

/// Where a gallery's subjects and faces live: the contract every storage engine fulfils.
///
/// Implementations (SQLite in `FaceGallerySQLite`, PostgreSQL in `FaceGalleryPostgres`) pass one shared
/// conformance suite. All methods are safe to call from several threads at once. Each write is one
/// transaction: it happens completely or not at all, and once a method returns, the change is durable.
/// Subjects are addressed by their unique name; names compare exactly (case-sensitive).
public protocol GalleryStore: AnyObject, Sendable {
    /// The model the gallery is bound to; descriptors of any other model are refused.
    var model: GalleryModel { get }
    /// Where the gallery lives, for people (`sqlite:/path/gallery.sqlite`, `postgres://host:port/db`);
    /// never contains a password.
    var location: String { get }

    /// Creates a subject; throws `.subjectExists` if the name is taken, `.invalidName` or
    /// `.invalidArgument` (metadata not a JSON object) for bad input.
    func createSubject(named name: String, metadataJSON: String?) throws(GalleryError) -> Subject
    /// The subject with this name; throws `.subjectNotFound`.
    func subject(named name: String) throws(GalleryError) -> Subject
    /// Subjects ordered by name, `limit` of them starting after the first `offset`.
    func subjects(offset: Int, limit: Int) throws(GalleryError) -> [Subject]
    /// Number of subjects.
    func subjectCount() throws(GalleryError) -> Int
    /// Number of faces over all subjects.
    func faceCount() throws(GalleryError) -> Int

    /// Renames a subject and/or replaces its metadata (nil leaves a field as it is); throws
    /// `.subjectNotFound`, or `.subjectExists` when the new name is taken by another subject.
    func updateSubject(named name: String, newName: String?, metadataJSON: String?) throws(GalleryError) -> Subject
    /// Moves every face of `source` to `target` and deletes `source`; returns the merged target.
    /// Throws `.subjectNotFound` for either name and `.invalidArgument` when they are the same.
    func mergeSubject(named source: String, into target: String) throws(GalleryError) -> Subject
    /// Deletes a subject and all its faces; returns how many faces went with it.
    @discardableResult
    func deleteSubject(named name: String) throws(GalleryError) -> Int

    /// Adds faces to a subject in one transaction, creating the subject first when `createSubject`
    /// is true and it does not exist. Throws `.modelMismatch` if any face's model or dimension
    /// differs from the gallery's (and then adds none).
    func addFaces(_ faces: [NewFace], toSubjectNamed name: String, createSubject: Bool) throws(GalleryError) -> [EnrolledFace]
    /// Adds faces to several subjects in one transaction (bulk enrolment and import), with the same
    /// rules as ``addFaces(_:toSubjectNamed:createSubject:)``; returns each group's faces in order.
    func addFaces(_ groups: [SubjectFaces], createSubjects: Bool) throws(GalleryError) -> [[EnrolledFace]]
    /// The faces of a subject, oldest first.
    func faces(ofSubjectNamed name: String) throws(GalleryError) -> [EnrolledFace]
    /// One face; throws `.faceNotFound`.
    func face(id: Int64) throws(GalleryError) -> EnrolledFace
    /// Deletes one face; throws `.faceNotFound`. A subject left with no faces stays.
    func deleteFace(id: Int64) throws(GalleryError)

    /// For each query, up to `count` distinct subjects ordered by their closest face's Euclidean
    /// distance (nearest first). Exact stores return the true nearest subjects; approximate ones
    /// (an HNSW index) may miss a few, as their documentation states.
    func nearestSubjects(to queries: [Descriptor], count: Int) throws(GalleryError) -> [[SubjectMatch]]

    /// Checks the stored data for damage (the engine's own check plus FaceKit's invariants);
    /// throws `.corrupt` with what is wrong.
    func verifyIntegrity() throws(GalleryError)
    /// Finishes pending work and releases the storage; later calls throw `.unavailable`.
    func close()
}
