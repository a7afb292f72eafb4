import CTurboJPEG

extension ImageError {
    /// Describes the last failure TurboJPEG reported on `handle` while doing `operation` ("reading the header").
    ///
    /// libjpeg meets a cut-off file by warning "Premature end of JPEG file" and padding it with an end marker,
    /// after which a later, fatal message may replace that warning. So the error is ``Code/truncated`` when
    /// the message says so or the caller saw other evidence (`inputIsCutShort`), and ``Code/corrupt``
    /// otherwise.
    init(
        turboJPEGHandle handle: tjhandle?,
        operation: String,
        inputIsCutShort: Bool,
        file: String = #fileID,
        line: Int = #line
    ) {
        let libraryMessage = tjGetErrorStr2(handle).map { String(cString: $0) } ?? "unknown TurboJPEG error"
        let truncated = inputIsCutShort || libraryMessage.lowercased().contains("premature end of jpeg file")
        self.init(
            code: truncated ? .truncated : .corrupt,
            message: truncated
                ? "JPEG data ends before the image does (while \(operation): \(libraryMessage))"
                : "JPEG data is corrupt (while \(operation): \(libraryMessage))",
            file: file,
            line: line
        )
    }
}
