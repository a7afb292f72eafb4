import FaceGallery
import FaceTestSupport
import Testing

/// The inverted-file index is approximate: it must reach a recall floor against the exact answer, give
/// the exact answer when every list is scanned, never return a removed face, and train itself from
/// whatever faces it is first given.
@Suite(.serialized) struct IVFSearchIndexTests {
    static let dimension = 128

    /// On structured descriptors (see ``StructuredDescriptors``), 20,000 faces in 256 lists. Scanning a
    /// single list must lose recall, or the floor would say nothing about the lists.
    @Test func recallAt10AgainstExactSearch() {
        var random = SeededRandom(seed: 2024)
        let faces = 20_000
        let model = StructuredDescriptors(dimension: Self.dimension, seed: 1)
        let descriptors = model.sample(faces, using: &random)
        let faceIDs = (0..<Int64(faces)).map { $0 * 3 + 1 }
        let ivf = IVFSearchIndex(dimension: Self.dimension, settings: .init(maximumLists: 256, probes: 64))
        let exact = ExactSearchIndex(dimension: Self.dimension)
        ivf.add(faceIDs: faceIDs, subjectIDs: faceIDs, descriptors: descriptors)
        exact.add(faceIDs: faceIDs, subjectIDs: faceIDs, descriptors: descriptors)
        #expect(ivf.listCount == 256)
        #expect(ivf.count == faces)
        let queries = model.sample(200, using: &random)
        let expected = exact.nearestFaces(to: queries, count: 10)
        let found = ivf.nearestFaces(to: queries, count: 10)
        let recall = recallAt10(found, expected)
        #expect(recall >= 0.99, "recall@10 \(recall)")
        // Distances are Euclidean, not squared, and sorted.
        for (found, expected) in zip(found, expected) where found.first?.faceID == expected.first?.faceID {
            #expect(abs(found[0].euclideanDistance - expected[0].euclideanDistance) <= 1e-5)
        }
        #expect(found.allSatisfy { $0.map(\.euclideanDistance) == $0.map(\.euclideanDistance).sorted() })
        // Searching one query at a time gives the same answers as a batch.
        let single = (0..<5).map {
            ivf.nearestFaces(to: Array(queries[$0 * Self.dimension..<($0 + 1) * Self.dimension]), count: 10)[0]
        }
        #expect(single == Array(found.prefix(5)))

        ivf.settings.probes = 1
        let narrow = recallAt10(ivf.nearestFaces(to: queries, count: 10), expected)
        #expect(narrow < 0.9, "recall@10 with one list scanned \(narrow)")

        // Every list scanned: the codes only choose what to re-rank, so the answer is the exact one,
        // distances and tie order included.
        ivf.settings.probes = 256
        #expect(ivf.nearestFaces(to: queries, count: 10) == expected)
    }

    /// About 4√N lists, rounded to a power of two, unless one list per 39 faces or the maximum is fewer.
    @Test func listCountFollowsTheSquareRootOfTheFaces() {
        var random = SeededRandom(seed: 31)
        let faces = 30_000
        let descriptors = random.unitVectors(faces, dimension: 8)
        let ids = (0..<Int64(faces)).map { $0 }
        let ivf = IVFSearchIndex(dimension: 8, settings: .init(maximumLists: 4_096, trainingIterations: 2))
        ivf.add(faceIDs: ids, subjectIDs: ids, descriptors: descriptors)
        #expect(ivf.listCount == 512)  // 4√30000 ≈ 693; 30000 / 39 = 769
        let capped = IVFSearchIndex(dimension: 8, settings: .init(maximumLists: 100, trainingIterations: 2))
        capped.add(faceIDs: ids, subjectIDs: ids, descriptors: descriptors)
        #expect(capped.listCount == 100)
    }

