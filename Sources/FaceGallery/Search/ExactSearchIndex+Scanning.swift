import CBLAS

/// The scans behind ``ExactSearchIndex``: each walks a range of rows and hands every row that may be
/// among the nearest to a ``CandidateCollector``. Callers hold the index's read lock.
extension ExactSearchIndex {
    /// Rows per matrix product in batched search: a block of Float32 rows (512 KB at 128-D) and its
    /// dot products with 64 queries stay in a core's L2 cache.
    static let batchBlockRows = 1024
    /// Queries per matrix product in batched search.
    static let batchQueries = 64

    /// One query, scanned over codes (or Float32 rows) on every core, then re-ranked exactly.
    func searchOne(_ query: UnsafePointer<Float>, k: Int) -> [FaceMatch] {
        let queryTerms = QueryTerms(query, dimension: dimension)
        let queryCodes = rows.keepsCodes ? QueryCodes(query, dimension: dimension) : nil
        let chunks = RowChunks(rowCount: rows.count)
        var collectors = Array(repeating: CandidateCollector(k: k), count: chunks.chunkCount)
        let dimension = dimension, margin = roundingMargin
        rows.values.withUnsafeBufferPointer { values in
            rows.codes.withUnsafeBufferPointer { codes in
                rows.rowTerms.withUnsafeBufferPointer { rowTerms in
                    collectors.withUnsafeMutableBufferPointer { collectors in
                        chunks.forEach { chunk in
                            var collector = CandidateCollector(k: k)
                            let range = chunks.rows(ofChunk: chunk)
                            if let queryCodes {
                                Self.scanCodes(queryCodes, queryTerms, codes: UnsafeRawPointer(codes.baseAddress!),
                                               codeStride: dimension, rowTerms: UnsafeRawPointer(rowTerms.baseAddress!),
                                               termStride: MemoryLayout<SIMD4<Float>>.stride, rows: range,
                                               dimension: dimension, margin: margin, into: &collector)
                            } else {
                                Self.scanValues(query, queryTerms, values: values.baseAddress!, rowTerms: rowTerms.baseAddress!,
                                                rows: range, dimension: dimension, margin: margin, into: &collector)
                            }
                            collectors[chunk] = collector
                        }
                    }
                }
            }
        }
        return rerank(query, collectors, k: k)
    }

    /// Many queries: dot products by `sgemm` over blocks of rows on every core, then exact re-ranks.
    func searchBatched(_ queries: UnsafePointer<Float>, queryCount: Int, k: Int) -> [[FaceMatch]] {
        let chunks = RowChunks(rowCount: rows.count)
        let dimension = dimension, margin = roundingMargin
        var results: [[FaceMatch]] = []
        results.reserveCapacity(queryCount)
        for groupStart in stride(from: 0, to: queryCount, by: Self.batchQueries) {
            let groupSize = min(Self.batchQueries, queryCount - groupStart)
            let group = queries + groupStart * dimension
            let queryTerms = (0..<groupSize).map { QueryTerms(group + $0 * dimension, dimension: dimension) }
            // collectors[chunk][query]
            var collectors = Array(repeating: [CandidateCollector](), count: chunks.chunkCount)
            rows.values.withUnsafeBufferPointer { values in
                rows.rowTerms.withUnsafeBufferPointer { rowTerms in
                    collectors.withUnsafeMutableBufferPointer { collectors in
                        chunks.forEach { chunk in
                            collectors[chunk] = Self.scanBatch(
                                group, queryTerms, values: values.baseAddress!, rowTerms: rowTerms.baseAddress!,
                                rows: chunks.rows(ofChunk: chunk), dimension: dimension, margin: margin, k: k)
                        }
                    }
                }
            }
            for index in 0..<groupSize {
                results.append(rerank(group + index * dimension, collectors.map { $0[index] }, k: k))
            }
        }
        return results
    }

    /// What a scan needs to know about one query.
    struct QueryTerms {
        let squaredNorm: Float
        let norm: Float

        init(_ query: UnsafePointer<Float>, dimension: Int) {
            var sum: Float = 0
            for index in 0..<dimension { sum += query[index] * query[index] }
            squaredNorm = sum
            norm = sum.squareRoot()
        }
    }

    /// The query as Int16 codes for the Int8 scan: `q = t·b + f` with one scale `t`, and `|f|` kept.
    struct QueryCodes {
        let codes: [Int16]
        let scale: Float
        let errorNorm: Float

