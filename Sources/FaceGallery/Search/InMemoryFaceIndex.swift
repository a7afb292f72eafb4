import FaceCore

/// The in-memory search of a gallery: exact up to a size, approximate beyond it.
///
/// Below ``approximateAbove`` faces it is an ``ExactSearchIndex``: results are exact, a query over a
/// million 128-D faces takes about 6 ms (p50) on two idle cores (Benchmarks/Results/search.md),
/// and there is no build step and removal is cheap. Exact search grows linearly with the gallery — about
/// 50 ms per query at ten million faces — so past that size it becomes the approximate index chosen by
/// ``approximateMethod``: by default ``IVFSearchIndex`` (inverted lists of Int8 codes with an exact
/// re-rank), which at ten million faces answers in under 2 ms at recall@10 above 0.99 and is built
/// from a million faces in about 20 seconds; or ``ApproximateSearchIndex`` (an HNSW graph through
/// faiss), whose build costs about 25 CPU-minutes per million faces. The default limit of 1,000,000
/// keeps exact queries at about half the 10 ms target, leaving room for concurrent queries and slower
/// machines. The switch happens inside the ``add(faceIDs:subjectIDs:descriptors:)`` call that crosses
/// the limit, which builds the approximate index from every face held (searches wait meanwhile); it
/// switches back to exact search when removals bring the gallery below half the limit, so a gallery
/// hovering at the limit does not rebuild over and over.
public final class InMemoryFaceIndex: FaceSearchIndex, @unchecked Sendable {
    public let dimension: Int
    /// Above this many faces, search is approximate.
    public let approximateAbove: Int
    /// Settings of the exact index used below ``approximateAbove``.
    public let exactSettings: ExactSearchIndex.Settings
    /// The approximate index used above ``approximateAbove``.
    public let approximateMethod: ApproximateMethod
    /// Guards which index is current; the indexes guard their own rows.
    private let lock = ReadWriteLock()
    private var current: any FaceSearchIndex

    /// Creates an empty index for descriptors of `dimension` values.
    public init(dimension: Int = 128, approximateAbove: Int = 1_000_000,
                exactSettings: ExactSearchIndex.Settings = .init(),
                approximateMethod: ApproximateMethod = .ivf(.init())) {
        precondition(approximateAbove >= 1, "approximateAbove must be at least 1, got \(approximateAbove)")
        self.dimension = dimension
        self.approximateAbove = approximateAbove
        self.exactSettings = exactSettings
        self.approximateMethod = approximateMethod
        current = ExactSearchIndex(dimension: dimension, settings: exactSettings)
    }

    /// Which approximate index serves a gallery above ``InMemoryFaceIndex/approximateAbove``.
    public enum ApproximateMethod: Sendable, Hashable {
        /// Inverted lists (``IVFSearchIndex``).
        case ivf(IVFSearchIndex.Settings)
        /// An HNSW graph (``ApproximateSearchIndex``).
        case hnsw(ApproximateSearchIndex.Settings)
    }

    /// Whether searches are currently approximate.
    public var isApproximate: Bool { lock.withReadLock { !(current is ExactSearchIndex) } }

    public var count: Int { lock.withReadLock { current.count } }

    public func add(faceIDs: [Int64], subjectIDs: [Int64], descriptors: [Float]) {
        lock.withWriteLock {
            current.add(faceIDs: faceIDs, subjectIDs: subjectIDs, descriptors: descriptors)
            if let exact = current as? ExactSearchIndex, exact.count > approximateAbove {
                let faces = exact.allFaces()
                let approximate: any ListableFaceIndex = switch approximateMethod {
                case .hnsw(let settings): ApproximateSearchIndex(dimension: dimension, settings: settings)
                case .ivf(let settings): IVFSearchIndex(dimension: dimension, settings: settings)
                }
                approximate.add(faceIDs: faces.faceIDs, subjectIDs: faces.subjectIDs, descriptors: faces.descriptors)
                current = approximate
            }
        }
    }

    public func remove(faceIDs: [Int64]) {
        lock.withWriteLock {
            current.remove(faceIDs: faceIDs)
            if !(current is ExactSearchIndex), let approximate = current as? any ListableFaceIndex,
               approximate.count < approximateAbove / 2 {
                let faces = approximate.allFaces()
                let exact = ExactSearchIndex(dimension: dimension, settings: exactSettings)
                exact.add(faceIDs: faces.faceIDs, subjectIDs: faces.subjectIDs, descriptors: faces.descriptors)
                current = exact
            }
        }
    }

    public func reassignSubject(from source: Int64, to target: Int64) {
        lock.withReadLock { current.reassignSubject(from: source, to: target) }
    }

    public func nearestFaces(to queries: [Float], count: Int) -> [[FaceMatch]] {
        lock.withReadLock { current.nearestFaces(to: queries, count: count) }
    }
}

/// A search index that can hand back every face it holds, so another kind of index can take over.
protocol ListableFaceIndex: FaceSearchIndex {
    /// Every live face: ids and descriptors (`faceIDs.count × dimension` values).
    func allFaces() -> (faceIDs: [Int64], subjectIDs: [Int64], descriptors: [Float])
}

extension ExactSearchIndex: ListableFaceIndex {}
extension ApproximateSearchIndex: ListableFaceIndex {}
extension IVFSearchIndex: ListableFaceIndex {}
