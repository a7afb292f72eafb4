import FaceNN
import FaceTensor
import FaceTestSupport
import Testing

@Suite struct DlibModelReaderTests {
    static let descriptorModel = Result { try TestAssets.bytes(of: TestAssets.model("dlib_face_recognition_resnet_model_v1.dat")) }

    @Test func readsTheFaceDescriptorModel() throws {
        let model = try DlibModelReader.read(try Self.descriptorModel.get(), architecture: .faceDescriptorResNet)
        let layers = model.network.steps.compactMap { step -> (any Layer)? in
            if case .layer(let layer) = step { return layer }
            return nil
        }
        #expect(layers.filter { $0 is Convolution }.count == 29)
        #expect(layers.filter { $0 is Affine }.count == 29)
        #expect(layers.filter { $0 is FullyConnected }.count == 1)
        // dlib's published input means for this model.
        #expect(zip(model.inputChannelMeans, [122.782, 117.001, 104.298] as [Float]).allSatisfy { abs($0 - $1) < 1e-3 })
        #expect(model.metricDistanceThreshold.map { abs($0 - 0.6) < 1e-6 } == true)
        #expect(model.network.outputShape(for: Shape(batch: 2, channels: 3, height: 150, width: 150))
            == Shape(batch: 2, channels: 128, height: 1, width: 1))
        let optimized = model.network.optimized()
        #expect(optimized.steps.count < model.network.steps.count)
    }

    @Test(arguments: [0, 1, 2, 17, 300, 5_000, 1_000_000, 11_000_000, -1])
    func truncatedFileThrows(length: Int) throws {
        let bytes = try Self.descriptorModel.get()
        let cut = Array(bytes.prefix(length >= 0 ? length : bytes.count - 1))
        let error = #expect(throws: FaceNNError.self) {
            try DlibModelReader.read(cut, architecture: .faceDescriptorResNet)
        }
        #expect(error?.code == .truncatedModel)
        #expect(error?.message.contains("ends") == true)
    }

    @Test func wrongModelFileIsNamed() throws {
        let detector = try TestAssets.bytes(of: TestAssets.model("mmod_human_face_detector.dat"))
        let error = #expect(throws: FaceNNError.self) {
            try DlibModelReader.read(detector, architecture: .faceDescriptorResNet)
        }
        #expect(error?.code == .unexpectedLayer)
        #expect(error?.message.contains("loss_mmod_") == true)
    }

    @Test func corruptedStructureThrows() throws {
        var bytes = try Self.descriptorModel.get()
        // Byte 0x1e starts the run of layer version numbers; 0x7f is no valid integer control byte.
        bytes[0x1e] = 0x7f
        #expect(throws: FaceNNError.self) { try DlibModelReader.read(bytes, architecture: .faceDescriptorResNet) }
        var renamed = try Self.descriptorModel.get()
        let name = Array("input_rgb_image_sized".utf8)
        let offset = try #require((0..<4096).first { Array(renamed[$0..<$0 + name.count]) == name })
        renamed[offset] = UInt8(ascii: "x")
        let renamedError = #expect(throws: FaceNNError.self) {
            try DlibModelReader.read(renamed, architecture: .faceDescriptorResNet)
        }
        #expect(renamedError?.code == .unexpectedLayer)
        var extended = try Self.descriptorModel.get()
        extended += [1, 2, 3]
        let error = #expect(throws: FaceNNError.self) { try DlibModelReader.read(extended, architecture: .faceDescriptorResNet) }
        #expect(error?.code == .corruptModel)
    }

    @Test(arguments: [UInt64(1), 2, 3])
    func randomBytesThrow(seed: UInt64) {
        var random = SeededRandom(seed: seed)
        let bytes = (0..<4096).map { _ in UInt8.random(in: 0...255, using: &random) }
        #expect(throws: FaceNNError.self) { try DlibModelReader.read(bytes, architecture: .faceDescriptorResNet) }
    }
}
