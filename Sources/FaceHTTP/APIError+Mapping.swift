import FaceGallery
import FaceImage
import FacePipeline

// The one place that decides which HTTP status and code each failure is sent with.
extension APIError {
    /// The API error for a gallery failure.
    init(_ error: GalleryError) {
        switch error.code {
        case .subjectNotFound: self.init(.subjectNotFound, error.message)
        case .faceNotFound: self.init(.faceNotFound, error.message)
        case .subjectExists: self.init(.subjectExists, error.message)
        case .invalidName, .invalidArgument: self.init(.invalidArgument, error.message)
        case .noFace: self.init(.noFace, error.message)
        case .multipleFaces: self.init(.multipleFaces, error.message)
        case .unavailable: self.init(.galleryUnavailable, "the gallery is unavailable: \(error.message)")
        case .storage: self.init(.galleryUnavailable, "the gallery failed: \(error.message)")
        default: self.init(.internalError, "the gallery reported a problem (\(error.code))")
        }
    }

    /// The API error for an image that cannot be used.
    init(_ error: ImageError) {
        switch error.code {
        case .tooLarge: self.init(.imageTooLarge, error.message)
        default: self.init(.unsupportedImage, error.message)
        }
    }

    /// The API error for a pipeline failure (a wiring mistake rather than bad input).
    init(_ error: FacePipelineError) {
        self.init(.internalError, "the face pipeline failed: \(error.message)")
    }

    /// Any error as an API error; unknown errors say nothing of their internals.
    static func from(_ error: any Error) -> APIError {
        switch error {
        case let error as APIError: return error
        case let error as GalleryError: return APIError(error)
        case let error as ImageError: return APIError(error)
        case let error as FacePipelineError: return APIError(error)
        default: return APIError(.internalError, "the request failed unexpectedly")
        }
    }

    /// The error as a reply: its status, its headers and the JSON envelope.
    var response: HTTPResponse {
        var response = HTTPResponse.json(
            .object([("error", .object([("code", .string(code.name)), ("message", .string(message))]))]),
            status: code.status)
        response.headers += headers
        return response
    }
}
