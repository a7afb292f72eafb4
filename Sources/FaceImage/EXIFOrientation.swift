/// The EXIF orientation tag (0x0112): how the stored pixels must be flipped or turned to appear upright.
///
/// Raw values follow the EXIF specification; each case describes the operation that makes the stored image
/// upright. Cases 5–8 swap width and height.
enum EXIFOrientation: Int, Sendable, CaseIterable {
    case identity = 1
    case mirrorHorizontal = 2
    case rotate180 = 3
    case mirrorVertical = 4
    case transpose = 5
    case rotate90Clockwise = 6
    case transverse = 7
    case rotate90CounterClockwise = 8

    /// Whether applying the orientation swaps width and height.
    var swapsDimensions: Bool {
        rawValue >= 5
    }

    private static let orientationTag: UInt16 = 0x0112
    private static let exifHeader: [UInt8] = Array("Exif".utf8) + [0, 0]

    /// Reads the orientation from the first EXIF APP1 segment of a JPEG stream.
    ///
    /// Every offset in the file is untrusted: anything missing, out of bounds or out of range gives
    /// ``identity``, never a crash.
    static func read(fromJPEG bytes: [UInt8]) -> EXIFOrientation {
        bytes.withUnsafeBufferPointer { buffer in
            guard let segment = exifSegment(in: buffer) else { return .identity }
            return orientation(inTIFF: UnsafeBufferPointer(rebasing: segment))
        }
    }

    /// The TIFF data of the first EXIF APP1 segment, if the header has one.
    private static func exifSegment(in bytes: UnsafeBufferPointer<UInt8>) -> Slice<UnsafeBufferPointer<UInt8>>? {
        var found: Slice<UnsafeBufferPointer<UInt8>>?
        JPEGSegments.walk(bytes) { marker, payload in
            guard marker == 0xE1, payload.count > exifHeader.count, payload.starts(with: exifHeader) else {
                return true
            }
            found = payload.dropFirst(exifHeader.count)
            return false
        }
        return found
    }

    /// Finds tag 0x0112 in IFD0 of a TIFF structure (the body of an EXIF segment).
    private static func orientation(inTIFF tiff: UnsafeBufferPointer<UInt8>) -> EXIFOrientation {
        guard tiff.count >= 8 else { return .identity }
        let bigEndian: Bool
        switch (tiff[0], tiff[1]) {
        case (0x49, 0x49): bigEndian = false  // "II"
        case (0x4D, 0x4D): bigEndian = true  // "MM"
        default: return .identity
        }
        func uint16(at offset: Int) -> UInt16? {
            guard offset >= 0, offset <= tiff.count - 2 else { return nil }
            let first = UInt16(tiff[offset])
            let second = UInt16(tiff[offset + 1])
            return bigEndian ? first << 8 | second : second << 8 | first
        }
        func uint32(at offset: Int) -> UInt32? {
            guard let first = uint16(at: offset), let second = uint16(at: offset + 2) else { return nil }
            return bigEndian ? UInt32(first) << 16 | UInt32(second) : UInt32(second) << 16 | UInt32(first)
        }

        guard uint16(at: 2) == 42, let ifdOffset = uint32(at: 4), let entryCount = uint16(at: Int(ifdOffset)) else {
            return .identity
        }
        let entriesStart = Int(ifdOffset) + 2
        for entry in 0..<Int(entryCount) {
            let entryOffset = entriesStart + entry * 12
            guard let tag = uint16(at: entryOffset), let type = uint16(at: entryOffset + 2) else { break }
            guard tag == orientationTag else { continue }
            // The value is a SHORT stored in the entry itself; tolerate LONG, which some writers use.
            let value: Int?
            switch type {
            case 3: value = uint16(at: entryOffset + 8).map(Int.init)
            case 4: value = uint32(at: entryOffset + 8).map(Int.init)
            default: value = nil
            }
            return value.flatMap(EXIFOrientation.init(rawValue:)) ?? .identity
        }
        return .identity
    }
}
