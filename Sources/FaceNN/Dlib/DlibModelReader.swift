import FaceTensor
import Foundation

/// Reads a model file in dlib's serialization format into a ``Network``, checking it against an
/// ``DlibArchitecture``.
///
/// dlib writes a network from the outside in: the loss layer's details, then for every layer a
/// version number, the sub-network beneath it, and only then the layer's own details followed by
/// training state. So a file is a run of version numbers (outermost layer first), the input layer,
/// and then each layer's details in forward order. See docs/dlib-model-format.md.
public enum DlibModelReader {
    /// Reads the model at `path`.
    public static func read(contentsOf path: String, architecture: DlibArchitecture) throws(FaceNNError) -> DlibModel {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FaceNNError(.unreadableFile, "cannot read model file \(path)")
        }
        do {
            return try read([UInt8](data), architecture: architecture)
        } catch {
            throw FaceNNError(error.code, "\(path): \(error.message)", underlying: error.underlying)
        }
    }

    /// Reads a model from the bytes of a dlib model file.
    public static func read(_ bytes: [UInt8], architecture: DlibArchitecture) throws(FaceNNError) -> DlibModel {
        var stream = DlibStream(bytes)
        stream.context = "the loss layer"
        let lossVersion = try stream.integer()
        guard lossVersion == 1 else {
            throw stream.error(.unsupportedModel, "loss layer format version \(lossVersion) (is this a dlib model file?)")
        }
        let (threshold, detectorOptions) = try readLoss(&stream, architecture.loss)

        let layers = architecture.layers
        guard let first = layers.first, !first.isBookkeeping else {
            throw FaceNNError(.unsupportedModel, "architectures must start with a computing layer")
        }
        var versions = [Int](repeating: 0, count: layers.count)
        for index in layers.indices.reversed() {
            stream.context = "the version of layer \(index) (\(layers[index]))"
            let allowed = layers[index].isBookkeeping ? 1...1 : (index == 0 ? 2...3 : 1...2)
            versions[index] = try stream.integer(in: allowed, "layer format version")
        }

        stream.context = "the input layer"
        let (means, pyramidPadding) = try readInput(&stream, architecture.input)

        var builder = NetworkBuilder(inputChannels: 3)
        for (index, layer) in layers.enumerated() {
            stream.context = "layer \(index) (\(layer))"
            try builder.read(layer, from: &stream)
            if !layer.isBookkeeping {
                try skipTrainingState(&stream, version: versions[index], isFirst: index == 0)
            }
        }
        guard stream.isAtEnd else {
            throw stream.error(.corruptModel, "unexpected data after the last layer")
        }
        return DlibModel(architecture: architecture, network: Network(steps: builder.steps),
                         inputChannelMeans: means, metricDistanceThreshold: threshold,
                         detectorOptions: detectorOptions, pyramidPadding: pyramidPadding)
    }

    private static func readLoss(_ stream: inout DlibStream, _ loss: DlibArchitecture.Loss) throws(FaceNNError)
        -> (Float?, MMODOptions?)
    {
        let name = try stream.string()
        switch (loss, name) {
        case (.metric, "loss_metric_"):
            return (0.75, nil)  // this older version always used a fixed threshold
        case (.metric, "loss_metric_2"):
            _ = try stream.float()  // margin
            return (Float(try stream.float()), nil)
        case (.mmod, "loss_mmod_"):
            return (nil, try readMMODOptions(&stream))
        default:
            throw stream.error(.unexpectedLayer, "found loss layer '\(name)', expected \(loss) loss: wrong model file?")
        }
    }

    private static func readMMODOptions(_ stream: inout DlibStream) throws(FaceNNError) -> MMODOptions {
        let version = try stream.integer(in: 1...4, "detector options version")
        var windows: [MMODOptions.Window] = []
        if version == 1 {
            let width = try stream.integer(in: 1...100_000, "window width")
            let height = try stream.integer(in: 1...100_000, "window height")
            windows = [MMODOptions.Window(width: width, height: height, label: "")]
        } else {
            let count = try stream.integer(in: 1...1000, "window count")
            for _ in 0..<count {
                let windowVersion = try stream.integer(in: 1...2, "window version")
                let width = try stream.integer(in: 1...100_000, "window width")
                let height = try stream.integer(in: 1...100_000, "window height")
                let label = windowVersion == 2 ? try stream.string() : ""
                windows.append(MMODOptions.Window(width: width, height: height, label: label))
            }
        }
        _ = try stream.float()  // loss per false alarm
        _ = try stream.float()  // loss per missed target
        _ = try stream.float()  // truth match threshold
        let nmsOverlap = try stream.float()
        let nmsCovered = try stream.float()
        _ = try stream.float()  // overlaps to ignore during training
        _ = try stream.float()
        if version >= 3 {
            _ = try stream.byte()  // whether the input is a pyramid: it is, for the architectures FaceKit knows
        }
        if version >= 4 {
            guard try stream.bool() == false else {
                throw stream.error(.unsupportedModel, "detectors with bounding-box regression are not supported")
            }
            _ = try stream.float()  // regression weight
        }
        return MMODOptions(windows: windows, nmsMaxIntersectionOverBoundingArea: nmsOverlap, nmsMaxCoveredFraction: nmsCovered)
    }

    private static func readInput(_ stream: inout DlibStream, _ input: DlibArchitecture.Input) throws(FaceNNError)
        -> ([Float], (between: Int, outer: Int)?)
    {
        let name = try stream.string()
        switch input {
        case .rgbImageSized(let rows, let columns):
            guard name == "input_rgb_image_sized" else {
                throw stream.error(.unexpectedLayer, "found input layer '\(name)', expected input_rgb_image_sized")
            }
            let means = [Float(try stream.float()), Float(try stream.float()), Float(try stream.float())]
            let fileRows = try stream.integer(), fileColumns = try stream.integer()
            guard fileRows == rows && fileColumns == columns else {
                throw stream.error(.shapeMismatch, "input is \(fileRows)×\(fileColumns), expected \(rows)×\(columns)")
            }
            return (means, nil)
        case .rgbImagePyramid:
            guard name == "input_rgb_image_pyramid" || name == "input_rgb_image_pyramid2" else {
                throw stream.error(.unexpectedLayer, "found input layer '\(name)', expected input_rgb_image_pyramid")
            }
            let means = [Float(try stream.float()), Float(try stream.float()), Float(try stream.float())]
            if name == "input_rgb_image_pyramid2" {
                let between = try stream.integer(in: 0...1000, "pyramid padding")
                let outer = try stream.integer(in: 0...1000, "pyramid outer padding")
                return (means, (between, outer))
            }
            return (means, (10, 11))  // the first format always used these
        }
    }

    /// Skips what dlib saves after each layer's details: flags and gradient buffers from training.
    private static func skipTrainingState(_ stream: inout DlibStream, version: Int, isFirst: Bool) throws(FaceNNError) {
        for _ in 0..<3 { _ = try stream.bool() }
        _ = try stream.tensor()  // input gradient
        _ = try stream.tensor()  // cached output
        if isFirst {
            _ = try stream.tensor()  // final gradient
            if version >= 3 { _ = try stream.integer() }  // sample expansion factor
        } else if version == 2 {
            _ = try stream.tensor()  // parameter gradient
        }
    }
}

