import CLibPQ
import FaceGallery
import Foundation

/// What the server or libpq said about a failure. Kept out of ``GalleryError/description`` because
/// server messages can quote SQL values; it shows up in `debugDescription` only.
struct PostgresFailureDetail: Error, CustomStringConvertible {
    /// The five-character SQLSTATE, empty when the failure happened before the server answered.
    let sqlState: String
    /// libpq's or the server's message.
    let serverMessage: String

    var description: String {
        sqlState.isEmpty ? serverMessage : "SQLSTATE \(sqlState): \(serverMessage)"
    }
}

extension GalleryError {
    /// Turns a libpq failure into a gallery error; the one place where libpq statuses are mapped.
    ///
    /// - A unique-constraint violation (SQLSTATE 23505) is `.subjectExists`: subject names are the
    ///   only unique values a caller can collide on.
    /// - A lost or refused connection (no result, a bad connection status, SQLSTATE class 08, a
    ///   server shutting down or refusing new connections) is `.unavailable`.
    /// - Anything else is `.storage`.
    ///
    /// `operation` names what FaceKit was doing ("create subject"); `location` is the password-free
    /// gallery location.
    init(
        libpqConnection connection: OpaquePointer?, result: OpaquePointer?, operation: String, location: String,
        file: String = #fileID, line: Int = #line
    ) {
        let connectionMessage = connection.flatMap { PQerrorMessage($0) }.map { String(cString: $0) } ?? ""
        let resultMessage = result.flatMap { PQresultErrorMessage($0) }.map { String(cString: $0) } ?? ""
        let sqlState =
            result.flatMap { PQresultErrorField($0, Int32(UInt8(ascii: "C"))) }
            .map { String(cString: $0) } ?? ""
        let serverMessage = (resultMessage.isEmpty ? connectionMessage : resultMessage)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let detail = PostgresFailureDetail(sqlState: sqlState, serverMessage: serverMessage)
        let connectionLost = connection.map { PQstatus($0) != CONNECTION_OK } ?? true

        switch sqlState {
        case "23505":
            self.init(
                .subjectExists, "\(operation): the subject name is already taken", underlying: detail,
                file: file, line: line)
        case _
        where sqlState.hasPrefix("08") || ["57P01", "57P02", "57P03", "53300"].contains(sqlState)
            || (sqlState.isEmpty && connectionLost):
            // libpq's connection messages name the host and port and the reason (refused, timed
            // out, authentication failed); they never contain a password or a query's values.
            let reason = Self.firstLine(of: serverMessage)
            self.init(
                .unavailable,
                "\(operation): cannot reach PostgreSQL at \(location)"
                    + (reason.isEmpty ? "" : ": \(reason)"),
                underlying: detail, file: file, line: line)
        default:
            let what = sqlState.isEmpty ? "" : " (SQLSTATE \(sqlState))"
            self.init(
                .storage, "\(operation): PostgreSQL reported an error\(what)", underlying: detail,
                file: file, line: line)
        }
    }

    private static func firstLine(of text: String) -> String {
        String(text.split(separator: "\n", maxSplits: 1).first ?? "")
    }
}
