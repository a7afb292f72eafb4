import FaceHTTP
import FaceTestSupport
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The service over a real socket: well-formed requests, then everything a hostile or broken client
/// can send. After each, `/health` must still answer.
@Suite struct HTTPServerSocketTests {
    final class Running: @unchecked Sendable {
        let fixture: HTTPTestSupport.Fixture
        let server: HTTPServer
        var port: Int { server.port }

        init(
            _ configuration: FaceService.Configuration = .init(maxBodyBytes: 1024 * 1024),
            connectionTimeoutSeconds: Int = 30
        ) throws {
            fixture = try HTTPTestSupport.Fixture(configuration)
            server = try HTTPServer(
                service: fixture.service,
                configuration: .init(
                    host: "127.0.0.1", port: 0, connectionTimeoutSeconds: connectionTimeoutSeconds, logsRequests: false)
            )
        }

        deinit { server.stop(gracePeriod: .seconds(5)) }

        func request(_ method: String, _ target: String, headers: [String: String] = [:], body: [UInt8] = []) throws
            -> HTTPTestSupport.Reply
        {
            try RawHTTPConnection.request(port: port, method, target, headers: headers, body: body)
        }

        func expectHealthy(sourceLocation: SourceLocation = #_sourceLocation) throws {
            let health = try request("GET", "/health")
            #expect(health.status == 200 && health.json["status"] as? String == "ok", sourceLocation: sourceLocation)
        }
    }

    @Test func requestsAreAnsweredOverTheSocket() throws {
        let running = try Running()
        #expect(running.port > 0)
        try running.expectHealthy()
        let obama = try HTTPTestSupport.obama.get()
        let obama2 = try HTTPTestSupport.obama2.get()
        let form = HTTPTestSupport.Multipart().file("image1", obama).file("image2", obama2).finished()
        let verdict = try running.request(
            "POST", "/api/v1/verify", headers: ["Content-Type": form.contentType], body: form.body)
        #expect(verdict.status == 200 && verdict.json["same_person"] as? Bool == true, "\(verdict.text)")

        let created = try running.request(
            "POST", "/api/v1/subjects", headers: ["Content-Type": "application/json"],
            body: Array("{\"name\": \"Zoë Ångström\"}".utf8))
        #expect(created.status == 201)
        let fetched = try running.request(
            "GET", "/api/v1/subjects/" + "Zoë Ångström".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)
        #expect(fetched.json["name"] as? String == "Zoë Ångström", "\(fetched.text)")
        let page = try running.request("GET", "/api/v1/subjects?limit=1&offset=0")
        #expect(page.json["limit"] as? Int == 1 && page.json["total"] as? Int == 1)
        let unknown = try running.request("DELETE", "/api/v1/health")
        #expect(unknown.status == 405 && unknown.headers["allow"] == "GET" && unknown.errorCode == "METHOD_NOT_ALLOWED")
        #expect(try running.request("GET", "/no/such/route").errorCode == "NOT_FOUND")
    }

    @Test func malformedBodiesGetTypedErrors() throws {
        let running = try Running()
        let broken = try running.request(
            "POST", "/api/v1/detect", headers: ["Content-Type": "multipart/form-data; boundary=XYZ"],
            body: Array("--XYZ\r\nContent-Disposition: form-data; name=\"image\"\r\n\r\nhalf a part".utf8))
        #expect(broken.status == 400 && broken.errorCode == "INVALID_MULTIPART")
        let noBoundary = try running.request(
            "POST", "/api/v1/detect", headers: ["Content-Type": "multipart/form-data"], body: [1, 2, 3])
        #expect(noBoundary.errorCode == "INVALID_MULTIPART")
        let json = try running.request(
            "POST", "/api/v1/identify", headers: ["Content-Type": "application/json"], body: Array("{\"image\": [".utf8)
        )
        #expect(json.status == 400 && json.errorCode == "INVALID_JSON")
        let wrongType = try running.request(
            "POST", "/api/v1/verify", headers: ["Content-Type": "text/plain"], body: Array("hello".utf8))
        #expect(wrongType.status == 415 && wrongType.errorCode == "UNSUPPORTED_MEDIA_TYPE")
        let noType = try running.request("POST", "/api/v1/identify", body: [0xFF, 0xD8, 0xFF])
        #expect(noType.errorCode == "UNSUPPORTED_MEDIA_TYPE")
        let bomb = HTTPTestSupport.Multipart().file(
            "image", TinyPNG.declaring(width: 100_000, height: 100_000), type: "image/png"
        ).finished()
        let refused = try running.request(
            "POST", "/api/v1/identify", headers: ["Content-Type": bomb.contentType], body: bomb.body)
        #expect(refused.status == 413 && refused.errorCode == "IMAGE_TOO_LARGE", "\(refused.text)")
        let truncatedJPEG = try HTTPTestSupport.obama.get().prefix(2000)
        let truncated = HTTPTestSupport.Multipart().file("image", Array(truncatedJPEG)).finished()
        let cut = try running.request(
            "POST", "/api/v1/detect", headers: ["Content-Type": truncated.contentType], body: truncated.body)
        #expect(cut.status == 415 && cut.errorCode == "UNSUPPORTED_IMAGE", "\(cut.text)")
        try running.expectHealthy()
    }

