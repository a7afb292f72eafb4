import Foundation

/// A list of labelled photo pairs, read from LFW's `pairs.txt` or from a CSV file.
///
/// Two formats are understood:
///
/// - **LFW View 2** (`pairs.txt`): a first line `FOLDS N` (`10 300` for LFW), then for each fold `N`
///   same-person lines `name i j` followed by `N` different-person lines `name1 i name2 j`, fields
///   separated by tabs or spaces. Photo `i` of `name` is `ROOT/name/name_iiii.jpg` (four digits).
/// - **CSV**: one pair per line, `img1,img2,same`, paths relative to `ROOT` (or absolute); `same` is
///   `1`/`0`, `true`/`false` or `yes`/`no`. A first line whose label is none of
///   these is a header and is skipped, as are blank lines and lines starting with `#`.
///
/// Every parse error names the file and the line (counted from 1).
public struct PairList: Sendable {
    /// The pairs, in file order.
    public let pairs: [LabelledPair]
    /// The number of cross-validation folds (10 for LFW); `nil` for a list without folds.
    public let foldCount: Int?
    /// Where the list came from, for messages and reports.
    public let source: String

    /// Wraps pairs.
    public init(pairs: [LabelledPair], foldCount: Int? = nil, source: String = "pairs") {
        self.pairs = pairs
        self.foldCount = foldCount
        self.source = source
    }

    /// Every photo the pairs name, each once, in the order they first appear.
    public var photos: [String] {
        var seen: Set<String> = []
        var ordered: [String] = []
        for pair in pairs {
            for path in [pair.first, pair.second] where seen.insert(path).inserted { ordered.append(path) }
        }
        return ordered
    }

    /// How many pairs show the same person.
    public var samePersonCount: Int { pairs.lazy.filter(\.isSamePerson).count }
    /// How many pairs show different people.
    public var differentPersonCount: Int { pairs.count - samePersonCount }

    // MARK: - LFW pairs.txt

    /// Reads LFW's `pairs.txt` at `path`; photos are looked up under `root`.
    public static func lfw(contentsOf path: String, root: String) throws(FaceEvaluationError) -> PairList {
        try lfw(text: readText(path), root: root, source: path)
    }

    /// Parses the text of LFW's `pairs.txt`; photos are looked up under `root`.
    public static func lfw(text: String, root: String, source: String = "pairs.txt") throws(FaceEvaluationError)
        -> PairList
    {
        let lines = numberedLines(text)
        guard let header = lines.first else {
            throw FaceEvaluationError(
                .malformedPairs, "\(source) is empty; LFW's pairs.txt starts with a line like '10 300'")
        }
        let headerFields = fields(header.text)
        guard headerFields.count == 2, let foldCount = Int(headerFields[0]), let perClass = Int(headerFields[1]),
            foldCount >= 1, perClass >= 1
        else {
            throw malformed(
                source, header.number, "expected the header 'FOLDS PAIRS_PER_CLASS' (LFW: '10 300')", header.text)
        }
        let body = lines.dropFirst()
        let expected = foldCount * 2 * perClass
        guard body.count == expected else {
            let last = body.last?.number ?? header.number
            throw FaceEvaluationError(
                .malformedPairs,
                "\(source): the header '\(header.text)' promises \(foldCount) folds of \(perClass) same-person and "
                    + "\(perClass) different-person lines (\(expected) lines), but \(body.count) follow (last at line \(last))"
            )
        }
        var pairs: [LabelledPair] = []
        pairs.reserveCapacity(expected)
        for (offset, line) in body.enumerated() {
            let fold = offset / (2 * perClass)
            let isSame = offset % (2 * perClass) < perClass
            let parts = fields(line.text)
            if isSame {
                guard parts.count == 3, let i = photoNumber(parts[1]), let j = photoNumber(parts[2]) else {
                    throw malformed(
                        source, line.number, "expected a same-person line 'name i j' (fold \(fold + 1))", line.text)
                }
                pairs.append(
                    LabelledPair(
                        first: lfwPath(root, parts[0], i), second: lfwPath(root, parts[0], j),
                        isSamePerson: true, fold: fold))
            } else {
                guard parts.count == 4, let i = photoNumber(parts[1]), let j = photoNumber(parts[3]) else {
                    throw malformed(
                        source, line.number, "expected a different-person line 'name1 i name2 j' (fold \(fold + 1))",
                        line.text)
                }
                pairs.append(
                    LabelledPair(
                        first: lfwPath(root, parts[0], i), second: lfwPath(root, parts[2], j),
                        isSamePerson: false, fold: fold))
            }
        }
        return PairList(pairs: pairs, foldCount: foldCount, source: source)
    }

