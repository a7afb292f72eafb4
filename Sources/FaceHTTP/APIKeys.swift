import FaceCore
import Foundation

/// The API keys the service accepts, each stored as the SHA-256 of the key, never the key itself.
///
/// The key file holds one key per line, `SCOPE NAME SHA256HEX`, where SCOPE is `read` (verify,
/// identify, detect, embed, reading subjects) or `admin` (everything, including enrolment, renaming
/// and deletion), NAME labels the key in logs, and SHA256HEX is the lower-case hex SHA-256 of the
/// key's UTF-8 bytes. Blank lines and lines starting with `#` are ignored.
public struct APIKeys: Sendable {
    /// What a key may do.
    public enum Scope: String, Sendable, Comparable {
        /// Queries: verify, identify, detect, embed, reading subjects and faces.
        case read
        /// Everything, including enrolment, renaming, merging and deletion.
        case admin

        public static func < (lhs: Scope, rhs: Scope) -> Bool { lhs == .read && rhs == .admin }
    }

    /// One accepted key.
    public struct Entry: Sendable {
        /// The key's scope.
        public let scope: Scope
        /// The key's label.
        public let name: String
        /// SHA-256 of the key, 32 bytes.
        let digest: [UInt8]
    }

    /// The accepted keys.
    public let entries: [Entry]

    /// Parses the text of a key file; throws `INVALID_ARGUMENT` naming the first bad line.
    public init(fileText: String) throws(APIError) {
        var entries: [Entry] = []
        for (number, rawLine) in fileText.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !line.isEmpty, !line.hasPrefix("#") else { continue }
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count == 3, let scope = Scope(rawValue: String(fields[0])),
                let digest = Self.bytes(hex: String(fields[2])), digest.count == 32
            else {
                throw APIError(
                    .invalidArgument, "API key file line \(number + 1): expected 'read|admin NAME SHA256HEX'")
            }
            entries.append(Entry(scope: scope, name: String(fields[1]), digest: digest))
        }
        guard !entries.isEmpty else { throw APIError(.invalidArgument, "the API key file holds no keys") }
        self.entries = entries
    }

    /// Reads a key file.
    public init(contentsOf path: String) throws(APIError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw APIError(.invalidArgument, "cannot read the API key file \(path)")
        }
        try self.init(fileText: String(decoding: data, as: UTF8.self))
    }

    /// The key-file line for `key`.
    public static func line(scope: Scope, name: String, key: String) -> String {
        "\(scope.rawValue) \(name) \(SHA256.hexDigest(Array(key.utf8)))"
    }

    /// A new random key: 32 random bytes in hex, prefixed `fk_`.
    public static func generateKey() -> String {
        var generator = SystemRandomNumberGenerator()
        let digits = Array("0123456789abcdef")
        var key = "fk_"
        for _ in 0..<32 {
            let byte = UInt8.random(in: 0...255, using: &generator)
            key.append(digits[Int(byte >> 4)])
            key.append(digits[Int(byte & 0xF)])
        }
        return key
    }

    /// The entry whose key is `key`. Every stored digest is compared in full, whether or not an earlier
    /// one matched, so the time taken says nothing about which key or how much of it matched.
    public func entry(forKey key: String) -> Entry? {
        var digester = SHA256()
        digester.update(Array(key.utf8))
        guard let digest = Self.bytes(hex: digester.finalizeHex()) else { return nil }
        var found: Entry?
        for entry in entries {
            var difference: UInt8 = 0
            for (a, b) in zip(entry.digest, digest) { difference |= a ^ b }
            if difference == 0 && found == nil { found = entry }
        }
        return found
    }

    /// The key presented by a request: `x-api-key`, else `Authorization: Bearer KEY`.
    static func presentedKey(_ request: HTTPRequest) -> String? {
        if let key = request.headers["x-api-key"]?.trimmingCharacters(in: .whitespaces), !key.isEmpty { return key }
        guard let authorization = request.headers["authorization"] else { return nil }
        let parts = authorization.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let key = parts[1].trimmingCharacters(in: .whitespaces)
        return key.isEmpty ? nil : key
    }

    private static func bytes(hex: String) -> [UInt8]? {
        let digits = Array(hex.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let high = nibble(digits[index]), let low = nibble(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
        }
        return bytes
    }

    private static func nibble(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return digit - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
