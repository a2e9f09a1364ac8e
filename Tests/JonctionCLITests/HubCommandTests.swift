import Foundation
import JonctionTestSupport
import Testing

@Suite("Ligne de commande : le pôle (inscription, serveur, synchronisation, fusion)")
struct HubCommandTests {
    let dir = TemporaryDirectory("hubcli")
    var cli: CLI { CLI(directory: dir) }

    @discardableResult
    func run(_ arguments: String..., environment: [String: String] = [:]) throws -> CLI.Result {
        let r = try cli.run(arguments, environment: environment)
        #expect(r.status == 0, "\(arguments.joined(separator: " ")): \(r.stderr)")
        return r
    }

    /// `jonction hub serve` on a free port; returns the process and the port it printed.
    func serve() throws -> (Process, Int, Pipe) {
        let process = Process()
        process.executableURL = CLI.executable
        process.arguments = ["hub", "serve", "--db", "hub.sqlite", "--port", "0"]
        process.currentDirectoryURL = dir.url
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        var text = ""
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            let chunk = err.fileHandleForReading.availableData
            text += String(decoding: chunk, as: UTF8.self)
            if let range = text.range(of: #"http://127\.0\.0\.1:(\d+)"#, options: .regularExpression),
                let port = Int(text[range].split(separator: ":").last!) {
                return (process, port, err)
            }
        }
        process.terminate()
        throw CocoaError(.fileReadUnknown)
    }

    @Test("inscrire, servir, synchroniser trois bureaux, révoquer, arrêter proprement")
    func enrollServeSync() throws {
        try run("init", "--db", "hub.sqlite", "--site", "hub")
        var tokens: [String: String] = [:]
        for office in ["kayes", "mopti", "gao"] {
            try run("init", "--db", "\(office).sqlite", "--site", office)
            let r = try run("hub", "enroll", "--db", "hub.sqlite", office)
            tokens[office] = String(r.stdout.split(separator: "\n").last!)
            #expect(tokens[office]!.hasPrefix("jnct_"))
        }
        var r = try cli.run("hub", "enroll", "--db", "kayes.sqlite", "gao")
        #expect(r.status == 1)
        #expect(r.stderr.contains("pas du pôle"))

        let (server, port, _) = try serve()
        let url = "http://127.0.0.1:\(port)"
        try run("put", "--db", "kayes.sqlite", "candidate", "kayes-c01", "family_name=Sissoko")
        try run("put", "--db", "mopti.sqlite", "candidate", "mopti-c01", "family_name=Dicko")
        try run("put", "--db", "gao.sqlite", "candidate", "gao-c01", "family_name=Maïga")
        for _ in 0..<2 {
            for office in ["kayes", "mopti", "gao"] {
                r = try run("sync", "--db", "\(office).sqlite", "--hub", url, environment: ["JONCTION_TOKEN": tokens[office]!])
                #expect(r.stdout.contains("Synchronisé avec le pôle"))
            }
        }
        let dumps = try ["hub", "kayes", "mopti", "gao"].map { try cli.run("dump", "--db", "\($0).sqlite").stdout }
        #expect(Set(dumps).count == 1)
        #expect(dumps[0].contains("Maïga"))

        r = try cli.run("sync", "--db", "kayes.sqlite", "--hub", url, "--token", tokens["mopti"]!)
        #expect(r.status == 1)
        #expect(r.stderr.contains("chaque bureau utilise son propre jeton"))
        r = try cli.run("sync", "--db", "kayes.sqlite", "--hub", url)
        #expect(r.status == 1)
        #expect(r.stderr.contains("Jeton d’accès manquant"))
        try run("hub", "revoke", "--db", "hub.sqlite", "gao")
        r = try cli.run("sync", "--db", "gao.sqlite", "--hub", url, "--token", tokens["gao"]!)
        #expect(r.status == 1)
        #expect(r.stderr.contains("révoqué"))
        r = try run("hub", "sites", "--db", "hub.sqlite", "--json")
        let sites = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]]
        #expect(sites?.map { $0["state"] as? String } == ["revoked", "enrolled", "enrolled"])

        server.terminate()  // SIGTERM
        server.waitUntilExit()
        #expect(server.terminationStatus == 0)
        r = try cli.run("sync", "--db", "kayes.sqlite", "--hub", url, "--token", tokens["kayes"]!, "--attempts", "2", "--retry-delay", "0.1", "--connect-timeout", "1")
        #expect(r.status == 1)
        #expect(r.stderr.contains("Pôle injoignable"))
    }

    @Test("la fusion nocturne en ligne de commande : résumé, --json, fichiers rangés")
    func nightlyMerge() throws {
        try run("init", "--db", "hub.sqlite", "--site", "hub")
        try run("init", "--db", "kayes.sqlite", "--site", "kayes")
        try run("put", "--db", "kayes.sqlite", "candidate", "kayes-c01", "status=registered")
        try run("put", "--db", "hub.sqlite", "opportunity", "opp-01", "kind=training", "places=5")
        try FileManager.default.createDirectory(at: dir.url.appendingPathComponent("arrivee"), withIntermediateDirectories: true)
        try run("export", "--db", "kayes.sqlite", "--to", "arrivee")
        try Data("pas un paquet".utf8).write(to: dir.url.appendingPathComponent("arrivee/photo.jnb"))
        var r = try cli.run("hub", "merge", "--db", "hub.sqlite", "--inbox", "arrivee", "--outbox", "depart", "--json")
        #expect(r.status == 1)  // a file was refused
        let summary = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        #expect(summary?["taken"] as? Int == 1)
        #expect((summary?["refused"] as? [[String: Any]])?.first?["file"] as? String == "photo.jnb")
        #expect((summary?["written"] as? [[String: Any]])?.first?["site"] as? String == "kayes")
        #expect(FileManager.default.fileExists(atPath: dir.path("arrivee/rejected/photo.jnb.raison.txt")))
        r = try run("hub", "merge", "--db", "hub.sqlite", "--inbox", "arrivee", "--outbox", "depart")
        #expect(r.stdout.contains("Fusion terminée : 0 paquet(s) pris"))
        r = try run("import", "--db", "kayes.sqlite", "depart/kayes")
        #expect(r.stdout.contains("Bilan"))
    }
}
