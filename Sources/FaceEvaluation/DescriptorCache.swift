import FaceCore
import Foundation

/// Descriptors of photos already described, kept in one file so that running an evaluation again is
/// near-instant.
///
/// An entry's key is the SHA-256 of the photo's bytes combined with a settings key that names the model
/// files (their SHA-256) and the options that change a descriptor (face choice, upsampling, fallback,
/// mirroring); an edited photo, another model or other options simply miss.
///
/// The file (`descriptors-v1.bin`) starts with `FKDC` and a version; each record carries its own length
/// and an FNV-1a checksum, and is appended whole. A torn or damaged record ends reading: the records
/// before it are kept and the file is cut back to them, so a corrupt cache costs recomputation, never a
/// wrong descriptor or a failure.
public final class DescriptorCache: @unchecked Sendable {
    /// The cache file.
    public let path: String
    /// The settings every key here includes.
    public let settingsKey: String
    /// Whether a damaged record was found when the file was read (it and everything after it were dropped).
    public private(set) var droppedDamagedRecords = false

    private let lock = NSLock()
    private var entries: [[UInt8]: PhotoDescription] = [:]
    private static let fileMagic: [UInt8] = Array("FKDC".utf8)
    private static let version: UInt32 = 1

    /// The cache directory: `FACEKIT_CACHE`, else `$FACEKIT_HOME/cache`, else `$XDG_CACHE_HOME/facekit`
    /// or `~/.cache/facekit`.
    public static func defaultDirectory(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> String
    {
        if let cache = environment["FACEKIT_CACHE"], !cache.isEmpty { return cache }
        if let home = environment["FACEKIT_HOME"], !home.isEmpty { return home + "/cache" }
        if let xdg = environment["XDG_CACHE_HOME"], !xdg.isEmpty { return xdg + "/facekit" }
        return (environment["HOME"] ?? NSHomeDirectory()) + "/.cache/facekit"
    }

    /// Opens (or creates) the cache in `directory` for descriptors made with `settingsKey`.
    public init(directory: String, settingsKey: String) {
        path = directory + "/descriptors-v1.bin"
        self.settingsKey = settingsKey
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        load()
    }

    /// How many descriptions the cache holds, under any settings.
    public var count: Int { lock.withLock { entries.count } }

    /// The description of the photo whose bytes hash to `photoSHA256`, if cached.
    public func description(forPhoto photoSHA256: String) -> PhotoDescription? {
        let key = key(photoSHA256)
        return lock.withLock { entries[key] }
    }

    /// Adds descriptions (keyed by their photos' SHA-256) and appends them to the file.
    public func store(_ descriptions: [(photoSHA256: String, description: PhotoDescription)]) {
        guard !descriptions.isEmpty else { return }
        var bytes: [UInt8] = []
        lock.withLock {
            for (hash, description) in descriptions {
                let key = key(hash)
                entries[key] = description
                bytes += Self.record(key: key, description)
            }
        }
        guard let handle = FileHandle(forWritingAtPath: path) else { return }
        defer { try? handle.close() }
        _ = try? handle.seekToEnd()
        try? handle.write(contentsOf: Data(bytes))
    }

    // MARK: - File format

    private func key(_ photoSHA256: String) -> [UInt8] {
        var hash = SHA256()
        hash.update(Array(settingsKey.utf8))
        hash.update([0])
        hash.update(Array(photoSHA256.utf8))
        let hex = Array(hash.finalizeHex().utf8)
        return (0..<32).map { UInt8(Self.hexValue(hex[2 * $0]) << 4 | Self.hexValue(hex[2 * $0 + 1])) }
    }

    private static func hexValue(_ digit: UInt8) -> UInt8 { digit >= 97 ? digit - 87 : digit - 48 }

    private func load() {
        let header = Self.fileMagic + Self.littleEndian(Self.version)
        guard let data = FileManager.default.contents(atPath: path), data.count >= header.count,
            [UInt8](data.prefix(header.count)) == header
        else {
            // Missing, or not a cache this version wrote: start afresh.
            _ = FileManager.default.createFile(atPath: path, contents: Data(header))
            return
        }
        let bytes = [UInt8](data)
        var offset = header.count
        while offset < bytes.count {
            guard let (key, description, length) = Self.parseRecord(bytes, at: offset) else { break }
            entries[key] = description
            offset += length
        }
        if offset < bytes.count {
            droppedDamagedRecords = true
            if let handle = FileHandle(forWritingAtPath: path) {
                try? handle.truncate(atOffset: UInt64(offset))
                try? handle.close()
            }
        }
    }

    /// Record: length (u32, whole record), key (32 bytes), source (u8), reserved (u8), faces found (u16),
    /// box x, y, width, height (f64 ×4), descriptor dimension D (u16), mirrored dimension M (u16),
    /// D + M f32 values, FNV-1a of everything before (u32). Little-endian throughout.
    private static func record(key: [UInt8], _ description: PhotoDescription) -> [UInt8] {
        var body: [UInt8] = key
        body.append(description.source.rawValue)
        body.append(0)
        body += littleEndian(UInt16(clamping: description.facesFound))
        for value in [description.box.x, description.box.y, description.box.width, description.box.height] {
            body += littleEndian(value.bitPattern)
        }
        let values = description.descriptor?.values ?? []
        let mirrored = description.mirroredDescriptor?.values ?? []
        body += littleEndian(UInt16(values.count)) + littleEndian(UInt16(mirrored.count))
        for value in values + mirrored { body += littleEndian(value.bitPattern) }
        var record = littleEndian(UInt32(4 + body.count + 4)) + body
        record += littleEndian(fnv1a(record))
        return record
    }

    private static func parseRecord(_ bytes: [UInt8], at start: Int) -> ([UInt8], PhotoDescription, Int)? {
        let fixed = 4 + 32 + 4 + 32 + 4 + 4
        guard start + fixed <= bytes.count else { return nil }
        let length = Int(readUInt32(bytes, start))
        guard length >= fixed, start + length <= bytes.count else { return nil }
        let end = start + length
        guard fnv1a(bytes[start..<end - 4]) == readUInt32(bytes, end - 4) else { return nil }
        var offset = start + 4
        let key = Array(bytes[offset..<offset + 32])
        offset += 32
        guard let source = PhotoDescription.Source(rawValue: bytes[offset]) else { return nil }
        let facesFound = Int(UInt16(bytes[offset + 2]) | UInt16(bytes[offset + 3]) << 8)
        offset += 4
        var box: [Double] = []
        for _ in 0..<4 {
            box.append(
                Double(bitPattern: UInt64(readUInt32(bytes, offset)) | UInt64(readUInt32(bytes, offset + 4)) << 32))
            offset += 8
        }
        let dimension = Int(UInt16(bytes[offset]) | UInt16(bytes[offset + 1]) << 8)
        let mirroredDimension = Int(UInt16(bytes[offset + 2]) | UInt16(bytes[offset + 3]) << 8)
        offset += 4
        guard offset + 4 * (dimension + mirroredDimension) + 4 == end else { return nil }
        func floats(_ count: Int) -> [Float] {
            let values = (0..<count).map { Float(bitPattern: readUInt32(bytes, offset + 4 * $0)) }
            offset += 4 * count
            return values
        }
        let values = floats(dimension)
        let mirrored = floats(mirroredDimension)
        let description = PhotoDescription(
            source: source, facesFound: facesFound,
            box: BoundingBox(x: box[0], y: box[1], width: box[2], height: box[3]),
            descriptor: values.isEmpty ? nil : Descriptor(values),
            mirroredDescriptor: mirrored.isEmpty ? nil : Descriptor(mirrored))
        return (key, description, length)
    }

    private static func littleEndian<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        (0..<T.bitWidth / 8).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
    }

    private static func readUInt32(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
        UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16 | UInt32(
            bytes[offset + 3]) << 24
    }

    private static func fnv1a(_ bytes: some Sequence<UInt8>) -> UInt32 {
        var hash: UInt32 = 0x811C_9DC5
        for byte in bytes {
            hash ^= UInt32(byte)
            hash = hash &* 0x0100_0193
        }
        return hash
    }
}
