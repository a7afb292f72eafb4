import FaceEvaluation
import Testing

/// The protocol's arithmetic against values worked out by hand on small distance lists.
@Suite struct ProtocolArithmeticTests {
    static func pairs(same: [Float], different: [Float]) -> [ScoredPair] {
        same.map { ScoredPair(distance: $0, isSamePerson: true) }
            + different.map { ScoredPair(distance: $0, isSamePerson: false) }
    }

    /// Sorted: 0.1 S, 0.2 D, 0.3 S, 0.5 S, 0.6 D, 0.7 D, 0.8 D.
    static let seven = pairs(same: [0.3, 0.1, 0.5], different: [0.8, 0.2, 0.7, 0.6])

    // MARK: - Threshold choice

    /// Candidate accuracies: below 0.1 → 4/7, 0.15 → 5/7, 0.25 → 4/7, 0.4 → 5/7, 0.55 → 6/7, 0.65 → 5/7…
    @Test func bestThresholdIsTheMidpointWithTheBestAccuracy() {
        let best = ThresholdSelection.bestAccuracy(Self.seven)
        #expect(abs(best.maxEuclideanDistance - 0.55) < 1e-6)
        #expect(abs(best.accuracy - 6.0 / 7) < 1e-12)
    }

    /// Ties go to the smallest threshold: 0.15 and 0.4 both reach 3/4 here (0.35 D sits between).
    @Test func equallyGoodThresholdsPickTheSmallest() {
        let best = ThresholdSelection.bestAccuracy(Self.pairs(same: [0.1, 0.3], different: [0.2, 0.35]))
        #expect(abs(best.maxEuclideanDistance - 0.15) < 1e-6)
        #expect(best.accuracy == 0.75)
    }

    @Test func separablePairsReachFullAccuracy() {
        let best = ThresholdSelection.bestAccuracy(Self.pairs(same: [0.2, 0.3], different: [0.7, 0.9]))
        #expect(abs(best.maxEuclideanDistance - 0.5) < 1e-6)
        #expect(best.accuracy == 1)
    }

    // MARK: - ROC

    /// Of the 12 (same, different) combinations, 10 have the same pair closer: AUC 10/12.
    @Test func areaUnderCurveCountsOrderedCombinations() {
        let roc = ROCCurve(Self.seven)
        #expect(abs(roc.areaUnderCurve - 10.0 / 12) < 1e-12)
        #expect(roc.samePersonCount == 3 && roc.differentPersonCount == 4)
        #expect(roc.points.first?.falseAcceptRate == 0 && roc.points.first?.trueAcceptRate == 0)
        #expect(roc.points.last?.falseAcceptRate == 1 && roc.points.last?.trueAcceptRate == 1)
        #expect(roc.points.count == 8)
    }

    /// FAR − FRR goes from −1/12 at (FAR 1/4, TAR 2/3) to +1/4 at (1/4, 1): crossing a quarter of the way,
    /// where FAR = FRR = 1/4.
    @Test func equalErrorRateIsInterpolated() {
        #expect(abs(ROCCurve(Self.seven).equalErrorRate - 0.25) < 1e-12)
    }

    @Test(arguments: [(0.0, 1.0 / 3), (0.2, 1.0 / 3), (0.25, 1.0), (1e-3, 1.0 / 3), (1.0, 1.0)])
    func trueAcceptRateAtFalseAcceptRate(far: Double, expected: Double) {
        #expect(abs(ROCCurve(Self.seven).trueAcceptRate(atFalseAcceptRate: far) - expected) < 1e-12)
    }

    /// A same and a different pair at one distance: a diagonal step, half the area.
    @Test func tiesCountHalf() {
        let roc = ROCCurve(Self.pairs(same: [0.5], different: [0.5]))
        #expect(roc.areaUnderCurve == 0.5)
        #expect(roc.points.count == 2)
    }

    // MARK: - Folds

