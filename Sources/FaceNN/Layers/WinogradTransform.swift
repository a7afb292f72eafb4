/// The three matrices of Winograd's minimal filtering F(m, r): `m` outputs of an `r`-tap correlation
/// from `m + r − 1` inputs with `m + r − 1` multiplications, `y = Aᵀ·[(G·g) ⊙ (Bᵀ·d)]`.
///
/// They come from Toom-Cook: the product of two polynomials is evaluated at `m + r − 2` points and
/// at infinity (the leading coefficient), multiplied pointwise and interpolated back; correlation is
/// the transpose of that bilinear map. Rows of Bᵀ are the products `∏_{l≠j}(x − pₗ)` (and `∏(x − pₗ)`
/// for infinity); the Lagrange denominators go into G, which is applied once to the weights, in
/// double precision. Small points (0, ±1, ±2, ±½) keep float32 rounding near that of direct summation.
struct WinogradTransform: Sendable {
    /// One nonzero coefficient of a transform row.
    struct Term: Sendable {
        let index: Int
        let coefficient: Float
    }

    /// Outputs per tile side (m).
    let outputSize: Int
    /// Filter taps per side (r).
    let filterSize: Int
    /// Inputs per tile side, and transform-domain elements per side (α = m + r − 1).
    var tileSize: Int { outputSize + filterSize - 1 }
    /// How to form the rows of Bᵀ·d: one row alone, or the two rows of points ±p together. Their
    /// polynomials differ only in the sign of odd powers, so with `sum` the even-power terms and
    /// `difference` the odd-power ones, row `plus` is sum + difference and row `minus` sum − difference:
    /// half the multiplications. A row alone has `minus` −1 and all its terms in `sum`.
    struct InputStep: Sendable {
        let plus: Int
        let minus: Int
        let sum: Range<Int>
        let difference: Range<Int>
    }

    /// Bᵀ (α×α), zero coefficients left out, as ``InputStep``s over `inputTerms`.
    let inputTerms: [Term]
    let inputSteps: [InputStep]
    /// Aᵀ (m×α), row by row, zero coefficients left out: row i is `outputTerms[outputRows[i]]`.
    let outputTerms: [Term]
    let outputRows: [Range<Int>]
    /// G (α×r), row-major.
    let filterMatrix: [Double]

    /// F(m, r) with the points Lavin and Gray use for tiles of up to 8: 0, 1, −1, 2, −2, ½, −½.
    init(outputSize m: Int, filterSize r: Int) {
        let all: [Double] = [0, 1, -1, 2, -2, 0.5, -0.5]
        let alpha = m + r - 1
        precondition(alpha >= 3 && alpha - 1 <= all.count, "no points chosen for F(\(m), \(r))")
        let points = Array(all.prefix(alpha - 1))
        outputSize = m
        filterSize = r

        // Coefficients (lowest power first) of ∏(x − p) over `roots`.
        func polynomial(_ roots: [Double]) -> [Double] {
            var coefficients = [1.0]
            for root in roots {
                var next = [Double](repeating: 0, count: coefficients.count + 1)
                for (degree, c) in coefficients.enumerated() {
                    next[degree + 1] += c
                    next[degree] -= root * c
                }
                coefficients = next
            }
            return coefficients
        }
        func terms(_ row: [Double]) -> [Term] {
            row.enumerated().filter { $0.element != 0 }.map { Term(index: $0.offset, coefficient: Float($0.element)) }
        }

        var inputRows: [[Double]] = []
        var filterMatrix = [Double](repeating: 0, count: alpha * r)
        for (j, point) in points.enumerated() {
            let others = points.enumerated().filter { $0.offset != j }.map(\.element)
            inputRows.append(polynomial(others) + [0])
            let denominator = others.reduce(1.0) { $0 * (point - $1) }
            for k in 0..<r { filterMatrix[j * r + k] = power(point, k) / denominator }
        }
        inputRows.append(polynomial(points))
        filterMatrix[(alpha - 1) * r + r - 1] = 1
        self.filterMatrix = filterMatrix

        var inputTerms: [Term] = [], inputSteps: [InputStep] = [], paired = Set<Int>()
        func append(_ row: [Double]) -> Range<Int> {
            let start = inputTerms.count
            inputTerms += terms(row)
            return start..<inputTerms.count
        }
        for (j, point) in points.enumerated() where point > 0 {
            guard let partner = points.firstIndex(of: -point) else { continue }
            let row = inputRows[j]
            let mirrored = row.enumerated().map { $0.offset % 2 == 0 ? $0.element : -$0.element }
            guard inputRows[partner] == mirrored else { continue }
            let sum = append(row.enumerated().map { $0.offset % 2 == 0 ? $0.element : 0 })
            let difference = append(row.enumerated().map { $0.offset % 2 == 1 ? $0.element : 0 })
            inputSteps.append(InputStep(plus: j, minus: partner, sum: sum, difference: difference))
            paired.formUnion([j, partner])
        }
        for (j, row) in inputRows.enumerated() where !paired.contains(j) {
            inputSteps.append(InputStep(plus: j, minus: -1, sum: append(row), difference: 0..<0))
        }
        self.inputTerms = inputTerms
        self.inputSteps = inputSteps
        (outputTerms, outputRows) = Self.flattened((0..<m).map { i in
            terms(points.map { power($0, i) } + [i == m - 1 ? 1 : 0])
        })
    }

    private static func flattened(_ rows: [[Term]]) -> ([Term], [Range<Int>]) {
        var ranges: [Range<Int>] = []
        for row in rows { ranges.append((ranges.last?.upperBound ?? 0)..<(ranges.last?.upperBound ?? 0) + row.count) }
        return (rows.flatMap { $0 }, ranges)
    }
}

/// `base` to a small non-negative integer power, exactly as repeated multiplication.
private func power(_ base: Double, _ exponent: Int) -> Double {
    var result = 1.0
    for _ in 0..<exponent { result *= base }
    return result
}
