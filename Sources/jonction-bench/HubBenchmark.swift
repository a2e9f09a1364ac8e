import ArgumentParser
import AsyncHTTPClient
import Foundation
import Jonction
import JonctionHub
import JonctionStore
import Logging
import NIOCore

/// DESIGN §7: a hub on loopback and many offices syncing at once through the real HTTP client.
struct HubBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hub",
        abstract: "Offices syncing concurrently over loopback HTTP: offices= changes= total_s= p50_s= p99_s= peak_rss_mib=")

    @Option(help: "Number of offices.")
    var offices: Int = 50

    @Option(help: "Changes each office records before syncing.")
    var changes: Int = 2000

    func run() async throws {
        let work = try temporaryDirectory("hub")
        defer { try? FileManager.default.removeItem(at: work) }
        let hub = try Replica.create(at: work.appendingPathComponent("hub.sqlite").path, site: .hub)
        var logger = Logger(label: "bench.hub")
        logger.logLevel = .critical
        let (stream, continuation) = AsyncStream<Int>.makeStream()
        let server = Task {
            try await HubServer.serve(replica: hub, host: "127.0.0.1", port: 0, logger: logger) { continuation.yield($0) }
        }
        var ports = stream.makeAsyncIterator()
        guard let port = await ports.next() else { throw ValidationError("the hub did not start") }

        // The offices, each with its changes recorded (not timed).
        var sites: [(Replica, AccessToken)] = []
        for i in 0..<offices {
            let name = SiteName(unchecked: "bureau-\(i)")
            let office = try Replica.create(at: work.appendingPathComponent("\(name).sqlite").path, site: name)
            let token = try LocalEnrolment.enrol([office], at: hub)[name]!
            try office.write { w in
                var written = 0, k = 0
                while written < changes {
                    let fields: [(String, Value)] = [
                        ("family_name", .text(["Traoré", "Keïta", "Diarra", "Maïga"][k % 4])), ("given_names", .text("Awa")),
                        ("sex", .text(k % 2 == 0 ? "F" : "M")), ("birth_year", .integer(Int64(1980 + k % 25))),
                        ("phone", .text("+223 7\(i % 10) \(10 + k % 90) 00 00")), ("region", .text("Mopti")),
                        ("isco", .text("7112")), ("skills", .text("maçonnerie")), ("education", .text("DEF")),
                        ("status", .text("registered")),
                    ]
                    let take = min(fields.count, changes - written)
                    try w.set(table: "candidate", id: "\(name)-\(k)", fields: Array(fields.prefix(take)))
                    written += take
                    k += 1
                }
            }
            sites.append((office, token))
        }

        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(
            timeout: .init(connect: .seconds(10), read: .seconds(120)),
            connectionPool: .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: offices)))
        let url = URL(string: "http://127.0.0.1:\(port)")!
        let start = monotonicSeconds()
        var latencies: [Double] = []
        // Two rounds: everyone sends (and gets what is there), then everyone gets the rest. The hub
        // reads four uploads at once; the others wait their turn (beyond 256 waiting, "busy", and the
        // client retries with back-off).
        for _ in 0..<2 {
            latencies += try await withThrowingTaskGroup(of: Double.self) { group in
                for (office, token) in sites {
                    group.addTask {
                        let t0 = monotonicSeconds()
                        _ = try await SyncClient(hub: url, token: token, http: http, attempts: 12, firstDelay: 0.2).sync(office)
                        return monotonicSeconds() - t0
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
        }
        let total = monotonicSeconds() - start
        let peak = peakRSSMiB()
        try await http.shutdown()
        server.cancel()
        _ = try? await server.value

        let expected = try hub.read { try $0.dumpJSON() }
        guard try hub.read({ try $0.vector() }).total == UInt64(offices * changes) else {
            throw ValidationError("FAILED: the hub holds \(try hub.read { try $0.vector() }.total) changes, expected \(offices * changes)")
        }
        for (office, _) in sites {
            guard try office.read({ try $0.dumpJSON() }) == expected, try office.read({ try $0.vector() }) == hub.read({ try $0.vector() }) else {
                throw ValidationError("FAILED: \(office.site) differs from the hub")
            }
            try office.close()
        }
        try hub.close()
        latencies.sort()
        func percentile(_ p: Double) -> Double { latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))] }
        print("offices=\(offices) changes=\(offices * changes) total_s=\(format(total, 2)) p50_s=\(format(percentile(0.5))) p99_s=\(format(percentile(0.99))) peak_rss_mib=\(format(peak, 1))")
    }
}
