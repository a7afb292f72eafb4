// Descriptors per second, FaceKit against dlib's own implementation of the same network, measured in
// one run on the same chips: batch 1 and 32, 1 and 2 threads; achieved GFLOPS beside cblas_sgemm's
// peak measured here; model load time; peak resident memory of each side at batch 32.
//
//   swift run -c release --package-path Benchmarks DescriptorBenchmark [--seconds S]

import BenchmarkSupport
import FaceImage
import FaceNN
import FacePipeline
import FaceTensor
import Foundation

#if canImport(Glibc)
import Glibc
#endif

// The same allocator setting the dlib reference program makes for dlib: freed blocks are reused.
ComputeContext.keepFreedMemoryForReuse()

let packageRoot = Bench.packageRoot
let environment = ProcessInfo.processInfo.environment
let referenceBinary = Bench.referenceBinary
let models = ModelDirectory.fromEnvironment()
let arguments = Array(CommandLine.arguments.dropFirst())

/// Peak resident set of the process's waited-for children, in MB.
func childrenPeakMegabytes() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_CHILDREN.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024
}

func selfPeakMegabytes() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024
}

// Child mode: run another program and report its peak memory alone.
if arguments.first == "--peak-memory-of" {
    Bench.run(arguments[1], Array(arguments.dropFirst(2)))
    print(childrenPeakMegabytes())
    exit(0)
}

// Child mode: FaceKit's own peak memory for one batch.
if arguments.first == "--facekit-peak-memory" {
    let batch = Int(arguments[1])!
    let embedder = try FaceEmbedder(models: models)
    let chips = (0..<batch).map { i in
        Image(width: 150, height: 150, pixels: (0..<150 * 150 * 3).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ i) })
    }
    _ = try embedder.descriptors(for: chips, batchSize: batch, context: ComputeContext(threads: 2))
    print(selfPeakMegabytes())
    exit(0)
}

let seconds: Double = {
    guard let index = arguments.firstIndex(of: "--seconds"), index + 1 < arguments.count else { return 5 }
    return Double(arguments[index + 1]) ?? 5
}()
Bench.requireReference()

// Real aligned chips: the dlib_johns set when present, otherwise chips dlib extracts from the test photos.
let chipPaths: [String] = {
var chipPaths: [String] = []
let johns = packageRoot + "/../shared/datasets/dlib_johns"
if let people = try? FileManager.default.contentsOfDirectory(atPath: johns) {
    for person in people.sorted() where !person.hasSuffix(".csv") {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: johns + "/" + person)) ?? []
        chipPaths += files.sorted().map { johns + "/" + person + "/" + $0 }
    }
}
if chipPaths.isEmpty {
    let photos = (environment["FACEKIT_TEST_PHOTOS"] ?? models.path + "/../test-photos")
    let directory = NSTemporaryDirectory() + "facekit-benchmark-chips"
    try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    Bench.run(referenceBinary, ["faces", "--models", models.path, "--upsample", "1", "--chips-out", directory,
                                 photos + "/obama.jpg", photos + "/biden.jpg", photos + "/obama2.jpg"])
    chipPaths = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted().map { directory + "/" + $0 }
}
return chipPaths
}()
guard !chipPaths.isEmpty else { Bench.fail("no chips to benchmark on") }
let chips = try chipPaths.map { try ImageDecoder.decode(contentsOf: $0) }

// Model load: parse and prepare, and the same with the SHA-256 check FaceKit does by default.
let bytes = [UInt8](FileManager.default.contents(atPath: models.path(of: .faceDescriptor)) ?? Data())
var start = Bench.now()
_ = try FaceEmbedder(modelBytes: bytes)
let parseSeconds = Bench.now() - start
start = Bench.now()
let embedder = try FaceEmbedder(models: models)
let loadSeconds = Bench.now() - start

