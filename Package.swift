// swift-tools-version: 6.0
import Foundation
import PackageDescription

// Numeric code is 10–100× slower unoptimised, so the engine and image targets are optimised even in
// debug builds; that keeps `swift test` on the real models fast.
let numericSettings: [SwiftSetting] = [.unsafeFlags(["-O"])]

// faiss's headers include <omp.h>, which Debian ships only in GCC's private include folder. Searching
// that folder after the system ones finds omp.h without letting GCC's builtin headers shadow clang's.
let gccIncludeFolders: [String] = {
    let root = "/usr/lib/gcc/x86_64-linux-gnu"
    let versions = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
    return versions.map { "\(root)/\($0)/include" }
        .filter { FileManager.default.fileExists(atPath: "\($0)/omp.h") }
        .sorted().suffix(1)
}()

// The descriptor scans in FaceGallery are written with 16-lane SIMD; without a target CPU Swift compiles
// them for SSE2 and the Int8 scan runs slower than the Float32 one. Haswell (AVX2, FMA, 2013) is the
// oldest x86-64 CPU FaceKit supports.
#if arch(x86_64)
let searchSettings: [SwiftSetting] = numericSettings + [.unsafeFlags(["-target-cpu", "haswell"])]
#else
let searchSettings = numericSettings
#endif
// The engine's own kernels (Winograd transforms) are written with 8-lane SIMD for the same reason, and
// the pipeline's pixel loops (the detector's image pyramid) vectorise better for that CPU too.
let engineSettings = searchSettings

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
        .library(name: "FaceGallery", targets: ["FaceGallery"]),
        .library(name: "FaceGallerySQLite", targets: ["FaceGallerySQLite"]),
        .library(name: "FaceGalleryPostgres", targets: ["FaceGalleryPostgres"]),
        .library(name: "FaceEvaluation", targets: ["FaceEvaluation"]),
        .library(name: "FaceHTTP", targets: ["FaceHTTP"]),
    ],
    targets: [
        // MARK: - System libraries (Debian packages, see Scripts/setup.sh)
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CTurboJPEG", pkgConfig: "libturbojpeg", providers: [.apt(["libturbojpeg0-dev"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng16", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CShims"),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "CMicroHTTPD", pkgConfig: "libmicrohttpd", providers: [.apt(["libmicrohttpd-dev"])]),
        // faiss (Debian `libfaiss-dev`, static, with OpenMP and reference BLAS/LAPACK) behind our own C shim.
        .target(
            name: "CFaiss",
            cxxSettings: [.unsafeFlags(gccIncludeFolders.flatMap { ["-idirafter", $0] })],
            linkerSettings: [
                .linkedLibrary("faiss"), .linkedLibrary("gomp"), .linkedLibrary("blas"), .linkedLibrary("lapack"),
            ]),

        // MARK: - Core types
        .target(name: "FaceCore", swiftSettings: numericSettings),

        // MARK: - Inference engine
        .target(name: "FaceTensor", dependencies: ["CBLAS", "CShims"], swiftSettings: numericSettings),
        .target(name: "FaceNN", dependencies: ["FaceTensor"], swiftSettings: engineSettings),

        // MARK: - Images
        .target(name: "FaceImage", dependencies: ["FaceCore", "CTurboJPEG", "CPNG"], swiftSettings: numericSettings),

        // MARK: - Pipeline
        .target(name: "FacePipeline", dependencies: ["FaceCore", "FaceNN", "FaceImage"], swiftSettings: engineSettings),

        // MARK: - Gallery
        .target(name: "FaceGallery", dependencies: ["FaceCore", "CBLAS", "CFaiss"], swiftSettings: searchSettings),
        .target(name: "FaceGallerySQLite", dependencies: ["FaceGallery", "CSQLite"]),
        .target(name: "FaceGalleryPostgres", dependencies: ["FaceCore", "FaceGallery", "CLibPQ"]),

        // MARK: - Evaluation
        .target(name: "FaceEvaluation", dependencies: ["FaceCore", "FaceImage", "FacePipeline"]),

        // MARK: - HTTP service
        .target(name: "FaceHTTP", dependencies: ["FaceCore", "FaceImage", "FacePipeline", "FaceGallery", "CMicroHTTPD"]),

        // MARK: - Command line
        .target(name: "FaceCommandLine", dependencies: ["FaceCore", "FaceImage", "FacePipeline", "FaceGallery", "FaceGallerySQLite", "FaceGalleryPostgres", "FaceEvaluation", "FaceHTTP"]),
        .executableTarget(name: "facekit", dependencies: ["FaceCommandLine", "FaceTensor"]),

        // MARK: - Tests
        .target(name: "FaceTestSupport", dependencies: ["FaceCore", "FaceGallery"]),
        .testTarget(name: "FaceCoreTests", dependencies: ["FaceCore"]),
        .testTarget(name: "FaceTensorTests", dependencies: ["FaceTensor"], swiftSettings: numericSettings),
        .testTarget(name: "FaceNNTests", dependencies: ["FaceNN", "FaceTestSupport"], swiftSettings: numericSettings),
        .testTarget(name: "FaceImageTests", dependencies: ["FaceImage", "FaceTestSupport"]),
        .testTarget(name: "FacePipelineTests", dependencies: ["FacePipeline", "FaceTestSupport"]),
        .testTarget(name: "FaceGalleryTests", dependencies: ["FaceGallery", "FaceTestSupport"], swiftSettings: numericSettings),
        .testTarget(name: "FaceGallerySQLiteTests", dependencies: ["FaceGallerySQLite", "FaceTestSupport", "CSQLite"]),
        .testTarget(name: "FaceGalleryPostgresIntegrationTests",
                    dependencies: ["FaceGalleryPostgres", "FaceTestSupport"]),
        .testTarget(name: "FaceEvaluationTests", dependencies: ["FaceEvaluation", "FaceTestSupport"]),
        .testTarget(name: "FaceHTTPTests", dependencies: ["FaceHTTP", "FaceCore", "FaceGallerySQLite", "FaceImage", "FacePipeline", "FaceTestSupport"]),
        .testTarget(name: "FaceCommandLineTests", dependencies: ["facekit", "FaceCore", "FaceImage", "FaceGallerySQLite", "FaceTestSupport"]),
    ],
    cxxLanguageStandard: .cxx17
)
