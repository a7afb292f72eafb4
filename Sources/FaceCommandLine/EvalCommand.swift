import FaceCore
import FaceEvaluation
import FacePipeline
import FaceTensor
import Foundation

/// `facekit eval`: measured accuracy on LFW's View 2 protocol or on any labelled pairs.
enum EvalCommand {
    static let command = Command(
        name: "eval",
        summary: "Measure accuracy on LFW's protocol or any labelled pairs",
        help: """
            Usage: facekit eval lfw --root DIR --pairs pairs.txt [--out DIR] [--json] [--flip] [OPTIONS]
                   facekit eval pairs --pairs FILE.csv [--root DIR] [--threshold T] [--folds K] [--out DIR] [--json] [--flip] [OPTIONS]

            lfw    LFW's View 2 protocol: pairs.txt starts with '10 300', then per fold 300 same-person
                   lines 'name i j' and 300 different-person lines 'name1 i name2 j'; photo i of name is
                   DIR/name/name_iiii.jpg. Each fold is scored at the threshold that is most accurate on
                   the other nine; reports accuracy mean ± std and the per-fold table, ROC AUC, EER, TAR
                   at FAR 1e-3 and 1e-2, and the confusion matrix, precision, recall and F1.
            pairs  Any labelled list, one pair per line 'img1,img2,same' (same: 1/0, true/false, yes/no;
                   a header line is skipped); paths are relative to --root (default: the CSV's folder).
                   Pairs are decided at --threshold (default 0.6), or cross-validated with --folds K.

            Each photo's face is the detected face nearest the photo's centre (for lfw, faces are searched
            in the central 80% of the photo, 200×200 of LFW's 250×250). When none is detected,
            the landmarks are searched in a centred square whose side is 46% of the photo's shorter
            side — on a 250×250 LFW photo the box (67.5, 67.5) 115×115, where the detector puts LFW
            faces — and the photo is counted under "no face". Photos with several faces are counted.

            Options:
              --out DIR             Also write DIR/report.md, report.json, roc.svg and distances.svg.
              --json                Print one JSON object: accuracy_mean, accuracy_std, auc, eer,
                                    tar_at_far_1e-3, tar_at_far_1e-2, threshold, confusion_matrix,
                                    precision, recall, f1, folds, no_face, multi_face (and more).
              --flip                Average each chip's descriptor with its mirror image's; the figures
                                    without mirroring are reported too ("without_flip").
              --no-fallback         Leave photos without a detected face undescribed (their pairs are rejected).
              --upsample N          Double each photo N times before detecting (default 0: faces from
                                    about 80 pixels, enough for LFW's 250×250 photos).
              --detection-region F  Scan only the centred square of side F × the shorter side for faces
                                    (default 0.8 for lfw, where faces are centred; 1, the whole photo,
                                    for pairs). Scanning less is faster.
              --threads N           Threads to use (default: all cores).
              --cache DIR           Descriptor cache directory (default $FACEKIT_CACHE, $FACEKIT_HOME/cache
                                    or ~/.cache/facekit); entries are keyed by photo and model SHA-256.
              --no-cache            Describe every photo afresh and store nothing.
              --quiet               No progress on standard error.

            Exits 0 with the figures, 2 on a usage error, 3 when the pairs file or a photo is missing,
            malformed or unreadable (or the pairs cannot be evaluated), 5 when a model is missing.
            """,
        run: run)

    static let sharedValueOptions: Set<String> = ["pairs", "root", "upsample", "threads", "cache", "detection-region"]
    static let sharedFlagOptions: Set<String> = ["json", "flip", "no-fallback", "no-cache", "quiet"]

    static func run(_ arguments: [String]) throws(CommandLineError) -> ExitCode {
        guard let mode = arguments.first, !mode.hasPrefix("--") else {
            throw .usage("say what to evaluate: 'facekit eval lfw …' or 'facekit eval pairs …'")
        }
        let options = try Arguments(
            Array(arguments.dropFirst()),
            valueOptions: sharedValueOptions.union(["out", "threshold", "folds"]),
            flagOptions: sharedFlagOptions)
        guard options.positional.isEmpty else { throw .usage("unexpected argument '\(options.positional[0])'") }
        let threshold = try positiveNumber(options, "threshold") ?? Float(Descriptor.sameIdentityMaxEuclideanDistance)
        let folds = options.value("folds") == nil ? nil : try options.integer("folds", in: 2...100, default: 10)
        let list: PairList
        switch mode {
        case "lfw":
            guard options.value("threshold") == nil, options.value("folds") == nil else {
                throw .usage("--threshold and --folds are for 'eval pairs'; LFW's protocol fixes its ten folds")
            }
            guard let root = options.value("root") else { throw .usage("give the LFW photo folder with --root DIR") }
            guard let pairs = options.value("pairs") else {
                throw .usage("give LFW's pairs file with --pairs pairs.txt")
            }
            list = try mapped { () throws(FaceEvaluationError) in try PairList.lfw(contentsOf: pairs, root: root) }
        case "pairs":
            list = try loadPairs(options, format: .csv)
        default:
            throw .usage("unknown evaluation '\(mode)'; use 'lfw' or 'pairs'")
        }

        let described = try describe(list, options, lfw: mode == "lfw")
        let foldCount = mode == "lfw" ? list.foldCount : folds
        let flip = options.has("flip")
        let headline = try evaluate(
            described.run.scoredPairs(list.pairs, flip: flip), foldCount: foldCount, threshold: threshold)
        let plain =
            flip
            ? try evaluate(
                described.run.scoredPairs(list.pairs, flip: false), foldCount: foldCount, threshold: threshold) : nil
        let report = EvaluationReport(
            title: mode == "lfw" ? "LFW View 2" : "Labelled pairs", pairSource: list.source, choice: described.choice,
            flip: flip, evaluation: headline, withoutFlip: plain, run: EvaluationReport.RunFacts(described.run))
        if let out = options.value("out") {
            try mapped { () throws(FaceEvaluationError) in try report.write(to: out) }
            let note = "Report written to \(out)/\(EvaluationReport.fileNames.markdown)"
            if options.has("json") { FaceKitCommand.printError(note) } else { print(note) }
        }
        print(options.has("json") ? report.json() : report.summary())
        return .success
    }

