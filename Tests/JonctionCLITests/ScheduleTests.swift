import Foundation
import JonctionTestSupport
import Testing

/// Random exchanges of sticks between three sites, every step a `jonction` process as a clerk would
/// run it: the in-memory suite carries the weight (thousands of schedules), these check the same
/// property end to end through the command line, SQLite files and bundle files.
@Suite("Ligne de commande : calendriers aléatoires de clés USB, de bout en bout")
struct ScheduleTests {
    static let sites = ["hub", "kayes", "mopti"]
    static let values = ["family_name=Traoré", "family_name=Keïta", "status=trained", "status=placed",
                         "region=Gao", "notes=revenu de Libye", "birth_year=2001"]

    @Test("les trois réplicas finissent identiques", arguments: SeededGenerator.seeds(8, base: 42_000))
    func randomSticks(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        let dir = TemporaryDirectory("schedule")
        let cli = CLI(directory: dir)
        func run(_ arguments: [String]) throws -> CLI.Result {
            let r = try cli.run(arguments)
            #expect(r.status == 0 || r.status == 1, "seed \(seed): \(arguments.joined(separator: " ")): \(r.stderr)")
            return r
        }
        try cli.network(Array(Self.sites.dropFirst()))
        var sticks = 0
        for _ in 0..<12 {
            let site = Self.sites.randomElement(using: &rng)!
            switch Int.random(in: 0..<10, using: &rng) {
            case 0..<5:
                let id = "c\(Int.random(in: 0..<3, using: &rng))"
                _ = try run(["put", "--db", "\(site).sqlite", "candidate", id, Self.values.randomElement(using: &rng)!])
            case 5:
                _ = try run(["delete", "--db", "\(site).sqlite", "candidate", "c\(Int.random(in: 0..<3, using: &rng))"])
            default:
                // A stick for another site, carried (or lost) and read later, perhaps twice.
                var to = Self.sites.randomElement(using: &rng)!
                if to == site { to = Self.sites.first { $0 != site }! }
                sticks += 1
                let stick = dir.url.appendingPathComponent("cle\(sticks)")
                try FileManager.default.createDirectory(at: stick, withIntermediateDirectories: true)
                _ = try run(["export", "--db", "\(site).sqlite", "--to", stick.path, "--for", to])
                if Int.random(in: 0..<4, using: &rng) > 0 {
                    for _ in 0..<Int.random(in: 1...2, using: &rng) { _ = try run(["import", "--db", "\(to).sqlite", stick.path]) }
                }
            }
        }
        // Every office and the hub, twice around, through one stick each way.
        for _ in 0..<2 {
            for (i, office) in Self.sites.dropFirst().enumerated() {
                for (from, to) in [(office, "hub"), ("hub", office)] {
                    let stick = dir.url.appendingPathComponent("fin-\(from)-\(to)-\(i)-\(sticks)")
                    sticks += 1
                    try FileManager.default.createDirectory(at: stick, withIntermediateDirectories: true)
                    _ = try run(["export", "--db", "\(from).sqlite", "--to", stick.path, "--for", to])
                    _ = try run(["import", "--db", "\(to).sqlite", stick.path])
                }
            }
        }
        let dumps = try Self.sites.map { try cli.run("dump", "--db", "\($0).sqlite").stdout }
        #expect(Set(dumps).count == 1, "seed \(seed)")
        let vectors = try Self.sites.map { site -> String in
            let status = try cli.run("status", "--db", "\(site).sqlite", "--json").stdout
            let json = try JSONSerialization.jsonObject(with: Data(status.utf8)) as? [String: Any]
            return "\((json?["vector"] as? [String: Int] ?? [:]).sorted { $0.key < $1.key })"
        }
        #expect(Set(vectors).count == 1, "seed \(seed): \(vectors)")
    }
}
