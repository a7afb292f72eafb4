import FaceCore
import FaceGallery
import Foundation

/// PostgreSQL's text formats for the values FaceKit stores. Swift prints each `Float` and `Double`
/// as the shortest text that reads back to the same value, and PostgreSQL (`float8`, pgvector's
/// `vector`) reads it exactly, so values survive the round trip bit for bit.
enum PostgresText {
    /// pgvector's text form: `[0.1,-0.25,…]`.
    static func vector(_ values: [Float]) -> String {
        "[" + values.map { "\($0)" }.joined(separator: ",") + "]"
    }

    /// A `double precision[]` literal: `{1.5,2,…}`.
    static func doubleArray(_ values: [Double]) -> String {
        "{" + values.map { "\($0)" }.joined(separator: ",") + "}"
    }

    /// Reads pgvector's text form; throws `.corrupt` when it is not one.
    static func parseVector(_ text: String) throws(GalleryError) -> [Float] {
        guard text.hasPrefix("["), text.hasSuffix("]") else {
            throw GalleryError(.corrupt, "a stored descriptor is not in pgvector's text form")
        }
        return try parseNumbers(text.dropFirst().dropLast(), what: "descriptor")
    }

    /// Reads a one-dimensional `double precision[]`; throws `.corrupt` when it is not one.
    static func parseDoubleArray(_ text: String) throws(GalleryError) -> [Double] {
        guard text.hasPrefix("{"), text.hasSuffix("}") else {
            throw GalleryError(.corrupt, "stored landmarks are not a PostgreSQL array")
        }
        return try parseNumbers(text.dropFirst().dropLast(), what: "landmark")
    }

    /// Reads a timestamp sent as seconds since 1970 (`extract(epoch FROM …)`).
    static func parseDate(_ text: String?) throws(GalleryError) -> Date {
        guard let text, let seconds = Double(text) else {
            throw GalleryError(.corrupt, "a stored timestamp cannot be read")
        }
        return Date(timeIntervalSince1970: seconds)
    }

    private static func parseNumbers<N: LosslessStringConvertible>(_ list: Substring, what: String) throws(GalleryError)
        -> [N]
    {
        if list.isEmpty { return [] }
        var numbers: [N] = []
        for part in list.split(separator: ",", omittingEmptySubsequences: false) {
            guard let number = N(String(part)) else {
                throw GalleryError(.corrupt, "a stored \(what) holds something that is not a number")
            }
            numbers.append(number)
        }
        return numbers
    }
}
