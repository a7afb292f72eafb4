import FaceCore
import FaceGallery
import Foundation

/// A gallery in PostgreSQL with the pgvector extension: subjects and faces in tables, nearest-face
/// search inside the server through an HNSW index.
///
/// Opening a store creates FaceKit's tables in an empty database (and the `vector` extension if it
/// is missing), or checks that an existing gallery is bound to the same model and has a schema
/// version this FaceKit knows. Every write runs in one transaction. The store keeps a small pool of
/// connections, so several threads can use it at once.
///
/// Search is approximate: HNSW walks a graph instead of comparing the query with every face, so a
/// true nearest face is occasionally missed. ``efSearch`` (pgvector's `hnsw.ef_search`) trades
/// speed for recall: the number of candidates the walk keeps. Results come back ordered by exact
/// distance, and an index scan that runs short of candidates continues (pgvector's iterative scan)
/// until it has found as many faces as asked for.
public final class PostgresGalleryStore: GalleryStore {
    /// The default size of the connection pool.
    public static let defaultPoolSize = 4
    /// The default number of HNSW candidates kept per search (`hnsw.ef_search`).
    public static let defaultEFSearch = 100

    public let model: GalleryModel
    public let location: String
    /// Connections the store opens at most.
    public let poolSize: Int
    /// HNSW candidates kept per search (pgvector's `hnsw.ef_search`, 1–1000): higher finds the true
    /// nearest faces more often and costs more time.
    public let efSearch: Int

    private let pool: PostgresConnectionPool

    /// Opens (and if need be creates) the gallery in the database at `url`
    /// (`postgres://user[:password]@host:port/database`, any libpq URL).
    ///
    /// Throws `.invalidLocation` for a URL libpq cannot parse, `.unavailable` when the server cannot
    /// be reached, `.modelMismatch` when the database holds a gallery of another model,
    /// `.unsupportedSchema` when a newer FaceKit wrote it, `.invalidArgument` for a pool size below 1
    /// or an `efSearch` outside 1–1000, and `.storage` when the server refuses the set-up (for
    /// instance when the `vector` extension is not installed).
    public init(
        url: String, model: GalleryModel, poolSize: Int = defaultPoolSize,
        efSearch: Int = defaultEFSearch
    ) throws(GalleryError) {
        guard poolSize >= 1 else {
            throw GalleryError(.invalidArgument, "a PostgreSQL gallery needs at least one connection, got \(poolSize)")
        }
        guard (1...1000).contains(efSearch) else {
            throw GalleryError(.invalidArgument, "hnsw.ef_search must be between 1 and 1000, got \(efSearch)")
        }
        let parsed = try PostgresLocation(url: url)
        self.model = model
        self.location = parsed.displayString
        self.poolSize = poolSize
        self.efSearch = efSearch
        // Strict order keeps an index scan going past ef_search candidates when a query asks for
        // more faces than that, and returns them sorted by exact distance.
        let settings = [
            (name: "hnsw.ef_search", value: String(efSearch)),
            (name: "hnsw.iterative_scan", value: "strict_order"),
        ]
        let displayString = parsed.displayString
        pool = PostgresConnectionPool(capacity: poolSize, location: displayString) { () throws(GalleryError) in
            try PostgresConnection(url: url, location: displayString, sessionSettings: settings)
        }
        // The schema is prepared before the vector settings can apply: the extension may not exist yet.
        let first = try PostgresConnection(url: url, location: displayString, sessionSettings: [])
        try PostgresSchema.prepare(first, model: model)
        for setting in settings {
            try first.query("SELECT set_config($1, $2, false)", [setting.name, setting.value], operation: "connect")
        }
        pool.adopt(first)
    }

    deinit {
        pool.close()
    }

    // MARK: - Subjects

