import FaceCore
import Foundation

/// Copies a gallery to and from a text file, one JSON object per line (docs/gallery-exchange-format.md).
///
/// ```
/// {"format":"facekit-gallery","version":1,"model":"…","dimension":128}
/// {"subject":"Ada","metadata":{"born":1815}}
/// {"face":"Ada","descriptor":[0.01,…],"photo_sha256":"…","box":[x,y,w,h],"landmarks":[[x,y],…],"confidence":1.02}
/// ```
///
/// Every subject line comes before its faces. Descriptors are written with enough digits to read
/// back bit for bit.
public enum GalleryExchange {
    /// What an import did.
    public struct ImportSummary: Sendable, Equatable {
        /// Subjects created.
        public var subjectsCreated = 0
        /// Subjects that already existed; their faces were added to the existing subject.
        public var subjectsExtended = 0
        /// Faces added.
        public var facesAdded = 0
    }

    static let formatName = "facekit-gallery"
    static let version = 1

    /// Writes every subject and face of `store` to `path`; returns (subjects, faces) written.
    @discardableResult
    public static func export(_ store: any GalleryStore, to path: String) throws(GalleryError) -> (subjects: Int, faces: Int) {
        guard FileManager.default.createFile(atPath: path, contents: nil), let output = FileHandle(forWritingAtPath: path) else {
            throw GalleryError(.unavailable, "cannot write \(path)")
        }
        defer { try? output.close() }
        var buffer = headerLine(store.model) + "\n"
        var subjects = 0, faces = 0
        func flush(force: Bool) throws(GalleryError) {
            guard force || buffer.utf8.count > 1 << 20 else { return }
            do { try output.write(contentsOf: Data(buffer.utf8)) } catch {
                throw GalleryError(.unavailable, "cannot write \(path): \(error.localizedDescription)", underlying: error)
            }
            buffer = ""
        }
        let pageSize = 500
        var offset = 0
        while true {
            let page = try store.subjects(offset: offset, limit: pageSize)
            for subject in page {
                buffer += #"{"subject":\#(quoted(subject.name)),"metadata":\#(subject.metadataJSON)}"# + "\n"
                subjects += 1
                for face in try store.faces(ofSubjectNamed: subject.name) {
                    buffer += faceLine(face) + "\n"
                    faces += 1
                    try flush(force: false)
                }
            }
            if page.count < pageSize { break }
            offset += pageSize
        }
        try flush(force: true)
        return (subjects, faces)
    }

    /// Adds the subjects and faces in the file at `path` to `store`. The file's model must be the
    /// store's. Subjects that exist already receive the file's faces. Faces are added in transactions
    /// of about a thousand; a malformed line stops the import with its line number, after the
    /// transactions before it.
    public static func importFile(_ path: String, into store: any GalleryStore) throws(GalleryError) -> ImportSummary {
        guard let reader = LineReader(path: path) else { throw GalleryError(.unavailable, "cannot read \(path)") }
        var summary = ImportSummary()
        // Subjects and faces are written in transactions of about a thousand faces; new subjects
        // without metadata are created inside them.
        var pending: [SubjectFaces] = []
        var pendingFaces = 0
        func flush() throws(GalleryError) {
            guard !pending.isEmpty else { return }
            summary.facesAdded += try store.addFaces(pending, createSubjects: true).reduce(0) { $0 + $1.count }
            pending.removeAll(keepingCapacity: true)
            pendingFaces = 0
        }
        var lineNumber = 0
        var sawHeader = false
        while let line = try reader.nextLine() {
            lineNumber += 1
            if line.allSatisfy(\.isWhitespace) { continue }
            let context = "\(path):\(lineNumber)"
            let object = try jsonObject(line, context: context)
            if !sawHeader {
                try checkHeader(object, model: store.model, context: context)
                sawHeader = true
            } else if let name = object["subject"] as? String {
                let metadata = try metadataText(object["metadata"], context: context)
                if pending.count >= 1000 { try flush() }
                let exists: Bool
                do {
                    _ = try store.subject(named: name)
                    exists = true
                } catch where error.code == .subjectNotFound {
                    exists = false
                }
                if exists {
                    summary.subjectsExtended += 1
                } else {
                    if let metadata, metadata != "{}" { _ = try store.createSubject(named: name, metadataJSON: metadata) }
                    summary.subjectsCreated += 1
                }
                pending.append(SubjectFaces(subjectName: name, faces: []))
            } else if let name = object["face"] as? String {
                guard name == pending.last?.subjectName else {
                    throw GalleryError(.corrupt, "\(context): a face of '\(name)' before that subject's line")
                }
                pending[pending.count - 1].faces.append(try face(from: object, model: store.model, context: context))
                pendingFaces += 1
                if pendingFaces >= 1000 {
                    try flush()
                    pending.append(SubjectFaces(subjectName: name, faces: []))  // the subject's remaining faces follow
                }
            } else {
                throw GalleryError(.corrupt, "\(context): a line must be a subject or a face")
            }
        }
        guard sawHeader else { throw GalleryError(.corrupt, "\(path) is empty, not a FaceKit gallery export") }
        try flush()
        return summary
    }

