import Foundation
import JonctionTestSupport
import Testing

@Suite("Ligne de commande : effacer une personne, durée de conservation")
struct ErasureCommandTests {
    let dir = TemporaryDirectory("erase-cli")
    var cli: CLI { CLI(directory: dir) }

    @discardableResult
    func run(_ arguments: String...) throws -> CLI.Result {
        try cli.succeed(arguments)
    }

    /// Every byte of every file under the test's folder (replicas, WAL, sticks, inbox, outbox).
    func everyByte() throws -> Data {
        var all = Data()
        let files = FileManager.default.enumerator(at: dir.url, includingPropertiesForKeys: [.isRegularFileKey])!
        for case let url as URL in files where (try url.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true {
            all += try Data(contentsOf: url)
        }
        return all
    }

    /// A night at the hub: the offices' sticks in, the outbox out, each office takes its folder.
    func round(_ offices: [String]) throws {
        for office in offices { try run("export", "--db", "\(office).sqlite", "--to", "arrivee") }
        try run("hub", "merge", "--db", "hub.sqlite", "--inbox", "arrivee", "--outbox", "depart")
        for office in offices where FileManager.default.fileExists(atPath: dir.path("depart/\(office)")) {
            try run("import", "--db", "\(office).sqlite", "depart/\(office)")
        }
    }

    @Test("après « erase » et un tour d’échanges, le nom, le téléphone et les notes ne sont plus dans aucun octet d’aucun fichier")
    func eraseReachesEveryReplica() throws {
        try cli.network(["kayes", "gao"])
        try cli.makeFolders("arrivee")
        try run("put", "--db", "kayes.sqlite", "candidate", "kayes-c01", "family_name=Zoumanigui", "given_names=Oumou",
                "phone=76 12 34 56", "region=Kayes", "status=registered")
        try run("put", "--db", "kayes.sqlite", "candidate", "kayes-c02", "family_name=Kanouté", "region=Kayes")
        try round(["kayes", "gao"])
        // Gao corrects the name and adds a note: values of another origin, in its own log.
        try run("put", "--db", "gao.sqlite", "candidate", "kayes-c01", "family_name=Zoumanigou", "notes=Vue à Gao chez Wqxz")
        try round(["gao", "kayes"])
        let before = try everyByte()
        for value in ["Zoumanigui", "Zoumanigou", "Wqxz", "Oumou"] {
            #expect(before.range(of: Data(value.utf8)) != nil, "\(value) should be there before the erasure")
        }

        var r = try run("erase", "--db", "kayes.sqlite", "candidate", "kayes-c01")
        #expect(r.stdout.contains("candidate kayes-c01 effacé"))
        try round(["kayes", "gao"])
        try round(["kayes", "gao"])

        let after = try everyByte()
        for value in ["Zoumanigui", "Zoumanigou", "Wqxz", "Oumou", "76 12 34 56", "+223 76 12 34 56"] {
            #expect(after.range(of: Data(value.utf8)) == nil, "\(value) is still in a file")
        }
        #expect(after.range(of: Data("Kanouté".utf8)) != nil)  // the others are still there
        #expect(try run("status", "--db", "gao.sqlite", "--json").stdout.contains(#""erased":1,"#))
        #expect(try run("status", "--db", "gao.sqlite").stdout.contains("Vie privée    : 1 fiche(s) effacée(s)"))
        for site in ["hub", "kayes", "gao"] {
            r = try cli.run("get", "--db", "\(site).sqlite", "candidate", "kayes-c01")
            #expect(r.status == 1 && r.stderr.contains("est déjà effacé"), "\(site): \(r.stderr)")
            r = try run("log", "--db", "\(site).sqlite", "--id", "kayes-c01")
            #expect(r.stdout.contains("family_name (valeur effacée)") && r.stdout.contains("EFFACEMENT"), "\(site)")
            r = try run("check", "--db", "\(site).sqlite")
            r = try run("get", "--db", "\(site).sqlite", "candidate", "kayes-c02")
        }
        // The hub signs again what it rewrote, and the offices hold the same state.
        let dumps = try ["hub", "kayes", "gao"].map { try run("dump", "--db", "\($0).sqlite").stdout }
        #expect(Set(dumps).count == 1)
        r = try run("log", "--db", "gao.sqlite", "--id", "kayes-c01", "--json")
        #expect(r.stdout.contains(#""value_erased":true"#) && r.stdout.contains(#""op":"erase""#))
        r = try cli.run("erase", "--db", "gao.sqlite", "candidate", "kayes-c01")
        #expect(r.status == 1 && r.stderr.contains("déjà effacé"))
        r = try cli.run("erase", "--db", "gao.sqlite", "candidate", "absent-c9")
        #expect(r.status == 1 && r.stderr.contains("Aucun enregistrement « absent-c9 »"))
    }

    @Test("consent=none : le nom et le téléphone restent au bureau, le pôle compte la personne ; consentement donné puis retiré")
    func consentNone() throws {
        try cli.network(["kayes"])
        try cli.makeFolders("arrivee")
        try run("put", "--db", "kayes.sqlite", "candidate", "kayes-c01", "family_name=Zoumanigui", "phone=76 12 34 56",
                "region=Kayes", "sex=F", "birth_year=2001", "consent=none")
        try run("put", "--db", "kayes.sqlite", "candidate", "kayes-c02", "family_name=Kanouté", "region=Kayes", "consent=employers")
        try run("put", "--db", "kayes.sqlite", "placement", "kayes-p01", "candidate_id=kayes-c01", "outcome=Wqxz est satisfaite")
        try round(["kayes"])
        var r = try run("status", "--db", "hub.sqlite", "--json")
        #expect(r.stdout.contains(#""candidate":{"deleted":0,"live":2}"#), "\(r.stdout)")
        r = try run("get", "--db", "hub.sqlite", "candidate", "kayes-c01")
        #expect(r.stdout.contains("birth_year") && r.stdout.contains("2001") && !r.stdout.contains("family_name"))
        #expect(r.stdout.contains("restent au bureau qui les a écrits"))
        #expect(try run("get", "--db", "kayes.sqlite", "candidate", "kayes-c01").stdout.contains("Zoumanigui"))
        #expect(try run("dump", "--db", "kayes.sqlite", "--shared").stdout == (try run("dump", "--db", "hub.sqlite").stdout))
        // Name, phone (the candidate) and outcome (the placement) are kept at Kayes only.
        #expect(try run("status", "--db", "kayes.sqlite", "--json").stdout.contains(#""withheld_values":3}"#))
        #expect(try run("status", "--db", "hub.sqlite", "--json").stdout.contains(#""withheld_values":0}"#))
        func hubFiles() throws -> Data {
            var all = Data()
            for file in try FileManager.default.contentsOfDirectory(atPath: dir.url.path) where file.hasPrefix("hub.sqlite") {
                all += try Data(contentsOf: dir.url.appendingPathComponent(file))
            }
            return all
        }
        #expect(try hubFiles().range(of: Data("Zoumanigui".utf8)) == nil)
        #expect(try hubFiles().range(of: Data("Wqxz".utf8)) == nil)  // a placement's outcome follows its candidate
        #expect(try hubFiles().range(of: Data("Kanouté".utf8)) != nil)
        // Consent given: the name travels; withdrawn: it leaves the hub again, history included.
        try run("put", "--db", "kayes.sqlite", "candidate", "kayes-c01", "consent=programme")
        try round(["kayes"])
        #expect(try run("get", "--db", "hub.sqlite", "candidate", "kayes-c01").stdout.contains("Zoumanigui"))
        #expect(try run("get", "--db", "hub.sqlite", "placement", "kayes-p01").stdout.contains("Wqxz"))
        try run("put", "--db", "kayes.sqlite", "candidate", "kayes-c01", "consent=none")
        try round(["kayes"])
        #expect(!(try run("get", "--db", "hub.sqlite", "candidate", "kayes-c01").stdout.contains("Zoumanigui")))
        #expect(try hubFiles().range(of: Data("Zoumanigui".utf8)) == nil)
        #expect(try hubFiles().range(of: Data("Wqxz".utf8)) == nil)
        #expect(try run("get", "--db", "kayes.sqlite", "placement", "kayes-p01").stdout.contains("Wqxz"))
        r = try run("log", "--db", "hub.sqlite", "--id", "kayes-c01")
        #expect(!r.stdout.contains("Zoumanigui") && r.stdout.contains("family_name (valeur effacée)"))
        for db in ["hub.sqlite", "kayes.sqlite"] {
            #expect(try run("check", "--db", db).stdout.contains("Réplica intact"))
        }
    }

    @Test("purge --closed-before : les dossiers clos avant la date, avec --dry-run d’abord ; date invalide refusée")
    func purge() throws {
        try run("init", "--db", "k.sqlite", "--site", "kayes")
        try run("put", "--db", "k.sqlite", "candidate", "kayes-c01", "family_name=Sangaré", "status=placed")
        try run("put", "--db", "k.sqlite", "candidate", "kayes-c02", "family_name=Coulibaly", "status=withdrawn")
        try run("put", "--db", "k.sqlite", "candidate", "kayes-c03", "family_name=Diallo", "status=registered")
        try run("put", "--db", "k.sqlite", "proposal", "p1", "candidate_id=kayes-c01", "opportunity_id=o1", "status=accepted")
        var r = try run("purge", "--db", "k.sqlite", "--closed-before", "2020-01-01")
        #expect(r.stdout.contains("rien à effacer"))
        let tomorrow = Date().addingTimeInterval(86_400)
        let f = DateFormatter()
        f.dateFormat = "dd/MM/yyyy"
        f.timeZone = TimeZone(identifier: "UTC")
        let day = f.string(from: tomorrow)
        r = try run("purge", "--db", "k.sqlite", "--closed-before", day, "--dry-run", "--json")
        #expect(r.stdout == #"{"candidates":["kayes-c01","kayes-c02"],"dry_run":true}"# + "\n")
        #expect(try run("get", "--db", "k.sqlite", "candidate", "kayes-c01").stdout.contains("Sangaré"))
        r = try run("purge", "--db", "k.sqlite", "--closed-before", day)
        #expect(r.stdout.contains("2 personne(s) effacées"))
        for id in ["kayes-c01", "kayes-c02"] {
            r = try cli.run("get", "--db", "k.sqlite", "candidate", id)
            #expect(r.status == 1 && r.stderr.contains("déjà effacé"))
        }
        r = try cli.run("get", "--db", "k.sqlite", "proposal", "p1")
        #expect(r.status == 1 && r.stderr.contains("déjà effacé"))  // with the person
        #expect(try run("get", "--db", "k.sqlite", "candidate", "kayes-c03").stdout.contains("Diallo"))
        r = try cli.run("purge", "--db", "k.sqlite", "--closed-before", "31/02/2027")
        #expect(r.status == 1 && r.stderr.contains("Date invalide « 31/02/2027 »"))
    }
}
