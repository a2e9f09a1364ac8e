import Foundation
import Jonction
@testable import JonctionStore
import JonctionTestSupport
import Testing

@Suite("Ligne de commande : ce que voit l’utilisateur")
struct CommandLineTests {
    let dir = TemporaryDirectory("cli")
    var cli: CLI { CLI(directory: dir) }

    func json(_ text: String) throws -> Any { try JSONSerialization.jsonObject(with: Data(text.utf8)) }

    /// Everything a replica holds, to check that a refused command changed nothing.
    func snapshot(_ db: String) throws -> String {
        try cli.run("dump", "--db", db).stdout + cli.run("log", "--db", db, "--json").stdout
            + cli.run("status", "--db", db, "--json").stdout
    }

    @Test("init, put, get, dump, log, status : le parcours d’un bureau")
    func officeWorkflow() throws {
        var r = try cli.run("init", "--db", "kayes.sqlite", "--site", "kayes")
        #expect(r.status == 0)
        #expect(r.stdout.contains("Réplica créé"))
        r = try cli.run("put", "--db", "kayes.sqlite", "candidate", "kayes-c01", "family_name=Traoré",
                        "given_names=Awa Fatoumata", "notes=a=b \"c\" é", "sex=f", "region=segou", "birth_year=1999")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("créé : 6 champs écrits"))

        r = try cli.run("get", "--db", "kayes.sqlite", "candidate", "kayes-c01", "--json")
        let record = try json(r.stdout) as? [String: Any]
        let fields = record?["fields"] as? [String: Any]
        #expect(fields?["notes"] as? String == "a=b \"c\" é")
        #expect(fields?["given_names"] as? String == "Awa Fatoumata")
        #expect(fields?["region"] as? String == "Ségou")
        #expect(fields?["sex"] as? String == "F")
        #expect(fields?["birth_year"] as? Int == 1999)

        r = try cli.run("get", "--db", "kayes.sqlite", "candidate", "kayes-c01")
        #expect(r.stdout.contains("given_names  Awa Fatoumata"))

        r = try cli.run("put", "--db", "kayes.sqlite", "candidate", "kayes-c01", "sex=F")
        #expect(r.stdout.contains("modifié : 1 champ écrit (sex)"))
        r = try cli.run("put", "--db", "kayes.sqlite", "candidate", "kayes-c01", "commune=")
        #expect(r.stdout.contains("rien à changer"))

        r = try cli.run("dump", "--db", "kayes.sqlite")
        #expect(r.stdout.hasPrefix(#"{"candidate":{"kayes-c01":{"birth_year":1999,"family_name":"Traoré""#))
        #expect(try json(r.stdout) is [String: Any])

        r = try cli.run("log", "--db", "kayes.sqlite", "--json")
        let log = try json(r.stdout) as? [[String: Any]]
        #expect(log?.map { $0["seq"] as? Int } == [1, 2, 3, 4, 5, 6, 7])
        #expect(log?.first?["field"] as? String == "family_name")

        r = try cli.run("log", "--db", "kayes.sqlite", "--limit", "2")
        #expect(r.stdout.split(separator: "\n").count == 2)

        r = try cli.run("status", "--db", "kayes.sqlite", "--json")
        let status = try json(r.stdout) as? [String: Any]
        #expect(status?["site"] as? String == "kayes")
        #expect((status?["vector"] as? [String: Any])?["kayes"] as? Int == 7)

