import FaceCore
import FaceTestSupport
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `facekit serve` run as a user runs it: key lines, refusals, and a clean stop on SIGTERM.
@Suite struct ServeCommandTests {
    @Test func hashKeyPrintsAKeyFileLine() throws {
        let given = try FacekitCommandTests.facekit("serve", "--hash-key", "admin", "ops", "s3cret")
        #expect(given.status == 0)
        #expect(given.standardOutput == "admin ops \(SHA256.hexDigest(Array("s3cret".utf8)))\n")

        let generated = try FacekitCommandTests.facekit("serve", "--hash-key", "read", "kiosk")
        #expect(generated.status == 0)
        let key = try #require(
            generated.standardError.split(separator: " ").last.map {
                $0.trimmingCharacters(in: .whitespacesAndNewlines)
            })
        #expect(key.hasPrefix("fk_"))
        #expect(generated.standardOutput == "read kiosk \(SHA256.hexDigest(Array(key.utf8)))\n")

        #expect(try FacekitCommandTests.facekit("serve", "--hash-key", "root", "x").status == 2)
    }

    @Test func withoutKeysOnlyLoopbackIsAllowed() throws {
        let output = try FacekitCommandTests.facekit("serve", "--host", "0.0.0.0", "--port", "0")
        #expect(output.status == 2)
        #expect(output.standardError.contains("loopback"))
    }

    @Test func sigtermLetsTheRequestInProgressFinishAndExitsZero() throws {
        let folder = NSTemporaryDirectory() + "facekit-serve-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let keyFile = folder + "/keys"
        try "admin tester \(SHA256.hexDigest(Array("k".utf8)))\n".write(
            toFile: keyFile, atomically: true, encoding: .utf8)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: try FacekitCommandTests.binary.get())
        process.arguments = [
            "serve", "--port", "0", "--gallery", "sqlite:\(folder)/gallery.sqlite", "--api-keys", keyFile,
        ]
        process.environment = ProcessInfo.processInfo.environment.merging(["FACEKIT_MODELS": TestAssets.modelsDirectory]
        ) { $1 }
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }

        // The first line names the port.
        var firstLine: [UInt8] = []
        while firstLine.last != 10, let byte = try output.fileHandleForReading.read(upToCount: 1)?.first {
            firstLine.append(byte)
        }
        let line = String(decoding: firstLine, as: UTF8.self)
        let port = try #require(
            Int(line.split(separator: ":").last?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""), "\(line)")

        #expect(try RawHTTPConnection.request(port: port, "GET", "/api/v1/subjects").status == 401)
        let photo = try TestAssets.bytes(of: TestAssets.photo("obama.jpg"))
        let boundary = "serve-test"
        let body =
            Array(
                "--\(boundary)\r\nContent-Disposition: form-data; name=\"image\"; filename=\"obama.jpg\"\r\n\r\n".utf8)
            + photo + Array("\r\n--\(boundary)--\r\n".utf8)
        let reply = LockedReply()
        let finished = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            reply.set(
                try? RawHTTPConnection.request(
                    port: port, "POST", "/api/v1/subjects/Barack%20Obama/faces",
                    headers: ["Content-Type": "multipart/form-data; boundary=\(boundary)", "x-api-key": "k"], body: body
                ))
            finished.signal()
        }
        // Signal once the enrolment is in the face pipeline.
        let start = ContinuousClock.now
        while start.duration(to: .now) < .seconds(60),
            !((try? RawHTTPConnection.request(port: port, "GET", "/metrics"))?.text.contains(
                "facekit_inference_queue_running 1") ?? false)
        {
            usleep(20_000)
        }
        kill(process.processIdentifier, SIGTERM)
        finished.wait()
        process.waitUntilExit()
        let log = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(reply.value?.status == 201, "\(log)")
        #expect(process.terminationReason == .exit && process.terminationStatus == 0, "\(log)")
        #expect(log.contains("POST /api/v1/subjects/Barack%20Obama/faces 201"))
        #expect(log.contains("stopped; gallery closed"))

        // The face enrolled during the shutdown is in the gallery.
        let listed = try FacekitCommandTests.facekit(
            "subjects", "list", "--gallery", "sqlite:\(folder)/gallery.sqlite", "--json")
        #expect(listed.standardOutput.contains("Barack Obama"), "\(listed.standardOutput) \(listed.standardError)")
    }

    final class LockedReply: @unchecked Sendable {
        private let lock = NSLock()
        private var reply: HTTPReply?
        func set(_ value: HTTPReply?) { lock.withLock { reply = value } }
        var value: HTTPReply? { lock.withLock { reply } }
    }
}
