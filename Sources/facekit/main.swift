import FaceCommandLine
import FaceTensor

#if canImport(Glibc)
import Glibc
#endif

// facekit runs networks over and over; see keepFreedMemoryForReuse for why this pays.
ComputeContext.keepFreedMemoryForReuse()
exit(FaceKitCommand.main(Array(CommandLine.arguments.dropFirst())).rawValue)
