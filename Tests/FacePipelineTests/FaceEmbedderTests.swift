import FaceCore
import FaceImage
import FacePipeline
import FaceTestSupport
import Foundation
import Testing

@Suite struct FaceEmbedderTests {
    static let embedder = Result { try FaceEmbedder(models: ModelDirectory(path: TestAssets.modelsDirectory)) }
    static let johns = TestAssets.sharedDatasets + "/dlib_johns"

    /// The shared development chips, when they sit beside the checkout: 5 people, 11 chips each.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: johns), "needs ../shared/datasets/dlib_johns"))
    func johnsChipsSeparateByIdentity() throws {
        let people = try FileManager.default.contentsOfDirectory(atPath: Self.johns).filter { !$0.hasSuffix(".csv") }.sorted()
        var chips: [Image] = [], labels: [String] = []
        for person in people {
            for file in try FileManager.default.contentsOfDirectory(atPath: Self.johns + "/" + person).sorted() {
                chips.append(try ImageDecoder.decode(contentsOf: Self.johns + "/" + person + "/" + file))
                labels.append(person)
            }
        }
        let descriptors = try Self.embedder.get().descriptors(for: chips)
        var correct = 0, total = 0
        for i in descriptors.indices {
            for j in descriptors.indices where j > i {
                let same = descriptors[i].euclideanDistance(to: descriptors[j]) < Descriptor.sameIdentityMaxEuclideanDistance
                if same == (labels[i] == labels[j]) { correct += 1 }
                total += 1
            }
        }
        print("dlib_johns pairs labelled correctly at 0.6: \(correct)/\(total)")
        // dlib's own descriptors separate this set perfectly; allow a pair or two for arithmetic order.
        #expect(total - correct <= 2)
    }

    @Test func refusesChipsOfTheWrongSize() throws {
        let wrong = Image(width: 149, height: 150, filledWith: (10, 20, 30))
        let error = #expect(throws: FacePipelineError.self) { try Self.embedder.get().descriptor(for: wrong) }
        #expect(error?.code == .invalidChip)
    }

    @Test func damagedModelIsRefusedByItsHash() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("facekit-damaged-\(getpid())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var bytes = try TestAssets.bytes(of: TestAssets.model(KnownModel.faceDescriptor.fileName))
        bytes[bytes.count / 2] ^= 0x01  // one bit inside the weights: parses fine, computes garbage
        try Data(bytes).write(to: URL(fileURLWithPath: directory + "/" + KnownModel.faceDescriptor.fileName))
        let error = #expect(throws: FacePipelineError.self) { try FaceEmbedder(models: ModelDirectory(path: directory)) }
        #expect(error?.code == .modelHashMismatch)
        let missing = #expect(throws: FacePipelineError.self) {
            try FaceEmbedder(models: ModelDirectory(path: directory + "/nowhere"))
        }
        #expect(missing?.code == .modelMissing)
    }
}
