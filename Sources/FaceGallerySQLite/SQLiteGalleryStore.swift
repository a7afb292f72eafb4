import FaceCore
import FaceGallery
import Foundation

/// The embedded gallery: one SQLite file, with every descriptor also held in an in-memory search index.
///
/// The file is in WAL mode with `synchronous=FULL`, so a write that returned survives a crash of the
/// process or the machine, and readers (each on its own connection) never wait for a writer. Writes go
/// through one connection, one immediate transaction each. Searches run against the in-memory index,
/// which the store keeps in step with its own writes; when another process changes the file (say
/// `facekit enroll` while `facekit serve` runs), the next search notices through SQLite's
/// `data_version` and reloads the index first.
public final class SQLiteGalleryStore: GalleryStore, @unchecked Sendable {
    public let model: GalleryModel
    public let location: String
    /// The database file.
    public let path: String

    private let makeSearchIndex: @Sendable (Int) -> any FaceSearchIndex
    private let writeLock = NSLock()
    private let writer: SQLiteConnection  // guarded by writeLock
    private let readerLock = NSLock()
    private var idleReaders: [SQLiteConnection] = []  // guarded by readerLock
    private let stateLock = NSLock()
    private var searchIndex: any FaceSearchIndex  // guarded by stateLock (the index itself is thread-safe)
    private var subjectNames: [Int64: String] = [:]  // guarded by stateLock
    private var seenDataVersion: Int64 = 0  // guarded by writeLock
    private var isClosed = false  // guarded by stateLock

    /// Opens the gallery at `path`, creating the file and its tables when missing.
    ///
    /// - Parameters:
    ///   - model: the descriptor model; a new gallery is bound to it, an existing one must match it.
    ///   - makeSearchIndex: builds the in-memory index for a descriptor dimension.
    /// - Throws: `.modelMismatch`, `.unsupportedSchema`, `.corrupt` (not a gallery file), `.unavailable`.
    public init(path: String, model: GalleryModel,
                makeSearchIndex: @escaping @Sendable (Int) -> any FaceSearchIndex = { ExactSearchIndex(dimension: $0) }) throws(GalleryError) {
        self.model = model
        self.path = path
        self.location = "sqlite:\(path)"
        self.makeSearchIndex = makeSearchIndex
        writer = try SQLiteConnection(path: path)
        try writer.executeScript("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;")
        try SQLiteSchema.prepare(writer, model: model, path: path)
        searchIndex = makeSearchIndex(model.dimension)
        try reloadFromFile()
    }

    deinit { close() }

    // MARK: - Subjects

    public func createSubject(named name: String, metadataJSON: String?) throws(GalleryError) -> Subject {
        try Subject.validateName(name)
        let metadata = try Subject.validatedMetadata(metadataJSON)
        let subject = try write { (connection) throws(GalleryError) -> Subject in
            guard try subjectID(named: name, on: connection) == nil else {
                throw GalleryError(.subjectExists, "a subject named '\(name)' already exists")
            }
            let now = Date()
            let id = try insertSubject(named: name, metadataJSON: metadata, at: now, on: connection)
            return Subject(id: id, name: name, metadataJSON: metadata, faceCount: 0, createdAt: now, updatedAt: now)
        }
        stateLock.withLock { subjectNames[subject.id] = subject.name }
        return subject
    }

    public func subject(named name: String) throws(GalleryError) -> Subject {
        try read { (connection) throws(GalleryError) in try subject(named: name, on: connection) }
    }

    public func subjects(offset: Int, limit: Int) throws(GalleryError) -> [Subject] {
        guard offset >= 0, limit >= 0 else {
            throw GalleryError(.invalidArgument, "a page needs a non-negative offset and limit, got offset \(offset), limit \(limit)")
        }
        return try read { (connection) throws(GalleryError) in
            try connection.query(Self.subjectColumns + " ORDER BY s.name LIMIT ? OFFSET ?",
                                 [.integer(Int64(limit)), .integer(Int64(offset))], Self.subject(from:))
        }
    }

    public func subjectCount() throws(GalleryError) -> Int {
        try read { (connection) throws(GalleryError) in Int(try connection.query("SELECT count(*) FROM subjects") { $0.integer(0) }[0]) }
    }

    public func faceCount() throws(GalleryError) -> Int {
        try read { (connection) throws(GalleryError) in Int(try connection.query("SELECT count(*) FROM faces") { $0.integer(0) }[0]) }
    }