    public func createSubject(named name: String, metadataJSON: String?) throws(GalleryError) -> Subject {
        try Subject.validateName(name)
        let metadata = try Subject.validatedMetadata(metadataJSON)
        return try pool.withConnection { connection throws(GalleryError) in
            try connection.transaction(operation: "create subject") { () throws(GalleryError) in
                let rows = try connection.query(
                    "INSERT INTO subjects (name, metadata) VALUES ($1, $2::jsonb) RETURNING id",
                    [name, metadata], operation: "create subject")
                return try readSubject(connection, id: rows.text(0, 0), operation: "create subject")
            }
        }
    }

    public func subject(named name: String) throws(GalleryError) -> Subject {
        try pool.withConnection { connection throws(GalleryError) in
            let rows = try connection.query(
                "SELECT \(Self.subjectColumns) FROM subjects s WHERE s.name = $1",
                [name], operation: "read subject")
            guard rows.count == 1 else { throw Self.subjectNotFound(name) }
            return try Self.subject(rows, 0)
        }
    }

    public func subjects(offset: Int, limit: Int) throws(GalleryError) -> [Subject] {
        guard offset >= 0, limit >= 0 else {
            throw GalleryError(.invalidArgument, "offset and limit cannot be negative, got \(offset) and \(limit)")
        }
        return try pool.withConnection { connection throws(GalleryError) in
            // Byte order of UTF-8, the same in every database whatever its collation.
            let rows = try connection.query(
                "SELECT \(Self.subjectColumns) FROM subjects s ORDER BY s.name COLLATE \"C\" OFFSET $1 LIMIT $2",
                [String(offset), String(limit)], operation: "list subjects")
            var subjects: [Subject] = []
            for row in 0..<rows.count { subjects.append(try Self.subject(rows, row)) }
            return subjects
        }
    }

    public func subjectCount() throws(GalleryError) -> Int {
        try count("SELECT count(*) FROM subjects", operation: "count subjects")
    }

    public func faceCount() throws(GalleryError) -> Int {
        try count("SELECT count(*) FROM faces", operation: "count faces")
    }

    public func updateSubject(named name: String, newName: String?, metadataJSON: String?) throws(GalleryError)
        -> Subject
    {
        if let newName { try Subject.validateName(newName) }
        let metadata = try metadataJSON.map { json throws(GalleryError) in try Subject.validatedMetadata(json) }
        return try pool.withConnection { connection throws(GalleryError) in
            try connection.transaction(operation: "update subject") { () throws(GalleryError) in
                let rows = try connection.query(
                    """
                    UPDATE subjects SET name = coalesce($2, name), metadata = coalesce($3::jsonb, metadata),
                        updated_at = now()
                    WHERE name = $1 RETURNING id
                    """, [name, newName, metadata], operation: "update subject")
                guard rows.count == 1 else { throw Self.subjectNotFound(name) }
                return try readSubject(connection, id: rows.text(0, 0), operation: "update subject")
            }
        }
    }

    public func mergeSubject(named source: String, into target: String) throws(GalleryError) -> Subject {
        guard source != target else {
            throw GalleryError(.invalidArgument, "a subject cannot be merged into itself")
        }
        return try pool.withConnection { connection throws(GalleryError) in
            try connection.transaction(operation: "merge subjects") { () throws(GalleryError) in
                // Locking both rows in id order keeps two crossed merges from deadlocking.
                let rows = try connection.query(
                    "SELECT id, name FROM subjects WHERE name IN ($1, $2) ORDER BY id FOR UPDATE",
                    [source, target], operation: "merge subjects")
                var ids: [String: String] = [:]
                for row in 0..<rows.count {
                    if let name = rows.text(row, 1) { ids[name] = rows.text(row, 0) }
                }
                guard let sourceID = ids[source] else { throw Self.subjectNotFound(source) }
                guard let targetID = ids[target] else { throw Self.subjectNotFound(target) }
                try connection.query(
                    "UPDATE faces SET subject_id = $2 WHERE subject_id = $1", [sourceID, targetID],
                    operation: "merge subjects")
                try connection.query("DELETE FROM subjects WHERE id = $1", [sourceID], operation: "merge subjects")
                try connection.query(
                    "UPDATE subjects SET updated_at = now() WHERE id = $1", [targetID],
                    operation: "merge subjects")
                return try readSubject(connection, id: targetID, operation: "merge subjects")
            }
        }
    }

