import FaceTensor

/// A dlib network definition, written in Swift: the graph that a dlib model file holds parameters for.
///
/// dlib's files store each layer's parameters but not the whole graph (tag numbers, for one, live only
/// in the C++ type), so FaceKit states each model's architecture here, the way dlib's example programs
/// state it as a type, and ``DlibModelReader`` checks the file against it layer by layer.
public struct DlibArchitecture: Sendable {
    /// The input layer.
    public enum Input: Sendable, Equatable {
        /// `input_rgb_image_sized<N>`: one RGB image of fixed size per sample.
        case rgbImageSized(rows: Int, columns: Int)
        /// `input_rgb_image_pyramid`: an image pyramid tiled into one image.
        case rgbImagePyramid
    }

    /// One layer of the definition, in forward order.
    public enum Layer: Sendable, Equatable {
        /// `con_`: convolution with bias.
        case convolution(filters: Int, window: Window2D)
        /// `affine_` (or a batch-norm layer saved in training mode, which loads as one).
        case affine
        /// `relu_`.
        case relu
        /// `max_pool_`.
        case maxPool(Window2D)
        /// `avg_pool_` with a fixed window.
        case averagePool(Window2D)
        /// `avg_pool_everything`.
        case globalAveragePool
        /// `add_prev<tag>`: sum with the tensor saved by `tag<tag>`.
        case addPrevious(tag: Int)
        /// `tag<n>`: remember the current tensor.
        case tag(Int)
        /// `skip<n>`: go back to the tensor remembered by `tag<n>`.
        case skip(to: Int)
        /// `fc_`/`fc_no_bias`.
        case fullyConnected(outputs: Int, bias: Bool)

        /// Tags and skips are bookkeeping layers: dlib writes no details for them.
        var isBookkeeping: Bool {
            switch self {
            case .tag, .skip: return true
            default: return false
            }
        }
    }

    /// The loss layer on top.
    public enum Loss: Sendable, Equatable {
        /// `loss_metric_`: the output is the descriptor.
        case metric
        /// `loss_mmod_`: the output is a detection score map.
        case mmod
    }

    /// The input layer.
    public let input: Input
    /// The layers from input to output.
    public let layers: [Layer]
    /// The loss layer.
    public let loss: Loss

    /// Creates an architecture.
    public init(input: Input, layers: [Layer], loss: Loss) {
        self.input = input
        self.layers = layers
        self.loss = loss
    }
}

extension DlibArchitecture {
    /// dlib's face-recognition ResNet (`dlib_face_recognition_resnet_model_v1.dat`): 150×150 RGB in,
    /// 128-D descriptor out.
    ///
    /// A 7×7/2 convolution and a 3×3/2 max pool, then residual stages of 32, 64, 128, 256 and 256
    /// filters. Each residual block is conv 3×3 → affine → ReLU → conv 3×3 → affine, added to its input,
    /// then ReLU; a stage's first block (except the first stage's) convolves with stride 2 and adds a
    /// 2×2 average-pooled shortcut. Global average pool, then 128 outputs without bias.
    public static let faceDescriptorResNet: DlibArchitecture = {
        func block(filters: Int, stride: Int) -> [Layer] {
            let padding = stride == 1 ? 1 : 0  // dlib pads by half the filter only for stride 1
            return [
                .convolution(filters: filters, window: Window2D(height: 3, width: 3, strideY: stride, strideX: stride,
                                                                 paddingY: padding, paddingX: padding)),
                .affine, .relu,
                .convolution(filters: filters, window: Window2D(height: 3, width: 3, paddingY: 1, paddingX: 1)),
                .affine,
            ]
        }
        func residual(_ filters: Int) -> [Layer] {
            [.tag(1)] + block(filters: filters, stride: 1) + [.addPrevious(tag: 1), .relu]
        }
        func residualDown(_ filters: Int) -> [Layer] {
            [.tag(1)] + block(filters: filters, stride: 2)
                + [.tag(2), .skip(to: 1), .averagePool(Window2D(height: 2, width: 2, strideY: 2, strideX: 2)),
                   .addPrevious(tag: 2), .relu]
        }
        var layers: [Layer] = [
            .convolution(filters: 32, window: Window2D(height: 7, width: 7, strideY: 2, strideX: 2)),
            .affine, .relu,
            .maxPool(Window2D(height: 3, width: 3, strideY: 2, strideX: 2)),
        ]
        layers += residual(32) + residual(32) + residual(32)
        layers += residualDown(64) + residual(64) + residual(64) + residual(64)
        layers += residualDown(128) + residual(128) + residual(128)
        layers += residualDown(256) + residual(256) + residual(256)
        layers += residualDown(256)
        layers += [.globalAveragePool, .fullyConnected(outputs: 128, bias: false)]
        return DlibArchitecture(input: .rgbImageSized(rows: 150, columns: 150), layers: layers, loss: .metric)
    }()
}

extension DlibArchitecture {
    /// dlib's CNN face detector (`mmod_human_face_detector.dat`): an RGB image pyramid tiled into one
    /// image in, one detection score per position out.
    ///
    /// Three 5×5/2 convolutions (16, 32, 32 filters) down-sample by 8; three 5×5 convolutions with 45
    /// filters follow, each convolution with affine (saved as batch norm) and ReLU; a 9×9 convolution
    /// gives the score map.
    public static let mmodFaceDetector: DlibArchitecture = {
        func downsampling(_ filters: Int) -> [Layer] {
            [.convolution(filters: filters, window: Window2D(height: 5, width: 5, strideY: 2, strideX: 2)), .affine, .relu]
        }
        func refining(_ filters: Int) -> [Layer] {
            [.convolution(filters: filters, window: Window2D(height: 5, width: 5, paddingY: 2, paddingX: 2)), .affine, .relu]
        }
        let layers = downsampling(16) + downsampling(32) + downsampling(32) + refining(45) + refining(45) + refining(45)
            + [.convolution(filters: 1, window: Window2D(height: 9, width: 9, paddingY: 4, paddingX: 4))]
        return DlibArchitecture(input: .rgbImagePyramid, layers: layers, loss: .mmod)
    }()
}
