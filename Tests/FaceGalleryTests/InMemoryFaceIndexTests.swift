import FaceGallery
import FaceTestSupport
import Testing

@Suite struct InMemoryFaceIndexTests {
    @Test(arguments: [
        InMemoryFaceIndex.ApproximateMethod.hnsw(.init(neighborsPerNode: 16, constructionBreadth: 40, searchBreadth: 128)),
        .ivf(.init(maximumLists: 16, probes: 14)),
    ])
    func switchesToApproximateAboveTheLimitAndBackBelowHalfOfIt(method: InMemoryFaceIndex.ApproximateMethod) {
        let dimension = 32
        var random = SeededRandom(seed: 99)
        let index = InMemoryFaceIndex(dimension: dimension, approximateAbove: 1_000, approximateMethod: method)
        var reference = ReferenceGallery(dimension: dimension)
        func add(_ ids: Range<Int64>) {
            let descriptors = random.unitVectors(ids.count, dimension: dimension)
            index.add(faceIDs: Array(ids), subjectIDs: ids.map { $0 / 2 }, descriptors: descriptors)
            reference.add(faceIDs: Array(ids), subjectIDs: ids.map { $0 / 2 }, descriptors: descriptors)
        }
        let queries = random.unitVectors(20, dimension: dimension)

        add(0..<1_000)
        #expect(!index.isApproximate)
        #expect(index.nearestFaces(to: queries, count: 10) == reference.nearestFaces(to: queries, count: 10))

        add(1_000..<1_200)
        #expect(index.isApproximate)
        #expect(index.count == 1_200)
        let expected = reference.nearestFaces(to: queries, count: 10)
        let found = index.nearestFaces(to: queries, count: 10)
        let hits = zip(found, expected).map { Set($0.map(\.faceID)).intersection($1.map(\.faceID)).count }
        #expect(Double(hits.reduce(0, +)) / 200 >= 0.99)
        index.reassignSubject(from: expected[0][0].subjectID, to: -1)
        reference.reassignSubject(from: expected[0][0].subjectID, to: -1)

        // 600 faces remain: still above half the limit, so still approximate.
        let removed = Set((0..<Int64(600)).map { $0 * 2 })
        index.remove(faceIDs: Array(removed))
        reference.remove(faceIDs: removed)
        #expect(index.isApproximate)
        let fewer = Set((1..<Int64(200)).map { $0 * 2 + 1 })
        index.remove(faceIDs: Array(fewer))
        reference.remove(faceIDs: fewer)
        #expect(!index.isApproximate)
        #expect(index.count == reference.faceIDs.count)
        #expect(index.nearestFaces(to: queries, count: 10) == reference.nearestFaces(to: queries, count: 10))
    }
}
