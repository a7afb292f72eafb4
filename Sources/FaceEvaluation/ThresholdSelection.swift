import FaceCore

/// Chooses the Euclidean-distance threshold that labels a set of scored pairs best.
///
/// A pair is called "same person" when its distance is below the threshold. The candidates are the
/// midpoints between consecutive distinct distances (plus the smallest distance, which accepts
/// nothing, and just above the largest, which accepts everything); the one with the highest accuracy
/// wins, and of equally accurate ones the smallest, which accepts fewest strangers.
public enum ThresholdSelection {
    /// The threshold with the highest accuracy on `pairs`, and that accuracy.
    public static func bestAccuracy(_ pairs: [ScoredPair]) -> (maxEuclideanDistance: Float, accuracy: Double) {
        guard !pairs.isEmpty else { return (Descriptor.sameIdentityMaxEuclideanDistance, 0) }
        let sorted = pairs.sorted { $0.distance < $1.distance }
        // Start below every distance: every different-person pair is correct, no same-person pair is.
        var correct = sorted.lazy.filter { !$0.isSamePerson }.count
        var best = (threshold: sorted[0].distance, correct: correct)
        var index = 0
        while index < sorted.count {
            let distance = sorted[index].distance
            while index < sorted.count, sorted[index].distance == distance {
                correct += sorted[index].isSamePerson ? 1 : -1
                index += 1
            }
            if correct > best.correct {
                let threshold = index < sorted.count ? (distance + sorted[index].distance) / 2 : distance.nextUp
                best = (threshold, correct)
            }
        }
        return (best.threshold, Double(best.correct) / Double(sorted.count))
    }

    /// The share of `pairs` labelled correctly by `maxEuclideanDistance`.
    public static func accuracy(_ pairs: [ScoredPair], maxEuclideanDistance: Float) -> Double {
        ConfusionMatrix(pairs, maxEuclideanDistance: maxEuclideanDistance).accuracy
    }
}