        init(_ query: UnsafePointer<Float>, dimension: Int) {
            var maxMagnitude: Float = 0
            for index in 0..<dimension {
                precondition(query[index].isFinite, "a query value is not finite")
                maxMagnitude = max(maxMagnitude, abs(query[index]))
            }
            // Largest code such that a sum of `dimension` products with Int8 codes stays within Int32.
            let largest = Float(min(Int(Int16.max), Int(Int32.max) / (127 * dimension)))
            let scale = maxMagnitude / largest
            var codes = [Int16](repeating: 0, count: dimension)
            var errorNorm: Double = 0
            for index in 0..<dimension where scale > 0 {
                codes[index] = Int16(max(-largest, min(largest, (query[index] / scale).rounded())))
                let residual = Double(query[index]) - Double(scale) * Double(codes[index])
                errorNorm += residual * residual
            }
            self.codes = codes
            self.scale = scale
            // Rounded up so the bound is never smaller than the true one.
            self.errorNorm = Float(errorNorm.squareRoot()).nextUp
        }
    }

    /// Int8 scan. With row `x = s·c + e` and query `q = t·b + f`,
    /// `q·x = s·t·(b·c) + s·(f·c) + q·e`, where `|q·e| ≤ |q||e|` and `|s·(f·c)| ≤ |f|·|s·c| ≤ |f|(|x| + |e|)`.
    /// The interval is `|q|² + |x|² − 2st(b·c) ± (2|q||e| + 2|f|(|x| + |e|) + margin·(|q| + |x|)²)`;
    /// `b·c` is an exact integer. Row `r`'s codes start at `codes + r·codeStride` and its terms
    /// `(|x|², |x|, s, |e|)` at `rowTerms + r·termStride`. Candidates are recorded as `candidateTag + r`
    /// (a caller scanning several row sets tells them apart by the tag).
    static func scanCodes(_ query: QueryCodes, _ queryTerms: QueryTerms, codes: UnsafeRawPointer, codeStride: Int,
                          rowTerms: UnsafeRawPointer, termStride: Int, rows: Range<Int>, dimension: Int,
                          margin: Float, candidateTag: Int = 0, into collector: inout CandidateCollector) {
        var threshold = collector.threshold
        let queryNorm = queryTerms.norm, querySquaredNorm = queryTerms.squaredNorm
        let queryScale = query.scale, queryError = query.errorNorm
        query.codes.withUnsafeBufferPointer { queryCodes in
            let queryCodes = queryCodes.baseAddress!
            for row in rows {
                let terms = rowTerms.loadUnaligned(fromByteOffset: row * termStride, as: SIMD4<Float>.self)
                let rowCodes = (codes + row * codeStride).assumingMemoryBound(to: Int8.self)
                let dot = Float(codeDot(queryCodes, rowCodes, dimension))
                let estimate = querySquaredNorm + terms[0] - 2 * (terms[2] * queryScale) * dot
                let normSum = queryNorm + terms[1]
                let halfWidth = 2 * (queryNorm * terms[3] + queryError * (terms[1] + terms[3])) + margin * normSum * normSum
                let lowerBound = estimate - halfWidth
                if lowerBound <= threshold {
                    collector.offer(lowerBound: lowerBound, upperBound: estimate + halfWidth, row: candidateTag + row)
                    threshold = collector.threshold
                }
            }
        }
    }

    /// Float32 scan: interval `|q|² + |x|² − 2q·x ± margin·(|q| + |x|)²`.
    static func scanValues(_ query: UnsafePointer<Float>, _ queryTerms: QueryTerms, values: UnsafePointer<Float>,
                           rowTerms: UnsafePointer<SIMD4<Float>>, rows: Range<Int>, dimension: Int, margin: Float,
                           into collector: inout CandidateCollector) {
        var threshold = collector.threshold
        let queryNorm = queryTerms.norm, querySquaredNorm = queryTerms.squaredNorm
        for row in rows {
            let terms = rowTerms[row]
            let estimate = querySquaredNorm + terms[0] - 2 * valueDot(query, values + row * dimension, dimension)
            let normSum = queryNorm + terms[1]
            let halfWidth = margin * normSum * normSum
            let lowerBound = estimate - halfWidth
            if lowerBound <= threshold {
                collector.offer(lowerBound: lowerBound, upperBound: estimate + halfWidth, row: row)
                threshold = collector.threshold
            }
        }
    }

