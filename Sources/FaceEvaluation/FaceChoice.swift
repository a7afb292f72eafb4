import FaceCore

/// Which face of a photo an evaluation describes, and what it does when the detector finds none.
///
/// The rule, for LFW-style photos where the subject is centred:
///
/// 1. Detect faces (dlib's MMOD detector, doubling the photo ``upsample`` times first).
/// 2. Of the faces found, take the one whose box centre is nearest the photo's centre.
/// 3. If none is found, use the **centred fallback box**: a square whose side is
///    ``fallbackSideFraction`` (46%) of the photo's shorter side, centred on the photo. On a 250×250 LFW
///    photo that is the box (67.5, 67.5) 115×115 — the size and place of the boxes the detector
///    gives for LFW-like photos (faces cropped as LFW crops them and scaled to 250×250 came out at
///    115×115 with centres within 12 pixels of the photo centre, detected at 96, 115 or 138 pixels).
/// 4. Find the 5 landmarks inside that box and cut the aligned chip from them, as for a detected face.
public struct FaceChoice: Hashable, Sendable {
    /// The side of the centred fallback box, as a fraction of the photo's shorter side.
    public static let fallbackSideFraction = 0.46

    /// How many times the photo is doubled before detection (0 finds faces from about 80 pixels).
    public var upsample: Int
    /// Whether a photo without a detected face falls back to the centred box; otherwise it has no
    /// descriptor and its pairs count as rejected.
    public var fallsBackToCentre: Bool

    /// Creates a face choice.
    public init(upsample: Int = 0, fallsBackToCentre: Bool = true) {
        self.upsample = upsample
        self.fallsBackToCentre = fallsBackToCentre
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
            let dx = box.center.x - centre.x, dy = box.center.y - centre.y
            return dx * dx + dy * dy
        }
        return boxes.indices.min { squaredDistance(boxes[$0]) < squaredDistance(boxes[$1]) }
    }

    /// A short text naming the rule, for the descriptor cache key.
    public var cacheTag: String { "upsample=\(upsample);fallback=\(fallsBackToCentre ? "centre\(Self.fallbackSideFraction)" : "none");nearest-centre" }
}
