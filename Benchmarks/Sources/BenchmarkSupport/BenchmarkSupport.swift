import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// What the benchmark programs share: the clock, failing with a message, running the dlib reference.
public enum Bench {
    /// The FaceKit checkout these benchmarks sit in.
    public static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// The dlib reference program (`FACEKIT_DLIB_REFERENCE`, or where Scripts/build-reference.sh puts it).
    public static let referenceBinary = ProcessInfo.processInfo.environment["FACEKIT_DLIB_REFERENCE"]
        ?? packageRoot + "/.build/dlib-reference/dlib-reference"

    /// Prints `message` on standard error, prefixed with the program's name, and exits 1.
    public static func fail(_ message: String) -> Never {
        let program = URL(fileURLWithPath: CommandLine.arguments[0]).lastPathComponent
        FileHandle.standardError.write(Data("\(program): \(message)\n".utf8))
        exit(1)
    }

    /// Stops with a clear message unless the dlib reference program has been built.
    public static func requireReference() {
        guard FileManager.default.isExecutableFile(atPath: referenceBinary) else {
            fail("dlib reference not found at \(referenceBinary); run Scripts/build-reference.sh")
        }
    }

    /// Monotonic seconds.
    public static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
    }

    /// Runs a program to completion and returns its standard output; a failure ends the benchmark.
    @discardableResult
    public static func run(_ executable: String, _ arguments: [String]) -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        do { try process.run() } catch { fail("cannot run \(executable): \(error)") }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            fail("\(executable) \(arguments.prefix(1)) exited \(process.terminationStatus)")
        }
        return String(decoding: data, as: UTF8.self)
    }
}
