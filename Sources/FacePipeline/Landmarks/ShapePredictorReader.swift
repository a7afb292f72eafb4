/// Parses a shape-predictor file (dlib's serialization of `shape_predictor`) into a ``ShapePredictorModel``.
///
/// The layout is described in docs/shape-predictor-format.md. Every read is bounds-checked, every
/// count is checked against the bytes left before anything is allocated, and every index is checked
/// against what it indexes, so a damaged file throws ``FacePipelineError/Code/modelUnreadable``
/// instead of trapping at prediction time.
struct ShapePredictorReader {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var position = 0
    /// Names what is being read, for error messages.
    private var context = "the format version"

    /// Parses the bytes of a whole shape-predictor file.
    static func read(_ bytes: [UInt8]) throws(FacePipelineError) -> ShapePredictorModel {
        let parsed: Result<ShapePredictorModel, FacePipelineError> = bytes.withUnsafeBufferPointer { buffer in
            var reader = ShapePredictorReader(bytes: buffer)
            return Result { () throws(FacePipelineError) in try reader.readModel() }
        }
        return try parsed.get()
    }

    private init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    private var remaining: Int { bytes.count - position }

    private func failure(_ what: String) -> FacePipelineError {
        FacePipelineError(.modelUnreadable, "\(what) at byte \(position) while reading \(context)")
    }

    private func truncated() -> FacePipelineError {
        failure("shape-predictor file ends early (\(bytes.count) bytes)")
    }

    // MARK: - Model structure

    private mutating func readModel() throws(FacePipelineError) -> ShapePredictorModel {
        let version = try signed(maxBytes: 4)
        guard version == 1 else {
            throw failure("format version \(version), expected 1 (is this a dlib shape_predictor file?)")
        }

        context = "the mean shape"
        var initialShape: [Float] = []
        try floatColumn(appendingTo: &initialShape, "the mean shape")
        guard !initialShape.isEmpty, initialShape.count % 2 == 0 else {
            throw failure("mean shape has \(initialShape.count) coordinates; expected a positive even count")
        }
        let partCount = initialShape.count / 2

        context = "the cascade count"
        let cascadeCount = try count(minimumElementBytes: 2)
        var forests: [ShapePredictorModel.Forest] = []
        forests.reserveCapacity(cascadeCount)
        for cascade in 0..<cascadeCount {
            context = "the trees of cascade \(cascade)"
            forests.append(try forest(shapeLength: initialShape.count))
        }

        context = "the anchor count"
        guard try count(minimumElementBytes: 2) == cascadeCount else {
            throw failure("anchor lists do not match the \(cascadeCount) cascades")
        }
        var anchors: [[Int32]] = []
        for cascade in 0..<cascadeCount {
            context = "the anchor parts of cascade \(cascade)"
            let featureCount = try count(minimumElementBytes: 2)
            var list: [Int32] = []
            list.reserveCapacity(featureCount)
            for _ in 0..<featureCount { list.append(Int32(try unsigned(below: partCount, "anchor part"))) }
            anchors.append(list)
        }

        context = "the offset count"
        guard try count(minimumElementBytes: 2) == cascadeCount else {
            throw failure("offset lists do not match the \(cascadeCount) cascades")
        }
        var cascades: [ShapePredictorModel.Cascade] = []
        cascades.reserveCapacity(cascadeCount)
        for cascade in 0..<cascadeCount {
            context = "the pixel offsets of cascade \(cascade)"
            let featureCount = try count(minimumElementBytes: 8)
            guard featureCount == anchors[cascade].count else {
                throw failure("\(featureCount) offsets for \(anchors[cascade].count) anchors")
            }
            var offsets: [Float] = []
            offsets.reserveCapacity(2 * featureCount)
            for _ in 0..<2 * featureCount { offsets.append(try float()) }
            let forest = forests[cascade]
            if let largest = forest.splitFeatures.max(), Int(largest) >= featureCount {
                throw failure("a split reads feature pixel \(largest) of \(featureCount)")
            }
            cascades.append(
                ShapePredictorModel.Cascade(
                    anchorParts: anchors[cascade], anchorOffsets: offsets,
                    forest: forest))
        }

        context = "the end of the file"
        guard remaining == 0 else { throw failure("\(remaining) unexpected bytes after the model") }
        return ShapePredictorModel(initialShape: initialShape, cascades: cascades)
    }

    /// One cascade's trees: a count, then per tree its splits and its leaves.
    private mutating func forest(shapeLength: Int) throws(FacePipelineError) -> ShapePredictorModel.Forest {
        let treeCount = try count(minimumElementBytes: 4)
        var forest = ShapePredictorModel.Forest()
        forest.splitStarts.reserveCapacity(treeCount + 1)
        forest.splitStarts.append(0)
        for _ in 0..<treeCount {
            // A split is two feature indices and a threshold: at least 2 + 2 + 4 bytes.
            let splitCount = try count(minimumElementBytes: 8)
            if forest.splitThresholds.isEmpty {
                let splits = min(product(treeCount, splitCount, 1), remaining / 8)
                forest.splitThresholds.reserveCapacity(splits)
                forest.splitFeatures.reserveCapacity(2 * splits)
            }
            for _ in 0..<splitCount {
                forest.splitFeatures.append(Int32(try unsigned(below: Int(Int32.max), "feature index")))
                forest.splitFeatures.append(Int32(try unsigned(below: Int(Int32.max), "feature index")))
                forest.splitThresholds.append(try float())
            }
            forest.splitStarts.append(forest.splitThresholds.count)

            // Traversal lands on leaf `node − splitCount`, which needs exactly one leaf more than splits.
            let leafCount = try count(minimumElementBytes: 4)
            guard leafCount == splitCount + 1 else {
                throw failure("a tree has \(splitCount) splits but \(leafCount) leaves; expected \(splitCount + 1)")
            }
            if forest.leafValues.isEmpty {
                // Trees of one cascade normally share a depth: reserve for all of them at once, but never
                // more than the floats (four bytes or more each) the rest of the file could hold.
                forest.leafValues.reserveCapacity(min(product(treeCount, leafCount, shapeLength), remaining / 4))
            }
            for _ in 0..<leafCount {
                try floatColumn(appendingTo: &forest.leafValues, requiredCount: shapeLength, "a leaf's shape increment")
            }
        }
        return forest
    }

