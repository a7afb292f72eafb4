/// How a threshold's decisions fall against the labels: "positive" means "same person".
public struct ConfusionMatrix: Hashable, Sendable {
    /// Same-person pairs accepted as the same person.
    public var truePositives: Int
    /// Same-person pairs rejected (false rejects).
    public var falseNegatives: Int
    /// Different-person pairs accepted as the same person (false accepts).
    public var falsePositives: Int
    /// Different-person pairs rejected.
    public var trueNegatives: Int

    /// Creates a matrix from its four counts.
    public init(truePositives: Int = 0, falseNegatives: Int = 0, falsePositives: Int = 0, trueNegatives: Int = 0) {
        self.truePositives = truePositives
        self.falseNegatives = falseNegatives
        self.falsePositives = falsePositives
        self.trueNegatives = trueNegatives
    }

    /// Counts the decisions "same person when the distance is below `maxEuclideanDistance`" on `pairs`.
    public init(_ pairs: some Sequence<ScoredPair>, maxEuclideanDistance: Float) {
        self.init()
        for pair in pairs {
            let accepted = pair.distance < maxEuclideanDistance
            switch (pair.isSamePerson, accepted) {
            case (true, true): truePositives += 1
            case (true, false): falseNegatives += 1
            case (false, true): falsePositives += 1
            case (false, false): trueNegatives += 1
            }
        }
    }

    /// Every pair counted.
    public var total: Int { truePositives + falseNegatives + falsePositives + trueNegatives }
    /// The share of pairs decided correctly.
    public var accuracy: Double { ratio(truePositives + trueNegatives, total) }
    /// Of the pairs accepted, the share that are the same person.
    public var precision: Double { ratio(truePositives, truePositives + falsePositives) }
    /// Of the same-person pairs, the share accepted (the true accept rate).
    public var recall: Double { ratio(truePositives, truePositives + falseNegatives) }
    /// The harmonic mean of precision and recall.
    public var f1: Double {
        precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0
    }
    /// Of the different-person pairs, the share accepted.
    public var falseAcceptRate: Double { ratio(falsePositives, falsePositives + trueNegatives) }

    /// Adds another matrix's counts (to total the folds of a cross-validation).
    public static func + (lhs: ConfusionMatrix, rhs: ConfusionMatrix) -> ConfusionMatrix {
        ConfusionMatrix(
            truePositives: lhs.truePositives + rhs.truePositives,
            falseNegatives: lhs.falseNegatives + rhs.falseNegatives,
            falsePositives: lhs.falsePositives + rhs.falsePositives,
            trueNegatives: lhs.trueNegatives + rhs.trueNegatives)
    }

    private func ratio(_ part: Int, _ whole: Int) -> Double { whole > 0 ? Double(part) / Double(whole) : 0 }
}
