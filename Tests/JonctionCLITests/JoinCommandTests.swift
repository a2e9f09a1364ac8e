import Foundation
import JonctionTestSupport
import Testing

@Suite("Ligne de commande : adhésion d’un bureau (enroll → join → sync), aucun secret sur la ligne de commande, HTTPS")
struct JoinCommandTests {
    let dir = TemporaryDirectory("joincli")
    var cli: CLI { CLI(directory: dir) }

    @discardableResult
    func run(_ arguments: String..., environment: [String: String] = [:]) throws -> CLI.Result {
        try run(arguments, environment: environment)
    }

    @discardableResult
    func run(_ arguments: [String], environment: [String: String] = [:]) throws -> CLI.Result {
        try cli.succeed(arguments, environment: environment)
    }

    func mode(_ name: String) throws -> Int? {
        try FileManager.default.attributesOfItem(atPath: dir.path(name))[.posixPermissions] as? Int
    }

    func text(_ name: String) throws -> String { try String(contentsOfFile: dir.path(name), encoding: .utf8) }

    /// The value after `label` on one of the lines of `output`.
    func value(after label: String, in output: String) -> String? {
        output.split(separator: "\n").first { $0.hasPrefix(label) }.map { String($0.dropFirst(label.count)).components(separatedBy: " ")[0] }
    }

    /// The identity line of the replica `db` (`jonction keys --json`), for `hub enroll --identity`.
    func identity(_ db: String) throws -> String {
        try json(run("keys", "--db", db, "--json"))["identity"] as? String ?? ""
    }

