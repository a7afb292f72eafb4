/// The exit codes of `facekit`, stable so scripts can rely on them.
public struct ExitCode: Hashable, Sendable {
    /// The numeric status.
    public let rawValue: Int32

    /// Everything asked for was done.
    public static let success = ExitCode(rawValue: 0)
    /// An unexpected failure.
    public static let failure = ExitCode(rawValue: 1)
    /// The command line was wrong: unknown command or option, missing argument.
    public static let usage = ExitCode(rawValue: 2)
    /// An input file could not be read or decoded, or is not what the command needs.
    public static let unreadableInput = ExitCode(rawValue: 3)
    /// A photo held no face.
    public static let noFace = ExitCode(rawValue: 4)
    /// A model is missing, damaged or unreadable.
    public static let modelUnavailable = ExitCode(rawValue: 5)
    /// The gallery cannot be opened or used: unreachable, damaged, bound to another model, or of a
    /// newer schema.
    public static let galleryUnavailable = ExitCode(rawValue: 6)
    /// A named subject or face is not in the gallery.
    public static let notFound = ExitCode(rawValue: 7)
    /// A subject name is already taken.
    public static let alreadyExists = ExitCode(rawValue: 8)
    /// An enrolment photo shows several faces (and several were not allowed).
    public static let multipleFaces = ExitCode(rawValue: 9)
}
