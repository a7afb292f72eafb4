import Dispatch
import FaceGallery
import FaceTestSupport
import Testing

/// The exact index must return exactly what a plain loop over every row returns (same faces, same
/// Float32 distances, ties by face id): tolerance zero, on every scan path.
@Suite struct ExactSearchIndexTests {
    struct Shape: Sendable, CustomTestStringConvertible {
        let dimension: Int, rows: Int, queries: Int, count: Int
        var testDescription: String { "d\(dimension) rows \(rows) queries \(queries) top \(count)" }
    }

    static let shapes = [
        Shape(dimension: 128, rows: 1_000, queries: 1, count: 10),
        Shape(dimension: 128, rows: 40_000, queries: 3, count: 10),  // three chunks, single-query scans
        Shape(dimension: 128, rows: 20_000, queries: 70, count: 25),  // batched: two chunks, two groups of queries
        Shape(dimension: 33, rows: 5_000, queries: 2, count: 5),  // lanes that do not fill a vector
        Shape(dimension: 7, rows: 300, queries: 5, count: 400),  // count above the number of faces
        Shape(dimension: 16, rows: 1, queries: 1, count: 3),
    ]

    private func filledIndex(_ shape: Shape, settings: ExactSearchIndex.Settings, seed: UInt64)
        -> (ExactSearchIndex, ReferenceGallery, [Float]) {
        var random = SeededRandom(seed: seed)
        let index = ExactSearchIndex(dimension: shape.dimension, settings: settings)
        var reference = ReferenceGallery(dimension: shape.dimension)
        // Ids out of row order, so that the tie-break by face id is not the row order.
        let faceIDs = (0..<shape.rows).map { Int64(($0 * 7_919) % shape.rows) + 1_000 }
        let subjectIDs = faceIDs.map { $0 / 3 }
        let descriptors = random.floats(shape.rows * shape.dimension, in: -0.3...0.3)
        index.add(faceIDs: faceIDs, subjectIDs: subjectIDs, descriptors: descriptors)
        reference.add(faceIDs: faceIDs, subjectIDs: subjectIDs, descriptors: descriptors)
        let queries = random.floats(shape.queries * shape.dimension, in: -0.3...0.3)
        return (index, reference, queries)
    }

    @Test(arguments: shapes, [true, false])
    func matchesThePlainLoop(shape: Shape, reducedPrecision: Bool) {
        let settings = ExactSearchIndex.Settings(reducedPrecisionScan: reducedPrecision)
        let (index, reference, queries) = filledIndex(shape, settings: settings, seed: UInt64(shape.rows))
        #expect(index.count == shape.rows)
        let expected = reference.nearestFaces(to: queries, count: shape.count)
        #expect(index.nearestFaces(to: queries, count: shape.count) == expected)
        // The same queries one call each take the single-query scan even where the batch took sgemm.
        for query in 0..<shape.queries {
            let single = Array(queries[query * shape.dimension..<(query + 1) * shape.dimension])
            #expect(index.nearestFaces(to: single, count: shape.count) == [expected[query]])
        }
    }

    @Test func emptyIndexAndZeroCountFindNothing() {
        let index = ExactSearchIndex(dimension: 4)
        #expect(index.nearestFaces(to: [0, 0, 0, 0, 1, 1, 1, 1], count: 5) == [[], []])
        index.add(faceIDs: [1], subjectIDs: [1], descriptors: [1, 2, 3, 4])
        #expect(index.nearestFaces(to: [0, 0, 0, 0], count: 0) == [[]])
        #expect(index.nearestFaces(to: [], count: 3) == [])
        #expect(index.nearestFaces(to: [1, 2, 3, 4], count: 3) == [[FaceMatch(faceID: 1, subjectID: 1, euclideanDistance: 0)]])
    }

