import FaceEvaluation
import Foundation
import Testing

/// Parsing LFW's pairs.txt and CSV lists: fold split, paths, and errors that name the line.
@Suite struct PairListTests {
    /// Two folds of two same-person and two different-person lines, tab-separated as LFW's file is.
    static let twoFolds = """
        2\t2
        Ann_Lee\t1\t2
        Bo_Chan\t1\t3
        Ann_Lee\t1\tBo_Chan\t2
        Bo_Chan\t2\tCy_Dunn\t1
        Cy_Dunn\t1\t2
        Ann_Lee\t2\t3
        Ann_Lee\t3\tCy_Dunn\t2
        Bo_Chan\t3\tAnn_Lee\t1

        """

    @Test func lfwFoldsFollowTheFileOrder() throws {
        let list = try PairList.lfw(text: Self.twoFolds, root: "/lfw")
        #expect(list.foldCount == 2)
        #expect(list.pairs.map(\.fold) == [0, 0, 0, 0, 1, 1, 1, 1])
        #expect(list.pairs.map(\.isSamePerson) == [true, true, false, false, true, true, false, false])
        #expect(
            list.pairs[0]
                == LabelledPair(
                    first: "/lfw/Ann_Lee/Ann_Lee_0001.jpg", second: "/lfw/Ann_Lee/Ann_Lee_0002.jpg",
                    isSamePerson: true, fold: 0))
        #expect(
            list.pairs[3]
                == LabelledPair(
                    first: "/lfw/Bo_Chan/Bo_Chan_0002.jpg", second: "/lfw/Cy_Dunn/Cy_Dunn_0001.jpg",
                    isSamePerson: false, fold: 0))
        #expect(list.samePersonCount == 4 && list.differentPersonCount == 4)
        // Eight distinct photos: Ann 1–3, Bo 1–3, Cy 1–2, in first-seen order.
        #expect(list.photos.count == 8)
        #expect(list.photos.first == "/lfw/Ann_Lee/Ann_Lee_0001.jpg")
    }

    @Test func lfwPathHasFourDigits() {
        #expect(PairList.lfwPath("/d", "X_Y", 7) == "/d/X_Y/X_Y_0007.jpg")
        #expect(PairList.lfwPath("/d/", "X_Y", 1234) == "/d/X_Y/X_Y_1234.jpg")
    }

    /// Each broken file and the line and words its error must name.
    static let brokenLFW: [(text: String, expected: String)] = [
        ("", "is empty"),
        ("ten 300\n", "line 1: expected the header"),
        (
            "1 1\nAnn_Lee 1 2\n",
            "promises 1 folds of 1 same-person and 1 different-person lines (2 lines), but 1 follow"
        ),
        ("1 1\nAnn_Lee 1 Bo_Chan 2\nAnn_Lee 1 Bo_Chan 2\n", "line 2: expected a same-person line 'name i j' (fold 1)"),
        ("1 1\nAnn_Lee 1 2\nAnn_Lee 1 2\n", "line 3: expected a different-person line 'name1 i name2 j' (fold 1)"),
        ("1 1\nAnn_Lee 1 x\nAnn_Lee 1 Bo_Chan 2\n", "line 2: expected a same-person line"),
        ("1 1\nAnn_Lee 0 2\nAnn_Lee 1 Bo_Chan 2\n", "line 2: expected a same-person line"),
    ]

    @Test(arguments: brokenLFW.indices)
    func lfwErrorsNameTheLine(index: Int) {
        let (text, expected) = Self.brokenLFW[index]
        do {
            _ = try PairList.lfw(text: text, root: "/lfw", source: "pairs.txt")
            Issue.record("parsed \(text.debugDescription) without an error")
        } catch {
            #expect(error.code == .malformedPairs)
            #expect(error.message.hasPrefix("pairs.txt"), "\(error.message)")
            #expect(error.message.contains(expected), "\(error.message)")
        }
    }

    @Test func csvSkipsTheHeaderAndJoinsTheRoot() throws {
        let text = "img1,img2,same\r\na.jpg,b.jpg,1\r\n\r\n# a comment\n/abs/c.jpg, \"d e.jpg\" ,no\nf.jpg,g.jpg,True\n"
        let list = try PairList.csv(text: text, root: "/photos")
        #expect(list.foldCount == nil)
        #expect(
            list.pairs == [
                LabelledPair(first: "/photos/a.jpg", second: "/photos/b.jpg", isSamePerson: true),
                LabelledPair(first: "/abs/c.jpg", second: "/photos/d e.jpg", isSamePerson: false),
                LabelledPair(first: "/photos/f.jpg", second: "/photos/g.jpg", isSamePerson: true),
            ])
    }

    static let brokenCSV: [(text: String, expected: String)] = [
        (
            "img1,img2,same\na.jpg,b.jpg,1\na.jpg,b.jpg\n",
            "line 3: expected 3 comma-separated fields 'img1,img2,same', got 2"
        ),
        ("a.jpg,b.jpg,1\na.jpg,b.jpg,maybe\n", "line 2: the label 'maybe' is not 1/0, true/false or yes/no"),
        ("a.jpg,,1\n", "line 1: a photo path is empty"),
        ("img1,img2,same\n", "holds no pairs"),
    ]

    @Test(arguments: brokenCSV.indices)
    func csvErrorsNameTheLine(index: Int) {
        let (text, expected) = Self.brokenCSV[index]
        #expect(throws: FaceEvaluationError.self) { try PairList.csv(text: text, root: "/p", source: "pairs.csv") }
        do {
            _ = try PairList.csv(text: text, root: "/p", source: "pairs.csv")
        } catch {
            #expect(error.code == .malformedPairs)
            #expect(error.message.contains(expected), "\(error.message)")
        }
    }

    @Test func missingFileIsUnreadable() {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("absent-\(getpid())/pairs.txt").path
        do {
            _ = try PairList.lfw(contentsOf: path, root: "/lfw")
            Issue.record("read a missing file")
        } catch {
            #expect(error.code == .unreadableFile)
            #expect(error.message == "\(path): no such file")
        }
    }
}
