import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A program run to its end, with its exit and its peak resident memory: that child's own
/// (`wait4`), not the test process's, so tests running beside it do not count.
public struct MeasuredRun: Sendable {
    /// The exit code, or 128 + the signal that ended it.
    public var status: Int32
    /// Peak resident set size, in MiB.
    public var peakRSSMiB: Double
    /// Standard output and error, together.
    public var output: String

    /// Runs `executable` with `arguments`, without `JONCTION_DB` and `JONCTION_LANG` in its environment.
    public static func run(_ executable: URL, _ arguments: [String]) throws -> MeasuredRun {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("measured-\(UUID().uuidString).log")
        defer { try? FileManager.default.removeItem(at: log) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, log.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)

        let environment = ProcessInfo.processInfo.environment
            .filter { $0.key != "JONCTION_DB" && $0.key != "JONCTION_LANG" }
            .map { "\($0.key)=\($0.value)" }
        let argv = ([executable.path] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup($0) } + [nil]
        defer {
            for p in argv { free(p) }
            for p in envp { free(p) }
        }
        var pid = pid_t()
        let rc = posix_spawn(&pid, executable.path, &actions, nil, argv, envp)
        guard rc == 0 else { throw CocoaError(.executableLoad) }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        let signal = status & 0x7F
        let exit = signal == 0 ? (status >> 8) & 0xFF : 128 + signal
        #if canImport(Darwin)
        let peak = Double(usage.ru_maxrss) / (1 << 20)  // bytes
        #else
        let peak = Double(usage.ru_maxrss) / 1024  // KiB
        #endif
        let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        return MeasuredRun(status: exit, peakRSSMiB: peak, output: output)
    }
}
