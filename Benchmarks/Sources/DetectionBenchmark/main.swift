// Detection latency and end-to-end photos per second, FaceKit against dlib's own implementation of the
// same models (the reference program in Reference/), measured in one run on the same photos: the test
// photos, plus a 640×480 and a 1920×1080 photo made from them.
//
//   swift run -c release --package-path Benchmarks DetectionBenchmark [--seconds S]

import BenchmarkSupport
import FaceImage
import FacePipeline
import FaceTensor
import Foundation

let environment = ProcessInfo.processInfo.environment
let referenceBinary = Bench.referenceBinary
let models = ModelDirectory.fromEnvironment()
let photoDirectory = environment["FACEKIT_TEST_PHOTOS"] ?? (models.path as NSString).deletingLastPathComponent + "/test-photos"
let arguments = Array(CommandLine.arguments.dropFirst())
let seconds: Double = {
    guard let index = arguments.firstIndex(of: "--seconds"), index + 1 < arguments.count else { return 3 }
    return Double(arguments[index + 1]) ?? 3
}()

// The same allocator setting the dlib reference program makes for dlib: freed blocks are reused.
ComputeContext.keepFreedMemoryForReuse()

Bench.requireReference()

// The photos: the test set, and two common camera sizes made from obama3.jpg (scaled to cover, centred).
let testPhotos = ["obama.jpg", "obama2.jpg", "obama3.jpg", "biden.jpg", "obama_partial_face.jpg",
                  "obama_partial_face2.jpg", "32bit.png"].map { photoDirectory + "/" + $0 }
let scratch = NSTemporaryDirectory() + "facekit-detection-benchmark"
try? FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
func cameraPhoto(width: Int, height: Int) throws -> String {
    let source = try ImageDecoder.decode(contentsOf: photoDirectory + "/obama3.jpg")
    let scale = max(Double(width) / Double(source.width), Double(height) / Double(source.height))
    let scaled = source.resized(width: Int((Double(source.width) * scale).rounded(.up)),
                                height: Int((Double(source.height) * scale).rounded(.up)))
    var pixels = [UInt8](repeating: 0, count: width * height * 3)
    let left = (scaled.width - width) / 2, top = (scaled.height - height) / 4
    for y in 0..<height {
        for x in 0..<width {
            let p = scaled[x + left, y + top]
            pixels[(y * width + x) * 3] = p.r
            pixels[(y * width + x) * 3 + 1] = p.g
            pixels[(y * width + x) * 3 + 2] = p.b
        }
    }
    let path = scratch + "/camera_\(width)x\(height).png"
    try Data(try ImageEncoder.png(Image(width: width, height: height, pixels: pixels))).write(to: URL(fileURLWithPath: path))
    return path
}
let photos = testPhotos + [try cameraPhoto(width: 640, height: 480), try cameraPhoto(width: 1920, height: 1080)]

let detector = try FaceDetector(models: models)
func facekitSeconds(_ image: Image, threads: Int) -> (seconds: Double, faces: Int) {
    let context = ComputeContext(threads: threads)
    let faces = detector.detect(in: image, context: context).count
    var runs = 0
    let start = Bench.now()
    repeat {
        _ = detector.detect(in: image, context: context)
        runs += 1
    } while Bench.now() - start < seconds
    return ((Bench.now() - start) / Double(runs), faces)
}

func dlibSeconds(_ path: String, threads: Int) -> (seconds: Double, faces: Int) {
    let output = Bench.run(referenceBinary, ["bench-detect", "--models", models.path, "--threads", "\(threads)",
                                       "--seconds", "\(seconds)", path])
    guard let object = try? JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any],
          let value = (object["seconds_per_image"] as? NSNumber)?.doubleValue else { Bench.fail("unexpected output: \(output)") }
    return (value, (object["faces"] as? NSNumber)?.intValue ?? -1)
}

print("Detection latency, upsample 0, \(seconds) s per measurement (ms per photo; faces found FaceKit/dlib)")
print("")
print("| photo | size | FaceKit 1 thread | dlib 1 thread | ratio | FaceKit 2 threads | dlib 2 threads | ratio | faces |")
print("|---|---|---:|---:|---:|---:|---:|---:|---|")
var ratios: [Double] = []
for path in photos {
    let image = try ImageDecoder.decode(contentsOf: path)
    var cells: [String] = []
    var faces = ""
    for threads in [1, 2] {
        let ours = facekitSeconds(image, threads: threads)
        let theirs = dlibSeconds(path, threads: threads)
        cells += [String(format: "%.0f", ours.seconds * 1000), String(format: "%.0f", theirs.seconds * 1000),
                  String(format: "%.2f×", theirs.seconds / ours.seconds)]
        if threads == 2 { ratios.append(theirs.seconds / ours.seconds) }
        faces = "\(ours.faces)/\(theirs.faces)"
    }
    print("| \((path as NSString).lastPathComponent) | \(image.width)×\(image.height) | " + cells.joined(separator: " | ") + " | \(faces) |")
}
let geometricMean = exp(ratios.map { log($0) }.reduce(0, +) / Double(ratios.count))
print("")
print("Geometric mean speed-up at 2 threads: \(String(format: "%.2f", geometricMean))×")

// End to end: every face in every photo of the folder, from file bytes to descriptors, models loaded
// inside the measurement for both sides.
let rounds = 3
let folder = Array(repeating: photos, count: rounds).flatMap { $0 }
var start = Bench.now()
let recognizer = try FaceRecognizer(models: models, threads: 2)
var faceCount = 0
for path in folder {
    faceCount += recognizer.faces(in: try ImageDecoder.decode(contentsOf: path)).count
}
let facekitRate = Double(folder.count) / (Bench.now() - start)
start = Bench.now()
let dlibOutput = Bench.run(referenceBinary, ["faces", "--models", models.path, "--threads", "2"] + folder)
let dlibRate = Double(folder.count) / (Bench.now() - start)
let dlibFaces = dlibOutput.split(separator: "\n").reduce(0) { total, line in
    let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
    return total + ((object?["faces"] as? [Any])?.count ?? 0)
}
print("")
print("End to end (decode → detect → landmarks → chip → descriptor), \(folder.count) photos, 2 threads, model load included:")
print("FaceKit \(String(format: "%.2f", facekitRate)) photos/s (\(faceCount) faces), dlib \(String(format: "%.2f", dlibRate)) photos/s (\(dlibFaces) faces): \(String(format: "%.2f", facekitRate / dlibRate))×")
