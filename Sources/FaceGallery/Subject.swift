import Foundation

/// A person in the gallery: a unique name, free-form metadata and the faces enrolled for them.
public struct Subject: Hashable, Sendable {
    /// The store's identifier; stable for the subject's life, not reused after deletion.
    public let id: Int64
    /// The unique name (1–200 characters, no control characters).
    public let name: String
    /// A JSON object with whatever the user attached (`{}` when nothing).
    public let metadataJSON: String
    /// Number of faces enrolled for the subject.
    public let faceCount: Int
    /// When the subject was created.
    public let createdAt: Date
    /// When the subject's name, metadata or faces last changed.
    public let updatedAt: Date

    /// Assembles a subject read from a store.
    public init(id: Int64, name: String, metadataJSON: String, faceCount: Int, createdAt: Date, updatedAt: Date) {
        self.id = id
        self.name = name
        self.metadataJSON = metadataJSON
        self.faceCount = faceCount
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// Longest accepted name, in characters.
    public static let maximumNameLength = 200

    /// Checks a subject name: non-empty, at most ``maximumNameLength`` characters, no control
    /// characters, no leading or trailing spaces.
    public static func validateName(_ name: String) throws(GalleryError) {
        guard !name.isEmpty else { throw GalleryError(.invalidName, "a subject name cannot be empty") }
        guard name.count <= maximumNameLength else {
            throw GalleryError(.invalidName, "a subject name has at most \(maximumNameLength) characters, got \(name.count)")
        }
        guard !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw GalleryError(.invalidName, "a subject name cannot contain control characters")
        }
        guard name.trimmingCharacters(in: .whitespaces) == name else {
            throw GalleryError(.invalidName, "a subject name cannot start or end with spaces")
        }
    }

    /// Checks that metadata is a JSON object and returns it in compact form.
    public static func validatedMetadata(_ json: String?) throws(GalleryError) -> String {
        guard let json, !json.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return "{}" }
        guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)), object is [String: Any],
              let compact = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else {
            throw GalleryError(.invalidArgument, "subject metadata must be a JSON object")
        }
        return String(decoding: compact, as: UTF8.self)
    }
}
