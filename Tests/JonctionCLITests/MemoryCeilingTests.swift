import Foundation
import JonctionBundle
import JonctionFuzz
import JonctionTestSupport
import Testing

/// What a hostile file costs an import, measured in a process of its own (`jonction-bench import`,
/// which reads its own peak resident memory): bounded by protocol.md §5.2's limits, whatever the
/// file declares (issue 11).
@Suite("Plafond de mémoire : un fichier hostile est refusé sans planter, pour quelques Mio")
struct MemoryCeilingTests {
    let dir = TemporaryDirectory("plafond")

    struct Measured {
        var status: Int32
        var output: String
        var peakMiB: Double
    }

    /// `jonction-bench import` of `paths` into a fresh replica of `site`.
    func importing(_ paths: [String], site: String = "hub") throws -> Measured {
        let process = Process()
        process.executableURL = CLI.executable.deletingLastPathComponent().appendingPathComponent("jonction-bench")
        process.arguments = ["import", "--site", site] + paths
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let output = String(decoding: data, as: UTF8.self)
        let peak = output.split(separator: " ").last { $0.hasPrefix("peak_rss_mib=") }
            .flatMap { Double($0.dropFirst("peak_rss_mib=".count).trimmingCharacters(in: .whitespacesAndNewlines)) } ?? .infinity
        return Measured(status: process.terminationStatus, output: output, peakMiB: peak)
    }

    @Test("bombes zlib, bloc de 2⁴⁰ changements, bloc qui demandait 50 Go, fichier de 1,1 Go : refusés, mémoire bornée")
    func hostileFiles() throws {
        // What importing a small good bundle costs.
        let baseline = try importing([fixturesDirectory.appendingPathComponent("fuzz/kayes-pour-hub.jnb").path])
        #expect(baseline.status == 0 && baseline.output.contains("imported=1 refused=0"), "\(baseline.output)")

        for hostile in HostileBundle.allCases where !hostile.isValid {
            let path = dir.path("\(hostile.rawValue).jnb")
            try Data(hostile.bytes()).write(to: URL(fileURLWithPath: path))
            let run = try importing([path])
            #expect(run.status == 0 && run.output.contains("imported=0 refused=1"), "\(hostile): \(run.output)")
            let reason = [HostileBundle.countBomb, .zlibBomb].contains(hostile) ? "bundle too large" : "inconsistent bundle"
            #expect(run.output.contains(reason), "\(hostile): \(run.output)")
            // The bounded bomb inflates 16 MiB, no more; the others are refused before inflating.
            let allowance = hostile == .boundedZlibBomb ? 40.0 : 12.0
            #expect(run.peakMiB < baseline.peakMiB + allowance, "\(hostile): \(run.peakMiB) MiB, baseline \(baseline.peakMiB) MiB")
        }

        // 1.1 GB, sparse: refused on its size, never read.
        let huge = URL(fileURLWithPath: dir.path("enorme.jnb"))
        try Data(Mailbag.read(fixturesDirectory.appendingPathComponent("golden-v1.jnb"))).write(to: huge)
        let handle = try FileHandle(forWritingTo: huge)
        try handle.truncate(atOffset: 1_100_000_000)
        try handle.close()
        let run = try importing([huge.path])
        #expect(run.output.contains("refused=1") && run.output.contains("file too large"), "\(run.output)")
        #expect(run.peakMiB < baseline.peakMiB + 12, "\(run.peakMiB) MiB, baseline \(baseline.peakMiB) MiB")
    }

    @Test("trier une clé ne lit que les en-têtes : un gros fichier pour un autre site ne coûte rien")
    func headersOnly() throws {
        let stick = URL(fileURLWithPath: dir.path("cle"))
        try FileManager.default.createDirectory(at: stick, withIntermediateDirectories: true)
        let empty = try importing([stick.path], site: "mopti")
        // The golden bundle (kayes for the hub), then 15 MiB: only its header is for sorting.
        let file = stick.appendingPathComponent("kayes_pour_hub_gao.7-7_kayes.2-3.jnb")
        try Data(Mailbag.read(fixturesDirectory.appendingPathComponent("golden-v1.jnb"))).write(to: file)
        let handle = try FileHandle(forWritingTo: file)
        try handle.truncate(atOffset: 15 << 20)
        try handle.close()
        let run = try importing([stick.path], site: "mopti")
        #expect(run.output.contains("imported=0 refused=0 others=1"), "\(run.output)")
        #expect(run.peakMiB < empty.peakMiB + 12, "\(run.peakMiB) MiB, empty stick \(empty.peakMiB) MiB")
    }
}
