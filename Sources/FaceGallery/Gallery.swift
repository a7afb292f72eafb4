import FaceCore

/// 1:N identification and enrolment rules over any ``GalleryStore``.
///
/// The store keeps subjects and faces; the gallery decides what a query means: the top-K subjects for
/// each face (each subject scored by its closest enrolled face) and whether even the best is too far
/// to be anyone known.
public struct Gallery: Sendable {
    /// Where subjects and faces live.
    public let store: any GalleryStore

    /// Wraps a store.
    public init(store: any GalleryStore) {
        self.store = store
    }

    /// Who each query face may be.
    ///
    /// - Parameters:
    ///   - descriptors: one descriptor per face in the query photo(s).
    ///   - top: how many candidate subjects to return per face (at least 1).
    ///   - maxEuclideanDistance: a face whose best candidate is farther than this is `unknown`; the
    ///     candidates are still returned so a caller can see how close the gallery came.
    public func identify(_ descriptors: [Descriptor], top: Int,
                         maxEuclideanDistance: Float = Descriptor.sameIdentityMaxEuclideanDistance) throws(GalleryError) -> [Identification] {
        guard top > 0 else { throw GalleryError(.invalidArgument, "top must be at least 1, got \(top)") }
        guard maxEuclideanDistance > 0, maxEuclideanDistance.isFinite else {
            throw GalleryError(.invalidArgument, "the distance threshold must be a positive number, got \(maxEuclideanDistance)")
        }
        guard !descriptors.isEmpty else { return [] }
        return try store.nearestSubjects(to: descriptors, count: top).map {
            Identification(candidates: $0, maxEuclideanDistance: maxEuclideanDistance)
        }
    }

    /// Enrols one photo's face for a subject.
    ///
    /// `faces` are the faces found in the photo, largest first. A photo without a face is refused
    /// (`.noFace`); one with several is refused (`.multipleFaces`) unless `allowSeveralFaces`, in which
    /// case the largest is enrolled. The subject is created when missing and `createSubject` is set.
    public func enroll(photoFaces faces: [NewFace], subject name: String, createSubject: Bool = true,
                       allowSeveralFaces: Bool = false) throws(GalleryError) -> EnrolledFace {
        guard let largest = faces.first else { throw GalleryError(.noFace, "no face found in the photo") }
        guard faces.count == 1 || allowSeveralFaces else {
            throw GalleryError(.multipleFaces, "the photo shows \(faces.count) faces; enrol a photo of one person, or allow several to take the largest")
        }
        return try store.addFaces([largest], toSubjectNamed: name, createSubject: createSubject)[0]
    }
}

/// The answer for one query face.
public struct Identification: Sendable {
    /// The nearest subjects, nearest first.
    public let candidates: [SubjectMatch]
    /// The threshold the verdict used.
    public let maxEuclideanDistance: Float

    /// Creates an answer.
    public init(candidates: [SubjectMatch], maxEuclideanDistance: Float) {
        self.candidates = candidates
        self.maxEuclideanDistance = maxEuclideanDistance
    }

    /// True when no candidate is within the threshold (including an empty gallery).
    public var isUnknown: Bool { (candidates.first?.euclideanDistance ?? .infinity) > maxEuclideanDistance }

    /// The best candidate when it is within the threshold.
    public var identified: SubjectMatch? { isUnknown ? nil : candidates.first }
}
