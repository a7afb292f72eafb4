// The HTTP service under load: `facekit serve` (release build) over a 10,000-subject SQLite gallery,
// driven by wrk at saturation, 60 s against /api/v1/identify and 60 s against /api/v1/verify, each
// request posting real 640×480 photos with one face. Reports requests/s, p50/p99 latency, non-2xx
// replies and the server's RSS before and after; writes Results/service.md naming the commit.
//
//   swift build -c release --product facekit               (in the FaceKit checkout)
//   swift build -c release --package-path Benchmarks --product ServiceBenchmark
//   Benchmarks/.build/release/ServiceBenchmark [--seconds 60] [--connections 4] [--subjects 10000]
//
// Needs Debian's `wrk` (apt-get install wrk).
import BenchmarkSupport
import FaceCore
import FaceGallery
import FaceGallerySQLite
import FaceImage
import FacePipeline
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

func option(_ name: String, default value: Int) -> Int {
    guard let index = CommandLine.arguments.firstIndex(of: "--\(name)"), index + 1 < CommandLine.arguments.count,
        let number = Int(CommandLine.arguments[index + 1]), number > 0
    else { return value }
    return number
}
let seconds = option("seconds", default: 60)
let connections = option("connections", default: 4)
let subjectCount = option("subjects", default: 10_000)

let facekit = Bench.packageRoot + "/.build/release/facekit"
guard FileManager.default.isExecutableFile(atPath: facekit) else {
    Bench.fail("\(facekit) not found; run 'swift build -c release --product facekit' in the checkout first")
}
guard
    let wrk = ["/usr/bin/wrk", "/usr/local/bin/wrk"].first(where: { FileManager.default.isExecutableFile(atPath: $0) })
else {
    Bench.fail("wrk not found; apt-get install wrk")
}
let environment = ProcessInfo.processInfo.environment
let dataHome =
    environment["FACEKIT_HOME"] ?? ((environment["XDG_DATA_HOME"] ?? NSHomeDirectory() + "/.local/share") + "/facekit")
let photoDirectory = environment["FACEKIT_TEST_PHOTOS"] ?? dataHome + "/test-photos"
let scratch = NSTemporaryDirectory() + "facekit-service-benchmark-\(getpid())"
try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(atPath: scratch) }

/// A 640×480 JPEG cut from a test photo around its upper middle (where the face is) and scaled.
func webcamPhoto(_ name: String) throws -> String {
    let source = try ImageDecoder.decode(contentsOf: photoDirectory + "/" + name)
    let scale = max(640.0 / Double(source.width), 480.0 / Double(source.height))
    let scaled = source.resized(
        width: max(640, Int((Double(source.width) * scale).rounded(.up))),
        height: max(480, Int((Double(source.height) * scale).rounded(.up))))
    let left = (scaled.width - 640) / 2
    let top = (scaled.height - 480) / 4
    var pixels: [UInt8] = []
    pixels.reserveCapacity(640 * 480 * 3)
    for y in top..<top + 480 {
        let start = (y * scaled.width + left) * 3
        pixels += scaled.pixels[start..<start + 640 * 3]
    }
    let path = scratch + "/" + name.replacingOccurrences(of: ".jpg", with: "_640x480.jpg")
    try Data(try ImageEncoder.jpeg(Image(width: 640, height: 480, pixels: pixels), quality: 90)).write(
        to: URL(fileURLWithPath: path))
    return path
}

// MARK: - The gallery: real subjects from the test photos plus synthetic ones up to the target size

let recognizer = try FaceRecognizer()
let model = GalleryModel(id: KnownModel.faceDescriptor.identifier, dimension: 128)
let galleryPath = scratch + "/gallery.sqlite"
let store = try SQLiteGalleryStore(path: galleryPath, model: model)
var realGroups: [SubjectFaces] = []
for (subject, photos) in [("Barack Obama", ["obama.jpg", "obama2.jpg"]), ("Joe Biden", ["biden.jpg"])] {
    var faces: [NewFace] = []
    for photo in photos {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: photoDirectory + "/" + photo)))
        guard let face = recognizer.faces(in: try ImageDecoder.decode(bytes)).first else {
            Bench.fail("no face in \(photo)")
        }
        faces.append(
            NewFace(
                descriptor: face.descriptor!, modelID: model.id, photoSHA256: SHA256.hexDigest(bytes),
                box: face.box, landmarks: face.landmarks, confidence: face.confidence))
    }
    realGroups.append(SubjectFaces(subjectName: subject, faces: faces))
}
_ = try store.addFaces(realGroups, createSubjects: true)
// Synthetic descriptors: random directions scaled to the norm real descriptors have (about 1), so
// distances to real faces are realistic (far above the 0.6 threshold).
var generator = SystemRandomNumberGenerator()
let batch = 1000
for start in stride(from: 0, to: subjectCount - realGroups.count, by: batch) {
    var groups: [SubjectFaces] = []
    for index in start..<min(start + batch, subjectCount - realGroups.count) {
        var values = (0..<128).map { _ in Float.random(in: -1...1, using: &generator) }
        let norm = values.reduce(0) { $0 + $1 * $1 }.squareRoot()
        values = values.map { $0 / norm }
        groups.append(
            SubjectFaces(
                subjectName: String(format: "synthetic-%05d", index),
                faces: [
                    NewFace(
                        descriptor: Descriptor(values), modelID: model.id,
                        photoSHA256: String(repeating: "0", count: 64),
                        box: BoundingBox(x: 0, y: 0, width: 100, height: 100), landmarks: FaceLandmarks([]),
                        confidence: 1)
                ]))
    }
    _ = try store.addFaces(groups, createSubjects: true)
}
let gallerySubjects = try store.subjectCount()
store.close()
print("gallery: \(gallerySubjects) subjects")

