import Foundation
import JonctionTestSupport
import Testing

/// Scoped replication from the command line (README « Chaque bureau ne tient que ce qu’il sert »):
/// offices enrolled with their regions exchange sticks with the hub; each file holds its scope only.
@Suite("Ligne de commande : bureaux servis par région, clés USB")
struct ScopedSticksTests {
    let dir = TemporaryDirectory("scoped-sticks")
    var cli: CLI { CLI(directory: dir) }

    @discardableResult
    func run(_ arguments: String...) throws -> CLI.Result {
        try cli.succeed(arguments)
    }

    func bytes(_ db: String) throws -> Data {
        var contents = Data()
        for suffix in ["", "-wal"] where FileManager.default.fileExists(atPath: dir.path(db + suffix)) {
            contents += try Data(contentsOf: dir.url.appendingPathComponent(db + suffix))
        }
        return contents
    }

    /// Each office's stick for the hub, then the hub's stick for each office, `rounds` times.
    func round(_ offices: [String], rounds: Int = 2) throws {
        for _ in 0..<rounds {
            for office in offices { try run("export", "--db", "\(office).sqlite", "--to", "cle") }
            try run("import", "--db", "hub.sqlite", "cle")
            for office in offices {
                try run("export", "--db", "hub.sqlite", "--to", "cle", "--for", office)
                try run("import", "--db", "\(office).sqlite", "cle")
            }
        }
    }

    @Test("Gao ne reçoit aucune personne de Kayes ; une personne qui passe de Kayes à Gao arrive à Gao et quitte Kayes")
    func regionsOnSticks() throws {
        try cli.network(["kayes", "gao"])
        try run("hub", "scope", "--db", "hub.sqlite", "kayes", "--region", "Kayes")
        try run("hub", "scope", "--db", "hub.sqlite", "gao", "--region", "Gao")
        try FileManager.default.createDirectory(at: dir.url.appendingPathComponent("cle"), withIntermediateDirectories: true)

        try run("put", "--db", "kayes.sqlite", "candidate", "kayes-c01", "family_name=Kanouté", "given_names=Fatoumata",
                "phone=76 44 55 66", "region=Kayes")
        try run("put", "--db", "hub.sqlite", "candidate", "hub-c01", "family_name=Sidibé", "given_names=Oumou",
                "phone=66 77 88 99", "region=Kayes")
        try run("put", "--db", "gao.sqlite", "candidate", "gao-c01", "family_name=Maïga", "region=Gao")
        try run("put", "--db", "hub.sqlite", "opportunity", "opp-01", "kind=job", "places=2", "region=Gao", "title=Soudeur")
        try round(["kayes", "gao"])

        // Gao holds its person and every opportunity, nothing of Kayes's people; the hub holds all.
        let gao = try bytes("gao.sqlite")
        for secret in ["Kanouté", "Sidibé", "76 44 55 66", "66 77 88 99"] {
            #expect(gao.range(of: Data(secret.utf8)) == nil, "\(secret) at Gao")
        }
        #expect(try run("get", "--db", "gao.sqlite", "opportunity", "opp-01").stdout.contains("Soudeur"))
        #expect(try cli.run("get", "--db", "gao.sqlite", "candidate", "hub-c01").status != 0)
        let hub = try bytes("hub.sqlite")
        for name in ["Kanouté", "Sidibé", "Maïga"] { #expect(hub.range(of: Data(name.utf8)) != nil, "\(name) at the hub") }
        #expect(try run("get", "--db", "kayes.sqlite", "candidate", "hub-c01").stdout.contains("Sidibé"))

        // The hub moves Oumou Sidibé to Gao: she arrives whole at Gao and leaves Kayes, which says so.
        try run("put", "--db", "hub.sqlite", "candidate", "hub-c01", "region=Gao")
        try run("export", "--db", "hub.sqlite", "--to", "cle", "--for", "kayes")
        let left = try run("import", "--db", "kayes.sqlite", "cle", "--json").stdout
        #expect(left.contains(#""records_dropped":1"#), "\(left)")
        try round(["kayes", "gao"])
        let arrived = try run("get", "--db", "gao.sqlite", "candidate", "hub-c01", "--json").stdout
        #expect(arrived.contains("Sidibé") && arrived.contains("66 77 88 99") && arrived.contains("Oumou"), "\(arrived)")
        #expect(try cli.run("get", "--db", "kayes.sqlite", "candidate", "hub-c01").status != 0)
        let kayes = try bytes("kayes.sqlite")
        for secret in ["Sidibé", "66 77 88 99"] {
            #expect(kayes.range(of: Data(secret.utf8)) == nil, "\(secret) still at Kayes")
        }
        // Kayes keeps the person it registered.
        #expect(try run("get", "--db", "kayes.sqlite", "candidate", "kayes-c01").stdout.contains("Kanouté"))
    }
}