        r = try cli.run("delete", "--db", "kayes.sqlite", "candidate", "kayes-c01")
        #expect(r.status == 0)
        r = try cli.run("get", "--db", "kayes.sqlite", "candidate", "kayes-c01")
        #expect(r.status != 0)
        #expect(r.stderr.contains("a été supprimé"))
    }

    @Test("--db, sinon $JONCTION_DB, sinon ./jonction.sqlite")
    func databaseResolution() throws {
        #expect(try cli.run("init", "--site", "gao").status == 0)
        #expect(FileManager.default.fileExists(atPath: dir.path("jonction.sqlite")))
        #expect(try cli.run("init", "--site", "mopti", environment: ["JONCTION_DB": "env.sqlite"]).status == 0)
        let status = try cli.run("status", "--json", environment: ["JONCTION_DB": "env.sqlite"])
        #expect((try json(status.stdout) as? [String: Any])?["site"] as? String == "mopti")
        let local = try cli.run("status", "--json")
        #expect((try json(local.stdout) as? [String: Any])?["site"] as? String == "gao")
    }

    @Test("les mauvaises entrées sont refusées en français, code non nul, rien de changé", arguments: [
        (["put", "--db", "k.sqlite", "candidat", "kayes-c01", "sex=F"], "Table inconnue « candidat »"),
        (["put", "--db", "k.sqlite", "candidate", "kayes-c01", "sexe=F"], "Champ inconnu « sexe »"),
        (["put", "--db", "k.sqlite", "candidate", "kayes-c01", "birth_year=abc"], "Valeur refusée pour candidate.birth_year : « abc »"),
        (["put", "--db", "k.sqlite", "candidate", "kayes-c01", "sex=Z"], "Valeurs possibles : Femme (F), Homme (M), Autre (X)"),
        (["put", "--db", "k.sqlite", "candidate", "kayes-c01", "sex"], "attendu champ=valeur"),
        (["put", "--db", "k.sqlite", "candidate", "kayes c01", "sex=F"], "Identifiant d’enregistrement invalide"),
        (["put", "--db", "k.sqlite", "candidate", "kayes-c01"], "Aucun champ à écrire"),
        (["put", "--db", "k.sqlite", "candidate", "kayes-c01", "sex=F", "sex=M"], "donné deux fois"),
        (["get", "--db", "k.sqlite", "candidate", "kayes-c99"], "Aucun enregistrement « kayes-c99 »"),
        (["delete", "--db", "k.sqlite", "candidate", "kayes-c99"], "Aucun enregistrement « kayes-c99 »"),
        (["init", "--db", "k.sqlite", "--site", "kayes"], "Un fichier existe déjà"),
        (["init", "--db", "k2.sqlite", "--site", "Ségou"], "Nom de site invalide « Ségou »"),
        (["status", "--db", "absent.sqlite"], "Aucun réplica à absent.sqlite"),
        (["log", "--db", "k.sqlite", "--origin", "Kayes"], "Nom de site invalide"),
    ])
    func refused(arguments: [String], message: String) throws {
        try cli.run("init", "--db", "k.sqlite", "--site", "kayes")
        try cli.run("put", "--db", "k.sqlite", "candidate", "kayes-c01", "family_name=Diarra")
        let before = try snapshot("k.sqlite")
        let r = try cli.run(arguments)
        #expect(r.status == 1)
        #expect(r.stderr.hasPrefix("Erreur : "))
        #expect(r.stderr.contains(message), "\(r.stderr)")
        #expect(r.stdout.isEmpty)
        #expect(try snapshot("k.sqlite") == before)
        #expect(!FileManager.default.fileExists(atPath: dir.path("k2.sqlite")))
        #expect(!FileManager.default.fileExists(atPath: dir.path("absent.sqlite")))
    }

    @Test("un fichier qui n’est pas un réplica n’est pas modifié")
    func foreignFile() throws {
        let text = Data("ceci n’est pas une base\n".utf8)
        _ = FileManager.default.createFile(atPath: dir.path("notes.txt"), contents: text)
        let r = try cli.run("put", "--db", "notes.txt", "candidate", "x", "sex=F")
        #expect(r.status == 1)
        #expect(r.stderr.contains("n’est pas un réplica Jonction"))
        #expect(FileManager.default.contents(atPath: dir.path("notes.txt")) == text)
    }

    @Test("--lang en et JONCTION_LANG=en : messages en anglais")
    func english() throws {
        var r = try cli.run("status", "--db", "absent.sqlite", "--lang", "en")
        #expect(r.stderr.hasPrefix("Error: No replica at absent.sqlite"))
        r = try cli.run("status", "--db", "absent.sqlite", environment: ["JONCTION_LANG": "en"])
        #expect(r.stderr.hasPrefix("Error: No replica"))
        r = try cli.run("init", "--db", "k.sqlite", "--site", "kayes", "--lang", "en")
        #expect(r.stdout.hasPrefix("Replica created"))
    }

    @Test("--help sur l’outil et sur chaque commande : l’aide en français sur la sortie standard, code 0", arguments: [
        [], ["init"], ["put"], ["delete"], ["get"], ["dump"], ["log"], ["status"], ["export"], ["import"], ["conflicts"],
        ["join"], ["sync"], ["match"], ["proposals"], ["accept"], ["decline"], ["check"], ["backup"], ["clock"], ["keys"], ["erase"], ["purge"], ["users"], ["users", "add"], ["users", "list"], ["users", "remove"], ["confirm-new-office"], ["demo"], ["hub"], ["hub", "enroll"],
        ["hub", "revoke"], ["hub", "scope"], ["hub", "sites"], ["hub", "roster"], ["hub", "serve"], ["hub", "merge"],
        ["csv"], ["csv", "import"], ["csv", "export"], ["report"],
    ])
    func help(command: [String]) throws {
        let r = try cli.run(command + ["--help"])
        #expect(r.status == 0, "\(command)")
        #expect(r.stderr.isEmpty, "\(command): \(r.stderr)")
        #expect(r.stdout.contains("USAGE: jonction \(command.joined(separator: " "))"), "\(command)")
        // The abstract is French: one of the words every one of them uses.
        #expect(["le", "la", "les", "du", "des", "un", "une", "au"].contains { r.stdout.contains(" \($0) ") }, "\(command)")
    }

    @Test("check et backup en ligne de commande : intact, copie ouvrable, refus clairs")
    func checkAndBackup() throws {
        #expect(try cli.run("init", "--db", "k.sqlite", "--site", "kayes").status == 0)
        #expect(try cli.run("put", "--db", "k.sqlite", "candidate", "kayes-c01", "family_name=Traoré").status == 0)
        var r = try cli.run("check", "--db", "k.sqlite")
        #expect(r.status == 0 && r.stdout.hasPrefix("Réplica intact"))
        r = try cli.run("check", "--db", "k.sqlite", "--json")
        #expect(r.stdout.contains("\"sound\":true"))
        r = try cli.run("backup", "--db", "k.sqlite", "--to", "copie.sqlite")
        #expect(r.status == 0 && r.stdout.contains("Sauvegarde écrite"))
        #expect(try cli.run("dump", "--db", "copie.sqlite").stdout == cli.run("dump", "--db", "k.sqlite").stdout)
        r = try cli.run("backup", "--db", "k.sqlite", "--to", "copie.sqlite")
        #expect(r.status == 1 && r.stderr.contains("existe déjà"))
    }

    @Test("clock : l’état de l’horloge ; une horloge qui a avancé bloque put jusqu’à clock --restamp")
    func clock() throws {
        #expect(try cli.run("init", "--db", "k.sqlite", "--site", "kayes").status == 0)
        var r = try cli.run("clock", "--db", "k.sqlite")
        #expect(r.status == 0 && r.stdout.contains("État : fiable"))
        r = try cli.run("clock", "--db", "k.sqlite", "--json")
        #expect(r.stdout.contains("\"verdict\":\"trusted\""))
        #expect(try cli.run("clock", "--db", "k.sqlite", "--confirm").stdout.hasPrefix("Date et heure du poste confirmées"))
        r = try cli.run("clock", "--db", "k.sqlite", "--confirm", "--restamp")
        #expect(r.status == 64 && r.stderr.contains("s’excluent"))

        // Written while the laptop's clock ran ten years ahead (confirmed by a careless clerk).
        let ahead = ManualClock(millis: UInt64(Date().timeIntervalSince1970 * 1000) + 3652 * 86_400_000)
        do {
            let replica = try Replica.open(at: dir.path("k.sqlite"), clock: ahead)
            try replica.write { try $0.confirmClock() }
            try replica.write { try $0.put(table: "candidate", id: "kayes-c01", fields: [("family_name", "Diarra")]) }
            try replica.close()
        }
        let before = try snapshot("k.sqlite")
        r = try cli.run("put", "--db", "k.sqlite", "candidate", "kayes-c01", "family_name=Diara")
        #expect(r.status != 0 && r.stderr.contains("jonction clock --restamp") && r.stderr.contains("Rien n’a été écrit"))
        #expect(try snapshot("k.sqlite") == before)
        r = try cli.run("status", "--db", "k.sqlite")
        #expect(r.stderr.contains("Attention : L’horloge de ce poste"))
        r = try cli.run("clock", "--db", "k.sqlite", "--restamp")
        #expect(r.status == 0 && r.stdout.hasPrefix("1 changement(s) de ce site"), "\(r.stdout)\(r.stderr)")
        #expect(try cli.run("put", "--db", "k.sqlite", "candidate", "kayes-c01", "family_name=Diara").status == 0)
        #expect(try cli.run("check", "--db", "k.sqlite").status == 0)
    }

    @Test("keys : l’identité publique du site ; --create pour un réplica sans clés, jamais par-dessus des clés existantes")
    func keys() throws {
        let created = try cli.run("init", "--db", "k.sqlite", "--site", "kayes")
        let identity = try #require(created.stdout.split(separator: "\n").last.map(String.init))
        #expect(identity.hasPrefix("jonction-site kayes "))
        var r = try cli.run("keys", "--db", "k.sqlite")
        #expect(r.status == 0 && r.stdout.hasSuffix(identity + "\n"))
        #expect(try cli.run("keys", "--db", "k.sqlite", "--create").stdout.hasSuffix(identity + "\n"))
        try FileManager.default.removeItem(atPath: dir.path("k.sqlite.cles"))
        r = try cli.run("keys", "--db", "k.sqlite")
        #expect(r.status == 1 && r.stderr.contains("jonction keys --create"))
        r = try cli.run("keys", "--db", "k.sqlite", "--create", "--json")
        #expect(r.status == 0 && r.stdout.contains("\"created\":true") && !r.stdout.contains(identity))
    }

    @Test("--version : la version, les formats lus, code 0")
    func version() throws {
        let r = try cli.run("--version")
        #expect(r.status == 0)
        #expect(r.stdout.hasPrefix("jonction 0.12.0 — paquets format v2 (lit aussi v1 jusqu’au 30 juin 2027), schéma v3"))
    }

    /// Runs the tool with stdout or stderr on `/dev/full` (a full disk), the other captured.
    func runFull(_ arguments: [String], stdoutFull: Bool) throws -> (status: Int32, captured: String) {
        let process = Process()
        process.executableURL = CLI.executable
        process.arguments = arguments
        process.currentDirectoryURL = dir.url
        let full = try #require(FileHandle(forWritingAtPath: "/dev/full"))
        let pipe = Pipe()
        process.standardOutput = stdoutFull ? full : pipe
        process.standardError = stdoutFull ? pipe : full
        try process.run()
        let captured = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: captured, as: UTF8.self))
    }

    @Test("sortie pleine : code non nul et message ; erreur vers un stderr plein : pas de plantage")
    func fullStreams() throws {
        try #require(FileManager.default.fileExists(atPath: "/dev/full"))
        var r = try runFull(["--version"], stdoutFull: true)
        #expect(r.status == 74)
        #expect(r.captured.contains("la sortie n’a pas pu être écrite"))
        r = try runFull(["status", "--db", "absent.sqlite"], stdoutFull: false)
        #expect(r.status == 1)
        r = try runFull(["put", "--db", "absent.sqlite"], stdoutFull: false)
        #expect(r.status == 64)
    }

    @Test("une commande mal formée : code 64 et renvoi à l’aide")
    func usage() throws {
        let r = try cli.run("put", "--db", "k.sqlite")
        #expect(r.status == 64)
        #expect(r.stderr.contains("Commande incorrecte"))
        #expect(r.stderr.contains("jonction --help"))
    }
}
