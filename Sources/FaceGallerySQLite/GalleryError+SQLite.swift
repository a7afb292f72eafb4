import CSQLite
import FaceGallery

extension GalleryError {
    /// Turns an SQLite status into a gallery error: the one place SQLite's result codes are read.
    init(sqliteStatus status: Int32, connection: OpaquePointer?, doing action: String,
         file: String = #fileID, line: Int = #line) {
        let detail = connection.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) }
            ?? String(cString: sqlite3_errstr(status))
        let code: Code
        switch status & 0xff {
        case SQLITE_CORRUPT, SQLITE_NOTADB: code = .corrupt
        case SQLITE_CANTOPEN, SQLITE_BUSY, SQLITE_LOCKED, SQLITE_READONLY, SQLITE_PERM, SQLITE_FULL: code = .unavailable
        default: code = .storage
        }
        self.init(code, "SQLite could not \(action): \(detail)", underlying: SQLiteStatus(code: status),
                  file: file, line: line)
    }
}

/// The raw SQLite result code behind a ``GalleryError``.
struct SQLiteStatus: Error, CustomStringConvertible {
    let code: Int32
    var description: String { "SQLite result code \(code) (\(String(cString: sqlite3_errstr(code))))" }
}