    /// Fold 0: S 0.2, D 0.8 · fold 1: S 0.4, D 0.5 · fold 2: S 0.3, D 0.35.
    /// Fold 0 trains on 0.3 S, 0.35 D, 0.4 S, 0.5 D → 0.325 (3/4), and scores 2/2.
    /// Fold 1 trains on 0.2 S, 0.3 S, 0.35 D, 0.8 D → 0.325 (4/4); its S 0.4 is rejected: 1/2.
    /// Fold 2 trains on 0.2 S, 0.4 S, 0.5 D, 0.8 D → 0.45 (4/4); its D 0.35 is accepted: 1/2.
    @Test func crossValidationChoosesEachThresholdOnTheOtherFolds() {
        let pairs = [
            ScoredPair(distance: 0.2, isSamePerson: true, fold: 0),
            ScoredPair(distance: 0.8, isSamePerson: false, fold: 0),
            ScoredPair(distance: 0.4, isSamePerson: true, fold: 1),
            ScoredPair(distance: 0.5, isSamePerson: false, fold: 1),
            ScoredPair(distance: 0.3, isSamePerson: true, fold: 2),
            ScoredPair(distance: 0.35, isSamePerson: false, fold: 2),
        ]
        let validation = CrossValidation(pairs, foldCount: 3)
        #expect(validation.folds.map(\.index) == [0, 1, 2])
        for (fold, threshold) in zip(validation.folds, [Float(0.325), 0.325, 0.45]) {
            #expect(
                abs(fold.maxEuclideanDistance - threshold) < 1e-6, "fold \(fold.index): \(fold.maxEuclideanDistance)")
        }
        #expect(validation.folds.map(\.accuracy) == [1, 0.5, 0.5])
        #expect(abs(validation.accuracyMean - 2.0 / 3) < 1e-12)
        // Deviations 1/3, −1/6, −1/6: variance (1/9 + 1/36 + 1/36) / 3 = 1/18.
        #expect(abs(validation.accuracyStandardDeviation - (1.0 / 18).squareRoot()) < 1e-12)
        #expect(abs(validation.meanMaxEuclideanDistance - 1.1 / 3) < 1e-6)
        #expect(
            validation.confusion
                == ConfusionMatrix(truePositives: 2, falseNegatives: 1, falsePositives: 1, trueNegatives: 2))

        let evaluation = PairEvaluation(crossValidating: pairs, foldCount: 3)
        #expect(evaluation.accuracy == validation.accuracyMean)
        #expect(evaluation.threshold == validation.meanMaxEuclideanDistance)
    }

    @Test func stratifiedFoldsDealEachKindInTurn() {
        let pairs = Self.pairs(same: [0.1, 0.2, 0.3], different: [0.6, 0.7, 0.8, 0.9])
        let folded = CrossValidation.stratified(pairs, foldCount: 2)
        #expect(folded.map(\.fold) == [0, 1, 0, 0, 1, 0, 1])
        #expect(folded.map(\.distance) == pairs.map(\.distance))
    }

    // MARK: - Confusion matrix

    @Test func confusionMatrixRates() {
        let matrix = ConfusionMatrix(Self.seven, maxEuclideanDistance: 0.55)
        #expect(matrix == ConfusionMatrix(truePositives: 3, falseNegatives: 0, falsePositives: 1, trueNegatives: 3))
        #expect(matrix.precision == 0.75)
        #expect(matrix.recall == 1)
        #expect(abs(matrix.f1 - 6.0 / 7) < 1e-12)
        #expect(abs(matrix.accuracy - 6.0 / 7) < 1e-12)
        #expect(matrix.falseAcceptRate == 0.25)
        let none = ConfusionMatrix(Self.seven, maxEuclideanDistance: 0.05)
        #expect(none.precision == 0 && none.recall == 0 && none.f1 == 0)
    }

    // MARK: - Calibration

    /// Different: 0.5 0.6 0.7 0.8 0.9; same: 0.3 0.55 0.65.
    @Test func calibrationAllowsFloorOfRateTimesPairs() throws {
        let pairs = Self.pairs(same: [0.3, 0.55, 0.65], different: [0.9, 0.5, 0.7, 0.6, 0.8])
        let fifth = try #require(FARCalibration(pairs, targetFalseAcceptRate: 0.2))
        #expect(fifth.maxEuclideanDistance == 0.6)  // ⌊0.2·5⌋ = 1 accepted: only 0.5
        #expect(fifth.falseAccepts == 1 && fifth.measuredFalseAcceptRate == 0.2)
        #expect(abs(fifth.trueAcceptRate - 2.0 / 3) < 1e-12)
        #expect(fifth.differentPersonCount == 5 && fifth.samePersonCount == 3)
        #expect(fifth.differentPairsNeeded == 15 && !fifth.isSupported)

        let tenth = try #require(FARCalibration(pairs, targetFalseAcceptRate: 0.1))
        #expect(tenth.maxEuclideanDistance == 0.5)  // ⌊0.1·5⌋ = 0: nothing accepted
        #expect(tenth.falseAccepts == 0)
        #expect(abs(tenth.trueAcceptRate - 1.0 / 3) < 1e-12)
        #expect(abs(tenth.ruleOfThreeBound - 0.6) < 1e-12)

        #expect(FARCalibration(Self.pairs(same: [0.1], different: []), targetFalseAcceptRate: 0.1) == nil)
    }

    @Test func calibrationIsSupportedWithEnoughPairs() throws {
        let different = (0..<3000).map { Float(0.6) + Float($0) / 10000 }
        let calibration = try #require(
            FARCalibration(Self.pairs(same: [0.2], different: different), targetFalseAcceptRate: 1e-3))
        #expect(calibration.differentPairsNeeded == 3000 && calibration.isSupported)
        #expect(calibration.falseAccepts == 3)
        #expect(calibration.maxEuclideanDistance == different[3])
    }
}