/// Turns each layer's details into a network step, tracking channel counts so that a file that does
/// not fit the architecture fails with a message instead of a wrong network.
private struct NetworkBuilder {
    var steps: [Network.Step] = []
    var channels: Int
    var taggedChannels: [Int: Int] = [:]
    var afterGlobalPool = false

    init(inputChannels: Int) {
        channels = inputChannels
    }

    mutating func read(_ layer: DlibArchitecture.Layer, from stream: inout DlibStream) throws(FaceNNError) {
        switch layer {
        case .tag(let tag):
            taggedChannels[tag] = channels
            steps.append(.tag(tag))
        case .skip(let tag):
            guard let saved = taggedChannels[tag] else { throw stream.error(.unsupportedModel, "skip to unset tag \(tag)") }
            channels = saved
            steps.append(.skip(to: tag))
        case .convolution(let filters, let window):
            steps.append(.layer(try readConvolution(&stream, filters: filters, window: window)))
            channels = filters
        case .affine:
            steps.append(.layer(try readAffine(&stream)))
        case .relu:
            try expectName(&stream, ["relu_"])
            steps.append(.layer(ReLU()))
        case .maxPool(let window):
            try expectName(&stream, ["max_pool_2"])
            try expectWindow(&stream, window)
            steps.append(.layer(MaxPool(window: window)))
        case .averagePool(let window):
            try expectName(&stream, ["avg_pool_2"])
            try expectWindow(&stream, window)
            steps.append(.layer(AveragePool(window: window)))
        case .globalAveragePool:
            try expectName(&stream, ["avg_pool_2"])
            let values = try (0..<6).map { _ throws(FaceNNError) in try stream.integer() }
            guard values == [0, 0, 1, 1, 0, 0] else {
                throw stream.error(.shapeMismatch, "expected a global average pool, found window values \(values)")
            }
            steps.append(.layer(AveragePool.global))
        case .addPrevious(let tag):
            try expectName(&stream, ["add_prev_"])
            guard let saved = taggedChannels[tag] else { throw stream.error(.unsupportedModel, "add of unset tag \(tag)") }
            channels = max(channels, saved)
            steps.append(.addTagged(tag, activation: .none))
        case .fullyConnected(let outputs, let hasBias):
            steps.append(.layer(try readFullyConnected(&stream, outputs: outputs, hasBias: hasBias)))
            channels = outputs
        }
        afterGlobalPool = layer == .globalAveragePool || (afterGlobalPool && layer.isBookkeeping)
    }