    public func updateSubject(named name: String, newName: String?, metadataJSON: String?) throws(GalleryError) -> Subject {
        if let newName { try Subject.validateName(newName) }
        let metadata = try metadataJSON.map { (json) throws(GalleryError) in try Subject.validatedMetadata(json) }
        let updated = try write { (connection) throws(GalleryError) -> Subject in
            let id = try existingSubjectID(named: name, on: connection)
            if let newName, newName != name {
                guard try subjectID(named: newName, on: connection) == nil else {
                    throw GalleryError(.subjectExists, "cannot rename '\(name)': a subject named '\(newName)' already exists")
                }
                try connection.execute("UPDATE subjects SET name = ? WHERE id = ?", [.text(newName), .integer(id)])
            }
            if let metadata { try connection.execute("UPDATE subjects SET metadata = ? WHERE id = ?", [.text(metadata), .integer(id)]) }
            try touch(subject: id, on: connection)
            return try subject(named: newName ?? name, on: connection)
        }
        stateLock.withLock { subjectNames[updated.id] = updated.name }
        return updated
    }

    public func mergeSubject(named source: String, into target: String) throws(GalleryError) -> Subject {
        guard source != target else { throw GalleryError(.invalidArgument, "cannot merge '\(source)' into itself") }
        let (sourceID, merged) = try write { (connection) throws(GalleryError) -> (Int64, Subject) in
            let sourceID = try existingSubjectID(named: source, on: connection)
            let targetID = try existingSubjectID(named: target, on: connection)
            try connection.execute("UPDATE faces SET subject_id = ? WHERE subject_id = ?", [.integer(targetID), .integer(sourceID)])
            try connection.execute("DELETE FROM subjects WHERE id = ?", [.integer(sourceID)])
            try touch(subject: targetID, on: connection)
            return (sourceID, try subject(named: target, on: connection))
        }
        stateLock.withLock {
            searchIndex.reassignSubject(from: sourceID, to: merged.id)
            subjectNames[sourceID] = nil
        }
        return merged
    }

    @discardableResult
    public func deleteSubject(named name: String) throws(GalleryError) -> Int {
        let (id, faceIDs) = try write { (connection) throws(GalleryError) -> (Int64, [Int64]) in
            let id = try existingSubjectID(named: name, on: connection)
            let faceIDs = try connection.query("SELECT id FROM faces WHERE subject_id = ?", [.integer(id)]) { $0.integer(0) }
            try connection.execute("DELETE FROM subjects WHERE id = ?", [.integer(id)])  // faces go by ON DELETE CASCADE
            return (id, faceIDs)
        }
        stateLock.withLock {
            searchIndex.remove(faceIDs: faceIDs)
            subjectNames[id] = nil
        }
        return faceIDs.count
    }

    // MARK: - Faces

    public func addFaces(_ faces: [NewFace], toSubjectNamed name: String, createSubject: Bool) throws(GalleryError) -> [EnrolledFace] {
        try addFaces([SubjectFaces(subjectName: name, faces: faces)], createSubjects: createSubject)[0]
    }

    public func addFaces(_ groups: [SubjectFaces], createSubjects: Bool) throws(GalleryError) -> [[EnrolledFace]] {
        for group in groups {
            for face in group.faces { try checkModel(of: face) }
            if createSubjects { try Subject.validateName(group.subjectName) }
        }
        let inserted = try write { (connection) throws(GalleryError) -> [(subjectID: Int64, faces: [EnrolledFace])] in
            var inserted: [(subjectID: Int64, faces: [EnrolledFace])] = []
            for group in groups {
                inserted.append(try insert(group, createSubject: createSubjects, on: connection))
            }
            return inserted
        }
        stateLock.withLock {
            for (group, (subjectID, enrolled)) in zip(groups, inserted) {
                subjectNames[subjectID] = group.subjectName
                searchIndex.add(faceIDs: enrolled.map(\.id), subjectIDs: Array(repeating: subjectID, count: enrolled.count),
                                descriptors: enrolled.flatMap(\.face.descriptor.values))
            }
        }
        return inserted.map(\.faces)
    }

