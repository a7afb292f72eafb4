import Foundation

/// Counters and latency histograms, written in the Prometheus text exposition format (version 0.0.4).
///
/// Requests are counted and timed by route (the router's path template, so subject names never become
/// label values), method and status; pipeline stages are timed separately.
public final class Metrics: @unchecked Sendable {
    /// Upper bounds of the latency buckets, in seconds.
    static let bucketBounds: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]

    private struct Histogram {
        var counts = [Int](repeating: 0, count: Metrics.bucketBounds.count)
        var sum = 0.0
        var count = 0

        mutating func observe(_ seconds: Double) {
            for (index, bound) in Metrics.bucketBounds.enumerated() where seconds <= bound { counts[index] += 1 }
            sum += seconds
            count += 1
        }
    }

    private struct RequestKey: Hashable, Comparable {
        let route: String
        let method: String
        let status: Int

        static func < (lhs: RequestKey, rhs: RequestKey) -> Bool {
            (lhs.route, lhs.method, lhs.status) < (rhs.route, rhs.method, rhs.status)
        }
    }

    private let lock = NSLock()
    private var requests: [RequestKey: Histogram] = [:]
    private var stages: [String: Histogram] = [:]
    private var overloaded = 0

    /// Creates empty metrics.
    public init() {}

    /// Records one finished request.
    func recordRequest(route: String, method: String, status: Int, seconds: Double) {
        lock.withLock {
            requests[RequestKey(route: route, method: method, status: status), default: Histogram()].observe(seconds)
            if status == APIError.Code.overloaded.status { overloaded += 1 }
        }
    }

    /// Records the time one pipeline stage took (`decode`, `detect`, `embed`, `search`).
    func recordStage(_ stage: String, seconds: Double) {
        lock.withLock { stages[stage, default: Histogram()].observe(seconds) }
    }

    /// The exposition text; `gauges` adds current values (gallery size, queue length) by name.
    func exposition(gauges: [(name: String, help: String, value: Double)]) -> String {
        let (requests, stages) = lock.withLock { (self.requests, self.stages) }
        var text = ""
        text += "# HELP facekit_http_requests_total HTTP requests answered, by route, method and status.\n"
        text += "# TYPE facekit_http_requests_total counter\n"
        for (key, histogram) in requests.sorted(by: { $0.key < $1.key }) {
            text += "facekit_http_requests_total{\(labels(key))} \(histogram.count)\n"
        }
        text += "# HELP facekit_http_request_duration_seconds Time from a complete request to its reply.\n"
        text += "# TYPE facekit_http_request_duration_seconds histogram\n"
        for (key, histogram) in requests.sorted(by: { $0.key < $1.key }) {
            write(histogram, name: "facekit_http_request_duration_seconds", labels: labels(key), into: &text)
        }
        text += "# HELP facekit_stage_duration_seconds Time spent in each stage of the face pipeline.\n"
        text += "# TYPE facekit_stage_duration_seconds histogram\n"
        for (stage, histogram) in stages.sorted(by: { $0.key < $1.key }) {
            write(histogram, name: "facekit_stage_duration_seconds", labels: "stage=\"\(stage)\"", into: &text)
        }
        for gauge in gauges {
            text += "# HELP \(gauge.name) \(gauge.help)\n# TYPE \(gauge.name) gauge\n"
            text += "\(gauge.name) \(Self.format(gauge.value))\n"
        }
        return text
    }

    private func labels(_ key: RequestKey) -> String {
        "route=\"\(Self.escape(key.route))\",method=\"\(key.method)\",status=\"\(key.status)\""
    }

    private func write(_ histogram: Histogram, name: String, labels: String, into text: inout String) {
        for (bound, count) in zip(Self.bucketBounds, histogram.counts) {
            text += "\(name)_bucket{\(labels),le=\"\(Self.format(bound))\"} \(count)\n"
        }
        text += "\(name)_bucket{\(labels),le=\"+Inf\"} \(histogram.count)\n"
        text += "\(name)_sum{\(labels)} \(Self.format(histogram.sum))\n"
        text += "\(name)_count{\(labels)} \(histogram.count)\n"
    }

    private static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }

    private static func escape(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }
}
