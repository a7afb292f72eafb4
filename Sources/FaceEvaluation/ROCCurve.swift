/// The receiver operating characteristic of a set of scored pairs: for every threshold, the share of
/// different-person pairs accepted (false accept rate, FAR) against the share of same-person pairs
/// accepted (true accept rate, TAR).
///
/// Points run from (0, 0) — a threshold at the smallest distance, accepting nothing — to (1, 1), one
/// point per distinct distance; pairs at equal distances move together, so ties make a diagonal step
/// and count half in the area, as the probabilistic definition of AUC does.
public struct ROCCurve: Sendable {
    /// One operating point.
    public struct Point: Hashable, Sendable {
        /// Pairs closer than this are called the same person.
        public let maxEuclideanDistance: Float
        /// Share of different-person pairs accepted.
        public let falseAcceptRate: Double
        /// Share of same-person pairs accepted.
        public let trueAcceptRate: Double
    }

    /// The operating points, thresholds increasing.
    public let points: [Point]
    /// How many same-person pairs the curve rests on.
    public let samePersonCount: Int
    /// How many different-person pairs the curve rests on.
    public let differentPersonCount: Int

    /// The curve of `pairs`; thresholds between distances are midpoints, as ``ThresholdSelection`` uses.
    public init(_ pairs: [ScoredPair]) {
        let sorted = pairs.sorted { $0.distance < $1.distance }
        let same = sorted.lazy.filter(\.isSamePerson).count
        let different = sorted.count - same
        samePersonCount = same
        differentPersonCount = different
        var points: [Point] = []
        guard let first = sorted.first else {
            self.points = []
            return
        }
        points.append(Point(maxEuclideanDistance: first.distance, falseAcceptRate: 0, trueAcceptRate: 0))
        var accepted = (same: 0, different: 0)
        var index = 0
        while index < sorted.count {
            let distance = sorted[index].distance
            while index < sorted.count, sorted[index].distance == distance {
                if sorted[index].isSamePerson { accepted.same += 1 } else { accepted.different += 1 }
                index += 1
            }
            let threshold = index < sorted.count ? (distance + sorted[index].distance) / 2 : distance.nextUp
            points.append(
                Point(
                    maxEuclideanDistance: threshold,
                    falseAcceptRate: different > 0 ? Double(accepted.different) / Double(different) : 0,
                    trueAcceptRate: same > 0 ? Double(accepted.same) / Double(same) : 0))
        }
        self.points = points
    }

    /// The area under the curve: the chance that a random same-person pair is closer than a random
    /// different-person pair (ties counting half).
    public var areaUnderCurve: Double {
        var area = 0.0
        for (previous, next) in zip(points, points.dropFirst()) {
            area +=
                (next.falseAcceptRate - previous.falseAcceptRate) * (next.trueAcceptRate + previous.trueAcceptRate) / 2
        }
        return area
    }

    /// The equal error rate: where the false accept rate equals the false reject rate (1 − TAR),
    /// interpolated linearly between the two operating points that straddle it.
    public var equalErrorRate: Double {
        func gap(_ point: Point) -> Double { point.falseAcceptRate - (1 - point.trueAcceptRate) }
        for (previous, next) in zip(points, points.dropFirst()) where gap(previous) < 0 && gap(next) >= 0 {
            let fraction = -gap(previous) / (gap(next) - gap(previous))
            return previous.falseAcceptRate + fraction * (next.falseAcceptRate - previous.falseAcceptRate)
        }
        return points.isEmpty ? 0 : 1 - (points.last?.trueAcceptRate ?? 0)
    }

    /// The best operating point whose false accept rate does not exceed `falseAcceptRate`.
    public func operatingPoint(atFalseAcceptRate falseAcceptRate: Double) -> Point? {
        points.last { $0.falseAcceptRate <= falseAcceptRate }
    }

    /// The highest true accept rate reachable without exceeding `falseAcceptRate` (no interpolation).
    public func trueAcceptRate(atFalseAcceptRate falseAcceptRate: Double) -> Double {
        operatingPoint(atFalseAcceptRate: falseAcceptRate)?.trueAcceptRate ?? 0
    }
}
