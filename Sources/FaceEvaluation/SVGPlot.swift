import Foundation

/// The report's two plots, drawn as standalone SVG: the ROC curve and the distance histograms.
///
/// Both are 640×440 with a white background, labelled axes and a legend, so they read without the
/// report around them.
public enum SVGPlot {
    /// A curve to draw and its legend label.
    public struct Series: Sendable {
        /// The legend text.
        public let label: String
        /// The curve.
        public let curve: ROCCurve

        /// Creates a series.
        public init(label: String, curve: ROCCurve) {
            self.label = label
            self.curve = curve
        }
    }

    static let width = 640.0, height = 440.0
    static let left = 70.0, right = 20.0, top = 40.0, bottom = 60.0
    static let colours = ["#1f6fb4", "#e0782a", "#2a9d4b", "#8e44ad"]

    /// The ROC curves: true accept rate (linear) against false accept rate on a log axis, so the
    /// low-FAR region that matters for verification is visible; FAR 0 is drawn at the axis' left edge.
    /// The FAR 1e-3 and 1e-2 lines are marked.
    public static func roc(_ series: [Series], title: String = "ROC") -> String {
        let smallest = series.map { max(1, $0.curve.differentPersonCount) }.max() ?? 1
        let lowestDecade = min(-2, Int((log10(1 / Double(smallest))).rounded(.down)))
        // A little headroom above TAR 1, so a near-perfect curve does not vanish into the frame.
        let plot = Frame(xRange: Double(lowestDecade)...0, yRange: 0...1.04)
        var svg = header(title: title)
        svg += plot.axes(
            xLabel: "false accept rate (log scale)", yLabel: "true accept rate",
            xTicks: (lowestDecade...0).map { (Double($0), $0 == 0 ? "1" : "1e\($0)") },
            yTicks: stride(from: 0.0, through: 1.0, by: 0.2).map { ($0, String(format: "%.1f", $0)) })
        for far in [-3.0, -2.0] where far >= Double(lowestDecade) {
            svg += plot.verticalLine(
                at: far, colour: "#999999", dashed: true, label: "FAR 1e\(Int(far))", labelOnLeft: true)
        }
        for (index, item) in series.enumerated() {
            let colour = colours[index % colours.count]
            let points = item.curve.points.map { point in
                (x: max(Double(lowestDecade), log10(max(point.falseAcceptRate, 1e-12))), y: point.trueAcceptRate)
            }
            svg += plot.polyline(stepped(points), colour: colour)
            let auc = String(format: "%.4f", item.curve.areaUnderCurve)
            svg += legend(index: index, text: "\(item.label) (AUC \(auc))", colour: colour, atBottom: true)
        }
        return svg + "</svg>\n"
    }

    /// Histograms of same-person and different-person distances, each as a share of its own pairs, with
    /// the threshold drawn as a vertical line.
    public static func histograms(
        _ pairs: [ScoredPair], threshold: Float, title: String = "Distances",
        binWidth: Double = 0.025
    ) -> String {
        let finite = pairs.filter { $0.distance.isFinite }
        let largest = max(1.0, Double(finite.map(\.distance).max() ?? 1), Double(threshold) + 0.1)
        let upper = (largest / 0.1).rounded(.up) * 0.1
        let binCount = Int((upper / binWidth).rounded(.up))
        func shares(_ same: Bool) -> [Double] {
            let distances = finite.filter { $0.isSamePerson == same }.map { Double($0.distance) }
            var counts = [Double](repeating: 0, count: binCount)
            for distance in distances { counts[min(binCount - 1, Int(distance / binWidth))] += 1 }
            return counts.map { distances.isEmpty ? 0 : $0 / Double(distances.count) }
        }
        let same = shares(true)
        let different = shares(false)
        let highest = max(0.05, (same + different).max() ?? 0)
        let yTop = (highest / 0.05).rounded(.up) * 0.05
        let plot = Frame(xRange: 0...upper, yRange: 0...yTop)
        var svg = header(title: title)
        svg += plot.axes(
            xLabel: "Euclidean distance between descriptors", yLabel: "share of pairs",
            xTicks: stride(from: 0.0, through: upper + 1e-9, by: upper > 1.2 ? 0.2 : 0.1).map {
                ($0, String(format: "%.1f", $0))
            },
            yTicks: stride(from: 0.0, through: yTop + 1e-9, by: yTop / 5).map { ($0, String(format: "%.2f", $0)) })
        for (index, (label, values)) in [("same person", same), ("different people", different)].enumerated() {
            let colour = colours[index]
            for (bin, value) in values.enumerated() where value > 0 {
                svg += plot.bar(
                    from: Double(bin) * binWidth, to: Double(bin + 1) * binWidth, height: value, colour: colour)
            }
            let count = finite.filter { $0.isSamePerson == (index == 0) }.count
            svg += legend(index: index, text: "\(label) (\(count) pairs)", colour: colour)
        }
        svg += plot.verticalLine(
            at: Double(threshold), colour: "#c0392b", dashed: false,
            label: "threshold \(String(format: "%.3f", threshold))")
        return svg + "</svg>\n"
    }

    // MARK: - Drawing

    /// ROC points joined as a staircase: TAR rises at fixed FAR, then FAR moves on.
    private static func stepped(_ points: [(x: Double, y: Double)]) -> [(x: Double, y: Double)] {
        var result: [(x: Double, y: Double)] = []
        for point in points {
            if let last = result.last, last.x != point.x { result.append((point.x, last.y)) }
            result.append(point)
        }
        return result
    }

