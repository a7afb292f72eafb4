import FaceTensor

/// 2-D convolution (cross-correlation) with a bias per filter and an optional fused ReLU.
///
/// Computes `out[n, f, oy, ox] = bias[f] + Σ_{c,ky,kx} weights[f, c, ky, kx] · in[n, c, oy·s−p+ky, ox·s−p+kx]`,
/// zero outside the input. The batch's image columns are unrolled (im2col) in chunks and multiplied by
/// the filter matrix, one chunk per worker; bias and activation are applied to the chunk right after.
/// Once ``preparedForInference()``, 3×3 stride-1 and 5×5 windows run by Winograd's minimal filtering
/// instead; a single stride-1 filter (a score map) always runs as direct sums.
/// A following affine layer (frozen batch norm) can be folded into the weights with ``folding(_:)``.
public struct Convolution: Layer {
    /// Filters, shape (filters, inputChannels, window.height, window.width), row-major: [F][C][kh][kw].
    public private(set) var weights: [Float]
    /// One bias per filter: [F].
    public private(set) var bias: [Float]
    /// Number of filters, i.e. output channels.
    public let filters: Int
    /// Channels expected in the input.
    public let inputChannels: Int
    /// Filter size, stride and padding.
    public let window: Window2D
    /// Activation applied to the output.
    public private(set) var activation: FusedActivation
    /// For 3×3 stride-1 filters, the filters in Winograd's transform domain (the faster path).
    private var winograd: Winograd3x3?
    /// For 5×5 filters with stride 1 or 2, the same idea on larger tiles (``WinogradConvolution``).
    private var tiledWinograd: WinogradConvolution?

    /// Creates a convolution from filter weights (F·C·kh·kw values) and biases (F values).
    public init(weights: [Float], bias: [Float], filters: Int, inputChannels: Int, window: Window2D,
                activation: FusedActivation = .none) {
        precondition(weights.count == filters * inputChannels * window.height * window.width,
                     "convolution weights: \(weights.count) values for \(filters)×\(inputChannels)×\(window.height)×\(window.width)")
        precondition(bias.count == filters, "convolution bias: \(bias.count) values for \(filters) filters")
        self.weights = weights
        self.bias = bias
        self.filters = filters
        self.inputChannels = inputChannels
        self.window = window
        self.activation = activation
    }

    /// The same convolution with its fastest algorithm set up: for 3×3 stride-1 and 5×5 windows, the
    /// filters are taken to Winograd's transform domain once here rather than on every pass.
    /// ``Network/optimized()`` does this for every convolution.
    public func preparedForInference() -> Convolution {
        var prepared = self
        prepared.winograd = Self.usesWinograd(window)
            ? Winograd3x3(weights: weights, filters: filters, channels: inputChannels) : nil
        prepared.tiledWinograd = WinogradConvolution.plan(weights: weights, filters: filters, channels: inputChannels,
                                                          window: window)
        return prepared
    }

    /// Winograd F(2×2, 3×3) needs a 3×3 window moving one pixel at a time, equally padded.
    private static func usesWinograd(_ window: Window2D) -> Bool {
        window.height == 3 && window.width == 3 && window.strideX == 1 && window.strideY == 1
            && window.paddingX == window.paddingY
    }

    /// This convolution followed by `affine`, as one convolution: `a·(W·x + b) + c = (a·W)·x + (a·b + c)`.
    public func folding(_ affine: Affine) -> Convolution {
        precondition(affine.channels == filters, "affine has \(affine.channels) channels, convolution \(filters) filters")
        precondition(activation == .none, "cannot fold an affine layer behind an activation")
        var weights = self.weights, bias = self.bias
        let taps = inputChannels * window.height * window.width
        for f in 0..<filters {
            for i in 0..<taps { weights[f * taps + i] *= affine.scale[f] }
            bias[f] = affine.scale[f] * self.bias[f] + affine.shift[f]
        }
        return Convolution(weights: weights, bias: bias, filters: filters, inputChannels: inputChannels, window: window,
                           activation: activation)
    }

