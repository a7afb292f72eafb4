// Time per layer of a network on random input: where a forward pass spends its time.
//
//   swift run -c release --package-path Benchmarks LayerProfile [BATCH] [THREADS]        descriptor ResNet
//   swift run -c release --package-path Benchmarks LayerProfile detector [THREADS]       MMOD detector on
//       the 932×4139 tiled pyramid of a 910×1137 photo

import FaceNN
import FacePipeline
import FaceTensor
import Foundation

let arguments = CommandLine.arguments
let profilesDetector = arguments.count > 1 && arguments[1] == "detector"
let batch = profilesDetector ? 1 : arguments.count > 1 ? Int(arguments[1]) ?? 32 : 32
let threads = arguments.count > 2 ? Int(arguments[2]) ?? 1 : 1
let models = ModelDirectory.fromEnvironment()
let model = profilesDetector
    ? try DlibModelReader.read(try models.verifiedContents(of: .faceDetector), architecture: .mmodFaceDetector)
    : try DlibModelReader.read(try models.verifiedContents(of: .faceDescriptor), architecture: .faceDescriptorResNet)
let network = model.network.optimized()
let shape = profilesDetector
    ? Shape(batch: 1, channels: 3, height: 4139, width: 932)
    : Shape(batch: batch, channels: 3, height: 150, width: 150)
// Cheap deterministic values in the range of normalised pixels; their content does not change the timing.
let input = Tensor(shape: shape, nchw: (0..<shape.count).map { Float(($0 &* 7919) % 256) / 256 - 0.5 })
let context = ComputeContext(threads: threads)

// The same allocator setting the dlib reference program makes for dlib: freed blocks are reused.
ComputeContext.keepFreedMemoryForReuse()

func now() -> Double { Date().timeIntervalSinceReferenceDate }

_ = network.forward(input, context: context)
let runs = 3
var totals = [Double](repeating: 0, count: network.steps.count)
var shapes = [Shape](repeating: shape, count: network.steps.count)
for _ in 0..<runs {
    var last = now()
    _ = network.forward(input, context: context) { index, output in
        let time = now()
        totals[index] += time - last
        shapes[index] = output.shape
        last = time
    }
}
let all = totals.reduce(0, +) / Double(runs)
print("batch \(batch), threads \(threads): \(String(format: "%.1f", all * 1000)) ms per batch, \(String(format: "%.1f", Double(batch) / all)) descriptors/s")
let descriptions = network.description.split(separator: "\n")
for (index, total) in totals.enumerated() where total / Double(runs) > all * 0.005 {
    print(String(format: "%6.2f ms %5.1f%%  ", total / Double(runs) * 1000, 100 * total / Double(runs) / all)
          + "\(descriptions[index]) -> \(shapes[index])")
}
