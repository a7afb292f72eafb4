import CPNG
import CTurboJPEG

/// Encodes ``Image`` values as PNG or JPEG files.
public enum ImageEncoder {
    /// Encodes the image as an 8-bit RGB, non-interlaced PNG (lossless; suited to face chips and test images).
    public static func png(_ image: Image) throws(ImageError) -> [UInt8] {
        guard image.width > 0, image.height > 0 else {
            throw ImageError(
                code: .encodingFailed, message: "cannot encode an empty \(image.width)×\(image.height) image as PNG")
        }
        guard image.width <= Int(Int32.max) / 3, image.height <= Int(UInt32.max) else {
            throw ImageError(
                code: .encodingFailed, message: "a \(image.width)×\(image.height) image is too large for PNG")
        }
        var control = png_image()
        control.version = UInt32(PNG_IMAGE_VERSION)
        control.width = UInt32(image.width)
        control.height = UInt32(image.height)
        control.format = UInt32(PNG_FORMAT_FLAG_COLOR)
        defer { png_image_free(&control) }

        let rowStride = Int32(image.width * 3)
        return try image.pixels.withUnsafeBufferPointer { (samples) throws(ImageError) -> [UInt8] in
            // First pass measures, second pass writes (libpng's documented two-call protocol).
            var size: png_alloc_size_t = 0
            guard png_image_write_to_memory(&control, nil, &size, 0, samples.baseAddress, rowStride, nil) != 0 else {
                throw ImageError(libpngImage: control, operation: "measuring the encoded size")
            }
            var status: Int32 = 0
            let encoded = [UInt8](unsafeUninitializedCapacity: Int(size)) { output, initializedCount in
                var written = size
                status = png_image_write_to_memory(
                    &control, output.baseAddress, &written, 0, samples.baseAddress, rowStride, nil)
                initializedCount = status != 0 ? Int(written) : 0
            }
            guard status != 0 else {
                throw ImageError(libpngImage: control, operation: "encoding")
            }
            return encoded
        }
    }

    /// Encodes the image as a baseline JPEG at `quality` (1–100) without chroma subsampling (4:4:4).
    public static func jpeg(_ image: Image, quality: Int = 90) throws(ImageError) -> [UInt8] {
        try jpeg(samples: image.pixels, width: image.width, height: image.height, layout: .rgb, quality: quality)
    }

    /// The arrangement of the samples handed to ``jpeg(samples:width:height:layout:quality:)``.
    enum JPEGSampleLayout {
        /// Three bytes per pixel, R G B; encoded 4:4:4.
        case rgb
        /// One byte per pixel; encoded as a single-component greyscale JPEG.
        case grey
        /// Four bytes per pixel, C M Y K as Adobe stores them (inverted, 255 = no ink); encoded as YCCK.
        case cmyk
    }

    /// Encodes raw samples in any layout TurboJPEG accepts; greyscale and CMYK files exist for tests.
    static func jpeg(
        samples: [UInt8],
        width: Int,
        height: Int,
        layout: JPEGSampleLayout,
        quality: Int
    ) throws(ImageError) -> [UInt8] {
        precondition((1...100).contains(quality), "JPEG quality must be within 1...100, got \(quality)")
        guard width > 0, height > 0, width <= 65_535, height <= 65_535 else {
            throw ImageError(code: .encodingFailed, message: "JPEG cannot hold a \(width)×\(height) image")
        }
        let (pixelFormat, subsampling, channels): (TJPF, TJSAMP, Int) =
            switch layout {
            case .rgb: (TJPF_RGB, TJSAMP_444, 3)
            case .grey: (TJPF_GRAY, TJSAMP_GRAY, 1)
            case .cmyk: (TJPF_CMYK, TJSAMP_444, 4)
            }
        precondition(
            samples.count == width * height * channels,
            "\(width)×\(height) \(layout) samples need \(width * height * channels) bytes, got \(samples.count)")

        guard let handle = tjInitCompress() else {
            throw ImageError(code: .encodingFailed, message: "cannot create a TurboJPEG compressor")
        }
        defer { tjDestroy(handle) }
        var encoded: UnsafeMutablePointer<UInt8>?
        var size: UInt = 0
        defer { tjFree(encoded) }
        let status = samples.withUnsafeBufferPointer { input in
            tjCompress2(
                handle, input.baseAddress, Int32(width), 0, Int32(height), pixelFormat.rawValue, &encoded, &size,
                Int32(subsampling.rawValue), Int32(quality), 0)
        }
        guard status == 0, let encoded else {
            let libraryMessage = tjGetErrorStr2(handle).map { String(cString: $0) } ?? "unknown TurboJPEG error"
            throw ImageError(code: .encodingFailed, message: "JPEG encoding failed: \(libraryMessage)")
        }
        return Array(UnsafeBufferPointer(start: encoded, count: Int(size)))
    }
}
