import FaceTensor

/// A square convolution with stride 1 or 2 by Winograd's minimal filtering F(m×m, r×r).
///
/// A stride-2 k×k filter is first rewritten as a stride-1 one: each of the input's four phases (even or
/// odd rows × even or odd columns) sees only the taps of the same phase, so the layer equals a ⌈k/2⌉×⌈k/2⌉
/// stride-1 convolution over 4·C "phase channels". Every m×m block of outputs is then computed from the
/// α×α input patch under it (α = m + r − 1): the patch and the filters are taken to the transform
/// domain (V = Bᵀ·d·B, U = G·g·Gᵀ), multiplied elementwise — summed over channels, α² matrix products
/// (filters × channels)·(channels × tiles) — and brought back (Y = Aᵀ·M·A). For the detector's 5×5
/// layers that is 4 multiplications per output and channel instead of 25 (stride 1, F(4×4, 5×5)) or
/// 9 instead of 25 (stride 2, F(4×4, 3×3) on the phases).
///
/// Work goes in chunks of whole tile rows, one chunk per worker at a time, so a chunk's transformed
/// input and products stay in cache between the three steps.
struct WinogradConvolution: Sendable {
    let transform: WinogradTransform
    let filters: Int
    /// Channels of the real input.
    let channels: Int
    let stride: Int
    let padding: Int
    /// Transformed filters: for each of the α² transform-domain elements, a [filters × phase channels]
    /// matrix; phase channel (c, a, b) is channel c's rows ≡ a and columns ≡ b (mod stride).
    let transformedFilters: [Float]

    private var phaseChannels: Int { channels * stride * stride }

    /// The plan for `window`, or nil when this algorithm does not pay: only 5×5 windows with equal
    /// strides of 1 or 2 and equal padding, and more than one filter, take it.
    static func plan(weights: [Float], filters: Int, channels: Int, window: Window2D) -> WinogradConvolution? {
        guard window.height == 5, window.width == 5, window.strideX == window.strideY, window.strideX <= 2,
              window.paddingX == window.paddingY, filters > 1 else { return nil }
        return WinogradConvolution(weights: weights, filters: filters, channels: channels, window: window,
                                   outputSize: 4)
    }

    /// Transforms `weights` ([F][C][k][k]) once, when the layer is made.
    init(weights: [Float], filters: Int, channels: Int, window: Window2D, outputSize: Int) {
        let stride = window.strideX, kernel = window.width
        let r = (kernel + stride - 1) / stride
        let transform = WinogradTransform(outputSize: outputSize, filterSize: r)
        let alpha = transform.tileSize
        self.transform = transform
        self.filters = filters
        self.channels = channels
        self.stride = stride
        self.padding = window.paddingX
        let phaseChannels = channels * stride * stride
        let g = transform.filterMatrix
        var transformed = [Float](repeating: 0, count: alpha * alpha * filters * phaseChannels)
        for f in 0..<filters {
            for c in 0..<channels {
                for a in 0..<stride {
                    for b in 0..<stride {
                        // The phase's r×r filter: tap (u, v) is the layer's tap (s·u + a, s·v + b), if any.
                        var sub = [Double](repeating: 0, count: r * r)
                        for u in 0..<r where stride * u + a < kernel {
                            for v in 0..<r where stride * v + b < kernel {
                                sub[u * r + v] = Double(weights[((f * channels + c) * kernel + stride * u + a) * kernel
                                                                + stride * v + b])
                            }
                        }
                        // G·sub (α×r), then (G·sub)·Gᵀ (α×α).
                        var left = [Double](repeating: 0, count: alpha * r)
                        for i in 0..<alpha {
                            for v in 0..<r {
                                var sum = 0.0
                                for u in 0..<r { sum += g[i * r + u] * sub[u * r + v] }
                                left[i * r + v] = sum
                            }
                        }
                        let phaseChannel = (c * stride + a) * stride + b
                        for i in 0..<alpha {
                            for j in 0..<alpha {
                                var sum = 0.0
                                for v in 0..<r { sum += left[i * r + v] * g[j * r + v] }
                                transformed[((i * alpha + j) * filters + f) * phaseChannels + phaseChannel] = Float(sum)
                            }
                        }
                    }
                }
            }
        }
        transformedFilters = transformed
    }

