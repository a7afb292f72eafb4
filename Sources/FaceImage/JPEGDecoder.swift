import CTurboJPEG

/// Decodes JPEG streams with the TurboJPEG API, optionally at a reduced size, into upright RGB images.
enum JPEGDecoder {
    static func decode(_ bytes: [UInt8], options: ImageDecodingOptions) throws(ImageError) -> Image {
        guard let handle = tjInitDecompress() else {
            throw ImageError(turboJPEGHandle: nil, operation: "creating a decompressor", inputIsCutShort: false)
        }
        defer { tjDestroy(handle) }

        let hasEndMarker = Self.hasEndOfImageMarker(bytes)
        let header = try readHeader(bytes, handle: handle, hasEndMarker: hasEndMarker)
        try ImageDecoder.checkSize(width: header.width, height: header.height, format: "JPEG", options: options)

        let scaled = scaledSize(width: header.width, height: header.height, maxDimension: options.maxDimension)
        var image = try decompress(
            bytes, handle: handle, width: scaled.width, height: scaled.height,
            isCMYK: header.colorspace == TJCS_CMYK || header.colorspace == TJCS_YCCK, hasEndMarker: hasEndMarker)
        if let maxDimension = options.maxDimension {
            image = image.downscaled(toFit: maxDimension)
        }
        if options.appliesOrientation {
            image = image.applyingOrientation(EXIFOrientation.read(fromJPEG: bytes))
        }
        return image
    }

    private static func readHeader(
        _ bytes: [UInt8],
        handle: tjhandle,
        hasEndMarker: Bool
    ) throws(ImageError) -> (width: Int, height: Int, colorspace: TJCS) {
        var width: Int32 = 0
        var height: Int32 = 0
        var subsampling: Int32 = 0
        var colorspace: Int32 = 0
        let status = bytes.withUnsafeBufferPointer { buffer in
            tjDecompressHeader3(
                handle, buffer.baseAddress, UInt(buffer.count), &width, &height, &subsampling, &colorspace)
        }
        // A warning (such as extraneous bytes between markers) still leaves a usable header behind.
        let usable = status == 0 || (tjGetErrorCode(handle) == Int32(TJERR_WARNING.rawValue) && width > 0 && height > 0)
        guard usable else {
            throw ImageError(
                turboJPEGHandle: handle, operation: "reading the header",
                inputIsCutShort: JPEGSegments.headerIsCutShort(bytes))
        }
        guard width > 0, height > 0 else {
            // libjpeg pads a cut-off stream with an end-of-image marker, which reads as a header without an image.
            if JPEGSegments.headerIsCutShort(bytes) {
                throw ImageError(code: .truncated, message: "JPEG data ends inside the header")
            }
            throw ImageError(code: .corrupt, message: "JPEG data holds no image (no frame header before its end)")
        }
        return (Int(width), Int(height), TJCS(rawValue: UInt32(bitPattern: colorspace)))
    }

    /// The size of the smallest TurboJPEG reduced-size decode (an n/8 scale) whose longer side still reaches
    /// `maxDimension`, or the full size.
    static func scaledSize(width: Int, height: Int, maxDimension: Int?) -> (width: Int, height: Int) {
        let longerSide = max(width, height)
        guard let maxDimension, longerSide > maxDimension else { return (width, height) }
        var count: Int32 = 0
        guard let factors = tjGetScalingFactors(&count), count > 0 else { return (width, height) }
        var best = (width: width, height: height)
        for factor in UnsafeBufferPointer(start: factors, count: Int(count)) {
            let numerator = Int(factor.num)
            let denominator = Int(factor.denom)
            guard numerator > 0, numerator < denominator else { continue }
            // TJSCALED: ceil(dimension * numerator / denominator).
            func scale(_ dimension: Int) -> Int { (dimension * numerator + denominator - 1) / denominator }
            if scale(longerSide) >= maxDimension && scale(longerSide) < max(best.width, best.height) {
                best = (scale(width), scale(height))
            }
        }
        return best
    }

    private static func decompress(
        _ bytes: [UInt8],
        handle: tjhandle,
        width: Int,
        height: Int,
        isCMYK: Bool,
        hasEndMarker: Bool
    ) throws(ImageError) -> Image {
        // libjpeg cannot convert CMYK or YCCK to RGB, so those come out as CMYK and are converted below.
        let channels = isCMYK ? 4 : 3
        let pixelFormat = isCMYK ? TJPF_CMYK : TJPF_RGB
        var status: Int32 = 0
        var samples = [UInt8](unsafeUninitializedCapacity: width * height * channels) { output, initializedCount in
            status = bytes.withUnsafeBufferPointer { input in
                tjDecompress2(
                    handle, input.baseAddress, UInt(input.count), output.baseAddress, Int32(width), 0, Int32(height),
                    pixelFormat.rawValue, 0)
            }
            initializedCount = output.count
        }
        if status != 0 {
            let isWarning = tjGetErrorCode(handle) == Int32(TJERR_WARNING.rawValue)
            let libraryMessage = tjGetErrorStr2(handle).map { String(cString: $0) } ?? ""
            if !isWarning || !hasEndMarker || !isHarmlessWarning(libraryMessage) {
                // A warning on data without an end marker is the data running out, whatever libjpeg said first.
                throw ImageError(
                    turboJPEGHandle: handle, operation: "decoding", inputIsCutShort: isWarning && !hasEndMarker)
            }
        }
        if isCMYK {
            samples = rgbSamples(fromAdobeCMYK: samples, pixelCount: width * height)
        }
        return Image(width: width, height: height, pixels: samples)
    }

    /// Whether a libjpeg warning leaves the decoded pixels intact.
    ///
    /// Warnings about damaged entropy-coded data ("Corrupt JPEG data: bad Huffman code", "premature end of
    /// data segment") mean parts of the image are garbage or grey; stray bytes between markers, odd JFIF
    /// versions and the like do not.
    private static func isHarmlessWarning(_ message: String) -> Bool {
        let lowercased = message.lowercased()
        if lowercased.contains("premature end of jpeg file") { return false }
        if lowercased.hasPrefix("corrupt jpeg data") { return lowercased.contains("extraneous bytes") }
        return true
    }

    /// Converts CMYK samples as Adobe applications store them in JPEG files (inverted, 255 = no ink) to RGB.
    private static func rgbSamples(fromAdobeCMYK cmyk: [UInt8], pixelCount: Int) -> [UInt8] {
        cmyk.withUnsafeBufferPointer { source in
            [UInt8](unsafeUninitializedCapacity: pixelCount * 3) { output, initializedCount in
                for pixel in 0..<pixelCount {
                    let key = UInt32(source[pixel * 4 + 3])
                    for channel in 0..<3 {
                        output[pixel * 3 + channel] = UInt8((UInt32(source[pixel * 4 + channel]) * key + 127) / 255)
                    }
                }
                initializedCount = pixelCount * 3
            }
        }
    }

    /// Whether the stream ends with an end-of-image marker (FF D9), allowing for trailing padding bytes.
    ///
    /// Inside entropy-coded data every FF byte is followed by 00 or a restart marker, so FF D9 near the end
    /// can only be the end-of-image marker.
    static func hasEndOfImageMarker(_ bytes: [UInt8]) -> Bool {
        let searchStart = max(2, bytes.count - 4096)
        var index = bytes.count - 2
        while index >= searchStart {
            if bytes[index] == 0xFF && bytes[index + 1] == 0xD9 { return true }
            index -= 1
        }
        return false
    }
}
