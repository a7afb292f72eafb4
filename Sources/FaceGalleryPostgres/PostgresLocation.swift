import CLibPQ
import FaceGallery
import Foundation

/// A parsed `postgres://` URL: the string libpq connects with, and a password-free form for people.
struct PostgresLocation: Sendable {
    /// The URL as given; libpq parses it again when connecting.
    let url: String
    /// `postgres://user@host:port/database`, without any password or options.
    let displayString: String

    /// Parses `url` with libpq's own rules; throws `.invalidLocation` for anything that is not a
    /// `postgres://` or `postgresql://` URL libpq accepts.
    init(url: String) throws(GalleryError) {
        guard url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") else {
            throw GalleryError(.invalidLocation, "a PostgreSQL gallery location starts with postgres://")
        }
        var errorMessage: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(url, &errorMessage) else {
            // libpq's parse errors can quote the URL, password included, so they stay out.
            if let errorMessage { PQfreemem(errorMessage) }
            throw GalleryError(.invalidLocation, "the PostgreSQL URL cannot be parsed")
        }
        defer { PQconninfoFree(options) }
        var fields: [String: String] = [:]
        var option = options
        while let keyword = option.pointee.keyword {
            if let value = option.pointee.val { fields[String(cString: keyword)] = String(cString: value) }
            option += 1
        }
        let host = fields["host"] ?? fields["hostaddr"] ?? "localhost"
        let user = fields["user"].map { "\($0)@" } ?? ""
        let port = fields["port"].map { ":\($0)" } ?? ""
        let database = fields["dbname"].map { "/\($0)" } ?? ""
        self.url = url
        displayString = "postgres://\(user)\(host)\(port)\(database)"
    }
}
