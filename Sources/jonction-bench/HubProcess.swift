import ArgumentParser
import Foundation

/// The hub of the `hub` benchmark, served by this program in a child process (`serve-hub`): the
/// offices' replicas, in the benchmark's process, do not count in its memory.
final class HubProcess {
    let process = Process()
    /// Its standard input: closing it stops the hub.
    private let input = Pipe()
    let port: Int

    /// Starts the hub on the replica at `path` and waits until it listens.
    init(replica path: String) throws {
        let output = Pipe()
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        process.arguments = ["serve-hub", "--db", path]
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        // `port=N` once it listens; nothing (its output closed) if it failed.
        var line: [UInt8] = []
        while true {
            let byte = output.fileHandleForReading.readData(ofLength: 1)
            guard let b = byte.first, b != UInt8(ascii: "\n") else { break }
            line.append(b)
        }
        guard let text = String(bytes: line, encoding: .utf8), text.hasPrefix("port="), let port = Int(text.dropFirst(5)) else {
            process.terminate()
            throw ValidationError("FAILED: the hub did not start (\(String(decoding: line, as: UTF8.self)))")
        }
        self.port = port
    }

    /// Its peak resident memory so far, in MiB.
    var peakRSS: Double { peakRSSMiB(pid: process.processIdentifier) }

    /// Stops the hub (it finishes what it was doing and closes its replica) and waits for it.
    func stop() throws {
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            throw ValidationError("FAILED: the hub ended with status \(process.terminationStatus)")
        }
    }
}
