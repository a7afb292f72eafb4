import CMicroHTTPD
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Serves a ``FaceService`` over HTTP/1.1 with libmicrohttpd.
///
/// Every connection gets its own thread (libmicrohttpd's thread-per-connection mode), so cheap
/// requests such as `/health` are answered even while every inference worker is busy; the
/// service's bounded queue, not the connection count, limits inference. Slow clients are cut off by
/// the connection timeout, header blocks by the per-connection memory limit, bodies by the size limit.
public final class HTTPServer: @unchecked Sendable {
    /// Where and how to listen.
    public struct Configuration: Sendable {
        /// The IPv4 address to bind (`127.0.0.1`, `0.0.0.0`).
        public var host: String
        /// The port; 0 picks a free one (see ``HTTPServer/port``).
        public var port: Int
        /// Most connections open at once.
        public var connectionLimit: Int
        /// Seconds a connection may stay idle (no bytes either way) before it is closed.
        public var connectionTimeoutSeconds: Int
        /// Memory per connection for the request line, headers and I/O buffers; a larger header block
        /// is refused by libmicrohttpd.
        public var connectionMemoryBytes: Int
        /// Writes one line per request to standard error.
        public var logsRequests: Bool

        /// Creates a configuration.
        public init(
            host: String = "127.0.0.1", port: Int = 8080, connectionLimit: Int = 256,
            connectionTimeoutSeconds: Int = 30, connectionMemoryBytes: Int = 64 * 1024, logsRequests: Bool = true
        ) {
            self.host = host
            self.port = port
            self.connectionLimit = connectionLimit
            self.connectionTimeoutSeconds = connectionTimeoutSeconds
            self.connectionMemoryBytes = connectionMemoryBytes
            self.logsRequests = logsRequests
        }
    }

    /// The service answering requests.
    public let service: FaceService
    /// The listening settings.
    public let configuration: Configuration
    /// The port actually bound.
    public private(set) var port: Int = 0

    private var daemon: OpaquePointer?
    private let lock = NSLock()
    private let idle = NSCondition()
    private var activeRequests = 0
    private let logLock = NSLock()

    /// Starts listening; throws `INVALID_ARGUMENT` for a bad address and `INTERNAL` when the port
    /// cannot be bound.
    public init(service: FaceService, configuration: Configuration) throws(APIError) {
        self.service = service
        self.configuration = configuration
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        guard (0...65535).contains(configuration.port) else {
            throw APIError(.invalidArgument, "the port must be 0–65535, got \(configuration.port)")
        }
        address.sin_port = in_port_t(UInt16(configuration.port).bigEndian)
        guard inet_pton(AF_INET, configuration.host, &address.sin_addr) == 1 else {
            throw APIError(.invalidArgument, "'\(configuration.host)' is not an IPv4 address")
        }
        let flags =
            MHD_USE_THREAD_PER_CONNECTION.rawValue | MHD_USE_INTERNAL_POLLING_THREAD.rawValue
            | MHD_USE_POLL.rawValue | MHD_USE_ITC.rawValue
        let context = Unmanaged.passUnretained(self).toOpaque()
        daemon = withUnsafePointer(to: &address) { pointer in
            CMicroHTTPD_start(
                UInt32(flags), pointer, serverAccessHandler, context, serverRequestCompleted, context,
                UInt32(configuration.connectionLimit), UInt32(configuration.connectionTimeoutSeconds),
                configuration.connectionMemoryBytes)
        }
        guard let daemon else {
            throw APIError(
                .internalError,
                "cannot listen on \(configuration.host):\(configuration.port) (address in use or not available)")
        }
        port = Int(CMicroHTTPD_boundPort(daemon))
    }

