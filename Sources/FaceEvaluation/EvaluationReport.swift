import FaceCore
import Foundation

/// An evaluation's results as a person reads them (terminal summary, `report.md`), as a program reads
/// them (`report.json`), and as plots (`roc.svg`, `distances.svg`).
public struct EvaluationReport: Sendable {
    /// What the photos went through and how long it took.
    public struct RunFacts: Sendable {
        /// Distinct photos.
        public var photoCount: Int
        /// Photos answered from the descriptor cache.
        public var cacheHits: Int
        /// Seconds spent describing photos.
        public var seconds: Double
        /// Photos in which the detector found no face.
        public var noFace: Int
        /// Photos described from the centred fallback box.
        public var fallback: Int
        /// Photos with more than one face (the one nearest the centre was used).
        public var multipleFaces: Int

        /// Creates run facts.
        public init(photoCount: Int, cacheHits: Int, seconds: Double, noFace: Int, fallback: Int, multipleFaces: Int) {
            self.photoCount = photoCount
            self.cacheHits = cacheHits
            self.seconds = seconds
            self.noFace = noFace
            self.fallback = fallback
            self.multipleFaces = multipleFaces
        }

        /// The facts of a finished run.
        public init(_ run: EvaluationRun) {
            let counts = run.faceCounts
            self.init(
                photoCount: run.photoCount, cacheHits: run.cacheHits, seconds: run.seconds,
                noFace: counts.noFace, fallback: counts.fallback, multipleFaces: counts.multipleFaces)
        }
    }

    /// The report's title, e.g. "LFW View 2".
    public var title: String
    /// Where the pairs came from.
    public var pairSource: String
    /// How faces were chosen.
    public var choice: FaceChoice
    /// Whether the headline figures use mirror-averaged descriptors.
    public var flip: Bool
    /// The headline figures.
    public var evaluation: PairEvaluation
    /// With `flip`, the same pairs without mirroring, to show the gain.
    public var withoutFlip: PairEvaluation?
    /// What the photos went through.
    public var run: RunFacts

    /// Creates a report.
    public init(
        title: String, pairSource: String, choice: FaceChoice, flip: Bool, evaluation: PairEvaluation,
        withoutFlip: PairEvaluation? = nil, run: RunFacts
    ) {
        self.title = title
        self.pairSource = pairSource
        self.choice = choice
        self.flip = flip
        self.evaluation = evaluation
        self.withoutFlip = withoutFlip
        self.run = run
    }

    /// The file names ``write(to:)`` creates.
    public static let fileNames = (
        markdown: "report.md", json: "report.json", roc: "roc.svg", histograms: "distances.svg"
    )

    // MARK: - JSON

    /// One JSON object with the figures; `indented` spreads it over lines for a file.
    public func json(indented: Bool = false) -> String {
        var members = Self.metrics(evaluation)
        members.append(("no_face", .integer(run.noFace)))
        members.append(("fallback", .integer(run.fallback)))
        members.append(("multi_face", .integer(run.multipleFaces)))
        members.append(
            ("protocol", .string(evaluation.crossValidation == nil ? "fixed_threshold" : "cross_validation")))
        members.append(("pairs", .integer(evaluation.pairs.count)))
        members.append(("same_pairs", .integer(evaluation.roc.samePersonCount)))
        members.append(("different_pairs", .integer(evaluation.roc.differentPersonCount)))
        members.append(("photos", .integer(run.photoCount)))
        members.append(("cache_hits", .integer(run.cacheHits)))
        members.append(("seconds", .number(run.seconds)))
        members.append(("upsample", .integer(choice.upsample)))
        members.append(("flip", .bool(flip)))
        if let withoutFlip {
            members.append(("without_flip", .object(Self.metrics(withoutFlip).filter { $0.0 != "folds" })))
        }
        return JSONValue.object(members).rendered(indented ? .indented("  ") : .spaced)
    }

    private static func metrics(_ evaluation: PairEvaluation) -> [(String, JSONValue)] {
        let confusion = evaluation.confusion
        let folds: [JSONValue] =
            evaluation.crossValidation?.folds.map { fold in
                .object([
                    ("fold", .integer(fold.index + 1)), ("threshold", JSONValue.float(fold.maxEuclideanDistance)),
                    ("accuracy", .number(fold.accuracy)), ("pairs", .integer(fold.confusion.total)),
                ])
            } ?? []
        return [
            ("accuracy_mean", .number(evaluation.accuracy)),
            ("accuracy_std", .number(evaluation.accuracyStandardDeviation)),
            ("auc", .number(evaluation.areaUnderCurve)),
            ("eer", .number(evaluation.equalErrorRate)),
            ("tar_at_far_1e-3", .number(evaluation.trueAcceptRateAtFAR1e3)),
            ("tar_at_far_1e-2", .number(evaluation.trueAcceptRateAtFAR1e2)),
            ("threshold", JSONValue.float(evaluation.threshold)),
            (
                "confusion_matrix",
                .object([
                    ("true_positives", .integer(confusion.truePositives)),
                    ("false_negatives", .integer(confusion.falseNegatives)),
                    ("false_positives", .integer(confusion.falsePositives)),
                    ("true_negatives", .integer(confusion.trueNegatives)),
                ])
            ),
            ("precision", .number(confusion.precision)),
            ("recall", .number(confusion.recall)),
            ("f1", .number(confusion.f1)),
            ("best_threshold", JSONValue.float(evaluation.bestThreshold.maxEuclideanDistance)),
            ("best_accuracy", .number(evaluation.bestThreshold.accuracy)),
            ("folds", .array(folds)),
        ]
    }

