// The PostgreSQL gallery at scale: bulk load (COPY) of seeded synthetic unit-length 128-D
// descriptors, HNSW index build time, on-disk bytes per face, single-query latency (p50/p99) and
// recall@10 against an exact search computed here, for several hnsw.ef_search values; then
// enrolment throughput through PostgresGalleryStore.addFaces on the loaded gallery.
//
// Needs the server from Scripts/postgres.sh (FACEKIT_TEST_POSTGRES_URL as `Scripts/postgres.sh env`
// prints it). Each size gets a database of its own (facekit_bench_N), dropped at the end unless
// --keep is given.
//
//   swift run -c release --package-path Benchmarks PostgresBenchmark \
//       [--sizes 100000,1000000] [--queries 200] [--ef-search 40,100,400,1000] [--enrol 1000] [--keep]
//       [--data uniform|latent16]

import BenchmarkSupport
import FaceCore
import FaceGallery
import FaceGalleryPostgres
import Foundation

let arguments = Array(CommandLine.arguments.dropFirst())
func option(_ name: String, default value: String) -> String {
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return value }
    return arguments[index + 1]
}
let sizes = option("--sizes", default: "100000,1000000").split(separator: ",").compactMap { Int($0) }
let queryCount = Int(option("--queries", default: "200"))!
let efSearchValues = option("--ef-search", default: "40,100,400,1000").split(separator: ",").compactMap { Int($0) }
let enrolCount = Int(option("--enrol", default: "1000"))!
let keepDatabases = arguments.contains("--keep")
let layout = option("--data", default: "uniform")
guard ["uniform", "latent16"].contains(layout) else { Bench.fail("--data is uniform or latent16, got \(layout)") }
let dimension = 128
let model = GalleryModel(id: "synthetic-unit-128", dimension: dimension)

guard let serverURL = ProcessInfo.processInfo.environment["FACEKIT_TEST_POSTGRES_URL"] else {
    Bench.fail(
        "FACEKIT_TEST_POSTGRES_URL is not set; run Scripts/postgres.sh start and export the line "
            + "Scripts/postgres.sh env prints")
}
let postgresScript = Bench.packageRoot + "/Scripts/postgres.sh"

// MARK: - Data

/// `count` unit-length descriptors, row after row: uniform in the cube [-1, 1]^128, then normalised.
/// Such points spread over all 128 dimensions with no clusters, the hardest case for a graph index
/// (real face descriptors cluster by person).
func unitDescriptors(count: Int, seed: UInt64) -> [Float] {
    var random = SplitMix64(state: seed)
    var values = [Float](repeating: 0, count: count * dimension)
    for row in 0..<count {
        var norm: Float = 0
        for column in 0..<dimension {
            let value = Float.random(in: -1...1, using: &random)
            values[row * dimension + column] = value
            norm += value * value
        }
        let scale = 1 / norm.squareRoot()
        for column in 0..<dimension { values[row * dimension + column] *= scale }
    }
    return values
}

/// `count` unit-length descriptors on a 16-D sheet: random points of [-1, 1]^16 mapped into 128-D by
/// one fixed random matrix, plus a little noise in every dimension, then normalised. Real face
/// descriptors are structured like this (their variance sits in a few dozen directions), and graph
/// indexes can follow that structure; the sheet is a model, not measured face data.
func latentDescriptors(count: Int, seed: UInt64) -> [Float] {
    let latentDimension = 16
    var matrixRandom = SplitMix64(state: 1)
    let matrix = (0..<(dimension * latentDimension)).map { _ in Float.random(in: -1...1, using: &matrixRandom) }
    var random = SplitMix64(state: seed)
    var values = [Float](repeating: 0, count: count * dimension)
    for row in 0..<count {
        let latent = (0..<latentDimension).map { _ in Float.random(in: -1...1, using: &random) }
        var norm: Float = 0
        for column in 0..<dimension {
            var value = 0.25 * Float.random(in: -1...1, using: &random)
            for k in 0..<latentDimension { value += matrix[column * latentDimension + k] * latent[k] }
            values[row * dimension + column] = value
            norm += value * value
        }
        let scale = 1 / norm.squareRoot()
        for column in 0..<dimension { values[row * dimension + column] *= scale }
    }
    return values
}

/// Gallery and query descriptors in the layout `--data` chose.
func descriptors(count: Int, seed: UInt64) -> [Float] {
    layout == "uniform" ? unitDescriptors(count: count, seed: seed) : latentDescriptors(count: count, seed: seed)
}

