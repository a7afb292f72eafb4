// swift-tools-version: 6.0
import PackageDescription

// Numeric code is 10–100× slower unoptimised, so the engine and image targets are optimised even in
// debug builds; that keeps `swift test` on the real models fast.
let numericSettings: [SwiftSetting] = [.unsafeFlags(["-O"])]

let package = Package(
    name: "FaceKit",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "facekit", targets: ["facekit"]),
        .library(name: "FaceCore", targets: ["FaceCore"]),
        .library(name: "FaceTensor", targets: ["FaceTensor"]),
        .library(name: "FaceNN", targets: ["FaceNN"]),
        .library(name: "FaceImage", targets: ["FaceImage"]),
        .library(name: "FacePipeline", targets: ["FacePipeline"]),
        .library(name: "FaceEvaluation", targets: ["FaceEvaluation"]),
    ],
    targets: [
        // MARK: - System libraries (Debian packages, see Scripts/setup.sh)
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CTurboJPEG", pkgConfig: "libturbojpeg", providers: [.apt(["libturbojpeg0-dev"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng16", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CShims"),

        // MARK: - Core types
        .target(name: "FaceCore", swiftSettings: numericSettings),

        // MARK: - Inference engine
        .target(name: "FaceTensor", dependencies: ["CBLAS", "CShims"], swiftSettings: numericSettings),
        .target(name: "FaceNN", dependencies: ["FaceTensor"], swiftSettings: numericSettings),

        // MARK: - Images
        .target(name: "FaceImage", dependencies: ["FaceCore", "CTurboJPEG", "CPNG"], swiftSettings: numericSettings),

        // MARK: - Pipeline
        .target(name: "FacePipeline", dependencies: ["FaceCore", "FaceNN", "FaceImage"], swiftSettings: numericSettings),

        // MARK: - Evaluation
        .target(name: "FaceEvaluation", dependencies: ["FaceCore", "FaceImage", "FacePipeline"]),

        // MARK: - Command line
        .target(name: "FaceCommandLine", dependencies: ["FaceCore", "FaceImage", "FacePipeline", "FaceEvaluation"]),
        .executableTarget(name: "facekit", dependencies: ["FaceCommandLine", "FaceTensor"]),

        // MARK: - Tests
        .target(name: "FaceTestSupport", dependencies: ["FaceCore"]),
        .testTarget(name: "FaceCoreTests", dependencies: ["FaceCore"]),
        .testTarget(name: "FaceTensorTests", dependencies: ["FaceTensor"], swiftSettings: numericSettings),
        .testTarget(name: "FaceNNTests", dependencies: ["FaceNN", "FaceTestSupport"], swiftSettings: numericSettings),
        .testTarget(name: "FaceImageTests", dependencies: ["FaceImage", "FaceTestSupport"]),
        .testTarget(name: "FacePipelineTests", dependencies: ["FacePipeline", "FaceTestSupport"]),
        .testTarget(name: "FaceEvaluationTests", dependencies: ["FaceEvaluation", "FaceTestSupport"]),
        .testTarget(name: "FaceCommandLineTests", dependencies: ["facekit", "FaceImage", "FaceTestSupport"]),
    ]
)
