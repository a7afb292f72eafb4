import FaceImage
import Testing

/// The module's error type: codes, descriptions.
@Suite struct ImageErrorTests {
    @Test func codesAreDistinctAndNamed() {
        let codes: [ImageError.Code] = [
            .emptyFile, .truncated, .corrupt, .unsupportedFormat, .tooLarge, .unreadableFile, .encodingFailed,
        ]
        #expect(Set(codes).count == codes.count)
        #expect(
            codes.map(\.description) == [
                "emptyFile", "truncated", "corrupt", "unsupportedFormat", "tooLarge", "unreadableFile",
                "encodingFailed",
            ])
    }

    @Test func descriptionShowsCodeAndMessageAndDebugDescriptionTheSource() {
        let error = ImageError(code: .corrupt, message: "broken")
        #expect(error.description == "corrupt: broken")
        #expect(error.debugDescription.hasPrefix("corrupt: broken [FaceImageTests/ImageErrorTests.swift:"))
    }

    @Test func decodingErrorsNameTheirSource() {
        let error = #expect(throws: ImageError.self) { try ImageDecoder.decode([]) }
        #expect(error?.file.hasPrefix("FaceImage/") == true)
        #expect(error?.line ?? 0 > 0)
    }
}