/// The exact `k` nearest rows of `gallery` to `query`, nearest first (squared distances).
func exactNearest(_ query: ArraySlice<Float>, in gallery: [Float], k: Int) -> [Int] {
    var best: [(distance: Float, row: Int)] = []
    best.reserveCapacity(k + 1)
    var worst = Float.infinity
    let query = Array(query)
    gallery.withUnsafeBufferPointer { rows in
        query.withUnsafeBufferPointer { q in
            for row in 0..<(rows.count / dimension) {
                let base = row * dimension
                var sum: Float = 0
                for column in 0..<dimension {
                    let difference = rows[base + column] - q[column]
                    sum += difference * difference
                }
                if best.count < k || sum < worst {
                    let position = best.firstIndex { $0.distance > sum } ?? best.count
                    best.insert((sum, row), at: position)
                    if best.count > k { best.removeLast() }
                    worst = best.count == k ? best[k - 1].distance : .infinity
                }
            }
        }
    }
    return best.map(\.row)
}

func percentile(_ sorted: [Double], _ fraction: Double) -> Double {
    sorted[min(sorted.count - 1, Int((Double(sorted.count) * fraction).rounded(.up)) - 1)]
}

// MARK: - psql

/// Runs psql (through Scripts/postgres.sh) on `database`; `feed` writes to its standard input.
@discardableResult
func psql(_ database: String, _ commands: [String], feed: ((FileHandle) -> Void)? = nil) -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: postgresScript)
    process.arguments = ["psql", "-qtA"] + commands.flatMap { ["-c", $0] }
    process.environment = ProcessInfo.processInfo.environment.merging(["FACEKIT_POSTGRES_DATABASE": database]) { $1 }
    let output = Pipe()
    let input = Pipe()
    process.standardOutput = output
    process.standardInput = feed == nil ? FileHandle.nullDevice : input
    do { try process.run() } catch { Bench.fail("cannot run \(postgresScript): \(error)") }
    if let feed {
        feed(input.fileHandleForWriting)
        try? input.fileHandleForWriting.close()
    }
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { Bench.fail("psql failed on \(database): \(commands.first ?? "")") }
    return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
}

/// Streams rows to `handle` in chunks of about 4 MB.
func streamRows(_ count: Int, to handle: FileHandle, row: (Int, inout [UInt8]) -> Void) {
    var buffer: [UInt8] = []
    buffer.reserveCapacity(5_000_000)
    for index in 0..<count {
        row(index, &buffer)
        if buffer.count > 4_000_000 {
            handle.write(Data(buffer))
            buffer.removeAll(keepingCapacity: true)
        }
    }
    handle.write(Data(buffer))
}

func databaseURL(_ name: String) -> String {
    var components = URLComponents(string: serverURL)!
    components.path = "/" + name
    return components.string!
}

// MARK: - One gallery size

func say(_ line: String) {
    print(line)
    fflush(nil)  // progress shows up even when the output goes to a pipe
}

let serverVersion = psql("postgres", ["SHOW server_version"])
let vectorVersion = psql("facekit_test", ["SELECT extversion FROM pg_extension WHERE extname = 'vector'"])
let sharedBuffers = psql("postgres", ["SHOW shared_buffers"])
say(
    "PostgreSQL \(serverVersion), pgvector \(vectorVersion), shared_buffers \(sharedBuffers); HNSW m = 16, "
        + "ef_construction = 64 (pgvector's defaults); \(queryCount) queries, top 10 subjects, one face per subject; "
        + "descriptors: \(layout == "uniform" ? "uniform (no structure)" : "on a 16-D sheet (latent16)")")
say("")

