import ArgumentParser
import AsyncHTTPClient
import Foundation
import Jonction
import JonctionHub
import JonctionStore
import Logging
import NIOCore

/// DESIGN §7: a hub on loopback and many offices syncing at once through the real HTTP client.
///
/// The hub runs in a process of its own (`HubProcess`), so that its peak memory is measured apart
/// from the offices' replicas. With `--full`, every office is a full replica and ends holding all
/// the changes; with `--regions` (protocol.md §2.6), each serves one region of Mali, writes
/// candidates of it, and ends holding its region only.
struct HubBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hub",
        abstract: "Offices syncing concurrently over loopback HTTP: offices= changes= replicas= total_s= p50_s= p99_s= peak_rss_mib= hub_peak_rss_mib=",
        discussion: """
            The offices record their changes (not timed), then all sync at once, twice: the first \
            round sends everyone's changes, the second brings each office the rest. Then the run \
            checks that the hub holds every change and that each office holds what it should, and \
            fails (FAILED: …) otherwise. peak_rss_mib is the benchmark's process (the offices), \
            hub_peak_rss_mib the hub's own.
            """)

    /// What each office holds.
    enum Replicas: String, EnumerableFlag {
        /// Everything: each office ends holding every office's changes.
        case full
        /// Its region (protocol.md §2.6): office i serves region i mod 20 of Mali.
        case regions

        static func help(for value: Replicas) -> ArgumentHelp? {
            switch value {
            case .full: "Every office a full replica (the default up to 50 offices)."
            case .regions: "Every office scoped to one region of Mali, writing candidates of it (the default above 50 offices)."
            }
        }
    }

    @Option(help: "Number of offices.")
    var offices: Int = 50

    @Option(help: "Changes each office records before syncing.")
    var changes: Int = 2000

    @Flag var replicas: Replicas?

    /// Beyond 50 offices a full replica each is no office's reality (each would import every
    /// other's changes): scoped, unless `--full` says otherwise.
    var mode: Replicas { replicas ?? (offices > 50 ? .regions : .full) }

    /// The region office `i` serves and writes candidates of, in `--regions`.
    static func region(of i: Int) -> String { Schema.regions[i % Schema.regions.count] }

    /// The fields of an office's `k`th candidate.
    static func candidate(_ k: Int, office i: Int, region: String) -> [(String, Value)] {
        [
            ("family_name", .text(["Traoré", "Keïta", "Diarra", "Maïga"][k % 4])), ("given_names", .text("Awa")),
            ("sex", .text(k % 2 == 0 ? "F" : "M")), ("birth_year", .integer(Int64(1980 + k % 25))),
            ("phone", .text("+223 7\(i % 10) \(10 + k % 90) 00 00")), ("region", .text(region)),
            ("isco", .text("7112")), ("skills", .text("maçonnerie")), ("education", .text("DEF")),
            ("status", .text("registered")),
        ]
    }

    /// The changes a candidate takes (one per field).
    static let candidateFields = candidate(0, office: 0, region: "Mopti").count

    func validate() throws {
        guard offices > 0, changes > 0 else { throw ValidationError("--offices and --changes must be positive") }
    }

    func run() async throws {
        let work = try temporaryDirectory("hub")
        defer { try? FileManager.default.removeItem(at: work) }
        let hubPath = work.appendingPathComponent("hub.sqlite").path
        var hub: Replica? = try Replica.create(at: hubPath, site: .hub)

        // The offices, each with its changes recorded (not timed).
        var sites: [Replica] = []
        for i in 0..<offices {
            let name = SiteName(unchecked: "bureau-\(i)")
            let office = try Replica.create(at: work.appendingPathComponent("\(name).sqlite").path, site: name)
            let region = mode == .regions ? Self.region(of: i) : "Mopti"
            try office.write { w in
                var written = 0, k = 0
                while written < changes {
                    let fields = Self.candidate(k, office: i, region: region)
                    let take = min(fields.count, changes - written)
                    try w.set(table: "candidate", id: "\(name)-\(k)", fields: Array(fields.prefix(take)))
                    written += take
                    k += 1
                }
            }
            sites.append(office)
        }
        let tokens = try LocalEnrolment.enrol(sites, at: hub!)
        if mode == .regions {
            try hub!.write { w in
                for (i, office) in sites.enumerated() { try w.setRegions([Self.region(of: i)], of: office.site) }
            }
        }
        try hub!.close()
        hub = nil

        let server = try HubProcess(replica: hubPath)
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(
            timeout: .init(connect: .seconds(10), read: .seconds(120)),
            connectionPool: .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: offices)))
        let url = URL(string: "http://127.0.0.1:\(server.port)")!
        let start = monotonicSeconds()
        var latencies: [Double] = []
        // Two rounds: everyone sends (and gets what is there), then everyone gets the rest. The hub
        // reads four uploads at once; the others wait their turn (beyond 256 waiting, "busy", and the
        // client retries with back-off).
        do {
            for _ in 0..<2 {
                latencies += try await withThrowingTaskGroup(of: Double.self) { group in
                    for office in sites {
                        let token = tokens[office.site]!
                        group.addTask {
                            let t0 = monotonicSeconds()
                            _ = try await SyncClient(hub: url, token: token, http: http, attempts: 12, firstDelay: 0.2).sync(office)
                            return monotonicSeconds() - t0
                        }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
            }
        } catch {
            try? await http.shutdown()
            try? server.stop()
            throw error
        }
        let total = monotonicSeconds() - start
        let peak = peakRSSMiB()
        let hubPeak = server.peakRSS
        try await http.shutdown()
        try server.stop()

        let served = try Replica.open(at: hubPath)
        switch mode {
        case .full: try checkFull(hub: served, offices: sites)
        case .regions: try checkScoped(hub: served, offices: sites)
        }
        for office in sites { try office.close() }
        try served.close()
        latencies.sort()
        func percentile(_ p: Double) -> Double { latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))] }
        print("offices=\(offices) changes=\(offices * changes) replicas=\(mode.rawValue) total_s=\(format(total, 2)) "
              + "p50_s=\(format(percentile(0.5))) p99_s=\(format(percentile(0.99))) peak_rss_mib=\(format(peak, 1)) "
              + "hub_peak_rss_mib=\(format(hubPeak, 1))")
    }
}
