import ArgumentParser
import Foundation
import Jonction
import JonctionBundle
import JonctionStore

/// What importing bundle files costs, measured from inside (VmHWM of this process: `wait4`'s
/// figure for a child also counts its parent's memory at the fork): the ceiling of protocol.md
/// §5.2, on hostile files (`fuzz --write-hostile`) and on real exports.
struct ImportBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import bundle files or folders into a fresh replica: imported= refused= others= seconds= peak_rss_mib=")

    @Argument(help: "Bundle files or mailbag folders, as `jonction import` takes them.")
    var paths: [String]

    @Option(help: "The importing site (a folder gives it only the bundles addressed to it).")
    var site: String = "hub"

    @Option(help: "The replica's network (default: the golden bundle's).")
    var network: String = "0123456789abcdef0123456789abcdef"

    func run() throws {
        let work = try temporaryDirectory("import")
        defer { try? FileManager.default.removeItem(at: work) }
        let site = try SiteName(self.site)
        let replica = try Replica.create(at: work.appendingPathComponent("replica.sqlite").path, site: site,
                                         network: site == .hub ? network : nil)
        let t0 = monotonicSeconds()
        let outcomes = try replica.importFiles(paths.map { URL(fileURLWithPath: $0) })
        let seconds = monotonicSeconds() - t0
        var imported = 0, refused = 0, others = 0
        for outcome in outcomes {
            switch outcome.result {
            case .imported, .replay: imported += 1
            case .notForUs: others += 1
            case .refused(let error):
                refused += 1
                print("refused \(outcome.url.lastPathComponent): \(error.message(.en))")
            }
        }
        try replica.close()
        print("imported=\(imported) refused=\(refused) others=\(others) seconds=\(format(seconds)) peak_rss_mib=\(format(peakRSSMiB(), 1))")
    }
}