    // MARK: - Shared with calibrate

    enum PairFormat { case csv, detect }

    /// Reads `--pairs` (with `--root`, default the pairs file's folder).
    static func loadPairs(_ options: Arguments, format: PairFormat) throws(CommandLineError) -> PairList {
        guard let path = options.value("pairs") else { throw .usage("give the labelled pairs with --pairs FILE") }
        let root = options.value("root") ?? URL(fileURLWithPath: path).deletingLastPathComponent().path
        return try mapped { () throws(FaceEvaluationError) in
            if format == .detect, looksLikeLFW(path) { return try PairList.lfw(contentsOf: path, root: root) }
            return try PairList.csv(contentsOf: path, root: root)
        }
    }

    /// Whether the file starts like LFW's pairs.txt (two whole numbers on the first line).
    private static func looksLikeLFW(_ path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        let start = String(decoding: handle.readData(ofLength: 64), as: UTF8.self)
        let first = start.split(whereSeparator: \.isNewline).first ?? ""
        let fields = first.split(whereSeparator: { $0 == " " || $0 == "\t" })
        return fields.count == 2 && fields.allSatisfy { Int($0) != nil }
    }

    /// Describes every photo of `list` (cache, progress and face choice from `options`).
    static func describe(_ list: PairList, _ options: Arguments, lfw: Bool = false) throws(CommandLineError)
        -> (run: EvaluationRun, choice: FaceChoice)
    {
        let threads = try options.integer("threads", in: 1...256, default: ComputeContext.availableCores)
        var choice = lfw ? FaceChoice.lfw : FaceChoice()
        choice.upsample = try options.integer("upsample", in: 0...4, default: 0)
        choice.fallsBackToCentre = !options.has("no-fallback")
        if let text = options.value("detection-region") {
            guard let fraction = Double(text), fraction >= 0.3, fraction <= 1 else {
                throw .usage("--detection-region must be a fraction in 0.3...1, got '\(text)'")
            }
            choice.detectionRegionFraction = fraction
        }
        let mirrors = options.has("flip")
        let models = ModelDirectory.fromEnvironment()
        var cache: DescriptorCache?
        if !options.has("no-cache") {
            let modelHashes = [KnownModel.faceDetector, .landmarks5, .faceDescriptor].map { model in
                switch models.status(of: model) {
                case .verified(let sha256), .hashMismatch(let sha256): return sha256
                case .missing: return "missing"
                }
            }
            let settings = "models=\(modelHashes.joined(separator: ","));\(choice.cacheTag);mirror=\(mirrors)"
            cache = DescriptorCache(
                directory: options.value("cache") ?? DescriptorCache.defaultDirectory(), settingsKey: settings)
        }
        let photos = list.photos
        let progress = options.has("quiet") ? nil : ProgressReporter(total: photos.count)
        let run = try mapped { () throws(FaceEvaluationError) in
            try EvaluationRun(
                photos: photos,
                makeDescriber: { () throws(FacePipelineError) in
                    PhotoDescriber(
                        recognizer: try FaceRecognizer(models: models, threads: threads), choice: choice,
                        mirrors: mirrors)
                }, cache: cache, progress: progress)
        }
        let cacheNote = cache.map { ", \(run.cacheHits) from the cache \($0.path)" } ?? ""
        progress?.finish(note: cacheNote)
        return (run, choice)
    }

    static func evaluate(_ pairs: [ScoredPair], foldCount: Int?, threshold: Float) throws(CommandLineError)
        -> PairEvaluation
    {
        let same = pairs.filter(\.isSamePerson).count
        guard same > 0, same < pairs.count else {
            throw CommandLineError(
                .unreadableInput,
                "the pairs need both same-person and different-person pairs (\(same) same of \(pairs.count))")
        }
        guard let foldCount else { return PairEvaluation(pairs, maxEuclideanDistance: threshold) }
        guard foldCount >= 2 else {
            throw CommandLineError(
                .unreadableInput, "cross-validation needs at least 2 folds; the pairs file has \(foldCount)")
        }
        let folded =
            pairs.allSatisfy { $0.fold != nil } ? pairs : CrossValidation.stratified(pairs, foldCount: foldCount)
        return PairEvaluation(crossValidating: folded, foldCount: foldCount)
    }

    static func positiveNumber(_ options: Arguments, _ name: String) throws(CommandLineError) -> Float? {
        guard let text = options.value(name) else { return nil }
        guard let value = Float(text), value > 0, value.isFinite else {
            throw .usage("--\(name) must be a positive number, got '\(text)'")
        }
        return value
    }

    /// Runs `body`, turning its error into the exit code that fits.
    static func mapped<T>(_ body: () throws(FaceEvaluationError) -> T) throws(CommandLineError) -> T {
        do {
            return try body()
        } catch {
            let code: ExitCode
            switch error.code {
            case .modelUnavailable: code = .modelUnavailable
            case .unwritableReport: code = .failure
            default: code = .unreadableInput
            }
            throw CommandLineError(code, error.message)
        }
    }
}