    @discardableResult
    private func expectName(_ stream: inout DlibStream, _ names: [String]) throws(FaceNNError) -> String {
        let name = try stream.string()
        guard names.contains(name) else {
            throw stream.error(.unexpectedLayer, "found layer '\(name)', expected \(names.joined(separator: " or "))")
        }
        return name
    }

    private func expectWindow(_ stream: inout DlibStream, _ window: Window2D) throws(FaceNNError) {
        let values = try (0..<6).map { _ throws(FaceNNError) in Int(try stream.integer()) }
        let expected = [window.height, window.width, window.strideY, window.strideX, window.paddingY, window.paddingX]
        guard values == expected else {
            throw stream.error(.shapeMismatch, "window (rows, columns, strides, paddings) is \(values), expected \(expected)")
        }
    }

    private func readConvolution(_ stream: inout DlibStream, filters: Int, window: Window2D) throws(FaceNNError) -> Convolution {
        let name = try expectName(&stream, ["con_4", "con_5"])
        let params = try stream.tensor().values
        let fileFilters = try stream.integer()
        try expectWindow(&stream, window)
        let filterDimensions = try stream.aliasTensor()
        let biasDimensions = try stream.aliasTensor()
        for _ in 0..<4 { _ = try stream.float() }  // learning-rate and weight-decay multipliers
        let usesBias = name == "con_5" ? try stream.bool() : true
        let expected = [filters, channels, window.height, window.width]
        guard fileFilters == filters, filterDimensions == expected else {
            throw stream.error(.shapeMismatch, "filters are \(filterDimensions), expected \(expected)")
        }
        let weightCount = filters * channels * window.height * window.width
        let biasCount = biasDimensions.reduce(1, *)
        guard biasCount == filters || (!usesBias && biasCount == 0),
              params.count == weightCount + (usesBias ? filters : 0) || params.count == weightCount + biasCount else {
            throw stream.error(.shapeMismatch, "convolution has \(params.count) parameters, expected \(weightCount) weights and \(filters) biases")
        }
        let bias = usesBias ? Array(params[weightCount..<weightCount + filters]) : [Float](repeating: 0, count: filters)
        return Convolution(weights: Array(params[0..<weightCount]), bias: bias, filters: filters,
                           inputChannels: channels, window: window)
    }

