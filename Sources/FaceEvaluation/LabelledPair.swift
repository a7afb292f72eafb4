/// Two photos and whether they show the same person.
public struct LabelledPair: Hashable, Sendable {
    /// Path of the first photo.
    public let first: String
    /// Path of the second photo.
    public let second: String
    /// Whether the two photos show the same person.
    public let isSamePerson: Bool
    /// The cross-validation fold the pair belongs to (LFW's View 2 has ten); `nil` when the list has no folds.
    public let fold: Int?

    /// Creates a labelled pair.
    public init(first: String, second: String, isSamePerson: Bool, fold: Int? = nil) {
        self.first = first
        self.second = second
        self.isSamePerson = isSamePerson
        self.fold = fold
    }
}

/// A pair's Euclidean descriptor distance and its label: all that the protocol arithmetic needs.
public struct ScoredPair: Hashable, Sendable {
    /// The Euclidean distance between the two photos' descriptors.
    public let distance: Float
    /// Whether the two photos show the same person.
    public let isSamePerson: Bool
    /// The pair's fold, if the list has folds.
    public let fold: Int?

    /// Creates a scored pair.
    public init(distance: Float, isSamePerson: Bool, fold: Int? = nil) {
        self.distance = distance
        self.isSamePerson = isSamePerson
        self.fold = fold
    }
}