    /// Batched scan of one range of rows: returns a collector per query.
    static func scanBatch(_ queries: UnsafePointer<Float>, _ queryTerms: [QueryTerms], values: UnsafePointer<Float>,
                          rowTerms: UnsafePointer<SIMD4<Float>>, rows: Range<Int>, dimension: Int, margin: Float,
                          k: Int) -> [CandidateCollector] {
        let queryCount = queryTerms.count
        var collectors = Array(repeating: CandidateCollector(k: k), count: queryCount)
        let dots = UnsafeMutablePointer<Float>.allocate(capacity: queryCount * batchBlockRows)  // queries × block rows
        defer { dots.deallocate() }
        for blockStart in stride(from: rows.lowerBound, to: rows.upperBound, by: batchBlockRows) {
            let blockRows = min(batchBlockRows, rows.upperBound - blockStart)
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(queryCount), Int32(blockRows), Int32(dimension),
                        1, queries, Int32(dimension), values + blockStart * dimension, Int32(dimension),
                        0, dots, Int32(blockRows))
            for query in 0..<queryCount {
                var threshold = collectors[query].threshold
                let queryNorm = queryTerms[query].norm, querySquaredNorm = queryTerms[query].squaredNorm
                let queryDots = dots + query * blockRows
                for offset in 0..<blockRows {
                    let row = blockStart + offset
                    let terms = rowTerms[row]
                    let estimate = querySquaredNorm + terms[0] - 2 * queryDots[offset]
                    let normSum = queryNorm + terms[1]
                    let halfWidth = margin * normSum * normSum
                    let lowerBound = estimate - halfWidth
                    if lowerBound <= threshold {
                        collectors[query].offer(lowerBound: lowerBound, upperBound: estimate + halfWidth, row: row)
                        threshold = collectors[query].threshold
                    }
                }
            }
        }
        return collectors
    }

    /// `b·c` for Int16 `b` and Int8 `c`, exactly. Written as a plain loop because the compiler turns this
    /// form, and not the equivalent SIMD-type code, into multiply-add-pairs instructions (`vpmaddwd`).
    @inline(__always)
    static func codeDot(_ query: UnsafePointer<Int16>, _ codes: UnsafePointer<Int8>, _ dimension: Int) -> Int32 {
        var sum: Int32 = 0
        for index in 0..<dimension { sum &+= Int32(query[index]) &* Int32(codes[index]) }
        return sum
    }

    /// The sum of sixteen lanes by halving: `SIMD.sum()` adds lane after lane (Float addition may not
    /// be reordered), a chain of sixteen dependent additions per row.
    @inline(__always)
    static func horizontalSum(_ lanes: SIMD16<Float>) -> Float {
        let eight = lanes.lowHalf + lanes.highHalf
        let four = eight.lowHalf + eight.highHalf
        let two = four.lowHalf + four.highHalf
        return two[0] + two[1]
    }

    /// `q·x` for Float32 vectors, 32 lanes at a time.
    @inline(__always)
    static func valueDot(_ query: UnsafePointer<Float>, _ row: UnsafePointer<Float>, _ dimension: Int) -> Float {
        let queryBytes = UnsafeRawPointer(query), rowBytes = UnsafeRawPointer(row)
        var sum0 = SIMD16<Float>(), sum1 = SIMD16<Float>()
        var index = 0
        while index + 32 <= dimension {
            sum0 += queryBytes.loadUnaligned(fromByteOffset: 4 * index, as: SIMD16<Float>.self)
                * rowBytes.loadUnaligned(fromByteOffset: 4 * index, as: SIMD16<Float>.self)
            sum1 += queryBytes.loadUnaligned(fromByteOffset: 4 * index + 64, as: SIMD16<Float>.self)
                * rowBytes.loadUnaligned(fromByteOffset: 4 * index + 64, as: SIMD16<Float>.self)
            index += 32
        }
        if index + 16 <= dimension {
            sum0 += queryBytes.loadUnaligned(fromByteOffset: 4 * index, as: SIMD16<Float>.self)
                * rowBytes.loadUnaligned(fromByteOffset: 4 * index, as: SIMD16<Float>.self)
            index += 16
        }
        var sum = horizontalSum(sum0 + sum1)
        while index < dimension {
            sum += query[index] * row[index]
            index += 1
        }
        return sum
    }
}
