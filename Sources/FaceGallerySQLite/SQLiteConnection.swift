import CSQLite
import FaceGallery

/// A value bound to or read from an SQL statement.
enum SQLiteValue {
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
    case null
}

/// One SQLite connection with a cache of prepared statements.
///
/// Not thread-safe: the store hands each connection to one thread at a time.
final class SQLiteConnection {
    private var handle: OpaquePointer?
    private var statements: [String: OpaquePointer] = [:]

    /// Opens (creating if needed) the database file at `path`.
    init(path: String) throws(GalleryError) {
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let status = sqlite3_open_v2(path, &handle, flags, nil)
        guard status == SQLITE_OK else {
            let error = GalleryError(sqliteStatus: status, connection: handle, doing: "open \(path)")
            sqlite3_close_v2(handle)
            throw error
        }
        sqlite3_extended_result_codes(handle, 1)
        sqlite3_busy_timeout(handle, 10_000)  // writers from other processes wait their turn
    }

    deinit { close() }

    func close() {
        for statement in statements.values { sqlite3_finalize(statement) }
        statements.removeAll()
        if let handle { sqlite3_close_v2(handle) }
        handle = nil
    }

    /// Runs SQL that takes no parameters and returns no rows (schema, pragmas, transactions).
    func executeScript(_ sql: String) throws(GalleryError) {
        let status = sqlite3_exec(handle, sql, nil, nil, nil)
        guard status == SQLITE_OK else { throw GalleryError(sqliteStatus: status, connection: handle, doing: "run \(sql.prefix(60))") }
    }

    /// Runs one statement for its effect; returns the number of rows changed.
    @discardableResult
    func execute(_ sql: String, _ parameters: [SQLiteValue] = []) throws(GalleryError) -> Int {
        _ = try query(sql, parameters) { _ in () }
        return Int(sqlite3_changes(handle))
    }

    /// Runs one statement and maps each result row.
    func query<Row>(_ sql: String, _ parameters: [SQLiteValue] = [],
                    _ read: (SQLiteRow) throws(GalleryError) -> Row) throws(GalleryError) -> [Row] {
        let statement = try prepared(sql)
        defer {
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
        }
        for (index, value) in parameters.enumerated() {
            let position = Int32(index + 1)
            let status: Int32
            switch value {
            case .integer(let number): status = sqlite3_bind_int64(statement, position, number)
            case .real(let number): status = sqlite3_bind_double(statement, position, number)
            case .text(let text): status = sqlite3_bind_text(statement, position, text, -1, transientDestructor)
            case .blob(let bytes):
                status = bytes.withUnsafeBytes { sqlite3_bind_blob(statement, position, $0.baseAddress, Int32($0.count), transientDestructor) }
            case .null: status = sqlite3_bind_null(statement, position)
            }
            guard status == SQLITE_OK else { throw GalleryError(sqliteStatus: status, connection: handle, doing: "bind a parameter") }
        }
        var rows: [Row] = []
        while true {
            let status = sqlite3_step(statement)
            if status == SQLITE_DONE { return rows }
            guard status == SQLITE_ROW else { throw GalleryError(sqliteStatus: status, connection: handle, doing: "run \(sql.prefix(60))") }
            rows.append(try read(SQLiteRow(statement: statement!)))
        }
    }

    /// The rowid of the last inserted row.
    var lastInsertedRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// Runs `body` in an immediate transaction: committed when it returns, rolled back when it throws.
    func transaction<T>(_ body: () throws(GalleryError) -> T) throws(GalleryError) -> T {
        try executeScript("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try executeScript("COMMIT")
            return result
        } catch {
            try? executeScript("ROLLBACK")
            throw error
        }
    }

    private func prepared(_ sql: String) throws(GalleryError) -> OpaquePointer? {
        guard handle != nil else { throw GalleryError(.unavailable, "the gallery is closed") }
        if let statement = statements[sql] { return statement }
        var statement: OpaquePointer?
        let status = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard status == SQLITE_OK else { throw GalleryError(sqliteStatus: status, connection: handle, doing: "prepare \(sql.prefix(60))") }
        statements[sql] = statement
        return statement
    }
}

/// SQLite copies bound text and blobs when given this destructor (`SQLITE_TRANSIENT`, not imported).
private let transientDestructor = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// The current row of a statement being stepped.
struct SQLiteRow {
    let statement: OpaquePointer

    func integer(_ column: Int32) -> Int64 { sqlite3_column_int64(statement, column) }
    func real(_ column: Int32) -> Double { sqlite3_column_double(statement, column) }
    func text(_ column: Int32) -> String {
        guard let bytes = sqlite3_column_text(statement, column) else { return "" }
        return String(cString: bytes)
    }
    func blob(_ column: Int32) -> [UInt8] {
        let count = Int(sqlite3_column_bytes(statement, column))
        guard count > 0, let bytes = sqlite3_column_blob(statement, column) else { return [] }
        return Array(UnsafeRawBufferPointer(start: bytes, count: count))
    }
}
