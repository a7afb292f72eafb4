import FaceCore
import FaceImage
import FacePipeline
import FaceTensor
import Foundation

/// Turns the photos of a pair list into descriptions, using the cache where it can, and the pairs
/// into scored pairs.
///
/// Photos go in chunks: each chunk is read and hashed, looked up in the cache, and its misses are
/// decoded and described together (``PhotoDescriber``) and stored. The pipeline's models are loaded
/// only when the first photo misses, so a fully cached run never loads them.
public struct EvaluationRun: Sendable {
    /// The descriptions, by photo path.
    public let descriptions: [String: PhotoDescription]
    /// How many distinct photos were described.
    public let photoCount: Int
    /// How many came from the cache.
    public let cacheHits: Int
    /// Wall-clock seconds for describing the photos.
    public let seconds: Double

    /// Photos per second, cache hits included.
    public var photosPerSecond: Double { seconds > 0 ? Double(photoCount) / seconds : 0 }

    /// Describes every photo of `photos`.
    ///
    /// - Parameters:
    ///   - makeDescriber: loads the pipeline; called at most once, on the first cache miss.
    ///   - cache: where descriptions are looked up and stored; `nil` describes every photo afresh.
    ///   - progress: told as each photo is looked up or located.
    ///   - chunkSize: photos per chunk (their chips are described in one batch run).
    public init(
        photos: [String], makeDescriber: () throws(FacePipelineError) -> PhotoDescriber,
        cache: DescriptorCache?, progress: ProgressReporter? = nil, chunkSize: Int = 64
    )
        throws(FaceEvaluationError)
    {
        try Self.checkPresent(photos)
        let started = Date()
        var describer: PhotoDescriber?
        var descriptions: [String: PhotoDescription] = [:]
        var hits = 0
        for start in stride(from: 0, to: photos.count, by: chunkSize) {
            let chunk = Array(photos[start..<min(photos.count, start + chunkSize)])
            let read = try Self.readAndHash(
                chunk, threads: describer?.recognizer.context.threads ?? ComputeContext.availableCores)
            var misses: [Int] = []
            for (index, file) in read.enumerated() {
                if let cached = cache?.description(forPhoto: file.sha256) {
                    descriptions[chunk[index]] = cached
                    hits += 1
                } else {
                    misses.append(index)
                }
            }
            progress?.advance(by: chunk.count - misses.count)
            if !misses.isEmpty {
                if describer == nil {
                    do {
                        describer = try makeDescriber()
                    } catch {
                        throw FaceEvaluationError(.modelUnavailable, error.message, underlying: error)
                    }
                }
                guard let describer else { break }
                let described = try Self.describe(
                    misses.map { (chunk[$0], read[$0].bytes) }, with: describer,
                    progress: progress)
                var stored: [(photoSHA256: String, description: PhotoDescription)] = []
                for (index, description) in zip(misses, described) {
                    descriptions[chunk[index]] = description
                    stored.append((read[index].sha256, description))
                }
                cache?.store(stored)
            }
        }
        self.descriptions = descriptions
        photoCount = photos.count
        cacheHits = hits
        seconds = Date().timeIntervalSince(started)
    }

    /// Each pair's distance: Euclidean between the two photos' descriptors (mirror-averaged with
    /// `flip`); a pair with a photo that has no descriptor gets an infinite distance, so it is rejected.
    public func scoredPairs(_ pairs: [LabelledPair], flip: Bool) -> [ScoredPair] {
        pairs.map { pair in
            let first = descriptions[pair.first]?.descriptor(flip: flip)
            let second = descriptions[pair.second]?.descriptor(flip: flip)
            let distance = first.flatMap { a in second.map { a.euclideanDistance(to: $0) } } ?? .infinity
            return ScoredPair(distance: distance, isSamePerson: pair.isSamePerson, fold: pair.fold)
        }
    }

    /// How many photos were described from the fallback box, and how many had several faces.
    public var faceCounts: (noFace: Int, fallback: Int, multipleFaces: Int) {
        var counts = (noFace: 0, fallback: 0, multipleFaces: 0)
        for description in descriptions.values {
            if description.facesFound == 0 { counts.noFace += 1 }
            if description.source == .fallback { counts.fallback += 1 }
            if description.facesFound > 1 { counts.multipleFaces += 1 }
        }
        return counts
    }

    // MARK: - Steps

    private static func checkPresent(_ photos: [String]) throws(FaceEvaluationError) {
        let missing = photos.filter { !FileManager.default.fileExists(atPath: $0) }
        guard missing.isEmpty else {
            let shown = missing.prefix(3).joined(separator: ", ")
            let more = missing.count > 3 ? " and \(missing.count - 3) more" : ""
            throw FaceEvaluationError(
                .missingPhoto, "\(missing.count) of \(photos.count) photos are missing: \(shown)\(more)")
        }
    }

    private struct ReadPhoto: Sendable {
        var bytes: [UInt8] = []
        var sha256 = ""
        var failure: String?
    }

    private static func readAndHash(_ paths: [String], threads: Int) throws(FaceEvaluationError) -> [ReadPhoto] {
        var read = [ReadPhoto](repeating: ReadPhoto(), count: paths.count)
        read.withUnsafeMutableBufferPointer { results in
            ComputeContext(threads: threads).parallelFor(paths.count) { index in
                guard let data = FileManager.default.contents(atPath: paths[index]) else {
                    results[index].failure = "\(paths[index]): cannot be read"
                    return
                }
                let bytes = [UInt8](data)
                results[index] = ReadPhoto(bytes: bytes, sha256: SHA256.hexDigest(bytes))
            }
        }
        if let failure = read.lazy.compactMap(\.failure).first {
            throw FaceEvaluationError(.unreadablePhoto, failure)
        }
        return read
    }

    /// Decodes and describes photos on the worker threads; the first photo that cannot be decoded fails the run.
    private static func describe(
        _ files: [(path: String, bytes: [UInt8])], with describer: PhotoDescriber,
        progress: ProgressReporter?
    ) throws(FaceEvaluationError) -> [PhotoDescription] {
        var failures = [String?](repeating: nil, count: files.count)
        var report: (@Sendable () -> Void)?
        if let progress { report = { progress.advance(by: 1) } }
        let described = failures.withUnsafeMutableBufferPointer { errors in
            describer.describe(count: files.count, located: report) { index -> Image? in
                do throws(ImageError) {
                    return try ImageDecoder.decode(files[index].bytes)
                } catch {
                    errors[index] = "\(files[index].path): \(error.message)"
                    return nil
                }
            }
        }
        if let failure = failures.lazy.compactMap({ $0 }).first {
            throw FaceEvaluationError(.unreadablePhoto, failure)
        }
        return described.map { $0! }
    }
}