    func json(_ r: CLI.Result) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any] ?? [:]
    }

    @Test("enroll écrit le fichier d’adhésion, join le garde, sync n’a besoin d’aucun secret sur la ligne de commande")
    func enrollJoinSync() throws {
        try run("init", "--db", "hub.sqlite", "--site", "hub")
        try run("init", "--db", "kayes.sqlite", "--site", "kayes")
        try run("init", "--db", "mopti.sqlite", "--site", "mopti")
        let (server, port) = try cli.serveHub()
        defer { if server.isRunning { server.terminate() } }
        let url = "http://127.0.0.1:\(port)"

        var r = try run("hub", "enroll", "--db", "hub.sqlite", "kayes", "--identity", try identity("kayes.sqlite"), "--hub-url", url)
        #expect(!r.stdout.contains("jnct_") && !r.stderr.contains("jnct_"))
        #expect(r.stdout.contains("Fichier d’adhésion écrit : adhesion-kayes.txt") && r.stdout.contains("clé USB"))
        #expect(r.stderr.contains("en clair"))  // http://: a warning
        let fingerprint = try #require(value(after: "Empreinte du pôle : ", in: r.stdout))
        #expect(try mode("adhesion-kayes.txt") == 0o600)
        let joinText = try text("adhesion-kayes.txt")
        #expect(joinText.contains("pole-adresse \(url)\n"))
        let token = try #require(value(after: "jeton ", in: joinText))
        #expect(token.hasPrefix("jnct_"))
        // Never over an existing file; nothing enrolled then.
        r = try cli.run("hub", "enroll", "--db", "hub.sqlite", "mopti", "--identity", try identity("mopti.sqlite"), "--join-file", "adhesion-kayes.txt")
        #expect(r.status == 1 && r.stderr.contains("existe déjà"))
        #expect(try text("adhesion-kayes.txt") == joinText)
        #expect(try run("hub", "sites", "--db", "hub.sqlite", "--json").stdout.contains("mopti") == false)

        // The file is for Kayes: Mopti's replica refuses it.
        r = try cli.run("join", "--db", "mopti.sqlite", "adhesion-kayes.txt")
        #expect(r.status == 1 && r.stderr.contains("est pour le bureau kayes"))
        #expect(!FileManager.default.fileExists(atPath: dir.path("mopti.sqlite.adhesion")))
        r = try run("join", "--db", "kayes.sqlite", "adhesion-kayes.txt")
        #expect(r.stdout.contains("rattaché au réseau du pôle"))
        #expect(r.stdout.contains("Empreinte du pôle : \(fingerprint)"))
        #expect(!r.stdout.contains("jnct_"))
        #expect(try mode("kayes.sqlite.adhesion") == 0o600)
        let network = try json(run("status", "--db", "hub.sqlite", "--json"))["network"] as? String
        let kayesNetwork = try json(run("status", "--db", "kayes.sqlite", "--json"))["network"] as? String
        #expect(network != nil && kayesNetwork == network)
        r = try run("join", "--db", "kayes.sqlite", "adhesion-kayes.txt", "--json")
        let joined = try json(r)
        #expect(joined["replaced"] as? Bool == true && joined["network_adopted"] as? Bool == false)
        #expect(joined["hub_fingerprint"] as? String == fingerprint && joined["token"] as? Bool == true)
        #expect(!r.stdout.contains("jnct_"))
        r = try run("join", "--db", "kayes.sqlite", "adhesion-kayes.txt", "--lang", "en")
        #expect(r.stdout.contains("it replaces the old one"))

        // Sync: nothing secret on its command line, no warning.
        try run("put", "--db", "kayes.sqlite", "candidate", "kayes-c01", "family_name=Sissoko")
        let arguments = ["sync", "--db", "kayes.sqlite"]
        r = try run(arguments)
        #expect(r.stdout.contains("Synchronisé avec le pôle : 1 changement(s) envoyé(s)"))
        #expect(r.stderr.isEmpty)
        #expect(!arguments.contains { $0.contains(token) })
        #expect(try cli.run("dump", "--db", "kayes.sqlite").stdout == cli.run("dump", "--db", "hub.sqlite").stdout)

        // --token still works, with a warning; JONCTION_TOKEN wins over the configuration.
        r = try run("sync", "--db", "kayes.sqlite", "--token", token)
        #expect(r.stderr.contains("visible des autres comptes de ce poste (ps)") && r.stderr.contains("jonction join"))
        let mopti = try run("hub", "enroll", "--db", "hub.sqlite", "mopti", "--identity", try identity("mopti.sqlite"), "--print-token")
        let moptiToken = String(mopti.stdout.split(separator: "\n").last!)
        #expect(moptiToken.hasPrefix("jnct_"))
        r = try cli.run(["sync", "--db", "kayes.sqlite"], environment: ["JONCTION_TOKEN": moptiToken])
        #expect(r.status == 1 && r.stderr.contains("chaque bureau utilise son propre jeton"))

        // Without a configuration: clear errors.
        r = try cli.run("sync", "--db", "mopti.sqlite")
        #expect(r.status == 1 && r.stderr.contains("Adresse du pôle inconnue") && r.stderr.contains("jonction join"))
        r = try cli.run("sync", "--db", "mopti.sqlite", "--hub", url)
        #expect(r.status == 1 && r.stderr.contains("Jeton d’accès manquant") && r.stderr.contains("jonction join"))
        // A configuration others can read is refused (its token is no longer secret).
        chmod(dir.path("kayes.sqlite.adhesion"), 0o644)
        r = try cli.run("sync", "--db", "kayes.sqlite")
        #expect(r.status == 1 && r.stderr.contains("lisible par d’autres comptes"))
        chmod(dir.path("kayes.sqlite.adhesion"), 0o600)
        // Another replica of Kayes's site name cannot use it: a copy is not the office.
        try FileManager.default.copyItem(atPath: dir.path("kayes.sqlite.adhesion"), toPath: dir.path("mopti.sqlite.adhesion"))
        r = try cli.run("sync", "--db", "mopti.sqlite")
        #expect(r.status == 1 && r.stderr.contains("est celle du bureau kayes"))

        // `ps` while sync runs: the hub is down, sync keeps retrying; its command line holds no token.
        server.terminate()
        server.waitUntilExit()
        let process = Process()
        process.executableURL = CLI.executable
        process.arguments = ["sync", "--db", "kayes.sqlite", "--attempts", "3", "--retry-delay", "1", "--connect-timeout", "1"]
        process.currentDirectoryURL = dir.url
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        Thread.sleep(forTimeInterval: 0.5)
        #if os(Linux)
        let cmdline = try Data(contentsOf: URL(fileURLWithPath: "/proc/\(process.processIdentifier)/cmdline"))
        let seen = String(decoding: cmdline, as: UTF8.self).split(separator: "\0").map(String.init)
        #expect(seen.dropFirst() == ["sync", "--db", "kayes.sqlite", "--attempts", "3", "--retry-delay", "1", "--connect-timeout", "1"])
        #expect(!seen.contains { $0.contains("jnct_") })
        #endif
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 1 && stderr.contains("Pôle injoignable"))
    }

    @Test("un bureau à clés USB : un fichier d’adhésion sans adresse ni jeton ; join refuse un autre réseau et le pôle ; sync dit pourquoi")
    func usbOffice() throws {
        try run("init", "--db", "hub.sqlite", "--site", "hub")
        try run("init", "--db", "gao.sqlite", "--site", "gao")
        try run("init", "--db", "formation.sqlite", "--site", "gao", "--network", "0123456789abcdef0123456789abcdef")
        // The join file cannot be written (no such folder): nothing is enrolled.
        var result = try cli.run("hub", "enroll", "--db", "hub.sqlite", "gao", "--identity", try identity("gao.sqlite"), "--join-file", "cle/gao.txt")
        #expect(result.status == 1 && result.stderr.contains("Impossible d’écrire cle/gao.txt"))
        #expect(try run("hub", "sites", "--db", "hub.sqlite", "--json").stdout.contains("gao") == false)
        try FileManager.default.createDirectory(at: dir.url.appendingPathComponent("cle"), withIntermediateDirectories: true)
        var r = try run("hub", "enroll", "--db", "hub.sqlite", "gao", "--identity", try identity("gao.sqlite"), "--join-file", "cle/gao.txt").stdout
        #expect(r.contains("sans adresse ni jeton"))
        let joinText = try text("cle/gao.txt")
        #expect(!joinText.contains("jeton") && !joinText.contains("pole-adresse"))

        result = try cli.run("join", "--db", "formation.sqlite", "cle/gao.txt")
        #expect(result.status == 1 && result.stderr.contains("pour un autre réseau Jonction"))
        result = try cli.run("join", "--db", "hub.sqlite", "cle/gao.txt")
        #expect(result.status == 1 && result.stderr.contains("celui du pôle"))
        result = try cli.run("join", "--db", "gao.sqlite", "introuvable.txt")
        #expect(result.status == 1 && result.stderr.contains("introuvable"))
        r = try run("join", "--db", "gao.sqlite", "cle/gao.txt").stdout
        #expect(r.contains("échange par clé USB") && !r.contains("Effacez"))
        result = try cli.run("sync", "--db", "gao.sqlite")
        #expect(result.status == 1 && result.stderr.contains("clés USB seulement"))
    }

    @Test("le pôle en HTTPS avec l’autorité de l’administrateur : enroll → join --ca-certificate → sync ; HTTP en clair et certificat inconnu : échecs nets")
    func https() throws {
        let certificates = try TestCertificates(in: dir)
        try run("init", "--db", "hub.sqlite", "--site", "hub")
        try run("init", "--db", "kayes.sqlite", "--site", "kayes")
        try run("init", "--db", "mopti.sqlite", "--site", "mopti")
        let (server, port) = try cli.serveHub(["--tls-certificate", certificates.certificate, "--tls-key", certificates.key])
        defer { if server.isRunning { server.terminate() } }
        let url = "https://127.0.0.1:\(port)"
        var r = try run("hub", "enroll", "--db", "hub.sqlite", "kayes", "--identity", try identity("kayes.sqlite"), "--hub-url", url)
        #expect(r.stderr.isEmpty)  // https://: no warning
        r = try run("join", "--db", "kayes.sqlite", "adhesion-kayes.txt", "--ca-certificate", certificates.authority, "--json")
        #expect(try json(r)["ca_certificate"] as? Bool == true && json(r)["hub_url"] as? String == url)
        try run("put", "--db", "kayes.sqlite", "candidate", "kayes-c01", "family_name=Sissoko")
        r = try run("sync", "--db", "kayes.sqlite")
        #expect(r.stdout.contains("1 changement(s) envoyé(s)"))

        // Plain HTTP to the TLS port: a clear failure (exit 1), not a crash.
        r = try cli.run("sync", "--db", "kayes.sqlite", "--hub", "http://127.0.0.1:\(port)", "--attempts", "2",
                        "--retry-delay", "0.1", "--connect-timeout", "1")
        #expect(r.status == 1 && r.stderr.hasPrefix("Erreur : "), "\(r.stderr)")
        #expect(r.stderr.contains("https://"))

        // Without the administrator's authority, the certificate is refused at once, in French.
        try run("hub", "enroll", "--db", "hub.sqlite", "mopti", "--identity", try identity("mopti.sqlite"), "--hub-url", url)
        try run("join", "--db", "mopti.sqlite", "adhesion-mopti.txt")
        let started = Date()
        r = try cli.run("sync", "--db", "mopti.sqlite", "--connect-timeout", "1")
        #expect(r.status == 1 && r.stderr.contains("Connexion sécurisée (TLS) impossible"), "\(r.stderr)")
        #expect(Date().timeIntervalSince(started) < 10)
        r = try run("sync", "--db", "mopti.sqlite", "--ca-certificate", certificates.authority)
        #expect(r.stdout.contains("1 reçu(s)"))
        #expect(try cli.run("dump", "--db", "mopti.sqlite").stdout == cli.run("dump", "--db", "hub.sqlite").stdout)
        r = try cli.run("sync", "--db", "mopti.sqlite", "--ca-certificate", certificates.key)
        #expect(r.status == 1 && r.stderr.contains("ne contient pas de certificat"))

        server.terminate()
        server.waitUntilExit()
        #expect(server.terminationStatus == 0)
    }

    @Test("hub serve : --tls-certificate sans --tls-key, fichier absent, clé d’un autre certificat : refus en français avant d’écouter")
    func serveRefusals() throws {
        let c = try TestCertificates(in: dir)
        try run("init", "--db", "hub.sqlite", "--site", "hub")
        let serve = ["hub", "serve", "--db", "hub.sqlite", "--port", "0"]
        var r = try cli.run(serve + ["--tls-certificate", c.certificate])
        #expect(r.status == 1 && r.stderr.contains("--tls-certificate et --tls-key vont ensemble"))
        r = try cli.run(serve + ["--tls-certificate", "absent.pem", "--tls-key", c.key])
        #expect(r.status == 1 && r.stderr.contains("Impossible de lire le fichier absent.pem"))
        r = try cli.run(serve + ["--tls-certificate", c.certificate, "--tls-key", c.strayKey])
        #expect(r.status == 1 && r.stderr.contains("n’est pas celle du certificat"))
        r = try cli.run(serve + ["--tls-certificate", c.certificate, "--tls-key", c.strayKey, "--lang", "en"])
        #expect(r.status == 1 && r.stderr.contains("does not belong to the certificate"))
        #expect(!r.stderr.contains("listening"))
    }
}

extension CLI {
    /// `jonction hub serve --db hub.sqlite` on a free port, with `arguments`; the process and its port.
    func serveHub(_ arguments: [String] = []) throws -> (Process, Int) {
        let process = Process()
        process.executableURL = CLI.executable
        process.arguments = ["hub", "serve", "--db", "hub.sqlite", "--port", "0"] + arguments
        process.currentDirectoryURL = directory.url
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        var text = ""
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline, process.isRunning {
            text += String(decoding: err.fileHandleForReading.availableData, as: UTF8.self)
            if let range = text.range(of: #"https?://127\.0\.0\.1:(\d+)"#, options: .regularExpression),
                let port = Int(text[range].split(separator: ":").last!) {
                // Keep reading its log, so that a full pipe never stops it.
                let handle = err.fileHandleForReading
                handle.readabilityHandler = { $0.availableData.isEmpty ? ($0.readabilityHandler = nil) : () }
                return (process, port)
            }
        }
        process.terminate()
        throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: text])
    }
}