    /// LFW's photo path: `ROOT/name/name_0001.jpg`.
    public static func lfwPath(_ root: String, _ name: String, _ number: Int) -> String {
        let digits = String(number)
        let padded = String(repeating: "0", count: max(0, 4 - digits.count)) + digits
        return joined(root, "\(name)/\(name)_\(padded).jpg")
    }

    // MARK: - CSV

    /// Reads a CSV list (`img1,img2,same`) at `path`; relative photo paths are under `root`.
    public static func csv(contentsOf path: String, root: String) throws(FaceEvaluationError) -> PairList {
        try csv(text: readText(path), root: root, source: path)
    }

    /// Parses a CSV list (`img1,img2,same`); relative photo paths are under `root`.
    public static func csv(text: String, root: String, source: String = "pairs.csv") throws(FaceEvaluationError)
        -> PairList
    {
        var pairs: [LabelledPair] = []
        for (index, line) in numberedLines(text).enumerated() {
            if line.text.hasPrefix("#") { continue }
            let parts = line.text.split(separator: ",", omittingEmptySubsequences: false).map(unquoted)
            guard parts.count == 3 else {
                throw malformed(
                    source, line.number, "expected 3 comma-separated fields 'img1,img2,same', got \(parts.count)",
                    line.text)
            }
            guard let isSame = label(parts[2]) else {
                if index == 0 { continue }  // a header line
                throw malformed(
                    source, line.number, "the label '\(parts[2])' is not 1/0, true/false or yes/no", line.text)
            }
            guard !parts[0].isEmpty, !parts[1].isEmpty else {
                throw malformed(source, line.number, "a photo path is empty", line.text)
            }
            pairs.append(
                LabelledPair(first: joined(root, parts[0]), second: joined(root, parts[1]), isSamePerson: isSame))
        }
        guard !pairs.isEmpty else {
            throw FaceEvaluationError(.malformedPairs, "\(source) holds no pairs; expected lines 'img1,img2,same'")
        }
        return PairList(pairs: pairs, foldCount: nil, source: source)
    }

    // MARK: - Helpers

    private static func readText(_ path: String) throws(FaceEvaluationError) -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw FaceEvaluationError(.unreadableFile, "\(path): no such file")
        }
        guard !isDirectory.boolValue, let data = FileManager.default.contents(atPath: path) else {
            throw FaceEvaluationError(.unreadableFile, "\(path): cannot be read as a pairs file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw FaceEvaluationError(.unreadableFile, "\(path): not UTF-8 text")
        }
        return text
    }

    /// Non-blank lines with their 1-based numbers, trimmed (so CRLF files read like LF ones).
    private static func numberedLines(_ text: String) -> [(number: Int, text: String)] {
        var result: [(number: Int, text: String)] = []
        var number = 0
        // "\r\n" is one Character in Swift, so split on any newline character, not on "\n".
        for raw in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            number += 1
            let trimmed = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if !trimmed.isEmpty { result.append((number, trimmed)) }
        }
        return result
    }

    private static func fields(_ line: String) -> [String] {
        line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
    }

    private static func photoNumber(_ text: String) -> Int? {
        guard let number = Int(text), number >= 1, number <= 9999 else { return nil }
        return number
    }

    private static func unquoted(_ field: Substring) -> String {
        var text = field.trimmingCharacters(in: .whitespaces)
        if text.count >= 2, text.hasPrefix("\""), text.hasSuffix("\"") { text = String(text.dropFirst().dropLast()) }
        return text
    }

    private static func label(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "1", "true", "yes": return true
        case "0", "false", "no": return false
        default: return nil
        }
    }

    private static func joined(_ root: String, _ path: String) -> String {
        if path.hasPrefix("/") || root.isEmpty { return path }
        return root.hasSuffix("/") ? root + path : root + "/" + path
    }

    private static func malformed(_ source: String, _ line: Int, _ what: String, _ text: String) -> FaceEvaluationError
    {
        let shown = text.count > 80 ? String(text.prefix(80)) + "…" : text
        return FaceEvaluationError(.malformedPairs, "\(source) line \(line): \(what), got '\(shown)'")
    }
}
