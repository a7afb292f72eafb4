import FaceCore

/// Approximate nearest-face search over inverted lists of Int8 codes, re-ranked exactly.
///
/// k-means places the list centres; each face is stored in the list of its nearest centre, in Float32
/// and as the Int8 codes and row terms that ``ExactSearchIndex`` scans (packed row by row, see
/// ``InvertedList``). A query ranks every centre (by their Int8 codes), then the ``Settings/probes``
/// nearest lists are scanned over their codes on every core, nearest lists first so that the pruning
/// threshold falls early, and every face whose distance interval may reach the top `k` is re-ranked in
/// Float32. Within the scanned lists the answer is therefore exactly the one ``ExactSearchIndex`` gives;
/// a true neighbour is missed only when it sits in a list not scanned. Measure recall against
/// ``ExactSearchIndex`` when choosing the settings.
///
/// The first ``add(faceIDs:subjectIDs:descriptors:)`` trains the centres on a sample of its faces. An
/// index of `N` faces gets about `4√N` lists (rounded to a power of two: 4,096 at a million faces, 16,384
/// at ten million), at most ``Settings/maximumLists`` and at most one per ``minimumFacesPerList`` faces.
/// When the index has grown fourfold since the last training and that rule now asks for more lists, it is
/// retrained from every face (holding the lock exclusively meanwhile), which keeps the cost of
/// retraining proportional to the faces added and the lists' length near `√N / 4`. Removal takes a face
/// out of its list at once.
///
/// Searches run concurrently under a read lock; changes take it exclusively.
///
/// Memory per face: `4d` bytes of Float32 for the re-rank, `d` bytes of codes (rounded up to 16) and 16 of
/// row terms for the scan, 16 of ids and about 40 in the table of where each face is — about 720 bytes
/// at 128-D, plus the unused capacity of lists that grew one face at a time.
public final class IVFSearchIndex: FaceSearchIndex, @unchecked Sendable {
    /// How an ``IVFSearchIndex`` trains and searches its lists.
    public struct Settings: Sendable, Hashable {
        /// The most lists the index trains. More lists make each scanned list shorter but the
        /// comparison with every centre, training and adding longer.
        public var maximumLists: Int
        /// Lists scanned per query: higher recall, slower queries.
        public var probes: Int
        /// Faces sampled per list to train the centres.
        public var trainingFacesPerList: Int
        /// k-means rounds when training.
        public var trainingIterations: Int

        /// Creates settings. The defaults suit about ten million faces (Benchmarks/Results/search.md).
        public init(maximumLists: Int = 16_384, probes: Int = 416, trainingFacesPerList: Int = 30,
                    trainingIterations: Int = 10) {
            precondition(maximumLists >= 1 && probes >= 1 && trainingFacesPerList >= 1 && trainingIterations >= 1,
                         "invalid IVF settings: lists \(maximumLists), probes \(probes), training faces per list "
                            + "\(trainingFacesPerList), iterations \(trainingIterations)")
            self.maximumLists = maximumLists
            self.probes = probes
            self.trainingFacesPerList = trainingFacesPerList
            self.trainingIterations = trainingIterations
        }
    }

    /// Fewest faces per list when training: below this k-means places centres poorly.
    public static let minimumFacesPerList = 39

    /// Below this many faces in the scanned lists, one core scans them all: handing work to the other
    /// would cost more than it saves.
    private static let parallelScanMinimum = 16_384

    public let dimension: Int
    private let lock = ReadWriteLock()
    private var storedSettings: Settings
    /// nil until the first faces arrive, and again once every face is removed.
    private var centroids: ListCentroids?
    private var lists: [InvertedList] = []
    private var locationOfFace: [Int64: FaceLocation] = [:]
    /// Faces held when the centres were last trained.
    private var facesAtTraining = 0

    /// Creates an empty, untrained index for descriptors of `dimension` values.
    public init(dimension: Int = 128, settings: Settings = Settings()) {
        precondition(dimension > 0, "dimension must be positive, got \(dimension)")
        self.dimension = dimension
        storedSettings = settings
    }

    /// Current settings. ``Settings/probes`` takes effect on the next search; the others from the next
    /// training.
    public var settings: Settings {
        get { lock.withReadLock { storedSettings } }
        set { lock.withWriteLock { storedSettings = newValue } }
    }

    /// Where a face is held.
    private struct FaceLocation {
        var list: Int32
        var row: Int32
    }

    public var count: Int { lock.withReadLock { locationOfFace.count } }

    /// Lists the index was last trained with (0 before any training).
    public var listCount: Int { lock.withReadLock { centroids?.count ?? 0 } }

