import FaceCore
import Testing

@Suite struct SHA256Tests {
    // Test vectors from FIPS 180-4's examples and the empty message.
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
    ])
    func knownDigests(message: String, digest: String) {
        #expect(SHA256.hexDigest(Array(message.utf8)) == digest)
    }

    @Test func incrementalUpdatesEqualOneShot() {
        let message = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        var hash = SHA256()
        for chunk in stride(from: 0, to: message.count, by: 37) { hash.update(Array(message[chunk..<min(message.count, chunk + 37)])) }
        #expect(hash.finalizeHex() == SHA256.hexDigest(message))
    }
}

@Suite struct DescriptorTests {
    @Test func distances() {
        let a = Descriptor([3, 0, 0, 0]), b = Descriptor([0, 4, 0, 0])
        #expect(a.euclideanDistance(to: b) == 5)
        #expect(a.cosineDistance(to: b) == 1)
        #expect(a.cosineDistance(to: a) == 0)
        #expect(a.description == "Descriptor(4-D)")
    }
}
