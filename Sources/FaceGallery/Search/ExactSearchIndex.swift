import FaceCore

/// Exact nearest-face search over every descriptor held in memory.
///
/// **What "exact" means.** For each query the index returns the `count` faces with the smallest
/// ``squaredDistance(_:_:dimension:)`` — the sum of squared differences accumulated in Float32 in
/// index order — ties broken by the smaller face id, nearest first. A plain loop over all rows computing
/// that function gives the same answer bit for bit; the fast paths below only decide which rows are
/// worth computing it for.
///
/// **How it stays exact while reading less.** Every scan gives each row an interval certain to hold
/// its exact squared distance, then re-ranks exactly every row whose interval starts at or below the
/// `k`-th smallest interval end (see ``CandidateCollector``). The interval comes from
/// `|q − x|² = |q|² + |x|² − 2 q·x` with `|x|²` stored per row:
///
/// - *Reduced-precision scan* (single queries, the default): each row is also kept as Int8 codes
///   `c` with one scale `s` per row (`s = max|xᵢ| / 127`), a quarter of the Float32 bytes. With the
///   residual `e = x − s·c`, `q·x = s·(q·c) + q·e` and `|q·e| ≤ |q|·|e|` (Cauchy–Schwarz), and `|e|` is
///   stored per row. The query is taken as Int16 codes `b` with one scale `t` and residual `f`, so that
///   `q·c = t·(b·c) + f·c` with `b·c` an exact integer sum, and `|s·(f·c)| ≤ |f|·(|x| + |e|)`. The
///   interval's half-width is `2|q||e| + 2|f|(|x| + |e|)` (the second term a few thousandths of the
///   first) plus a rounding margin.
/// - *Float32 scan* (``Settings/reducedPrecisionScan`` off) and *batched queries* (at least
///   ``Settings/batchedQueriesMinimum`` queries, whose dot products come from one `sgemm` per block of
///   rows): the half-width is the rounding margin alone.
///
/// The rounding margin is `4(d + 4)·2⁻²⁴·(|q| + |x|)²` for dimension `d`: at least twice the worst-case
/// Float32 error of the interval's arithmetic plus that of the exact re-rank (each a sum of `d`
/// products, error below `(d + 2)·2⁻²⁴·(|q| + |x|)²`), so the argument holds for the computed values,
/// not only in real arithmetic. For unit-length 128-D descriptors the Int8 half-width is about 0.013
/// in squared distance, so only rows within about 0.03 of the `k`-th squared distance are re-ranked.
///
/// Scans run on every core, over chunks of rows with a partial result per chunk. Searches run
/// concurrently under a read lock; ``add(faceIDs:subjectIDs:descriptors:)``, ``remove(faceIDs:)`` and
/// ``reassignSubject(from:to:)`` take it exclusively. Removal moves the last row into the hole.
///
/// Memory per face: `4d` bytes of Float32, `d` bytes of codes (when kept), 16 bytes of row terms,
/// 16 bytes of ids, plus the face-id table.
public final class ExactSearchIndex: FaceSearchIndex, @unchecked Sendable {
    /// How an ``ExactSearchIndex`` scans.
    public struct Settings: Sendable, Hashable {
        /// Scan single queries over Int8 codes (a quarter of the memory traffic) and re-rank exactly;
        /// costs `dimension` extra bytes per face. Results are identical either way.
        public var reducedPrecisionScan: Bool
        /// From this many queries in one call, dot products come from matrix products (`sgemm`).
        public var batchedQueriesMinimum: Int

        /// Creates settings.
        public init(reducedPrecisionScan: Bool = true, batchedQueriesMinimum: Int = 4) {
            precondition(batchedQueriesMinimum >= 1, "batchedQueriesMinimum must be at least 1")
            self.reducedPrecisionScan = reducedPrecisionScan
            self.batchedQueriesMinimum = batchedQueriesMinimum
        }
    }

    public let dimension: Int
    /// How this index scans.
    public let settings: Settings
    private let lock = ReadWriteLock()
    /// Read under `lock` shared, changed under it exclusively.
    var rows: DescriptorRows

    /// Creates an empty index for descriptors of `dimension` values.
    public init(dimension: Int = 128, settings: Settings = Settings()) {
        self.dimension = dimension
        self.settings = settings
        rows = DescriptorRows(dimension: dimension, keepsCodes: settings.reducedPrecisionScan)
        RowChunks.useSingleThreadedBLAS()
    }

