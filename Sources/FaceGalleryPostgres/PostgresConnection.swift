import CLibPQ
import FaceGallery
import Foundation

/// One libpq connection. Every statement goes through `PQexecParams` with text-format parameters,
/// so values never become part of SQL text.
///
/// Not thread-safe on its own: the pool hands each connection to one thread at a time, which is
/// what makes the `@unchecked Sendable` sound.
final class PostgresConnection: @unchecked Sendable {
    private let handle: OpaquePointer
    /// The password-free location, for error messages.
    let location: String
    /// Set when the connection can no longer be trusted (lost, or left inside a failed
    /// transaction); the pool then closes it instead of reusing it.
    private(set) var isBroken = false

    /// Connects with libpq's own parsing of `url`; throws `.unavailable` when the server cannot be
    /// reached or refuses the login.
    init(url: String, location: String, sessionSettings: [(name: String, value: String)]) throws(GalleryError) {
        self.location = location
        // The URL comes last so that its own settings (connect_timeout, sslmode, …) win over the
        // defaults before it; `expand_dbname` makes libpq read it as a whole connection string.
        let keywords = ["connect_timeout", "application_name", "dbname"]
        let values = ["10", "facekit", url]
        let connection = withCStringArray(keywords) { keywordPointers in
            withCStringArray(values) { valuePointers in PQconnectdbParams(keywordPointers, valuePointers, 1) }
        }
        guard let connection else {
            throw GalleryError(.unavailable, "connect: libpq could not allocate a connection to \(location)")
        }
        handle = connection
        // From here on a throw runs deinit, which closes the handle.
        guard PQstatus(handle) == CONNECTION_OK else {
            throw GalleryError(libpqConnection: handle, result: nil, operation: "connect", location: location)
        }
        // Notices (e.g. "extension already exists") are informational; libpq would print them on
        // standard error.
        PQsetNoticeProcessor(handle, { _, _ in }, nil)
        for setting in sessionSettings {
            try query("SELECT set_config($1, $2, false)", [setting.name, setting.value], operation: "connect")
        }
    }

    deinit {
        PQfinish(handle)
    }

    /// Runs one statement with `parameters` bound to `$1`, `$2`, … (nil is SQL NULL) and returns
    /// its rows. Failures become ``GalleryError``s through the libpq mapping.
    @discardableResult
    func query(_ sql: String, _ parameters: [String?] = [], operation: String) throws(GalleryError) -> PostgresRows {
        let result = withOptionalCStringArray(parameters) { pointers in
            PQexecParams(handle, sql, Int32(parameters.count), nil, pointers, nil, nil, 0)
        }
        let status = result.map { PQresultStatus($0) } ?? PGRES_FATAL_ERROR
        guard status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK, let result else {
            let error = GalleryError(libpqConnection: handle, result: result, operation: operation, location: location)
            if let result { PQclear(result) }
            if PQstatus(handle) != CONNECTION_OK { isBroken = true }
            throw error
        }
        return PostgresRows(result)
    }

    /// Runs `body` inside a transaction: committed when it returns, rolled back when it throws.
    func transaction<T>(operation: String, _ body: () throws(GalleryError) -> T) throws(GalleryError) -> T {
        try query("BEGIN", operation: operation)
        let value: T
        do {
            value = try body()
        } catch {
            do {
                try query("ROLLBACK", operation: operation)
            } catch _ {
                isBroken = true
            }
            throw error
        }
        try query("COMMIT", operation: operation)
        return value
    }

    /// True when the connection is healthy and outside any transaction, i.e. safe to hand out again.
    var isReusable: Bool {
        !isBroken && PQstatus(handle) == CONNECTION_OK && PQtransactionStatus(handle) == PQTRANS_IDLE
    }
}

/// The rows of one statement's result, in text format.
final class PostgresRows {
    private let result: OpaquePointer

    init(_ result: OpaquePointer) {
        self.result = result
    }

    deinit {
        PQclear(result)
    }

    /// Number of rows.
    var count: Int { Int(PQntuples(result)) }

    /// The value at `row`, `column` as text; nil for SQL NULL.
    func text(_ row: Int, _ column: Int) -> String? {
        guard PQgetisnull(result, Int32(row), Int32(column)) == 0 else { return nil }
        return String(cString: PQgetvalue(result, Int32(row), Int32(column)))
    }
}

private func withCStringArray<R>(_ strings: [String], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
    withOptionalCStringArray(strings) { pointers in body(pointers + [nil]) }
}

/// Calls `body` with C copies of `strings` (nil stays a null pointer), freed afterwards.
private func withOptionalCStringArray<R, E: Error>(
    _ strings: [String?],
    _ body: ([UnsafePointer<CChar>?]) throws(E) -> R
) throws(E) -> R {
    let copies = strings.map { $0.flatMap { strdup($0) } }
    defer {
        for copy in copies { free(copy) }
    }
    return try body(copies.map { $0.map { UnsafePointer($0) } })
}