    /// Stops accepting connections, lets requests in progress finish (up to `gracePeriod`), then closes
    /// every connection. Safe to call more than once.
    public func stop(gracePeriod: Duration = .seconds(30)) {
        guard
            let daemon = lock.withLock({ () -> OpaquePointer? in
                let current = self.daemon
                self.daemon = nil
                return current
            })
        else { return }
        // The listening socket stays open (connections already queued on it wait) until the daemon has
        // stopped; libmicrohttpd's threads may still use it before then.
        let listener = MHD_quiesce_daemon(daemon)
        let deadline = Date().addingTimeInterval(FaceService.seconds(gracePeriod))
        idle.lock()
        while activeRequests > 0 && idle.wait(until: deadline) {}
        idle.unlock()
        MHD_stop_daemon(daemon)
        if listener >= 0 { close(listener) }
    }

    deinit { stop(gracePeriod: .zero) }

    // MARK: - Called by libmicrohttpd

    /// State of one request while its body arrives.
    final class RequestState {
        let method: String
        let target: String
        let started = ContinuousClock.now
        var headers: [String: String] = [:]
        var query: [String: String] = [:]
        var body: [UInt8] = []
        var bodyTooLarge = false
        var bodyTimedOut = false
        var status = 0
        var responseBytes = 0

        init(method: String, target: String) {
            self.method = method
            self.target = target
        }
    }

    fileprivate func access(
        connection: OpaquePointer, url: String, method: String, uploadData: UnsafePointer<CChar>?,
        uploadSize: UnsafeMutablePointer<Int>, statePointer: UnsafeMutablePointer<UnsafeMutableRawPointer?>
    )
        -> MHD_Result
    {
        guard let existing = statePointer.pointee else {
            let state = RequestState(method: method, target: url)
            collectValues(connection: connection, state: state)
            statePointer.pointee = Unmanaged.passRetained(state).toOpaque()
            idle.withLock { activeRequests += 1 }
            if let length = state.headers["content-length"].flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }),
                length > service.configuration.maxBodyBytes
            {
                // Refused before reading the body; libmicrohttpd closes the connection after this reply.
                return send(service.record(tooLarge(), method: method), state: state, connection: connection)
            }
            return .YES
        }
        let state = Unmanaged<RequestState>.fromOpaque(existing).takeUnretainedValue()
        if uploadSize.pointee > 0 {
            let count = uploadSize.pointee
            uploadSize.pointee = 0
            let elapsed = state.started.duration(to: .now)
            if elapsed > service.configuration.requestDeadline * 2 {
                return .NO  // a client still trickling its body long after the deadline loses the connection
            }
            if elapsed > service.configuration.requestDeadline {
                state.bodyTimedOut = true  // answered with 408 once the body is complete
                state.body = []
                return .YES
            }
            if state.bodyTooLarge || state.body.count + count > service.configuration.maxBodyBytes {
                state.bodyTooLarge = true
                state.body = []
            } else if let uploadData {
                uploadData.withMemoryRebound(to: UInt8.self, capacity: count) {
                    state.body.append(contentsOf: UnsafeBufferPointer(start: $0, count: count))
                }
            }
            return .YES
        }
        let response: HTTPResponse
        if state.bodyTooLarge {
            response = service.record(tooLarge(), method: method)
        } else if state.bodyTimedOut {
            response = service.record(
                APIError(.requestTimeout, "the request body took longer than the deadline to arrive"), method: method)
        } else {
            let path = String(state.target.prefix { $0 != "?" })
            response = service.handle(
                HTTPRequest(
                    method: state.method, path: path, query: state.query,
                    headers: state.headers, body: state.body))
        }
        state.body = []
        return send(response, state: state, connection: connection)
    }

    private func tooLarge() -> APIError {
        APIError(.bodyTooLarge, "the body is larger than the limit of \(service.configuration.maxBodyBytes) bytes")
    }

    private func send(_ response: HTTPResponse, state: RequestState, connection: OpaquePointer) -> MHD_Result {
        state.status = response.status
        state.responseBytes = response.body.count
        let reply = response.body.withUnsafeBytes { bytes in
            MHD_create_response_from_buffer(
                bytes.count, UnsafeMutableRawPointer(mutating: bytes.baseAddress), .RESPMEM_MUST_COPY)
        }
        guard let reply else { return .NO }
        defer { MHD_destroy_response(reply) }
        for (name, value) in response.headers { _ = MHD_add_response_header(reply, name, value) }
        return MHD_queue_response(connection, UInt32(response.status), reply)
    }

    private func collectValues(connection: OpaquePointer, state: RequestState) {
        let context = Unmanaged.passUnretained(state).toOpaque()
        _ = MHD_get_connection_values(connection, .HEADER_KIND, serverCollectHeader, context)
        _ = MHD_get_connection_values(connection, .GET_ARGUMENT_KIND, serverCollectArgument, context)
    }

    fileprivate func completed(statePointer: UnsafeMutablePointer<UnsafeMutableRawPointer?>?) {
        guard let raw = statePointer?.pointee else { return }
        statePointer?.pointee = nil
        let state = Unmanaged<RequestState>.fromOpaque(raw).takeRetainedValue()
        if configuration.logsRequests { log(state) }
        idle.lock()
        activeRequests -= 1
        idle.broadcast()
        idle.unlock()
    }

    private func log(_ state: RequestState) {
        let milliseconds = FaceService.seconds(state.started.duration(to: .now)) * 1000
        let status = state.status == 0 ? "-" : String(state.status)
        let target = String(
            state.target.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? "?" : Character($0) })
        let line =
            "\(ISO8601DateFormatter().string(from: Date())) \(state.method) \(target.prefix(200)) \(status) "
            + String(format: "%.1f", milliseconds) + "ms \(state.responseBytes)B\n"
        logLock.withLock { FileHandle.standardError.write(Data(line.utf8)) }
    }
}