var summaryRows: [String] = []
for size in sizes {
    let database = "facekit_bench_\(layout)_\(size)"
    say("## \(size) faces")
    psql("postgres", ["DROP DATABASE IF EXISTS \(database) WITH (FORCE)", "CREATE DATABASE \(database)"])

    // The store creates the schema; the index is dropped for the load and built afterwards, as
    // pgvector recommends for bulk loads.
    do { try PostgresGalleryStore(url: databaseURL(database), model: model, poolSize: 1).close() } catch {
        Bench.fail("cannot open the gallery: \(String(reflecting: error))")
    }
    psql(database, ["DROP INDEX faces_descriptor_hnsw"])

    var start = Bench.now()
    let gallery = descriptors(count: size, seed: 2026)
    say("generated \(size) descriptors in \(String(format: "%.1f", Bench.now() - start)) s")

    start = Bench.now()
    psql(database, ["\\copy subjects (name) FROM pstdin"]) { handle in
        streamRows(size, to: handle) { index, buffer in buffer += Array("subject-\(index)\n".utf8) }
    }
    let subjectIDs = psql(database, ["SELECT min(id) || ',' || max(id) FROM subjects"])
    guard subjectIDs == "1,\(size)" else { Bench.fail("subject ids are \(subjectIDs), expected 1,\(size)") }
    let sha = String(repeating: "0", count: 64)
    let fixedColumns = Array("\t\(model.id)\t\(sha)\t10\t20\t100\t100\t{30,40,70,40,50,60,35,80,65,80}\t0.9\n".utf8)
    psql(
        database,
        [
            "\\copy faces (subject_id, descriptor, model_id, photo_sha256, box_x, box_y, box_width, "
                + "box_height, landmarks, confidence) FROM pstdin"
        ]
    ) { handle in
        streamRows(size, to: handle) { index, buffer in
            buffer += Array("\(index + 1)\t[".utf8)
            for column in 0..<dimension {
                if column > 0 { buffer.append(UInt8(ascii: ",")) }
                buffer += Array("\(gallery[index * dimension + column])".utf8)
            }
            buffer.append(UInt8(ascii: "]"))
            buffer += fixedColumns
        }
    }
    let loadSeconds = Bench.now() - start
    say(
        "bulk load (COPY, subjects and faces, one transaction each): \(String(format: "%.1f", loadSeconds)) s, "
            + "\(Int(Double(size) / loadSeconds)) faces/s")

    start = Bench.now()
    psql(
        database,
        [
            "SET maintenance_work_mem = '3GB'",
            "CREATE INDEX faces_descriptor_hnsw ON faces USING hnsw (descriptor vector_l2_ops)",
        ])
    let indexSeconds = Bench.now() - start
    say("HNSW index build (2 parallel maintenance workers): \(String(format: "%.1f", indexSeconds)) s")
    psql(database, ["VACUUM ANALYZE faces", "VACUUM ANALYZE subjects"])

    let sizesRow = psql(
        database,
        [
            """
            SELECT pg_total_relation_size('faces') || ',' || pg_relation_size('faces') || ',' ||
                   pg_relation_size('faces_descriptor_hnsw') || ',' || pg_total_relation_size('subjects') || ',' ||
                   pg_database_size(current_database())
            """
        ]
    ).split(separator: ",").map { Double($0)! }
    let bytesPerFace = sizesRow.map { $0 / Double(size) }
    say(
        String(
            format: "on disk per face: faces table + indexes %.0f B (heap %.0f B, HNSW %.0f B), "
                + "subjects %.0f B; whole database %.0f MB", bytesPerFace[0], bytesPerFace[1],
            bytesPerFace[2], bytesPerFace[3], sizesRow[4] / 1e6))

    // Two query sets, with exact answers computed here over the same descriptors:
    // - fresh random points, scored by recall@10 (the whole ranked list, the hard case);
    // - new "photos" of enrolled faces (a gallery face moved by 0.4, about the distance between two
    //   photos of one person), scored by whether the first subject is the exact nearest one.
    let randomQueries = descriptors(count: queryCount, seed: 7)
    var random = SplitMix64(state: 11)
    let offsets = unitDescriptors(count: queryCount, seed: 13)
    var nearQueries: [Float] = []
    for index in 0..<queryCount {
        let source = Int.random(in: 0..<size, using: &random)
        var moved = (0..<dimension).map { gallery[source * dimension + $0] + 0.4 * offsets[index * dimension + $0] }
        let norm = moved.reduce(0) { $0 + $1 * $1 }.squareRoot()
        moved = moved.map { $0 / norm }
        nearQueries += moved
    }
    func row(_ values: [Float], _ index: Int) -> ArraySlice<Float> {
        values[(index * dimension)..<((index + 1) * dimension)]
    }
    start = Bench.now()
    let exactTen = (0..<queryCount).map { exactNearest(row(randomQueries, $0), in: gallery, k: 10) }
    let exactOne = (0..<queryCount).map { exactNearest(row(nearQueries, $0), in: gallery, k: 1)[0] }
    say(
        String(
            format: "exact search in Swift (plain loop): %.1f ms per query",
            (Bench.now() - start) * 1000 / Double(2 * queryCount)))

    /// Latencies (ms, sorted) of single-query searches for `count` subjects, after one warm-up pass,
    /// and the answers.
    func measure(_ store: PostgresGalleryStore, _ queries: [Float], count: Int) -> ([Double], [[SubjectMatch]]) {
        let descriptors = (0..<queryCount).map { Descriptor(Array(row(queries, $0))) }
        for descriptor in descriptors { _ = try? store.nearestSubjects(to: [descriptor], count: count) }
        var latencies: [Double] = []
        var answers: [[SubjectMatch]] = []
        for descriptor in descriptors {
            let begin = Bench.now()
            do { answers.append(try store.nearestSubjects(to: [descriptor], count: count)[0]) } catch {
                Bench.fail("search failed: \(String(reflecting: error))")
            }
            latencies.append((Bench.now() - begin) * 1000)
        }
        return (latencies.sorted(), answers)
    }

    say("")
    say("| ef_search | random: p50 ms | p99 ms | recall@10 | near enrolled: p50 ms | p99 ms | top-1 correct |")
    say("|---:|---:|---:|---:|---:|---:|---:|")
    for efSearch in efSearchValues {
        let store: PostgresGalleryStore
        do {
            store = try PostgresGalleryStore(url: databaseURL(database), model: model, poolSize: 1, efSearch: efSearch)
        } catch { Bench.fail("cannot open the gallery: \(String(reflecting: error))") }
        let (randomLatencies, randomAnswers) = measure(store, randomQueries, count: 10)
        var hits = 0
        for (answer, truth) in zip(randomAnswers, exactTen) {
            let expected = Set(truth.map { "subject-\($0)" })
            hits += answer.filter { expected.contains($0.subjectName) }.count
        }
        let (nearLatencies, nearAnswers) = measure(store, nearQueries, count: 1)
        let correct = zip(nearAnswers, exactOne).filter { $0.first?.subjectName == "subject-\($1)" }.count
        store.close()
        let line = String(
            format: "| %d | %.2f | %.2f | %.3f | %.2f | %.2f | %.3f |", efSearch, percentile(randomLatencies, 0.5),
            percentile(randomLatencies, 0.99), Double(hits) / Double(10 * queryCount), percentile(nearLatencies, 0.5),
            percentile(nearLatencies, 0.99), Double(correct) / Double(queryCount))
        say(line)
        summaryRows.append("| \(size) " + line)
    }

    // Enrolment through the store, into the indexed gallery: batches of 50 faces per call.
    say("")
    let enrolDescriptors = unitDescriptors(count: enrolCount, seed: 99)
    let batch = 50
    let enrolFaces = (0..<enrolCount).map {
        NewFace(
            descriptor: Descriptor(Array(enrolDescriptors[($0 * dimension)..<(($0 + 1) * dimension)])),
            modelID: model.id, photoSHA256: sha, box: BoundingBox(x: 10, y: 20, width: 100, height: 100),
            landmarks: FaceLandmarks([
                Point2D(x: 30, y: 40), Point2D(x: 70, y: 40), Point2D(x: 50, y: 60),
                Point2D(x: 35, y: 80), Point2D(x: 65, y: 80),
            ]), confidence: 0.9)
    }
    for threads in [1, 4] {
        let store: PostgresGalleryStore
        do { store = try PostgresGalleryStore(url: databaseURL(database), model: model, poolSize: threads) } catch {
            Bench.fail("cannot open the gallery: \(String(reflecting: error))")
        }
        let perThread = enrolCount / threads
        start = Bench.now()
        DispatchQueue.concurrentPerform(iterations: threads) { thread in
            for first in stride(from: thread * perThread, to: (thread + 1) * perThread, by: batch) {
                let faces = Array(enrolFaces[first..<min(first + batch, (thread + 1) * perThread)])
                do {
                    _ = try store.addFaces(faces, toSubjectNamed: "enrolled-\(threads)-\(first)", createSubject: true)
                } catch { Bench.fail("addFaces failed: \(String(reflecting: error))") }
            }
        }
        let seconds = Bench.now() - start
        store.close()
        say(
            String(
                format: "addFaces, %d faces in calls of %d, %d thread%@ (pool of %d): %.0f faces/s",
                threads * perThread,
                batch, threads, threads == 1 ? "" : "s", threads, Double(threads * perThread) / seconds))
    }
    say("")
    if !keepDatabases { psql("postgres", ["DROP DATABASE \(database) WITH (FORCE)"]) }
}

say("## Summary")
say("")
say("| faces | ef_search | random: p50 ms | p99 ms | recall@10 | near enrolled: p50 ms | p99 ms | top-1 correct |")
say("|---:|---:|---:|---:|---:|---:|---:|---:|")
summaryRows.forEach(say)
