import FaceCommandLine

#if canImport(Glibc)
import Glibc
#endif

exit(FaceKitCommand.main(Array(CommandLine.arguments.dropFirst())).rawValue)
