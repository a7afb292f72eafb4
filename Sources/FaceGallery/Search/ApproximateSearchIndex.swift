import CFaiss
import FaceCore

/// Approximate nearest-face search through an HNSW graph (faiss `IndexHNSWFlat`, Euclidean).
///
/// The graph holds every descriptor in Float32 and links each to about `2 × neighborsPerNode`
/// neighbours on its lowest layer; a search walks the graph keeping the `searchBreadth` best rows
/// seen. Results are usually, not certainly, the exact nearest faces: measure recall against
/// ``ExactSearchIndex`` when choosing the breadths.
///
/// faiss cannot delete from an HNSW graph, so removal leaves a tombstone (``TombstonedRows``): searches
/// fetch more rows than asked for and drop removed ones, and once tombstones pass ``Settings/rebuildTombstoneFraction``
/// of the graph it is rebuilt from the live rows (holding the lock exclusively for a full build).
/// Face and subject ids live beside the graph, indexed by graph row, so ``reassignSubject(from:to:)``
/// never touches the graph.
///
/// Searches run concurrently under a read lock (faiss searches are read-only); changes take it
/// exclusively. faiss's OpenMP threads are capped at ``Settings/threads`` for builds and at one per query
/// for searches, so that concurrent searches do not oversubscribe the cores.
public final class ApproximateSearchIndex: FaceSearchIndex, @unchecked Sendable {
    /// How an ``ApproximateSearchIndex`` builds and searches its graph.
    public struct Settings: Sendable, Hashable {
        /// Links per node on the upper layers (HNSW's `M`; twice as many on the lowest layer). More
        /// links raise recall and memory (`8M` bytes per face on the lowest layer).
        public var neighborsPerNode: Int
        /// Candidates kept while inserting (HNSW's `efConstruction`): a better graph, a slower build.
        public var constructionBreadth: Int
        /// Candidates kept while searching (HNSW's `efSearch`; raised to the fetch size when smaller):
        /// higher recall, slower queries.
        public var searchBreadth: Int
        /// Rebuild the graph when removed faces exceed this fraction of its rows.
        public var rebuildTombstoneFraction: Double
        /// OpenMP threads for building and for batches of queries (default: every core).
        public var threads: Int

        /// Creates settings. With the defaults, a million structured synthetic 128-D descriptors reach
        /// recall@10 0.9985 at about 3.5 ms per query (searchBreadth 128: 0.985 at 1.9 ms); uniform random
        /// descriptors stay far below that at any useful breadth (Benchmarks/Results/search.md).
        public init(neighborsPerNode: Int = 32, constructionBreadth: Int = 80, searchBreadth: Int = 256,
                    rebuildTombstoneFraction: Double = 0.2, threads: Int? = nil) {
            let threads = threads ?? RowChunks.availableCores
            precondition(neighborsPerNode >= 2 && constructionBreadth >= 1 && searchBreadth >= 1 && threads >= 1,
                         "invalid HNSW settings: M \(neighborsPerNode), efConstruction \(constructionBreadth), "
                            + "efSearch \(searchBreadth), threads \(threads)")
            precondition(rebuildTombstoneFraction > 0 && rebuildTombstoneFraction < 1,
                         "rebuildTombstoneFraction must lie in (0, 1), got \(rebuildTombstoneFraction)")
            self.neighborsPerNode = neighborsPerNode
            self.constructionBreadth = constructionBreadth
            self.searchBreadth = searchBreadth
            self.rebuildTombstoneFraction = rebuildTombstoneFraction
            self.threads = threads
        }
    }

    public let dimension: Int
    private let lock = ReadWriteLock()
    private var storedSettings: Settings
    private var graph: OpaquePointer
    /// Ids of each graph row, and tombstones.
    private var rows = TombstonedRows()

    /// Creates an empty index for descriptors of `dimension` values.
    public init(dimension: Int = 128, settings: Settings = Settings()) {
        precondition(dimension > 0, "dimension must be positive, got \(dimension)")
        self.dimension = dimension
        storedSettings = settings
        graph = ApproximateSearchIndex.makeGraph(dimension: dimension, settings: settings)
    }

    deinit { cfaiss_hnsw_free(graph) }