    public func add(faceIDs: [Int64], subjectIDs: [Int64], descriptors: [Float]) {
        precondition(faceIDs.count == subjectIDs.count && descriptors.count == faceIDs.count * dimension,
                     "\(faceIDs.count) face ids, \(subjectIDs.count) subject ids, \(descriptors.count) values "
                        + "for dimension \(dimension)")
        guard !faceIDs.isEmpty else { return }
        lock.withWriteLock {
            descriptors.withUnsafeBufferPointer { descriptors in
                if centroids == nil { train(on: descriptors.baseAddress!, count: faceIDs.count) }
                insert(faceIDs: faceIDs, subjectIDs: subjectIDs, descriptors: descriptors.baseAddress!)
            }
            if faceIDs.count >= Self.hugePageBatch { collapseListsIntoHugePages() }
            if let centroids, locationOfFace.count >= 4 * facesAtTraining,
               listCount(for: locationOfFace.count) > centroids.count {
                retrain()
            }
        }
    }

    public func remove(faceIDs: [Int64]) {
        lock.withWriteLock {
            for faceID in faceIDs {
                guard let location = locationOfFace.removeValue(forKey: faceID) else { continue }
                if let moved = lists[Int(location.list)].remove(row: Int(location.row)) {
                    locationOfFace[moved] = location
                }
            }
            if locationOfFace.isEmpty {
                centroids = nil
                lists = []
                facesAtTraining = 0
            }
        }
    }

    public func reassignSubject(from source: Int64, to target: Int64) {
        lock.withWriteLock {
            for list in lists { list.reassignSubject(from: source, to: target) }
        }
    }

    public func nearestFaces(to queries: [Float], count: Int) -> [[FaceMatch]] {
        precondition(queries.count % dimension == 0, "\(queries.count) query values for dimension \(dimension)")
        precondition(count >= 0, "count must not be negative, got \(count)")
        let queryCount = queries.count / dimension
        return lock.withReadLock {
            guard let centroids, count > 0 else { return Array(repeating: [], count: queryCount) }
            return queries.withUnsafeBufferPointer { queries in
                (0..<queryCount).map { searchOne(queries.baseAddress! + $0 * dimension, count: count, centroids) }
            }
        }
    }

    /// Every face: ids and descriptors (`faceIDs.count × dimension` values), list after list.
    func allFaces() -> (faceIDs: [Int64], subjectIDs: [Int64], descriptors: [Float]) {
        lock.withReadLock { heldFaces() }
    }

    // MARK: - Lists (callers hold the lock)

    /// Lists for `count` faces: about `4√count`, rounded to a power of two, within the limits.
    private func listCount(for count: Int) -> Int {
        let root = 4 * Double(count).squareRoot()
        // The power of two nearest in ratio: the largest one not above the root, or the next.
        var byRoot = 1 << Int(root.exponent)
        if root > Double(byRoot) * 2.0.squareRoot() { byRoot *= 2 }
        return max(1, min(storedSettings.maximumLists, count / Self.minimumFacesPerList, byRoot))
    }

    /// Places the centres using evenly spaced faces of `descriptors`, and empties the lists.
    private func train(on descriptors: UnsafePointer<Float>, count: Int) {
        let listCount = listCount(for: count)
        let sampleCount = min(count, listCount * storedSettings.trainingFacesPerList)
        var sample = [Float]()
        sample.reserveCapacity(sampleCount * dimension)
        for index in 0..<sampleCount {
            let row = index * count / sampleCount
            sample.append(contentsOf: UnsafeBufferPointer(start: descriptors + row * dimension, count: dimension))
        }
        centroids = sample.withUnsafeBufferPointer { sample in
            ListCentroids.train(samples: sample.baseAddress!, sampleCount: sampleCount, listCount: listCount,
                                iterations: storedSettings.trainingIterations, dimension: dimension)
        }
        lists = (0..<listCount).map { _ in InvertedList(dimension: dimension) }
        locationOfFace = [:]
        facesAtTraining = count
    }

    private func insert(faceIDs: [Int64], subjectIDs: [Int64], descriptors: UnsafePointer<Float>) {
        guard let centroids else { preconditionFailure("insert before training") }
        let nearest = centroids.nearest(descriptors, count: faceIDs.count)
        locationOfFace.reserveCapacity(locationOfFace.count + faceIDs.count)
        for index in faceIDs.indices {
            let list = nearest[index]
            let row = lists[Int(list)].count
            precondition(locationOfFace.updateValue(FaceLocation(list: list, row: Int32(row)), forKey: faceIDs[index]) == nil,
                         "face \(faceIDs[index]) is already in the index")
            lists[Int(list)].append(faceID: faceIDs[index], subjectID: subjectIDs[index],
                                    descriptor: UnsafeBufferPointer(start: descriptors + index * dimension, count: dimension))
        }
    }

