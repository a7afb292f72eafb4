import FaceGallery

/// FaceKit's tables in PostgreSQL, and how a database gets them.
///
/// `facekit_meta` holds one row: the schema version and the model the gallery is bound to.
/// `subjects` and `faces` hold the data; `faces.descriptor` is a pgvector `vector(dimension)` with
/// an HNSW index over Euclidean distance (`vector_l2_ops`).
enum PostgresSchema {
    /// The version this FaceKit writes. A database at a newer version is refused; an older one is
    /// migrated forward step by step (``migrations``).
    static let currentVersion = 1

    /// Steps that bring a database from version `n` to `n + 1`, indexed by `n - 1`. Empty while
    /// version 1 is the only one.
    static let migrations: [[String]] = []

    /// Key for the advisory lock that serialises schema set-up between processes opening one
    /// database at the same time (the ASCII of "FACEKIT").
    static let setupLockKey = "19775005550922068"

    /// The statements creating version ``currentVersion`` for descriptors of `dimension` components.
    static func creationStatements(dimension: Int) -> [String] {
        precondition(dimension > 0, "a descriptor has at least one component, got \(dimension)")
        return [
            """
            CREATE TABLE facekit_meta (
                singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
                schema_version integer NOT NULL,
                model_id text NOT NULL,
                dimension integer NOT NULL,
                created_at timestamptz NOT NULL DEFAULT now())
            """,
            """
            CREATE TABLE subjects (
                id bigserial PRIMARY KEY,
                name text NOT NULL UNIQUE,
                metadata jsonb NOT NULL DEFAULT '{}',
                created_at timestamptz NOT NULL DEFAULT now(),
                updated_at timestamptz NOT NULL DEFAULT now())
            """,
            // Landmarks are stored flat: x0, y0, x1, y1, …
            """
            CREATE TABLE faces (
                id bigserial PRIMARY KEY,
                subject_id bigint NOT NULL REFERENCES subjects (id) ON DELETE CASCADE,
                descriptor vector(\(dimension)) NOT NULL,
                model_id text NOT NULL,
                photo_sha256 text NOT NULL,
                box_x double precision NOT NULL,
                box_y double precision NOT NULL,
                box_width double precision NOT NULL,
                box_height double precision NOT NULL,
                landmarks double precision[] NOT NULL,
                confidence real NOT NULL,
                created_at timestamptz NOT NULL DEFAULT now())
            """,
            "CREATE INDEX faces_subject_id ON faces (subject_id)",
            "CREATE INDEX faces_descriptor_hnsw ON faces USING hnsw (descriptor vector_l2_ops)",
        ]
    }

    /// Creates or checks FaceKit's tables on `connection`, in one transaction: a fresh database gets
    /// the current schema bound to `model`; an existing one must be bound to `model` (else
    /// `.modelMismatch`) and at a version this FaceKit knows (else `.unsupportedSchema`), and older
    /// versions are migrated.
    static func prepare(_ connection: PostgresConnection, model: GalleryModel) throws(GalleryError) {
        try connection.transaction(operation: "prepare schema") { () throws(GalleryError) in
            try connection.query(
                "SELECT pg_advisory_xact_lock($1::bigint)", [setupLockKey],
                operation: "prepare schema")
            try connection.query("CREATE EXTENSION IF NOT EXISTS vector", operation: "create the vector extension")
            let exists = try connection.query(
                "SELECT to_regclass('facekit_meta') IS NOT NULL",
                operation: "prepare schema")
            guard exists.text(0, 0) == "t" else {
                for statement in creationStatements(dimension: model.dimension) {
                    try connection.query(statement, operation: "create schema")
                }
                try connection.query(
                    "INSERT INTO facekit_meta (schema_version, model_id, dimension) VALUES ($1, $2, $3)",
                    [String(currentVersion), model.id, String(model.dimension)], operation: "create schema")
                return
            }
            let meta = try connection.query(
                "SELECT schema_version, model_id, dimension FROM facekit_meta",
                operation: "read schema version")
            guard meta.count == 1, let version = meta.text(0, 0).flatMap({ Int($0) }),
                let modelID = meta.text(0, 1), let dimension = meta.text(0, 2).flatMap({ Int($0) })
            else {
                throw GalleryError(.corrupt, "facekit_meta must hold exactly one row with a version and a model")
            }
            guard version <= currentVersion else {
                throw GalleryError(
                    .unsupportedSchema,
                    "the gallery at \(connection.location) has schema version "
                        + "\(version); this FaceKit knows versions up to \(currentVersion)")
            }
            guard modelID == model.id, dimension == model.dimension else {
                throw GalleryError(
                    .modelMismatch,
                    "the gallery at \(connection.location) is bound to model "
                        + "\(GalleryModel(id: modelID, dimension: max(dimension, 1))), not \(model)")
            }
            for step in version..<currentVersion {
                for statement in migrations[step - 1] {
                    try connection.query(statement, operation: "migrate schema to version \(step + 1)")
                }
                try connection.query(
                    "UPDATE facekit_meta SET schema_version = $1", [String(step + 1)],
                    operation: "migrate schema to version \(step + 1)")
            }
        }
    }
}
