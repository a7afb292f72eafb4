import FaceTensor

/// 3×3, stride-1 convolution by Winograd's minimal filtering F(2×2, 3×3).
///
/// Each 2×2 block of outputs is computed from the 4×4 input patch under it with 16 multiplications per
/// channel pair instead of 36: the patch and the filter are taken to a 4×4 transform domain
/// (V = Bᵀ·d·B, U = G·g·Gᵀ), multiplied elementwise — which, summed over channels, is 16 matrix
/// products (filters × channels)·(channels × tiles) — and brought back (Y = Aᵀ·M·A). The transforms
/// use only additions and halves, so results match direct convolution to float32 rounding.
struct Winograd3x3: Sendable {
    /// Transformed filters: for each of the 16 transform-domain elements, a [filters × channels] matrix.
    let transformedFilters: [Float]
    let filters: Int
    let channels: Int

    /// Transforms `weights` ([F][C][3][3]) once, when the layer is made.
    init(weights: [Float], filters: Int, channels: Int) {
        self.filters = filters
        self.channels = channels
        var transformed = [Float](repeating: 0, count: 16 * filters * channels)
        weights.withUnsafeBufferPointer { source in
            transformed.withUnsafeMutableBufferPointer { target in
                for f in 0..<filters {
                    for c in 0..<channels {
                        let g = source.baseAddress! + (f * channels + c) * 9
                        // G·g (4×3), with G = [[1,0,0],[½,½,½],[½,−½,½],[0,0,1]], one column at a time.
                        var rows = (SIMD4<Float>(), SIMD4<Float>(), SIMD4<Float>(), SIMD4<Float>())
                        for column in 0..<3 {
                            let g0 = g[column], g1 = g[3 + column], g2 = g[6 + column]
                            rows.0[column] = g0
                            rows.1[column] = 0.5 * (g0 + g1 + g2)
                            rows.2[column] = 0.5 * (g0 - g1 + g2)
                            rows.3[column] = g2
                        }
                        // (G·g)·Gᵀ: the same combination across each row.
                        @inline(__always) func put(_ row: Int, _ r: SIMD4<Float>) {
                            let values = SIMD4<Float>(r[0], 0.5 * (r[0] + r[1] + r[2]), 0.5 * (r[0] - r[1] + r[2]), r[2])
                            for column in 0..<4 {
                                target[((row * 4 + column) * filters + f) * channels + c] = values[column]
                            }
                        }
                        put(0, rows.0)
                        put(1, rows.1)
                        put(2, rows.2)
                        put(3, rows.3)
                    }
                }
            }
        }
        transformedFilters = transformed
    }