    @Test(arguments: [true, false])
    func removalAndReassignmentMatchThePlainLoop(reducedPrecision: Bool) {
        let shape = Shape(dimension: 128, rows: 30_000, queries: 6, count: 12)
        let settings = ExactSearchIndex.Settings(reducedPrecisionScan: reducedPrecision)
        let (index, filledReference, queries) = filledIndex(shape, settings: settings, seed: 77)
        var reference = filledReference
        // Remove faces near the queries, so removal visibly changes the answers, plus random and unknown ids.
        var removed = Set(reference.nearestFaces(to: queries, count: 5).flatMap { $0.map(\.faceID) })
        var random = SeededRandom(seed: 78)
        for _ in 0..<3_000 { removed.insert(reference.faceIDs[Int.random(in: 0..<shape.rows, using: &random)]) }
        index.remove(faceIDs: Array(removed) + [-1, 999_999_999])
        reference.remove(faceIDs: removed)
        #expect(index.count == reference.faceIDs.count)
        #expect(index.nearestFaces(to: queries, count: shape.count) == reference.nearestFaces(to: queries, count: shape.count))

        let merged = reference.nearestFaces(to: queries, count: 1)[0][0].subjectID
        index.reassignSubject(from: merged, to: -7)
        reference.reassignSubject(from: merged, to: -7)
        let expected = reference.nearestFaces(to: queries, count: shape.count)
        #expect(expected[0][0].subjectID == -7)
        #expect(index.nearestFaces(to: queries, count: shape.count) == expected)

        // A removed id can be added again, with a new descriptor.
        let returning = removed.first!
        let descriptor = Array(queries[0..<shape.dimension])
        index.add(faceIDs: [returning], subjectIDs: [1], descriptors: descriptor)
        reference.add(faceIDs: [returning], subjectIDs: [1], descriptors: descriptor)
        #expect(index.nearestFaces(to: queries, count: shape.count) == reference.nearestFaces(to: queries, count: shape.count))
        #expect(index.nearestFaces(to: descriptor, count: 1)[0][0].faceID == returning)
    }

    /// Exact copies of one descriptor: equal distances, ordered by face id.
    @Test(arguments: [true, false])
    func duplicateDescriptorsAreOrderedByFaceID(reducedPrecision: Bool) {
        var random = SeededRandom(seed: 5)
        let dimension = 32
        let base = random.floats(dimension)
        let copies = 500
        var descriptors: [Float] = []
        for _ in 0..<copies { descriptors += base }
        descriptors += random.floats(2_000 * dimension)
        let faceIDs = (0..<Int64(copies + 2_000)).reversed().map { $0 }
        let index = ExactSearchIndex(dimension: dimension, settings: .init(reducedPrecisionScan: reducedPrecision))
        var reference = ReferenceGallery(dimension: dimension)
        index.add(faceIDs: Array(faceIDs), subjectIDs: Array(faceIDs), descriptors: descriptors)
        reference.add(faceIDs: Array(faceIDs), subjectIDs: Array(faceIDs), descriptors: descriptors)
        let query = base.map { $0 + 0.01 }  // nearer the copies than any random row
        let found = index.nearestFaces(to: query, count: 40)
        #expect(found == reference.nearestFaces(to: query, count: 40))
        #expect(Set(found[0].map(\.euclideanDistance)).count == 1)
    }

    /// Adversarial near-ties for the Int8 scan: thousands of rows whose distances differ by far less than
    /// the Int8 error bound, so almost every row must be re-ranked, and the order depends on the last bits.
    @Test(arguments: [1e-4, 1e-6] as [Float])
    func reducedPrecisionMatchesFloat32OnNearTies(perturbation: Float) {
        var random = SeededRandom(seed: 11)
        let dimension = 128
        let query = random.unitVectors(1, dimension: dimension)
        // Points on a sphere of radius 0.9 around the query, each moved by a tiny amount…
        var descriptors: [Float] = []
        for _ in 0..<6_000 {
            let direction = random.unitVectors(1, dimension: dimension)
            let jitter = random.floats(dimension, in: -perturbation...perturbation)
            descriptors += (0..<dimension).map { query[$0] + 0.9 * direction[$0] + jitter[$0] }
        }
        // …and near-copies of one row, plus unrelated rows further out.
        let anchor = Array(descriptors[0..<dimension])
        for _ in 0..<2_000 { descriptors += anchor.map { $0 + Float.random(in: -perturbation...perturbation, using: &random) } }
        descriptors += random.unitVectors(12_000, dimension: dimension).map { $0 * 3 }
        let count = descriptors.count / dimension
        let faceIDs = (0..<Int64(count)).map { ($0 * 104_729) % Int64(count) }
        var reference = ReferenceGallery(dimension: dimension)
        reference.add(faceIDs: faceIDs, subjectIDs: faceIDs, descriptors: descriptors)
        let reduced = ExactSearchIndex(dimension: dimension, settings: .init(reducedPrecisionScan: true))
        let float32 = ExactSearchIndex(dimension: dimension, settings: .init(reducedPrecisionScan: false))
        for index in [reduced, float32] { index.add(faceIDs: faceIDs, subjectIDs: faceIDs, descriptors: descriptors) }

        var queries = query
        queries += random.unitVectors(1, dimension: dimension)
        queries += anchor.map { $0 + 1e-3 }
        for top in [1, 10, 100] {
            let expected = reference.nearestFaces(to: queries, count: top)
            for query in 0..<3 {
                let single = Array(queries[query * dimension..<(query + 1) * dimension])
                #expect(reduced.nearestFaces(to: single, count: top) == [expected[query]])
                #expect(float32.nearestFaces(to: single, count: top) == [expected[query]])
            }
        }
    }

