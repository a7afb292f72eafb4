import FaceNN
import FaceTensor
import FaceTestSupport
import Testing

@Suite struct ConvolutionTests {
    /// Float32 products summed in a different order than the Double reference: 1e-4 relative is ample.
    static let tolerance: Float = 1e-4

    @Test(arguments: 0..<24)
    func matchesReferenceLoopOnRandomShapes(seed: Int) {
        var random = SeededRandom(seed: UInt64(seed))
        let kernel = Int.random(in: 1...7, using: &random)
        let stride = Int.random(in: 1...3, using: &random)
        let padding = Int.random(in: 0...kernel / 2 + 1, using: &random)
        let shape = Shape(batch: Int.random(in: 1...3, using: &random), channels: Int.random(in: 1...6, using: &random),
                          height: Int.random(in: kernel...kernel + 15, using: &random),
                          width: Int.random(in: kernel...kernel + 15, using: &random))
        let filters = Int.random(in: 1...9, using: &random)
        let window = Window2D(height: kernel, width: kernel, strideY: stride, strideX: stride,
                              paddingY: padding, paddingX: padding)
        let input = random.floats(shape.count)
        let weights = random.floats(filters * shape.channels * kernel * kernel)
        let bias = random.floats(filters)
        let expected = ReferenceLoops.convolution(input, shape, weights: weights, bias: bias, filters: filters,
                                                  window: window)
        let layer = Convolution(weights: weights, bias: bias, filters: filters, inputChannels: shape.channels,
                                window: window)
        for (threads, prepared) in [(1, false), (2, false), (1, true), (2, true)] {
            let output = (prepared ? layer.preparedForInference() : layer)
                .forward(Tensor(shape: shape, nchw: input), context: ComputeContext(threads: threads))
            #expect(output.shape == expected.shape)
            #expect(ReferenceLoops.maxRelativeError(output.nchw(), expected.values) <= Self.tolerance,
                    "shape \(shape) window \(window) filters \(filters) threads \(threads)")
        }
    }

    @Test func largeBatchSpansManyChunks() {
        // Enough positions that the work splits into many im2col chunks across both workers.
        var random = SeededRandom(seed: 99)
        let shape = Shape(batch: 4, channels: 3, height: 40, width: 37)
        let window = Window2D(height: 3, width: 3, paddingY: 1, paddingX: 1)
        let input = random.floats(shape.count), weights = random.floats(8 * 3 * 9), bias = random.floats(8)
        let expected = ReferenceLoops.convolution(input, shape, weights: weights, bias: bias, filters: 8, window: window)
        let output = Convolution(weights: weights, bias: bias, filters: 8, inputChannels: 3, window: window)
            .forward(Tensor(shape: shape, nchw: input), context: ComputeContext(threads: 2))
        #expect(ReferenceLoops.maxRelativeError(output.nchw(), expected.values) <= Self.tolerance)
    }

    @Test(arguments: [0, 2, 4])
    func singleFilterConvolutionMatchesReferenceLoop(padding: Int) {
        var random = SeededRandom(seed: 31 + UInt64(padding))
        let shape = Shape(batch: 2, channels: 5, height: 12, width: 15)
        let window = Window2D(height: 9, width: 9, paddingY: padding, paddingX: padding)
        let input = random.floats(shape.count), weights = random.floats(5 * 81), bias = random.floats(1)
        let expected = ReferenceLoops.convolution(input, shape, weights: weights, bias: bias, filters: 1, window: window)
        for activation in [FusedActivation.none, .relu] {
            let output = Convolution(weights: weights, bias: bias, filters: 1, inputChannels: 5, window: window,
                                     activation: activation)
                .forward(Tensor(shape: shape, nchw: input), context: ComputeContext(threads: 2))
            let reference = activation == .relu ? expected.values.map { max(0, $0) } : expected.values
            #expect(output.shape == expected.shape)
            #expect(ReferenceLoops.maxRelativeError(output.nchw(), reference) <= Self.tolerance)
        }
    }

    /// 3×3 stride-1 layers take the Winograd path: odd and even maps, every padding, few tiles (shared
    /// by filters) and many (chunked).
    @Test(arguments: [(1, 4, 5, 0), (1, 7, 7, 1), (2, 9, 8, 2), (3, 17, 17, 1), (33, 12, 13, 1), (4, 35, 35, 1), (40, 35, 35, 1)])
    func winogradPathMatchesReferenceLoop(batch: Int, height: Int, width: Int, padding: Int) {
        var random = SeededRandom(seed: UInt64(batch * 1000 + height * 10 + padding))
        let shape = Shape(batch: batch, channels: 6, height: height, width: width)
        let window = Window2D(height: 3, width: 3, paddingY: padding, paddingX: padding)
        let input = random.floats(shape.count), weights = random.floats(10 * 6 * 9), bias = random.floats(10)
        let expected = ReferenceLoops.convolution(input, shape, weights: weights, bias: bias, filters: 10, window: window)
        let layer = Convolution(weights: weights, bias: bias, filters: 10, inputChannels: 6, window: window, activation: .relu)
            .preparedForInference()
        for threads in [1, 2] {
            let output = layer.forward(Tensor(shape: shape, nchw: input), context: ComputeContext(threads: threads))
            #expect(output.shape == expected.shape)
            #expect(ReferenceLoops.maxRelativeError(output.nchw(), expected.values.map { max(0, $0) }) <= Self.tolerance)
        }
    }

    /// 5×5 layers with stride 1 or 2 take the large-tile Winograd path: maps that are and are not whole
    /// tiles, every padding, several images, one chunk and many. Its transforms use points up to ±2,
    /// whose rounding grows with the tile: 1e-3 relative is what float32 allows there.
    @Test(arguments: [(1, 1, 9, 9, 2), (2, 1, 23, 30, 2), (1, 1, 13, 6, 0), (3, 1, 40, 37, 1), (1, 2, 9, 9, 0),
                      (2, 2, 24, 31, 0), (1, 2, 17, 40, 2), (3, 2, 60, 47, 1), (1, 1, 200, 150, 2),
                      (1, 2, 300, 180, 0)])
    func largeTileWinogradPathMatchesReferenceLoop(batch: Int, stride: Int, height: Int, width: Int, padding: Int) {
        var random = SeededRandom(seed: UInt64(batch * 10000 + stride * 1000 + height * 10 + padding))
        let shape = Shape(batch: batch, channels: 7, height: height, width: width)
        let window = Window2D(height: 5, width: 5, strideY: stride, strideX: stride,
                              paddingY: padding, paddingX: padding)
        let input = random.floats(shape.count), weights = random.floats(9 * 7 * 25), bias = random.floats(9)
        let expected = ReferenceLoops.convolution(input, shape, weights: weights, bias: bias, filters: 9,
                                                  window: window)
        let layer = Convolution(weights: weights, bias: bias, filters: 9, inputChannels: 7, window: window,
                                activation: .relu).preparedForInference()
        for threads in [1, 2] {
            let output = layer.forward(Tensor(shape: shape, nchw: input), context: ComputeContext(threads: threads))
            #expect(output.shape == expected.shape)
            #expect(ReferenceLoops.maxRelativeError(output.nchw(), expected.values.map { max(0, $0) }) <= 1e-3,
                    "shape \(shape) window \(window) threads \(threads)")
        }
    }

    @Test func pointwiseConvolutionUsesInputDirectly() {
        var random = SeededRandom(seed: 7)
        let shape = Shape(batch: 2, channels: 5, height: 6, width: 7)
        let window = Window2D(height: 1, width: 1)
        let input = random.floats(shape.count), weights = random.floats(4 * 5), bias = random.floats(4)
        let expected = ReferenceLoops.convolution(input, shape, weights: weights, bias: bias, filters: 4, window: window)
        let output = Convolution(weights: weights, bias: bias, filters: 4, inputChannels: 5, window: window)
            .forward(Tensor(shape: shape, nchw: input), context: ComputeContext(threads: 2))
        #expect(ReferenceLoops.maxRelativeError(output.nchw(), expected.values) <= Self.tolerance)
    }

    @Test func foldedAffineAndFusedReLUEqualTheSeparateLayers() {
        var random = SeededRandom(seed: 11)
        let shape = Shape(batch: 2, channels: 3, height: 9, width: 8)
        let window = Window2D(height: 3, width: 3, strideY: 2, strideX: 2)
        let convolution = Convolution(weights: random.floats(6 * 3 * 9), bias: random.floats(6), filters: 6,
                                      inputChannels: 3, window: window)
        let affine = Affine(scale: random.floats(6, in: 0.2...2), shift: random.floats(6))
        let input = Tensor(shape: shape, nchw: random.floats(shape.count))
        let context = ComputeContext(threads: 2)
        let separate = Network(steps: [.layer(convolution), .layer(affine), .layer(ReLU())])
        let merged = separate.optimized()
        #expect(merged.steps.count == 1)
        let expected = separate.forward(input, context: context).storage
        #expect(expected.contains { $0 == 0 } && expected.contains { $0 > 0 })
        #expect(ReferenceLoops.maxRelativeError(merged.forward(input, context: context).storage, expected) <= 1e-5)
    }
}
