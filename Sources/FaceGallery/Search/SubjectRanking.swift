/// Turns a list of nearest faces into nearest subjects: each subject is scored by its closest face.
public enum SubjectRanking {
    /// The first `count` distinct subjects of `faces` (which must be sorted nearest first), each with
    /// its closest face.
    public static func closestSubjects(_ faces: [FaceMatch], count: Int) -> [FaceMatch] {
        var seen = Set<Int64>()
        var subjects: [FaceMatch] = []
        for face in faces where subjects.count < count && seen.insert(face.subjectID).inserted {
            subjects.append(face)
        }
        return subjects
    }

    /// How many faces to fetch for `count` subjects on a first try: a person usually has a few
    /// faces enrolled, so a small multiple finds enough distinct subjects in almost every query.
    public static func initialFaceFetch(forSubjects count: Int) -> Int { max(4 * count, count + 16) }

    /// Finds up to `count` nearest subjects by fetching nearest faces, widening the fetch until enough
    /// distinct subjects appear or every face has been seen. `fetch(n)` returns the `n` nearest faces,
    /// nearest first; `totalFaces` bounds the widening.
    public static func nearestSubjects<E: Error>(count: Int, totalFaces: Int,
                                                 fetch: (Int) throws(E) -> [FaceMatch]) throws(E) -> [FaceMatch] {
        guard count > 0, totalFaces > 0 else { return [] }
        var fetchCount = min(initialFaceFetch(forSubjects: count), totalFaces)
        while true {
            let faces = try fetch(fetchCount)
            let subjects = closestSubjects(faces, count: count)
            if subjects.count >= count || fetchCount >= totalFaces || faces.count < fetchCount { return subjects }
            fetchCount = min(fetchCount * 4, totalFaces)
        }
    }
}
