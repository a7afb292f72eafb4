import FaceTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The page at `/`, driven in headless Chromium against a real `facekit serve` on a fresh gallery:
/// enrol through the page, verify two photos, identify a third, and keep screenshots of what it shows.
@Suite(.serialized) struct WebPageTests {
    /// Where the screenshots are kept: `.build/test-artifacts/` in the package.
    static let artifacts = TestAssets.packageRoot + "/.build/test-artifacts"

    final class Service {
        let process = Process()
        let folder = NSTemporaryDirectory() + "facekit-page-\(UUID().uuidString)"
        let port: Int

        init() throws {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            process.executableURL = URL(fileURLWithPath: try FacekitCommandTests.binary.get())
            process.arguments = ["serve", "--port", "0", "--gallery", "sqlite:\(folder)/gallery.sqlite", "--quiet"]
            process.environment = ProcessInfo.processInfo.environment.merging(["FACEKIT_MODELS": TestAssets.modelsDirectory]) { $1 }
            let output = Pipe()
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            try process.run()
            var line: [UInt8] = []
            while line.last != 10, let byte = try output.fileHandleForReading.read(upToCount: 1)?.first { line.append(byte) }
            let text = String(decoding: line, as: UTF8.self)
            port = try #require(Int(text.split(separator: ":").last?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""), "\(text)")
        }

        deinit {
            if process.isRunning {
                kill(process.processIdentifier, SIGTERM)
                process.waitUntilExit()
            }
            try? FileManager.default.removeItem(atPath: folder)
        }
    }

    static func text(_ browser: HeadlessBrowser, _ id: String) throws -> String {
        try browser.evaluate("document.getElementById('\(id)').textContent") as? String ?? ""
    }

    @Test func verifiesIdentifiesAndEnrolsThroughThePage() throws {
        let service = try Service()
        let browser = try HeadlessBrowser()
        try FileManager.default.createDirectory(atPath: Self.artifacts, withIntermediateDirectories: true)
        try browser.open("http://127.0.0.1:\(service.port)/")
        #expect(try browser.evaluate("document.title") as? String == "FaceKit")
        // Self-contained: nothing on the page comes from another origin.
        let external = try browser.evaluate(
            "[...document.querySelectorAll('script[src], link[href], img[src]')].length") as? Int
        #expect(external == 0)

        // Verify: the same person, then two different people.
        try browser.setFiles("#verify-image1", [TestAssets.photo("obama.jpg")])
        try browser.setFiles("#verify-image2", [TestAssets.photo("obama2.jpg")])
        try browser.evaluate("document.getElementById('verify-run').click()")
        try browser.waitUntil("document.getElementById('verify-verdict').textContent !== '' || document.getElementById('verify-error').textContent !== ''", timeout: 60)
        #expect(try Self.text(browser, "verify-error") == "")
        #expect(try Self.text(browser, "verify-verdict") == "Same person")
        let distance = try #require(Double(try Self.text(browser, "verify-distance")))
        #expect(distance > 0.2 && distance < 0.6, "distance \(distance)")
        // Both faces are boxed: the canvases hold the photos with a green frame drawn on them.
        let greenPixels = try browser.evaluate("""
            (() => { const c = document.getElementById('verify-canvas1'); const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                     let n = 0; for (let i = 0; i < d.length; i += 4) if (d[i] === 0x1f && d[i + 1] === 0x7a && d[i + 2] === 0x3f) n++; return n; })()
            """) as? Int ?? 0
        #expect(greenPixels > 100, "no face box drawn on the first photo")
        try browser.screenshot().write(to: URL(fileURLWithPath: Self.artifacts + "/web-page-verify.png"))

        try browser.setFiles("#verify-image2", [TestAssets.photo("biden.jpg")])
        try browser.evaluate("document.getElementById('verify-verdict').textContent = ''")
        try browser.evaluate("document.getElementById('verify-run').click()")
        try browser.waitUntil("document.getElementById('verify-verdict').textContent !== ''", timeout: 60)
        #expect(try Self.text(browser, "verify-verdict") == "Different people")

        // Enrol two people through the Subjects tab.
        try browser.evaluate("document.querySelector('[data-tab=subjects]').click()")
        for (name, photos) in [("Barack Obama", ["obama.jpg", "obama2.jpg"]), ("Joe Biden", ["biden.jpg"])] {
            try browser.evaluate("document.getElementById('enroll-name').value = '\(name)'")
            try browser.setFiles("#enroll-images", photos.map(TestAssets.photo))
            try browser.evaluate("document.getElementById('enroll-result').textContent = ''")
            try browser.evaluate("document.getElementById('enroll-run').click()")
            try browser.waitUntil("document.getElementById('enroll-result').textContent !== '' || document.getElementById('enroll-error').textContent !== ''", timeout: 60)
            #expect(try Self.text(browser, "enroll-result") == "Enrolled \(photos.count) of \(photos.count) photos for \(name).")
        }
        try browser.waitUntil("document.getElementById('subjects-list').rows.length === 2", timeout: 10)
        #expect(try Self.text(browser, "subjects-summary") == "Subjects 1–2 of 2")

        // Identify a third photo: the name is drawn and listed.
        try browser.evaluate("document.querySelector('[data-tab=identify]').click()")
        try browser.setFiles("#identify-image", [TestAssets.photo("obama3.jpg")])
        try browser.evaluate("document.getElementById('identify-run').click()")
        try browser.waitUntil("document.querySelectorAll('.identify-face').length > 0 || document.getElementById('identify-error').textContent !== ''", timeout: 60)
        let answer = try browser.evaluate("document.querySelector('.identify-face').textContent") as? String ?? ""
        #expect(answer.hasPrefix("Barack Obama — candidates: Barack Obama 0."), "\(answer)")
        try browser.screenshot().write(to: URL(fileURLWithPath: Self.artifacts + "/web-page-identify.png"))

        // A request the API refuses shows its error code on the page.
        let scratch = try FacekitCommandTests.scratch.get()
        try browser.setFiles("#identify-image", [scratch.textFile])
        try browser.evaluate("document.getElementById('identify-run').click()")
        // (The browser's own complaint about the file may show first; the API's answer replaces it.)
        try browser.waitUntil("document.getElementById('identify-error').textContent.startsWith('UNSUPPORTED_IMAGE')", timeout: 30)
    }
}
