import CFaiss
import FaceCore

/// Approximate nearest-face search through inverted lists (faiss `IndexIVFFlat`, Euclidean).
///
/// k-means places ``Settings/lists`` centroids; each descriptor is stored, in Float32, in the list of its
/// nearest centroid. A search compares the query with every centroid, then scans the
/// ``Settings/probes`` nearest lists exactly. Results are usually, not certainly, the exact nearest
/// faces: a true neighbour is missed when it sits in a list not probed. Measure recall against
/// ``ExactSearchIndex`` when choosing the settings.
///
/// The first ``add(faceIDs:subjectIDs:descriptors:)`` trains the centroids on a sample of its faces,
/// with at most one list per ``minimumFacesPerList`` faces, so a small first batch gets fewer lists.
/// While the index has fewer lists than asked for, it is retrained from every live face whenever it
/// has grown fourfold since the last training (holding the lock exclusively meanwhile), which keeps the
/// cost of retraining proportional to the faces added. Removal leaves a tombstone (``TombstonedRows``)
/// and a rebuild, with retraining, follows once tombstones pass ``Settings/rebuildTombstoneFraction``.
///
/// Searches run concurrently under a read lock; changes take it exclusively. faiss's OpenMP threads
/// are capped at ``Settings/threads`` for training and adding, and at one per query for searches.
public final class IVFSearchIndex: FaceSearchIndex, @unchecked Sendable {
    /// How an ``IVFSearchIndex`` trains and searches its lists.
    public struct Settings: Sendable, Hashable {
        /// Inverted lists (faiss's `nlist`); about 4√N suits N faces. More lists make each scanned list
        /// shorter but the centroid comparison, training and adding longer.
        public var lists: Int
        /// Lists scanned per query (faiss's `nprobe`): higher recall, slower queries.
        public var probes: Int
        /// Faces sampled per list to train the centroids.
        public var trainingFacesPerList: Int
        /// k-means rounds when training.
        public var trainingIterations: Int
        /// Rebuild (and retrain) when removed faces exceed this fraction of the rows.
        public var rebuildTombstoneFraction: Double
        /// OpenMP threads for training, adding and batches of queries (default: every core).
        public var threads: Int

        /// Creates settings. The defaults suit about ten million faces: on ten million structured synthetic
        /// 128-D descriptors they reach recall@10 0.9965 at about 30 ms per query on one thread (256
        /// probes: 0.98 at 16 ms); uniform random descriptors need far more probes
        /// (Benchmarks/Results/search.md).
        public init(lists: Int = 16_384, probes: Int = 512, trainingFacesPerList: Int = 30, trainingIterations: Int = 10,
                    rebuildTombstoneFraction: Double = 0.2, threads: Int? = nil) {
            let threads = threads ?? RowChunks.availableCores
            precondition(lists >= 1 && probes >= 1 && trainingFacesPerList >= 1 && trainingIterations >= 1
                            && threads >= 1,
                         "invalid IVF settings: lists \(lists), probes \(probes), training faces per list "
                            + "\(trainingFacesPerList), iterations \(trainingIterations), threads \(threads)")
            precondition(rebuildTombstoneFraction > 0 && rebuildTombstoneFraction < 1,
                         "rebuildTombstoneFraction must lie in (0, 1), got \(rebuildTombstoneFraction)")
            self.lists = lists
            self.probes = probes
            self.trainingFacesPerList = trainingFacesPerList
            self.trainingIterations = trainingIterations
            self.rebuildTombstoneFraction = rebuildTombstoneFraction
            self.threads = threads
        }
    }

    /// Fewest faces per list when training: below this k-means places centroids poorly (faiss warns
    /// under 39).
    public static let minimumFacesPerList = 39

    public let dimension: Int
    private let lock = ReadWriteLock()
    private var storedSettings: Settings
    /// nil until the first faces arrive, and again once every face is removed.
    private var lists: OpaquePointer?
    private var trainedListCount = 0
    /// Rows held when the lists were last trained.
    private var rowsAtTraining = 0
    /// Ids of each row, and tombstones.
    private var rows = TombstonedRows()

    /// Creates an empty, untrained index for descriptors of `dimension` values.
    public init(dimension: Int = 128, settings: Settings = Settings()) {
        precondition(dimension > 0, "dimension must be positive, got \(dimension)")
        self.dimension = dimension
        storedSettings = settings
    }

    deinit { cfaiss_ivf_free(lists) }

    /// Current settings. Changing ``Settings/probes``, ``Settings/threads`` or
    /// ``Settings/rebuildTombstoneFraction`` takes effect on the next call; the others apply from the
    /// next training.
    public var settings: Settings {
        get { lock.withReadLock { storedSettings } }
        set {
            lock.withWriteLock {
                storedSettings = newValue
                if let lists { cfaiss_ivf_set_probe_count(lists, Int32(min(newValue.probes, trainedListCount))) }
            }
        }
    }

    public var count: Int { lock.withReadLock { rows.liveCount } }

    /// Rows in the lists, removed ones included.
    public var rowCount: Int { lock.withReadLock { rows.rowCount } }

    /// Lists the index was last trained with (0 before any training).
    public var listCount: Int { lock.withReadLock { trainedListCount } }