    /// Trains again on every face held and refills the lists.
    private func retrain() {
        let held = heldFaces()
        held.descriptors.withUnsafeBufferPointer { descriptors in
            train(on: descriptors.baseAddress!, count: held.faceIDs.count)
            insert(faceIDs: held.faceIDs, subjectIDs: held.subjectIDs, descriptors: descriptors.baseAddress!)
        }
        collapseListsIntoHugePages()
    }

    /// From this many faces in one add, the lists' packed rows are moved into huge pages afterwards
    /// (about 8% faster queries at 2.5 million faces; a few seconds per million faces). Smaller adds
    /// leave their few new rows on ordinary pages until the next large one.
    private static let hugePageBatch = 65_536

    private func collapseListsIntoHugePages() {
        HugePages.collapse(lists.compactMap { list in
            list.packed.map { (start: UnsafeRawPointer($0), bytes: list.count * list.packedStride) }
        })
    }

    private func heldFaces() -> (faceIDs: [Int64], subjectIDs: [Int64], descriptors: [Float]) {
        var faceIDs: [Int64] = [], subjectIDs: [Int64] = [], descriptors: [Float] = []
        faceIDs.reserveCapacity(locationOfFace.count)
        subjectIDs.reserveCapacity(locationOfFace.count)
        descriptors.reserveCapacity(locationOfFace.count * dimension)
        for list in lists {
            faceIDs.append(contentsOf: list.faceIDs)
            subjectIDs.append(contentsOf: list.subjectIDs)
            descriptors.append(contentsOf: list.values)
        }
        return (faceIDs, subjectIDs, descriptors)
    }

    // MARK: - Search (callers hold the lock shared)

    /// Candidates carry their list in the high half of the row number, the row in the low half.
    private static let listShift = 32

    private func searchOne(_ query: UnsafePointer<Float>, count: Int, _ centroids: ListCentroids) -> [FaceMatch] {
        let queryCodes = ExactSearchIndex.QueryCodes(query, dimension: dimension)
        var probed = centroids.ranked(for: queryCodes, probes: storedSettings.probes)
        var held = probed.reduce(0) { $0 + lists[Int($1)].count }
        if held < min(count, locationOfFace.count) {
            // Too few faces in the nearest lists (a tiny or lopsided index): scan further out.
            probed = centroids.ranked(for: queryCodes, probes: centroids.count)
            held = locationOfFace.count
        }
        let k = min(count, held)
        guard k > 0 else { return [] }
        let queryTerms = ExactSearchIndex.QueryTerms(query, dimension: dimension)
        let margin = ExactSearchIndex.roundingMargin(dimension: dimension)
        let workers = held < Self.parallelScanMinimum ? 1 : min(probed.count, RowChunks.availableCores)
        var collectors = Array(repeating: CandidateCollector(k: k), count: workers)
        collectors.withUnsafeMutableBufferPointer { collectors in
            RowChunks(rowCount: workers, minimumRowsPerChunk: 1, cores: workers).forEach { worker in
                var collector = CandidateCollector(k: k)
                // Interleaved, so every worker starts with near lists and gets a similar share.
                for position in stride(from: worker, to: probed.count, by: workers) {
                    let list = Int(probed[position])
                    let rows = lists[list]
                    guard let packed = rows.packed else { continue }
                    ExactSearchIndex.scanCodes(queryCodes, queryTerms, codes: packed, codeStride: rows.packedStride,
                                               rowTerms: packed + rows.codeBytes, termStride: rows.packedStride,
                                               rows: 0..<rows.count, dimension: dimension, margin: margin,
                                               candidateTag: list << Self.listShift, into: &collector)
                }
                collectors[worker] = collector
            }
        }
        return rerank(query, collectors, k: k)
    }

    /// The exact nearest `k` among the candidates that may belong to them.
    private func rerank(_ query: UnsafePointer<Float>, _ collectors: [CandidateCollector], k: Int) -> [FaceMatch] {
        let threshold = CandidateCollector.combinedThreshold(collectors, k: k)
        let rowMask = (1 << Self.listShift) - 1
        var scored: [(squaredDistance: Float, faceID: Int64, subjectID: Int64)] = []
        for collector in collectors {
            for candidate in collector.candidates where candidate.lowerBound <= threshold {
                let rows = lists[candidate.row >> Self.listShift], row = candidate.row & rowMask
                let distance = rows.values.withUnsafeBufferPointer { values in
                    ExactSearchIndex.squaredDistance(query, values.baseAddress! + row * dimension, dimension: dimension)
                }
                scored.append((distance, rows.faceIDs[row], rows.subjectIDs[row]))
            }
        }
        precondition(scored.count >= k, "re-rank kept \(scored.count) rows for k = \(k)")
        scored.sort { ($0.squaredDistance, $0.faceID) < ($1.squaredDistance, $1.faceID) }
        return scored.prefix(k).map {
            FaceMatch(faceID: $0.faceID, subjectID: $0.subjectID, euclideanDistance: $0.squaredDistance.squareRoot())
        }
    }
}
