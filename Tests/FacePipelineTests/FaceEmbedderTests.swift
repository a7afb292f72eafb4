import FaceCore
import FaceImage
import FacePipeline
import FaceTestSupport
import Foundation
import Testing

@Suite struct FaceEmbedderTests {
    static let embedder = Result { try FaceEmbedder(models: ModelDirectory(path: TestAssets.modelsDirectory)) }

    @Test func johnsChipsSeparateByIdentity() throws {
        let root = TestAssets.sharedDatasets + "/dlib_johns"
        let people = try FileManager.default.contentsOfDirectory(atPath: root).filter { !$0.hasSuffix(".csv") }.sorted()
        var chips: [Image] = [], labels: [String] = []
        for person in people {
            for file in try FileManager.default.contentsOfDirectory(atPath: root + "/" + person).sorted() {
                chips.append(try ImageDecoder.decode(contentsOf: root + "/" + person + "/" + file))
                labels.append(person)
            }
        }
        let embedder = try Self.embedder.get()
        let start = Date()
        let descriptors = try embedder.descriptors(for: chips)
        print("embedded \(chips.count) chips in \(Date().timeIntervalSince(start)) s")
        var correct = 0, total = 0
        for i in descriptors.indices {
            for j in descriptors.indices where j > i {
                let same = descriptors[i].euclideanDistance(to: descriptors[j]) < Descriptor.sameIdentityMaxEuclideanDistance
                if same == (labels[i] == labels[j]) { correct += 1 }
                total += 1
            }
        }
        print("pairs correct \(correct)/\(total)")
        #expect(Double(correct) / Double(total) > 0.95)
    }
}