    // MARK: - Text

    /// The terminal summary.
    public func summary() -> String {
        let counts = "\(evaluation.roc.samePersonCount) same, \(evaluation.roc.differentPersonCount) different"
        var lines = ["\(title): \(evaluation.pairs.count) pairs (\(counts)), \(run.photoCount) photos"]
        lines.append(contentsOf: figureLines(evaluation, label: flip ? "with flip" : nil))
        if let withoutFlip {
            lines.append(contentsOf: figureLines(withoutFlip, label: "without flip"))
            let accuracyGain = Self.signed((evaluation.accuracy - withoutFlip.accuracy) * 100)
            let aucGain = Self.signed((evaluation.areaUnderCurve - withoutFlip.areaUnderCurve) * 100)
            lines.append("  flip changes accuracy by \(accuracyGain) points and AUC by \(aucGain) points")
        }
        if let validation = evaluation.crossValidation {
            let folds = validation.folds.map { "\($0.index + 1): \(Self.percent($0.accuracy))" }
            lines.append("  folds: " + folds.joined(separator: "  "))
        }
        lines.append("  faces: \(facesSentence())")
        lines.append("  photos: \(photosSentence()), \(run.cacheHits) from the cache")
        return lines.joined(separator: "\n")
    }

    private func photosSentence() -> String {
        let rate = run.seconds > 0 ? Double(run.photoCount) / run.seconds : 0
        return "\(run.photoCount) in \(Self.fixed(run.seconds, 1)) s (\(Self.fixed(rate, 1)) photos/s)"
    }

    private func figureLines(_ evaluation: PairEvaluation, label: String?) -> [String] {
        let heading = label.map { " (\($0))" } ?? ""
        let threshold = Self.fixed(Double(evaluation.threshold), 4)
        var accuracy = "accuracy \(Self.percent(evaluation.accuracy))"
        if let validation = evaluation.crossValidation {
            accuracy += " ± \(Self.percent(evaluation.accuracyStandardDeviation)) over \(validation.folds.count) folds"
            accuracy += " (mean threshold \(threshold))"
        } else {
            accuracy += " at threshold \(threshold)"
        }
        let rates =
            "AUC \(Self.fixed(evaluation.areaUnderCurve, 5)), EER \(Self.percent(evaluation.equalErrorRate)), "
            + "TAR \(Self.percent(evaluation.trueAcceptRateAtFAR1e3)) at FAR 1e-3, "
            + "\(Self.percent(evaluation.trueAcceptRateAtFAR1e2)) at FAR 1e-2"
        let matrix = evaluation.confusion
        let decisions =
            "confusion: \(matrix.truePositives) same accepted, \(matrix.falseNegatives) same rejected, "
            + "\(matrix.falsePositives) different accepted, \(matrix.trueNegatives) different rejected; "
            + "precision \(Self.fixed(matrix.precision, 4)), recall \(Self.fixed(matrix.recall, 4)), "
            + "F1 \(Self.fixed(matrix.f1, 4))"
        return ["  \(accuracy)\(heading)", "    " + rates, "    " + decisions]
    }

    private func facesSentence() -> String {
        let side = Int(FaceChoice.fallbackSideFraction * 100)
        let fallbackNote =
            choice.fallsBackToCentre
            ? "described from the centred fallback box (side \(side)% of the shorter side)"
            : "left without a descriptor (their pairs are rejected)"
        return "\(run.noFace) photos had no detected face, \(run.fallback) of them \(fallbackNote); "
            + "\(run.multipleFaces) had several faces (the one nearest the centre was used)"
    }

    // MARK: - Markdown