    public var count: Int { lock.withReadLock { rows.count } }

    public func add(faceIDs: [Int64], subjectIDs: [Int64], descriptors: [Float]) {
        precondition(faceIDs.count == subjectIDs.count && descriptors.count == faceIDs.count * dimension,
                     "\(faceIDs.count) face ids, \(subjectIDs.count) subject ids, \(descriptors.count) values "
                        + "for dimension \(dimension)")
        lock.withWriteLock {
            // Only a batch that at least doubles the index reserves exactly; smaller ones rely on the
            // arrays' geometric growth (an exact reserve per small batch would copy every row each time).
            if faceIDs.count >= rows.count { rows.reserveCapacity(rows.count + faceIDs.count) }
            descriptors.withUnsafeBufferPointer { values in
                for index in faceIDs.indices {
                    let descriptor = UnsafeBufferPointer(rebasing: values[index * dimension..<(index + 1) * dimension])
                    rows.append(faceID: faceIDs[index], subjectID: subjectIDs[index], descriptor: descriptor)
                }
            }
        }
    }

    public func remove(faceIDs: [Int64]) {
        lock.withWriteLock {
            for faceID in faceIDs { rows.remove(faceID: faceID) }
        }
    }

    public func reassignSubject(from source: Int64, to target: Int64) {
        lock.withWriteLock { rows.reassignSubject(from: source, to: target) }
    }

    public func nearestFaces(to queries: [Float], count: Int) -> [[FaceMatch]] {
        precondition(queries.count % dimension == 0, "\(queries.count) query values for dimension \(dimension)")
        precondition(count >= 0, "count must not be negative, got \(count)")
        let queryCount = queries.count / dimension
        return lock.withReadLock {
            let k = min(count, rows.count)
            guard k > 0 else { return Array(repeating: [], count: queryCount) }
            return queries.withUnsafeBufferPointer { queries in
                if queryCount >= settings.batchedQueriesMinimum {
                    return searchBatched(queries.baseAddress!, queryCount: queryCount, k: k)
                }
                return (0..<queryCount).map { index in
                    searchOne(queries.baseAddress! + index * dimension, k: k)
                }
            }
        }
    }

    /// Every face held: ids and descriptors (`faceIDs.count × dimension` values), in row order.
    func allFaces() -> (faceIDs: [Int64], subjectIDs: [Int64], descriptors: [Float]) {
        lock.withReadLock { (rows.faceIDs, rows.subjectIDs, rows.values) }
    }

    /// The distance that defines the exact order: squared differences summed in Float32, in index order.
    @inline(never)
    public static func squaredDistance(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, dimension: Int) -> Float {
        var sum: Float = 0
        for index in 0..<dimension {
            let difference = a[index] - b[index]
            sum += difference * difference
        }
        return sum
    }

    /// Margin covering Float32 rounding in a distance interval and in the exact re-rank, per unit of
    /// `(|q| + |x|)²` (see the type's documentation).
    var roundingMargin: Float { Self.roundingMargin(dimension: dimension) }

    static func roundingMargin(dimension: Int) -> Float { Float(4 * (dimension + 4)) * Float.ulpOfOne / 2 }

    // MARK: - Merging and exact re-ranking

    /// Re-ranks exactly the candidates of one query's collectors and returns its nearest `k`.
    func rerank(_ query: UnsafePointer<Float>, _ collectors: [CandidateCollector], k: Int) -> [FaceMatch] {
        let threshold = CandidateCollector.combinedThreshold(collectors, k: k)
        var scored: [(squaredDistance: Float, faceID: Int64, row: Int)] = []
        rows.values.withUnsafeBufferPointer { values in
            for collector in collectors {
                for candidate in collector.candidates where candidate.lowerBound <= threshold {
                    let row = candidate.row
                    let distance = ExactSearchIndex.squaredDistance(
                        query, values.baseAddress! + row * dimension, dimension: dimension)
                    scored.append((distance, rows.faceIDs[row], row))
                }
            }
        }
        precondition(scored.count >= k, "re-rank kept \(scored.count) rows for k = \(k)")
        scored.sort { ($0.squaredDistance, $0.faceID) < ($1.squaredDistance, $1.faceID) }
        return scored.prefix(k).map {
            FaceMatch(faceID: $0.faceID, subjectID: rows.subjectIDs[$0.row], euclideanDistance: $0.squaredDistance.squareRoot())
        }
    }
}
