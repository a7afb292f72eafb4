import FaceCore

/// An in-memory set of descriptors that answers nearest-face queries.
///
/// Rows are addressed by face id; each row also carries its subject id so results can be grouped by
/// subject without a trip to storage. Implementations are safe to use from several threads: searches
/// run concurrently, changes wait for searches in flight.
public protocol FaceSearchIndex: AnyObject, Sendable {
    /// Descriptor dimension.
    var dimension: Int { get }
    /// Number of faces held.
    var count: Int { get }
    /// Adds faces; `descriptors` holds `faceIDs.count × dimension` floats, row after row.
    /// Precondition: ids are not already present and the lengths agree.
    func add(faceIDs: [Int64], subjectIDs: [Int64], descriptors: [Float])
    /// Removes faces; unknown ids are ignored.
    func remove(faceIDs: [Int64])
    /// Moves every face of one subject to another (a merge).
    func reassignSubject(from source: Int64, to target: Int64)
    /// For each query (`dimension` floats each, row after row), the `count` nearest faces by Euclidean
    /// distance, nearest first.
    func nearestFaces(to queries: [Float], count: Int) -> [[FaceMatch]]
}
