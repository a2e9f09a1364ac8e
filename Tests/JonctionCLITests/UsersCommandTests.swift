import Foundation
import JonctionTestSupport
import Testing

@Suite("Ligne de commande : les utilisateurs du site, qui a fait quoi")
struct UsersCommandTests {
    let dir = TemporaryDirectory("users-cli")
    var cli: CLI { CLI(directory: dir) }

    @discardableResult
    func run(_ arguments: String..., environment: [String: String] = [:]) throws -> CLI.Result {
        try cli.succeed(arguments, environment: environment)
    }

    @Test("users add/list/remove, --as obligatoire ensuite, rôles ; l’auteur voyage jusqu’au pôle et « log » le montre")
    func whoDidWhat() throws {
        try cli.network(["kayes"])
        try cli.makeFolders("cle")
        var r = try run("users", "--db", "kayes.sqlite")
        #expect(r.stdout.contains("Aucun utilisateur"))
        try run("put", "--db", "kayes.sqlite", "candidate", "kayes-c01", "family_name=Traoré")  // no list yet: no author
        r = try run("users", "add", "--db", "kayes.sqlite", "awa.diarra", "--role", "administrator", "--full-name", "Awa  Diarra")
        #expect(r.stdout.contains("premier utilisateur"))
        r = try cli.run("put", "--db", "kayes.sqlite", "candidate", "kayes-c01", "status=registered")
        #expect(r.status == 1 && r.stderr.contains("Qui fait ce changement ?"))
        r = try cli.run("users", "add", "--db", "kayes.sqlite", "issa.coulibaly")
        #expect(r.status == 1 && r.stderr.contains("Qui fait ce changement ?"))
        try run("users", "add", "--db", "kayes.sqlite", "--as", "awa.diarra", "issa.coulibaly", "--role", "clerk")
        r = try cli.run("users", "add", "--db", "kayes.sqlite", "--as", "issa.coulibaly", "moussa", "--role", "clerk")
        #expect(r.status == 1 && r.stderr.contains("cette action demande le rôle « administrateur »"))
        r = try cli.run("users", "add", "--db", "kayes.sqlite", "--as", "awa.diarra", "Moussa")
        #expect(r.status == 1 && r.stderr.contains("Nom d’utilisateur invalide « Moussa »"))
        r = try cli.run("users", "add", "--db", "kayes.sqlite", "--as", "awa.diarra", "moussa", "--role", "chef")
        #expect(r.status == 1 && r.stderr.contains("Rôle inconnu « chef »"))
        try run("put", "--db", "kayes.sqlite", "candidate", "kayes-c01", "status=registered", environment: ["JONCTION_USER": "issa.coulibaly"])
        r = try cli.run("put", "--db", "kayes.sqlite", "--as", "fatou", "candidate", "kayes-c01", "status=trained")
        #expect(r.status == 1 && r.stderr.contains("« fatou » n’est pas un utilisateur actif du site kayes"))
        r = try cli.run("erase", "--db", "kayes.sqlite", "--as", "issa.coulibaly", "candidate", "kayes-c01")
        #expect(r.status == 1 && r.stderr.contains("rôle « agent de saisie »"))
        r = try run("users", "list", "--db", "kayes.sqlite", "--json")
        let list = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]]
        #expect(list?.map { $0["name"] as? String } == ["awa.diarra", "issa.coulibaly"])
        #expect(list?.first?["full_name"] as? String == "Awa Diarra")

        // The author travels with the change: the hub's log names her, the office's too.
        try run("export", "--db", "kayes.sqlite", "--to", "cle")
        try run("import", "--db", "hub.sqlite", "cle")
        for db in ["kayes.sqlite", "hub.sqlite"] {
            r = try run("log", "--db", db, "--id", "kayes-c01")
            #expect(r.stdout.contains("status = registered  (par issa.coulibaly)"), "\(db): \(r.stdout)")
            #expect(r.stdout.contains("family_name = Traoré\n"), "\(db)")
            r = try run("get", "--db", db, "candidate", "kayes-c01")
            #expect(r.stdout.contains("kayes par issa.coulibaly"), "\(db)")
        }
        r = try run("log", "--db", "hub.sqlite", "--id", "kayes-c01", "--json")
        #expect(r.stdout.contains(#"{"author":"issa.coulibaly","field":"status""#))

        r = try cli.run("users", "remove", "--db", "kayes.sqlite", "--as", "awa.diarra", "awa.diarra")
        #expect(r.status == 1 && r.stderr.contains("dernier administrateur"))
        try run("users", "remove", "--db", "kayes.sqlite", "--as", "awa.diarra", "issa.coulibaly")
        r = try cli.run("put", "--db", "kayes.sqlite", "--as", "issa.coulibaly", "candidate", "kayes-c01", "status=trained")
        #expect(r.status == 1 && r.stderr.contains("n’est pas un utilisateur actif"))
        r = try run("users", "--db", "kayes.sqlite")
        #expect(r.stdout.contains("issa.coulibaly  agent de saisie  (retiré)"))
    }
}

