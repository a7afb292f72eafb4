/// The threshold to use for a target false accept rate, estimated on the user's own labelled pairs.
///
/// With `N` different-person pairs, a target FAR `f` allows `k = ⌊f·N⌋` of them to be accepted: the
/// threshold is the (k+1)-th smallest different-person distance (pairs strictly closer are accepted),
/// so exactly `k` are. The estimate rests on `N`: a FAR below `1/N` cannot be observed at all, and
/// with no false accept in `N` pairs the true rate is only known to be under about `3/N` at 95%
/// confidence (the "rule of three"), so ``isSupported`` asks for `N ≥ 3/f`.
public struct FARCalibration: Sendable {
    /// The false accept rate asked for.
    public let targetFalseAcceptRate: Double
    /// The recommended threshold: pairs closer than this are the same person.
    public let maxEuclideanDistance: Float
    /// How many different-person pairs the estimate rests on.
    public let differentPersonCount: Int
    /// How many same-person pairs the true accept rate rests on.
    public let samePersonCount: Int
    /// Different-person pairs accepted at the threshold.
    public let falseAccepts: Int
    /// The false accept rate measured at the threshold on these pairs.
    public let measuredFalseAcceptRate: Double
    /// The share of same-person pairs accepted at the threshold.
    public let trueAcceptRate: Double

    /// Calibrates on `pairs`; returns `nil` when there is no different-person pair.
    public init?(_ pairs: [ScoredPair], targetFalseAcceptRate: Double) {
        let different = pairs.filter { !$0.isSamePerson }.map(\.distance).sorted()
        guard !different.isEmpty else { return nil }
        let allowed = Int((targetFalseAcceptRate * Double(different.count)).rounded(.down))
        let threshold = allowed < different.count ? different[allowed] : different[different.count - 1].nextUp
        let matrix = ConfusionMatrix(pairs, maxEuclideanDistance: threshold)
        self.targetFalseAcceptRate = targetFalseAcceptRate
        maxEuclideanDistance = threshold
        differentPersonCount = different.count
        samePersonCount = matrix.truePositives + matrix.falseNegatives
        falseAccepts = matrix.falsePositives
        measuredFalseAcceptRate = matrix.falseAcceptRate
        trueAcceptRate = matrix.recall
    }

    /// Different-person pairs needed for the target to be measured (`3/f`, the rule of three).
    public var differentPairsNeeded: Int { Int((3 / targetFalseAcceptRate).rounded(.up)) }

    /// Whether there are enough different-person pairs for the target to rest on.
    public var isSupported: Bool { differentPersonCount >= differentPairsNeeded }

    /// The 95% upper bound on the real false accept rate when no pair was falsely accepted (`3/N`).
    public var ruleOfThreeBound: Double { 3 / Double(differentPersonCount) }
}