// MARK: - The server

let identifyPhoto = try webcamPhoto("obama3.jpg")
let verifyPhoto = try webcamPhoto("obama2.jpg")
let server = Process()
server.executableURL = URL(fileURLWithPath: facekit)
server.arguments = ["serve", "--port", "0", "--gallery", "sqlite:\(galleryPath)", "--quiet", "--queue", "64"]
let serverOutput = Pipe()
server.standardOutput = serverOutput
try server.run()
var firstLine: [UInt8] = []
while firstLine.last != 10, let byte = try serverOutput.fileHandleForReading.read(upToCount: 1)?.first {
    firstLine.append(byte)
}
guard
    let port = Int(
        String(decoding: firstLine, as: UTF8.self).split(separator: ":").last?.trimmingCharacters(
            in: .whitespacesAndNewlines) ?? "")
else {
    server.terminate()
    Bench.fail("facekit serve did not report its port")
}
let base = "http://127.0.0.1:\(port)"

func residentKilobytes(_ pid: Int32) -> Int {
    guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
        let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") })
    else { return 0 }
    return Int(line.split(separator: " ")[1]) ?? 0
}

/// CPU seconds the process has used (user + system), from /proc.
func cpuSeconds(_ pid: Int32) -> Double {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
        let close = stat.lastIndex(of: ")")
    else { return 0 }
    // Fields after the command name start at field 3 (state); utime and stime are fields 14 and 15.
    let fields = stat[stat.index(after: close)...].split(separator: " ")
    guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
    return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
}

/// A wrk script posting the photos as multipart/form-data and printing a JSON summary at the end.
func wrkScript(fields: [(name: String, path: String)], query: String) throws -> String {
    var lua = "local boundary = \"facekit-wrk-boundary\"\nlocal parts = {}\n"
    for field in fields {
        lua += """
            do
              local file = assert(io.open("\(field.path)", "rb"))
              local bytes = file:read("*a")
              file:close()
              table.insert(parts, "--" .. boundary .. "\\r\\nContent-Disposition: form-data; name=\\"\(field.name)\\"; filename=\\"photo.jpg\\"\\r\\nContent-Type: image/jpeg\\r\\n\\r\\n" .. bytes .. "\\r\\n")
            end

            """
    }
    lua += """
        wrk.method = "POST"
        wrk.path = wrk.path .. "\(query)"
        wrk.body = table.concat(parts) .. "--" .. boundary .. "--\\r\\n"
        wrk.headers["Content-Type"] = "multipart/form-data; boundary=" .. boundary
        done = function(summary, latency, requests)
          io.write(string.format("RESULT {\\"requests\\": %d, \\"duration_us\\": %d, \\"status_errors\\": %d, \\"socket_errors\\": %d, \\"p50_us\\": %d, \\"p99_us\\": %d, \\"max_us\\": %d}\\n",
            summary.requests, summary.duration, summary.errors.status,
            summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
            latency:percentile(50), latency:percentile(99), latency.max))
        end

        """
    let path = scratch + "/post-\(fields.count).lua"
    try lua.write(toFile: path, atomically: true, encoding: .utf8)
    return path
}

struct Outcome {
    let route: String
    var cpuMillisecondsPerRequest = 0.0
    let requestsPerSecond: Double
    let p50: Double, p99: Double, maximum: Double
    let non2xx: Int, socketErrors: Int, requests: Int
}

