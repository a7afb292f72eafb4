import FaceGallery
import FaceTestSupport
import Foundation

/// A gallery kept as plain arrays, searched by a plain loop: the reference every index is checked against.
struct ReferenceGallery {
    let dimension: Int
    var faceIDs: [Int64] = []
    var subjectIDs: [Int64] = []
    var descriptors: [Float] = []

    init(dimension: Int) { self.dimension = dimension }

    mutating func add(faceIDs: [Int64], subjectIDs: [Int64], descriptors: [Float]) {
        self.faceIDs += faceIDs
        self.subjectIDs += subjectIDs
        self.descriptors += descriptors
    }

    mutating func remove(faceIDs removed: Set<Int64>) {
        var kept = ReferenceGallery(dimension: dimension)
        for row in faceIDs.indices where !removed.contains(faceIDs[row]) {
            kept.add(faceIDs: [faceIDs[row]], subjectIDs: [subjectIDs[row]],
                     descriptors: Array(descriptors[row * dimension..<(row + 1) * dimension]))
        }
        self = kept
    }

    mutating func reassignSubject(from source: Int64, to target: Int64) {
        for row in subjectIDs.indices where subjectIDs[row] == source { subjectIDs[row] = target }
    }

    /// Every distance computed as a Float32 sum of squared differences in index order; ties broken by the
    /// smaller face id — the order ``ExactSearchIndex`` promises.
    func nearestFaces(to queries: [Float], count: Int) -> [[FaceMatch]] {
        descriptors.withUnsafeBufferPointer { descriptors in
            stride(from: 0, to: queries.count, by: dimension).map { start in
                var scored: [(squaredDistance: Float, faceID: Int64, row: Int)] = []
                scored.reserveCapacity(faceIDs.count)
                for row in faceIDs.indices {
                    var sum: Float = 0
                    for index in 0..<dimension {
                        let difference = queries[start + index] - descriptors[row * dimension + index]
                        sum += difference * difference
                    }
                    scored.append((sum, faceIDs[row], row))
                }
                scored.sort { ($0.squaredDistance, $0.faceID) < ($1.squaredDistance, $1.faceID) }
                return scored.prefix(count).map {
                    FaceMatch(faceID: $0.faceID, subjectID: subjectIDs[$0.row],
                              euclideanDistance: $0.squaredDistance.squareRoot())
                }
            }
        }
    }
}

extension SeededRandom {
    /// `count` unit-length vectors of `dimension` values, normalised Gaussian (uniform on the sphere).
    mutating func unitVectors(_ count: Int, dimension: Int) -> [Float] {
        var values: [Float] = []
        values.reserveCapacity(count * dimension)
        for _ in 0..<count {
            var row = (0..<dimension).map { _ in gaussian() }
            let norm = row.reduce(0) { $0 + $1 * $1 }.squareRoot()
            for index in row.indices { row[index] /= norm }
            values += row
        }
        return values
    }

    /// A standard normal value (Box–Muller).
    mutating func gaussian() -> Float {
        let u = Float.random(in: Float.leastNormalMagnitude..<1, using: &self)
        let v = Float.random(in: 0..<1, using: &self)
        return (-2 * Foundation.log(u)).squareRoot() * Foundation.cos(2 * Float.pi * v)
    }
}

/// Synthetic descriptors with structure, as real face descriptors have: unit vectors whose variance
/// decays across directions (variance `decay^i` along the `i`-th), turned by three fixed random
/// reflections so the directions are not the coordinate axes. With `decay` 0.9 the participation ratio
/// `(Σλ)² / Σλ²` is about 19 dimensions out of 128; uniform random vectors (127) are the worst case for
/// graph indexes and unlike any embedding of faces.
struct StructuredDescriptors {
    let dimension: Int
    let decay: Float
    private let reflections: [[Float]]

    init(dimension: Int, decay: Float = 0.9, seed: UInt64) {
        self.dimension = dimension
        self.decay = decay
        var random = SeededRandom(seed: seed)
        reflections = (0..<3).map { _ in random.unitVectors(1, dimension: dimension) }
    }

    func sample(_ count: Int, using random: inout SeededRandom) -> [Float] {
        var values: [Float] = []
        values.reserveCapacity(count * dimension)
        var scales: [Float] = []
        var scale: Float = 1
        for _ in 0..<dimension {
            scales.append(scale)
            scale *= decay.squareRoot()
        }
        for _ in 0..<count {
            var row = (0..<dimension).map { random.gaussian() * scales[$0] }
            for mirror in reflections {
                let projection = zip(row, mirror).reduce(0) { $0 + $1.0 * $1.1 }
                for index in row.indices { row[index] -= 2 * projection * mirror[index] }
            }
            let norm = row.reduce(0) { $0 + $1 * $1 }.squareRoot()
            values += row.map { $0 / norm }
        }
        return values
    }
}

/// The share of each query's expected ten nearest faces that were found: recall@10 of an approximate
/// index against the exact answer.
func recallAt10(_ found: [[FaceMatch]], _ expected: [[FaceMatch]]) -> Double {
    var hits = 0
    for (found, expected) in zip(found, expected) {
        hits += Set(found.map(\.faceID)).intersection(expected.map(\.faceID)).count
    }
    return Double(hits) / Double(10 * expected.count)
}
