import FaceCore

/// Which face of a photo an evaluation describes, and what it does when the detector finds none.
///
/// The rule, for LFW-style photos where the subject is centred:
///
/// 1. Detect faces (dlib's MMOD detector, doubling the photo ``upsample`` times first) in the centred
///    square ``detectionRegionFraction`` of the photo (all of it by default; 80% for LFW, ``lfw``).
/// 2. Of the faces found, take the one whose box centre is nearest the photo's centre.
/// 3. If none is found, use the **centred fallback box**: a square whose side is
///    ``fallbackSideFraction`` (46%) of the photo's shorter side, centred on the photo. On a 250×250 LFW
///    photo that is the box (67.5, 67.5) 115×115 — the size and place of the boxes the detector
///    gives for LFW-like photos: on 189 photos whose faces were cropped as LFW crops them (face box
///    × 2.1–2.4) and scaled to 250×250, 131 of 190 boxes were 115×115 and most others 96×96, with
///    centres at a median (128.5, 123) and none more than 23 pixels from the photo centre.
/// 4. Find the 5 landmarks inside that box and cut the aligned chip from them, as for a detected face.
public struct FaceChoice: Hashable, Sendable {
    /// The side of the centred fallback box, as a fraction of the photo's shorter side.
    public static let fallbackSideFraction = 0.46

    /// How many times the photo is doubled before detection (0 finds faces from about 80 pixels).
    public var upsample: Int
    /// Whether a photo without a detected face falls back to the centred box; otherwise it has no
    /// descriptor and its pairs count as rejected.
    public var fallsBackToCentre: Bool
    /// The side of the centred square the detector scans, as a fraction of the photo's shorter side
    /// (1: the whole photo). Detection cost grows with the area scanned; LFW's faces sit in the middle,
    /// so scanning its central 80% finds the same faces in about two thirds of the time.
    public var detectionRegionFraction: Double

    /// Creates a face choice.
    public init(upsample: Int = 0, fallsBackToCentre: Bool = true, detectionRegionFraction: Double = 1) {
        precondition(
            detectionRegionFraction > 0 && detectionRegionFraction <= 1,
            "detectionRegionFraction must be in (0, 1], got \(detectionRegionFraction)")
        self.upsample = upsample
        self.fallsBackToCentre = fallsBackToCentre
        self.detectionRegionFraction = detectionRegionFraction
    }

    /// The LFW rule: no upsampling (LFW faces are about 100–140 pixels), the central 80% scanned,
    /// centred fallback.
    public static let lfw = FaceChoice(upsample: 0, fallsBackToCentre: true, detectionRegionFraction: 0.8)

    /// The region the detector scans in a `width` × `height` photo: whole pixels, centred.
    public func detectionRegion(width: Int, height: Int) -> (x: Int, y: Int, width: Int, height: Int) {
        guard detectionRegionFraction < 1 else { return (0, 0, width, height) }
        let side = Int((detectionRegionFraction * Double(min(width, height))).rounded())
        let regionWidth = min(width, side)
        let regionHeight = min(height, side)
        return ((width - regionWidth) / 2, (height - regionHeight) / 2, regionWidth, regionHeight)
    }

    /// The centred fallback box of a `width` × `height` photo.
    public static func fallbackBox(width: Int, height: Int) -> BoundingBox {
        let side = fallbackSideFraction * Double(min(width, height))
        return BoundingBox(x: (Double(width) - side) / 2, y: (Double(height) - side) / 2, width: side, height: side)
    }

    /// The index of the box whose centre is nearest the centre of a `width` × `height` photo.
    public static func nearestCentre(_ boxes: [BoundingBox], width: Int, height: Int) -> Int? {
        let centre = Point2D(x: Double(width - 1) / 2, y: Double(height - 1) / 2)
        func squaredDistance(_ box: BoundingBox) -> Double {
            let dx = box.center.x - centre.x
            let dy = box.center.y - centre.y
            return dx * dx + dy * dy
        }
        return boxes.indices.min { squaredDistance(boxes[$0]) < squaredDistance(boxes[$1]) }
    }

    /// A short text naming the rule, for the descriptor cache key.
    public var cacheTag: String {
        "upsample=\(upsample);fallback=\(fallsBackToCentre ? "centre\(Self.fallbackSideFraction)" : "none");"
            + "region=\(detectionRegionFraction);nearest-centre"
    }
}