    private static func header(title: String) -> String {
        """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" \
        viewBox="0 0 \(Int(width)) \(Int(height))" font-family="sans-serif" font-size="12">
        <rect width="100%" height="100%" fill="white"/>
        <text x="\(width / 2)" y="24" text-anchor="middle" font-size="16">\(escaped(title))</text>

        """
    }

    /// One legend row in the top right corner, or the bottom right with `atBottom`, on a white patch.
    private static func legend(index: Int, text: String, colour: String, atBottom: Bool = false) -> String {
        let y = atBottom ? height - bottom - 14 - Double(index) * 18 : top + 16 + Double(index) * 18
        let x = width - right - 250
        return """
            <rect x="\(x - 4)" y="\(y - 13)" width="250" height="18" fill="white" fill-opacity="0.85"/>
            <rect x="\(x)" y="\(y - 9)" width="14" height="10" fill="\(colour)" fill-opacity="0.7"/>
            <text x="\(x + 20)" y="\(y)">\(escaped(text))</text>

            """
    }

    static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }

    /// Maps data coordinates into the plot area.
    private struct Frame {
        let xRange: ClosedRange<Double>
        let yRange: ClosedRange<Double>

        func x(_ value: Double) -> Double {
            left + (value - xRange.lowerBound) / (xRange.upperBound - xRange.lowerBound) * (width - left - right)
        }
        func y(_ value: Double) -> Double {
            height - bottom - (value - yRange.lowerBound) / (yRange.upperBound - yRange.lowerBound)
                * (height - top - bottom)
        }
        func format(_ value: Double) -> String { String(format: "%.1f", value) }

        /// One SVG element; numbers are written with one decimal, text is escaped.
        func element(_ name: String, _ attributes: [(String, Any)], text: String? = nil) -> String {
            let written = attributes.map { key, value in
                let text = (value as? Double).map(format) ?? "\(value)"
                return "\(key)=\"\(text)\""
            }
            let opening = "<\(name) " + written.joined(separator: " ")
            return (text.map { opening + ">\(escaped($0))</\(name)>" } ?? opening + "/>") + "\n"
        }

        func axes(xLabel: String, yLabel: String, xTicks: [(Double, String)], yTicks: [(Double, String)]) -> String {
            let (plotWidth, plotHeight, base) = (width - left - right, height - top - bottom, y(yRange.lowerBound))
            var svg = "<g stroke=\"#333\" fill=\"none\">\n"
            svg += element("rect", [("x", left), ("y", top), ("width", plotWidth), ("height", plotHeight)])
            for (value, _) in xTicks {
                svg += element("line", [("x1", x(value)), ("y1", base), ("x2", x(value)), ("y2", base + 5)])
            }
            for (value, _) in yTicks {
                svg += element("line", [("x1", left - 5), ("y1", y(value)), ("x2", left), ("y2", y(value))])
                svg += element(
                    "line",
                    [("x1", left), ("y1", y(value)), ("x2", width - right), ("y2", y(value)), ("stroke", "#eee")])
            }
            svg += "</g>\n"
            for (value, label) in xTicks {
                svg += element(
                    "text", [("x", x(value)), ("y", height - bottom + 20), ("text-anchor", "middle")], text: label)
            }
            for (value, label) in yTicks {
                svg += element("text", [("x", left - 8), ("y", y(value) + 4), ("text-anchor", "end")], text: label)
            }
            svg += element(
                "text", [("x", left + plotWidth / 2), ("y", height - 18), ("text-anchor", "middle")], text: xLabel)
            let middle = top + plotHeight / 2
            return svg
                + element(
                    "text",
                    [
                        ("x", 18.0), ("y", middle), ("text-anchor", "middle"),
                        ("transform", "rotate(-90 18 \(format(middle)))"),
                    ],
                    text: yLabel)
        }

        func polyline(_ points: [(x: Double, y: Double)], colour: String) -> String {
            let coordinates = points.map { "\(format(x($0.x))),\(format(y($0.y)))" }.joined(separator: " ")
            return element(
                "polyline",
                [
                    ("points", coordinates), ("fill", "none"), ("stroke", colour), ("stroke-width", "2.5"),
                    ("stroke-opacity", "0.85"),
                ])
        }

        func bar(from start: Double, to end: Double, height value: Double, colour: String) -> String {
            let (top, base) = (y(value), y(yRange.lowerBound))
            return element(
                "rect",
                [
                    ("x", x(start)), ("y", top), ("width", x(end) - x(start)), ("height", base - top), ("fill", colour),
                    ("fill-opacity", "0.5"),
                ])
        }

        /// A vertical line labelled near its foot: to its right, or with `labelOnLeft` to its left (clear
        /// of a legend in the bottom right) unless it stands at the plot's left edge.
        func verticalLine(at value: Double, colour: String, dashed: Bool, label: String, labelOnLeft: Bool = false)
            -> String
        {
            var line: [(String, Any)] = [
                ("x1", x(value)), ("y1", top), ("x2", x(value)), ("y2", height - bottom), ("stroke", colour),
                ("stroke-width", "1.5"),
            ]
            if dashed { line.append(("stroke-dasharray", "4 3")) }
            let onLeft = labelOnLeft && x(value) - left > 60
            var text: [(String, Any)] = [
                ("x", onLeft ? x(value) - 4 : x(value) + 4), ("y", height - bottom - 6), ("fill", colour),
            ]
            if onLeft { text.append(("text-anchor", "end")) }
            return element("line", line) + element("text", text, text: label)
        }
    }
}
