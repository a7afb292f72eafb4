#if canImport(Glibc)
import Glibc
#endif

/// Asks Linux to back memory that scans stream through with 2 MB pages.
///
/// A query over inverted lists touches tens of megabytes spread over the heap; with 4 KB pages most of
/// those touches also miss the TLB. The kernel here gives huge pages only to memory marked for them
/// (`madvise` mode), and the heap is not, so regions holding search rows are collapsed into huge pages
/// once they are filled (`MADV_COLLAPSE`, Linux 6.1). Best effort: on older kernels, or when no huge
/// page is free, nothing changes.
enum HugePages {
    static let size = 2 << 20
    /// `MADV_COLLAPSE` from Linux's headers (glibc 2.36 does not name it).
    private static let collapseAdvice: Int32 = 25

    /// Collapses every 2 MB region that overlaps one of `ranges` (start address, byte count).
    static func collapse(_ ranges: [(start: UnsafeRawPointer, bytes: Int)]) {
        #if os(Linux)
        var regions = Set<Int>()
        for range in ranges where range.bytes > 0 {
            let first = Int(bitPattern: range.start) / size, last = (Int(bitPattern: range.start) + range.bytes - 1) / size
            for region in first...last { regions.insert(region) }
        }
        for region in regions.sorted() {
            _ = madvise(UnsafeMutableRawPointer(bitPattern: region * size), size, collapseAdvice)
        }
        #endif
    }
}
