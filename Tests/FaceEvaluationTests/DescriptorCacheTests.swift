import FaceCore
import FaceEvaluation
import Foundation
import Testing

/// The descriptor cache: hits across reopening, misses under other settings, and damaged files.
@Suite struct DescriptorCacheTests {
    static func temporaryDirectory(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("facekit-cache-\(name)-\(getpid())").path
    }

    static func description(_ seed: Float, mirrored: Bool = true) -> PhotoDescription {
        PhotoDescription(
            source: .detected, facesFound: 2, box: BoundingBox(x: 67.5, y: 60, width: 115, height: 114),
            descriptor: Descriptor((0..<128).map { seed + Float($0) / 1000 }),
            mirroredDescriptor: mirrored ? Descriptor((0..<128).map { seed - Float($0) / 1000 }) : nil)
    }

    static let photoA = SHA256.hexDigest(Array("photo A".utf8))
    static let photoB = SHA256.hexDigest(Array("photo B".utf8))

    @Test func storedDescriptionsComeBackAfterReopening() {
        let directory = Self.temporaryDirectory("reopen")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let cache = DescriptorCache(directory: directory, settingsKey: "models=x;upsample=0")
        #expect(cache.description(forPhoto: Self.photoA) == nil)
        let fallback = PhotoDescription(
            source: .fallback, facesFound: 0, box: BoundingBox(x: 1, y: 2, width: 3, height: 4),
            descriptor: Self.description(0.5).descriptor)
        cache.store([(Self.photoA, Self.description(0.25)), (Self.photoB, fallback)])

        let reopened = DescriptorCache(directory: directory, settingsKey: "models=x;upsample=0")
        #expect(reopened.count == 2)
        #expect(reopened.description(forPhoto: Self.photoA) == Self.description(0.25))
        #expect(reopened.description(forPhoto: Self.photoB) == fallback)
        #expect(!reopened.droppedDamagedRecords)

        let otherSettings = DescriptorCache(directory: directory, settingsKey: "models=x;upsample=1")
        #expect(otherSettings.description(forPhoto: Self.photoA) == nil)
    }

    @Test func aTornRecordIsDroppedAndTheFileCutBack() throws {
        let directory = Self.temporaryDirectory("torn")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let cache = DescriptorCache(directory: directory, settingsKey: "k")
        cache.store([(Self.photoA, Self.description(0.25))])
        let goodLength = try #require(FileManager.default.contents(atPath: cache.path)).count
        cache.store([(Self.photoB, Self.description(0.75))])
        // Cut the second record in half, as a crash during the write would.
        let full = try #require(FileManager.default.contents(atPath: cache.path))
        try full.prefix(goodLength + (full.count - goodLength) / 2).write(to: URL(fileURLWithPath: cache.path))

        let reopened = DescriptorCache(directory: directory, settingsKey: "k")
        #expect(reopened.droppedDamagedRecords)
        #expect(reopened.description(forPhoto: Self.photoA) == Self.description(0.25))
        #expect(reopened.description(forPhoto: Self.photoB) == nil)
        #expect(try #require(FileManager.default.contents(atPath: cache.path)).count == goodLength)
        // It keeps working: the photo can be stored again.
        reopened.store([(Self.photoB, Self.description(0.75))])
        #expect(
            DescriptorCache(directory: directory, settingsKey: "k").description(forPhoto: Self.photoB)
                == Self.description(0.75))
    }

    @Test func aFlippedByteFailsTheChecksum() throws {
        let directory = Self.temporaryDirectory("flipped")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let cache = DescriptorCache(directory: directory, settingsKey: "k")
        cache.store([(Self.photoA, Self.description(0.25, mirrored: false))])
        var bytes = [UInt8](try #require(FileManager.default.contents(atPath: cache.path)))
        bytes[bytes.count - 40] ^= 0x01  // inside the descriptor
        try Data(bytes).write(to: URL(fileURLWithPath: cache.path))
        let reopened = DescriptorCache(directory: directory, settingsKey: "k")
        #expect(reopened.droppedDamagedRecords)
        #expect(reopened.count == 0)
    }

    @Test func aFileThatIsNotACacheIsReplaced() throws {
        let directory = Self.temporaryDirectory("foreign")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try Data("not a cache at all".utf8).write(to: URL(fileURLWithPath: directory + "/descriptors-v1.bin"))
        let cache = DescriptorCache(directory: directory, settingsKey: "k")
        #expect(cache.count == 0)
        cache.store([(Self.photoA, Self.description(0.25))])
        #expect(
            DescriptorCache(directory: directory, settingsKey: "k").description(forPhoto: Self.photoA)
                == Self.description(0.25))
    }

    @Test func defaultDirectoryFollowsTheEnvironment() {
        #expect(DescriptorCache.defaultDirectory(["FACEKIT_CACHE": "/c", "FACEKIT_HOME": "/h"]) == "/c")
        #expect(DescriptorCache.defaultDirectory(["FACEKIT_HOME": "/h", "HOME": "/home/u"]) == "/h/cache")
        #expect(DescriptorCache.defaultDirectory(["XDG_CACHE_HOME": "/x", "HOME": "/home/u"]) == "/x/facekit")
        #expect(DescriptorCache.defaultDirectory(["HOME": "/home/u"]) == "/home/u/.cache/facekit")
    }
}
