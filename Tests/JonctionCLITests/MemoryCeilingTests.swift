import Foundation
import JonctionBundle
import JonctionFuzz
import JonctionTestSupport
import Testing

/// What a hostile file costs `jonction import`, measured on the process itself (its peak resident
/// memory, from `wait4`): bounded by protocol.md §5.2's limits, whatever the file declares (issue 11).
@Suite("Plafond de mémoire : un fichier hostile est refusé sans planter, pour quelques Mio")
struct MemoryCeilingTests {
    let dir = TemporaryDirectory("plafond")

    func importing(_ arguments: String...) throws -> MeasuredRun {
        try MeasuredRun.run(CLI.executable, ["import", "--db", dir.path("hub.sqlite")] + arguments)
    }

    @Test("bombes zlib, bloc de 2⁴⁰ changements, bloc qui demandait 50 Go, fichier de 1,1 Go : refusés, mémoire bornée")
    func hostileFiles() throws {
        let golden = fixturesDirectory.appendingPathComponent("golden-v1.jnb").path
        #expect(try MeasuredRun.run(CLI.executable, ["init", "--db", dir.path("hub.sqlite"), "--site", "hub",
                                                     "--network", "0123456789abcdef0123456789abcdef"]).status == 0)
        // What importing a small good bundle costs.
        let baseline = try importing(fixturesDirectory.appendingPathComponent("fuzz/kayes-pour-hub.jnb").path)
        #expect(baseline.status == 0, "\(baseline.output)")

        for hostile in HostileBundle.allCases where !hostile.isValid {
            let path = dir.path("\(hostile.rawValue).jnb")
            try Data(hostile.bytes()).write(to: URL(fileURLWithPath: path))
            let run = try importing(path)
            #expect(run.status == 1, "\(hostile): \(run.output)")
            let reason = [HostileBundle.countBomb, .zlibBomb].contains(hostile) ? "paquet trop volumineux" : "paquet incohérent"
            #expect(run.output.contains(reason), "\(hostile): \(run.output)")
            // The bounded bomb inflates 64 MiB, no more; the others are refused before inflating.
            let allowance = hostile == .boundedZlibBomb ? 100.0 : 30.0
            #expect(run.peakRSSMiB < baseline.peakRSSMiB + allowance,
                    "\(hostile): \(run.peakRSSMiB) MiB, baseline \(baseline.peakRSSMiB) MiB")
        }

        // 1.1 GB, sparse: refused on its size, never read.
        let huge = URL(fileURLWithPath: dir.path("enorme.jnb"))
        try Data(Mailbag.read(URL(fileURLWithPath: golden))).write(to: huge)
        let handle = try FileHandle(forWritingTo: huge)
        try handle.truncate(atOffset: 1_100_000_000)
        try handle.close()
        let run = try importing(huge.path)
        #expect(run.status == 1 && run.output.contains("fichier trop gros"), "\(run.output)")
        #expect(run.peakRSSMiB < baseline.peakRSSMiB + 30, "\(run.peakRSSMiB) MiB, baseline \(baseline.peakRSSMiB) MiB")
    }

    @Test("trier une clé ne lit que les en-têtes : un gros fichier pour un autre site ne coûte rien")
    func headersOnly() throws {
        #expect(try MeasuredRun.run(CLI.executable, ["init", "--db", dir.path("mopti.sqlite"), "--site", "mopti"]).status == 0)
        let stick = URL(fileURLWithPath: dir.path("cle"))
        try FileManager.default.createDirectory(at: stick, withIntermediateDirectories: true)
        let small = try MeasuredRun.run(CLI.executable, ["import", "--db", dir.path("mopti.sqlite"), stick.path])
        // The golden bundle (kayes for the hub), then 60 MiB: only its header is for sorting.
        let file = stick.appendingPathComponent("kayes_pour_hub_gao.7-7_kayes.2-3.jnb")
        try Data(Mailbag.read(fixturesDirectory.appendingPathComponent("golden-v1.jnb"))).write(to: file)
        let handle = try FileHandle(forWritingTo: file)
        try handle.truncate(atOffset: 60 << 20)
        try handle.close()
        let run = try MeasuredRun.run(CLI.executable, ["import", "--db", dir.path("mopti.sqlite"), stick.path])
        #expect(run.output.contains("1 paquet(s) destiné(s) à d’autres sites"), "\(run.output)")
        #expect(run.peakRSSMiB < small.peakRSSMiB + 30, "\(run.peakRSSMiB) MiB, empty stick \(small.peakRSSMiB) MiB")
    }
}
