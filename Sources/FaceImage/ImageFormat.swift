/// The container format of an encoded image, recognised from its first bytes (never from a file name).
enum ImageFormat: Equatable, Sendable {
    case jpeg
    case png
    case gif
    case webP
    case bmp
    case tiff
    case heif
    case avif
    case jpeg2000
    case pdf
    case svg
    case text
    case unknown

    /// The name used in error messages ("GIF images are not supported").
    var name: String {
        switch self {
        case .jpeg: "JPEG"
        case .png: "PNG"
        case .gif: "GIF"
        case .webP: "WebP"
        case .bmp: "BMP"
        case .tiff: "TIFF"
        case .heif: "HEIC/HEIF"
        case .avif: "AVIF"
        case .jpeg2000: "JPEG 2000"
        case .pdf: "PDF"
        case .svg: "SVG"
        case .text: "text"
        case .unknown: "unknown"
        }
    }

    private static let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    private static let jpeg2000Signature: [UInt8] = [0x00, 0x00, 0x00, 0x0C, 0x6A, 0x50, 0x20, 0x20, 0x0D, 0x0A]
    private static let heifBrands: Set<String> = [
        "heic", "heix", "hevc", "hevx", "heim", "heis", "hevm", "hevs", "mif1", "msf1",
    ]
    private static let avifBrands: Set<String> = ["avif", "avis"]

    /// Recognises the format of `bytes` by its magic number.
    init(sniffing bytes: [UInt8]) {
        func starts(with prefix: [UInt8], at offset: Int = 0) -> Bool {
            bytes.count >= offset + prefix.count && bytes[offset..<(offset + prefix.count)].elementsEqual(prefix)
        }
        func starts(with ascii: String, at offset: Int = 0) -> Bool {
            starts(with: Array(ascii.utf8), at: offset)
        }

        if starts(with: [0xFF, 0xD8, 0xFF]) {
            self = .jpeg
        } else if starts(with: Self.pngSignature) {
            self = .png
        } else if starts(with: "GIF87a") || starts(with: "GIF89a") {
            self = .gif
        } else if starts(with: "RIFF") && starts(with: "WEBP", at: 8) {
            self = .webP
        } else if starts(with: "BM") && bytes.count >= 14 && bytes[6...9].allSatisfy({ $0 == 0 }) {
            // "BM" alone is too weak (text may start so); the four reserved header bytes are zero in BMP files.
            self = .bmp
        } else if starts(with: [0x49, 0x49, 0x2A, 0x00]) || starts(with: [0x4D, 0x4D, 0x00, 0x2A]) {
            self = .tiff
        } else if starts(with: "ftyp", at: 4), bytes.count >= 12 {
            let brand = String(decoding: bytes[8..<12], as: UTF8.self)
            if Self.avifBrands.contains(brand) {
                self = .avif
            } else if Self.heifBrands.contains(brand) {
                self = .heif
            } else {
                self = .unknown
            }
        } else if starts(with: Self.jpeg2000Signature) || starts(with: [0xFF, 0x4F, 0xFF, 0x51]) {
            self = .jpeg2000
        } else if starts(with: "%PDF-") {
            self = .pdf
        } else if Self.looksLikeText(bytes) {
            self = Self.containsSVGTag(bytes) ? .svg : .text
        } else {
            self = .unknown
        }
    }

    /// Whether the first bytes are UTF-8 text without control characters other than whitespace.
    private static func looksLikeText(_ bytes: [UInt8]) -> Bool {
        let sample = bytes.prefix(512)
        var index = sample.startIndex
        while index < sample.endIndex {
            let byte = sample[index]
            let sequenceLength: Int
            switch byte {
            case 0x09, 0x0A, 0x0C, 0x0D, 0x20...0x7E: sequenceLength = 1
            case 0xC2...0xDF: sequenceLength = 2
            case 0xE0...0xEF: sequenceLength = 3
            case 0xF0...0xF4: sequenceLength = 4
            default: return false
            }
            let end = index + sequenceLength
            // A multi-byte character cut off by the sample's end still counts as text.
            let continuation = sample[(index + 1)..<min(end, sample.endIndex)]
            guard continuation.allSatisfy({ $0 & 0xC0 == 0x80 }) else { return false }
            index = end
        }
        return true
    }

    private static func containsSVGTag(_ bytes: [UInt8]) -> Bool {
        let head = String(decoding: bytes.prefix(1024), as: UTF8.self).lowercased()
        return head.contains("<svg")
    }
}
