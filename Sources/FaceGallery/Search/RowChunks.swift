import CBLAS
import Dispatch

/// Splits a scan over many rows into chunks that run on every core.
///
/// Chunks outnumber cores a few times over so that Dispatch can balance them when a core is busy
/// with other work; each chunk keeps its own partial result, merged afterwards.
struct RowChunks {
    /// Below this many rows per chunk, starting a worker costs more than it saves.
    static let minimumRows = 16_384

    let rowCount: Int
    let chunkCount: Int
    private let rowsPerChunk: Int

    /// Splits `rowCount` rows (or other units of work) into chunks of at least `minimumRowsPerChunk`.
    init(rowCount: Int, minimumRowsPerChunk: Int = RowChunks.minimumRows, cores: Int = RowChunks.availableCores) {
        self.rowCount = rowCount
        let wanted = max(1, (rowCount + 4 * cores - 1) / (4 * cores))
        rowsPerChunk = max(minimumRowsPerChunk, wanted)
        chunkCount = max(1, (rowCount + rowsPerChunk - 1) / rowsPerChunk)
    }

    /// Rows of chunk `index`.
    func rows(ofChunk index: Int) -> Range<Int> {
        index * rowsPerChunk..<min(rowCount, (index + 1) * rowsPerChunk)
    }

    /// Runs `body(chunk)` for every chunk, in parallel, and returns when all have finished.
    func forEach(_ body: (Int) -> Void) {
        if chunkCount == 1 {
            body(0)
            return
        }
        // The workers run only while this call waits for them, so handing them `body` is safe even
        // though it captures non-Sendable state (raw pointers into the caller's buffers).
        withoutActuallyEscaping(body) { body in
            let shared = UncheckedSendable(body)
            DispatchQueue.concurrentPerform(iterations: chunkCount) { shared.value($0) }
        }
    }

    /// Matrix products run one BLAS thread each: the chunks already use every core. Call before the
    /// first product.
    static func useSingleThreadedBLAS() { _ = configureBLAS }
    private static let configureBLAS: Void = { openblas_set_num_threads(1) }()

    /// Cores available to this process.
    static var availableCores: Int {
        #if canImport(Glibc)
        return max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        #else
        return 1
        #endif
    }
}

/// Carries a value into a worker closure whose lifetime is bounded by the caller.
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

#if canImport(Glibc)
import Glibc
#endif
