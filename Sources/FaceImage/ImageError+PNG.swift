import CPNG

extension ImageError {
    /// Describes the failure recorded in a libpng simplified-API control structure.
    ///
    /// libpng's memory reader reports running out of input as "read beyond end of data", which becomes
    /// ``Code/truncated``; other messages (bad CRC, bad zlib stream, invalid header) become ``Code/corrupt``.
    init(libpngImage image: png_image, operation: String, file: String = #fileID, line: Int = #line) {
        let libraryMessage = withUnsafeBytes(of: image.message) { raw in
            let bytes = raw.prefix { $0 != 0 }
            return bytes.isEmpty ? "unknown libpng error" : String(decoding: bytes, as: UTF8.self)
        }
        let truncated = libraryMessage.contains("end of data")
        self.init(
            code: truncated ? .truncated : .corrupt,
            message: truncated
                ? "PNG data ends before the image does (while \(operation): \(libraryMessage))"
                : "PNG data is corrupt (while \(operation): \(libraryMessage))",
            file: file,
            line: line
        )
    }
}
