import CPNG

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Decodes PNG streams with libpng's simplified API, which reports errors by status instead of `longjmp`.
///
/// Every PNG variant (bit depths 1–16, grey, grey+alpha, palette, RGB, RGBA, interlaced) becomes 8-bit RGB.
/// Alpha is dropped, keeping colours as stored rather than compositing them onto a background.
///
/// 16-bit files are read as libpng's 16-bit linear-light output and encoded back to 8 bits here, because
/// libpng's own 16-to-8-bit path garbles Adam7-interlaced files (libpng issue #853). Samples of files without
/// gamma information are taken as gamma-encoded, so plain 16-bit values come out as about `value / 257`
/// (libpng linearises with a 2.2 power law, which the encoding here inverts; the darkest level, 1/255, may
/// become 0). libpng hands 16-bit colour with alpha over premultiplied; it is divided back, so fully
/// transparent 16-bit pixels come out black.
enum PNGDecoder {
    static func decode(_ bytes: [UInt8], options: ImageDecodingOptions) throws(ImageError) -> Image {
        var control = png_image()
        control.version = UInt32(PNG_IMAGE_VERSION)
        defer { png_image_free(&control) }

        // libpng keeps pointing into `bytes` until png_image_finish_read returns, so both calls share one scope.
        let result: Result<Image, ImageError> = bytes.withUnsafeBufferPointer { input in
            guard png_image_begin_read_from_memory(&control, input.baseAddress, input.count) != 0 else {
                return .failure(ImageError(libpngImage: control, operation: "reading the header"))
            }
            let width = Int(control.width)
            let height = Int(control.height)
            do throws(ImageError) {
                try ImageDecoder.checkSize(width: width, height: height, format: "PNG", options: options)
            } catch {
                return .failure(error)
            }

            let hasAlpha = control.format & UInt32(PNG_FORMAT_FLAG_ALPHA) != 0
            let isSixteenBit = control.format & UInt32(PNG_FORMAT_FLAG_LINEAR) != 0
            control.format =
                UInt32(PNG_FORMAT_FLAG_COLOR) | (hasAlpha ? UInt32(PNG_FORMAT_FLAG_ALPHA) : 0)
                | (isSixteenBit ? UInt32(PNG_FORMAT_FLAG_LINEAR) : 0)
            control.flags |= UInt32(PNG_IMAGE_FLAG_16BIT_sRGB)
            let channels = hasAlpha ? 4 : 3
            let pixelCount = width * height
            let rowStride = Int32(width * channels)  // In samples (bytes or 16-bit words), as libpng counts it.

            var status: Int32 = 0
            let rgb: [UInt8]
            if isSixteenBit {
                let samples = [UInt16](unsafeUninitializedCapacity: pixelCount * channels) { output, initializedCount in
                    status = png_image_finish_read(&control, nil, output.baseAddress, rowStride, nil)
                    initializedCount = output.count
                }
                rgb =
                    status != 0
                    ? Self.encodedSamples(fromLinear: samples, pixelCount: pixelCount, hasAlpha: hasAlpha) : []
            } else {
                let samples = [UInt8](unsafeUninitializedCapacity: pixelCount * channels) { output, initializedCount in
                    status = png_image_finish_read(&control, nil, output.baseAddress, rowStride, nil)
                    initializedCount = output.count
                }
                rgb = status != 0 && hasAlpha ? Self.droppingAlpha(samples, pixelCount: pixelCount) : samples
            }
            guard status != 0 else {
                return .failure(ImageError(libpngImage: control, operation: "decoding"))
            }
            return .success(Image(width: width, height: height, pixels: rgb))
        }
        var image = try result.get()
        if let maxDimension = options.maxDimension {
            image = image.downscaled(toFit: maxDimension)
        }
        return image
    }

    private static func droppingAlpha(_ rgba: [UInt8], pixelCount: Int) -> [UInt8] {
        rgba.withUnsafeBufferPointer { source in
            [UInt8](unsafeUninitializedCapacity: pixelCount * 3) { output, initializedCount in
                for pixel in 0..<pixelCount {
                    output[pixel * 3] = source[pixel * 4]
                    output[pixel * 3 + 1] = source[pixel * 4 + 1]
                    output[pixel * 3 + 2] = source[pixel * 4 + 2]
                }
                initializedCount = pixelCount * 3
            }
        }
    }

    /// 8-bit gamma-encoded values of every 16-bit linear-light value: the inverse of the 2.2 power law libpng
    /// linearises with (PNG_GAMMA_sRGB), so that values survive the round trip.
    private static let encodedFromLinear: [UInt8] = (0...65_535).map { value in
        let encoded = pow(Double(value) / 65_535, 1 / 2.2)
        return UInt8(min(max(encoded * 255 + 0.5, 0), 255))
    }

    /// Converts libpng's 16-bit linear output (premultiplied when it has alpha) to gamma-encoded 8-bit RGB.
    private static func encodedSamples(fromLinear linear: [UInt16], pixelCount: Int, hasAlpha: Bool) -> [UInt8] {
        let channels = hasAlpha ? 4 : 3
        return encodedFromLinear.withUnsafeBufferPointer { table in
            linear.withUnsafeBufferPointer { source in
                [UInt8](unsafeUninitializedCapacity: pixelCount * 3) { output, initializedCount in
                    for pixel in 0..<pixelCount {
                        let base = pixel * channels
                        let alpha = hasAlpha ? UInt32(source[base + 3]) : 65_535
                        for channel in 0..<3 {
                            var value = UInt32(source[base + channel])
                            if alpha == 0 {
                                value = 0
                            } else if alpha != 65_535 {
                                value = min((value * 65_535 + alpha / 2) / alpha, 65_535)
                            }
                            output[pixel * 3 + channel] = table[Int(value)]
                        }
                    }
                    initializedCount = pixelCount * 3
                }
            }
        }
    }
}