    @Test func bodiesLongerThanTheLimitAreRefused() throws {
        let running = try Running()
        // Declared too large: refused from the headers alone.
        let connection = try RawHTTPConnection(port: running.port)
        connection.write(
            "POST /api/v1/detect HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 50000000\r\n\r\n"
        )
        let declared = try #require(RawHTTPConnection.parse(connection.readAll()))
        #expect(declared.status == 413 && declared.errorCode == "BODY_TOO_LARGE")

        // Sent in chunks without a length: refused once the limit is passed.
        let chunked = try RawHTTPConnection(port: running.port)
        chunked.write(
            "POST /api/v1/detect HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
        )
        let piece = [UInt8](repeating: 0x20, count: 256 * 1024)
        for _ in 0..<5 {
            chunked.write(String(piece.count, radix: 16) + "\r\n")
            chunked.write(piece)
            chunked.write("\r\n")
        }
        chunked.write("0\r\n\r\n")
        let streamed = try #require(RawHTTPConnection.parse(chunked.readAll()))
        #expect(streamed.status == 413 && streamed.errorCode == "BODY_TOO_LARGE")
        try running.expectHealthy()
    }

    @Test func wrongContentLengthsAreHandled() throws {
        let running = try Running()
        // A Content-Length shorter than the body: the server reads only what was declared.
        let body = Array("{\"name\": \"Ana\"}".utf8)
        let short = try RawHTTPConnection(port: running.port)
        short.write(
            "POST /api/v1/subjects HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: 8\r\n\r\n"
        )
        short.write(body)
        let shortReply = try #require(RawHTTPConnection.parse(short.readAll()))
        #expect(shortReply.status == 400 && shortReply.errorCode == "INVALID_JSON")

        // A Content-Length longer than the body, then the client hangs up: no reply is possible, and
        // nothing is created.
        let long = try RawHTTPConnection(port: running.port)
        long.write(
            "POST /api/v1/subjects HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
        )
        long.write(body)
        shutdown(long.descriptor, Int32(SHUT_WR))
        #expect(RawHTTPConnection.parse(long.readAll()) == nil)
        #expect(try running.request("GET", "/api/v1/subjects").json["total"] as? Int == 0)
        try running.expectHealthy()
    }

    @Test func hugeHeadersAreRefused() throws {
        let running = try Running()
        let reply = try running.request(
            "GET", "/health", headers: ["X-Padding": String(repeating: "a", count: 200_000)])
        #expect([413, 431].contains(reply.status), "status \(reply.status)")
        try running.expectHealthy()
    }

    @Test func slowClientsAreDisconnected() throws {
        let running = try Running(connectionTimeoutSeconds: 1)
        let slow = try RawHTTPConnection(port: running.port, receiveTimeoutSeconds: 20)
        slow.write("POST /api/v1/detect HTTP/1.1\r\nHost: x\r\nContent-")
        try running.expectHealthy()
        let start = ContinuousClock.now
        let received = slow.readAll()  // returns when the server closes the idle connection
        #expect(start.duration(to: .now) < .seconds(10))
        #expect(RawHTTPConnection.parse(received) == nil)
        try running.expectHealthy()
    }