    /// `report.md`: the figures, the per-fold table, the confusion matrix, face handling and the plots.
    public func markdown() -> String {
        var text = "# \(title)\n\n"
        let counts = "\(evaluation.roc.samePersonCount) same person, \(evaluation.roc.differentPersonCount) different"
        text +=
            "Pairs: `\(pairSource)` — \(evaluation.pairs.count) pairs (\(counts)), "
            + "\(run.photoCount) distinct photos.\n\n"
        if let validation = evaluation.crossValidation {
            text +=
                "Protocol: \(validation.folds.count)-fold cross-validation. For each fold the threshold maximising "
                + "accuracy on the other folds (a midpoint between sorted distances) scores that fold; accuracy is the "
                + "mean ± standard deviation over folds, and the confusion matrix adds up the folds' decisions "
                + "at their own thresholds.\n\n"
        } else {
            let threshold = Self.fixed(Double(evaluation.threshold), 4)
            text +=
                "Protocol: every pair decided at a fixed threshold of \(threshold) "
                + "(same person when the Euclidean distance is below it).\n\n"
        }
        text +=
            "| | accuracy | AUC | EER | TAR @ FAR 1e-3 | TAR @ FAR 1e-2 | threshold |\n|---|---|---|---|---|---|---|\n"
        text += tableRow(flip ? "with flip" : "descriptors", evaluation)
        if let withoutFlip { text += tableRow("without flip", withoutFlip) }
        text += "\n"
        let confusion = evaluation.confusion
        text += "## At the threshold\n\n| | called same | called different |\n|---|---|---|\n"
        text += "| same person | \(confusion.truePositives) | \(confusion.falseNegatives) |\n"
        text += "| different people | \(confusion.falsePositives) | \(confusion.trueNegatives) |\n\n"
        text +=
            "Precision \(Self.fixed(confusion.precision, 4)), recall \(Self.fixed(confusion.recall, 4)), "
            + "F1 \(Self.fixed(confusion.f1, 4)).\n"
        let best = evaluation.bestThreshold
        text +=
            "The best single threshold on all pairs at once is \(Self.fixed(Double(best.maxEuclideanDistance), 4)) "
            + "(accuracy \(Self.percent(best.accuracy)); optimistic, as it is chosen on the pairs it scores).\n\n"
        if let validation = evaluation.crossValidation {
            text += "## Folds\n\n| fold | threshold | accuracy | pairs |\n|---|---|---|---|\n"
            for fold in validation.folds {
                let threshold = Self.fixed(Double(fold.maxEuclideanDistance), 4)
                let accuracy = Self.percent(fold.accuracy)
                text += Self.tableLine(["\(fold.index + 1)", threshold, accuracy, "\(fold.confusion.total)"])
            }
            text += "\n"
        }
        let sentence = facesSentence()
        text += "## Faces\n\n"
        text +=
            "Each photo's face: the face nearest the photo's centre found by the detector "
            + "(upsample \(choice.upsample)"
            + (choice.detectionRegionFraction < 1
                ? ", scanning the central \(Int(choice.detectionRegionFraction * 100))% of the photo)" : ")")
            + ". \(sentence.prefix(1).uppercased() + sentence.dropFirst()).\n\n"
        text += "Photos: \(photosSentence()), \(run.cacheHits) from the descriptor cache.\n\n"
        text += "## Plots\n\n![ROC](\(Self.fileNames.roc))\n\n![Distances](\(Self.fileNames.histograms))\n"
        return text
    }

    private func tableRow(_ label: String, _ evaluation: PairEvaluation) -> String {
        var accuracy = Self.percent(evaluation.accuracy)
        if evaluation.crossValidation != nil { accuracy += " ± \(Self.percent(evaluation.accuracyStandardDeviation))" }
        return Self.tableLine([
            label, accuracy, Self.fixed(evaluation.areaUnderCurve, 5), Self.percent(evaluation.equalErrorRate),
            Self.percent(evaluation.trueAcceptRateAtFAR1e3), Self.percent(evaluation.trueAcceptRateAtFAR1e2),
            Self.fixed(Double(evaluation.threshold), 4),
        ])
    }

    private static func tableLine(_ cells: [String]) -> String { "| " + cells.joined(separator: " | ") + " |\n" }

    // MARK: - Files

    /// Writes `report.md`, `report.json`, `roc.svg` and `distances.svg` into `directory` (created if needed).
    public func write(to directory: String) throws(FaceEvaluationError) {
        var series = [SVGPlot.Series(label: flip ? "with flip" : "descriptors", curve: evaluation.roc)]
        if let withoutFlip { series.append(SVGPlot.Series(label: "without flip", curve: withoutFlip.roc)) }
        let files = [
            (Self.fileNames.markdown, markdown()),
            (Self.fileNames.json, json(indented: true) + "\n"),
            (Self.fileNames.roc, SVGPlot.roc(series, title: "\(title): ROC")),
            (
                Self.fileNames.histograms,
                SVGPlot.histograms(
                    evaluation.pairs, threshold: evaluation.threshold,
                    title: "\(title): distances")
            ),
        ]
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            for (name, contents) in files {
                try Data(contents.utf8).write(to: URL(fileURLWithPath: directory + "/" + name))
            }
        } catch {
            throw FaceEvaluationError(
                .unwritableReport, "cannot write the report into \(directory): \(error.localizedDescription)",
                underlying: error)
        }
    }

    // MARK: - Numbers

    static func percent(_ value: Double) -> String { String(format: "%.2f%%", value * 100) }
    static func fixed(_ value: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", value) }
    static func signed(_ value: Double) -> String { String(format: "%+.2f", value) }
}