    private static func jsonObject(_ line: String, context: String) throws(GalleryError) -> [String: Any] {
        guard let parsed = try? JSONSerialization.jsonObject(with: Data(line.utf8)) else {
            throw GalleryError(.corrupt, "\(context): not valid JSON")
        }
        guard let object = parsed as? [String: Any] else { throw GalleryError(.corrupt, "\(context): expected a JSON object") }
        return object
    }

    // MARK: - Lines

    static func headerLine(_ model: GalleryModel) -> String {
        #"{"format":"\#(formatName)","version":\#(version),"model":\#(quoted(model.id)),"dimension":\#(model.dimension)}"#
    }

    static func faceLine(_ enrolled: EnrolledFace) -> String {
        let face = enrolled.face
        let descriptor = face.descriptor.values.map { "\($0)" }.joined(separator: ",")
        let landmarks = face.landmarks.points.map { "[\($0.x),\($0.y)]" }.joined(separator: ",")
        return #"{"face":\#(quoted(enrolled.subjectName)),"descriptor":[\#(descriptor)],"photo_sha256":\#(quoted(face.photoSHA256)),"#
            + #""box":[\#(face.box.x),\#(face.box.y),\#(face.box.width),\#(face.box.height)],"landmarks":[\#(landmarks)],"#
            + #""confidence":\#(face.confidence)}"#
    }

    static func quoted(_ text: String) -> String {
        let data = try! JSONSerialization.data(withJSONObject: text, options: [.fragmentsAllowed])
        return String(decoding: data, as: UTF8.self)
    }

    private static func checkHeader(_ object: [String: Any], model: GalleryModel, context: String) throws(GalleryError) {
        guard object["format"] as? String == formatName else {
            throw GalleryError(.corrupt, "\(context): not a FaceKit gallery export (the first line names no 'facekit-gallery' format)")
        }
        guard let version = object["version"] as? Int, version <= Self.version else {
            throw GalleryError(.unsupportedSchema, "\(context): export format version \(object["version"] ?? "?") is newer than this FaceKit reads (\(Self.version))")
        }
        guard object["model"] as? String == model.id, object["dimension"] as? Int == model.dimension else {
            throw GalleryError(.modelMismatch, "\(context): the export holds descriptors of \(object["model"] ?? "?"), the gallery is bound to \(model)")
        }
    }

    private static func metadataText(_ value: Any?, context: String) throws(GalleryError) -> String? {
        guard let value else { return nil }
        guard JSONSerialization.isValidJSONObject(value), value is [String: Any],
              let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys]) else {
            throw GalleryError(.corrupt, "\(context): metadata must be a JSON object")
        }
        return String(decoding: data, as: UTF8.self)
    }

    private static func face(from object: [String: Any], model: GalleryModel, context: String) throws(GalleryError) -> NewFace {
        guard let components = numbers(object["descriptor"]), components.count == model.dimension else {
            throw GalleryError(.corrupt, "\(context): a face needs a descriptor of \(model.dimension) numbers")
        }
        guard let box = numbers(object["box"]), box.count == 4 else { throw GalleryError(.corrupt, "\(context): a face needs a box [x, y, width, height]") }
        let pairs = (object["landmarks"] as? [Any] ?? []).map { numbers($0) }
        guard pairs.allSatisfy({ $0?.count == 2 }) else { throw GalleryError(.corrupt, "\(context): landmarks must be [x, y] pairs") }
        guard let confidence = (object["confidence"] as? NSNumber)?.floatValue else {
            throw GalleryError(.corrupt, "\(context): a face needs a confidence")
        }
        return NewFace(descriptor: Descriptor(components.map { Float($0) }), modelID: model.id,
                       photoSHA256: object["photo_sha256"] as? String ?? "",
                       box: BoundingBox(x: box[0], y: box[1], width: box[2], height: box[3]),
                       landmarks: FaceLandmarks(pairs.map { Point2D(x: $0![0], y: $0![1]) }), confidence: confidence)
    }

    private static func numbers(_ value: Any?) -> [Double]? {
        guard let array = value as? [Any] else { return nil }
        let numbers = array.compactMap { ($0 as? NSNumber)?.doubleValue }
        return numbers.count == array.count && numbers.allSatisfy(\.isFinite) ? numbers : nil
    }
}

/// Reads a file line by line without loading it whole.
final class LineReader {
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var start = 0
    private var atEnd = false

    init?(path: String) {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        self.handle = handle
    }

    deinit { try? handle.close() }

    func nextLine() throws(GalleryError) -> String? {
        while true {
            if let newline = buffer[start...].firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[start..<newline], as: UTF8.self)
                start = newline + 1
                return line
            }
            if atEnd {
                guard start < buffer.count else { return nil }
                let line = String(decoding: buffer[start...], as: UTF8.self)
                start = buffer.count
                return line
            }
            buffer.removeFirst(start)
            start = 0
            let chunk: Data?
            do { chunk = try handle.read(upToCount: 1 << 20) } catch {
                throw GalleryError(.unavailable, "cannot read the export: \(error.localizedDescription)", underlying: error)
            }
            if let chunk, !chunk.isEmpty { buffer.append(contentsOf: chunk) } else { atEnd = true }
        }
    }
}
