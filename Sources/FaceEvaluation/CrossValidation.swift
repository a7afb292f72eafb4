/// k-fold cross-validation of a distance threshold, as LFW's View 2 protocol prescribes: for each fold,
/// the threshold is chosen on the other folds (``ThresholdSelection``) and the fold is scored with it.
public struct CrossValidation: Sendable {
    /// One fold's outcome.
    public struct Fold: Hashable, Sendable {
        /// The fold's number, from 0.
        public let index: Int
        /// The threshold chosen on the other folds.
        public let maxEuclideanDistance: Float
        /// The fold's decisions at that threshold.
        public let confusion: ConfusionMatrix
        /// The share of the fold's pairs decided correctly.
        public var accuracy: Double { confusion.accuracy }
    }

    /// The folds, in order.
    public let folds: [Fold]

    /// Cross-validates `pairs`, each of which must carry a fold in `0..<foldCount`.
    public init(_ pairs: [ScoredPair], foldCount: Int) {
        precondition(foldCount >= 2, "cross-validation needs at least 2 folds, got \(foldCount)")
        var byFold = [[ScoredPair]](repeating: [], count: foldCount)
        for pair in pairs {
            guard let fold = pair.fold, fold >= 0, fold < foldCount else {
                preconditionFailure("pair fold \(pair.fold.map(String.init) ?? "nil") outside 0..<\(foldCount)")
            }
            byFold[fold].append(pair)
        }
        folds = (0..<foldCount).map { index in
            let training = byFold.enumerated().filter { $0.offset != index }.flatMap(\.element)
            let threshold = ThresholdSelection.bestAccuracy(training).maxEuclideanDistance
            return Fold(
                index: index, maxEuclideanDistance: threshold,
                confusion: ConfusionMatrix(byFold[index], maxEuclideanDistance: threshold))
        }
    }

    /// Assigns folds to a list without them: same-person and different-person pairs are dealt out in
    /// turn (pair k of each kind goes to fold k mod `foldCount`), so each fold keeps the list's balance.
    public static func stratified(_ pairs: [ScoredPair], foldCount: Int) -> [ScoredPair] {
        var seen = (same: 0, different: 0)
        return pairs.map { pair in
            let fold: Int
            if pair.isSamePerson {
                fold = seen.same % foldCount
                seen.same += 1
            } else {
                fold = seen.different % foldCount
                seen.different += 1
            }
            return ScoredPair(distance: pair.distance, isSamePerson: pair.isSamePerson, fold: fold)
        }
    }

    /// The mean of the fold accuracies.
    public var accuracyMean: Double {
        folds.isEmpty ? 0 : folds.map(\.accuracy).reduce(0, +) / Double(folds.count)
    }

    /// The standard deviation of the fold accuracies (over the folds, dividing by their number).
    public var accuracyStandardDeviation: Double {
        guard !folds.isEmpty else { return 0 }
        let mean = accuracyMean
        let variance = folds.map { ($0.accuracy - mean) * ($0.accuracy - mean) }.reduce(0, +) / Double(folds.count)
        return variance.squareRoot()
    }

    /// The mean of the thresholds chosen for the folds.
    public var meanMaxEuclideanDistance: Float {
        folds.isEmpty ? 0 : folds.map(\.maxEuclideanDistance).reduce(0, +) / Float(folds.count)
    }

    /// Every fold's decisions, each at its own threshold, added up.
    public var confusion: ConfusionMatrix { folds.map(\.confusion).reduce(ConfusionMatrix(), +) }
}
