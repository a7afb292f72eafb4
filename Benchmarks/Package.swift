// swift-tools-version: 6.0
import Foundation
import PackageDescription

// SwiftPM names a path dependency after its folder, which differs between checkouts.
let facekitRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
let facekit = facekitRoot.lastPathComponent

// Benchmarks are their own package so that the library's build and tests never carry them.
let package = Package(
    name: "FaceKitBenchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [.package(path: facekitRoot.path)],
    targets: [
        // MARK: - Shared by the benchmark programs
        .target(name: "BenchmarkSupport"),

        // MARK: - Descriptor network, FaceKit against dlib
        .executableTarget(
            name: "DescriptorBenchmark",
            dependencies: [
                "BenchmarkSupport",
                .product(name: "FacePipeline", package: facekit),
                .product(name: "FaceNN", package: facekit),
                .product(name: "FaceTensor", package: facekit),
                .product(name: "FaceImage", package: facekit),
            ]),
    ]
)

// MARK: - Where the time goes, layer by layer
package.targets.append(
    .executableTarget(
        name: "LayerProfile",
        dependencies: [
            .product(name: "FacePipeline", package: facekit),
            .product(name: "FaceNN", package: facekit),
            .product(name: "FaceTensor", package: facekit),
        ]))

// MARK: - Detection and the whole pipeline, FaceKit against dlib
package.targets.append(
    .executableTarget(
        name: "DetectionBenchmark",
        dependencies: [
            "BenchmarkSupport",
            .product(name: "FacePipeline", package: facekit),
            .product(name: "FaceImage", package: facekit),
            .product(name: "FaceTensor", package: facekit),
        ]))

// MARK: - The SQLite gallery: enrolment, size on disk and in memory, open time, 1:N queries
package.targets.append(
    .executableTarget(
        name: "GalleryBenchmark",
        dependencies: [
            "BenchmarkSupport",
            .product(name: "FaceGallery", package: facekit),
            .product(name: "FaceGallerySQLite", package: facekit),
        ]))

// MARK: - The PostgreSQL gallery at 100k and 1M faces
package.targets.append(
    .executableTarget(
        name: "PostgresBenchmark",
        dependencies: [
            "BenchmarkSupport",
            .product(name: "FaceCore", package: facekit),
            .product(name: "FaceGallery", package: facekit),
            .product(name: "FaceGalleryPostgres", package: facekit),
        ]))

// MARK: - The HTTP service under load (facekit serve driven by wrk)
package.targets.append(
    .executableTarget(
        name: "ServiceBenchmark",
        dependencies: [
            "BenchmarkSupport",
            .product(name: "FaceCore", package: facekit),
            .product(name: "FaceGallery", package: facekit),
            .product(name: "FaceGallerySQLite", package: facekit),
            .product(name: "FaceImage", package: facekit),
            .product(name: "FacePipeline", package: facekit),
        ]))

// MARK: - Nearest-face search: exact scans and HNSW at gallery sizes
package.targets.append(
    .executableTarget(
        name: "SearchBenchmark",
        dependencies: [
            "BenchmarkSupport",
            .product(name: "FaceGallery", package: facekit),
        ]))
