/// Gathers, during one scan of some rows for one query, every row that may belong to the exact top `k`.
///
/// A scan gives each row an interval `[lower, upper]` that certainly holds the row's exact squared
/// distance. The collector keeps the `k` smallest upper bounds seen: the `k`-th of them, `threshold`,
/// is at least the exact `k`-th smallest distance, because `k` rows are known to lie within it. A row
/// whose lower bound exceeds the threshold therefore cannot be among the nearest `k`, and every other
/// row is kept as a candidate for exact re-ranking. The threshold only falls, so candidates kept
/// early are pruned again from time to time.
struct CandidateCollector {
    /// One row that may be among the nearest.
    struct Candidate {
        var lowerBound: Float
        var row: Int
    }

    let k: Int
    /// The `k` smallest upper bounds seen so far, as a max-heap.
    private(set) var upperBounds: [Float] = []
    private(set) var candidates: [Candidate] = []
    private var pruneAt: Int

    init(k: Int) {
        precondition(k > 0, "k must be positive, got \(k)")
        self.k = k
        pruneAt = max(64, 8 * k)
        upperBounds.reserveCapacity(k)
    }

    /// Rows whose lower bound is above this cannot be among the nearest `k`.
    var threshold: Float { upperBounds.count < k ? .infinity : upperBounds[0] }

    /// Records a row; call only when `lowerBound <= threshold`.
    mutating func offer(lowerBound: Float, upperBound: Float, row: Int) {
        if upperBounds.count < k {
            upperBounds.append(upperBound)
            siftUp(upperBounds.count - 1)
        } else if upperBound < upperBounds[0] {
            upperBounds[0] = upperBound
            siftDown(0)
        }
        candidates.append(Candidate(lowerBound: lowerBound, row: row))
        if candidates.count >= pruneAt {
            let limit = threshold
            candidates.removeAll { $0.lowerBound > limit }
            // Many near-ties can keep the list long; grow the limit so pruning stays amortised O(1).
            pruneAt = max(pruneAt, 2 * candidates.count)
        }
    }

    private mutating func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            if upperBounds[parent] >= upperBounds[child] { return }
            upperBounds.swapAt(parent, child)
            child = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        let count = upperBounds.count
        while true {
            let left = 2 * parent + 1
            if left >= count { return }
            var largest = left
            if left + 1 < count && upperBounds[left + 1] > upperBounds[left] { largest = left + 1 }
            if upperBounds[parent] >= upperBounds[largest] { return }
            upperBounds.swapAt(parent, largest)
            parent = largest
        }
    }

    /// The threshold over several collectors of the same query that together saw every row: the
    /// `k`-th smallest upper bound among them all.
    static func combinedThreshold(_ collectors: [CandidateCollector], k: Int) -> Float {
        var bounds = collectors.flatMap(\.upperBounds)
        if bounds.count < k { return .infinity }
        bounds.sort()
        return bounds[k - 1]
    }
}
