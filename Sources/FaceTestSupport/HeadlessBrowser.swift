import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Headless Chromium driven over the DevTools protocol, for tests of the web page.
///
/// The browser is started with `--remote-debugging-pipe`: it reads commands on file descriptor 3
/// and writes replies and events on 4, each message one JSON object followed by a NUL byte. One page
/// is opened and every command is sent to it.
public final class HeadlessBrowser {
    /// A command the browser answered with an error, or a page that did not behave.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    private let pid: pid_t
    private let commands: FileHandle
    private let replies: FileHandle
    private var buffered: [UInt8] = []
    private var nextID = 0
    private var sessionID: String?
    private let profile: String

    /// The Chromium binary: `FACEKIT_CHROMIUM` or Debian's `/usr/bin/chromium`.
    public static var executable: String {
        ProcessInfo.processInfo.environment["FACEKIT_CHROMIUM"] ?? "/usr/bin/chromium"
    }

    /// Starts the browser with one blank page of `width`×`height` CSS pixels.
    public init(width: Int = 1200, height: Int = 900) throws {
        guard FileManager.default.isExecutableFile(atPath: Self.executable) else {
            throw Failure(description: "no Chromium at \(Self.executable): run Scripts/setup.sh (Debian package chromium)")
        }
        profile = NSTemporaryDirectory() + "facekit-chromium-\(UUID().uuidString)"
        var toBrowser: [Int32] = [0, 0], fromBrowser: [Int32] = [0, 0]
        guard pipe(&toBrowser) == 0, pipe(&fromBrowser) == 0 else { throw Failure(description: "cannot create pipes") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, toBrowser[0], 3)
        posix_spawn_file_actions_adddup2(&actions, fromBrowser[1], 4)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let arguments = [
            Self.executable, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--no-first-run", "--no-default-browser-check", "--remote-debugging-pipe",
            "--user-data-dir=\(profile)", "--window-size=\(width),\(height)", "about:blank",
        ]
        var argv = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var child: pid_t = 0
        let status = posix_spawn(&child, Self.executable, &actions, nil, &argv, environ)
        close(toBrowser[0])
        close(fromBrowser[1])
        guard status == 0 else { throw Failure(description: "cannot start \(Self.executable): error \(status)") }
        pid = child
        commands = FileHandle(fileDescriptor: toBrowser[1], closeOnDealloc: true)
        replies = FileHandle(fileDescriptor: fromBrowser[0], closeOnDealloc: true)

        let target = try send("Target.createTarget", ["url": "about:blank"])
        guard let targetID = target["targetId"] as? String else { throw Failure(description: "no page was created") }
        let attached = try send("Target.attachToTarget", ["targetId": targetID, "flatten": true])
        sessionID = attached["sessionId"] as? String
        _ = try send("Page.enable")
        _ = try send("Runtime.enable")
    }

    deinit {
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        try? FileManager.default.removeItem(atPath: profile)
    }

    /// Sends one command to the page and returns its result.
    @discardableResult
    public func send(_ method: String, _ parameters: [String: Any] = [:]) throws -> [String: Any] {
        nextID += 1
        var message: [String: Any] = ["id": nextID, "method": method, "params": parameters]
        if let sessionID { message["sessionId"] = sessionID }
        commands.write(try JSONSerialization.data(withJSONObject: message) + Data([0]))
        while true {
            let reply = try readMessage()
            guard reply["id"] as? Int == nextID else { continue }  // an event, or a reply to no one
            if let error = reply["error"] as? [String: Any] {
                throw Failure(description: "\(method) failed: \(error["message"] ?? error)")
            }
            return reply["result"] as? [String: Any] ?? [:]
        }
    }

    /// Loads `url` and waits until its `load` event.
    public func open(_ url: String) throws {
        _ = try send("Page.navigate", ["url": url])
        try waitUntil("document.readyState === 'complete'", timeout: 30)
    }

    /// Evaluates JavaScript in the page (awaiting a promise) and returns its value.
    @discardableResult
    public func evaluate(_ expression: String) throws -> Any? {
        let result = try send("Runtime.evaluate", ["expression": expression, "returnByValue": true, "awaitPromise": true])
        if let exception = result["exceptionDetails"] as? [String: Any] {
            throw Failure(description: "the page threw: \(exception["text"] ?? exception)")
        }
        return (result["result"] as? [String: Any])?["value"]
    }

    /// Waits until a JavaScript condition is true, polling every 100 ms.
    public func waitUntil(_ condition: String, timeout: TimeInterval) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if try evaluate("Boolean(\(condition))") as? Bool == true { return }
            usleep(100_000)
        }
        throw Failure(description: "the page did not reach '\(condition)' within \(Int(timeout)) s")
    }

    /// Puts files into the `<input type=file>` matched by a CSS selector, as a user choosing them would.
    public func setFiles(_ selector: String, _ paths: [String]) throws {
        let document = try send("DOM.getDocument")
        guard let root = (document["root"] as? [String: Any])?["nodeId"] as? Int else { throw Failure(description: "no document") }
        let found = try send("DOM.querySelector", ["nodeId": root, "selector": selector])
        guard let node = found["nodeId"] as? Int, node != 0 else { throw Failure(description: "no element matches \(selector)") }
        _ = try send("DOM.setFileInputFiles", ["nodeId": node, "files": paths])
    }

    /// A PNG screenshot of the page as it is rendered now.
    public func screenshot() throws -> Data {
        let result = try send("Page.captureScreenshot", ["format": "png"])
        guard let base64 = result["data"] as? String, let data = Data(base64Encoded: base64) else {
            throw Failure(description: "the screenshot came back empty")
        }
        return data
    }

    private func readMessage() throws -> [String: Any] {
        while true {
            if let end = buffered.firstIndex(of: 0) {
                let message = Data(buffered[..<end])
                buffered.removeSubrange(...end)
                return (try JSONSerialization.jsonObject(with: message)) as? [String: Any] ?? [:]
            }
            let chunk = replies.availableData
            guard !chunk.isEmpty else { throw Failure(description: "the browser closed its DevTools pipe") }
            buffered.append(contentsOf: chunk)
        }
    }
}