// cblas_sgemm peak on this machine, now: 1024³ products, one per worker.
func sgemmGigaflops(threads: Int) -> Double {
    let n = 1024
    let a = [Float](repeating: 0.5, count: n * n), b = [Float](repeating: 0.25, count: n * n)
    var c = [Float](repeating: 0, count: n * n * threads)
    let context = ComputeContext(threads: threads)
    var runs = 0
    let begin = Bench.now()
    repeat {
        c.withUnsafeMutableBufferPointer { output in
            let base = output.baseAddress!
            context.parallelFor(threads) { worker in
                GEMM.multiply(m: n, n: n, k: n, a: a, lda: n, b: b, ldb: n, c: base + worker * n * n, ldc: n)
            }
        }
        runs += 1
    } while Bench.now() - begin < 1.5
    return 2 * Double(n * n * n) * Double(runs * threads) / (Bench.now() - begin) / 1e9
}

func facekitRate(batch: Int, threads: Int) throws -> Double {
    let context = ComputeContext(threads: threads)
    let input = (0..<batch).map { chips[$0 % chips.count] }
    _ = try embedder.descriptors(for: input, batchSize: batch, context: context)
    var runs = 0
    let begin = Bench.now()
    repeat {
        _ = try embedder.descriptors(for: input, batchSize: batch, context: context)
        runs += 1
    } while Bench.now() - begin < seconds || runs < 3
    return Double(runs * batch) / (Bench.now() - begin)
}

func dlibRate(batch: Int, threads: Int) -> (rate: Double, load: Double) {
    let output = Bench.run(referenceBinary, ["bench-descriptors", "--models", models.path, "--batch", "\(batch)",
                                              "--threads", "\(threads)", "--seconds", "\(seconds)"] + chipPaths.prefix(64))
    guard let line = output.split(separator: "\n").last,
          let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
          let rate = (object["descriptors_per_second"] as? NSNumber)?.doubleValue else {
        Bench.fail("unexpected dlib-reference output: \(output)")
    }
    return (rate, (object["load_seconds"] as? NSNumber)?.doubleValue ?? .nan)
}

let flopsPerChip = Double(embedder.floatingPointOperationsPerChip)
let peaks = [1: sgemmGigaflops(threads: 1), 2: sgemmGigaflops(threads: 2)]
print("Descriptor network: \(String(format: "%.3f", flopsPerChip / 1e9)) GFLOP per chip; \(chips.count) real chips; \(seconds) s per measurement")
print("cblas_sgemm peak (1024³, this run): 1 thread \(String(format: "%.0f", peaks[1]!)) GFLOPS, 2 threads \(String(format: "%.0f", peaks[2]!)) GFLOPS")
print("")
print("| batch | threads | FaceKit desc/s | dlib desc/s | ratio | FaceKit GFLOPS | % of sgemm peak |")
print("|---:|---:|---:|---:|---:|---:|---:|")
var dlibLoad = Double.nan
for threads in [1, 2] {
    for batch in [1, 32] {
        let ours = try facekitRate(batch: batch, threads: threads)
        let theirs = dlibRate(batch: batch, threads: threads)
        dlibLoad = theirs.load
        let gflops = ours * flopsPerChip / 1e9
        print("| \(batch) | \(threads) | \(String(format: "%.1f", ours)) | \(String(format: "%.1f", theirs.rate)) | "
              + "\(String(format: "%.2f", ours / theirs.rate))× | \(String(format: "%.1f", gflops)) | "
              + "\(String(format: "%.0f", 100 * gflops / peaks[threads]!))% |")
    }
}
print("")
print("Model load: FaceKit \(String(format: "%.3f", loadSeconds)) s with SHA-256 check (\(String(format: "%.3f", parseSeconds)) s without); dlib \(String(format: "%.3f", dlibLoad)) s")
let ownPath = CommandLine.arguments[0].hasPrefix("/") ? CommandLine.arguments[0]
    : FileManager.default.currentDirectoryPath + "/" + CommandLine.arguments[0]
let facekitPeak = Bench.run(ownPath, ["--facekit-peak-memory", "32"]).trimmingCharacters(in: .whitespacesAndNewlines)
let dlibPeak = Bench.run(ownPath, ["--peak-memory-of", referenceBinary, "bench-descriptors", "--models", models.path,
                                   "--batch", "32", "--threads", "2", "--seconds", "0"] + chipPaths.prefix(32))
    .split(separator: "\n").last.map(String.init) ?? "?"
print("Peak RSS at batch 32, 2 threads: FaceKit \(String(format: "%.0f", Double(facekitPeak) ?? .nan)) MB, dlib \(String(format: "%.0f", Double(dlibPeak) ?? .nan)) MB")