    @discardableResult
    public func deleteSubject(named name: String) throws(GalleryError) -> Int {
        try pool.withConnection { connection throws(GalleryError) in
            try connection.transaction(operation: "delete subject") { () throws(GalleryError) in
                let rows = try connection.query(
                    """
                    SELECT s.id, (SELECT count(*) FROM faces f WHERE f.subject_id = s.id)
                    FROM subjects s WHERE s.name = $1 FOR UPDATE
                    """, [name], operation: "delete subject")
                guard rows.count == 1, let faceCount = rows.text(0, 1).flatMap({ Int($0) }) else {
                    throw Self.subjectNotFound(name)
                }
                // The faces go with the subject through ON DELETE CASCADE.
                try connection.query(
                    "DELETE FROM subjects WHERE id = $1", [rows.text(0, 0)],
                    operation: "delete subject")
                return faceCount
            }
        }
    }

    // MARK: - Faces

    public func addFaces(
        _ faces: [NewFace], toSubjectNamed name: String,
        createSubject: Bool
    ) throws(GalleryError) -> [EnrolledFace] {
        try addFaces([SubjectFaces(subjectName: name, faces: faces)], createSubjects: createSubject)[0]
    }

    public func addFaces(_ groups: [SubjectFaces], createSubjects: Bool) throws(GalleryError) -> [[EnrolledFace]] {
        for group in groups {
            try Subject.validateName(group.subjectName)
            for face in group.faces { try check(face) }
        }
        return try pool.withConnection { connection throws(GalleryError) in
            try connection.transaction(operation: "add faces") { () throws(GalleryError) in
                // Each subject's row is locked (so a concurrent delete or merge waits) in name order, so
                // that two bulk enrolments naming the same subjects cannot deadlock.
                var subjectIDs: [String: String] = [:]
                for name in Set(groups.map(\.subjectName)).sorted() {
                    subjectIDs[name] = try lockSubject(connection, named: name, creating: createSubjects)
                }
                var enrolled: [[EnrolledFace]] = []
                for group in groups {
                    let subjectID = subjectIDs[group.subjectName]!
                    var faces: [EnrolledFace] = []
                    faces.reserveCapacity(group.faces.count)
                    for face in group.faces {
                        faces.append(try insert(face, subjectID: subjectID, subjectName: group.subjectName, connection))
                    }
                    enrolled.append(faces)
                }
                return enrolled
            }
        }
    }

    /// Locks a subject's row for the rest of the transaction, creating the subject first when
    /// `creating` is true, and returns its id; throws `.subjectNotFound`.
    private func lockSubject(
        _ connection: PostgresConnection, named name: String,
        creating: Bool
    ) throws(GalleryError) -> String {
        let rows =
            creating
            ? try connection.query(
                """
                INSERT INTO subjects (name) VALUES ($1)
                ON CONFLICT (name) DO UPDATE SET updated_at = now() RETURNING id
                """, [name], operation: "add faces")
            : try connection.query(
                "UPDATE subjects SET updated_at = now() WHERE name = $1 RETURNING id", [name],
                operation: "add faces")
        guard rows.count == 1, let id = rows.text(0, 0) else { throw Self.subjectNotFound(name) }
        return id
    }

