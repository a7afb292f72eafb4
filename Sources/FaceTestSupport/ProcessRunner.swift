import Foundation

/// Runs a program to completion and captures what it printed.
public enum ProcessRunner {
    /// The outcome of a run.
    public struct Output: Sendable {
        /// Exit status.
        public let status: Int32
        /// Standard output as text.
        public let standardOutput: String
        /// Standard error as text.
        public let standardError: String
    }

    /// Runs `executable` with `arguments` and optional extra environment variables.
    public static func run(_ executable: String, _ arguments: [String],
                           environment: [String: String] = [:]) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let outputPipe = Pipe(), errorPipe = Pipe()
        process.standardOutput = outputPipe
        process.standardError = errorPipe
        try process.run()
        // Read both pipes while the process runs so neither can fill up and block it.
        let errorData = LockedData()
        let errorReader = Thread { errorData.set(errorPipe.fileHandleForReading.readDataToEndOfFile()) }
        errorReader.start()
        let outputData = outputPipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !errorData.isSet { usleep(1000) }
        return Output(status: process.terminationStatus,
                      standardOutput: String(decoding: outputData, as: UTF8.self),
                      standardError: String(decoding: errorData.value, as: UTF8.self))
    }

    private final class LockedData: @unchecked Sendable {
        private let lock = NSLock()
        private var data: Data?
        func set(_ newValue: Data) { lock.withLock { data = newValue } }
        var isSet: Bool { lock.withLock { data != nil } }
        var value: Data { lock.withLock { data ?? Data() } }
    }
}
