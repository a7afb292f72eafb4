import FaceCore
import Testing

@Suite struct JSONValueTests {
    static let document = JSONValue.object([
        ("name", .string("Ada \"the first\"\n\u{1}")), ("distance", .float(0.6)), ("count", .integer(3)),
        ("scores", .array([.number(0.5), .integer(1)])), ("empty", .array([])), ("ok", .bool(true)),
        ("missing", .null), ("infinite", .number(.infinity)), ("metadata", .raw(#"{"k":1}"#)),
        ("nested", .array([.object([("a", .integer(1))])])),
    ])

    @Test func compactHasNoSpaces() {
        #expect(Self.document.rendered() == #"{"name":"Ada \"the first\"\n\u0001","distance":0.6,"count":3,"scores":[0.5,1],"empty":[],"ok":true,"missing":null,"infinite":null,"metadata":{"k":1},"nested":[{"a":1}]}"#)
    }

    @Test func spacedIsOneReadableLine() {
        #expect(JSONValue.object([("a", .integer(1)), ("b", .array([.integer(1), .integer(2)]))]).rendered(.spaced)
                == #"{"a": 1, "b": [1, 2]}"#)
    }

    @Test func indentedKeepsNumberArraysOnOneLine() {
        let text = JSONValue.object([("scores", .array([.number(0.5), .integer(1)])), ("rows", .array([.object([("a", .integer(1))])]))])
            .rendered(.indented("  "))
        #expect(text == """
            {
              "scores": [0.5, 1],
              "rows": [
                {
                  "a": 1
                }
              ]
            }
            """)
    }
}
