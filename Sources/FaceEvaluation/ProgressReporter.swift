import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Reports the progress of a long run on standard error: count, rate and time left.
///
/// On a terminal it redraws one live bar (at most ten times a second); otherwise — a log, a pipe — it
/// writes a line every ``lineInterval`` seconds, so logs stay readable. ``finish()`` writes the totals.
public final class ProgressReporter: @unchecked Sendable {
    /// What is being counted, e.g. "photos".
    public let unit: String
    /// How many items there are.
    public let total: Int
    /// Whether the bar is redrawn in place.
    public let isLive: Bool
    /// Seconds between lines when not live.
    public let lineInterval: Double

    private let write: @Sendable (String) -> Void
    private let start = Date()
    private var lastReport = Date.distantPast
    private var completed = 0
    private let lock = NSLock()

    /// Creates a reporter; by default it writes to standard error and is live when that is a terminal.
    public init(
        total: Int, unit: String = "photos", isLive: Bool? = nil, lineInterval: Double = 5,
        write: (@Sendable (String) -> Void)? = nil
    ) {
        self.total = total
        self.unit = unit
        self.isLive = isLive ?? (isatty(2) == 1)
        self.lineInterval = lineInterval
        self.write =
            write ?? { text in
                var bytes = Array(text.utf8)
                _ = bytes.withUnsafeMutableBytes { Glibc.write(2, $0.baseAddress, $0.count) }
            }
    }

    /// Records that `count` more items are done.
    public func advance(by count: Int) {
        lock.withLock {
            completed += count
            let now = Date()
            let interval = isLive ? 0.1 : lineInterval
            guard now.timeIntervalSince(lastReport) >= interval || completed >= total else { return }
            lastReport = now
            write(isLive ? "\r" + line(now) + "\u{1B}[K" : line(now) + "\n")
        }
    }

    /// Writes the final count and rate.
    public func finish(note: String = "") {
        lock.withLock {
            let seconds = Date().timeIntervalSince(start)
            let rate = seconds > 0 ? Double(completed) / seconds : 0
            let text = "\(completed) \(unit) in \(Self.clock(seconds)) (\(Self.oneDecimal(rate)) \(unit)/s)\(note)"
            write(isLive ? "\r" + text + "\u{1B}[K\n" : text + "\n")
        }
    }

    /// The progress line at `now`: `[#####-----] 120/7701 photos  43.2/s  ETA 2:55`.
    func line(_ now: Date) -> String {
        let seconds = now.timeIntervalSince(start)
        let rate = seconds > 0 ? Double(completed) / seconds : 0
        let fraction = total > 0 ? min(1, Double(completed) / Double(total)) : 1
        let eta = rate > 0 ? Self.clock(Double(total - completed) / rate) : "?"
        let filled = Int((fraction * 30).rounded(.down))
        let bar = "[" + String(repeating: "#", count: filled) + String(repeating: "-", count: 30 - filled) + "]"
        return "\(bar) \(completed)/\(total) \(unit)  \(Self.oneDecimal(rate))/s  ETA \(eta)"
    }

    /// `m:ss` (or `h:mm:ss`).
    static func clock(_ seconds: Double) -> String {
        let whole = max(0, Int(seconds.rounded()))
        let (hours, minutes, rest) = (whole / 3600, whole / 60 % 60, whole % 60)
        let ss = rest < 10 ? "0\(rest)" : "\(rest)"
        if hours > 0 { return "\(hours):" + (minutes < 10 ? "0\(minutes)" : "\(minutes)") + ":" + ss }
        return "\(minutes):" + ss
    }

    static func oneDecimal(_ value: Double) -> String { "\((value * 10).rounded() / 10)" }
}
