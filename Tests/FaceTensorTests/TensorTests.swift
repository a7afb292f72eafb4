import FaceTensor
import Testing

@Suite struct TensorTests {
    @Test func nchwRoundTripsThroughChannelMajorStorage() {
        let shape = Shape(batch: 2, channels: 3, height: 2, width: 2)
        let values = (0..<shape.count).map(Float.init)
        let tensor = Tensor(shape: shape, nchw: values)
        #expect(tensor.nchw() == values)
        // Sample 1, channel 0 sits right after sample 0, channel 0.
        #expect(Array(tensor.storage[4..<8]) == [12, 13, 14, 15])
        #expect(tensor[1, 2, 1, 0] == values[((1 * 3 + 2) * 2 + 1) * 2 + 0])
    }

    @Test func windowOutputSizeFollowsDlibsRule() {
        #expect(Window2D(height: 7, width: 7, strideY: 2, strideX: 2).outputSize(inputHeight: 150, inputWidth: 150) == (72, 72))
        #expect(Window2D(height: 3, width: 3, strideY: 2, strideX: 2).outputSize(inputHeight: 8, inputWidth: 8) == (3, 3))
        #expect(Window2D(height: 2, width: 2, strideY: 2, strideX: 2).outputSize(inputHeight: 8, inputWidth: 8) == (4, 4))
        #expect(Window2D(height: 3, width: 3, paddingY: 1, paddingX: 1).outputSize(inputHeight: 17, inputWidth: 17) == (17, 17))
        #expect(Window2D(height: 5, width: 5).outputSize(inputHeight: 4, inputWidth: 9) == (0, 0))
    }

    @Test(arguments: [(3, 4, 5), (1, 7, 2), (17, 33, 9)])
    func gemmMatchesPlainLoop(m: Int, n: Int, k: Int) {
        var generator = SystemRandomNumberGenerator()
        let a = (0..<m * k).map { _ in Float.random(in: -1...1, using: &generator) }
        let b = (0..<k * n).map { _ in Float.random(in: -1...1, using: &generator) }
        var c = [Float](repeating: 0, count: m * n)
        GEMM.multiply(m: m, n: n, k: k, a: a, lda: k, b: b, ldb: n, c: &c, ldc: n)
        for i in 0..<m {
            for j in 0..<n {
                let expected = (0..<k).reduce(Float(0)) { $0 + a[i * k + $1] * b[$1 * n + j] }
                #expect(abs(c[i * n + j] - expected) <= 1e-4)
            }
        }
    }
}
