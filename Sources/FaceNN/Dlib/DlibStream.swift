/// Reads the primitives of dlib's serialization format from a byte buffer.
///
/// Integers are compact: a control byte (low nibble = byte count, 0x80 = negative) then that many
/// little-endian magnitude bytes. Floats are an integer mantissa and exponent (value = m·2^e).
/// Strings are a length then bytes; booleans are the characters '0' or '1'. Tensors (version 2)
/// are four dimensions then raw little-endian float32. Every read is bounds-checked and throws.
struct DlibStream {
    private let bytes: [UInt8]
    private(set) var position = 0
    /// Names what is being read, for error messages.
    var context = "model header"

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    var isAtEnd: Bool { position == bytes.count }

    private func fail(_ code: FaceNNError.Code, _ what: String) -> FaceNNError {
        FaceNNError(code, "\(what) at byte \(position) while reading \(context)")
    }

    mutating func byte() throws(FaceNNError) -> UInt8 {
        guard position < bytes.count else {
            throw fail(.truncatedModel, "model file ends early (\(bytes.count) bytes)")
        }
        defer { position += 1 }
        return bytes[position]
    }

    /// A compact signed integer (dlib `int`, `long`, `long long`).
    mutating func integer() throws(FaceNNError) -> Int64 {
        let control = try byte()
        let size = Int(control & 0x0F)
        guard size >= 1 && size <= 8 && control & 0x70 == 0 else {
            throw fail(.corruptModel, "invalid integer control byte 0x\(String(control, radix: 16))")
        }
        var magnitude: UInt64 = 0
        for i in 0..<size { magnitude |= UInt64(try byte()) << (8 * UInt64(i)) }
        guard magnitude <= UInt64(Int64.max) else { throw fail(.corruptModel, "integer out of range") }
        return control & 0x80 != 0 ? -Int64(magnitude) : Int64(magnitude)
    }

    /// A compact integer that must lie in `range`.
    mutating func integer(in range: ClosedRange<Int>, _ what: String) throws(FaceNNError) -> Int {
        let value = try integer()
        guard value >= Int64(range.lowerBound) && value <= Int64(range.upperBound) else {
            throw fail(.corruptModel, "\(what) is \(value), expected \(range.lowerBound)...\(range.upperBound)")
        }
        return Int(value)
    }

    mutating func string() throws(FaceNNError) -> String {
        let length = try integer(in: 0...4096, "string length")
        guard bytes.count - position >= length else { throw fail(.truncatedModel, "model file ends inside a string") }
        defer { position += length }
        return String(decoding: bytes[position..<position + length], as: UTF8.self)
    }

    /// A floating-point number in dlib's portable mantissa/exponent form.
    mutating func float() throws(FaceNNError) -> Double {
        guard position < bytes.count else { throw fail(.truncatedModel, "model file ends early") }
        guard bytes[position] & 0x70 == 0 else {
            throw fail(.unsupportedModel, "floating-point value in dlib's old text format")
        }
        let mantissa = try integer()
        let exponent = try integer(in: Int(Int16.min)...Int(Int16.max), "float exponent")
        switch exponent {
        case 32000: return .infinity
        case 32001: return -.infinity
        case 32002: return .nan
        default: return Double(sign: .plus, exponent: exponent, significand: Double(mantissa))
        }
    }

    mutating func bool() throws(FaceNNError) -> Bool {
        switch try byte() {
        case UInt8(ascii: "1"): return true
        case UInt8(ascii: "0"): return false
        default: throw fail(.corruptModel, "invalid boolean")
        }
    }

    /// A tensor's dimensions and data (dlib tensor version 2).
    mutating func tensor() throws(FaceNNError) -> (dimensions: [Int], values: [Float]) {
        let version = try integer()
        guard version == 2 else { throw fail(.unsupportedModel, "tensor format version \(version)") }
        var dimensions: [Int] = []
        for _ in 0..<4 { dimensions.append(try integer(in: 0...(1 << 30), "tensor dimension")) }
        let (count, overflow) = dimensions.reduce((1, false)) { partial, d in
            let (product, o) = partial.0.multipliedReportingOverflow(by: d)
            return (product, partial.1 || o)
        }
        guard !overflow, count <= (bytes.count - position) / 4 else {
            throw fail(.truncatedModel, "model file ends inside a tensor of \(dimensions) floats")
        }
        var values = [Float](repeating: 0, count: count)
        values.withUnsafeMutableBytes { target in
            bytes.withUnsafeBytes { source in
                target.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[position..<position + count * 4]))
            }
        }
        #if _endian(big)
        for i in values.indices { values[i] = Float(bitPattern: UInt32(littleEndian: values[i].bitPattern)) }
        #endif
        position += count * 4
        return (dimensions, values)
    }

    /// An alias tensor: a view's four dimensions (version 1), without data.
    mutating func aliasTensor() throws(FaceNNError) -> [Int] {
        let version = try integer()
        guard version == 1 else { throw fail(.unsupportedModel, "alias tensor format version \(version)") }
        var dimensions: [Int] = []
        for _ in 0..<4 { dimensions.append(try integer(in: 0...(1 << 30), "alias tensor dimension")) }
        return dimensions
    }

    func error(_ code: FaceNNError.Code, _ what: String) -> FaceNNError { fail(code, what) }
}
