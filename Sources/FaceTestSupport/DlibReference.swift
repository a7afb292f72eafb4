import Foundation

/// Runs the dlib reference program (Reference/, built by Scripts/build-reference.sh) and parses its output.
public enum DlibReference {
    /// A face as dlib found it.
    public struct Face: Sendable {
        /// dlib's rectangle, inclusive, in image coordinates.
        public let left, top, right, bottom: Double
        /// Detection confidence.
        public let confidence: Double
        /// The 5 landmarks.
        public let landmarks: [[Double]]
        /// The descriptor of the face's chip.
        public let descriptor: [Float]
        /// Path of the chip PNG, when chips were written.
        public let chip: String?
        /// Where dlib took the chip from, when the reference printed it.
        public var chipTransform: ChipTransform? = nil
    }

    /// dlib's `chip_details` for a face and the map `get_mapping_to_chip` derives from it.
    public struct ChipTransform: Sendable {
        /// The unturned chip region, inclusive edges `[left, top, right, bottom]` in image pixels.
        public let rect: [Double]
        /// Rotation of the region about its centre, in radians.
        public let angle: Double
        /// Chip size in pixels.
        public let rows, cols: Int
        /// The map from image point to chip pixel, `[a, b, tx, c, d, ty]`: x' = a·x + b·y + tx, y' = c·x + d·y + ty.
        public let toChip: [Double]

        init?(_ object: Any?) {
            guard let object = object as? [String: Any],
                  let rect = (object["rect"] as? [NSNumber])?.map(\.doubleValue), rect.count == 4,
                  let angle = (object["angle"] as? NSNumber)?.doubleValue,
                  let rows = (object["rows"] as? NSNumber)?.intValue,
                  let cols = (object["cols"] as? NSNumber)?.intValue,
                  let toChip = (object["to_chip"] as? [NSNumber])?.map(\.doubleValue), toChip.count == 6
            else { return nil }
            self.rect = rect
            self.angle = angle
            self.rows = rows
            self.cols = cols
            self.toChip = toChip
        }
    }

    /// Failure to run the reference or read its output.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    private static func run(_ arguments: [String]) throws -> [[String: Any]] {
        let binary = TestAssets.dlibReference
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw Failure(description: "dlib reference program not found at \(binary): run Scripts/build-reference.sh")
        }
        let output = try ProcessRunner.run(binary, arguments)
        guard output.status == 0 else {
            throw Failure(description: "dlib-reference \(arguments.first ?? "") failed (\(output.status)): \(output.standardError)")
        }
        return try output.standardOutput.split(separator: "\n").map { line in
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                throw Failure(description: "unexpected output line: \(line.prefix(200))")
            }
            return object
        }
    }

    private static func floats(_ value: Any?) -> [Float] {
        (value as? [NSNumber])?.map { $0.floatValue } ?? []
    }

    /// dlib's descriptors for aligned 150×150 chips, by file path.
    public static func descriptors(chips: [String]) throws -> [String: [Float]] {
        var result: [String: [Float]] = [:]
        for object in try run(["descriptors", "--models", TestAssets.modelsDirectory] + chips) {
            guard let file = object["file"] as? String else { throw Failure(description: "descriptor without file") }
            result[file] = floats(object["descriptor"])
        }
        return result
    }

    /// dlib's detections, landmarks, chips and descriptors for photos, by file path.
    public static func faces(images: [String], upsample: Int = 0, chipsOut: String? = nil) throws -> [String: [Face]] {
        var arguments = ["faces", "--models", TestAssets.modelsDirectory, "--upsample", "\(upsample)"]
        if let chipsOut { arguments += ["--chips-out", chipsOut] }
        var result: [String: [Face]] = [:]
        for object in try run(arguments + images) {
            guard let file = object["file"] as? String, let faces = object["faces"] as? [[String: Any]] else {
                throw Failure(description: "faces output without file or faces")
            }
            result[file] = faces.map { face in
                Face(left: (face["left"] as? NSNumber)?.doubleValue ?? .nan,
                     top: (face["top"] as? NSNumber)?.doubleValue ?? .nan,
                     right: (face["right"] as? NSNumber)?.doubleValue ?? .nan,
                     bottom: (face["bottom"] as? NSNumber)?.doubleValue ?? .nan,
                     confidence: (face["confidence"] as? NSNumber)?.doubleValue ?? .nan,
                     landmarks: (face["landmarks"] as? [[NSNumber]])?.map { $0.map(\.doubleValue) } ?? [],
                     descriptor: floats(face["descriptor"]),
                     chip: face["chip"] as? String,
                     chipTransform: ChipTransform(face["chip_transform"]))
            }
        }
        return result
    }
}