    @Test func bodiesArrivingAfterTheDeadlineAreTimedOut() throws {
        let running = try Running(.init(maxBodyBytes: 1024 * 1024, requestDeadline: .seconds(1)))
        let late = try RawHTTPConnection(port: running.port)
        late.write(
            "POST /api/v1/subjects HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: 15\r\n\r\n{\"name\""
        )
        Thread.sleep(forTimeInterval: 1.3)
        late.write(": \"Ana\"}")
        let reply = try #require(RawHTTPConnection.parse(late.readAll()))
        #expect(reply.status == 408 && reply.errorCode == "REQUEST_TIMEOUT")

        // Still sending long after the deadline: the connection is dropped.
        let trickle = try RawHTTPConnection(port: running.port)
        trickle.write(
            "POST /api/v1/subjects HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"
        )
        var open = true
        for _ in 0..<30 where open {
            Thread.sleep(forTimeInterval: 0.2)
            open = trickle.write(" ")
        }
        #expect(RawHTTPConnection.parse(trickle.readAll()) == nil)
        #expect(try running.request("GET", "/api/v1/subjects").json["total"] as? Int == 0)
        try running.expectHealthy()
    }

    @Test func aFullQueueAnswersOverloadedWhileHealthKeepsAnswering() throws {
        let running = try Running(.init(maxBodyBytes: 4 * 1024 * 1024, inferenceWorkers: 2, queueCapacity: 2))
        let obama = try HTTPTestSupport.obama.get()
        let form = HTTPTestSupport.Multipart().file("image", obama).finished()
        let statuses = Statuses()
        let group = DispatchGroup()
        // One thread per client, so all twenty really are in flight at once (a dispatch queue on two
        // cores would start blocking work only a few at a time).
        for _ in 0..<20 {
            group.enter()
            Thread {
                let reply = try? running.request(
                    "POST", "/api/v1/detect", headers: ["Content-Type": form.contentType], body: form.body)
                statuses.add(reply)
                group.leave()
            }.start()
        }
        Thread.sleep(forTimeInterval: 0.3)
        var healthTimes: [Duration] = []
        for _ in 0..<5 {
            let start = ContinuousClock.now
            try running.expectHealthy()
            healthTimes.append(start.duration(to: .now))
        }
        group.wait()
        let replies = statuses.all
        #expect(replies.count == 20)
        let ok = replies.filter { $0.status == 200 }
        let overloaded = replies.filter { $0.status == 503 }
        #expect(ok.count + overloaded.count == 20, "\(replies.map(\.status))")
        #expect(ok.count >= 2 && overloaded.count >= 1, "\(ok.count) answered, \(overloaded.count) refused")
        #expect(overloaded.allSatisfy { $0.errorCode == "OVERLOADED" && $0.headers["retry-after"] == "1" })
        #expect(healthTimes.allSatisfy { $0 < .seconds(1) }, "\(healthTimes)")
        let metrics = try running.request("GET", "/metrics")
        #expect(
            metrics.text.contains(
                "facekit_http_requests_total{route=\"/api/v1/detect\",method=\"POST\",status=\"503\"} \(overloaded.count)"
            ))
    }

    final class Statuses: @unchecked Sendable {
        private let lock = NSLock()
        private var replies: [HTTPTestSupport.Reply] = []
        func add(_ reply: HTTPTestSupport.Reply?) { lock.withLock { if let reply { replies.append(reply) } } }
        var all: [HTTPTestSupport.Reply] { lock.withLock { replies } }
    }

    @Test func stoppingLetsRequestsInProgressFinish() throws {
        let running = try Running()
        let obama = try HTTPTestSupport.obama.get()
        let form = HTTPTestSupport.Multipart().file("image", obama).finished()
        let statuses = Statuses()
        let finished = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            statuses.add(
                try? running.request(
                    "POST", "/api/v1/detect", headers: ["Content-Type": form.contentType], body: form.body))
            finished.signal()
        }
        // Stop once the request is in the face pipeline.
        let start = ContinuousClock.now
        while start.duration(to: .now) < .seconds(30),
            !(try running.request("GET", "/metrics").text.contains("facekit_inference_queue_running 1"))
        {
            Thread.sleep(forTimeInterval: 0.02)
        }
        running.server.stop(gracePeriod: .seconds(30))
        finished.wait()
        #expect(statuses.all.map(\.status) == [200])
        #expect(throws: (any Error).self) { try RawHTTPConnection(port: running.port) }
    }
}
