import FaceCore

/// The face and subject ids beside a faiss index that cannot delete, indexed by faiss row, with a
/// tombstone for each removed row.
///
/// Held by ``ApproximateSearchIndex`` under its own lock.
/// Searches ask faiss for more rows than wanted and drop the tombstones (``nearestFaces(queryCount:count:search:)``);
/// the owner rebuilds its faiss index from ``liveFaces(vectors:dimension:)`` when tombstones pile up.
struct TombstonedRows {
    /// Face id of each row.
    private(set) var faceIDOfRow: [Int64] = []
    /// Subject id of each row.
    private var subjectIDOfRow: [Int64] = []
    private var isRemoved: [Bool] = []
    private(set) var removedCount = 0
    private var rowOfFace: [Int64: Int] = [:]

    /// Rows, removed ones included.
    var rowCount: Int { faceIDOfRow.count }
    /// Rows not removed.
    var liveCount: Int { faceIDOfRow.count - removedCount }

    /// Rows with every face and no tombstone, in the order given.
    init(faceIDs: [Int64] = [], subjectIDs: [Int64] = []) {
        append(faceIDs: faceIDs, subjectIDs: subjectIDs)
    }

    /// Appends rows for new faces. Precondition: no id is present already.
    mutating func append(faceIDs: [Int64], subjectIDs: [Int64]) {
        for faceID in faceIDs {
            precondition(rowOfFace.updateValue(faceIDOfRow.count, forKey: faceID) == nil,
                         "face \(faceID) is already in the index")
            faceIDOfRow.append(faceID)
        }
        subjectIDOfRow.append(contentsOf: subjectIDs)
        isRemoved.append(contentsOf: repeatElement(false, count: faceIDs.count))
    }

    /// Marks the rows of these faces removed; unknown ids are ignored.
    mutating func remove(faceIDs: [Int64]) {
        for faceID in faceIDs {
            guard let row = rowOfFace.removeValue(forKey: faceID) else { continue }
            isRemoved[row] = true
            removedCount += 1
        }
    }

    /// Whether removed rows exceed `fraction` of all rows.
    func tombstonesExceed(_ fraction: Double) -> Bool { Double(removedCount) > fraction * Double(rowCount) }

    mutating func reassignSubject(from source: Int64, to target: Int64) {
        for row in subjectIDOfRow.indices where subjectIDOfRow[row] == source { subjectIDOfRow[row] = target }
    }

    /// The `count` nearest live faces of each query. `search(queryIndices, fetch)` asks faiss for the
    /// `fetch` nearest rows of the listed queries and returns `queryIndices.count × fetch` rows and
    /// squared distances (-1 rows where faiss found fewer).
    func nearestFaces(queryCount: Int, count: Int,
                      search: (_ queryIndices: [Int], _ fetch: Int) -> (rows: [Int64], squaredDistances: [Float]))
        -> [[FaceMatch]] {
        let k = min(count, liveCount)
        guard k > 0 else { return Array(repeating: [], count: queryCount) }
        // Enough rows that, with tombstones spread evenly, k live ones remain; widen if not.
        var fetch = removedCount == 0 ? k : min(rowCount, k * rowCount / liveCount + 8)
        var results = Array(repeating: [FaceMatch](), count: queryCount)
        var pending = Array(0..<queryCount)
        while !pending.isEmpty {
            let found = search(pending, fetch)
            var stillShort: [Int] = []
            for (position, query) in pending.enumerated() {
                let matches = liveMatches(found.rows[position * fetch..<(position + 1) * fetch],
                                          found.squaredDistances[position * fetch..<(position + 1) * fetch], k: k)
                if matches.count < k && fetch < rowCount {
                    stillShort.append(query)
                } else {
                    results[query] = matches
                }
            }
            pending = stillShort
            fetch = min(rowCount, fetch * 2)
        }
        return results
    }

    private func liveMatches(_ rows: ArraySlice<Int64>, _ squaredDistances: ArraySlice<Float>, k: Int) -> [FaceMatch] {
        var matches: [FaceMatch] = []
        for (row, squaredDistance) in zip(rows, squaredDistances) where row >= 0 && !isRemoved[Int(row)] {
            let row = Int(row)
            matches.append(FaceMatch(faceID: faceIDOfRow[row], subjectID: subjectIDOfRow[row],
                                     euclideanDistance: max(0, squaredDistance).squareRoot()))
            if matches.count == k { break }
        }
        return matches
    }

    /// Every live face in row order; `vectors` holds `rowCount × dimension` values, row after row.
    func liveFaces(vectors: UnsafePointer<Float>, dimension: Int)
        -> (faceIDs: [Int64], subjectIDs: [Int64], descriptors: [Float]) {
        var faceIDs: [Int64] = [], subjectIDs: [Int64] = [], descriptors: [Float] = []
        faceIDs.reserveCapacity(liveCount)
        subjectIDs.reserveCapacity(liveCount)
        descriptors.reserveCapacity(liveCount * dimension)
        for row in faceIDOfRow.indices where !isRemoved[row] {
            faceIDs.append(faceIDOfRow[row])
            subjectIDs.append(subjectIDOfRow[row])
            descriptors.append(contentsOf: UnsafeBufferPointer(start: vectors + row * dimension, count: dimension))
        }
        return (faceIDs, subjectIDs, descriptors)
    }
}
