import FaceEvaluation
import Foundation
import Testing

/// Progress lines carry the count, the rate and the time left; a terminal gets one redrawn bar.
@Suite struct ProgressReporterTests {
    final class Lines: @unchecked Sendable {
        private let lock = NSLock()
        private var written: [String] = []
        func append(_ text: String) { lock.withLock { written.append(text) } }
        var all: [String] { lock.withLock { written } }
    }

    @Test func periodicLinesOffATerminal() throws {
        let lines = Lines()
        let progress = ProgressReporter(total: 10, isLive: false, lineInterval: 0, write: { lines.append($0) })
        progress.advance(by: 4)
        progress.advance(by: 6)
        progress.finish()
        let written = lines.all
        try #require(written.count == 3)
        #expect(written[0].hasPrefix("[############------------------] 4/10 photos  "), "\(written[0])")
        #expect(written[0].contains("/s  ETA ") && written[0].hasSuffix("\n"))
        #expect(
            written[1].hasPrefix("[##############################] 10/10 photos  ") && written[1].contains("ETA 0:00"))
        #expect(written[2].hasPrefix("10 photos in 0:00 ("), "\(written[2])")
        #expect(!written.joined().contains("\r"))
    }

    @Test func aLiveBarRedrawsInPlace() {
        let lines = Lines()
        let progress = ProgressReporter(total: 3, isLive: true, write: { lines.append($0) })
        progress.advance(by: 3)
        progress.finish(note: ", 3 from the cache")
        let written = lines.all
        #expect(written.count == 2)
        #expect(written.allSatisfy { $0.hasPrefix("\r") })
        #expect(written.last?.hasSuffix(", 3 from the cache\u{1B}[K\n") == true)
    }

    @Test func linesWaitForTheInterval() {
        let lines = Lines()
        let progress = ProgressReporter(total: 100, isLive: false, lineInterval: 3600, write: { lines.append($0) })
        for _ in 0..<50 { progress.advance(by: 1) }
        // The first advance reports at once; the rest wait an hour (or for the last item).
        #expect(lines.all.count == 1)
        for _ in 0..<50 { progress.advance(by: 1) }
        #expect(lines.all.count == 2)
    }
}
