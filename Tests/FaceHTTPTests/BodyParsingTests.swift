import Foundation
import Testing

@testable import FaceHTTP

/// multipart/form-data and JSON bodies, well-formed and hostile.
@Suite struct BodyParsingTests {
    @Test func multipartPartsAreSplit() throws {
        let form = HTTPTestSupport.Multipart().field("top", "3").file(
            "image", [0, 13, 10, 45, 45, 255], filename: "a \\\"b\\\".jpg"
        ).finished()
        let boundary = try MultipartParser.boundary(fromContentType: form.contentType)
        let parts = try MultipartParser.parse(form.body, boundary: boundary)
        #expect(parts.map(\.name) == ["top", "image"])
        #expect(parts[0].text == "3" && parts[0].filename == nil)
        #expect(parts[1].data == [0, 13, 10, 45, 45, 255] && parts[1].filename == "a \"b\".jpg")
        #expect(parts[1].contentType == "image/jpeg")
        #expect(try MultipartParser.boundary(fromContentType: "multipart/form-data; boundary=\"x y\"") == "x y")
    }

    @Test(arguments: [
        "no boundary here",
        "--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nunterminated",
        "--B\r\nContent-Type: text/plain\r\n\r\nno name\r\n--B--",
        "--B\r\nContent-Disposition: attachment; name=\"a\"\r\n\r\nx\r\n--B--",
        "--B\r\nno colon line\r\n\r\nx\r\n--B--",
        "--Bjunk",
        "--B\r\nContent-Disposition: form-data; name=\"a\"",
    ])
    func malformedMultipartIsRefused(_ body: String) {
        #expect {
            try MultipartParser.parse(Array(body.utf8), boundary: "B")
        } throws: { ($0 as? APIError)?.code == .invalidMultipart }
    }

    @Test func boundariesMustBeNamed() {
        #expect(throws: APIError.self) { try MultipartParser.boundary(fromContentType: "multipart/form-data") }
        #expect(throws: APIError.self) {
            try MultipartParser.boundary(fromContentType: "multipart/form-data; boundary=")
        }
    }

    @Test(arguments: ["", "{", "[1, 2]", "\"text\"", "{\"a\": tru}", String(repeating: "[", count: 100_000)])
    func badJSONIsRefused(_ text: String) {
        #expect {
            try JSONBody(Array(text.utf8))
        } throws: { ($0 as? APIError)?.code == .invalidJSON }
    }

    @Test func jsonMembersAreRead() throws {
        let body = try JSONBody(
            Array("{\"top\": 3, \"name\": \"Ana\", \"meta\": {\"b\": 1, \"a\": [\"]\"]}, \"image\": \"aGk=\"}".utf8))
        #expect(try body.text("top") == "3" && body.string("name") == "Ana")
        #expect(try body.objectText("meta") == "{\"a\":[\"]\"],\"b\":1}")
        #expect(try body.image("image") == Array("hi".utf8))
        #expect(throws: APIError.self) { try body.string("top") }
        #expect(throws: APIError.self) { try JSONBody(Array("{\"image\": \"%%%\"}".utf8)).image("image") }
        #expect(JSONBody.nestingDepth(Array("{\"a\": \"[[[[\", \"b\": [[1]]}".utf8)) == 3)
    }

    @Test func percentEncodingRoundTrips() {
        #expect(PercentEncoding.decode("Ana%20Lima%2F%C3%A9") == "Ana Lima/é")
        #expect(PercentEncoding.decode("a+b", plusAsSpace: true) == "a b")
        #expect(
            PercentEncoding.decode("%4") == nil && PercentEncoding.decode("%ZZ") == nil
                && PercentEncoding.decode("%FF") == nil)
        #expect(PercentEncoding.encodePathSegment("Ana Lima/é") == "Ana%20Lima%2F%C3%A9")
    }
}
