import CBLAS
import CShims
import Dispatch

/// How many threads the engine may use for one forward pass.
///
/// FaceKit does its own threading: it splits each layer's work into chunks and runs one chunk per
/// worker, each calling single-threaded BLAS. That keeps im2col, the matrix product and the epilogue
/// of a chunk on one core while its data is in cache.
public struct ComputeContext: Sendable {
    /// Worker threads (at least 1).
    public let threads: Int

    /// Creates a context using `threads` workers (default: every core).
    public init(threads: Int = ComputeContext.availableCores) {
        precondition(threads >= 1, "threads must be at least 1, got \(threads)")
        self.threads = threads
        ComputeContext.configureBLAS
    }

    /// Cores available to this process.
    public static var availableCores: Int { max(1, System.activeProcessorCount) }

    /// Makes the C allocator keep freed memory for reuse instead of returning it to the kernel.
    ///
    /// A forward pass allocates and frees tens of megabytes per layer (the detector's tiled pyramid
    /// makes ~300 MB of short-lived tensors per photo). By default glibc maps such blocks afresh and
    /// unmaps them on free, so every pass page-faults its memory in again, zeroed: about a fifth of
    /// detection time. This is a process-wide setting, so the library leaves it to the program:
    /// `facekit` and the benchmarks call it at start (the dlib reference program does the same for
    /// dlib). The cost is that the process keeps its peak heap. Returns whether glibc accepted it.
    @discardableResult
    public static func keepFreedMemoryForReuse() -> Bool {
        cshims_keep_freed_memory() == 1
    }

    /// OpenBLAS would otherwise start its own thread pool inside every worker's call.
    private static let configureBLAS: Void = { openblas_set_num_threads(1) }()

    /// Runs `body(index)` for every index in `0..<count`, spread over the workers.
    public func parallelFor(_ count: Int, _ body: (Int) -> Void) {
        parallelFor(count) { index, _ in body(index) }
    }

    /// Runs `body(index, worker)` for every index in `0..<count`; `worker` (below `threads`) names the
    /// worker running it, for per-worker scratch. Each worker takes the next index as it finishes one,
    /// so a worker slowed down (by another process on its core, or by a harder item) holds back only the
    /// index in hand rather than a fixed share of the work.
    public func parallelFor(_ count: Int, _ body: (_ index: Int, _ worker: Int) -> Void) {
        if count <= 0 { return }
        let workers = min(threads, count)
        if workers == 1 {
            for index in 0..<count { body(index, 0) }
            return
        }
        let next = UnsafeMutablePointer<Int>.allocate(capacity: 1)
        next.initialize(to: 0)
        defer { next.deallocate() }
        // The workers only run while this call waits for them, so handing them `body` is safe even
        // though it captures non-Sendable state (raw pointers into the caller's buffers).
        withoutActuallyEscaping(body) { body in
            let shared = UncheckedSendable((body, next))
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                let (body, next) = shared.value
                while true {
                    let index = next.withMemoryRebound(to: CLong.self, capacity: 1) { cshims_take_next($0) }
                    if index >= count { break }
                    body(index, worker)
                }
            }
        }
    }
}

/// Carries a value into a worker closure whose lifetime is bounded by the caller.
private struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// Processor count without importing Foundation.
enum System {
    static var activeProcessorCount: Int {
        #if canImport(Glibc)
        return Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        #else
        return 1
        #endif
    }
}

#if canImport(Glibc)
import Glibc
#endif
