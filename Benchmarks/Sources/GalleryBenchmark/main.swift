// The SQLite gallery at scale, on synthetic unit-length 128-D descriptors:
// enrolment throughput (one face per transaction, as `facekit enroll` commits a photo, and in
// batches of 1,000), bytes per face on disk and in memory, open time and 1:N query latency.
//
// Usage: GalleryBenchmark [FACES]   (default 1,000,000; 4 faces per subject)

import BenchmarkSupport
import FaceCore
import FaceGallery
import FaceGallerySQLite
import Foundation

let faceCount = CommandLine.arguments.count == 2 ? Int(CommandLine.arguments[1]) ?? 1_000_000 : 1_000_000
let facesPerSubject = 4
let model = GalleryModel(id: "synthetic-unit-128", dimension: 128)

nonisolated(unsafe) var generator = SplitMix64(state: 42)
func unitDescriptor() -> Descriptor {
    var values = (0..<128).map { _ in generator.gaussian() }
    let norm = values.reduce(0) { $0 + $1 * $1 }.squareRoot()
    for i in values.indices { values[i] /= norm }
    return Descriptor(values)
}
func face(_ descriptor: Descriptor, _ index: Int) -> NewFace {
    NewFace(descriptor: descriptor, modelID: model.id, photoSHA256: String(repeating: "0", count: 64),
            box: BoundingBox(x: 10, y: 10, width: 100, height: 100),
            landmarks: FaceLandmarks((0..<5).map { Point2D(x: Double($0), y: Double(index % 100)) }), confidence: 1)
}

func residentBytes() -> Int {
    let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
    return (Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0) * 1024
}

func percentile(_ values: [Double], _ p: Double) -> Double {
    let sorted = values.sorted()
    return sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
}

/// Enrols `faceCount` faces into a new gallery at `path` three ways and reports the rates and file size.
func enrolAndMeasure(path: String) throws {
    let store = try SQLiteGalleryStore(path: path, model: model)

    // One face per transaction: what enrolling photo by photo costs (each commit is fsynced).
    let singles = 2_000
    var start = Bench.now()
    for index in 0..<singles {
        _ = try store.addFaces([face(unitDescriptor(), index)], toSubjectNamed: "single-\(index / facesPerSubject)", createSubject: true)
    }
    let singleRate = Double(singles) / (Bench.now() - start)
    print(String(format: "enrolment, 1 face per transaction: %.0f faces/s", singleRate))

    // One subject (4 faces) per transaction: enrolling a person's photos together.
    start = Bench.now()
    var enrolled = singles
    for _ in 0..<500 {
        let batch = (0..<facesPerSubject).map { face(unitDescriptor(), enrolled + $0) }
        _ = try store.addFaces(batch, toSubjectNamed: "subject-\(enrolled / facesPerSubject)", createSubject: true)
        enrolled += batch.count
    }
    print(String(format: "enrolment, 1 subject of 4 faces per transaction: %.0f faces/s", Double(enrolled - singles) / (Bench.now() - start)))

    // Bulk (import, enroll --from-dir at scale): 250 subjects × 4 faces per transaction.
    start = Bench.now()
    let bulkStart = enrolled
    var lastReport = start
    while enrolled < faceCount {
        var groups: [SubjectFaces] = []
        while groups.count < 250 && enrolled < faceCount {
            let batch = (0..<min(facesPerSubject, faceCount - enrolled)).map { face(unitDescriptor(), enrolled + $0) }
            groups.append(SubjectFaces(subjectName: "subject-\(enrolled / facesPerSubject)", faces: batch))
            enrolled += batch.count
        }
        _ = try store.addFaces(groups, createSubjects: true)
        if Bench.now() - lastReport > 30 {
            lastReport = Bench.now()
            FileHandle.standardError.write(Data("  \(enrolled) faces…\n".utf8))
        }
    }
    print(String(format: "enrolment, 1,000 faces per transaction: %.0f faces/s", Double(enrolled - bulkStart) / (Bench.now() - start)))
    store.close()

    let fileBytes = ((try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0)
    + ((try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int) ?? 0)
    print(String(format: "on disk: %.1f MB, %.0f bytes per face", Double(fileBytes) / 1e6, Double(fileBytes) / Double(faceCount)))
}

/// Opens the gallery at `path` and queries it; run in a fresh process so memory freed by the
/// enrolment does not hide the index's real footprint.
func measureOpenAndQueries(path: String, faceCount: Int) throws {
    let baseline = residentBytes()
    let openStart = Bench.now()
    let store = try SQLiteGalleryStore(path: path, model: model)
    let openSeconds = Bench.now() - openStart
    let inMemory = residentBytes() - baseline
    print(String(format: "open (schema check + loading every descriptor into the search index): %.2f s", openSeconds))
    print(String(format: "in memory after open: %.0f MB, %.0f bytes per face", Double(inMemory) / 1e6, Double(inMemory) / Double(faceCount)))

    let gallery = Gallery(store: store)
    var latencies: [Double] = []
    for _ in 0..<200 {
        let query = unitDescriptor()
        let queryStart = Bench.now()
        _ = try gallery.identify([query], top: 10)
        latencies.append((Bench.now() - queryStart) * 1000)
    }
    print(String(format: "identify one face, top 10 subjects: p50 %.2f ms, p99 %.2f ms", percentile(latencies, 0.5), percentile(latencies, 0.99)))
    let batchQueries = (0..<32).map { _ in unitDescriptor() }
    let batchStart = Bench.now()
    _ = try gallery.identify(batchQueries, top: 10)
    print(String(format: "identify 32 faces at once: %.2f ms per face", (Bench.now() - batchStart) * 1000 / 32))
    store.close()
}

if CommandLine.arguments.count > 3 && CommandLine.arguments[1] == "--open" {
    generator = SplitMix64(state: 7)
    try measureOpenAndQueries(path: CommandLine.arguments[2], faceCount: Int(CommandLine.arguments[3])!)
    exit(0)
}

print("# SQLite gallery, \(faceCount) synthetic faces, \(facesPerSubject) per subject")
let folder = NSTemporaryDirectory() + "facekit-gallery-bench-\(getpid())"
try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(atPath: folder) }
try enrolAndMeasure(path: folder + "/gallery.sqlite")
print(Bench.run(CommandLine.arguments[0], ["--open", folder + "/gallery.sqlite", String(faceCount)]), terminator: "")
