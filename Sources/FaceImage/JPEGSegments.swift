/// Walks the marker segments at the start of a JPEG stream (SOI, then APPn, DQT, SOF… up to the start of scan).
///
/// All offsets come from untrusted data and are bounds-checked; the walk never reads outside `bytes`.
enum JPEGSegments {
    /// Where a walk stopped.
    enum Ending: Equatable {
        /// `visit` asked to stop.
        case stopped
        /// Reached the start-of-scan marker: the header is complete.
        case startOfScan
        /// Reached an end-of-image marker before any scan.
        case endOfImage
        /// The data ends inside the header, or a segment claims more bytes than remain.
        case cutShort
        /// Something other than a marker sits where a marker must be.
        case invalid
    }

    /// Calls `visit` with each segment's marker byte and payload (the bytes after the length field) until it
    /// returns `false` or the header ends.
    @discardableResult
    static func walk(
        _ bytes: UnsafeBufferPointer<UInt8>,
        visit: (_ marker: UInt8, _ payload: Slice<UnsafeBufferPointer<UInt8>>) -> Bool
    ) -> Ending {
        guard bytes.count >= 2 else { return .cutShort }
        guard bytes[0] == 0xFF, bytes[1] == 0xD8 else { return .invalid }
        var position = 2
        while true {
            guard position + 2 <= bytes.count else { return .cutShort }
            guard bytes[position] == 0xFF else { return .invalid }
            let marker = bytes[position + 1]
            if marker == 0xFF {
                position += 1  // A fill byte before a marker.
                continue
            }
            position += 2
            switch marker {
            case 0xDA: return .startOfScan
            case 0xD9: return .endOfImage
            case 0x01, 0xD0...0xD7: continue  // Markers without a length field.
            default: break
            }
            guard position + 2 <= bytes.count else { return .cutShort }
            let length = Int(bytes[position]) << 8 | Int(bytes[position + 1])
            guard length >= 2 else { return .invalid }
            guard position + length <= bytes.count else { return .cutShort }
            if !visit(marker, bytes[(position + 2)..<(position + length)]) { return .stopped }
            position += length
        }
    }

    /// Whether the header's marker segments run past the end of `bytes`.
    static func headerIsCutShort(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { walk($0) { _, _ in true } } == .cutShort
    }
}
