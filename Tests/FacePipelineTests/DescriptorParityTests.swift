import FaceCore
import FaceImage
import FacePipeline
import FaceTestSupport
import Foundation
import Testing

/// FaceKit's descriptors against dlib's own, computed by the reference program on the same chips.
@Suite struct DescriptorParityTests {
    /// Per-component bound from the foundation issue; float32 arithmetic in another order gives ~1e-6.
    static let maxComponentDifference: Float = 1e-3

    /// Real face chips: those dlib extracts from the test photos, plus the dlib_johns chips when the
    /// shared datasets sit beside the checkout; without them, from the mirrored test photos too, so
    /// there are always at least 10.
    static let chips = Result { try realChips() }

    private static func realChips() throws -> [String] {
        let chipsDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("facekit-parity-\(getpid())").path
        try FileManager.default.createDirectory(atPath: chipsDirectory, withIntermediateDirectories: true)
        var photos = ["obama.jpg", "obama2.jpg", "obama3.jpg", "biden.jpg", "obama_partial_face.jpg",
                      "obama_partial_face2.jpg", "32bit.png"].map(TestAssets.photo)
        var johnsChips: [String] = []
        let johns = TestAssets.sharedDatasets + "/dlib_johns"
        if let people = try? FileManager.default.contentsOfDirectory(atPath: johns) {
            for person in people.sorted() where !person.hasSuffix(".csv") {
                let files = (try? FileManager.default.contentsOfDirectory(atPath: johns + "/" + person)) ?? []
                johnsChips += files.sorted().map { johns + "/" + person + "/" + $0 }
            }
        }
        if johnsChips.isEmpty {
            for photo in photos {
                let image = try ImageDecoder.decode(contentsOf: photo)
                var mirrored = image.pixels
                for y in 0..<image.height {
                    for x in 0..<image.width {
                        for c in 0..<3 { mirrored[(y * image.width + x) * 3 + c] = image.pixels[(y * image.width + image.width - 1 - x) * 3 + c] }
                    }
                }
                let path = chipsDirectory + "/mirrored_" + URL(fileURLWithPath: photo).deletingPathExtension().lastPathComponent + ".png"
                let png = try ImageEncoder.png(Image(width: image.width, height: image.height, pixels: mirrored))
                try Data(png).write(to: URL(fileURLWithPath: path))
                photos.append(path)
            }
        }
        let photoChips = try DlibReference.faces(images: photos, upsample: 0, chipsOut: chipsDirectory)
            .values.flatMap { $0.compactMap(\.chip) }.sorted()
        return photoChips + johnsChips
    }

    @Test func descriptorsMatchDlibOnRealChips() throws {
        let chips = try Self.chips.get()
        #expect(chips.count >= 10, "parity needs at least 10 real chips, found \(chips.count)")
        let reference = try DlibReference.descriptors(chips: chips)
        let embedder = try FaceEmbedder(models: ModelDirectory(path: TestAssets.modelsDirectory))
        let images = try chips.map { try ImageDecoder.decode(contentsOf: $0) }
        let ours = try embedder.descriptors(for: images)
        var maxDifference: Float = 0, sumDifference: Float = 0, count = 0
        for (path, descriptor) in zip(chips, ours) {
            let theirs = try #require(reference[path], "no reference descriptor for \(path)")
            try #require(theirs.count == 128 && descriptor.dimension == 128)
            for (a, b) in zip(descriptor.values, theirs) {
                maxDifference = max(maxDifference, abs(a - b))
                sumDifference += abs(a - b)
                count += 1
            }
        }
        print("descriptor parity over \(chips.count) chips: max |Δ| \(maxDifference), mean |Δ| \(sumDifference / Float(count))")
        #expect(maxDifference <= Self.maxComponentDifference)
    }

    @Test func batchSizeDoesNotChangeDescriptors() throws {
        let chips = try Array(Self.chips.get().prefix(5)).map { try ImageDecoder.decode(contentsOf: $0) }
        let embedder = try FaceEmbedder(models: ModelDirectory(path: TestAssets.modelsDirectory))
        let one = try embedder.descriptors(for: chips, batchSize: 1)
        let all = try embedder.descriptors(for: chips, batchSize: 32)
        for (a, b) in zip(one, all) {
            #expect(a.euclideanDistance(to: b) < 1e-5)
        }
    }
}