    /// Searches run while faces are added, removed and reassigned; every answer must be well formed,
    /// and the final state must match the plain loop.
    @Test func concurrentSearchesAndWrites() {
        let dimension = 64
        let index = ExactSearchIndex(dimension: dimension)
        var random = SeededRandom(seed: 21)
        let initial = random.floats(20_000 * dimension)
        index.add(faceIDs: (0..<20_000).map { Int64($0) }, subjectIDs: (0..<20_000).map { Int64($0 % 100) },
                  descriptors: initial)
        let queries = random.floats(8 * dimension)
        let writers = 4, searchers = 8
        let writes = (0..<writers).map { writer in
            SeededRandom(seed: UInt64(100 + writer)).floatsCopy(50 * 200 * dimension)
        }
        let malformed = SendableCounter()
        DispatchQueue.concurrentPerform(iterations: writers + searchers) { task in
            if task < writers {
                // Each writer adds and removes its own id range, 50 rounds of 200 faces.
                for round in 0..<50 {
                    let ids = (0..<200).map { Int64(1_000_000 * (task + 1) + round * 200 + $0) }
                    let start = round * 200 * dimension
                    index.add(faceIDs: ids, subjectIDs: ids.map { $0 % 100 },
                              descriptors: Array(writes[task][start..<start + 200 * dimension]))
                    if round % 2 == 1 { index.remove(faceIDs: ids) }
                    index.reassignSubject(from: Int64(task), to: Int64(task))
                }
            } else {
                for round in 0..<30 {
                    let query = Array(queries[(round % 8) * dimension..<(round % 8 + 1) * dimension])
                    let found = index.nearestFaces(to: round % 3 == 0 ? queries : query, count: 10)
                    for list in found {
                        let distances = list.map(\.euclideanDistance)
                        if list.count != 10 || distances != distances.sorted() { malformed.increment() }
                    }
                }
            }
        }
        #expect(malformed.value == 0)
        #expect(index.count == 20_000 + writers * 25 * 200)

        var reference = ReferenceGallery(dimension: dimension)
        reference.add(faceIDs: (0..<20_000).map { Int64($0) }, subjectIDs: (0..<20_000).map { Int64($0 % 100) },
                      descriptors: initial)
        for writer in 0..<writers {
            for round in stride(from: 0, to: 50, by: 2) {
                let ids = (0..<200).map { Int64(1_000_000 * (writer + 1) + round * 200 + $0) }
                let start = round * 200 * dimension
                reference.add(faceIDs: ids, subjectIDs: ids.map { $0 % 100 },
                              descriptors: Array(writes[writer][start..<start + 200 * dimension]))
            }
        }
        #expect(index.nearestFaces(to: queries, count: 10) == reference.nearestFaces(to: queries, count: 10))
    }
}

extension SeededRandom {
    /// `count` floats in -1...1 from a copy of this generator (for use in `map`).
    func floatsCopy(_ count: Int) -> [Float] {
        var copy = self
        return copy.floats(count)
    }
}

/// A counter several threads may bump.
final class SendableCounter: @unchecked Sendable {
    private let lock = DispatchQueue(label: "counter")
    private var count = 0
    func increment() { lock.sync { count += 1 } }
    var value: Int { lock.sync { count } }
}