    /// Runs the convolution and writes `output`, adding `bias` and applying `activation`.
    func forward(_ input: Tensor, bias: [Float], activation: FusedActivation, into output: inout Tensor,
                 context: ComputeContext) {
        let geometry = TileGeometry(input: input.shape, output: output.shape, transform: transform, stride: stride,
                                    padding: padding)
        let alpha = transform.tileSize, elements = alpha * alpha
        let phaseChannels = self.phaseChannels, filters = self.filters
        // About 1 MB of transformed input and products per chunk, to stay in the core's cache between the
        // steps, but at least four tile rows so that each matrix product has a hundred columns or more
        // (measured fastest with both workers busy). Equal chunks, a multiple of the workers, so that
        // neither waits for the other at the end unless something else slows it down.
        let bytesPerTileRow = 4 * elements * (phaseChannels + filters) * geometry.tileStride
        let preferredRows = max(4, (1 << 20) / bytesPerTileRow)
        let workers = context.threads
        var chunkCount = (geometry.tileRows + preferredRows - 1) / preferredRows
        chunkCount = (chunkCount + workers - 1) / workers * workers
        let rowsPerChunk = (geometry.tileRows + chunkCount - 1) / chunkCount
        chunkCount = (geometry.tileRows + rowsPerChunk - 1) / rowsPerChunk
        let usedWorkers = min(workers, chunkCount)
        let tilesPerChunk = rowsPerChunk * geometry.tileStride
        let transformedSize = elements * phaseChannels * tilesPerChunk
        let productSize = elements * filters * tilesPerChunk
        let rowScratch = geometry.scratchSize(tileRows: rowsPerChunk)
        let perWorker = transformedSize + productSize + rowScratch
        let relu = activation == .relu
        input.storage.withUnsafeBufferPointer { inputBuffer in
            transformedFilters.withUnsafeBufferPointer { filterBuffer in
                bias.withUnsafeBufferPointer { biasBuffer in
                    output.storage.withUnsafeMutableBufferPointer { outputBuffer in
                        let inputBase = inputBuffer.baseAddress!, filterBase = filterBuffer.baseAddress!
                        let outputBase = outputBuffer.baseAddress!, biasBase = biasBuffer.baseAddress!
                        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: usedWorkers * perWorker)
                        defer { scratch.deallocate() }
                        context.parallelFor(chunkCount) { chunk, worker in
                            let transformed = scratch + worker * perWorker  // [α²][phase channels][tiles]
                            let products = transformed + transformedSize  // [α²][filters][tiles]
                            let rows = products + productSize
                            let tileRows = chunk * rowsPerChunk..<min(geometry.tileRows, (chunk + 1) * rowsPerChunk)
                            let tiles = tileRows.count * geometry.tileStride
                            for c in 0..<channels {
                                geometry.transformInput(inputBase, channel: c, tileRows: tileRows, scratch: rows,
                                                        into: transformed, phaseChannels: phaseChannels)
                            }
                            for element in 0..<elements {
                                GEMM.multiply(m: filters, n: tiles, k: phaseChannels,
                                              a: filterBase + element * filters * phaseChannels, lda: phaseChannels,
                                              b: transformed + element * phaseChannels * tiles, ldb: tiles,
                                              c: products + element * filters * tiles, ldc: tiles)
                            }
                            for f in 0..<filters {
                                geometry.transformOutput(products, filter: f, filters: filters, tileRows: tileRows,
                                                         bias: biasBase[f], relu: relu, scratch: rows, into: outputBase)
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Where the m×m output tiles sit and the transforms in and out of the transform domain for a range of
/// tile rows. Transform-domain buffers are laid out [α²][rows][tiles of the range].
private struct TileGeometry {
    let input: Shape
    let output: Shape
    let transform: WinogradTransform
    let stride: Int
    let padding: Int
    let tilesX: Int
    let tilesY: Int
    /// Entries per tile row in transform-domain buffers: `tilesX` rounded up to whole 8-lane vectors, so the
    /// transforms never need a scalar tail (the extra tiles are computed and dropped).
    let tileStride: Int
    /// A row of input split into `phases` = stride·m column phases: column x sits in phase (x + padding)
    /// mod phases, at index (x + padding) / phases. Then the α columns under each tile, taken for
    /// consecutive tiles, are contiguous runs.
    let phases: Int
    /// Entries per phase.
    let phaseLength: Int

    init(input: Shape, output: Shape, transform: WinogradTransform, stride: Int, padding: Int) {
        self.input = input
        self.output = output
        self.transform = transform
        self.stride = stride
        self.padding = padding
        let m = transform.outputSize
        tilesX = (output.width + m - 1) / m
        tilesY = (output.height + m - 1) / m
        tileStride = (tilesX + 7) / 8 * 8
        phases = stride * m
        // Even, so that a whole split row is whole 8-lane vectors.
        let phaseLength = (tileStride + (stride * transform.tileSize - 1) / phases + 2) / 2 * 2
        self.phaseLength = phaseLength
        columnSources = (0..<stride).flatMap { b in
            (0..<transform.tileSize).map { j in
                let offset = stride * j + b
                return (offset % (stride * m)) * phaseLength + offset / (stride * m)
            }
        }
    }

    /// Where column tap j of column phase b starts in a split row: `columnSources[b · α + j]`.
    let columnSources: [Int]

    /// Tile rows over the whole batch.
    var tileRows: Int { input.batch * tilesY }

    /// Input rows a chunk of `tileRows` tile rows reads, per channel.
    private func inputRows(tileRows: Int) -> Int {
        stride * transform.outputSize * (tileRows - 1) + stride * transform.tileSize
    }

    /// Floats of per-worker scratch for a chunk of `tileRows` tile rows.
    func scratchSize(tileRows: Int) -> Int {
        let alpha = transform.tileSize, m = transform.outputSize
        let rowLength = phases * phaseLength
        return max(inputRows(tileRows: tileRows) * rowLength + alpha * rowLength, 2 * alpha * m * tileStride)
    }

    /// V = Bᵀ·d·B for channel `c`'s phase channels over the tiles of `tileRows`.
    func transformInput(_ base: UnsafePointer<Float>, channel c: Int, tileRows: Range<Int>,
                        scratch: UnsafeMutablePointer<Float>, into transformed: UnsafeMutablePointer<Float>,
                        phaseChannels: Int) {
        let alpha = transform.tileSize, m = transform.outputSize
        let rowLength = phases * phaseLength
        let tiles = tileRows.count * tileStride
        let elementStride = phaseChannels * tiles
        let split = scratch  // input rows split into phases, from `splitFirstRow` of image `splitImage` on
        let columnRows = scratch + inputRows(tileRows: tileRows.count) * rowLength  // [α][rowLength]
        let steps = transform.inputSteps
        transform.inputTerms.withUnsafeBufferPointer { terms in columnSources.withUnsafeBufferPointer { sources in
            var splitImage = -1, splitFirstRow = 0, splitEnd = 0
            for tileRow in tileRows {
                let n = tileRow / tilesY, ty = tileRow % tilesY
                let plane = base + (c * input.batch + n) * input.planeSize
                // Consecutive tile rows share input rows: split each only once.
                let first = stride * m * ty - padding, end = first + stride * alpha
                if n != splitImage {
                    splitImage = n
                    splitFirstRow = first
                    splitEnd = first
                }
                for y in max(splitEnd, first)..<end {
                    splitRow(plane, row: y, into: split + (y - splitFirstRow) * rowLength)
                }
                splitEnd = end
                let t = tileRow - tileRows.lowerBound
                for a in 0..<stride {
                    // Bᵀ along the rows: α combined rows, each over every column phase.
                    let rowsOfPhase = split + (first - splitFirstRow + a) * rowLength
                    for step in steps {
                        combine(step, terms, count: rowLength, into: columnRows, rowStride: rowLength) {
                            UnsafePointer(rowsOfPhase + stride * $0 * rowLength)
                        }
                    }
                    // Bᵀ along the columns, tile by tile (consecutive tiles read consecutive phase entries).
                    for b in 0..<stride {
                        let phaseChannel = (c * stride + a) * stride + b
                        for i in 0..<alpha {
                            let row = columnRows + i * rowLength
                            let target = transformed + i * alpha * elementStride + phaseChannel * tiles + t * tileStride
                            for step in steps {
                                combine(step, terms, count: tileStride, into: target, rowStride: elementStride) {
                                    UnsafePointer(row + sources[b * alpha + $0])
                                }
                            }
                        }
                    }
                }
            }
        } }
    }

    /// One input row split into column phases, zero outside the image (the padding included).
    private func splitRow(_ plane: UnsafePointer<Float>, row y: Int, into target: UnsafeMutablePointer<Float>) {
        let rowLength = phases * phaseLength
        guard y >= 0 && y < input.height else {
            target.update(repeating: 0, count: rowLength)
            return
        }
        let line = plane + y * input.width
        for phase in 0..<phases {
            let entries = target + phase * phaseLength
            // Entry q holds column q · phases + phase − padding; those inside the row are a run of q.
            let shift = phase - padding
            let first = min(phaseLength, max(0, (-shift + phases - 1) / phases))
            let end = max(first, min(phaseLength, (input.width - shift + phases - 1) / phases))
            for q in 0..<first { entries[q] = 0 }
            var source = line + first * phases + shift
            for q in first..<end {
                entries[q] = source[0]
                source += phases
            }
            for q in end..<phaseLength { entries[q] = 0 }
        }
    }

    /// Y = Aᵀ·M·A for one filter over the tiles of `tileRows`, plus bias and activation, written where each
    /// tile's outputs go (outputs past the map's edge are dropped).
    func transformOutput(_ products: UnsafePointer<Float>, filter f: Int, filters: Int, tileRows: Range<Int>,
                         bias: Float, relu: Bool, scratch: UnsafeMutablePointer<Float>,
                         into base: UnsafeMutablePointer<Float>) {
        let alpha = transform.tileSize, m = transform.outputSize
        let tiles = tileRows.count * tileStride
        let elementStride = filters * tiles
        let columnsDone = scratch  // [α][m][tileStride]: Aᵀ applied along the columns
        let finished = scratch + alpha * m * tileStride  // [m][tileStride]: one output row of each tile
        let rows = transform.outputRows
        transform.outputTerms.withUnsafeBufferPointer { terms in
            for tileRow in tileRows {
                let n = tileRow / tilesY, ty = tileRow % tilesY
                let t = tileRow - tileRows.lowerBound
                let first = products + f * tiles + t * tileStride
                for i in 0..<alpha {
                    for x in 0..<m {
                        combine(UnsafeBufferPointer(rebasing: terms[rows[x]]), count: tileStride,
                                into: columnsDone + (i * m + x) * tileStride) {
                            first + (i * alpha + $0) * elementStride
                        }
                    }
                }
                let plane = base + (f * output.batch + n) * output.planeSize
                for y in 0..<m {
                    let oy = m * ty + y
                    guard oy < output.height else { break }
                    for x in 0..<m {
                        let target = finished + x * tileStride
                        combine(UnsafeBufferPointer(rebasing: terms[rows[y]]), count: tileStride, into: target,
                                adding: bias, relu: relu) { UnsafePointer(columnsDone + ($0 * m + x) * tileStride) }
                    }
                    let line = plane + oy * output.width
                    var tx = 0
                    if m == 4 {
                        // Eight tiles' rows interleaved in registers and stored as 32 contiguous outputs.
                        while 4 * (tx + 8) <= output.width {
                            let column = UnsafeRawPointer(finished + tx)
                            let v0 = column.loadUnaligned(as: SIMD8<Float>.self)
                            let v1 = column.loadUnaligned(fromByteOffset: 4 * tileStride, as: SIMD8<Float>.self)
                            let v2 = column.loadUnaligned(fromByteOffset: 8 * tileStride, as: SIMD8<Float>.self)
                            let v3 = column.loadUnaligned(fromByteOffset: 12 * tileStride, as: SIMD8<Float>.self)
                            let out = UnsafeMutableRawPointer(line + 4 * tx)
                            for pair in 0..<4 {
                                let k = 2 * pair
                                let lanes = SIMD8(v0[k], v1[k], v2[k], v3[k],
                                                  v0[k + 1], v1[k + 1], v2[k + 1], v3[k + 1])
                                out.storeBytes(of: lanes, toByteOffset: 32 * pair, as: SIMD8<Float>.self)
                            }
                            tx += 8
                        }
                    }
                    while tx < tilesX {
                        let left = m * tx
                        for x in 0..<min(m, output.width - left) { line[left + x] = finished[x * tileStride + tx] }
                        tx += 1
                    }
                }
            }
        }
    }
}

/// One ``WinogradTransform/InputStep``: rows `plus` (and `minus`) of `target`, `rowStride` apart.
@inline(__always)
private func combine(_ step: WinogradTransform.InputStep, _ terms: UnsafeBufferPointer<WinogradTransform.Term>,
                     count: Int, into target: UnsafeMutablePointer<Float>, rowStride: Int,
                     source: (Int) -> UnsafePointer<Float>) {
    let sumTerms = UnsafeBufferPointer(rebasing: terms[step.sum])
    let plus = target + step.plus * rowStride
    guard step.minus >= 0 else {
        combine(sumTerms, count: count, into: plus, source: source)
        return
    }
    let differenceTerms = UnsafeBufferPointer(rebasing: terms[step.difference])
    let minus = target + step.minus * rowStride
    var x = 0
    while x + 16 <= count {
        var sums = (SIMD8<Float>(), SIMD8<Float>()), differences = (SIMD8<Float>(), SIMD8<Float>())
        for term in sumTerms {
            let values = UnsafeRawPointer(source(term.index) + x)
            let coefficient = SIMD8<Float>(repeating: term.coefficient)
            sums.0.addProduct(coefficient, values.loadUnaligned(as: SIMD8<Float>.self))
            sums.1.addProduct(coefficient, values.loadUnaligned(fromByteOffset: 32, as: SIMD8<Float>.self))
        }
        for term in differenceTerms {
            let values = UnsafeRawPointer(source(term.index) + x)
            let coefficient = SIMD8<Float>(repeating: term.coefficient)
            differences.0.addProduct(coefficient, values.loadUnaligned(as: SIMD8<Float>.self))
            differences.1.addProduct(coefficient, values.loadUnaligned(fromByteOffset: 32, as: SIMD8<Float>.self))
        }
        let toPlus = UnsafeMutableRawPointer(plus + x), toMinus = UnsafeMutableRawPointer(minus + x)
        toPlus.storeBytes(of: sums.0 + differences.0, as: SIMD8<Float>.self)
        toPlus.storeBytes(of: sums.1 + differences.1, toByteOffset: 32, as: SIMD8<Float>.self)
        toMinus.storeBytes(of: sums.0 - differences.0, as: SIMD8<Float>.self)
        toMinus.storeBytes(of: sums.1 - differences.1, toByteOffset: 32, as: SIMD8<Float>.self)
        x += 16
    }
    while x < count {
        var sum: Float = 0, difference: Float = 0
        for term in sumTerms { sum += term.coefficient * source(term.index)[x] }
        for term in differenceTerms { difference += term.coefficient * source(term.index)[x] }
        plus[x] = sum + difference
        minus[x] = sum - difference
        x += 1
    }
}

/// `target[x] = Σ coefficient · source(index)[x]` (+ `bias`, then ReLU if asked) for x in 0..<count, with each
/// sum kept in a register across the terms, so every source is read once and the target written once.
/// Four vectors are summed side by side: one alone would wait on each multiply-add's latency.
@inline(__always)
private func combine(_ terms: UnsafeBufferPointer<WinogradTransform.Term>, count: Int,
                     into target: UnsafeMutablePointer<Float>, adding bias: Float = 0, relu: Bool = false,
                     source: (Int) -> UnsafePointer<Float>) {
    var x = 0
    while x + 16 <= count {
        var sums = (SIMD8<Float>(repeating: bias), SIMD8<Float>(repeating: bias))
        for term in terms {
            let values = UnsafeRawPointer(source(term.index) + x)
            let coefficient = SIMD8<Float>(repeating: term.coefficient)
            sums.0.addProduct(coefficient, values.loadUnaligned(as: SIMD8<Float>.self))
            sums.1.addProduct(coefficient, values.loadUnaligned(fromByteOffset: 32, as: SIMD8<Float>.self))
        }
        if relu {
            sums.0.replace(with: 0, where: sums.0 .< 0)
            sums.1.replace(with: 0, where: sums.1 .< 0)
        }
        let out = UnsafeMutableRawPointer(target + x)
        out.storeBytes(of: sums.0, as: SIMD8<Float>.self)
        out.storeBytes(of: sums.1, toByteOffset: 32, as: SIMD8<Float>.self)
        x += 16
    }
    while x + 8 <= count {
        var sum = SIMD8<Float>(repeating: bias)
        for term in terms {
            let values = UnsafeRawPointer(source(term.index) + x).loadUnaligned(as: SIMD8<Float>.self)
            sum.addProduct(SIMD8(repeating: term.coefficient), values)
        }
        if relu { sum.replace(with: 0, where: sum .< 0) }
        UnsafeMutableRawPointer(target + x).storeBytes(of: sum, as: SIMD8<Float>.self)
        x += 8
    }
    while x < count {
        var sum = bias
        for term in terms { sum += term.coefficient * source(term.index)[x] }
        target[x] = relu ? max(0, sum) : sum
        x += 1
    }
}
