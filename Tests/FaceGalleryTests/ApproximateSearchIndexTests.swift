import Dispatch
import FaceGallery
import FaceTestSupport
import Testing

/// The HNSW index is approximate: it must reach a recall floor against the exact answer, and never
/// return a removed face.
@Suite(.serialized) struct ApproximateSearchIndexTests {
    static let dimension = 128
    /// Smaller than the defaults so the graph builds in seconds in a test run; the search breadth
    /// makes up for the thinner graph.
    static let settings = ApproximateSearchIndex.Settings(neighborsPerNode: 16, constructionBreadth: 40, searchBreadth: 256)

    /// On structured descriptors (see ``StructuredDescriptors``); on uniform random ones HNSW needs a
    /// search breadth near brute force for this recall (Benchmarks/Results/search.md).
    @Test func recallAt10AgainstExactSearch() {
        var random = SeededRandom(seed: 2024)
        let faces = 20_000
        let model = StructuredDescriptors(dimension: Self.dimension, seed: 1)
        let descriptors = model.sample(faces, using: &random)
        let faceIDs = (0..<Int64(faces)).map { $0 * 3 + 1 }
        let approximate = ApproximateSearchIndex(dimension: Self.dimension, settings: Self.settings)
        let exact = ExactSearchIndex(dimension: Self.dimension)
        approximate.add(faceIDs: faceIDs, subjectIDs: faceIDs, descriptors: descriptors)
        exact.add(faceIDs: faceIDs, subjectIDs: faceIDs, descriptors: descriptors)
        let queries = model.sample(200, using: &random)
        let expected = exact.nearestFaces(to: queries, count: 10)
        let found = approximate.nearestFaces(to: queries, count: 10)
        let recall = recallAt10(found, expected)
        #expect(recall >= 0.99, "recall@10 \(recall)")
        // Distances are Euclidean, not squared, and sorted.
        for (found, expected) in zip(found, expected) where found.first?.faceID == expected.first?.faceID {
            #expect(abs(found[0].euclideanDistance - expected[0].euclideanDistance) <= 1e-5)
        }
        #expect(found.allSatisfy { $0.map(\.euclideanDistance) == $0.map(\.euclideanDistance).sorted() })
        // Searching one query at a time gives the same answers as a batch.
        let single = (0..<5).map {
            approximate.nearestFaces(to: Array(queries[$0 * Self.dimension..<($0 + 1) * Self.dimension]), count: 10)[0]
        }
        #expect(single == Array(found.prefix(5)))
    }

    @Test func removedFacesNeverAppearAndTheGraphIsRebuilt() {
        var random = SeededRandom(seed: 7)
        let faces = 3_000
        let descriptors = random.unitVectors(faces, dimension: Self.dimension)
        let faceIDs = (0..<Int64(faces)).map { $0 }
        var settings = Self.settings
        settings.rebuildTombstoneFraction = 0.3
        let approximate = ApproximateSearchIndex(dimension: Self.dimension, settings: settings)
        var reference = ReferenceGallery(dimension: Self.dimension)
        approximate.add(faceIDs: faceIDs, subjectIDs: faceIDs.map { $0 % 50 }, descriptors: descriptors)
        reference.add(faceIDs: faceIDs, subjectIDs: faceIDs.map { $0 % 50 }, descriptors: descriptors)
        let queries = Array(descriptors[0..<(20 * Self.dimension)])  // stored faces: each is its own nearest

        // Remove each query's own face and its nearest neighbours: below the rebuild fraction.
        let removed = Set(reference.nearestFaces(to: queries, count: 20).flatMap { $0.map(\.faceID) })
        #expect(Double(removed.count) < 0.3 * Double(faces))
        approximate.remove(faceIDs: Array(removed) + [-5])
        reference.remove(faceIDs: removed)
        #expect(approximate.count == faces - removed.count)
        #expect(approximate.graphRowCount == faces)
        let found = approximate.nearestFaces(to: queries, count: 10)
        #expect(found.allSatisfy { $0.count == 10 && $0.allSatisfy { !removed.contains($0.faceID) } })
        #expect(recallAt10(found, reference.nearestFaces(to: queries, count: 10)) >= 0.99)

        // Past the fraction the graph is rebuilt from the live faces.
        let more = Set(reference.faceIDs.prefix(700))
        approximate.remove(faceIDs: Array(more))
        reference.remove(faceIDs: more)
        #expect(approximate.graphRowCount == reference.faceIDs.count)
        #expect(approximate.count == reference.faceIDs.count)
        let rebuilt = approximate.nearestFaces(to: queries, count: 10)
        #expect(recallAt10(rebuilt, reference.nearestFaces(to: queries, count: 10)) >= 0.99)

        // Subjects move without touching the graph.
        let subject = rebuilt[0][0].subjectID
        approximate.reassignSubject(from: subject, to: 999)
        #expect(approximate.nearestFaces(to: queries, count: 10)[0][0].subjectID == 999)
    }