    private func readAffine(_ stream: inout DlibStream) throws(FaceNNError) -> Affine {
        let name = try expectName(&stream, ["affine_", "affine_2", "bn_con2"])
        let params = try stream.tensor().values
        let gammaDimensions = try stream.aliasTensor()
        _ = try stream.aliasTensor()  // beta: same shape as gamma
        guard gammaDimensions == [1, channels, 1, 1], params.count == 2 * channels else {
            throw stream.error(.shapeMismatch, "per-channel parameters are \(gammaDimensions) (\(params.count) values), expected \(channels) channels")
        }
        let gamma = Array(params[0..<channels]), beta = Array(params[channels..<2 * channels])
        if name == "bn_con2" {
            // Batch norm saved from training: fold its running statistics into a scale and shift.
            _ = try stream.tensor()  // batch means
            _ = try stream.tensor()  // batch inverse standard deviations
            let runningMeans = try stream.tensor().values
            let runningVariances = try stream.tensor().values
            _ = try stream.integer()  // updates seen
            _ = try stream.integer()  // running statistics window
            for _ in 0..<4 { _ = try stream.float() }  // learning-rate and weight-decay multipliers
            let epsilon = try stream.float()
            guard runningMeans.count == channels, runningVariances.count == channels else {
                throw stream.error(.shapeMismatch, "batch-norm statistics for \(runningMeans.count) channels, expected \(channels)")
            }
            var scale = [Float](repeating: 0, count: channels), shift = scale
            for c in 0..<channels {
                scale[c] = gamma[c] / Float((Double(runningVariances[c]) + epsilon).squareRoot())
                shift[c] = beta[c] - scale[c] * runningMeans[c]
            }
            return Affine(scale: scale, shift: shift)
        }
        let mode = try stream.integer()
        guard mode == 0 else { throw stream.error(.unsupportedModel, "affine layer in fully-connected mode") }
        if name == "affine_2" {
            let disabled = try stream.bool()
            if disabled { return Affine(scale: [Float](repeating: 1, count: channels), shift: [Float](repeating: 0, count: channels)) }
        }
        return Affine(scale: gamma, shift: beta)
    }

    private func readFullyConnected(_ stream: inout DlibStream, outputs: Int, hasBias: Bool) throws(FaceNNError) -> FullyConnected {
        let name = try expectName(&stream, ["fc_2", "fc_3"])
        let fileOutputs = try stream.integer(), fileInputs = Int(try stream.integer())
        let params = try stream.tensor().values
        let weightDimensions = try stream.aliasTensor()
        _ = try stream.aliasTensor()  // biases
        let biasMode = try stream.integer()  // 0: with bias, 1: without
        for _ in 0..<4 { _ = try stream.float() }
        let usesBias = name == "fc_3" ? try stream.bool() : true
        let fileHasBias = biasMode == 0 && usesBias
        guard fileOutputs == outputs, fileHasBias == hasBias else {
            throw stream.error(.shapeMismatch, "fc has \(fileOutputs) outputs (bias: \(fileHasBias)), expected \(outputs) (bias: \(hasBias))")
        }
        guard afterGlobalPool ? fileInputs == channels : fileInputs % channels == 0,
              weightDimensions == [fileInputs, outputs, 1, 1],
              params.count >= fileInputs * outputs + (hasBias ? outputs : 0) else {
            throw stream.error(.shapeMismatch, "fc weights are \(weightDimensions) (\(params.count) values) for \(channels) input channels")
        }
        let weightCount = fileInputs * outputs
        let bias = hasBias ? Array(params[weightCount..<weightCount + outputs]) : nil
        return FullyConnected(weights: Array(params[0..<weightCount]), bias: bias, inputs: fileInputs, outputs: outputs)
    }
}
