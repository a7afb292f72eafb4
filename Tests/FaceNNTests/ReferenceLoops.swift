import FaceNN
import FaceTensor

/// Plain, obviously-correct loops over NCHW arrays that the fast layers are checked against.
enum ReferenceLoops {
    static func convolution(_ input: [Float], _ shape: Shape, weights: [Float], bias: [Float], filters: Int,
                            window: Window2D) -> (values: [Float], shape: Shape) {
        let size = window.outputSize(inputHeight: shape.height, inputWidth: shape.width)
        let out = Shape(batch: shape.batch, channels: filters, height: size.height, width: size.width)
        var result = [Float](repeating: 0, count: out.count)
        for n in 0..<shape.batch {
            for f in 0..<filters {
                for oy in 0..<out.height {
                    for ox in 0..<out.width {
                        var sum = Double(bias[f])
                        for c in 0..<shape.channels {
                            for ky in 0..<window.height {
                                for kx in 0..<window.width {
                                    let iy = oy * window.strideY - window.paddingY + ky
                                    let ix = ox * window.strideX - window.paddingX + kx
                                    guard iy >= 0, iy < shape.height, ix >= 0, ix < shape.width else { continue }
                                    let w = weights[((f * shape.channels + c) * window.height + ky) * window.width + kx]
                                    sum += Double(w) * Double(input[((n * shape.channels + c) * shape.height + iy) * shape.width + ix])
                                }
                            }
                        }
                        result[((n * filters + f) * out.height + oy) * out.width + ox] = Float(sum)
                    }
                }
            }
        }
        return (result, out)
    }

    static func pool(_ input: [Float], _ shape: Shape, window: Window2D, max isMax: Bool) -> [Float] {
        let size = window.outputSize(inputHeight: shape.height, inputWidth: shape.width)
        var result: [Float] = []
        for n in 0..<shape.batch {
            for c in 0..<shape.channels {
                for oy in 0..<size.height {
                    for ox in 0..<size.width {
                        var values: [Float] = []
                        for ky in 0..<window.height {
                            for kx in 0..<window.width {
                                let iy = oy * window.strideY - window.paddingY + ky
                                let ix = ox * window.strideX - window.paddingX + kx
                                guard iy >= 0, iy < shape.height, ix >= 0, ix < shape.width else { continue }
                                values.append(input[((n * shape.channels + c) * shape.height + iy) * shape.width + ix])
                            }
                        }
                        result.append(isMax ? values.max()! : values.reduce(0, +) / Float(values.count))
                    }
                }
            }
        }
        return result
    }

    /// Largest |a − b| relative to max(1, |b|).
    static func maxRelativeError(_ a: [Float], _ b: [Float]) -> Float {
        precondition(a.count == b.count)
        return zip(a, b).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? 0
    }
}
