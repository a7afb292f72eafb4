/// Limits and adjustments applied while decoding an image.
public struct ImageDecodingOptions: Sendable {
    /// The largest `width * height` accepted, checked against the file's header before any pixel memory is
    /// allocated; larger images throw ``ImageError/Code/tooLarge``.
    ///
    /// The stored size counts, not the size after ``maxDimension`` shrinks it: a JPEG decoder still holds
    /// per-row (and for progressive files, per-image) state proportional to the stored size.
    public var maxPixels: Int
    /// The longest side, in pixels, the decoded image may have; `nil` keeps the stored size.
    ///
    /// A larger image is shrunk, keeping its aspect ratio, so that its longer side equals `maxDimension`.
    /// JPEG files are first decoded at a reduced size by the codec itself (scaling by n/8 during the inverse
    /// DCT, far cheaper than decoding at full size), choosing the smallest scale that still reaches
    /// `maxDimension`; the rest of the reduction, and all of it for PNG files, is done by halving with 2×2
    /// averages and a final bilinear resize. Images never grow.
    public var maxDimension: Int?
    /// Whether a JPEG's EXIF orientation (tag 0x0112) is applied, so that the image comes out upright.
    public var appliesOrientation: Bool

    /// Creates decoding options; the defaults accept images up to 50 megapixels at full size, upright.
    public init(maxPixels: Int = 50_000_000, maxDimension: Int? = nil, appliesOrientation: Bool = true) {
        precondition(maxPixels > 0, "maxPixels must be positive, got \(maxPixels)")
        if let maxDimension {
            precondition(maxDimension > 0, "maxDimension must be positive, got \(maxDimension)")
        }
        self.maxPixels = maxPixels
        self.maxDimension = maxDimension
        self.appliesOrientation = appliesOrientation
    }
}
