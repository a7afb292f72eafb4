/// One list of an ``IVFSearchIndex``: its faces' Int8 codes and row terms packed row by row, beside
/// their Float32 values and ids.
///
/// A query scans hundreds of short lists, so each list keeps what the scan reads in one stream
/// (codes, padded to 16 bytes, then the row terms of ``DescriptorRows``) at a fixed address, rather
/// than in two arrays reached through Swift's array machinery. Removal moves the last row into the hole.
final class InvertedList {
    let dimension: Int
    /// Bytes of codes per packed row (the dimension rounded up to 16, so the row terms stay aligned).
    let codeBytes: Int
    /// Bytes per packed row: codes, then `(|x|², |x|, scale, |e|)` as four Float32.
    let packedStride: Int
    private(set) var count = 0
    private var capacity = 0
    /// `capacity` packed rows; nil until the first face.
    private(set) var packed: UnsafeMutableRawPointer?
    /// `count × dimension` Float32, for the exact re-rank.
    private(set) var values: [Float] = []
    private(set) var faceIDs: [Int64] = []
    private(set) var subjectIDs: [Int64] = []

    init(dimension: Int) {
        self.dimension = dimension
        codeBytes = (dimension + 15) / 16 * 16
        packedStride = codeBytes + MemoryLayout<SIMD4<Float>>.size
    }

    deinit { packed?.deallocate() }

    /// Appends one face as row `count`.
    func append(faceID: Int64, subjectID: Int64, descriptor: UnsafeBufferPointer<Float>) {
        if count == capacity { grow() }
        let row = packed! + count * packedStride
        let codes = row.bindMemory(to: Int8.self, capacity: codeBytes)
        codes.initialize(repeating: 0, count: codeBytes)
        let terms = DescriptorRows.quantize(descriptor, faceID: faceID, into: codes)
        (row + codeBytes).storeBytes(of: terms, as: SIMD4<Float>.self)
        values.append(contentsOf: descriptor)
        faceIDs.append(faceID)
        subjectIDs.append(subjectID)
        count += 1
    }

    /// Removes the face at `row` by moving the last row into its place; returns the id of the face
    /// that moved there, if any.
    func remove(row: Int) -> Int64? {
        precondition(row >= 0 && row < count, "row \(row) of a list of \(count)")
        let last = count - 1
        var moved: Int64?
        if row != last {
            (packed! + row * packedStride).copyMemory(from: packed! + last * packedStride, byteCount: packedStride)
            values.withUnsafeMutableBufferPointer { values in
                let base = values.baseAddress!
                (base + row * dimension).update(from: base + last * dimension, count: dimension)
            }
            faceIDs[row] = faceIDs[last]
            subjectIDs[row] = subjectIDs[last]
            moved = faceIDs[row]
        }
        values.removeLast(dimension)
        faceIDs.removeLast()
        subjectIDs.removeLast()
        count -= 1
        return moved
    }

    /// Gives every face of `source` to `target`.
    func reassignSubject(from source: Int64, to target: Int64) {
        for row in subjectIDs.indices where subjectIDs[row] == source { subjectIDs[row] = target }
    }

    private func grow() {
        let newCapacity = max(16, 2 * capacity)
        let grown = UnsafeMutableRawPointer.allocate(byteCount: newCapacity * packedStride,
                                                     alignment: MemoryLayout<SIMD4<Float>>.alignment)
        if let packed {
            grown.copyMemory(from: packed, byteCount: count * packedStride)
            packed.deallocate()
        }
        packed = grown
        capacity = newCapacity
    }
}
