import CBLAS

/// The centres of an ``IVFSearchIndex``'s lists: placed by k-means, and the nearest of them found for
/// many vectors at once (matrix products) or ranked for one query.
///
/// Distances to a centre are compared through `|c|² − 2 x·c`, which orders centres as the squared
/// Euclidean distance does (`|x|²` is the same for every centre). Ranking for a query reads the centres
/// as Int8 codes: after a query's scan has pushed them out of the caches, the Float32 centres (8 MB at
/// 16,384 lists) would take longer to read again than the scan of several lists.
struct ListCentroids {
    let dimension: Int
    /// `count × dimension` values, row after row.
    private(set) var values: [Float]
    private(set) var squaredNorms: [Float]
    /// `count × dimension` Int8 codes with one scale per centre, as ``DescriptorRows`` keeps rows.
    private var codes: [Int8] = []
    private var codeScales: [Float] = []

    var count: Int { squaredNorms.count }

    /// Vectors per block of nearest-centre assignment, and centres per matrix product: a block of dot
    /// products (128 × 2048 floats, 1 MB) stays in a core's L2 cache.
    private static let vectorBlock = 128
    private static let centroidBlock = 2048

    private init(dimension: Int, values: [Float]) {
        self.dimension = dimension
        self.values = values
        squaredNorms = []
        updateDerivedTerms()
    }

    /// Places `listCount` centres by Lloyd's k-means over `sampleCount` vectors, starting from evenly
    /// spaced sample vectors. A centre left without vectors is moved next to the centre of the largest
    /// list, splitting it. Precondition: `1 ≤ listCount ≤ sampleCount`.
    static func train(samples: UnsafePointer<Float>, sampleCount: Int, listCount: Int, iterations: Int,
                      dimension: Int) -> ListCentroids {
        precondition(listCount >= 1 && listCount <= sampleCount, "\(listCount) lists from \(sampleCount) vectors")
        var initial = [Float]()
        initial.reserveCapacity(listCount * dimension)
        for list in 0..<listCount {
            let sample = list * sampleCount / listCount
            initial.append(contentsOf: UnsafeBufferPointer(start: samples + sample * dimension, count: dimension))
        }
        var centroids = ListCentroids(dimension: dimension, values: initial)
        for _ in 0..<iterations {
            let assignment = centroids.nearest(samples, count: sampleCount)
            centroids.moveToMeans(samples, assignment: assignment)
        }
        return centroids
    }

    /// Each centre becomes the mean of the vectors assigned to it; empty ones split the largest list.
    private mutating func moveToMeans(_ vectors: UnsafePointer<Float>, assignment: [Int32]) {
        var sums = [Double](repeating: 0, count: count * dimension)
        var members = [Int](repeating: 0, count: count)
        for (row, list) in assignment.enumerated() {
            let list = Int(list)
            members[list] += 1
            let vector = vectors + row * dimension
            for index in 0..<dimension { sums[list * dimension + index] += Double(vector[index]) }
        }
        for list in 0..<count where members[list] > 0 {
            for index in 0..<dimension {
                values[list * dimension + index] = Float(sums[list * dimension + index] / Double(members[list]))
            }
        }
        for empty in 0..<count where members[empty] == 0 {
            guard let largest = members.indices.max(by: { members[$0] < members[$1] }), members[largest] > 1 else { break }
            // Two centres a hair apart on either side of the old one, in a direction that is not the
            // old centre's own (a radial split would cut its vectors into shells), share its vectors
            // next round.
            for index in 0..<dimension {
                let value = values[largest * dimension + index]
                let nudge: Float = index % 2 == 0 ? 1e-3 : -1e-3
                values[empty * dimension + index] = value * (1 + nudge)
                values[largest * dimension + index] = value * (1 - nudge)
            }
            members[empty] = members[largest] / 2
            members[largest] -= members[empty]
        }
        updateDerivedTerms()
    }