    @Test func smallAndEmptyIndexes() {
        let approximate = ApproximateSearchIndex(dimension: 4, settings: Self.settings)
        #expect(approximate.nearestFaces(to: [1, 0, 0, 0], count: 3) == [[]])
        approximate.add(faceIDs: [10, 11], subjectIDs: [1, 2], descriptors: [1, 0, 0, 0, 0, 1, 0, 0])
        let found = approximate.nearestFaces(to: [1, 0, 0, 0], count: 5)
        #expect(found[0].map(\.faceID) == [10, 11])
        #expect(abs(found[0][1].euclideanDistance - Float(2).squareRoot()) <= 1e-6)
        approximate.remove(faceIDs: [10])
        #expect(approximate.nearestFaces(to: [1, 0, 0, 0], count: 5)[0].map(\.faceID) == [11])
    }

    /// Searches run while faces are added and removed (with rebuilds): each still finds its own stored
    /// face first, the final count is right, and rebuilds have dropped the tombstones.
    @Test func concurrentSearchesAndWrites() {
        let dimension = 32
        var random = SeededRandom(seed: 31)
        let model = StructuredDescriptors(dimension: dimension, seed: 3)
        let stable = model.sample(2_000, using: &random)
        var settings = Self.settings
        settings.rebuildTombstoneFraction = 0.1
        let approximate = ApproximateSearchIndex(dimension: dimension, settings: settings)
        approximate.add(faceIDs: (0..<2_000).map { Int64($0) }, subjectIDs: (0..<2_000).map { Int64($0) },
                        descriptors: stable)
        let churn = model.sample(20 * 100, using: &random)
        let queries = Array(stable[0..<(8 * dimension)])  // stored faces 0..<8: each its own nearest
        let malformed = SendableCounter()
        DispatchQueue.concurrentPerform(iterations: 5) { task in
            if task == 0 {
                // 20 rounds of 100 temporary faces, added then removed: several rebuilds.
                for round in 0..<20 {
                    let ids = (0..<100).map { Int64(100_000 + round * 100 + $0) }
                    let start = round * 100 * dimension
                    approximate.add(faceIDs: ids, subjectIDs: ids,
                                    descriptors: Array(churn[start..<start + 100 * dimension]))
                    approximate.remove(faceIDs: ids)
                }
            } else {
                for round in 0..<40 {
                    let query = round % 8
                    let found = approximate.nearestFaces(
                        to: Array(queries[query * dimension..<(query + 1) * dimension]), count: 5)[0]
                    if found.count != 5 || found[0].faceID != Int64(query) { malformed.increment() }
                }
            }
        }
        #expect(malformed.value == 0)
        #expect(approximate.count == 2_000)
        #expect(approximate.graphRowCount < 2_000 + 20 * 100)
    }
}
