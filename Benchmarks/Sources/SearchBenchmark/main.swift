// Nearest-face search over synthetic galleries: exact scans (Float32, Int8 with exact re-rank, batched
// sgemm), the faiss HNSW index and FaceKit's inverted-file index (Int8 lists, exact re-rank), at several gallery sizes.
//
//   SearchBenchmark [--sizes 100000,1000000] [--queries 200] [--exact float32,int8]
//                   [--hnsw-max-size 1000000] [--ef-search 32,64,128,256] [--neighbors 32] [--ef-construction 80]
//                   [--ivf-max-size 0] [--lists 0] [--probes 16,32,64,128] [--training-per-list 30]
//                   [--training-iterations 10]
//                   [--data structured,uniform]
//
// Recall is measured against the first exact method run (the Int8 scan with exact re-rank returns the
// same faces as the Float32 scan). The IVF index chooses about 4√N lists, rounded to a power of two;
// `--lists N` caps them at N (0: no cap).
//
// Data: `uniform` draws unit vectors uniformly from the sphere (intrinsic dimension 127: the worst case
// for graph indexes, unlike any face embedding); `structured` gives direction i of 128 a variance 0.9^i
// (participation ratio about 19), turned by three fixed random reflections, then normalised. Queries
// come from the same distribution as the gallery.

import BenchmarkSupport
import FaceGallery
import Foundation

// MARK: - Options

var sizes = [100_000, 1_000_000]
var queryCount = 200
var hnswMaxSize = 1_000_000
var searchBreadths = [32, 64, 128, 256]
var neighborsPerNode = 32
var constructionBreadth = 80
var datasets = ["structured", "uniform"]
var exactMethods = ["float32", "int8"]
var ivfMaxSize = 0
var listsOption = 0
var probeCounts = [16, 32, 64, 128]
var trainingFacesPerList = 30
var trainingIterations = 10
let k = 10
let dimension = 128

func integers(_ text: String) -> [Int] {
    text.split(separator: ",").map { part in
        guard let value = Int(part) else { Bench.fail("not an integer list: \(text)") }
        return value
    }
}

var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let option = arguments.next() {
    guard let value = arguments.next() else { Bench.fail("\(option) needs a value") }
    switch option {
    case "--sizes": sizes = integers(value)
    case "--queries": queryCount = integers(value)[0]
    case "--hnsw-max-size": hnswMaxSize = integers(value)[0]
    case "--ef-search": searchBreadths = integers(value)
    case "--neighbors": neighborsPerNode = integers(value)[0]
    case "--ef-construction": constructionBreadth = integers(value)[0]
    case "--data": datasets = value.split(separator: ",").map(String.init)
    case "--exact": exactMethods = value.split(separator: ",").map(String.init)
    case "--ivf-max-size": ivfMaxSize = integers(value)[0]
    case "--lists": listsOption = integers(value)[0]
    case "--probes": probeCounts = integers(value)
    case "--training-per-list": trainingFacesPerList = integers(value)[0]
    case "--training-iterations": trainingIterations = integers(value)[0]
    default: Bench.fail("unknown option \(option)")
    }
}

// MARK: - Synthetic descriptors

/// `count` unit-length descriptors: Gaussian with variance `decay^i` along direction `i`, turned by three
/// fixed reflections, normalised. `decay` 1 is the uniform distribution on the sphere.
func unitDescriptors(count: Int, seed: UInt64, decay: Float) -> [Float] {
    var values = [Float](repeating: 0, count: count * dimension)
    let chunks = 64
    let scales = (0..<dimension).map { Float(Foundation.pow(Double(decay), Double($0) / 2)) }
    var mirrorGenerator = SplitMix64(state: 1)
    let mirrors: [[Float]] = (0..<3).map { _ in
        let raw = (0..<dimension).map { _ in mirrorGenerator.unit() - 0.5 }
        let norm = raw.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return raw.map { $0 / norm }
    }
    values.withUnsafeMutableBufferPointer { buffer in
        let base = UncheckedPointer(buffer.baseAddress!)
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            var generator = SplitMix64(state: seed &+ UInt64(chunk) &* 0x1_0000_0001)
            for row in (count * chunk / chunks)..<(count * (chunk + 1) / chunks) {
                let pointer = base.value + row * dimension
                var squaredNorm: Float = 0
                for index in stride(from: 0, to: dimension, by: 2) {
                    let radius = (-2 * Foundation.log(max(generator.unit(), 1e-7))).squareRoot()
                    let angle = 2 * Float.pi * generator.unit()
                    pointer[index] = radius * cos(angle) * scales[index]
                    pointer[index + 1] = radius * sin(angle) * scales[index + 1]
                }
                for mirror in mirrors {
                    var projection: Float = 0
                    for index in 0..<dimension { projection += pointer[index] * mirror[index] }
                    for index in 0..<dimension { pointer[index] -= 2 * projection * mirror[index] }
                }
                for index in 0..<dimension { squaredNorm += pointer[index] * pointer[index] }
                let scale = 1 / squaredNorm.squareRoot()
                for index in 0..<dimension { pointer[index] *= scale }
            }
        }
    }
    return values
}

