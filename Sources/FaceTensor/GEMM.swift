import CBLAS

/// Single-precision matrix products on row-major matrices, through BLAS.
public enum GEMM {
    /// `C[m×n] = alpha · op(A) · op(B) + beta · C`, row-major, with leading dimensions given explicitly.
    ///
    /// `op(A)` is `m×k` (A is stored `k×m` when `transposeA`), `op(B)` is `k×n`.
    @inlinable
    public static func multiply(
        m: Int, n: Int, k: Int,
        a: UnsafePointer<Float>, lda: Int, transposeA: Bool = false,
        b: UnsafePointer<Float>, ldb: Int, transposeB: Bool = false,
        c: UnsafeMutablePointer<Float>, ldc: Int,
        alpha: Float = 1, beta: Float = 0
    ) {
        cblas_sgemm(
            CblasRowMajor,
            transposeA ? CblasTrans : CblasNoTrans,
            transposeB ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), Int32(k),
            alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
}
