import FaceNN
import FaceTensor
import FaceTestSupport
import Testing

@Suite struct LayerTests {
    static let tolerance: Float = 1e-5

    @Test(arguments: 0..<12)
    func poolingMatchesReferenceLoop(seed: Int) {
        var random = SeededRandom(seed: UInt64(seed) + 1000)
        let size = Int.random(in: 1...4, using: &random)
        let stride = Int.random(in: 1...3, using: &random)
        let padding = Int.random(in: 0...size / 2, using: &random)
        let window = Window2D(height: size, width: size, strideY: stride, strideX: stride, paddingY: padding, paddingX: padding)
        let shape = Shape(batch: Int.random(in: 1...3, using: &random), channels: Int.random(in: 1...4, using: &random),
                          height: Int.random(in: size...size + 12, using: &random),
                          width: Int.random(in: size...size + 12, using: &random))
        let input = random.floats(shape.count)
        let tensor = Tensor(shape: shape, nchw: input)
        for threads in [1, 2] {
            let context = ComputeContext(threads: threads)
            let maxOut = MaxPool(window: window).forward(tensor, context: context)
            #expect(ReferenceLoops.maxRelativeError(maxOut.nchw(), ReferenceLoops.pool(input, shape, window: window, max: true)) == 0)
            let avgOut = AveragePool(window: window).forward(tensor, context: context)
            #expect(ReferenceLoops.maxRelativeError(avgOut.nchw(), ReferenceLoops.pool(input, shape, window: window, max: false)) <= Self.tolerance)
        }
    }

    @Test func globalAveragePoolAveragesEachMap() {
        var random = SeededRandom(seed: 5)
        let shape = Shape(batch: 3, channels: 4, height: 5, width: 6)
        let input = random.floats(shape.count)
        let output = AveragePool.global.forward(Tensor(shape: shape, nchw: input), context: ComputeContext(threads: 2))
        #expect(output.shape == Shape(batch: 3, channels: 4, height: 1, width: 1))
        let expected = stride(from: 0, to: input.count, by: 30).map { input[$0..<$0 + 30].reduce(0, +) / 30 }
        #expect(ReferenceLoops.maxRelativeError(output.nchw(), expected) <= Self.tolerance)
    }

    @Test(arguments: [true, false])
    func fullyConnectedMatchesReferenceLoop(withBias: Bool) {
        var random = SeededRandom(seed: 17)
        let shape = Shape(batch: 5, channels: 3, height: 2, width: 2)
        let inputs = shape.sampleSize, outputs = 7
        let input = random.floats(shape.count), weights = random.floats(inputs * outputs)
        let bias = withBias ? random.floats(outputs) : nil
        let output = FullyConnected(weights: weights, bias: bias, inputs: inputs, outputs: outputs)
            .forward(Tensor(shape: shape, nchw: input), context: ComputeContext(threads: 2))
        var expected: [Float] = []
        for n in 0..<shape.batch {
            for o in 0..<outputs {
                var sum = bias?[o] ?? 0
                for i in 0..<inputs { sum += input[n * inputs + i] * weights[i * outputs + o] }
                expected.append(sum)
            }
        }
        #expect(output.shape == Shape(batch: 5, channels: 7, height: 1, width: 1))
        #expect(ReferenceLoops.maxRelativeError(output.nchw(), expected) <= Self.tolerance)
    }

    @Test func affineAndReLUAreElementwise() {
        var random = SeededRandom(seed: 23)
        let shape = Shape(batch: 2, channels: 3, height: 4, width: 5)
        let input = random.floats(shape.count)
        let scale = random.floats(3), shift = random.floats(3)
        let context = ComputeContext(threads: 2)
        let affine = Affine(scale: scale, shift: shift).forward(Tensor(shape: shape, nchw: input), context: context)
        let relu = ReLU().forward(affine, context: context)
        for (index, value) in input.enumerated() {
            let c = (index / shape.planeSize) % shape.channels
            let expected = scale[c] * value + shift[c]
            #expect(abs(affine.nchw()[index] - expected) <= Self.tolerance)
            #expect(relu.nchw()[index] == max(0, affine.nchw()[index]))
        }
    }

    @Test func residualAddZeroPadsChannelsAndMaps() {
        // dlib's down-sampling blocks add a 3×3 map with 256 channels to a 4×4 shortcut with 128.
        var random = SeededRandom(seed: 29)
        let small = Shape(batch: 2, channels: 4, height: 3, width: 3)
        let large = Shape(batch: 2, channels: 2, height: 4, width: 4)
        let a = Tensor(shape: small, nchw: random.floats(small.count))
        let b = Tensor(shape: large, nchw: random.floats(large.count))
        let sum = ResidualAdd.add(a, b, activation: .none, context: ComputeContext(threads: 2))
        #expect(sum.shape == Shape(batch: 2, channels: 4, height: 4, width: 4))
        for n in 0..<2 {
            for c in 0..<4 {
                for y in 0..<4 {
                    for x in 0..<4 {
                        let fromA: Float = c < 4 && y < 3 && x < 3 ? a[n, c, y, x] : 0
                        let fromB: Float = c < 2 ? b[n, c, y, x] : 0
                        #expect(sum[n, c, y, x] == fromA + fromB)
                    }
                }
            }
        }
        let same = ResidualAdd.add(a, a, activation: .relu, context: ComputeContext(threads: 2))
        #expect(same.storage == a.storage.map { max(0, 2 * $0) })
    }
}