struct UncheckedPointer: @unchecked Sendable {
    let value: UnsafeMutablePointer<Float>
    init(_ value: UnsafeMutablePointer<Float>) { self.value = value }
}

// MARK: - Measuring

/// Resident bytes after handing freed heap pages back to the kernel (`malloc_trim`, reached through
/// dlsym because Swift's Glibc module does not export it), so that a delta measures what an index holds
/// rather than what earlier, freed indexes left behind.
func residentBytes() -> Int {
    typealias Trim = @convention(c) (Int) -> Int32
    if let trim = dlsym(nil, "malloc_trim") { _ = unsafeBitCast(trim, to: Trim.self)(0) }
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let fields = text.split(separator: " ")
    return (Int(fields[1]) ?? 0) * Int(sysconf(Int32(_SC_PAGESIZE)))
}

func percentile(_ sorted: [Double], _ fraction: Double) -> Double {
    sorted[min(sorted.count - 1, Int((Double(sorted.count) * fraction).rounded(.down)))]
}

/// Wall-clock percentiles, and the process's CPU time per call: on a shared machine the second shows
/// what a call costs when other programs steal the cores.
struct Latency {
    let p50: Double, p99: Double, cpuPerCall: Double
    init(_ times: [Double], cpu: Double) {
        let sorted = times.sorted()
        p50 = percentile(sorted, 0.5)
        p99 = percentile(sorted, 0.99)
        cpuPerCall = cpu / Double(times.count)
    }
    var text: String { String(format: "%.2f / %.2f | %.2f", p50 * 1e3, p99 * 1e3, cpuPerCall * 1e3) }
}

/// CPU seconds used by the whole process so far.
func processCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
        + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) * 1e-6
}

/// Single-query latencies over every query, after a short warm-up; returns the results too.
func timeSingleQueries(_ index: any FaceSearchIndex, _ queries: [Float]) -> (Latency, [[FaceMatch]]) {
    let count = queries.count / dimension
    let split = (0..<count).map { Array(queries[$0 * dimension..<($0 + 1) * dimension]) }
    for query in split.prefix(5) { _ = index.nearestFaces(to: query, count: k) }
    var times: [Double] = []
    var results: [[FaceMatch]] = []
    let cpuStart = processCPUSeconds()
    for query in split {
        let start = Bench.now()
        let found = index.nearestFaces(to: query, count: k)
        times.append(Bench.now() - start)
        results.append(found[0])
    }
    return (Latency(times, cpu: processCPUSeconds() - cpuStart), results)
}

/// Latency of batches of 32 queries.
func timeBatches(_ index: any FaceSearchIndex, _ queries: [Float]) -> (Latency, [[FaceMatch]]) {
    let batch = 32
    let count = queries.count / dimension
    var times: [Double] = []
    var results: [[FaceMatch]] = []
    _ = index.nearestFaces(to: Array(queries[0..<batch * dimension]), count: k)
    let cpuStart = processCPUSeconds()
    for start in stride(from: 0, to: count, by: batch) {
        let end = min(count, start + batch)
        let slice = Array(queries[start * dimension..<end * dimension])
        let begin = Bench.now()
        results += index.nearestFaces(to: slice, count: k)
        times.append(Bench.now() - begin)
    }
    return (Latency(times, cpu: processCPUSeconds() - cpuStart), results)
}

func recall(_ found: [[FaceMatch]], truth: [[FaceMatch]]) -> Double {
    var hits = 0
    for (found, truth) in zip(found, truth) {
        hits += Set(found.map(\.faceID)).intersection(truth.map(\.faceID)).count
    }
    return Double(hits) / Double(truth.count * k)
}

func identicalCount(_ found: [[FaceMatch]], _ truth: [[FaceMatch]]) -> Int {
    zip(found, truth).filter { $0.0 == $0.1 }.count
}

// MARK: - Run

/// Prints a line at once, so progress shows while a long run goes on.
func say(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }

say(
    "SearchBenchmark: \(dimension)-D unit-length synthetic descriptors, top-\(k), \(queryCount) queries, "
        + "\(ProcessInfo.processInfo.activeProcessorCount) cores")
say("Latencies are wall-clock p50 / p99 in ms per call; a batched call carries 32 queries. CPU ms per call")
say("is the process's CPU time (both cores) divided by calls.\n")
say("| faces | data | method | build s (CPU s) | bytes/face | latency p50 / p99 ms | CPU ms per call | recall@10 | identical to Float32 |")
say("|---:|---|---|---:|---:|---:|---:|---:|---:|")

