/// Writes PNG files of any colour type, bit depth and interlacing, so tests can make every variant in code.
///
/// Image data is stored with uncompressed ("stored") deflate blocks and filter type 0: simple to write, and
/// still a valid zlib stream for any decoder.
struct PNGWriter {
    /// PNG colour types (PNG specification, table 11.1).
    enum ColorType: UInt8 {
        case grey = 0
        case rgb = 2
        case palette = 3
        case greyAlpha = 4
        case rgba = 6

        var channels: Int {
            switch self {
            case .grey, .palette: 1
            case .greyAlpha: 2
            case .rgb: 3
            case .rgba: 4
            }
        }
    }

    var width: Int
    var height: Int
    var colorType: ColorType
    var bitDepth: Int
    var interlaced = false
    /// PLTE entries for palette images.
    var palette: [(r: UInt8, g: UInt8, b: UInt8)] = []
    /// tRNS alpha values for palette images (fewer entries than the palette is allowed).
    var paletteAlpha: [UInt8] = []
    /// The samples of pixel (x, y), `colorType.channels` values each below `1 << bitDepth`.
    var samples: (Int, Int) -> [Int]

    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    func encoded() -> [UInt8] {
        var ihdr = [UInt8]()
        ihdr += Self.bigEndian32(UInt32(width)) + Self.bigEndian32(UInt32(height))
        ihdr += [UInt8(bitDepth), colorType.rawValue, 0, 0, interlaced ? 1 : 0]
        var file = Self.signature
        file += Self.chunk("IHDR", ihdr)
        if colorType == .palette {
            file += Self.chunk("PLTE", palette.flatMap { [$0.r, $0.g, $0.b] })
            if !paletteAlpha.isEmpty {
                file += Self.chunk("tRNS", paletteAlpha)
            }
        }
        file += Self.chunk("IDAT", Self.zlibStored(filteredScanlines()))
        file += Self.chunk("IEND", [])
        return file
    }

    /// The scanlines of the image (or of each Adam7 pass), each prefixed with filter type 0.
    private func filteredScanlines() -> [UInt8] {
        // Adam7 passes: (first column, first row, column step, row step).
        let passes: [(Int, Int, Int, Int)] =
            interlaced
            ? [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
            : [(0, 0, 1, 1)]
        var data = [UInt8]()
        for (firstColumn, firstRow, columnStep, rowStep) in passes {
            let columns = Array(stride(from: firstColumn, to: width, by: columnStep))
            let rows = Array(stride(from: firstRow, to: height, by: rowStep))
            guard !columns.isEmpty, !rows.isEmpty else { continue }
            for y in rows {
                data.append(0)
                data += packedRow(columns.map { samples($0, y) })
            }
        }
        return data
    }

    private func packedRow(_ pixels: [[Int]]) -> [UInt8] {
        let values = pixels.flatMap { $0 }
        switch bitDepth {
        case 16:
            return values.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
        case 8:
            return values.map { UInt8($0) }
        default:
            var bytes = [UInt8]()
            var current = 0
            var bitsUsed = 0
            for value in values {
                current = current << bitDepth | value
                bitsUsed += bitDepth
                if bitsUsed == 8 {
                    bytes.append(UInt8(current))
                    current = 0
                    bitsUsed = 0
                }
            }
            if bitsUsed > 0 {
                bytes.append(UInt8(current << (8 - bitsUsed)))
            }
            return bytes
        }
    }

    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typeAndData = Array(type.utf8) + data
        return bigEndian32(UInt32(data.count)) + typeAndData + bigEndian32(crc32(typeAndData))
    }

    static func bigEndian32(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }

    /// CRC-32 as PNG defines it (reflected polynomial 0xEDB88320).
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 {
                crc = crc & 1 != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1
            }
        }
        return ~crc
    }

    /// A zlib stream made of stored (uncompressed) deflate blocks.
    static func zlibStored(_ data: [UInt8]) -> [UInt8] {
        var stream: [UInt8] = [0x78, 0x01]
        var offset = 0
        repeat {
            let length = min(65_535, data.count - offset)
            let isLast = offset + length == data.count
            stream.append(isLast ? 1 : 0)
            stream += [UInt8(length & 0xFF), UInt8(length >> 8), UInt8(~length & 0xFF), UInt8((~length >> 8) & 0xFF)]
            stream += data[offset..<(offset + length)]
            offset += length
        } while offset < data.count
        var a: UInt32 = 1
        var b: UInt32 = 0
        for byte in data {
            a = (a + UInt32(byte)) % 65_521
            b = (b + a) % 65_521
        }
        return stream + bigEndian32(b << 16 | a)
    }
}