@Suite("Ligne de commande : mots de passe et application du bureau")
struct PasswordAndServeCommandTests {
    let dir = TemporaryDirectory("password")
    var cli: CLI { CLI(directory: dir) }

    @Test("users password lit le mot de passe sur l’entrée, jamais sur la ligne de commande ; refuse un mot de passe trop court ; --help en français")
    func password() throws {
        try cli.succeed(["init", "--db", "k.sqlite", "--site", "kayes"])
        try cli.succeed(["users", "add", "--db", "k.sqlite", "awa.diarra", "--role", "administrator"])
        var r = try cli.run(["users", "password", "--db", "k.sqlite", "awa.diarra", "--as", "awa.diarra"], input: "court\n")
        #expect(r.status != 0)
        #expect(r.stderr.contains("au moins 8 caractères") && r.stderr.contains("Rien n’a été changé"))
        r = try cli.run(["users", "password", "--db", "k.sqlite", "moussa", "--as", "awa.diarra"], input: "assez-long-1\n")
        #expect(r.status != 0)
        r = try cli.run(["users", "password", "--db", "k.sqlite", "awa.diarra", "--as", "awa.diarra"], input: "assez-long-1\r\n")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("Mot de passe de awa.diarra enregistré"))
        let bytes = try Data(contentsOf: dir.url.appendingPathComponent("k.sqlite")) + ((try? Data(contentsOf: dir.url.appendingPathComponent("k.sqlite-wal"))) ?? Data())
        #expect(bytes.range(of: Data("assez-long-1".utf8)) == nil, "the password itself is in the file")
        let help = try cli.succeed(["users", "password", "--help"]).stdout
        #expect(help.contains("sans s’afficher") && help.contains("bcrypt"))
        let serve = try cli.succeed(["serve", "--help"]).stdout
        #expect(serve.contains("http://127.0.0.1:8080") && serve.contains("--port") && serve.contains("premier démarrage"))
        r = try cli.run(["serve", "--db", "absent.sqlite", "--port", "0"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("absent.sqlite"))
    }
}

@Suite("Ligne de commande : doublons")
struct DuplicatesCommandTests {
    let dir = TemporaryDirectory("doublons-cli")
    var cli: CLI { CLI(directory: dir) }

    @Test("duplicates liste la paire et ses raisons (texte, JSON), merge-duplicates la fusionne ; --help en français")
    func duplicates() throws {
        try cli.succeed(["init", "--db", "k.sqlite", "--site", "kayes"])
        try cli.succeed(["put", "--db", "k.sqlite", "candidate", "kayes-c1", "family_name=Coulibaly", "given_names=Mahamadou", "birth_year=1999", "commune=Kita"])
        try cli.succeed(["put", "--db", "k.sqlite", "candidate", "kayes-c2", "family_name=Kulibali", "given_names=Mamadou", "birth_year=1999", "commune=Kita", "phone=66 12 12 12"])
        try cli.succeed(["put", "--db", "k.sqlite", "candidate", "kayes-c3", "family_name=Koné", "given_names=Mamadou", "birth_year=1999", "commune=Kita"])
        var r = try cli.succeed(["duplicates", "--db", "k.sqlite"])
        #expect(r.stdout.contains("kayes-c1 Coulibaly Mahamadou") && r.stdout.contains("kayes-c2 Kulibali Mamadou"))
        #expect(r.stdout.contains("même nom de famille, autre orthographe") && !r.stdout.contains("kayes-c3"))
        r = try cli.succeed(["duplicates", "--db", "k.sqlite", "--json"])
        #expect(r.stdout.hasPrefix(#"[{"first":"kayes-c1","reasons":["#))
        r = try cli.succeed(["merge-duplicates", "--db", "k.sqlite", "kayes-c1", "kayes-c2"])
        #expect(r.stdout.contains("kayes-c2 fusionnée dans kayes-c1") && r.stdout.contains("phone"))
        #expect(try cli.succeed(["duplicates", "--db", "k.sqlite"]).stdout.contains("Aucun doublon probable"))
        r = try cli.run(["merge-duplicates", "--db", "k.sqlite", "kayes-c1", "kayes-c1"])
        #expect(r.status != 0 && r.stderr.contains("elle-même"))
        #expect(try cli.succeed(["duplicates", "--help"]).stdout.contains("Koné et Konaté"))
        #expect(try cli.succeed(["merge-duplicates", "--help"]).stdout.contains("consentement"))
    }
}
