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
        stride(from: 0, to: queries.count, by: dimension).map { start in
            var scored: [(squaredDistance: Float, row: Int)] = []
            for row in faceIDs.indices {
                var sum: Float = 0
                for index in 0..<dimension {
                    let difference = queries[start + index] - descriptors[row * dimension + index]
                    sum += difference * difference
                }
                scored.append((sum, row))
            }
            scored.sort { ($0.squaredDistance, faceIDs[$0.row]) < ($1.squaredDistance, faceIDs[$1.row]) }
            return scored.prefix(count).map {
                FaceMatch(faceID: faceIDs[$0.row], subjectID: subjectIDs[$0.row],
                          euclideanDistance: $0.squaredDistance.squareRoot())
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
