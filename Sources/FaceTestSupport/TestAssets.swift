import Foundation

/// Where the real models, test photos and the dlib reference program are on this machine.
///
/// `Scripts/setup.sh` fetches models and photos; `Scripts/build-reference.sh` builds the reference.
public enum TestAssets {
    private static var dataHome: String {
        let environment = ProcessInfo.processInfo.environment
        if let home = environment["FACEKIT_HOME"] { return home }
        let xdg = environment["XDG_DATA_HOME"] ?? (NSHomeDirectory() + "/.local/share")
        return xdg + "/facekit"
    }

    /// The models directory (`FACEKIT_MODELS` or the set-up default).
    public static var modelsDirectory: String {
        ProcessInfo.processInfo.environment["FACEKIT_MODELS"] ?? dataHome + "/models"
    }

    /// The test-photo directory (`FACEKIT_TEST_PHOTOS` or the set-up default).
    public static var testPhotosDirectory: String {
        ProcessInfo.processInfo.environment["FACEKIT_TEST_PHOTOS"] ?? dataHome + "/test-photos"
    }

    /// The package root, found from this source file's location.
    public static var packageRoot: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
    }

    /// The dlib reference program (`FACEKIT_DLIB_REFERENCE` or where the build script puts it).
    public static var dlibReference: String {
        ProcessInfo.processInfo.environment["FACEKIT_DLIB_REFERENCE"]
            ?? packageRoot + "/.build/dlib-reference/dlib-reference"
    }

    /// The shared development datasets, when the checkout sits beside them.
    public static var sharedDatasets: String { packageRoot + "/../shared/datasets" }

    /// Path of a model file by name.
    public static func model(_ name: String) -> String { modelsDirectory + "/" + name }

    /// Path of a test photo by name.
    public static func photo(_ name: String) -> String { testPhotosDirectory + "/" + name }

    /// The bytes of a file, or a failure message naming the set-up step that provides it.
    public static func bytes(of path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw MissingAsset(path: path)
        }
        return [UInt8](data)
    }

    /// A required test file is missing.
    public struct MissingAsset: Error, CustomStringConvertible {
        /// The missing file.
        public let path: String
        public var description: String { "missing \(path): run Scripts/setup.sh (and Scripts/build-reference.sh)" }
    }
}
