/// The descriptors of an in-memory index, one row per face, with what the scans need beside them.
///
/// Layout: `values` is `count × dimension` Float32, row-major. When reduced precision is kept,
/// `codes` is `count × dimension` Int8 with `values[r, i] ≈ codeScale[r] · codes[r, i]`.
/// `rowTerms[r]` holds `(|x|², |x|, code scale, |x − scale·code|)` for row `x`; the last term bounds
/// how far any reduced-precision dot product with that row can stray (see ``ExactSearchIndex``).
/// Removal moves the last row into the hole, so rows stay dense and order is not preserved.
struct DescriptorRows {
    let dimension: Int
    let keepsCodes: Bool
    private(set) var values: [Float] = []
    private(set) var codes: [Int8] = []
    private(set) var rowTerms: [SIMD4<Float>] = []
    private(set) var faceIDs: [Int64] = []
    private(set) var subjectIDs: [Int64] = []
    private(set) var rowOfFace: [Int64: Int] = [:]

    init(dimension: Int, keepsCodes: Bool) {
        precondition(dimension > 0, "dimension must be positive, got \(dimension)")
        self.dimension = dimension
        self.keepsCodes = keepsCodes
    }

    var count: Int { faceIDs.count }

    mutating func reserveCapacity(_ rows: Int) {
        values.reserveCapacity(rows * dimension)
        if keepsCodes { codes.reserveCapacity(rows * dimension) }
        rowTerms.reserveCapacity(rows)
        faceIDs.reserveCapacity(rows)
        subjectIDs.reserveCapacity(rows)
        rowOfFace.reserveCapacity(rows)
    }

    /// Appends one face. Precondition: `faceID` is not present.
    mutating func append(faceID: Int64, subjectID: Int64, descriptor: UnsafeBufferPointer<Float>) {
        precondition(descriptor.count == dimension, "descriptor has \(descriptor.count) values, index has \(dimension)")
        precondition(rowOfFace.updateValue(count, forKey: faceID) == nil, "face \(faceID) is already in the index")
        values.append(contentsOf: descriptor)
        let terms: SIMD4<Float>
        if keepsCodes {
            codes.append(contentsOf: repeatElement(0, count: dimension))
            let start = codes.count - dimension
            terms = codes.withUnsafeMutableBufferPointer { codes in
                Self.quantize(descriptor, faceID: faceID, into: codes.baseAddress! + start)
            }
        } else {
            terms = Self.quantize(descriptor, faceID: faceID, into: nil)
        }
        rowTerms.append(terms)
        faceIDs.append(faceID)
        subjectIDs.append(subjectID)
    }

    /// Writes a descriptor's Int8 codes (`descriptor.count` of them, unless `codes` is nil) and returns
    /// its row terms `(|x|², |x|, code scale, |x − scale·code|)`.
    static func quantize(_ descriptor: UnsafeBufferPointer<Float>, faceID: Int64, into codes: UnsafeMutablePointer<Int8>?)
        -> SIMD4<Float> {
        var squaredNorm: Double = 0
        var maxMagnitude: Float = 0
        for value in descriptor {
            // A NaN or infinity would make every distance bound meaningless.
            precondition(value.isFinite, "face \(faceID) has a descriptor value that is not finite")
            squaredNorm += Double(value) * Double(value)
            maxMagnitude = max(maxMagnitude, abs(value))
        }
        var scale: Float = 0
        var errorNorm: Double = 0
        if let codes {
            scale = maxMagnitude / 127
            for (index, value) in descriptor.enumerated() {
                let code = scale > 0 ? Int8(max(-127, min(127, (value / scale).rounded()))) : 0
                codes[index] = code
                // A product of two floats is exact in Double, so this is the true residual to ~1e-16.
                let residual = Double(value) - Double(scale) * Double(code)
                errorNorm += residual * residual
            }
        }
        // Rounded up so the stored bound is never smaller than the true one.
        return SIMD4<Float>(Float(squaredNorm), Float(squaredNorm.squareRoot()), scale, Float(errorNorm.squareRoot()).nextUp)
    }

    /// Removes one face by moving the last row into its place; returns false if it is absent.
    @discardableResult
    mutating func remove(faceID: Int64) -> Bool {
        guard let row = rowOfFace.removeValue(forKey: faceID) else { return false }
        let last = count - 1
        if row != last {
            let movedFace = faceIDs[last]
            values.withUnsafeMutableBufferPointer { values in
                let base = values.baseAddress!
                (base + row * dimension).update(from: base + last * dimension, count: dimension)
            }
            if keepsCodes {
                codes.withUnsafeMutableBufferPointer { codes in
                    let base = codes.baseAddress!
                    (base + row * dimension).update(from: base + last * dimension, count: dimension)
                }
            }
            rowTerms[row] = rowTerms[last]
            faceIDs[row] = movedFace
            subjectIDs[row] = subjectIDs[last]
            rowOfFace[movedFace] = row
        }
        values.removeLast(dimension)
        if keepsCodes { codes.removeLast(dimension) }
        rowTerms.removeLast()
        faceIDs.removeLast()
        subjectIDs.removeLast()
        return true
    }

    /// Gives every face of `source` to `target`.
    mutating func reassignSubject(from source: Int64, to target: Int64) {
        for row in subjectIDs.indices where subjectIDs[row] == source { subjectIDs[row] = target }
    }
}
