import FaceCore
import FaceGallery
import FacePipeline
import Foundation

/// How faces, subjects and stored faces appear in replies.
enum ResponseJSON {
    static func box(_ box: BoundingBox) -> JSONValue {
        .object([
            ("x", .number(box.x)), ("y", .number(box.y)), ("width", .number(box.width)),
            ("height", .number(box.height)),
        ])
    }

    /// `{"box", "confidence", "landmarks"}`, plus `"descriptor"` when asked.
    static func face(_ face: FoundFace, includeDescriptor: Bool = false) -> JSONValue {
        .object(faceMembers(face, includeDescriptor: includeDescriptor))
    }

    static func faceMembers(_ face: FoundFace, includeDescriptor: Bool = false) -> [(String, JSONValue)] {
        var members: [(String, JSONValue)] = [
            ("box", box(face.box)), ("confidence", .float(face.confidence)),
            ("landmarks", .array(face.landmarks.points.map { .array([.number($0.x), .number($0.y)]) })),
        ]
        if includeDescriptor, let descriptor = face.descriptor {
            members.append(("descriptor", .array(descriptor.values.map(JSONValue.float))))
        }
        return members
    }

    static func subject(_ subject: Subject) -> JSONValue {
        .object([
            ("name", .string(subject.name)), ("metadata", .raw(subject.metadataJSON)),
            ("faces", .integer(subject.faceCount)),
            ("created", .string(timestamp(subject.createdAt))), ("updated", .string(timestamp(subject.updatedAt))),
        ])
    }

    static func enrolledFace(_ face: EnrolledFace) -> JSONValue {
        .object([
            ("id", .integer(Int(face.id))), ("box", box(face.face.box)), ("confidence", .float(face.face.confidence)),
            ("photo_sha256", .string(face.face.photoSHA256)), ("created", .string(timestamp(face.createdAt))),
        ])
    }

    static func timestamp(_ date: Date) -> String {
        ISO8601DateFormatter().string(from: date)
    }
}
