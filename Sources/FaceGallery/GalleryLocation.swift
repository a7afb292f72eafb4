/// Where a gallery lives, as written on a command line or in configuration.
///
/// - `sqlite:PATH` (or a plain path ending in `.sqlite`/`.db`): an embedded SQLite file;
/// - `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE` (also `postgresql://`): a PostgreSQL server with
///   pgvector.
public enum GalleryLocation: Hashable, Sendable, CustomStringConvertible {
    /// An SQLite file.
    case sqlite(path: String)
    /// A PostgreSQL connection URL.
    case postgres(url: String)

    /// Parses a location; throws `.invalidLocation` naming the accepted forms.
    public init(parsing text: String) throws(GalleryError) {
        if text.hasPrefix("sqlite:") {
            let path = String(text.dropFirst("sqlite:".count))
            guard !path.isEmpty else { throw GalleryError(.invalidLocation, "sqlite: needs a file path, as in sqlite:/data/gallery.sqlite") }
            self = .sqlite(path: path)
        } else if text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") {
            guard text.split(separator: "/", omittingEmptySubsequences: false).count >= 4 else {
                throw GalleryError(.invalidLocation, "a PostgreSQL location reads postgres://user@host:port/database")
            }
            self = .postgres(url: text)
        } else if text.hasSuffix(".sqlite") || text.hasSuffix(".db") {
            self = .sqlite(path: text)
        } else {
            throw GalleryError(.invalidLocation,
                               "unknown gallery location '\(text)': use sqlite:PATH or postgres://user@host:port/database")
        }
    }

    /// The location with any password replaced by `***`.
    public var description: String {
        switch self {
        case .sqlite(let path): return "sqlite:\(path)"
        case .postgres(let url): return Self.redactingPassword(url)
        }
    }

    static func redactingPassword(_ url: String) -> String {
        guard let scheme = url.range(of: "://"), let at = url[scheme.upperBound...].firstIndex(of: "@") else { return url }
        let credentials = url[scheme.upperBound..<at]
        guard let colon = credentials.firstIndex(of: ":") else { return url }
        return String(url[..<url.index(after: colon)]) + "***" + String(url[at...])
    }
}
