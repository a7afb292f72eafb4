import Foundation

/// The face pipeline's bounded queue: `workers` threads of its own run requests one at a time each, and
/// at most `capacity` requests wait; a request arriving when the queue is full is refused at once
/// with `OVERLOADED`.
///
/// Inference always runs on the same few threads, so the engine's buffers stay with them instead of
/// following every connection thread, and requests that never reach the pipeline (health, metrics,
/// subject listings) are never held up behind inference.
final class InferenceQueue: @unchecked Sendable {
    /// Threads running requests.
    let workers: Int
    /// Requests allowed to wait.
    let capacity: Int
    /// Seconds a refused client is told to wait before retrying.
    let retryAfterSeconds: Int

    /// One submitted request: its work, and its outcome once a worker has run it.
    private final class Job: @unchecked Sendable {
        let work: @Sendable () -> Void
        let done = DispatchSemaphore(value: 0)
        init(work: @escaping @Sendable () -> Void) { self.work = work }
    }

    private let condition = NSCondition()
    private var waiting: [Job] = []
    private var runningCount = 0
    private var stopping = false

    init(workers: Int, capacity: Int, retryAfterSeconds: Int = 1) {
        precondition(
            workers > 0 && capacity >= 0,
            "workers must be positive and capacity not negative, got \(workers) and \(capacity)")
        self.workers = workers
        self.capacity = capacity
        self.retryAfterSeconds = retryAfterSeconds
        for index in 0..<workers {
            let thread = Thread { self.workLoop() }
            thread.name = "facekit-inference-\(index)"
            thread.stackSize = 8 << 20
            thread.start()
        }
    }

    /// Requests waiting and running now.
    var load: (waiting: Int, running: Int) {
        condition.lock()
        defer { condition.unlock() }
        return (waiting.count, runningCount)
    }

    /// Runs `body` on a worker and returns its result; throws `OVERLOADED` when the queue is full and
    /// `DEADLINE_EXCEEDED` when no worker takes the request before `deadline`.
    func run<T: Sendable>(deadline: ContinuousClock.Instant, _ body: @escaping @Sendable () throws(APIError) -> T)
        throws(APIError) -> T
    {
        let outcome = Outcome<T>()
        let job = Job { outcome.set(Result { () throws(APIError) -> T in try body() }) }
        condition.lock()
        let idleWorker = runningCount + waiting.count < workers
        guard waiting.count < capacity || idleWorker else {
            condition.unlock()
            throw APIError(
                .overloaded, "the service is busy; retry in \(retryAfterSeconds) s",
                headers: [("Retry-After", "\(retryAfterSeconds)")])
        }
        waiting.append(job)
        condition.signal()
        condition.unlock()

        let remaining = ContinuousClock.now.duration(to: deadline)
        if job.done.wait(timeout: .now() + max(0, FaceService.seconds(remaining))) == .timedOut {
            condition.lock()
            let stillWaiting = waiting.firstIndex { $0 === job }
            if let stillWaiting { waiting.remove(at: stillWaiting) }
            condition.unlock()
            if stillWaiting != nil {
                throw APIError(.deadlineExceeded, "the request waited longer than its deadline for the face pipeline")
            }
            job.done.wait()  // already running: its result is on its way
        }
        return try outcome.get()
    }

    /// Lets the workers finish the requests already queued, then end.
    func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        condition.unlock()
    }

    private func workLoop() {
        while true {
            condition.lock()
            while waiting.isEmpty && !stopping { condition.wait() }
            if waiting.isEmpty {
                condition.unlock()
                return
            }
            let job = waiting.removeFirst()
            runningCount += 1
            condition.unlock()
            job.work()
            condition.lock()
            runningCount -= 1
            condition.unlock()
            job.done.signal()
        }
    }

    /// A job's result, handed from the worker to the waiting request.
    private final class Outcome<T: Sendable>: @unchecked Sendable {
        private let lock = NSLock()
        private var result: Result<T, APIError>?
        func set(_ value: Result<T, APIError>) { lock.withLock { result = value } }
        func get() throws(APIError) -> T {
            guard let result = lock.withLock({ result }) else {
                throw APIError(.internalError, "the face pipeline returned no result")
            }
            return try result.get()
        }
    }
}
