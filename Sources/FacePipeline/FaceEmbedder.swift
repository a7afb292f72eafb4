import FaceCore
import FaceImage
import FaceNN
import FaceTensor

/// Turns aligned 150×150 face chips into 128-D descriptors with dlib's ResNet model.
///
/// Loads the model once; `descriptors(for:)` is thread-safe and runs chips in batches, each batch one
/// forward pass spread over the context's threads.
public struct FaceEmbedder: Sendable {
    /// Side of the square chip the network takes.
    public static let chipSize = 150

    private let network: Network
    private let channelMeans: [Float]

    /// Loads the descriptor model from `models`, verifying its published hash first.
    public init(models: ModelDirectory = .fromEnvironment()) throws(FacePipelineError) {
        let bytes = try models.verifiedContents(of: .faceDescriptor)
        try self.init(modelBytes: bytes, origin: models.path(of: .faceDescriptor))
    }

    /// Loads the descriptor model from the bytes of a dlib model file (no hash check).
    public init(modelBytes: [UInt8], origin: String = "model") throws(FacePipelineError) {
        do {
            let model = try DlibModelReader.read(modelBytes, architecture: .faceDescriptorResNet)
            network = model.network.optimized()
            channelMeans = model.inputChannelMeans
        } catch {
            throw FacePipelineError(.modelUnreadable, "\(origin): \(error.message)", underlying: error)
        }
    }

    /// Floating-point operations to compute one descriptor.
    public var floatingPointOperationsPerChip: Int {
        network.floatingPointOperations(for: Shape(batch: 1, channels: 3, height: Self.chipSize, width: Self.chipSize))
    }

    /// Descriptors for `chips`, in order; each chip must be 150×150.
    public func descriptors(for chips: [Image], batchSize: Int = 32,
                            context: ComputeContext = ComputeContext()) throws(FacePipelineError) -> [Descriptor] {
        for (index, chip) in chips.enumerated() where chip.width != Self.chipSize || chip.height != Self.chipSize {
            throw FacePipelineError(.invalidChip, "chip \(index) is \(chip.width)×\(chip.height), expected \(Self.chipSize)×\(Self.chipSize)")
        }
        var result: [Descriptor] = []
        result.reserveCapacity(chips.count)
        for start in stride(from: 0, to: chips.count, by: max(1, batchSize)) {
            let batch = Array(chips[start..<min(chips.count, start + max(1, batchSize))])
            let output = network.forward(inputTensor(batch, context: context), context: context)
            let values = output.nchw()
            let dimension = output.shape.sampleSize
            for n in 0..<batch.count { result.append(Descriptor(Array(values[n * dimension..<(n + 1) * dimension]))) }
        }
        return result
    }

    /// The descriptor of one chip.
    public func descriptor(for chip: Image, context: ComputeContext = ComputeContext()) throws(FacePipelineError) -> Descriptor {
        try descriptors(for: [chip], batchSize: 1, context: context)[0]
    }

    /// Chips as the network's input: channel-major, each value `(v − mean) / 256` as dlib's input layer does.
    private func inputTensor(_ chips: [Image], context: ComputeContext) -> Tensor {
        let plane = Self.chipSize * Self.chipSize
        let shape = Shape(batch: chips.count, channels: 3, height: Self.chipSize, width: Self.chipSize)
        var input = Tensor.uninitialized(shape: shape)
        input.storage.withUnsafeMutableBufferPointer { target in
            context.parallelFor(chips.count) { n in
                let chip = chips[n]
                chip.pixels.withUnsafeBufferPointer { pixels in
                    for channel in 0..<3 {
                        let base = (channel * chips.count + n) * plane
                        let mean = channelMeans[channel]
                        for i in 0..<plane { target[base + i] = (Float(pixels[3 * i + channel]) - mean) / 256 }
                    }
                }
            }
        }
        return input
    }
}