    private func insert(_ group: SubjectFaces, createSubject: Bool,
                        on connection: SQLiteConnection) throws(GalleryError) -> (subjectID: Int64, faces: [EnrolledFace]) {
        let now = Date()
        let subjectID: Int64
        if let existing = try self.subjectID(named: group.subjectName, on: connection) {
            subjectID = existing
        } else {
            guard createSubject else { throw GalleryError(.subjectNotFound, "no subject named '\(group.subjectName)'") }
            subjectID = try insertSubject(named: group.subjectName, metadataJSON: "{}", at: now, on: connection)
        }
        var enrolled: [EnrolledFace] = []
        for face in group.faces {
            try connection.execute("""
                INSERT INTO faces(subject_id, descriptor, model_id, photo_sha256, box_x, box_y, box_width, box_height,
                                  landmarks, confidence, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, [.integer(subjectID), .blob(Self.bytes(of: face.descriptor)), .text(face.modelID), .text(face.photoSHA256),
                      .real(face.box.x), .real(face.box.y), .real(face.box.width), .real(face.box.height),
                      .blob(Self.bytes(of: face.landmarks)), .real(Double(face.confidence)), .real(now.timeIntervalSince1970)])
            enrolled.append(EnrolledFace(id: connection.lastInsertedRowID, subjectName: group.subjectName, face: face, createdAt: now))
        }
        try touch(subject: subjectID, on: connection)
        return (subjectID, enrolled)
    }

    public func faces(ofSubjectNamed name: String) throws(GalleryError) -> [EnrolledFace] {
        try read { (connection) throws(GalleryError) in
            let id = try existingSubjectID(named: name, on: connection)
            return try connection.query(Self.faceColumns + " WHERE f.subject_id = ? ORDER BY f.id", [.integer(id)], face(from:))
        }
    }

    public func face(id: Int64) throws(GalleryError) -> EnrolledFace {
        try read { (connection) throws(GalleryError) in
            guard let face = try connection.query(Self.faceColumns + " WHERE f.id = ?", [.integer(id)], face(from:)).first else {
                throw GalleryError(.faceNotFound, "no face with id \(id)")
            }
            return face
        }
    }

    public func deleteFace(id: Int64) throws(GalleryError) {
        try write { (connection) throws(GalleryError) in
            guard let subjectID = try connection.query("SELECT subject_id FROM faces WHERE id = ?", [.integer(id)], { $0.integer(0) }).first else {
                throw GalleryError(.faceNotFound, "no face with id \(id)")
            }
            try connection.execute("DELETE FROM faces WHERE id = ?", [.integer(id)])
            try touch(subject: subjectID, on: connection)
        }
        stateLock.withLock { searchIndex.remove(faceIDs: [id]) }
    }

    // MARK: - Search

    public func nearestSubjects(to queries: [Descriptor], count: Int) throws(GalleryError) -> [[SubjectMatch]] {
        guard count > 0 else { throw GalleryError(.invalidArgument, "ask for at least one subject, got \(count)") }
        for query in queries where query.dimension != model.dimension {
            throw GalleryError(.modelMismatch, "a \(query.dimension)-D query cannot search a gallery of \(model)")
        }
        try refreshIfChangedElsewhere(waitForWriter: false)
        stateLock.lock()
        let (index, names, closed) = (searchIndex, subjectNames, isClosed)
        stateLock.unlock()
        guard !closed else { throw GalleryError(.unavailable, "the gallery at \(path) is closed") }
        let total = index.count
        let firstFetch = min(SubjectRanking.initialFaceFetch(forSubjects: count), total)
        let firstAnswers = total == 0 ? queries.map { _ in [] } : index.nearestFaces(to: queries.flatMap(\.values), count: firstFetch)
        return zip(queries, firstAnswers).map { query, firstAnswer in
            let subjects = SubjectRanking.nearestSubjects(count: count, totalFaces: total) { fetchCount in
                fetchCount == firstFetch ? firstAnswer : index.nearestFaces(to: query.values, count: fetchCount)[0]
            }
            return subjects.compactMap { match in
                names[match.subjectID].map {
                    SubjectMatch(subjectID: match.subjectID, subjectName: $0, closestFaceID: match.faceID,
                                 euclideanDistance: match.euclideanDistance)
                }
            }
        }
    }

    // MARK: - Integrity and lifetime

    public func verifyIntegrity() throws(GalleryError) {
        try refreshIfChangedElsewhere(waitForWriter: true)
        let indexCount = stateLock.withLock { searchIndex.count }
        try read { (connection) throws(GalleryError) in
            let report = try connection.query("PRAGMA integrity_check") { $0.text(0) }
            guard report == ["ok"] else { throw GalleryError(.corrupt, "SQLite integrity check of \(path) failed: \(report.prefix(5).joined(separator: "; "))") }
            let orphans = try connection.query("PRAGMA foreign_key_check") { $0.text(0) }
            guard orphans.isEmpty else { throw GalleryError(.corrupt, "\(path) has \(orphans.count) faces without a subject") }
            let malformed = try connection.query("SELECT count(*) FROM faces WHERE length(descriptor) != ? OR model_id != ?",
                                                 [.integer(Int64(model.dimension * 4)), .text(model.id)]) { $0.integer(0) }[0]
            guard malformed == 0 else { throw GalleryError(.corrupt, "\(path) has \(malformed) faces with a malformed descriptor or another model") }
            let faces = try connection.query("SELECT count(*) FROM faces") { $0.integer(0) }[0]
            guard faces == Int64(indexCount) else {
                throw GalleryError(.corrupt, "the search index holds \(indexCount) faces but \(path) has \(faces)")
            }
        }
    }

    public func close() {
        writeLock.withLock {
            let wasOpen = stateLock.withLock { () -> Bool in
                defer { isClosed = true }
                return !isClosed
            }
            guard wasOpen else { return }
            writer.close()
            readerLock.withLock {
                for reader in idleReaders { reader.close() }
                idleReaders.removeAll()
            }
        }
    }

    // MARK: - Connections

    private func write<T>(_ body: (SQLiteConnection) throws(GalleryError) -> T) throws(GalleryError) -> T {
        writeLock.lock()
        defer { writeLock.unlock() }
        try ensureOpen()
        return try writer.transaction { () throws(GalleryError) in try body(writer) }
    }

    private func read<T>(_ body: (SQLiteConnection) throws(GalleryError) -> T) throws(GalleryError) -> T {
        try ensureOpen()
        readerLock.lock()
        let idle = idleReaders.popLast()
        readerLock.unlock()
        let connection: SQLiteConnection
        if let idle {
            connection = idle
        } else {
            connection = try SQLiteConnection(path: path)
            try connection.executeScript("PRAGMA query_only = ON")
        }
        defer {
            let stillOpen = stateLock.withLock { !isClosed }
            readerLock.withLock {
                if stillOpen { idleReaders.append(connection) } else { connection.close() }
            }
        }
        // A read sees one consistent snapshot even when it takes several statements.
        try connection.executeScript("BEGIN")
        defer { try? connection.executeScript("COMMIT") }
        return try body(connection)
    }

    private func ensureOpen() throws(GalleryError) {
        guard stateLock.withLock({ !isClosed }) else { throw GalleryError(.unavailable, "the gallery at \(path) is closed") }
    }

    /// Reloads the in-memory index when another process has committed to the file since we last looked.
    ///
    /// A search does not wait for this store's own write in progress (`waitForWriter` false): it skips
    /// the check and searches the index as it is, and the next search looks again. Integrity checks wait.
    private func refreshIfChangedElsewhere(waitForWriter: Bool) throws(GalleryError) {
        if waitForWriter {
            writeLock.lock()
        } else if !writeLock.try() {
            return
        }
        defer { writeLock.unlock() }
        try ensureOpen()
        let version = try writer.query("PRAGMA data_version") { $0.integer(0) }[0]
        guard version != seenDataVersion else { return }
        try reloadFromFile()
    }

    /// Rebuilds the subject names and the search index from the file. Called with `writeLock` held
    /// (or from `init`).
    private func reloadFromFile() throws(GalleryError) {
        seenDataVersion = try writer.query("PRAGMA data_version") { $0.integer(0) }[0]
        let index = makeSearchIndex(model.dimension)
        let names = try writer.transaction { () throws(GalleryError) -> [Int64: String] in
            let names = Dictionary(try writer.query("SELECT id, name FROM subjects") { ($0.integer(0), $0.text(1)) },
                                   uniquingKeysWith: { first, _ in first })
            let batchSize = 65_536
            var lastID: Int64 = 0
            while true {
                var faceIDs: [Int64] = [], subjectIDs: [Int64] = [], values: [Float] = []
                faceIDs.reserveCapacity(batchSize)
                values.reserveCapacity(batchSize * model.dimension)
                _ = try writer.query("SELECT id, subject_id, descriptor FROM faces WHERE id > ? ORDER BY id LIMIT ?",
                                     [.integer(lastID), .integer(Int64(batchSize))]) { (row) throws(GalleryError) in
                    let descriptor = row.blob(2)
                    guard descriptor.count == model.dimension * 4 else {
                        throw GalleryError(.corrupt, "face \(row.integer(0)) in \(path) has a \(descriptor.count)-byte descriptor, expected \(model.dimension * 4)")
                    }
                    faceIDs.append(row.integer(0))
                    subjectIDs.append(row.integer(1))
                    descriptor.withUnsafeBytes { values.append(contentsOf: $0.bindMemory(to: Float.self)) }
                }
                if faceIDs.isEmpty { break }
                index.add(faceIDs: faceIDs, subjectIDs: subjectIDs, descriptors: values)
                lastID = faceIDs.last!
            }
            return names
        }
        stateLock.withLock {
            searchIndex = index
            subjectNames = names
        }
    }

    // MARK: - Rows

    private static let subjectColumns = """
        SELECT s.id, s.name, s.metadata, (SELECT count(*) FROM faces WHERE subject_id = s.id), s.created_at, s.updated_at
        FROM subjects s
        """

    private static func subject(from row: SQLiteRow) -> Subject {
        Subject(id: row.integer(0), name: row.text(1), metadataJSON: row.text(2), faceCount: Int(row.integer(3)),
                createdAt: Date(timeIntervalSince1970: row.real(4)), updatedAt: Date(timeIntervalSince1970: row.real(5)))
    }

    private static let faceColumns = """
        SELECT f.id, s.name, f.descriptor, f.model_id, f.photo_sha256, f.box_x, f.box_y, f.box_width, f.box_height,
               f.landmarks, f.confidence, f.created_at
        FROM faces f JOIN subjects s ON s.id = f.subject_id
        """

    private func face(from row: SQLiteRow) throws(GalleryError) -> EnrolledFace {
        let descriptorBytes = row.blob(2), landmarkBytes = row.blob(9)
        guard descriptorBytes.count == model.dimension * 4, landmarkBytes.count % 16 == 0 else {
            throw GalleryError(.corrupt, "face \(row.integer(0)) in \(path) has a malformed descriptor or landmarks")
        }
        let values = descriptorBytes.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        let coordinates = landmarkBytes.withUnsafeBytes { Array($0.bindMemory(to: Double.self)) }
        let landmarks = FaceLandmarks(stride(from: 0, to: coordinates.count, by: 2).map { Point2D(x: coordinates[$0], y: coordinates[$0 + 1]) })
        let face = NewFace(descriptor: Descriptor(values), modelID: row.text(3), photoSHA256: row.text(4),
                           box: BoundingBox(x: row.real(5), y: row.real(6), width: row.real(7), height: row.real(8)),
                           landmarks: landmarks, confidence: Float(row.real(10)))
        return EnrolledFace(id: row.integer(0), subjectName: row.text(1), face: face, createdAt: Date(timeIntervalSince1970: row.real(11)))
    }

    private func subject(named name: String, on connection: SQLiteConnection) throws(GalleryError) -> Subject {
        guard let subject = try connection.query(Self.subjectColumns + " WHERE s.name = ?", [.text(name)], Self.subject(from:)).first else {
            throw GalleryError(.subjectNotFound, "no subject named '\(name)'")
        }
        return subject
    }

    private func subjectID(named name: String, on connection: SQLiteConnection) throws(GalleryError) -> Int64? {
        try connection.query("SELECT id FROM subjects WHERE name = ?", [.text(name)]) { $0.integer(0) }.first
    }

    private func existingSubjectID(named name: String, on connection: SQLiteConnection) throws(GalleryError) -> Int64 {
        guard let id = try subjectID(named: name, on: connection) else { throw GalleryError(.subjectNotFound, "no subject named '\(name)'") }
        return id
    }

    private func insertSubject(named name: String, metadataJSON: String, at time: Date,
                               on connection: SQLiteConnection) throws(GalleryError) -> Int64 {
        try connection.execute("INSERT INTO subjects(name, metadata, created_at, updated_at) VALUES (?, ?, ?, ?)",
                               [.text(name), .text(metadataJSON), .real(time.timeIntervalSince1970), .real(time.timeIntervalSince1970)])
        return connection.lastInsertedRowID
    }

    private func touch(subject id: Int64, on connection: SQLiteConnection) throws(GalleryError) {
        try connection.execute("UPDATE subjects SET updated_at = ? WHERE id = ?", [.real(Date().timeIntervalSince1970), .integer(id)])
    }

    private func checkModel(of face: NewFace) throws(GalleryError) {
        guard face.modelID == model.id, face.descriptor.dimension == model.dimension else {
            throw GalleryError(.modelMismatch, "this gallery holds descriptors of \(model); refused a \(face.descriptor.dimension)-D descriptor of \(face.modelID)")
        }
        guard face.descriptor.values.allSatisfy(\.isFinite) else {
            throw GalleryError(.invalidArgument, "a descriptor has a component that is not a finite number")
        }
    }

    private static func bytes(of descriptor: Descriptor) -> [UInt8] {
        descriptor.values.withUnsafeBytes { Array($0) }
    }

    private static func bytes(of landmarks: FaceLandmarks) -> [UInt8] {
        landmarks.points.flatMap { [$0.x, $0.y] }.withUnsafeBytes { Array($0) }
    }
}
