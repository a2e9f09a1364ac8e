import Foundation
import JonctionTestSupport
import Testing

/// Runs the built `jonction` executable as a user would.
struct CLI {
    let directory: TemporaryDirectory

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The executable beside the test bundle (`swift build` puts both in the same folder).
    static let executable: URL = {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: dir.appendingPathComponent("jonction").path), dir.path != "/" {
            dir.deleteLastPathComponent()
        }
        return dir.appendingPathComponent("jonction")
    }()

    @discardableResult
    func run(_ arguments: String..., environment: [String: String] = [:]) throws -> Result {
        try run(arguments, environment: environment)
    }

    /// `fileSizeLimit`: the largest file the tool may write, in blocks of `ulimit -f` (`/bin/sh`'s
    /// unit, 512 bytes for dash); a larger write fails as on a full disk (EFBIG instead of ENOSPC).
    @discardableResult
    func run(_ arguments: [String], environment: [String: String] = [:], fileSizeLimit: Int? = nil) throws -> Result {
        let process = Process()
        if let fileSizeLimit {
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "trap '' XFSZ; ulimit -f \(fileSizeLimit) && exec \"$0\" \"$@\"", CLI.executable.path] + arguments
        } else {
            process.executableURL = CLI.executable
            process.arguments = arguments
        }
        process.currentDirectoryURL = directory.url
        var env = ProcessInfo.processInfo.environment
        env["JONCTION_DB"] = nil
        env["JONCTION_LANG"] = nil
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                      stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// Runs the tool and expects it to succeed (exit 0), naming the command and its stderr if not.
    @discardableResult
    func succeed(_ arguments: [String], environment: [String: String] = [:],
                 sourceLocation: SourceLocation = #_sourceLocation) throws -> Result {
        let r = try run(arguments, environment: environment)
        #expect(r.status == 0, "\(arguments.joined(separator: " ")): \(r.stderr)", sourceLocation: sourceLocation)
        return r
    }

    /// Folders in the test's directory (a stick, an inbox).
    func makeFolders(_ names: String...) throws {
        for name in names {
            try FileManager.default.createDirectory(at: directory.url.appendingPathComponent(name), withIntermediateDirectories: true)
        }
    }
}
