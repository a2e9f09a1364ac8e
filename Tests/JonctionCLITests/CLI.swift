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
    func run(_ arguments: [String], environment: [String: String] = [:], fileSizeLimit: Int? = nil, input: String? = nil) throws -> Result {
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
        let inputPipe = Pipe()
        process.standardInput = input == nil ? FileHandle.nullDevice : inputPipe
        try process.run()
        if let input {
            inputPipe.fileHandleForWriting.write(Data(input.utf8))
            try inputPipe.fileHandleForWriting.close()
        }
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

    /// A network as its people make it: `init` for the hub and each office (`SITE.sqlite`), `hub
    /// enroll --identity` for each office (its join file `adhesion-SITE.txt`), `hub roster --out`,
    /// then `join --roster` at each office, so that every office holds the roster listing them all.
    /// `url` puts the hub's address and a token in the join files. Returns each office's identity
    /// line and, with `url`, its token.
    @discardableResult
    func network(_ offices: [String], url: String? = nil,
                 sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: (identity: String, token: String?)] {
        if !FileManager.default.fileExists(atPath: directory.path("hub.sqlite")) {
            try succeed(["init", "--db", "hub.sqlite", "--site", "hub"], sourceLocation: sourceLocation)
        }
        var sites: [String: (identity: String, token: String?)] = [:]
        for office in offices {
            if !FileManager.default.fileExists(atPath: directory.path("\(office).sqlite")) {
                try succeed(["init", "--db", "\(office).sqlite", "--site", office], sourceLocation: sourceLocation)
            }
            let keys = try succeed(["keys", "--db", "\(office).sqlite", "--json"], sourceLocation: sourceLocation)
            let json = try JSONSerialization.jsonObject(with: Data(keys.stdout.utf8)) as? [String: Any]
            let identity = json?["identity"] as? String ?? ""
            try? FileManager.default.removeItem(atPath: directory.path("adhesion-\(office).txt"))
            let enrolled = try succeed(["hub", "enroll", "--db", "hub.sqlite", office, "--identity", identity,
                                        "--join-file", "adhesion-\(office).txt"] + (url.map { ["--hub-url", $0, "--print-token"] } ?? []),
                                       sourceLocation: sourceLocation)
            sites[office] = (identity, url == nil ? nil : enrolled.stdout.split(separator: "\n").last.map(String.init))
        }
        try? FileManager.default.removeItem(atPath: directory.path("liste.bin"))
        try succeed(["hub", "roster", "--db", "hub.sqlite", "--out", "liste.bin"], sourceLocation: sourceLocation)
        for office in offices {
            try succeed(["join", "--db", "\(office).sqlite", "adhesion-\(office).txt", "--roster", "liste.bin"],
                        sourceLocation: sourceLocation)
        }
        return sites
    }

    /// Enrols the replica `db` (already made by `init`) at `hub.sqlite` under its site's name, with
    /// its keys, and joins it: what an office and the administrator do for a new laptop. `again`:
    /// the site was enrolled before (its keys were lost): it is revoked, then enrolled anew.
    func enrol(db: String, site: String, again: Bool = false, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let keys = try succeed(["keys", "--db", db, "--json"], sourceLocation: sourceLocation)
        let identity = (try JSONSerialization.jsonObject(with: Data(keys.stdout.utf8)) as? [String: Any])?["identity"] as? String ?? ""
        if again { try succeed(["hub", "revoke", "--db", "hub.sqlite", site], sourceLocation: sourceLocation) }
        let file = "adhesion-\(UUID().uuidString.prefix(8)).txt"
        try succeed(["hub", "enroll", "--db", "hub.sqlite", site, "--identity", identity, "--join-file", file], sourceLocation: sourceLocation)
        try succeed(["join", "--db", db, file], sourceLocation: sourceLocation)
    }

    /// Folders in the test's directory (a stick, an inbox).
    func makeFolders(_ names: String...) throws {
        for name in names {
            try FileManager.default.createDirectory(at: directory.url.appendingPathComponent(name), withIntermediateDirectories: true)
        }
    }
}