    /// Inserts one face inside the caller's transaction.
    private func insert(
        _ face: NewFace, subjectID: String, subjectName: String,
        _ connection: PostgresConnection
    ) throws(GalleryError) -> EnrolledFace {
        let rows = try connection.query(
            """
            INSERT INTO faces (subject_id, descriptor, model_id, photo_sha256, box_x, box_y, box_width,
                box_height, landmarks, confidence)
            VALUES ($1, $2::vector, $3, $4, $5, $6, $7, $8, $9::double precision[], $10)
            RETURNING id, extract(epoch FROM created_at)
            """,
            [
                subjectID, PostgresText.vector(face.descriptor.values), face.modelID, face.photoSHA256,
                "\(face.box.x)", "\(face.box.y)", "\(face.box.width)", "\(face.box.height)",
                PostgresText.doubleArray(face.landmarks.points.flatMap { [$0.x, $0.y] }),
                "\(face.confidence)",
            ],
            operation: "add faces")
        guard let id = rows.text(0, 0).flatMap({ Int64($0) }) else {
            throw GalleryError(.storage, "add faces: PostgreSQL returned no id for a new face")
        }
        return EnrolledFace(
            id: id, subjectName: subjectName, face: face, createdAt: try PostgresText.parseDate(rows.text(0, 1)))
    }

    public func faces(ofSubjectNamed name: String) throws(GalleryError) -> [EnrolledFace] {
        try pool.withConnection { connection throws(GalleryError) in
            // One statement, so the subject check and the faces come from one snapshot.
            let rows = try connection.query(
                """
                SELECT \(Self.faceColumns) FROM subjects s LEFT JOIN faces f ON f.subject_id = s.id
                WHERE s.name = $1 ORDER BY f.created_at, f.id
                """, [name], operation: "read faces")
            guard rows.count > 0 else { throw Self.subjectNotFound(name) }
            var faces: [EnrolledFace] = []
            for row in 0..<rows.count where rows.text(row, 0) != nil {
                faces.append(try Self.face(rows, row))
            }
            return faces
        }
    }

    public func face(id: Int64) throws(GalleryError) -> EnrolledFace {
        try pool.withConnection { connection throws(GalleryError) in
            let rows = try connection.query(
                "SELECT \(Self.faceColumns) FROM faces f JOIN subjects s ON s.id = f.subject_id WHERE f.id = $1",
                [String(id)], operation: "read face")
            guard rows.count == 1 else { throw GalleryError(.faceNotFound, "no face has id \(id)") }
            return try Self.face(rows, 0)
        }
    }

    public func deleteFace(id: Int64) throws(GalleryError) {
        try pool.withConnection { connection throws(GalleryError) in
            try connection.transaction(operation: "delete face") { () throws(GalleryError) in
                let rows = try connection.query(
                    "DELETE FROM faces WHERE id = $1 RETURNING subject_id", [String(id)],
                    operation: "delete face")
                guard rows.count == 1 else { throw GalleryError(.faceNotFound, "no face has id \(id)") }
                try connection.query(
                    "UPDATE subjects SET updated_at = now() WHERE id = $1", [rows.text(0, 0)],
                    operation: "delete face")
            }
        }
    }

    // MARK: - Search

    public func nearestSubjects(to queries: [Descriptor], count: Int) throws(GalleryError) -> [[SubjectMatch]] {
        guard count >= 1 else {
            throw GalleryError(.invalidArgument, "a search asks for at least one subject, got \(count)")
        }
        for query in queries { try checkQuery(query) }
        return try pool.withConnection { connection throws(GalleryError) in
            var results: [[SubjectMatch]] = []
            results.reserveCapacity(queries.count)
            for query in queries {
                let vector = PostgresText.vector(query.values)
                var names: [Int64: String] = [:]
                // The number of faces is not needed up front: a fetch that comes back short means
                // every face has been seen.
                let subjects = try SubjectRanking.nearestSubjects(count: count, totalFaces: Int(Int32.max)) {
                    (limit: Int) throws(GalleryError) -> [FaceMatch] in
                    let rows = try connection.query(
                        """
                        SELECT n.id, n.subject_id, s.name, n.distance FROM (
                            SELECT id, subject_id, descriptor <-> $1::vector AS distance
                            FROM faces ORDER BY descriptor <-> $1::vector LIMIT $2) n
                        JOIN subjects s ON s.id = n.subject_id ORDER BY n.distance, n.id
                        """, [vector, String(limit)], operation: "search")
                    var faces: [FaceMatch] = []
                    faces.reserveCapacity(rows.count)
                    for row in 0..<rows.count {
                        guard let faceID = rows.text(row, 0).flatMap({ Int64($0) }),
                            let subjectID = rows.text(row, 1).flatMap({ Int64($0) }),
                            let name = rows.text(row, 2),
                            let distance = rows.text(row, 3).flatMap({ Double($0) })
                        else {
                            throw GalleryError(.corrupt, "search: PostgreSQL returned an incomplete row")
                        }
                        names[subjectID] = name
                        faces.append(
                            FaceMatch(faceID: faceID, subjectID: subjectID, euclideanDistance: Float(distance)))
                    }
                    return faces
                }
                results.append(
                    subjects.map {
                        SubjectMatch(
                            subjectID: $0.subjectID, subjectName: names[$0.subjectID] ?? "",
                            closestFaceID: $0.faceID, euclideanDistance: $0.euclideanDistance)
                    })
            }
            return results
        }
    }