    public func add(faceIDs: [Int64], subjectIDs: [Int64], descriptors: [Float]) {
        precondition(faceIDs.count == subjectIDs.count && descriptors.count == faceIDs.count * dimension,
                     "\(faceIDs.count) face ids, \(subjectIDs.count) subject ids, \(descriptors.count) values "
                        + "for dimension \(dimension)")
        guard !faceIDs.isEmpty else { return }
        lock.withWriteLock {
            rows.append(faceIDs: faceIDs, subjectIDs: subjectIDs)
            descriptors.withUnsafeBufferPointer { descriptors in
                if lists == nil { train(on: descriptors.baseAddress!, count: faceIDs.count) }
                addToLists(descriptors.baseAddress!, count: faceIDs.count)
            }
            if trainedListCount < storedSettings.lists && rows.rowCount >= 4 * rowsAtTraining { rebuild() }
        }
    }

    public func remove(faceIDs: [Int64]) {
        lock.withWriteLock {
            rows.remove(faceIDs: faceIDs)
            if rows.tombstonesExceed(storedSettings.rebuildTombstoneFraction) { rebuild() }
        }
    }

    public func reassignSubject(from source: Int64, to target: Int64) {
        lock.withWriteLock { rows.reassignSubject(from: source, to: target) }
    }

    public func nearestFaces(to queries: [Float], count: Int) -> [[FaceMatch]] {
        precondition(queries.count % dimension == 0, "\(queries.count) query values for dimension \(dimension)")
        precondition(count >= 0, "count must not be negative, got \(count)")
        return lock.withReadLock {
            rows.nearestFaces(queryCount: queries.count / dimension, count: count) { queryIndices, fetch in
                searchLists(queries, queryIndices: queryIndices, fetch: fetch)
            }
        }
    }

    /// Every live face: ids and descriptors (`faceIDs.count × dimension` values), in row order.
    func allFaces() -> (faceIDs: [Int64], subjectIDs: [Int64], descriptors: [Float]) {
        lock.withReadLock { liveFaces() }
    }

    // MARK: - faiss access (callers hold the lock)

    /// Creates the faiss index and places its centroids using evenly spaced faces of `descriptors`.
    private func train(on descriptors: UnsafePointer<Float>, count: Int) {
        let listCount = max(1, min(storedSettings.lists, count / Self.minimumFacesPerList))
        guard let created = cfaiss_ivf_create(Int32(dimension), Int32(listCount)) else {
            fatalError("faiss could not create an IVF index: \(String(cString: cfaiss_last_error()))")
        }
        let sampleCount = min(count, listCount * storedSettings.trainingFacesPerList)
        var sample = [Float]()
        sample.reserveCapacity(sampleCount * dimension)
        for index in 0..<sampleCount {
            let row = index * count / sampleCount
            sample.append(contentsOf: UnsafeBufferPointer(start: descriptors + row * dimension, count: dimension))
        }
        cfaiss_set_thread_count(Int32(storedSettings.threads))
        guard cfaiss_ivf_train(created, Int64(sampleCount), sample, Int32(storedSettings.trainingIterations)) == 0 else {
            fatalError("faiss could not train \(listCount) lists: \(String(cString: cfaiss_last_error()))")
        }
        cfaiss_ivf_set_probe_count(created, Int32(min(storedSettings.probes, listCount)))
        lists = created
        trainedListCount = listCount
        rowsAtTraining = count
    }

    private func addToLists(_ descriptors: UnsafePointer<Float>, count: Int) {
        cfaiss_set_thread_count(Int32(storedSettings.threads))
        // faiss fails here only when memory runs out; there is no consistent state to return to.
        guard cfaiss_ivf_add(lists, Int64(count), descriptors) == 0 else {
            fatalError("faiss could not add \(count) vectors: \(String(cString: cfaiss_last_error()))")
        }
    }

    private func searchLists(_ queries: [Float], queryIndices: [Int], fetch: Int)
        -> (rows: [Int64], squaredDistances: [Float]) {
        var selected: [Float] = []
        selected.reserveCapacity(queryIndices.count * dimension)
        for query in queryIndices { selected.append(contentsOf: queries[query * dimension..<(query + 1) * dimension]) }
        var rows = [Int64](repeating: -1, count: queryIndices.count * fetch)
        var squaredDistances = [Float](repeating: .infinity, count: queryIndices.count * fetch)
        cfaiss_set_thread_count(Int32(min(storedSettings.threads, queryIndices.count)))
        let status = cfaiss_ivf_search(lists, Int64(queryIndices.count), selected, Int64(fetch),
                                       &squaredDistances, &rows)
        precondition(status == 0, "faiss search failed: \(String(cString: cfaiss_last_error()))")
        return (rows, squaredDistances)
    }

    private func liveFaces() -> (faceIDs: [Int64], subjectIDs: [Int64], descriptors: [Float]) {
        guard let lists, rows.rowCount > 0 else { return ([], [], []) }
        var vectors = [Float](repeating: 0, count: rows.rowCount * dimension)
        vectors.withUnsafeMutableBufferPointer { cfaiss_ivf_copy_vectors(lists, $0.baseAddress!) }
        return rows.liveFaces(vectors: vectors, dimension: dimension)
    }

    /// Retrains on the live faces and adds them again, dropping the tombstones.
    private func rebuild() {
        let live = liveFaces()
        cfaiss_ivf_free(lists)
        lists = nil
        trainedListCount = 0
        rowsAtTraining = 0
        rows = TombstonedRows(faceIDs: live.faceIDs, subjectIDs: live.subjectIDs)
        guard !live.faceIDs.isEmpty else { return }
        live.descriptors.withUnsafeBufferPointer { descriptors in
            train(on: descriptors.baseAddress!, count: live.faceIDs.count)
            addToLists(descriptors.baseAddress!, count: live.faceIDs.count)
        }
    }
}