    /// Current settings. Changing ``Settings/searchBreadth``, ``Settings/threads`` or
    /// ``Settings/rebuildTombstoneFraction`` takes effect on the next call; ``Settings/neighborsPerNode``
    /// and ``Settings/constructionBreadth`` shape the graph and apply from the next rebuild.
    public var settings: Settings {
        get { lock.withReadLock { storedSettings } }
        set {
            lock.withWriteLock {
                storedSettings = newValue
                cfaiss_hnsw_set_search_breadth(graph, Int32(newValue.searchBreadth))
            }
        }
    }

    public var count: Int { lock.withReadLock { rows.liveCount } }

    /// Rows in the graph, removed ones included.
    public var graphRowCount: Int { lock.withReadLock { rows.rowCount } }

    public func add(faceIDs: [Int64], subjectIDs: [Int64], descriptors: [Float]) {
        precondition(faceIDs.count == subjectIDs.count && descriptors.count == faceIDs.count * dimension,
                     "\(faceIDs.count) face ids, \(subjectIDs.count) subject ids, \(descriptors.count) values "
                        + "for dimension \(dimension)")
        guard !faceIDs.isEmpty else { return }
        lock.withWriteLock {
            rows.append(faceIDs: faceIDs, subjectIDs: subjectIDs)
            descriptors.withUnsafeBufferPointer { addToGraph($0.baseAddress!, count: faceIDs.count) }
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
                searchGraph(queries, queryIndices: queryIndices, fetch: fetch)
            }
        }
    }

    /// Every live face: ids and descriptors (`faceIDs.count × dimension` values), in graph order.
    func allFaces() -> (faceIDs: [Int64], subjectIDs: [Int64], descriptors: [Float]) {
        lock.withReadLock { liveFaces() }
    }

    // MARK: - Graph access (callers hold the lock)

    private static func makeGraph(dimension: Int, settings: Settings) -> OpaquePointer {
        guard let graph = cfaiss_hnsw_create(Int32(dimension), Int32(settings.neighborsPerNode),
                                             Int32(settings.constructionBreadth)) else {
            fatalError("faiss could not create an HNSW index: \(String(cString: cfaiss_last_error()))")
        }
        cfaiss_hnsw_set_search_breadth(graph, Int32(settings.searchBreadth))
        return graph
    }

    private func addToGraph(_ descriptors: UnsafePointer<Float>, count: Int) {
        cfaiss_set_thread_count(Int32(storedSettings.threads))
        // faiss fails here only when memory runs out; there is no consistent state to return to.
        guard cfaiss_hnsw_add(graph, Int64(count), descriptors) == 0 else {
            fatalError("faiss could not add \(count) vectors: \(String(cString: cfaiss_last_error()))")
        }
    }

    private func searchGraph(_ queries: [Float], queryIndices: [Int], fetch: Int)
        -> (rows: [Int64], squaredDistances: [Float]) {
        var selected: [Float] = []
        selected.reserveCapacity(queryIndices.count * dimension)
        for query in queryIndices { selected.append(contentsOf: queries[query * dimension..<(query + 1) * dimension]) }
        var rows = [Int64](repeating: -1, count: queryIndices.count * fetch)
        var squaredDistances = [Float](repeating: .infinity, count: queryIndices.count * fetch)
        cfaiss_set_thread_count(Int32(min(storedSettings.threads, queryIndices.count)))
        let status = cfaiss_hnsw_search(graph, Int64(queryIndices.count), selected, Int64(fetch),
                                        &squaredDistances, &rows)
        precondition(status == 0, "faiss search failed: \(String(cString: cfaiss_last_error()))")
        return (rows, squaredDistances)
    }

    private func liveFaces() -> (faceIDs: [Int64], subjectIDs: [Int64], descriptors: [Float]) {
        guard let vectors = cfaiss_hnsw_vectors(graph) else { return ([], [], []) }
        return rows.liveFaces(vectors: vectors, dimension: dimension)
    }

    /// Builds a fresh graph from the live rows, dropping the tombstones.
    private func rebuild() {
        let live = liveFaces()
        cfaiss_hnsw_free(graph)
        graph = ApproximateSearchIndex.makeGraph(dimension: dimension, settings: storedSettings)
        rows = TombstonedRows(faceIDs: live.faceIDs, subjectIDs: live.subjectIDs)
        if !live.faceIDs.isEmpty {
            live.descriptors.withUnsafeBufferPointer { addToGraph($0.baseAddress!, count: live.faceIDs.count) }
        }
    }
}
