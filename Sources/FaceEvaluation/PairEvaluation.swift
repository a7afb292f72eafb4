/// The accuracy figures of a set of scored pairs: ROC AUC, EER, TAR at fixed FARs and, at the operating
/// threshold, the confusion matrix with precision, recall and F1.
///
/// With folds (LFW's protocol) the threshold comes from cross-validation: each fold is scored at the
/// threshold chosen on the others, ``threshold`` is their mean and ``confusion`` adds up the folds'
/// own decisions. Without folds the pairs are scored at a given threshold (dlib's 0.6 by default).
public struct PairEvaluation: Sendable {
    /// The scored pairs.
    public let pairs: [ScoredPair]
    /// The ROC curve of all pairs.
    public let roc: ROCCurve
    /// The cross-validation, when the pairs have folds.
    public let crossValidation: CrossValidation?
    /// The operating threshold: the mean fold threshold, or the one given.
    public let threshold: Float
    /// The decisions at the operating threshold (per fold threshold with cross-validation).
    public let confusion: ConfusionMatrix
    /// The threshold with the best accuracy on all pairs at once, and that accuracy: optimistic, since
    /// it is chosen on the pairs it is scored on.
    public let bestThreshold: (maxEuclideanDistance: Float, accuracy: Double)

    /// Evaluates `pairs` by cross-validation over their `foldCount` folds.
    public init(crossValidating pairs: [ScoredPair], foldCount: Int) {
        let validation = CrossValidation(pairs, foldCount: foldCount)
        self.pairs = pairs
        roc = ROCCurve(pairs)
        crossValidation = validation
        threshold = validation.meanMaxEuclideanDistance
        confusion = validation.confusion
        bestThreshold = ThresholdSelection.bestAccuracy(pairs)
    }

    /// Evaluates `pairs` at a fixed `maxEuclideanDistance`.
    public init(_ pairs: [ScoredPair], maxEuclideanDistance: Float) {
        self.pairs = pairs
        roc = ROCCurve(pairs)
        crossValidation = nil
        threshold = maxEuclideanDistance
        confusion = ConfusionMatrix(pairs, maxEuclideanDistance: maxEuclideanDistance)
        bestThreshold = ThresholdSelection.bestAccuracy(pairs)
    }

    /// The headline accuracy: the mean over folds, or the accuracy at the fixed threshold.
    public var accuracy: Double { crossValidation?.accuracyMean ?? confusion.accuracy }
    /// The standard deviation over folds (0 without folds).
    public var accuracyStandardDeviation: Double { crossValidation?.accuracyStandardDeviation ?? 0 }
    /// The ROC area under the curve.
    public var areaUnderCurve: Double { roc.areaUnderCurve }
    /// The equal error rate.
    public var equalErrorRate: Double { roc.equalErrorRate }
    /// TAR at a false accept rate of 1e-3.
    public var trueAcceptRateAtFAR1e3: Double { roc.trueAcceptRate(atFalseAcceptRate: 1e-3) }
    /// TAR at a false accept rate of 1e-2.
    public var trueAcceptRateAtFAR1e2: Double { roc.trueAcceptRate(atFalseAcceptRate: 1e-2) }
}