    // MARK: - Primitives

    /// A compact integer: a control byte (low nibble = byte count, 0x80 = negative) then the magnitude's
    /// bytes, least significant first. Rejects more bytes than the C++ type holds.
    private mutating func compact(maxBytes: Int) throws(FacePipelineError) -> (negative: Bool, magnitude: UInt64) {
        guard remaining > 0 else { throw truncated() }
        let control = bytes[position]
        let size = Int(control & 0x0F)
        guard size >= 1, size <= maxBytes, control & 0x70 == 0 else {
            throw failure("invalid integer control byte 0x\(String(control, radix: 16))")
        }
        guard remaining > size else { throw truncated() }
        var magnitude: UInt64 = 0
        for index in 0..<size { magnitude |= UInt64(bytes[position + 1 + index]) << (8 * UInt64(index)) }
        position += 1 + size
        return (control & 0x80 != 0, magnitude)
    }

    /// A signed integer of a C++ type `maxBytes` wide.
    private mutating func signed(maxBytes: Int) throws(FacePipelineError) -> Int64 {
        let (negative, magnitude) = try compact(maxBytes: maxBytes)
        guard magnitude <= UInt64(Int64.max) else { throw failure("integer out of range") }
        return negative ? -Int64(magnitude) : Int64(magnitude)
    }

    /// An `unsigned long` that must be below `limit`.
    private mutating func unsigned(below limit: Int, _ what: String) throws(FacePipelineError) -> Int {
        let (negative, magnitude) = try compact(maxBytes: 8)
        guard !negative, magnitude < UInt64(limit) else {
            throw failure("\(what) \(negative ? "-" : "")\(magnitude) is out of range (limit \(limit))")
        }
        return Int(magnitude)
    }

    /// A container's element count, which cannot exceed the bytes left divided by the smallest element.
    private mutating func count(minimumElementBytes: Int) throws(FacePipelineError) -> Int {
        let start = position
        let (negative, magnitude) = try compact(maxBytes: 8)
        guard !negative, magnitude <= UInt64(remaining / minimumElementBytes) else {
            position = start
            throw failure(
                "element count \(negative ? "-" : "")\(magnitude) exceeds what the remaining \(remaining) bytes can hold"
            )
        }
        return Int(magnitude)
    }

    /// A float: a signed 64-bit mantissa and a signed 16-bit exponent, value = mantissa · 2^exponent, with
    /// exponents 32000, 32001 and 32002 standing for +∞, −∞ and NaN. The mantissa is rounded to float
    /// first and then scaled, as dlib does when it reads into a `float`.
    private mutating func float() throws(FacePipelineError) -> Float {
        guard remaining > 0 else { throw truncated() }
        guard bytes[position] & 0x70 == 0 else { throw failure("floating-point value in dlib's old text format") }
        let mantissa = try signed(maxBytes: 8)
        let exponent = try signed(maxBytes: 2)
        switch exponent {
        case 32000: return .infinity
        case 32001: return -.infinity
        case 32002: return .nan
        default:
            guard exponent >= Int64(Int16.min) && exponent <= Int64(Int16.max) else {
                throw failure("float exponent \(exponent) out of range")
            }
            return Float(sign: .plus, exponent: Int(exponent), significand: Float(mantissa))
        }
    }

    /// A `matrix<float,0,1>`: rows and columns (negated in dlib's current format), then the values row by
    /// row, appended to `values`.
    private mutating func floatColumn(
        appendingTo values: inout [Float], requiredCount: Int? = nil,
        _ what: String
    ) throws(FacePipelineError) {
        let rows = try signed(maxBytes: 8).magnitude
        let columns = try signed(maxBytes: 8).magnitude
        guard columns == 1 else { throw failure("\(what) should be a column vector, found \(rows)×\(columns)") }
        if let requiredCount, rows != UInt64(requiredCount) {
            throw failure("\(what) has \(rows) values; the shape has \(requiredCount)")
        }
        // Each float takes at least four bytes (two compact integers).
        guard rows <= UInt64(remaining / 4) else {
            throw failure("a vector of \(rows) floats exceeds what the remaining \(remaining) bytes can hold")
        }
        for _ in 0..<Int(rows) { values.append(try float()) }
    }

    /// `a · b · c`, or `Int.max` when that overflows (only ever used as an upper bound).
    private func product(_ a: Int, _ b: Int, _ c: Int) -> Int {
        let (ab, first) = a.multipliedReportingOverflow(by: b)
        let (abc, second) = ab.multipliedReportingOverflow(by: c)
        return first || second ? Int.max : abc
    }
}