// libmicrohttpd's callbacks: plain functions (they run on its threads), reaching the server through
// the context pointer.

@Sendable private func serverAccessHandler(
    context: UnsafeMutableRawPointer?, connection: OpaquePointer?, url: UnsafePointer<CChar>?,
    method: UnsafePointer<CChar>?, version: UnsafePointer<CChar>?, uploadData: UnsafePointer<CChar>?,
    uploadSize: UnsafeMutablePointer<Int>?, statePointer: UnsafeMutablePointer<UnsafeMutableRawPointer?>?
) -> MHD_Result {
    guard let context, let connection, let uploadSize, let statePointer else { return .NO }
    let server = Unmanaged<HTTPServer>.fromOpaque(context).takeUnretainedValue()
    return server.access(
        connection: connection, url: url.map { String(cString: $0) } ?? "/",
        method: method.map { String(cString: $0) } ?? "GET", uploadData: uploadData,
        uploadSize: uploadSize, statePointer: statePointer)
}

@Sendable private func serverRequestCompleted(
    context: UnsafeMutableRawPointer?, connection: OpaquePointer?,
    statePointer: UnsafeMutablePointer<UnsafeMutableRawPointer?>?, reason: MHD_RequestTerminationCode
) {
    guard let context else { return }
    Unmanaged<HTTPServer>.fromOpaque(context).takeUnretainedValue().completed(statePointer: statePointer)
}

@Sendable private func serverCollectHeader(
    context: UnsafeMutableRawPointer?, kind: MHD_ValueKind, key: UnsafePointer<CChar>?, value: UnsafePointer<CChar>?
) -> MHD_Result {
    guard let context, let key else { return .YES }
    let state = Unmanaged<HTTPServer.RequestState>.fromOpaque(context).takeUnretainedValue()
    let name = String(cString: key).lowercased()
    let text = value.map { String(cString: $0) } ?? ""
    state.headers[name] = state.headers[name].map { $0 + ", " + text } ?? text
    return .YES
}

@Sendable private func serverCollectArgument(
    context: UnsafeMutableRawPointer?, kind: MHD_ValueKind, key: UnsafePointer<CChar>?, value: UnsafePointer<CChar>?
) -> MHD_Result {
    guard let context, let key else { return .YES }
    let state = Unmanaged<HTTPServer.RequestState>.fromOpaque(context).takeUnretainedValue()
    let rawName = String(cString: key)
    let rawValue = value.map { String(cString: $0) } ?? ""
    state.query[PercentEncoding.decode(rawName, plusAsSpace: true) ?? rawName] =
        PercentEncoding.decode(rawValue, plusAsSpace: true) ?? rawValue
    return .YES
}