for size in sizes {
    for data in datasets {
        guard let decay: Float = ["structured": 0.9, "uniform": 1][data] else { Bench.fail("unknown data \(data)") }
        let queries = unitDescriptors(count: queryCount, seed: 0xFACE, decay: decay)
        let generationStart = Bench.now()
        let descriptors = unitDescriptors(count: size, seed: 0x5EED, decay: decay)
        let faceIDs = (0..<size).map { Int64($0) }
        let subjectIDs = (0..<size).map { Int64($0 / 4) }
        FileHandle.standardError.write(
            Data(String(format: "generated %d faces in %.1f s\n", size, Bench.now() - generationStart).utf8))

        func row(
            _ method: String, _ build: (wall: Double, cpu: Double), _ bytes: Int, _ latency: Latency, _ recallText: String,
            _ identical: String
        ) {
            say(
                "| \(size) | \(data) | \(method) | \(String(format: "%.1f (%.1f)", build.wall, build.cpu)) | \(bytes) | \(latency.text) | \(recallText) | \(identical) |"
            )
        }

        var truth: [[FaceMatch]] = []
        if exactMethods.contains("float32") {
            let before = residentBytes()
            let start = Bench.now(), cpuStart = processCPUSeconds()
            let exact = ExactSearchIndex(dimension: dimension, settings: .init(reducedPrecisionScan: false))
            exact.add(faceIDs: faceIDs, subjectIDs: subjectIDs, descriptors: descriptors)
            let build = (Bench.now() - start, processCPUSeconds() - cpuStart)
            let bytes = (residentBytes() - before) / size
            let (single, found) = timeSingleQueries(exact, queries)
            truth = found
            row("exact Float32 scan", build, bytes, single, "1", "\(queryCount)/\(queryCount)")
            let (batched, batchFound) = timeBatches(exact, queries)
            row(
                "exact Float32 sgemm, 32 per call", build, bytes, batched, "1",
                "\(identicalCount(batchFound, truth))/\(queryCount)")
        }
        if exactMethods.contains("int8") {
            let before = residentBytes()
            let start = Bench.now(), cpuStart = processCPUSeconds()
            let exact = ExactSearchIndex(dimension: dimension)
            exact.add(faceIDs: faceIDs, subjectIDs: subjectIDs, descriptors: descriptors)
            let build = (Bench.now() - start, processCPUSeconds() - cpuStart)
            let bytes = (residentBytes() - before) / size
            let (single, found) = timeSingleQueries(exact, queries)
            if truth.isEmpty { truth = found }
            row(
                "exact Int8 scan + exact re-rank", build, bytes, single, "1",
                "\(identicalCount(found, truth))/\(queryCount)")
        }
        guard !truth.isEmpty else { Bench.fail("--exact must name float32 or int8: recall needs the exact answer") }
        if size <= hnswMaxSize {
            let before = residentBytes()
            let start = Bench.now(), cpuStart = processCPUSeconds()
            let settings = ApproximateSearchIndex.Settings(
                neighborsPerNode: neighborsPerNode,
                constructionBreadth: constructionBreadth)
            let approximate = ApproximateSearchIndex(dimension: dimension, settings: settings)
            approximate.add(faceIDs: faceIDs, subjectIDs: subjectIDs, descriptors: descriptors)
            let build = (Bench.now() - start, processCPUSeconds() - cpuStart)
            let bytes = (residentBytes() - before) / size
            for breadth in searchBreadths {
                approximate.settings.searchBreadth = breadth
                let (single, found) = timeSingleQueries(approximate, queries)
                row(
                    "HNSW M=\(neighborsPerNode) efC=\(constructionBreadth) efSearch=\(breadth)", build, bytes, single,
                    String(format: "%.4f", recall(found, truth: truth)), "—")
            }
        }
        if size <= ivfMaxSize {
            let before = residentBytes()
            // The index chooses its lists (about 4√N); `--lists` caps them.
            let settings = IVFSearchIndex.Settings(
                maximumLists: listsOption > 0 ? listsOption : Int.max, probes: probeCounts[0], trainingFacesPerList: trainingFacesPerList,
                trainingIterations: trainingIterations)
            let ivf = IVFSearchIndex(dimension: dimension, settings: settings)
            // One add: the index trains on a sample of it, then fills its lists.
            let start = Bench.now(), cpuStart = processCPUSeconds()
            ivf.add(faceIDs: faceIDs, subjectIDs: subjectIDs, descriptors: descriptors)
            let build = (Bench.now() - start, processCPUSeconds() - cpuStart)
            let lists = ivf.listCount
            let bytes = (residentBytes() - before) / size
            say(
                String(
                    format: "(IVF %d lists, %d training faces, %d k-means rounds: trained and filled in %.1f s (%.1f CPU s), "
                        + "%d resident bytes/face)",
                    lists, min(size, lists * trainingFacesPerList), trainingIterations, build.0, build.1, bytes))
            for probes in probeCounts {
                ivf.settings.probes = probes
                let (single, found) = timeSingleQueries(ivf, queries)
                row(
                    "IVF Int8 lists=\(lists) probes=\(probes)", build, bytes, single,
                    String(format: "%.4f", recall(found, truth: truth)), "—")
            }
        }
    }
}