    // MARK: - Maintenance

    public func verifyIntegrity() throws(GalleryError) {
        try pool.withConnection { connection throws(GalleryError) in
            let meta = try connection.query(
                "SELECT schema_version, model_id, dimension FROM facekit_meta",
                operation: "verify integrity")
            guard meta.count == 1, meta.text(0, 1) == model.id, meta.text(0, 2) == String(model.dimension) else {
                throw GalleryError(.corrupt, "facekit_meta does not hold exactly one row naming \(model)")
            }
            // Each query counts rows that break an invariant; all but the last must find none.
            let checks: [(sql: String, parameters: [String?], problem: String, expected: Int)] = [
                ("SELECT count(*) FROM faces WHERE model_id <> $1", [model.id], "faces from another model", 0),
                (
                    "SELECT count(*) FROM faces WHERE vector_dims(descriptor) <> $1::integer",
                    [String(model.dimension)],
                    "descriptors of the wrong dimension", 0
                ),
                (
                    "SELECT count(*) FROM faces f WHERE NOT EXISTS (SELECT 1 FROM subjects s WHERE s.id = f.subject_id)",
                    [], "faces without a subject", 0
                ),
                (
                    "SELECT count(*) FROM subjects WHERE jsonb_typeof(metadata) <> 'object'", [],
                    "subjects whose metadata is not a JSON object", 0
                ),
                (
                    """
                    SELECT count(*) FROM pg_index i WHERE i.indexrelid = to_regclass('faces_descriptor_hnsw')
                        AND i.indisvalid AND i.indisready
                    """, [], "valid HNSW indexes on faces.descriptor (expected 1)", 1
                ),
            ]
            for check in checks {
                let rows = try connection.query(check.sql, check.parameters, operation: "verify integrity")
                let found = rows.text(0, 0).flatMap { Int($0) } ?? -1
                guard found == check.expected else {
                    throw GalleryError(.corrupt, "the gallery at \(location) has \(found) \(check.problem)")
                }
            }
        }
    }

    public func close() {
        pool.close()
    }

    // MARK: - Reading rows

    /// Columns of a subject row, read by ``subject(_:_:)``; the table is aliased `s`.
    private static let subjectColumns = """
        s.id, s.name, s.metadata::text, (SELECT count(*) FROM faces f WHERE f.subject_id = s.id),
        extract(epoch FROM s.created_at), extract(epoch FROM s.updated_at)
        """

    /// Columns of a face row, read by ``face(_:_:)``; the tables are aliased `f` and `s`.
    private static let faceColumns = """
        f.id, s.name, f.descriptor::text, f.model_id, f.photo_sha256, f.box_x, f.box_y, f.box_width, f.box_height,
        f.landmarks::text, f.confidence, extract(epoch FROM f.created_at)
        """

    private func readSubject(_ connection: PostgresConnection, id: String?, operation: String) throws(GalleryError)
        -> Subject
    {
        let rows = try connection.query(
            "SELECT \(Self.subjectColumns) FROM subjects s WHERE s.id = $1", [id],
            operation: operation)
        guard rows.count == 1 else { throw GalleryError(.storage, "\(operation): the subject vanished while written") }
        return try Self.subject(rows, 0)
    }