    @Test func removedFacesNeverAppear() {
        var random = SeededRandom(seed: 7)
        let faces = 3_000
        let model = StructuredDescriptors(dimension: Self.dimension, seed: 5)
        let descriptors = model.sample(faces, using: &random)
        let faceIDs = (0..<Int64(faces)).map { $0 }
        let ivf = IVFSearchIndex(dimension: Self.dimension, settings: .init(maximumLists: 32, probes: 24))
        var reference = ReferenceGallery(dimension: Self.dimension)
        ivf.add(faceIDs: faceIDs, subjectIDs: faceIDs.map { $0 % 50 }, descriptors: descriptors)
        reference.add(faceIDs: faceIDs, subjectIDs: faceIDs.map { $0 % 50 }, descriptors: descriptors)
        let queries = Array(descriptors[0..<(20 * Self.dimension)])  // stored faces: each is its own nearest

        // Remove each query's own face and its nearest neighbours (and an unknown id).
        let removed = Set(reference.nearestFaces(to: queries, count: 20).flatMap { $0.map(\.faceID) })
        ivf.remove(faceIDs: Array(removed) + [-5])
        reference.remove(faceIDs: removed)
        #expect(ivf.count == faces - removed.count)
        let found = ivf.nearestFaces(to: queries, count: 10)
        #expect(found.allSatisfy { $0.count == 10 && $0.allSatisfy { !removed.contains($0.faceID) } })
        #expect(recallAt10(found, reference.nearestFaces(to: queries, count: 10)) >= 0.99)

        // Many more removed: the lists keep their centres and hold only what is left.
        let more = Set(reference.faceIDs.prefix(1_500))
        ivf.remove(faceIDs: Array(more))
        reference.remove(faceIDs: more)
        #expect(ivf.count == reference.faceIDs.count)
        #expect(ivf.listCount == 32)
        let rebuilt = ivf.nearestFaces(to: queries, count: 10)
        #expect(rebuilt.allSatisfy { $0.allSatisfy { !removed.contains($0.faceID) && !more.contains($0.faceID) } })
        #expect(recallAt10(rebuilt, reference.nearestFaces(to: queries, count: 10)) >= 0.99)
        ivf.settings.probes = 32  // every list: exactly the faces left
        #expect(ivf.nearestFaces(to: queries, count: 10) == reference.nearestFaces(to: queries, count: 10))

        // Subjects move without touching the lists.
        let subject = rebuilt[0][0].subjectID
        ivf.reassignSubject(from: subject, to: 999)
        #expect(ivf.nearestFaces(to: queries, count: 10)[0][0].subjectID == 999)
    }

    /// Before any face the index is untrained and answers nothing; a tiny first batch gets a single
    /// list (an exact scan); growth retrains with more lists; removing every face untrains it again.
    @Test func emptySmallAndGrowingIndexes() {
        let ivf = IVFSearchIndex(dimension: 4, settings: .init(maximumLists: 64, probes: 2))
        #expect(ivf.listCount == 0)
        #expect(ivf.nearestFaces(to: [1, 0, 0, 0], count: 3) == [[]])
        ivf.add(faceIDs: [10, 11], subjectIDs: [1, 2], descriptors: [1, 0, 0, 0, 0, 1, 0, 0])
        #expect(ivf.listCount == 1)
        let found = ivf.nearestFaces(to: [1, 0, 0, 0], count: 5)
        #expect(found[0].map(\.faceID) == [10, 11])
        #expect(abs(found[0][1].euclideanDistance - Float(2).squareRoot()) <= 1e-6)
        ivf.remove(faceIDs: [10])
        #expect(ivf.nearestFaces(to: [1, 0, 0, 0], count: 5)[0].map(\.faceID) == [11])
        ivf.remove(faceIDs: [11])
        #expect(ivf.count == 0 && ivf.listCount == 0)
        #expect(ivf.nearestFaces(to: [1, 0, 0, 0], count: 5) == [[]])

        var random = SeededRandom(seed: 12)
        var reference = ReferenceGallery(dimension: 4)
        var nextID: Int64 = 100
        func add(_ count: Int) {
            let descriptors = random.unitVectors(count, dimension: 4)
            let ids = (0..<Int64(count)).map { nextID + $0 }
            nextID += Int64(count)
            ivf.add(faceIDs: ids, subjectIDs: ids, descriptors: descriptors)
            reference.add(faceIDs: ids, subjectIDs: ids, descriptors: descriptors)
        }
        add(100)
        #expect(ivf.listCount == 100 / IVFSearchIndex.minimumFacesPerList)
        add(250)
        #expect(ivf.listCount == 2)  // 350 faces: not yet four times the 100 trained on
        add(50)
        #expect(ivf.listCount == 400 / IVFSearchIndex.minimumFacesPerList)
        #expect(ivf.count == 400)
        let queries = random.unitVectors(10, dimension: 4)
        ivf.settings.probes = 64
        // Every list scanned: the exact faces.
        #expect(ivf.nearestFaces(to: queries, count: 10).map { $0.map(\.faceID) }
                    == reference.nearestFaces(to: queries, count: 10).map { $0.map(\.faceID) })
    }
}