    /// Recomputes what is derived from `values`: the squared norms, the Int8 codes and their scales.
    private mutating func updateDerivedTerms() {
        let count = values.count / dimension
        squaredNorms = []
        codeScales = []
        codes = [Int8](repeating: 0, count: count * dimension)
        values.withUnsafeBufferPointer { values in
            codes.withUnsafeMutableBufferPointer { codes in
                for list in 0..<count {
                    let terms = DescriptorRows.quantize(
                        UnsafeBufferPointer(rebasing: values[list * dimension..<(list + 1) * dimension]), faceID: Int64(list),
                        into: codes.baseAddress! + list * dimension)
                    squaredNorms.append(terms[0])
                    codeScales.append(terms[2])
                }
            }
        }
    }

    /// The nearest centre of each of `count` vectors, by matrix products over blocks, on every core.
    func nearest(_ vectors: UnsafePointer<Float>, count vectorCount: Int) -> [Int32] {
        RowChunks.useSingleThreadedBLAS()
        var nearest = [Int32](repeating: 0, count: vectorCount)
        let blocks = (vectorCount + Self.vectorBlock - 1) / Self.vectorBlock
        let dimension = dimension, centroidCount = count
        values.withUnsafeBufferPointer { centroids in
            squaredNorms.withUnsafeBufferPointer { norms in
                nearest.withUnsafeMutableBufferPointer { nearest in
                    let output = UncheckedSendable(nearest.baseAddress!)
                    let chunks = RowChunks(rowCount: blocks, minimumRowsPerChunk: 1)
                    chunks.forEach { chunk in
                        let dots = UnsafeMutablePointer<Float>.allocate(capacity: Self.vectorBlock * Self.centroidBlock)
                        defer { dots.deallocate() }
                        var best = [Float](repeating: 0, count: Self.vectorBlock)
                        for block in chunks.rows(ofChunk: chunk) {
                            let first = block * Self.vectorBlock
                            let rows = min(Self.vectorBlock, vectorCount - first)
                            for row in 0..<rows { best[row] = .infinity }
                            for centroidStart in stride(from: 0, to: centroidCount, by: Self.centroidBlock) {
                                let columns = min(Self.centroidBlock, centroidCount - centroidStart)
                                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(rows), Int32(columns),
                                            Int32(dimension), 1, vectors + first * dimension, Int32(dimension),
                                            centroids.baseAddress! + centroidStart * dimension, Int32(dimension),
                                            0, dots, Int32(columns))
                                for row in 0..<rows {
                                    let (score, column) = Self.smallestScore(
                                        norms: norms.baseAddress! + centroidStart, dots: dots + row * columns,
                                        count: columns)
                                    if score < best[row] {
                                        best[row] = score
                                        output.value[first + row] = Int32(centroidStart + column)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return nearest
    }

    /// The smallest `norms[i] − 2·dots[i]` and its first index, eight lanes at a time.
    @inline(__always)
    private static func smallestScore(norms: UnsafePointer<Float>, dots: UnsafePointer<Float>, count: Int)
        -> (score: Float, index: Int) {
        let normBytes = UnsafeRawPointer(norms), dotBytes = UnsafeRawPointer(dots)
        var best = SIMD8<Float>(repeating: .infinity)
        var bestIndex = SIMD8<Int32>(repeating: 0)
        var index = SIMD8<Int32>(0, 1, 2, 3, 4, 5, 6, 7)
        var start = 0
        while start + 8 <= count {
            let score = normBytes.loadUnaligned(fromByteOffset: 4 * start, as: SIMD8<Float>.self)
                - 2 * dotBytes.loadUnaligned(fromByteOffset: 4 * start, as: SIMD8<Float>.self)
            let better = score .< best
            best.replace(with: score, where: better)
            bestIndex.replace(with: index, where: better)
            index &+= 8
            start += 8
        }
        // Lanes hold the first minimum of their own columns; the first overall is the smallest index
        // among lanes at the minimum.
        var score = Float.infinity, found = 0
        for lane in 0..<8 where best[lane] < score || (best[lane] == score && Int(bestIndex[lane]) < found) {
            score = best[lane]
            found = Int(bestIndex[lane])
        }
        for column in start..<count {
            let tail = norms[column] - 2 * dots[column]
            if tail < score { score = tail; found = column }
        }
        return (score, found)
    }

    /// The `probes` centres nearest to a query (given as its Int16 codes), nearest first, by the
    /// centres' Int8 codes: a centre whose distance is within the codes' error of the last one ranked
    /// may trade places with it. Scores are computed on every core when there are many centres.
    func ranked(for query: ExactSearchIndex.QueryCodes, probes: Int) -> [Int32] {
        let probes = min(probes, count)
        // Each score and its centre as one integer that sorts as the score does, ties by centre.
        var keys = [UInt64](repeating: 0, count: count)
        let dimension = dimension
        query.codes.withUnsafeBufferPointer { queryCodes in
            codes.withUnsafeBufferPointer { codes in
                keys.withUnsafeMutableBufferPointer { keys in
                    let chunks = RowChunks(rowCount: count, minimumRowsPerChunk: Self.rankingChunk)
                    chunks.forEach { chunk in
                        for list in chunks.rows(ofChunk: chunk) {
                            let dot = ExactSearchIndex.codeDot(queryCodes.baseAddress!, codes.baseAddress! + list * dimension,
                                                               dimension)
                            let score = squaredNorms[list] - 2 * (codeScales[list] * query.scale) * Float(dot)
                            keys[list] = UInt64(Self.orderedBits(score)) << 32 | UInt64(list)
                        }
                    }
                }
            }
        }
        var nearest = Self.smallestKeys(probes, of: keys)
        nearest.sort()
        return nearest.map { Int32(truncatingIfNeeded: $0) }
    }

    /// The `count` smallest keys, in no order. Selecting among all keys costs more than scoring them,
    /// so a cut-off is first estimated from every 16th key, and only keys under it are selected from.
    private static func smallestKeys(_ count: Int, of keys: [UInt64]) -> [UInt64] {
        let stride = 16
        var sample = Swift.stride(from: 0, to: keys.count, by: stride).map { keys[$0] }
        // A rank in the sample a little above count/stride, so the cut-off usually lets enough through.
        let sampleRank = min(sample.count, count / stride + count / (4 * stride) + 8)
        if sampleRank < sample.count {
            sample.withUnsafeMutableBufferPointer { partition(smallest: sampleRank, of: $0) }
            let cutOff = sample[0..<sampleRank].max()!
            var candidates = keys.filter { $0 <= cutOff }
            if candidates.count >= count {
                candidates.withUnsafeMutableBufferPointer { partition(smallest: count, of: $0) }
                return Array(candidates[0..<count])
            }
        }
        var all = keys
        all.withUnsafeMutableBufferPointer { partition(smallest: count, of: $0) }
        return Array(all[0..<count])
    }

    /// A float's bits turned so that unsigned integer order is the float's order.
    @inline(__always)
    private static func orderedBits(_ value: Float) -> UInt32 {
        let bits = value.bitPattern
        return bits & 0x8000_0000 != 0 ? ~bits : bits | 0x8000_0000
    }

    /// Moves the `count` smallest keys to the front, in no order (Hoare's selection, middle pivot).
    private static func partition(smallest count: Int, of keys: UnsafeMutableBufferPointer<UInt64>) {
        var low = 0, high = keys.count - 1
        while low < high {
            let pivot = keys[(low + high) / 2]
            var left = low, right = high
            while left <= right {
                while keys[left] < pivot { left += 1 }
                while keys[right] > pivot { right -= 1 }
                if left <= right {
                    keys.swapAt(left, right)
                    left += 1
                    right -= 1
                }
            }
            // Now keys[low...right] ≤ pivot ≤ keys[left...high]; keep the side holding position count-1.
            if count - 1 <= right {
                high = right
            } else if count - 1 >= left {
                low = left
            } else {
                return
            }
        }
    }

    /// Centres per worker when ranking: below this a second core costs more than it saves.
    private static let rankingChunk = 4_096
}