    private static func subject(_ rows: PostgresRows, _ row: Int) throws(GalleryError) -> Subject {
        guard let id = rows.text(row, 0).flatMap({ Int64($0) }), let name = rows.text(row, 1),
            let metadata = rows.text(row, 2), let faceCount = rows.text(row, 3).flatMap({ Int($0) })
        else {
            throw GalleryError(.corrupt, "a stored subject row is incomplete")
        }
        // jsonb re-spaces what it stores; the compact, key-sorted form is what the caller gave.
        let compact = (try? Subject.validatedMetadata(metadata)) ?? metadata
        return Subject(
            id: id, name: name, metadataJSON: compact, faceCount: faceCount,
            createdAt: try PostgresText.parseDate(rows.text(row, 4)),
            updatedAt: try PostgresText.parseDate(rows.text(row, 5)))
    }

    private static func face(_ rows: PostgresRows, _ row: Int) throws(GalleryError) -> EnrolledFace {
        guard let id = rows.text(row, 0).flatMap({ Int64($0) }), let name = rows.text(row, 1),
            let descriptorText = rows.text(row, 2), let modelID = rows.text(row, 3),
            let photoSHA256 = rows.text(row, 4), let x = rows.text(row, 5).flatMap({ Double($0) }),
            let y = rows.text(row, 6).flatMap({ Double($0) }), let width = rows.text(row, 7).flatMap({ Double($0) }),
            let height = rows.text(row, 8).flatMap({ Double($0) }), let landmarkText = rows.text(row, 9),
            let confidence = rows.text(row, 10).flatMap({ Float($0) })
        else {
            throw GalleryError(.corrupt, "a stored face row is incomplete")
        }
        let coordinates = try PostgresText.parseDoubleArray(landmarkText)
        guard coordinates.count % 2 == 0 else {
            throw GalleryError(.corrupt, "face \(id) has an odd number of landmark coordinates")
        }
        let points = stride(from: 0, to: coordinates.count, by: 2).map {
            Point2D(x: coordinates[$0], y: coordinates[$0 + 1])
        }
        let face = NewFace(
            descriptor: Descriptor(try PostgresText.parseVector(descriptorText)), modelID: modelID,
            photoSHA256: photoSHA256, box: BoundingBox(x: x, y: y, width: width, height: height),
            landmarks: FaceLandmarks(points), confidence: confidence)
        return EnrolledFace(
            id: id, subjectName: name, face: face, createdAt: try PostgresText.parseDate(rows.text(row, 11)))
    }

    // MARK: - Checks

    private func count(_ sql: String, operation: String) throws(GalleryError) -> Int {
        try pool.withConnection { connection throws(GalleryError) in
            let rows = try connection.query(sql, operation: operation)
            guard let count = rows.text(0, 0).flatMap({ Int($0) }) else {
                throw GalleryError(.storage, "\(operation): PostgreSQL returned no count")
            }
            return count
        }
    }

    private func check(_ face: NewFace) throws(GalleryError) {
        guard face.modelID == model.id else {
            throw GalleryError(
                .modelMismatch, "a face comes from model \(face.modelID), the gallery is bound to \(model)")
        }
        try checkQuery(face.descriptor)
    }

    private func checkQuery(_ descriptor: Descriptor) throws(GalleryError) {
        guard descriptor.dimension == model.dimension else {
            throw GalleryError(
                .modelMismatch,
                "a descriptor has \(descriptor.dimension) components, the gallery's "
                    + "model \(model) has \(model.dimension)")
        }
        guard descriptor.values.allSatisfy(\.isFinite) else {
            throw GalleryError(.invalidArgument, "a descriptor holds a value that is not a finite number")
        }
    }

    private static func subjectNotFound(_ name: String) -> GalleryError {
        GalleryError(.subjectNotFound, "no subject has the given name")
    }
}
