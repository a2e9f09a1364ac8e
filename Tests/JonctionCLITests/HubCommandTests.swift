import Foundation
import JonctionTestSupport
import Testing

@Suite("Ligne de commande : le pôle (inscription, serveur, synchronisation, fusion)")
struct HubCommandTests {
    let dir = TemporaryDirectory("hubcli")
    var cli: CLI { CLI(directory: dir) }

    @discardableResult
    func run(_ arguments: String..., environment: [String: String] = [:]) throws -> CLI.Result {
        try cli.succeed(arguments, environment: environment)
    }

    @Test("inscription avec l’identité du bureau ; liste des sites signée ; une identité d’un autre site est refusée")
    func enrolWithIdentity() throws {
        try run("init", "--db", "hub.sqlite", "--site", "hub")
        let initKayes = try run("init", "--db", "kayes.sqlite", "--site", "kayes", "--json")
        let info = try JSONSerialization.jsonObject(with: Data(initKayes.stdout.utf8)) as? [String: Any]
        let identity = try #require(info?["identity"] as? String)
        let fingerprint = try #require(info?["fingerprint"] as? String)
        #expect(identity.hasPrefix("jonction-site kayes "))
        let keyFile = try String(contentsOfFile: dir.path("kayes.sqlite.cles"), encoding: .utf8)
        // The identity line is public: none of the private key text is in it.
        for line in keyFile.split(separator: "\n") where line.hasPrefix("signature ") || line.hasPrefix("accord ") {
            #expect(!identity.contains(line.split(separator: " ")[1]))
        }
        let wrong = try cli.run("hub", "enroll", "--db", "hub.sqlite", "mopti", "--identity", identity)
        #expect(wrong.status == 1 && wrong.stderr.contains("pas de « mopti »"))
        // A region that is not one of Mali's: refused, nothing enrolled.
        let badRegion = try cli.run("hub", "enroll", "--db", "hub.sqlite", "kayes", "--identity", identity, "--region", "Paris")
        #expect(badRegion.status == 1 && badRegion.stderr.contains("« Paris »") && badRegion.stderr.contains("Koulikoro"))
        #expect(try run("hub", "sites", "--db", "hub.sqlite", "--json").stdout.contains("kayes") == false)
        let enrolled = try run("hub", "enroll", "--db", "hub.sqlite", "kayes", "--identity", identity,
                               "--region", "kayes", "--region", "segou", "--region", "Kayes")
        #expect(enrolled.stdout.contains(fingerprint) && enrolled.stdout.contains("Régions servies : Kayes, Ségou"))
        #expect(try run("hub", "sites", "--db", "hub.sqlite", "--json").stdout.contains(#""regions":["Kayes","Ségou"]"#))
        // Its scope changes later; an office not enrolled has none to change.
        #expect(try run("hub", "scope", "--db", "hub.sqlite", "kayes", "--region", "Koulikoro").stdout.contains("Koulikoro"))
        #expect(try run("hub", "sites", "--db", "hub.sqlite").stdout.contains("régions : Koulikoro"))
        // What it would hold: its region's people, and those it registered.
        try run("put", "--db", "hub.sqlite", "candidate", "kayes-c01", "region=Gao")
        try run("put", "--db", "hub.sqlite", "candidate", "mopti-c01", "region=Koulikoro")
        try run("put", "--db", "hub.sqlite", "candidate", "mopti-c02", "region=Mopti")
        #expect(try run("hub", "sites", "--db", "hub.sqlite").stdout.contains("périmètre : 2 personne(s) sur 3"))
        #expect(try run("hub", "sites", "--db", "hub.sqlite", "--json").stdout.contains(#""scope_candidates":2"#))
        let unknown = try cli.run("hub", "scope", "--db", "hub.sqlite", "gao", "--region", "Gao")
        #expect(unknown.status == 1 && unknown.stderr.contains("Aucun bureau « gao »"))
        #expect(try run("hub", "sites", "--db", "hub.sqlite").stdout.contains("clés \(fingerprint)"))
        try run("hub", "revoke", "--db", "hub.sqlite", "kayes")
        let roster = try run("hub", "roster", "--db", "hub.sqlite", "--out", "liste.jnr")
        #expect(roster.stdout.contains("kayes") && roster.stdout.contains("révoqué"))
        #expect(FileManager.default.fileExists(atPath: dir.path("liste.jnr")))
        let again = try cli.run("hub", "roster", "--db", "hub.sqlite", "--out", "liste.jnr")
        #expect(again.status == 1)
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
        // Enrolled before the hub serves: the address in the join files is a placeholder, --hub says where.
        var tokens: [String: String] = [:]
        for (office, site) in try cli.network(["kayes", "mopti", "gao"], url: "http://127.0.0.1:9") {
            tokens[office] = site.token
            #expect(site.token?.hasPrefix("jnct_") == true)
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
        // An office that never joined has no token.
        try run("init", "--db", "isole.sqlite", "--site", "isole")
        r = try cli.run("sync", "--db", "isole.sqlite", "--hub", url)
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
        try cli.network(["kayes"])  // a USB-only office is enrolled too
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
        // One summary line for the service's log, with the figures of --json.
        #expect(r.stderr.contains("nightly merge") && r.stderr.contains("taken=1") && r.stderr.contains("refused=1"), "\(r.stderr)")
        r = try run("hub", "merge", "--db", "hub.sqlite", "--inbox", "arrivee", "--outbox", "depart", "--log-format", "json")
        #expect(r.stdout.contains("Fusion terminée : 0 paquet(s) pris"))
        let logLine = try #require(r.stderr.split(separator: "\n").last { $0.contains("nightly merge") })
        let logged = try JSONSerialization.jsonObject(with: Data(logLine.utf8)) as? [String: String]
        #expect(logged?["message"] == "nightly merge" && logged?["taken"] == "0" && logged?["level"] == "info")
        r = try run("import", "--db", "kayes.sqlite", "depart/kayes")
        #expect(r.stdout.contains("Bilan"))
    }

    @Test("la fusion nocturne lit la configuration du rapprochement du pôle : une part change qui est proposé")
    func nightlyMergeWithShares() throws {
        try cli.network(["kayes"])
        let mason = ["region=Kayes", "isco=7112", "languages=bm;fr", "education=primaire", "status=registered", "consent=employers"]
        try cli.succeed(["put", "--db", "kayes.sqlite", "candidate", "kayes-c01", "given_names=Moussa", "sex=M", "skills=maçonnerie"] + mason)
        try cli.succeed(["put", "--db", "kayes.sqlite", "candidate", "kayes-c02", "given_names=Awa", "sex=F"] + mason)
        try run("put", "--db", "hub.sqlite", "employer", "emp-01", "name=Bâtir Sahel SARL", "region=Kayes")
        try run("put", "--db", "hub.sqlite", "opportunity", "opp-01", "employer_id=emp-01", "kind=job", "title=Maçon",
                "isco=7112", "skills_required=maçonnerie", "region=Kayes", "places=1", "status=open")
        try FileManager.default.createDirectory(at: dir.url.appendingPathComponent("arrivee"), withIntermediateDirectories: true)
        try run("export", "--db", "kayes.sqlite", "--to", "arrivee")
        let stick = try FileManager.default.contentsOfDirectory(atPath: dir.path("arrivee")).filter { $0.hasSuffix(".jnb") }
        #expect(stick.count == 1)

        // A faulty configuration stops the night before anything is merged, in French or English.
        try Data("[round]\nfemmes = 40\n".utf8).write(to: dir.url.appendingPathComponent("mauvais.toml"))
        var r = try cli.run("hub", "merge", "--db", "hub.sqlite", "--inbox", "arrivee", "--outbox", "depart", "--quotas", "mauvais.toml")
        #expect(r.status == 1 && r.stderr.contains("mauvais.toml") && r.stderr.contains("Groupe inconnu « femmes » dans « round »"), "\(r.stderr)")
        #expect(r.stderr.contains("rien n’a été écrit"))
        #expect(!FileManager.default.fileExists(atPath: dir.path("depart")))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path("arrivee")).filter { $0.hasSuffix(".jnb") } == stick)
        r = try cli.run("hub", "merge", "--db", "hub.sqlite", "--inbox", "arrivee", "--outbox", "depart", "--quotas", "mauvais.toml", "--lang", "en")
        #expect(r.status == 1 && r.stderr.contains("Unknown group “femmes” in “round”") && r.stderr.contains("nothing was written"))
        // Shares without a round are refused, not ignored.
        r = try cli.run("hub", "merge", "--db", "hub.sqlite", "--inbox", "arrivee", "--outbox", "depart", "--quotas", "mauvais.toml", "--no-match")
        #expect(r.status == 64 && r.stderr.contains("--quotas est sans effet avec --no-match"), "\(r.stderr)")
        // The default file beside the replica is read too; a faulty one stops the night all the same.
        try Data("[priority]\nreturnee = 0\n".utf8).write(to: dir.url.appendingPathComponent("hub.sqlite.rapprochement.toml"))
        r = try cli.run("hub", "merge", "--db", "hub.sqlite", "--inbox", "arrivee", "--outbox", "depart")
        #expect(r.status == 1 && r.stderr.contains("hub.sqlite.rapprochement.toml") && r.stderr.contains("« priority.returnee » vaut 0"))
        #expect(!FileManager.default.fileExists(atPath: dir.path("depart")))

        // Without a share, the mason who has the skill gets the one place.
        try FileManager.default.removeItem(atPath: dir.path("hub.sqlite.rapprochement.toml"))
        try run("hub", "merge", "--db", "hub.sqlite", "--inbox", "arrivee", "--outbox", "depart", "--no-match")
        func proposedWomen(_ stdout: String) throws -> Int? {
            let report = try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any]
            let match = (report?["match"] as? [String: Any]) ?? report
            let rows = match?["fairness"] as? [[String: Any]]
            return rows?.first { $0["region"] as? String == "*" && $0["group"] as? String == "F" }?["proposed"] as? Int
        }
        r = try run("match", "--db", "hub.sqlite", "--dry-run", "--json")
        #expect(try proposedWomen(r.stdout) == 0)
        // The same share in TOML (given) and JSON: `match --quotas` reads both.
        try Data("[opportunities.opp-01]\nF = 100\n".utf8).write(to: dir.url.appendingPathComponent("parts.toml"))
        r = try run("match", "--db", "hub.sqlite", "--dry-run", "--json", "--quotas", "parts.toml")
        #expect(try proposedWomen(r.stdout) == 1)
        try Data(#"{"opportunities":{"opp-01":{"F":100}}}"#.utf8).write(to: dir.url.appendingPathComponent("parts.json"))
        r = try run("match", "--db", "hub.sqlite", "--dry-run", "--json", "--quotas", "parts.json")
        #expect(try proposedWomen(r.stdout) == 1)
        // The night's round with the hub's own file: the share gives the place to the woman.
        try Data("[opportunities.opp-01]\nF = 100\n".utf8).write(to: dir.url.appendingPathComponent("hub.sqlite.rapprochement.toml"))
        r = try run("hub", "merge", "--db", "hub.sqlite", "--inbox", "arrivee", "--outbox", "depart", "--json")
        #expect(try proposedWomen(r.stdout) == 1)
        let match = (try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])?["match"] as? [String: Any]
        #expect((match?["quotas"] as? [[String: Any]])?.first?["met"] as? Bool == true)
        #expect(try cli.run("get", "--db", "hub.sqlite", "proposal", "r1-kayes-c02").status == 0)
        #expect(try cli.run("get", "--db", "hub.sqlite", "proposal", "r1-kayes-c01").status != 0)
    }