    /// Runs the convolution (3×3, stride 1, `padding` on every side) and writes `output`, adding `bias`
    /// and applying `activation`.
    func forward(_ input: Tensor, padding: Int, bias: [Float], activation: FusedActivation,
                 into output: inout Tensor, context: ComputeContext) {
        let geometry = Geometry(input: input.shape, output: output.shape, padding: padding)
        let tiles = geometry.tiles
        // Keep a chunk's transformed input and products near 1 MB, so they stay in cache between steps.
        let preferred = max(16, min(1024, (1 << 18) / (16 * (channels + filters))))
        let channels = self.channels, filters = self.filters
        input.storage.withUnsafeBufferPointer { inputBuffer in
            transformedFilters.withUnsafeBufferPointer { filterBuffer in
                bias.withUnsafeBufferPointer { biasBuffer in
                    output.storage.withUnsafeMutableBufferPointer { outputBuffer in
                        let inputBase = inputBuffer.baseAddress!, filterBase = filterBuffer.baseAddress!
                        let outputBase = outputBuffer.baseAddress!, biasBase = biasBuffer.baseAddress!
                        if tiles < 2 * context.threads * preferred || context.threads == 1 && tiles <= preferred {
                            // Few tiles (small maps, small batches): transform all at once and share the
                            // channels, the 16 products and the filters among the workers, so each
                            // transformed filter matrix is read once.
                            let transformedInput = UnsafeMutablePointer<Float>.allocate(capacity: 16 * (channels + filters) * tiles)
                            defer { transformedInput.deallocate() }
                            let products = transformedInput + 16 * channels * tiles
                            context.parallelFor(channels) { c in
                                geometry.transformInput(inputBase, channel: c, tiles: 0..<tiles, into: transformedInput,
                                                        channels: channels)
                            }
                            context.parallelFor(16) { element in
                                GEMM.multiply(m: filters, n: tiles, k: channels,
                                              a: filterBase + element * filters * channels, lda: channels,
                                              b: transformedInput + element * channels * tiles, ldb: tiles,
                                              c: products + element * filters * tiles, ldc: tiles)
                            }
                            context.parallelFor(filters) { f in
                                geometry.transformOutput(products, filter: f, filters: filters, tiles: 0..<tiles,
                                                         bias: biasBase[f], relu: activation == .relu, into: outputBase)
                            }
                            return
                        }
                        var chunkCount = (tiles + preferred - 1) / preferred
                        chunkCount = (chunkCount + context.threads - 1) / context.threads * context.threads
                        let chunk = (tiles + chunkCount - 1) / chunkCount
                        chunkCount = (tiles + chunk - 1) / chunk
                        let workers = min(context.threads, chunkCount)
                        let perWorker = 16 * (channels + filters) * chunk
                        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: workers * perWorker)
                        defer { scratch.deallocate() }
                        context.parallelFor(workers) { worker in
                            let transformedInput = scratch + worker * perWorker  // [16][C][n]
                            let products = transformedInput + 16 * channels * chunk  // [16][F][n]
                            var index = worker
                            while index < chunkCount {
                                let range = index * chunk..<min(tiles, (index + 1) * chunk)
                                for c in 0..<channels {
                                    geometry.transformInput(inputBase, channel: c, tiles: range, into: transformedInput,
                                                            channels: channels)
                                }
                                for element in 0..<16 {
                                    GEMM.multiply(m: filters, n: range.count, k: channels,
                                                  a: filterBase + element * filters * channels, lda: channels,
                                                  b: transformedInput + element * channels * range.count, ldb: range.count,
                                                  c: products + element * filters * range.count, ldc: range.count)
                                }
                                for f in 0..<filters {
                                    geometry.transformOutput(products, filter: f, filters: filters, tiles: range,
                                                             bias: biasBase[f], relu: activation == .relu, into: outputBase)
                                }
                                index += workers
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Where the 2×2 output tiles of a Winograd convolution sit, and the transforms in and out of the
/// transform domain for a range of tiles. Transform-domain buffers are laid out [16][rows][tiles in range].
private struct Geometry {
    let input: Shape
    let output: Shape
    let padding: Int
    let tilesX: Int
    let tilesPerImage: Int

    init(input: Shape, output: Shape, padding: Int) {
        self.input = input
        self.output = output
        self.padding = padding
        tilesX = (output.width + 1) / 2
        tilesPerImage = (output.height + 1) / 2 * tilesX
    }

    var tiles: Int { input.batch * tilesPerImage }

    /// V = Bᵀ·d·B for one channel over `tiles`, d being the 4×4 input patch under each tile.
    func transformInput(_ base: UnsafePointer<Float>, channel c: Int, tiles: Range<Int>,
                        into transformed: UnsafeMutablePointer<Float>, channels: Int) {
        let count = tiles.count, elementStride = channels * count
        for tile in tiles {
            let t = tile - tiles.lowerBound
            let n = tile / tilesPerImage, ty = (tile % tilesPerImage) / tilesX, tx = tile % tilesX
            let plane = base + (c * input.batch + n) * input.planeSize
            let top = 2 * ty - padding, left = 2 * tx - padding
            var d0 = SIMD4<Float>(), d1 = SIMD4<Float>(), d2 = SIMD4<Float>(), d3 = SIMD4<Float>()
            if top >= 0 && top + 3 < input.height && left >= 0 && left + 3 < input.width {
                let p0 = plane + top * input.width + left
                let p1 = p0 + input.width, p2 = p1 + input.width, p3 = p2 + input.width
                d0 = SIMD4(p0[0], p0[1], p0[2], p0[3])
                d1 = SIMD4(p1[0], p1[1], p1[2], p1[3])
                d2 = SIMD4(p2[0], p2[1], p2[2], p2[3])
                d3 = SIMD4(p3[0], p3[1], p3[2], p3[3])
            } else {
                // The patch hangs over the edge: read what exists, zero elsewhere.
                for r in 0..<4 {
                    let y = top + r
                    guard y >= 0 && y < input.height else { continue }
                    let line = plane + y * input.width
                    var values = SIMD4<Float>()
                    for k in 0..<4 where left + k >= 0 && left + k < input.width { values[k] = line[left + k] }
                    switch r {
                    case 0: d0 = values
                    case 1: d1 = values
                    case 2: d2 = values
                    default: d3 = values
                    }
                }
            }
            // Bᵀ·d: rows d0−d2, d1+d2, d2−d1, d1−d3; then the same combination across columns.
            let target = transformed + c * count + t
            @inline(__always) func put(_ row: Int, _ v: SIMD4<Float>) {
                let first = target + row * 4 * elementStride
                first[0] = v[0] - v[2]
                first[elementStride] = v[1] + v[2]
                first[2 * elementStride] = v[2] - v[1]
                first[3 * elementStride] = v[1] - v[3]
            }
            put(0, d0 - d2)
            put(1, d1 + d2)
            put(2, d2 - d1)
            put(3, d1 - d3)
        }
    }

    /// Y = Aᵀ·M·A for one filter over `tiles`, plus bias and activation, written where each tile's
    /// outputs go (the last row or column of an odd-sized map is dropped).
    func transformOutput(_ products: UnsafePointer<Float>, filter f: Int, filters: Int, tiles: Range<Int>,
                         bias: Float, relu: Bool, into base: UnsafeMutablePointer<Float>) {
        let count = tiles.count, productStride = filters * count
        for tile in tiles {
            let t = tile - tiles.lowerBound
            let n = tile / tilesPerImage, ty = (tile % tilesPerImage) / tilesX, tx = tile % tilesX
            let source = products + f * count + t
            @inline(__always) func row(_ r: Int) -> SIMD4<Float> {
                let first = source + r * 4 * productStride
                return SIMD4(first[0], first[productStride], first[2 * productStride], first[3 * productStride])
            }
            let m0 = row(0), m1 = row(1), m2 = row(2), m3 = row(3)
            // Aᵀ·M: rows m0+m1+m2 and m1−m2−m3; then the same across columns.
            let upper = m0 + m1 + m2, lower = m1 - m2 - m3
            var y00 = upper[0] + upper[1] + upper[2] + bias, y01 = upper[1] - upper[2] - upper[3] + bias
            var y10 = lower[0] + lower[1] + lower[2] + bias, y11 = lower[1] - lower[2] - lower[3] + bias
            if relu {
                y00 = max(0, y00)
                y01 = max(0, y01)
                y10 = max(0, y10)
                y11 = max(0, y11)
            }
            let oy = 2 * ty, ox = 2 * tx
            let line = base + ((f * output.batch + n) * output.height + oy) * output.width + ox
            let hasRight = ox + 1 < output.width
            line[0] = y00
            if hasRight { line[1] = y01 }
            if oy + 1 < output.height {
                line[output.width] = y10
                if hasRight { line[output.width + 1] = y11 }
            }
        }
    }
}
