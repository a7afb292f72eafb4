import FaceEvaluation
import Foundation
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// The report's JSON, markdown and plots carry the figures they are given and are well-formed.
@Suite struct EvaluationReportTests {
    /// Two folds; fold 0: S 0.2, 0.3, D 0.8, 0.9 · fold 1: S 0.4, 0.7, D 0.5, 1.0.
    static let pairs: [ScoredPair] = [
        ScoredPair(distance: 0.2, isSamePerson: true, fold: 0), ScoredPair(distance: 0.3, isSamePerson: true, fold: 0),
        ScoredPair(distance: 0.8, isSamePerson: false, fold: 0),
        ScoredPair(distance: 0.9, isSamePerson: false, fold: 0),
        ScoredPair(distance: 0.4, isSamePerson: true, fold: 1), ScoredPair(distance: 0.7, isSamePerson: true, fold: 1),
        ScoredPair(distance: 0.5, isSamePerson: false, fold: 1),
        ScoredPair(distance: 1.0, isSamePerson: false, fold: 1),
    ]

    static func report(flip: Bool) -> EvaluationReport {
        let evaluation = PairEvaluation(crossValidating: pairs, foldCount: 2)
        return EvaluationReport(
            title: "LFW View 2", pairSource: "pairs.txt", choice: FaceChoice(), flip: flip, evaluation: evaluation,
            withoutFlip: flip
                ? PairEvaluation(
                    crossValidating: pairs.map {
                        ScoredPair(distance: $0.distance + 0.05, isSamePerson: $0.isSamePerson, fold: $0.fold)
                    }, foldCount: 2) : nil,
            run: EvaluationReport.RunFacts(
                photoCount: 12, cacheHits: 3, seconds: 2, noFace: 1, fallback: 1, multipleFaces: 2))
    }

    @Test func jsonHasTheRequiredKeysAndValues() throws {
        let report = Self.report(flip: true)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(report.json().utf8)) as? [String: Any])
        for key in [
            "accuracy_mean", "accuracy_std", "auc", "eer", "tar_at_far_1e-3", "tar_at_far_1e-2", "threshold",
            "confusion_matrix", "precision", "recall", "f1", "folds", "no_face", "multi_face",
        ] {
            #expect(object[key] != nil, "missing \(key)")
        }
        let evaluation = report.evaluation
        #expect((object["accuracy_mean"] as? Double) == evaluation.accuracy)
        #expect((object["auc"] as? Double) == evaluation.areaUnderCurve)
        #expect((object["no_face"] as? Int) == 1)
        #expect((object["multi_face"] as? Int) == 2)
        let folds = try #require(object["folds"] as? [[String: Any]])
        #expect(folds.count == 2)
        #expect(folds.map { $0["fold"] as? Int } == [1, 2])
        #expect(folds.map { $0["accuracy"] as? Double } == evaluation.crossValidation!.folds.map(\.accuracy))
        let confusion = try #require(object["confusion_matrix"] as? [String: Int])
        #expect(confusion["true_positives"] == evaluation.confusion.truePositives)
        #expect(confusion["true_negatives"] == evaluation.confusion.trueNegatives)
        let plain = try #require(object["without_flip"] as? [String: Any])
        #expect((plain["accuracy_mean"] as? Double) == report.withoutFlip!.accuracy)
        // The indented form is the same object.
        let indented = try #require(
            try JSONSerialization.jsonObject(with: Data(report.json(indented: true).utf8)) as? NSDictionary)
        #expect(indented == object as NSDictionary)
    }

    @Test func markdownHasTheFoldTableAndConfusionMatrix() {
        let report = Self.report(flip: false)
        let text = report.markdown()
        #expect(text.hasPrefix("# LFW View 2\n"))
        for fold in report.evaluation.crossValidation!.folds {
            let row =
                "| \(fold.index + 1) | \(String(format: "%.4f", fold.maxEuclideanDistance)) | \(String(format: "%.2f%%", fold.accuracy * 100)) | 4 |"
            #expect(text.contains(row), "no row \(row)")
        }
        let confusion = report.evaluation.confusion
        #expect(text.contains("| same person | \(confusion.truePositives) | \(confusion.falseNegatives) |"))
        #expect(text.contains("1 photos had no detected face"))
        #expect(text.contains("![ROC](roc.svg)"))
        #expect(!text.contains("without flip"))
        #expect(Self.report(flip: true).markdown().contains("| without flip |"))
    }

    @Test func plotsAreWellFormedSVGWithTheirLabels() throws {
        let evaluation = PairEvaluation(crossValidating: Self.pairs, foldCount: 2)
        let roc = SVGPlot.roc([SVGPlot.Series(label: "plain", curve: evaluation.roc)], title: "ROC <test>")
        let histogram = SVGPlot.histograms(Self.pairs, threshold: 0.6, title: "Distances")
        for svg in [roc, histogram] {
            #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
            let parser = XMLParser(data: Data(svg.utf8))
            #expect(parser.parse(), "not well-formed: \(parser.parserError.map { "\($0)" } ?? "?")")
        }
        #expect(roc.contains("ROC &lt;test&gt;"))
        #expect(roc.contains("plain (AUC \(String(format: "%.4f", evaluation.areaUnderCurve)))"))
        #expect(roc.contains("FAR 1e-2") && roc.contains("<polyline"))
        #expect(histogram.contains("threshold 0.600"))
        #expect(histogram.contains("same person (4 pairs)") && histogram.contains("different people (4 pairs)"))
        // One bar per occupied bin: eight distinct distances in eight bins.
        #expect(histogram.components(separatedBy: "fill-opacity=\"0.5\"").count - 1 == 8)
    }

    @Test func writeCreatesTheFourFiles() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("facekit-report-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let report = Self.report(flip: true)
        try report.write(to: directory + "/nested")
        for name in ["report.md", "report.json", "roc.svg", "distances.svg"] {
            let data = try #require(FileManager.default.contents(atPath: directory + "/nested/" + name), "no \(name)")
            #expect(data.count > 100)
        }
        let json = try #require(FileManager.default.contents(atPath: directory + "/nested/report.json"))
        let object = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        #expect((object["accuracy_mean"] as? Double) == report.evaluation.accuracy)
    }

    @Test func unwritableDirectoryThrows() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("facekit-report-file-\(getpid())").path
        _ = FileManager.default.createFile(atPath: file, contents: Data("x".utf8))
        defer { try? FileManager.default.removeItem(atPath: file) }
        do {
            try Self.report(flip: false).write(to: file)
            Issue.record("wrote a report into a file")
        } catch {
            #expect(error.code == .unwritableReport)
        }
    }
}