    /// This convolution with `activation` applied to its output (set up as this one was).
    public func fusing(_ activation: FusedActivation) -> Convolution {
        var fused = self
        fused.activation = activation
        return fused
    }

    public func outputShape(for shape: Shape) -> Shape {
        precondition(shape.channels == inputChannels, "convolution expects \(inputChannels) channels, input is \(shape)")
        let size = window.outputSize(inputHeight: shape.height, inputWidth: shape.width)
        return Shape(batch: shape.batch, channels: filters, height: size.height, width: size.width)
    }

    public func forward(_ input: Tensor, context: ComputeContext) -> Tensor {
        let outShape = outputShape(for: input.shape)
        var output = Tensor.uninitialized(shape: outShape)  // the product writes every element
        let positions = outShape.batch * outShape.planeSize
        let taps = inputChannels * window.height * window.width
        if positions == 0 { return output }
        let isPointwise = window.height == 1 && window.width == 1 && window.strideX == 1 && window.strideY == 1
            && window.paddingX == 0 && window.paddingY == 0
        if let winograd {
            winograd.forward(input, padding: window.paddingX, bias: bias, activation: activation, into: &output,
                             context: context)
            return output
        }
        if let tiledWinograd {
            tiledWinograd.forward(input, bias: bias, activation: activation, into: &output, context: context)
            return output
        }
        if filters == 1 && window.strideX == 1 && window.strideY == 1 {
            // One filter (a score map): im2col would copy each input value taps times for one product
            // each; accumulating shifted input rows directly is several times cheaper.
            forwardSingleFilter(input, into: &output, context: context)
            return output
        }
        // Chunks of about 4 MB of columns (at most 4096 positions): large enough that each product amortises
        // BLAS's packing of the filters; measured fastest on these machines for both networks.
        let preferredWidth = max(64, min(4096, (1 << 20) / taps))
        if context.threads > 1 && positions < 2 * context.threads * preferredWidth / 2 {
            // Too few positions to share out (small maps at small batches): unroll them all once and
            // give each worker a share of the filters instead.
            forwardSplittingFilters(input, into: &output, positions: positions, taps: taps,
                                    isPointwise: isPointwise, context: context)
            return output
        }
        // Equal chunks, a multiple of the worker count, so no worker waits for another at the end.
        let workers = context.threads
        var chunkCount = (positions + preferredWidth - 1) / preferredWidth
        chunkCount = (chunkCount + workers - 1) / workers * workers
        let chunkWidth = (positions + chunkCount - 1) / chunkCount
        chunkCount = (positions + chunkWidth - 1) / chunkWidth
        let source = im2colSource(input, context: context)
        source.withUnsafeBufferPointer { inputBuffer in
            weights.withUnsafeBufferPointer { weightBuffer in
                bias.withUnsafeBufferPointer { biasBuffer in
                    output.storage.withUnsafeMutableBufferPointer { outputBuffer in
                        let inputPointer = inputBuffer.baseAddress!, outputPointer = outputBuffer.baseAddress!
                        let weightPointer = weightBuffer.baseAddress!, biasPointer = biasBuffer.baseAddress!
                        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: workers * taps * chunkWidth)
                        defer { scratch.deallocate() }
                        context.parallelFor(workers) { worker in
                            let columns = scratch + worker * taps * chunkWidth
                            var chunk = worker
                            while chunk < chunkCount {
                                let start = chunk * chunkWidth
                                let end = min(positions, start + chunkWidth)
                                let matrix: UnsafePointer<Float>
                                let matrixStride: Int
                                if isPointwise {
                                    matrix = UnsafePointer(inputPointer + start)
                                    matrixStride = positions
                                } else {
                                    Im2Col.fill(input: inputPointer, inputShape: input.shape, window: window,
                                                outputHeight: outShape.height, outputWidth: outShape.width,
                                                positions: start..<end, columns: columns)
                                    matrix = UnsafePointer(columns)
                                    matrixStride = end - start
                                }
                                GEMM.multiply(m: filters, n: end - start, k: taps,
                                              a: weightPointer, lda: taps, b: matrix, ldb: matrixStride,
                                              c: outputPointer + start, ldc: positions)
                                applyEpilogue(outputPointer + start, filters: 0..<filters, rowStride: positions,
                                              columns: end - start, bias: biasPointer)
                                chunk += workers
                            }
                        }
                    }
                }
            }
        }
        return output
    }

    /// A stride-1 convolution with one filter. Each run of 64 outputs along a row keeps its sums in
    /// registers across every tap, reading a zero-padded copy of the input so that no tap needs an edge
    /// test; the sums are formed in the same order as the reference loop.
    private func forwardSingleFilter(_ input: Tensor, into output: inout Tensor, context: ComputeContext) {
        let inShape = input.shape, outShape = output.shape
        let run = 64
        // Padded row p holds input row p − paddingY, padded column q input column q − paddingX.
        let paddedWidth = (outShape.width + run - 1) / run * run + window.width - 1
        let paddedHeight = inShape.height + 2 * window.paddingY
        let planes = inShape.channels * inShape.batch
        var padded = [Float](repeating: 0, count: planes * paddedHeight * paddedWidth)
        let rows = outShape.batch * outShape.height
        let window = self.window, channels = inputChannels, relu = activation == .relu
        input.storage.withUnsafeBufferPointer { inputBuffer in
            padded.withUnsafeMutableBufferPointer { paddedBuffer in
                let source = inputBuffer.baseAddress!, target = paddedBuffer.baseAddress!
                context.parallelFor(planes) { plane in
                    for y in 0..<inShape.height {
                        (target + (plane * paddedHeight + y + window.paddingY) * paddedWidth + window.paddingX)
                            .update(from: source + (plane * inShape.height + y) * inShape.width, count: inShape.width)
                    }
                }
            }
        }
        padded.withUnsafeBufferPointer { paddedBuffer in
            weights.withUnsafeBufferPointer { weightBuffer in
                output.storage.withUnsafeMutableBufferPointer { outputBuffer in
                    let paddedBase = paddedBuffer.baseAddress!, weightBase = weightBuffer.baseAddress!
                    let outputBase = outputBuffer.baseAddress!, bias = self.bias[0]
                    let vector = SIMD16<Float>.self
                    context.parallelFor(rows) { row in
                        let n = row / outShape.height, oy = row % outShape.height
                        let target = outputBase + row * outShape.width
                        var start = 0
                        while start < outShape.width {
                            // Four 16-lane sums: enough independent chains to keep both FMA units busy.
                            var sums = (SIMD16<Float>(repeating: bias), SIMD16<Float>(repeating: bias),
                                        SIMD16<Float>(repeating: bias), SIMD16<Float>(repeating: bias))
                            for channel in 0..<channels {
                                let plane = paddedBase
                                    + ((channel * inShape.batch + n) * paddedHeight + oy) * paddedWidth + start
                                for ky in 0..<window.height {
                                    let line = UnsafeRawPointer(plane + ky * paddedWidth)
                                    let taps = weightBase + (channel * window.height + ky) * window.width
                                    for kx in 0..<window.width {
                                        let weight = SIMD16<Float>(repeating: taps[kx])
                                        let from = line + 4 * kx
                                        sums.0.addProduct(weight, from.loadUnaligned(as: vector))
                                        sums.1.addProduct(weight, from.loadUnaligned(fromByteOffset: 64, as: vector))
                                        sums.2.addProduct(weight, from.loadUnaligned(fromByteOffset: 128, as: vector))
                                        sums.3.addProduct(weight, from.loadUnaligned(fromByteOffset: 192, as: vector))
                                    }
                                }
                            }
                            let count = min(run, outShape.width - start)
                            withUnsafeBytes(of: &sums) { values in
                                let values = values.assumingMemoryBound(to: Float.self)
                                for x in 0..<count { target[start + x] = relu ? max(0, values[x]) : values[x] }
                            }
                            start += run
                        }
                    }
                }
            }
        }
    }

    /// What im2col reads: the input itself, or for a horizontal stride its rows split into column phases.
    private func im2colSource(_ input: Tensor, context: ComputeContext) -> [Float] {
        guard window.strideX > 1 else { return input.storage }
        let shape = input.shape
        let rowLength = window.strideX * Im2Col.phaseWidth(inputWidth: shape.width, stride: window.strideX)
        let planes = shape.channels * shape.batch
        var phased = [Float](unsafeUninitializedCapacity: planes * shape.height * rowLength) { _, count in
            count = planes * shape.height * rowLength
        }
        input.storage.withUnsafeBufferPointer { source in
            phased.withUnsafeMutableBufferPointer { target in
                context.parallelFor(planes) { plane in
                    Im2Col.splitColumnPhases(source.baseAddress! + plane * shape.planeSize,
                                             shape: Shape(batch: 1, channels: 1, height: shape.height, width: shape.width),
                                             stride: window.strideX, into: target.baseAddress! + plane * shape.height * rowLength)
                }
            }
        }
        return phased
    }

    /// The convolution with all positions unrolled at once and the filters shared among the workers.
    private func forwardSplittingFilters(_ input: Tensor, into output: inout Tensor, positions: Int, taps: Int,
                                         isPointwise: Bool, context: ComputeContext) {
        let outShape = output.shape
        var columns: [Float] = []
        if !isPointwise {
            columns = [Float](repeating: 0, count: taps * positions)
            im2colSource(input, context: context).withUnsafeBufferPointer { inputBuffer in
                columns.withUnsafeMutableBufferPointer { columnBuffer in
                    Im2Col.fill(input: inputBuffer.baseAddress!, inputShape: input.shape, window: window,
                                outputHeight: outShape.height, outputWidth: outShape.width,
                                positions: 0..<positions, columns: columnBuffer.baseAddress!)
                }
            }
        }
        let workers = min(context.threads, filters)
        let share = (filters + workers - 1) / workers
        let matrix = isPointwise ? input.storage : columns
        matrix.withUnsafeBufferPointer { matrixBuffer in
            weights.withUnsafeBufferPointer { weightBuffer in
                bias.withUnsafeBufferPointer { biasBuffer in
                    output.storage.withUnsafeMutableBufferPointer { outputBuffer in
                        let outputPointer = outputBuffer.baseAddress!
                        context.parallelFor(workers) { worker in
                            let first = worker * share, end = min(filters, first + share)
                            guard first < end else { return }
                            GEMM.multiply(m: end - first, n: positions, k: taps,
                                          a: weightBuffer.baseAddress! + first * taps, lda: taps,
                                          b: matrixBuffer.baseAddress!, ldb: positions,
                                          c: outputPointer + first * positions, ldc: positions)
                            applyEpilogue(outputPointer, filters: first..<end, rowStride: positions,
                                          columns: positions, bias: biasBuffer.baseAddress!)
                        }
                    }
                }
            }
        }
    }

    private func applyEpilogue(_ block: UnsafeMutablePointer<Float>, filters: Range<Int>, rowStride: Int,
                               columns: Int, bias: UnsafePointer<Float>) {
        for f in filters {
            let row = block + f * rowStride
            let b = bias[f]
            switch activation {
            case .none:
                for i in 0..<columns { row[i] += b }
            case .relu:
                for i in 0..<columns { row[i] = max(0, row[i] + b) }
            }
        }
    }

    public var description: String {
        "conv \(filters)×\(inputChannels) \(window)" + (activation == .relu ? " +relu" : "")
    }
}