    @Test("--help de match et de hub merge : l’option --quotas et le fichier par défaut", arguments: [["match"], ["hub", "merge"]])
    func matchingConfigurationHelp(command: [String]) throws {
        let help = try cli.succeed(command + ["--help"]).stdout
        #expect(help.contains("--quotas") && help.contains("rapprochement.toml") && help.contains("TOML"), "\(help)")
    }

    @Test("rapprochement en ligne de commande : match, proposals, accept, decline, refus clairs")
    func matching() throws {
        try cli.network(["kayes"])
        let person = ["region=Kayes", "isco=7112", "skills=maçonnerie", "languages=bm;fr", "education=primaire", "status=registered"]
        for (id, extra) in [("kayes-c01", ["given_names=Awa", "family_name=Traoré", "consent=employers"]),
                            ("kayes-c02", ["given_names=Issa", "consent=programme"])] {
            let r = try cli.run(["put", "--db", "kayes.sqlite", "candidate", id] + extra + person)
            #expect(r.status == 0, "\(r.stderr)")
        }
        try run("put", "--db", "hub.sqlite", "employer", "emp-01", "name=Bâtir Sahel SARL", "region=Kayes")
        try run("put", "--db", "hub.sqlite", "opportunity", "opp-01", "employer_id=emp-01", "kind=job", "title=Maçon qualifié",
                "isco=7112", "skills_required=maçonnerie", "region=Kayes", "places=2", "status=open", "min_education=primaire")
        try FileManager.default.createDirectory(at: dir.url.appendingPathComponent("cle"), withIntermediateDirectories: true)
        try run("export", "--db", "kayes.sqlite", "--to", "cle")
        try run("import", "--db", "hub.sqlite", "cle")

        var r = try run("match", "--db", "hub.sqlite", "--json")
        var report = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        #expect(report?["round"] as? Int == 1 && report?["proposals"] as? Int == 1)
        #expect((report?["excluded"] as? [String: Int])?["consent"] == 1)
        #expect((report?["unfilled"] as? [[String: Any]])?.first?["free"] as? Int == 1)
        // A round that exists already is not rewritten.
        r = try cli.run("match", "--db", "hub.sqlite", "--round", "1")
        #expect(r.status != 0 && r.stderr.contains("Le tour n° 1 existe déjà"))
        r = try cli.run("match", "--db", "hub.sqlite", "--k", "0")
        #expect(r.status != 0 && r.stderr.contains("--k 0 : la valeur doit être entre 1 et 1000"))
        try Data(#"{"occupation":90}"#.utf8).write(to: dir.url.appendingPathComponent("poids.json"))
        r = try cli.run("match", "--db", "hub.sqlite", "--weights", "poids.json")
        #expect(r.status != 0 && r.stderr.contains("ils doivent faire 100"))
        // Minimum shares: a bad file is refused in French, nothing written; a good one is reported.
        try Data(#"{"round":{"femmes":40}}"#.utf8).write(to: dir.url.appendingPathComponent("parts.json"))
        r = try cli.run("match", "--db", "hub.sqlite", "--quotas", "parts.json")
        #expect(r.status != 0 && r.stderr.contains("Groupe inconnu « femmes »"))
        try Data(#"{"round":{"F":50}}"#.utf8).write(to: dir.url.appendingPathComponent("parts.json"))
        r = try run("match", "--db", "hub.sqlite", "--quotas", "parts.json", "--dry-run")
        #expect(r.stdout.contains("Parts : ") && r.stdout.contains("au moins 50 % des places pour les femmes"))
        // Kayes's only candidate is held by her pending proposal: nobody to count in this trial.
        #expect(r.stdout.contains("seulement 0 candidat(s) admissible(s) de ce groupe"))
        #expect(r.stdout.contains("Équité, par région et par groupe") && r.stdout.contains("personne à compter"))
        r = try run("match", "--db", "hub.sqlite", "--quotas", "parts.json", "--dry-run", "--json")
        let trial = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        let share = try #require((trial?["quotas"] as? [[String: Any]])?.first)
        #expect(share["group"] as? String == "F" && share["met"] as? Bool == false && share["reason"] as? String == "not_enough_admissible")
        #expect((trial?["fairness"] as? [[String: Any]])?.isEmpty == true)

        try run("export", "--db", "hub.sqlite", "--to", "cle", "--for", "kayes")
        try run("import", "--db", "kayes.sqlite", "cle")
        r = try run("proposals", "--db", "kayes.sqlite")
        #expect(r.stdout.contains("r1-kayes-c01") && r.stdout.contains("Awa Traoré") && r.stdout.contains("même métier"))
        r = try run("proposals", "--db", "kayes.sqlite", "--json")
        let listed = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]]
        #expect(listed?.count == 1 && listed?.first?["status"] as? String == "proposed")

        r = try cli.run("decline", "--db", "kayes.sqlite", "r9-kayes-c01")
        #expect(r.status != 0 && r.stderr.contains("r9-kayes-c01"))
        try run("accept", "--db", "kayes.sqlite", "r1-kayes-c01")
        r = try cli.run("decline", "--db", "kayes.sqlite", "r1-kayes-c01")
        #expect(r.status != 0 && r.stderr.contains("déjà acceptée"))
        r = try run("proposals", "--db", "kayes.sqlite", "--pending")
        #expect(r.stdout.contains("Aucune proposition en attente"))
        r = try run("proposals", "--db", "kayes.sqlite")
        #expect(r.stdout.contains("acceptée"))
        r = try cli.run("accept", "--db", "kayes.sqlite", "r1-kayes-c01", "--lang", "en")
        #expect(r.status != 0 && r.stderr.contains("already accepted"))

        try run("export", "--db", "kayes.sqlite", "--to", "cle")
        try run("import", "--db", "hub.sqlite", "cle")
        r = try run("match", "--db", "hub.sqlite", "--json")
        report = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        #expect(report?["round"] as? Int == 2 && report?["new_placements"] as? Int == 1)
        r = try run("get", "--db", "hub.sqlite", "candidate", "kayes-c01", "--json")
        #expect(r.stdout.contains("\"status\":\"placed\""))
    }
}
