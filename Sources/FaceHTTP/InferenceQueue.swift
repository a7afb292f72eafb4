import Dispatch
import Foundation

/// Admission to the face pipeline: at most `workers` requests run at once and at most `capacity` wait;
/// a request arriving when the waiting room is full is refused at once with `OVERLOADED`.
///
/// Requests run on their own connection thread once admitted, so requests that never reach the
/// pipeline (health, metrics, subject listings) are never held up behind inference.
final class InferenceQueue: @unchecked Sendable {
    /// Requests running at once.
    let workers: Int
    /// Requests allowed to wait.
    let capacity: Int
    /// Seconds a refused client is told to wait before retrying.
    let retryAfterSeconds: Int

    private let slots: DispatchSemaphore
    private let lock = NSLock()
    private var waitingCount = 0
    private var runningCount = 0

    init(workers: Int, capacity: Int, retryAfterSeconds: Int = 1) {
        precondition(workers > 0 && capacity >= 0, "workers must be positive and capacity not negative, got \(workers) and \(capacity)")
        self.workers = workers
        self.capacity = capacity
        self.retryAfterSeconds = retryAfterSeconds
        slots = DispatchSemaphore(value: workers)
    }

    /// Requests waiting and running now.
    var load: (waiting: Int, running: Int) { lock.withLock { (waitingCount, runningCount) } }

    /// Runs `body` once a worker is free; throws `OVERLOADED` when the queue is full and
    /// `DEADLINE_EXCEEDED` when no worker frees up before `deadline`.
    func run<T>(deadline: ContinuousClock.Instant, _ body: () throws(APIError) -> T) throws(APIError) -> T {
        let admitted = lock.withLock { () -> Bool in
            guard waitingCount < capacity || (waitingCount == 0 && runningCount < workers) else { return false }
            waitingCount += 1
            return true
        }
        guard admitted else {
            throw APIError(.overloaded, "the service is busy; retry in \(retryAfterSeconds) s",
                           headers: [("Retry-After", "\(retryAfterSeconds)")])
        }
        let remaining = ContinuousClock.now.duration(to: deadline)
        let seconds = Double(remaining.components.seconds) + Double(remaining.components.attoseconds) * 1e-18
        let outcome = slots.wait(timeout: .now() + max(0, seconds))
        lock.withLock {
            waitingCount -= 1
            if outcome == .success { runningCount += 1 }
        }
        guard outcome == .success else {
            throw APIError(.deadlineExceeded, "the request waited longer than its deadline for the face pipeline")
        }
        defer {
            lock.withLock { runningCount -= 1 }
            slots.signal()
        }
        return try body()
    }
}
