import Foundation
import JonctionTestSupport
import Testing

@Suite("Ligne de commande : clés USB à la main, démonstration")
struct SticksTests {
    let dir = TemporaryDirectory("sticks")
    var cli: CLI { CLI(directory: dir) }

    @discardableResult
    func run(_ arguments: String...) throws -> CLI.Result {
        try cli.succeed(arguments)
    }

    @Test("trois réplicas échangent des clés dans le désordre, une clé vidée deux fois, un fichier abîmé : ils convergent")
    func handExchange() throws {
        try cli.network(["kayes", "mopti"])
        let status = try run("status", "--db", "kayes.sqlite", "--json").stdout
        #expect(status.contains(#""keys":"match","offices":2,"revoked":0,"site_listed":true,"site_revoked":false"#), "\(status)")
        #expect(try run("status", "--db", "kayes.sqlite").stdout.contains("ce site : inscrit, clés conformes"))
        try run("put", "--db", "kayes.sqlite", "candidate", "kayes-c01", "family_name=Sissoko", "status=registered")
        try run("put", "--db", "mopti.sqlite", "candidate", "mopti-c01", "family_name=Dicko", "notes=a=b")
        try run("put", "--db", "hub.sqlite", "opportunity", "opp-01", "kind=job", "places=3", "region=Mopti")
        try FileManager.default.createDirectory(at: dir.url.appendingPathComponent("cle"), withIntermediateDirectories: true)

        // Kayes → Mopti (relay), Mopti → hub, hub → Kayes; then Kayes edits, hub edits the same field.
        var r = try run("export", "--db", "kayes.sqlite", "--to", "cle", "--for", "mopti")
        let kayesFile = String(r.stdout.split(separator: "\n").last!)
        #expect(FileManager.default.fileExists(atPath: kayesFile))
        try run("import", "--db", "mopti.sqlite", "cle")
        r = try run("import", "--db", "mopti.sqlite", "cle")  // the same stick emptied twice
        #expect(r.stdout.contains("déjà importé"))
        try run("export", "--db", "mopti.sqlite", "--to", "cle")
        try run("import", "--db", "hub.sqlite", "cle")
        try run("export", "--db", "hub.sqlite", "--to", "cle", "--for", "kayes")
        try run("put", "--db", "kayes.sqlite", "candidate", "kayes-c01", "status=trained")
        try run("put", "--db", "hub.sqlite", "candidate", "kayes-c01", "status=placed")
        try run("import", "--db", "kayes.sqlite", "cle")

        // A damaged file among good ones: refused with a French message, the others imported.
        r = try run("export", "--db", "kayes.sqlite", "--to", "cle")
        let path = String(r.stdout.split(separator: "\n").last!)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        let good = bytes
        bytes[bytes.count - 5] ^= 0xFF
        try bytes.write(to: URL(fileURLWithPath: path))
        let hubBefore = try cli.run("dump", "--db", "hub.sqlite").stdout
        r = try cli.run("import", "--db", "hub.sqlite", "cle")
        #expect(r.status == 1)
        #expect(r.stderr.contains("modifié en chemin"))
        #expect(try cli.run("dump", "--db", "hub.sqlite").stdout == hubBefore)
        try good.write(to: URL(fileURLWithPath: path))
        try run("import", "--db", "hub.sqlite", "cle")

        r = try run("conflicts", "--db", "hub.sqlite", "--json")
        let conflicts = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]]
        #expect(conflicts?.count == 1)
        #expect(conflicts?.first?["field"] as? String == "status")

        // Final round through the hub.
        for office in ["kayes", "mopti"] {
            try? cli.run("export", "--db", "\(office).sqlite", "--to", "cle")
        }
        try run("import", "--db", "hub.sqlite", "cle")
        for office in ["kayes", "mopti"] {
            try run("export", "--db", "hub.sqlite", "--to", "cle", "--for", office)
            try run("import", "--db", "\(office).sqlite", "cle")
        }
        let dumps = try ["hub", "kayes", "mopti"].map { try cli.run("dump", "--db", "\($0).sqlite").stdout }
        #expect(Set(dumps).count == 1)
        #expect(dumps[0].contains(#""notes":"a=b""#))
        r = try run("export", "--db", "kayes.sqlite", "--to", "cle")
        #expect(r.stdout.contains("Rien à envoyer à hub"))
    }

    @Test("export et import refusent proprement : dossier absent, site invalide, fichier étranger")
    func refusals() throws {
        try run("init", "--db", "k.sqlite", "--site", "kayes")
        try run("put", "--db", "k.sqlite", "candidate", "kayes-c01", "status=registered")
        // Not joined yet: no roster, nothing can be sealed, and the message says what to do.
        #expect(try run("status", "--db", "k.sqlite", "--json").stdout.contains(#""roster":null"#))
        var r0 = try cli.run("export", "--db", "k.sqlite", "--to", ".")
        #expect(r0.status == 1 && r0.stderr.contains("jonction join"))
        r0 = try cli.run("export", "--db", "k.sqlite", "--to", ".", "--lang", "en")
        #expect(r0.status == 1 && r0.stderr.contains("jonction join"))
        var r = try cli.run("export", "--db", "k.sqlite", "--to", "absent")
        #expect(r.status == 1)
        #expect(r.stderr.contains("n’existe pas"))
        r = try cli.run("export", "--db", "k.sqlite", "--to", ".", "--for", "Mopti")
        #expect(r.status == 1)
        #expect(r.stderr.contains("Nom de site invalide"))
        try Data("bonjour".utf8).write(to: dir.url.appendingPathComponent("photo.jnb"))
        r = try cli.run("import", "--db", "k.sqlite", "photo.jnb")
        #expect(r.status == 1)
        #expect(r.stderr.contains("n’est pas un paquet Jonction"))
        r = try cli.run("import", "--db", "k.sqlite", "photo.jnb", "--json")
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        #expect(json?["refused"] as? Int == 1)
    }

    @Test("la démonstration raconte l’histoire et finit convergée")
    func demo() throws {
        let r = try cli.run("demo", "--dir", "demo", "--fixtures", fixturesDirectory.appendingPathComponent("dataset.json").path)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("Les quatre réplicas sont identiques"))
        #expect(r.stdout.contains("conflicts --db hub.sqlite"))
        #expect(r.stdout.contains("refusé : paquet incomplet"))
        // Run again: the folder of an earlier demo is reused.
        #expect(try cli.run("demo", "--dir", "demo", "--fixtures", fixturesDirectory.appendingPathComponent("dataset.json").path).status == 0)
        let r2 = try cli.run("demo", "--dir", ".", "--lang", "en")
        #expect(r2.status == 1)
        #expect(r2.stderr.contains("holds something other than a demo"))
    }

    @Test("un nouveau poste pour Kayes : l’export complet du pôle le remet à jour, sans perte ni numéro réutilisé")
    func newLaptop() throws {
        try cli.network(["kayes"])
        try run("put", "--db", "kayes.sqlite", "candidate", "kayes-c01", "family_name=Sissoko")
        try run("put", "--db", "kayes.sqlite", "candidate", "kayes-c02", "family_name=Diarra")
        for folder in ["cle", "retour", "cle2"] {
            try FileManager.default.createDirectory(at: dir.url.appendingPathComponent(folder), withIntermediateDirectories: true)
        }
        try run("export", "--db", "kayes.sqlite", "--to", "cle")
        try run("import", "--db", "hub.sqlite", "cle")
        // The laptop is lost. A new one: same site, then the hub's full export before any entry.
        try FileManager.default.removeItem(at: dir.url.appendingPathComponent("kayes.sqlite"))
        try FileManager.default.removeItem(at: dir.url.appendingPathComponent("kayes.sqlite.cles"))
        // Its keys went with it ("Lost keys", README): new keys, the old ones revoked, the office
        // enrolled again; its old changes stay valid under the key it had then.
        try run("init", "--db", "kayes.sqlite", "--site", "kayes", "--restore")
        let keys = try JSONSerialization.jsonObject(with: Data(run("keys", "--db", "kayes.sqlite", "--json").stdout.utf8)) as? [String: Any]
        try run("hub", "revoke", "--db", "hub.sqlite", "kayes")
        try run("hub", "enroll", "--db", "hub.sqlite", "kayes", "--identity", keys?["identity"] as? String ?? "", "--join-file", "adhesion-2.txt")
        try run("join", "--db", "kayes.sqlite", "adhesion-2.txt")
        try run("export", "--db", "hub.sqlite", "--to", "retour", "--for", "kayes", "--full")
        try run("import", "--db", "kayes.sqlite", "retour")
        #expect(try cli.run("dump", "--db", "kayes.sqlite").stdout == cli.run("dump", "--db", "hub.sqlite").stdout)
        #expect(try run("check", "--db", "kayes.sqlite").status == 0)
        // Its next change takes seq 3, and the hub takes it: no seq reused, nothing refused.
        try run("put", "--db", "kayes.sqlite", "candidate", "kayes-c03", "family_name=Keïta")
        let r = try run("export", "--db", "kayes.sqlite", "--to", "cle2", "--json")
        #expect(r.stdout.contains("\"kayes\":[3,3]") || r.stdout.contains("kayes.3-3"))
        try run("import", "--db", "hub.sqlite", "cle2")
        #expect(try cli.run("dump", "--db", "kayes.sqlite").stdout == cli.run("dump", "--db", "hub.sqlite").stdout)
    }
}
