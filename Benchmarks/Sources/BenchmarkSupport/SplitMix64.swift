import Foundation

/// SplitMix64: a small, fast, seedable generator, so every benchmark run measures the same data.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    /// The generator's whole state; the seed is its first value.
    public var state: UInt64

    /// Starts the sequence at `state`.
    public init(state: UInt64) {
        self.state = state
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform Float in [0, 1) from the top 24 bits.
    public mutating func unit() -> Float { Float(next() >> 40) / Float(1 << 24) }

    /// A standard normal sample (Box–Muller).
    public mutating func gaussian() -> Float {
        let u = max(unit(), 1e-7), v = unit()
        return (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
    }
}
