#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Decodes JPEG and PNG files into ``Image`` values, refusing other formats and hostile input with an
/// ``ImageError``.
///
/// The format is recognised from the first bytes, never from a file name. JPEG files come out upright (their
/// EXIF orientation applied) unless ``ImageDecodingOptions/appliesOrientation`` is off. Greyscale and CMYK
/// JPEGs and every PNG colour type come out as 8-bit RGB; PNG alpha is dropped, keeping colours as stored.
public enum ImageDecoder {
    /// Decodes an encoded JPEG or PNG image held in memory.
    public static func decode(_ bytes: [UInt8], options: ImageDecodingOptions = .init()) throws(ImageError) -> Image {
        guard !bytes.isEmpty else {
            throw ImageError(code: .emptyFile, message: "the image data is empty (0 bytes)")
        }
        let format = ImageFormat(sniffing: bytes)
        switch format {
        case .jpeg:
            return try JPEGDecoder.decode(bytes, options: options)
        case .png:
            return try PNGDecoder.decode(bytes, options: options)
        case .unknown:
            throw ImageError(
                code: .unsupportedFormat, message: "the data is not a recognised image format; use JPEG or PNG")
        case .text, .svg:
            throw ImageError(
                code: .unsupportedFormat, message: "the data is \(format.name), not an image; use JPEG or PNG")
        default:
            throw ImageError(
                code: .unsupportedFormat, message: "\(format.name) images are not supported; use JPEG or PNG")
        }
    }

    /// Reads and decodes the JPEG or PNG file at `path`.
    public static func decode(
        contentsOf path: String,
        options: ImageDecodingOptions = .init()
    ) throws(ImageError) -> Image {
        try decode(readFile(atPath: path), options: options)
    }

    /// Refuses empty images and images with more pixels than the options allow, before any pixel memory exists.
    static func checkSize(width: Int, height: Int, format: String, options: ImageDecodingOptions) throws(ImageError) {
        guard width > 0, height > 0 else {
            throw ImageError(
                code: .corrupt, message: "the \(format) header declares an empty \(width)×\(height) image")
        }
        let (pixelCount, overflow) = width.multipliedReportingOverflow(by: height)
        // The last condition keeps row sizes within the C libraries' 32-bit stride arguments.
        guard !overflow, pixelCount <= options.maxPixels, width <= Int(Int32.max) / 4 else {
            throw ImageError(
                code: .tooLarge,
                message: "the \(format) image is \(width)×\(height) = \(overflow ? "too many" : "\(pixelCount)") "
                    + "pixels, more than the limit of \(options.maxPixels) (ImageDecodingOptions.maxPixels)")
        }
    }

    private static func readFile(atPath path: String) throws(ImageError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else {
            throw fileError(path: path, action: "open", errorNumber: errno)
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw fileError(path: path, action: "inspect", errorNumber: errno)
        }
        guard status.st_mode & S_IFMT == S_IFREG else {
            throw ImageError(code: .unreadableFile, message: "cannot read '\(path)': not a regular file")
        }
        let size = Int(status.st_size)
        guard size > 0 else { return [] }
        var readError: Int32?
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, initializedCount in
            var filled = 0
            while filled < size {
                let count = read(descriptor, buffer.baseAddress! + filled, size - filled)
                if count > 0 {
                    filled += count
                } else if count == 0 {
                    break  // The file shrank while being read; decoding will report it as truncated.
                } else if errno != EINTR {
                    readError = errno
                    break
                }
            }
            initializedCount = filled
        }
        if let readError {
            throw fileError(path: path, action: "read", errorNumber: readError)
        }
        return bytes
    }

    private static func fileError(path: String, action: String, errorNumber: Int32) -> ImageError {
        let reason = String(cString: strerror(errorNumber))
        return ImageError(
            code: .unreadableFile, message: "cannot \(action) '\(path)': \(reason) (errno \(errorNumber))")
    }
}
