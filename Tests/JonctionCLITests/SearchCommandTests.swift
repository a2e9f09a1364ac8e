import Foundation
import JonctionTestSupport
import Testing

@Suite("Ligne de commande : chercher une personne")
struct SearchCommandTests {
    let dir = TemporaryDirectory("search-cli")
    var cli: CLI { CLI(directory: dir) }

    @discardableResult
    func run(_ arguments: String..., environment: [String: String] = [:]) throws -> CLI.Result {
        try cli.succeed(arguments, environment: environment)
    }

    func office() throws {
        try run("init", "--db", "kayes.sqlite", "--site", "kayes")
        try run("put", "--db", "kayes.sqlite", "candidate", "kayes-c16", "family_name=Diarra Keïta", "given_names=Awa", "sex=F",
                "region=Kayes", "phone=+223 76 12 34 56", "status=registered")
        try run("put", "--db", "kayes.sqlite", "candidate", "kayes-c17", "family_name=Coulibaly", "given_names=Mahamadou", "sex=M",
                "region=Kayes", "status=trained")
        try run("put", "--db", "kayes.sqlite", "candidate", "kayes-c18", "family_name=Diallo", "given_names=Mariam", "sex=F",
                "region=Nioro")
    }

    @Test("--help : en français, avec un exemple de variante")
    func help() throws {
        let r = try run("search", "--help")
        // Words as the terminal's width wraps them.
        let words = r.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(words.contains("USAGE: jonction search"))
        #expect(words.contains("Chercher une personne par son nom, ses prénoms, son téléphone ou son identifiant."))
        #expect(words.contains("« keita diara » trouve Awa Diarra Keïta"))
        for option in ["--region", "--status", "--sex", "--limit", "--page", "--json"] { #expect(r.stdout.contains(option)) }
    }

    @Test("« keita diara » trouve Awa Diarra Keïta : un tableau en français, la variante marquée ~")
    func table() throws {
        try office()
        var r = try run("search", "--db", "kayes.sqlite", "keita", "diara")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("  Identifiant  Nom           Prénoms  Région  Statut      Téléphone") == true, "\(r.stdout)")
        #expect(lines.count > 1 && lines[1] == "~ kayes-c16    Diarra Keïta  Awa      Kayes   registered  +223 76 12 34 56", "\(r.stdout)")
        #expect(r.stdout.contains("1 personne."))
        #expect(r.stdout.contains("~ : trouvé par une variante d’orthographe."))
        r = try run("search", "--db", "kayes.sqlite", "KEÏTA DIARRA")
        #expect(r.stdout.contains("  kayes-c16") && !r.stdout.contains("~"))
        r = try run("search", "--db", "kayes.sqlite", "mamadou kulibali")
        #expect(r.stdout.contains("kayes-c17"))
        r = try run("search", "--db", "kayes.sqlite", "76 12 34")
        #expect(r.stdout.contains("kayes-c16"))
        r = try run("search", "--db", "kayes.sqlite", "kayes-c1")
        #expect(r.stdout.contains("3 personnes."))
    }

    @Test("personne ne correspond : un message en français, code 0 ; en anglais avec --lang en")
    func nobody() throws {
        try office()
        var r = try run("search", "--db", "kayes.sqlite", "Traoré")
        #expect(r.stdout == "Aucune personne ne correspond à « Traoré ».\n")
        r = try run("search", "--db", "kayes.sqlite", "diarra", "--region", "segou")
        #expect(r.stdout == "Aucune personne ne correspond à « diarra » (région segou).\n")
        r = try run("search", "--db", "kayes.sqlite", "--lang", "en", "Traoré")
        #expect(r.stdout == "No person matches “Traoré”.\n")
        r = try run("search", "--db", "kayes.sqlite", "--page", "5")
        #expect(r.stdout.contains("La page 5 est vide : 3 personnes"))
    }

    @Test("filtres, pages, JSON")
    func filtersPagesJSON() throws {
        try office()
        var r = try run("search", "--db", "kayes.sqlite", "--sex", "f")
        #expect(r.stdout.contains("kayes-c16") && r.stdout.contains("kayes-c18") && !r.stdout.contains("kayes-c17"))
        r = try run("search", "--db", "kayes.sqlite", "--region", "kayes", "--status", "trained")
        #expect(r.stdout.contains("kayes-c17") && r.stdout.contains("1 personne."))
        r = try run("search", "--db", "kayes.sqlite", "--limit", "1", "--page", "2")
        // By name: Coulibaly, Diallo, Diarra Keïta.
        #expect(r.stdout.contains("kayes-c18") && r.stdout.contains("2 à 2 sur 3 personnes — la suite : --page 3."))
        r = try run("search", "--db", "kayes.sqlite", "--json", "keita", "diara")
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        #expect(json?["total"] as? Int == 1)
        let hit = (json?["hits"] as? [[String: Any]])?.first
        #expect(hit?["id"] as? String == "kayes-c16")
        #expect(hit?["family_name"] as? String == "Diarra Keïta")
        #expect(hit?["exact"] as? Bool == false)
        #expect(hit?["phone"] as? String == "+223 76 12 34 56")
        #expect(r.stdout.hasPrefix(#"{"hits":[{"birth_year":null,"exact":false,"#))
    }

    @Test("des options hors bornes, une région inconnue : refusés en français, code 1")
    func refused() throws {
        try office()
        var r = try cli.run("search", "--db", "kayes.sqlite", "--limit", "500", "diarra")
        #expect(r.status == 1 && r.stderr.contains("--limit 500 : la valeur doit être entre 1 et 200."))
        r = try cli.run("search", "--db", "kayes.sqlite", "--page", "0", "diarra")
        #expect(r.status == 1 && r.stderr.contains("--page 0 : la valeur doit être entre 1 et"))
        r = try cli.run("search", "--db", "kayes.sqlite", "--region", "Paris", "diarra")
        #expect(r.status == 1 && r.stderr.hasPrefix("Erreur : ") && r.stderr.contains("Paris"))
    }

    @Test("une personne effacée n’est plus trouvée, ni par son nom ni par son téléphone")
    func erased() throws {
        try office()
        try run("erase", "--db", "kayes.sqlite", "candidate", "kayes-c16")
        var r = try run("search", "--db", "kayes.sqlite", "keita")
        #expect(r.stdout.hasPrefix("Aucune personne ne correspond"))
        r = try run("search", "--db", "kayes.sqlite", "76123456")
        #expect(r.stdout.hasPrefix("Aucune personne ne correspond"))
        // No byte of her name, in any form the index held, is left in the files.
        let bytes = ["kayes.sqlite", "kayes.sqlite-wal"].compactMap { FileManager.default.contents(atPath: dir.path($0)) }
            .reduce(Data(), +)
        for trace in ["Diarra Keïta", "diarra", "keita", "76123456", "22376123456"] {
            #expect(bytes.range(of: Data(trace.utf8)) == nil, "\(trace)")
        }
    }
}
