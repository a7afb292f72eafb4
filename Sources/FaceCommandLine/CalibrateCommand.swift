import FaceEvaluation
import Foundation

/// `facekit calibrate`: the threshold for a target false accept rate, on the user's own labelled pairs.
enum CalibrateCommand {
    static let command = Command(
        name: "calibrate",
        summary: "Recommend a threshold for a target false accept rate on your labelled pairs",
        help: """
            Usage: facekit calibrate --pairs FILE [--root DIR] [--far F] [--json] [--flip] [OPTIONS]

            Describes every photo of the labelled pairs (CSV 'img1,img2,same', or LFW's pairs.txt) and
            recommends the largest Euclidean threshold whose false accept rate on the different-person
            pairs does not exceed F (default 1e-3), with the true accept rate it gives. It says how many
            pairs the estimate rests on: a rate of F needs at least 3/F different-person pairs to be
            measured (with none falsely accepted among N pairs, the real rate is only known to be
            below 3/N at 95% confidence).

            Options:
              --far F               Target false accept rate, 0 < F < 1 (default 1e-3).
              --root DIR            Where relative photo paths start (default: the pairs file's folder).
              --json                {"far_target", "threshold", "false_accepts", "measured_far", "tar",
                                     "different_pairs", "same_pairs", "different_pairs_needed", "supported"}
              --flip                Use mirror-averaged descriptors.
              --no-fallback, --upsample N, --detection-region F, --threads N, --cache DIR, --no-cache, --quiet
                                    As for 'facekit eval'.

            Exits 0 with the recommendation, 2 on a usage error, 3 when the pairs or a photo cannot be
            used (or there is no different-person pair), 5 when a model is missing.
            """,
        run: run)

    static func run(_ arguments: [String]) throws(CommandLineError) -> ExitCode {
        let options = try Arguments(
            arguments, valueOptions: EvalCommand.sharedValueOptions.union(["far"]),
            flagOptions: EvalCommand.sharedFlagOptions)
        guard options.positional.isEmpty else { throw .usage("unexpected argument '\(options.positional[0])'") }
        var far = 1e-3
        if let text = options.value("far") {
            guard let value = Double(text), value > 0, value < 1 else {
                throw .usage("--far must be a rate between 0 and 1, e.g. 1e-3, got '\(text)'")
            }
            far = value
        }
        let list = try EvalCommand.loadPairs(options, format: .detect)
        let described = try EvalCommand.describe(list, options)
        let pairs = described.run.scoredPairs(list.pairs, flip: options.has("flip"))
        guard let calibration = FARCalibration(pairs, targetFalseAcceptRate: far) else {
            throw CommandLineError(
                .unreadableInput, "\(list.source) has no different-person pair; a false accept rate needs some")
        }
        if options.has("json") {
            let members = [
                "\"far_target\": \(far)", "\"threshold\": \(calibration.maxEuclideanDistance)",
                "\"false_accepts\": \(calibration.falseAccepts)",
                "\"measured_far\": \(calibration.measuredFalseAcceptRate)", "\"tar\": \(calibration.trueAcceptRate)",
                "\"different_pairs\": \(calibration.differentPersonCount)",
                "\"same_pairs\": \(calibration.samePersonCount)",
                "\"different_pairs_needed\": \(calibration.differentPairsNeeded)",
                "\"supported\": \(calibration.isSupported)",
            ]
            print("{" + members.joined(separator: ", ") + "}")
            return .success
        }
        let threshold = String(format: "%.4f", calibration.maxEuclideanDistance)
        let measured = String(format: "%.4g", calibration.measuredFalseAcceptRate)
        let accepted = String(format: "%.2f", calibration.trueAcceptRate * 100)
        let different = calibration.differentPersonCount
        let needed = calibration.differentPairsNeeded
        print("Recommended threshold for FAR \(far): \(threshold) (same person when the distance is below it)")
        print(
            "  on these pairs: \(calibration.falseAccepts) of \(different) different-person pairs accepted (FAR \(measured)), "
                + "\(accepted)% of \(calibration.samePersonCount) same-person pairs accepted")
        if calibration.isSupported {
            print(
                "  the estimate rests on \(different) different-person pairs, enough for FAR \(far) (at least \(needed))"
            )
        } else {
            let bound = String(format: "%.2g", calibration.ruleOfThreeBound)
            print(
                "  the estimate rests on only \(different) different-person pairs: FAR \(far) needs at least \(needed) "
                    + "to be measured; even with none accepted, the real rate is only known to be below \(bound) (95%). "
                    + "Label more different-person pairs.")
        }
        return .success
    }
}