func runWrk(route: String, script: String, seconds: Int) -> Outcome {
    let cpuBefore = cpuSeconds(server.processIdentifier)
    let output = Bench.run(
        wrk,
        [
            "-t", "2", "-c", "\(connections)", "-d", "\(seconds)s", "--timeout", "10s",
            "-s", script, base + "/api/v1/" + route,
        ])
    guard let line = output.split(separator: "\n").first(where: { $0.hasPrefix("RESULT ") }),
        let json = try? JSONSerialization.jsonObject(with: Data(line.dropFirst(7).utf8)) as? [String: Int]
    else { Bench.fail("no summary from wrk:\n\(output)") }
    let duration = Double(json["duration_us"]!) / 1e6
    var outcome = Outcome(
        route: route, requestsPerSecond: Double(json["requests"]!) / duration,
        p50: Double(json["p50_us"]!) / 1000, p99: Double(json["p99_us"]!) / 1000,
        maximum: Double(json["max_us"]!) / 1000,
        non2xx: json["status_errors"]!, socketErrors: json["socket_errors"]!, requests: json["requests"]!)
    outcome.cpuMillisecondsPerRequest =
        (cpuSeconds(server.processIdentifier) - cpuBefore) * 1000 / Double(max(1, outcome.requests))
    return outcome
}

let identifyScript = try wrkScript(fields: [("image", identifyPhoto)], query: "?top=5")
let verifyScript = try wrkScript(fields: [("image1", identifyPhoto), ("image2", verifyPhoto)], query: "")
// Warm up (first requests allocate the engine's buffers), then measure.
_ = runWrk(route: "identify", script: identifyScript, seconds: 5)
_ = runWrk(route: "verify", script: verifyScript, seconds: 5)
let rssBefore = residentKilobytes(server.processIdentifier)
let loadBefore =
    (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3).joined(
        separator: " ") ?? "?"
let identify = runWrk(route: "identify", script: identifyScript, seconds: seconds)
let verify = runWrk(route: "verify", script: verifyScript, seconds: seconds)
let rssAfter = residentKilobytes(server.processIdentifier)
let loadAfter =
    (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3).joined(
        separator: " ") ?? "?"
server.interrupt()
server.waitUntilExit()

// MARK: - Report

let commit = Bench.run("/usr/bin/git", ["-C", Bench.packageRoot, "rev-parse", "--short", "HEAD"]).trimmingCharacters(
    in: .whitespacesAndNewlines)
let dirty = !Bench.run("/usr/bin/git", ["-C", Bench.packageRoot, "status", "--porcelain", "--untracked-files=no"])
    .isEmpty
let date = ISO8601DateFormatter().string(from: Date()).prefix(10)
let growth = rssBefore > 0 ? Double(rssAfter - rssBefore) / Double(rssBefore) * 100 : 0
func row(_ outcome: Outcome, target: String) -> String {
    String(
        format: "| /api/v1/%@ | %.2f | %.0f | %.0f | %.0f | %d | %d | %d | %.0f | %.1f | %@ |", outcome.route,
        outcome.requestsPerSecond, outcome.p50, outcome.p99, outcome.maximum, outcome.requests, outcome.non2xx,
        outcome.socketErrors, outcome.cpuMillisecondsPerRequest,
        Double(ProcessInfo.processInfo.activeProcessorCount) * 1000 / max(1, outcome.cpuMillisecondsPerRequest), target)
}
let report = """
    # ServiceBenchmark at commit \(commit)\(dirty ? " (with uncommitted changes)" : "") (\(date))

    `facekit serve` (release build; \(ProcessInfo.processInfo.activeProcessorCount) cores; 2 inference workers, 1 thread each,
    queue 64) over an SQLite gallery of \(gallerySubjects) subjects (3 faces of 2 real people from the test photos, the rest
    synthetic descriptors). wrk 4.1, 2 threads, \(connections) connections, \(seconds) s per route after a 5 s warm-up;
    every request posts real 640×480 JPEG photos with one face (cut from obama3.jpg and obama2.jpg) as
    multipart/form-data. Load average before / after: \(loadBefore) / \(loadAfter) (the machine is shared).

    | route | requests/s | p50 ms | p99 ms | max ms | requests | non-2xx | socket errors | server CPU ms/request | requests/s if the cores were free | target |
    |---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|
    \(row(identify, target: "≥ 10 req/s, p99 ≤ 500 ms"))
    \(row(verify, target: "≥ 5 req/s"))

    "Server CPU ms/request" is the CPU time `facekit serve` used (user + system, from /proc) divided by the
    requests it answered; "if the cores were free" is the core count divided by it, the rate the service
    would reach if nothing else ran on the machine.

    Server RSS: \(rssBefore / 1024) MB after warm-up, \(rssAfter / 1024) MB after both runs (\(String(format: "%+.1f", growth)) %; target under 10 %).

    """
print(report)
let resultPath = Bench.packageRoot + "/Benchmarks/Results/service.md"
try report.write(toFile: resultPath, atomically: true, encoding: .utf8)
print("saved \(resultPath)")
