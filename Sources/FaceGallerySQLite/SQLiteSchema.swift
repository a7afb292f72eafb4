import FaceGallery

/// The gallery's tables and how each schema version is reached from the one before.
///
/// The version lives in SQLite's `user_version`; migration `n` turns version `n` into `n + 1` and runs
/// in the same transaction as the version bump, so a gallery is never left half-migrated.
enum SQLiteSchema {
    static let migrations: [String] = [
        // Version 1: subjects, faces, and the gallery's settings (schema owner, bound model).
        """
        CREATE TABLE facekit_meta (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        CREATE TABLE subjects (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            name TEXT NOT NULL UNIQUE,
            metadata TEXT NOT NULL DEFAULT '{}',
            created_at REAL NOT NULL,
            updated_at REAL NOT NULL
        );
        CREATE TABLE faces (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            subject_id INTEGER NOT NULL REFERENCES subjects(id) ON DELETE CASCADE,
            descriptor BLOB NOT NULL,          -- dimension × float32, little-endian
            model_id TEXT NOT NULL,
            photo_sha256 TEXT NOT NULL,
            box_x REAL NOT NULL, box_y REAL NOT NULL, box_width REAL NOT NULL, box_height REAL NOT NULL,
            landmarks BLOB NOT NULL,           -- (x, y) float64 pairs, little-endian
            confidence REAL NOT NULL,
            created_at REAL NOT NULL
        );
        CREATE INDEX faces_by_subject ON faces(subject_id);
        """,
    ]

    /// The version this build writes.
    static var currentVersion: Int { migrations.count }

    /// Brings the database on `connection` to ``currentVersion`` and binds a new gallery to `model`;
    /// refuses a newer schema and a different model.
    static func prepare(_ connection: SQLiteConnection, model: GalleryModel, path: String) throws(GalleryError) {
        try connection.transaction { () throws(GalleryError) in
            let version = Int(try connection.query("PRAGMA user_version") { $0.integer(0) }.first ?? 0)
            guard version <= currentVersion else {
                throw GalleryError(.unsupportedSchema, "\(path) has gallery schema version \(version); this FaceKit knows up to \(currentVersion)")
            }
            for migration in migrations[version...] { try connection.executeScript(migration) }
            if version < currentVersion { try connection.executeScript("PRAGMA user_version = \(currentVersion)") }

            let settings = Dictionary(try connection.query("SELECT key, value FROM facekit_meta") { ($0.text(0), $0.text(1)) },
                                      uniquingKeysWith: { first, _ in first })
            if let boundID = settings["model_id"] {
                let boundDimension = Int(settings["model_dimension"] ?? "") ?? 0
                guard boundID == model.id, boundDimension == model.dimension else {
                    throw GalleryError(.modelMismatch, "\(path) holds descriptors of \(boundID) (\(boundDimension)-D), not \(model)")
                }
            } else {
                try connection.execute("INSERT INTO facekit_meta(key, value) VALUES ('model_id', ?), ('model_dimension', ?)",
                                       [.text(model.id), .text(String(model.dimension))])
            }
        }
    }
}
