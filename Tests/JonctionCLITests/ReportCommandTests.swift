import Foundation
import Jonction
import JonctionSheets
import JonctionTestSupport
import Testing

@Suite("report : les chiffres du programme, en lecture seule ; match --dry-run")
struct ReportCommandTests {
    let dir = TemporaryDirectory("report")
    var cli: CLI { CLI(directory: dir) }

    func json(_ text: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] ?? [:]
    }

    /// A small programme whose figures are known: four people, two opportunities, four proposals, one placement.
    func programme(_ db: String, site: String) throws {
        try cli.succeed(["init", "--db", db, "--site", site])
        let people: [(String, [String])] = [
            ("c1", ["region=Kayes", "sex=F", "origin_status=returnee", "birth_year=1999", "status=registered", "skills=couture"]),
            ("c2", ["region=Kayes", "sex=M", "origin_status=displaced", "birth_year=2001", "status=trained", "skills=vente"]),
            ("c3", ["region=Mopti", "sex=F", "origin_status=host_youth", "birth_year=1980", "status=placed"]),
            ("c4", ["region=Gao", "sex=M", "origin_status=returnee", "status=withdrawn", "skills=informatique"]),
        ]
        for (id, fields) in people {
            try cli.succeed(["put", "--db", db, "candidate", "\(site)-\(id)", "family_name=Test", "given_names=Personne \(id)", "consent=employers"] + fields)
        }
        try cli.succeed(["put", "--db", db, "employer", "e1", "name=Atelier Sahel", "region=Kayes"])
        try cli.succeed(["put", "--db", db, "opportunity", "o1", "employer_id=e1", "kind=job", "title=Couturière", "skills_required=couture",
                         "places=3", "status=open", "region=Kayes"])
        try cli.succeed(["put", "--db", db, "opportunity", "o2", "employer_id=e1", "kind=training", "title=Informatique",
                         "skills_required=informatique", "places=2", "status=open", "region=Kayes"])
        for (id, candidate, opportunity, status) in [("p1", "c1", "o1", "accepted"), ("p2", "c2", "o2", "declined"),
                                                     ("p3", "c3", "o1", "expired"), ("p4", "c2", "o1", "proposed")] {
            try cli.succeed(["put", "--db", db, "proposal", id, "candidate_id=\(site)-\(candidate)", "opportunity_id=\(opportunity)",
                             "score=50", "round=1", "status=\(status)"])
        }
        try cli.succeed(["put", "--db", db, "placement", "pl1", "candidate_id=\(site)-c3", "opportunity_id=o1", "started_on=05/03/2027"])
    }

    func fileState(_ name: String) throws -> (Data, Date?) {
        let url = dir.url.appendingPathComponent(name)
        let date = try FileManager.default.attributesOfItem(atPath: url.path)[.modificationDate] as? Date
        return (try Data(contentsOf: url), date)
    }

    @Test("report ne modifie pas le réplica (mêmes octets, même date) et donne les chiffres exacts")
    func readOnlyAndFigures() throws {
        try programme("kayes.sqlite", site: "kayes")
        let (bytes, date) = try fileState("kayes.sqlite")
        let contents = try FileManager.default.contentsOfDirectory(atPath: dir.path("")).sorted()
        Thread.sleep(forTimeInterval: 0.02)

        let text = try cli.succeed(["report", "--db", "kayes.sqlite", "--year", "2027"]).stdout
        let r = try cli.succeed(["report", "--db", "kayes.sqlite", "--year", "2027", "--json"])
        let csv = try cli.succeed(["report", "--db", "kayes.sqlite", "--year", "2027", "--csv"])
        let english = try cli.succeed(["report", "--db", "kayes.sqlite", "--year", "2027", "--lang", "en"]).stdout
        let (after, dateAfter) = try fileState("kayes.sqlite")
        #expect(after == bytes)
        #expect(dateAfter == date)
        // No file left beside it (the last reader out may tidy an empty write-ahead log away).
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: dir.path(""))).isSubset(of: Set(contents)))

        let f = try json(r.stdout)
        #expect(f["total"] as? [String: Int] == ["registered": 4, "trained": 2, "placed": 1, "withdrawn": 1])
        let regions = f["by_region"] as? [String: [String: Int]]
        #expect(regions?["Kayes"] == ["registered": 2, "trained": 1, "placed": 0, "withdrawn": 0])
        #expect(regions?["Mopti"] == ["registered": 1, "trained": 1, "placed": 1, "withdrawn": 0])
        #expect(regions?["Gao"] == ["registered": 1, "trained": 0, "placed": 0, "withdrawn": 1])
        #expect((f["by_sex"] as? [String: [String: Int]])?["F"]?["registered"] == 2)
        #expect((f["by_origin"] as? [String: [String: Int]])?["returnee"] == ["registered": 2, "trained": 0, "placed": 0, "withdrawn": 1])
        let ages = f["by_age_band"] as? [String: [String: Int]]
        #expect(ages?["25-35"]?["registered"] == 2 && ages?["36-50"]?["placed"] == 1 && ages?["?"]?["withdrawn"] == 1)
        let proposals = f["proposals"] as? [String: [String: Int]]
        #expect(proposals?["all"] == ["made": 4, "accepted": 1, "declined": 1, "expired": 1, "pending": 1])
        #expect(proposals?["job"] == ["made": 3, "accepted": 1, "declined": 0, "expired": 1, "pending": 1])
        #expect(proposals?["training"] == ["made": 1, "accepted": 0, "declined": 1, "expired": 0, "pending": 0])
        #expect(f["placements"] as? Int == 1)
        #expect(f["placements_by_kind"] as? [String: Int] == ["job": 1])
        #expect((f["placements_by_month"] as? [[String: Any]])?.first?["month"] as? String == "2027-03")
        let skills = (f["skills_lacking"] as? [[String: Any]])?.map { "\($0["skill"]!) \($0["demand"]!)/\($0["supply"]!)" }
        #expect(skills == ["couture 3/1", "informatique 2/0"])

        #expect(text.contains("Personnes : 4 inscrites, 2 formées, 1 placées, 1 sorties du programme."))
        #expect(text.contains("Propositions : 4 faites, 1 acceptées, 1 refusées, 1 expirées, 1 en attente."))
        #expect(text.contains("Placements (tous les tours) : 1 — Emploi 1"))
        #expect(text.contains("couture 3/1, informatique 2/0"))
        #expect(english.contains("People: 4 registered, 2 trained, 1 placed, 1 withdrawn."))

        let sheet = try Sheet.csv(Array(csv.stdout.utf8))
        #expect(sheet.dialect.encoding == .utf8WithBOM && sheet.dialect.separator == ";")
        #expect(sheet.rows.contains { $0.cells == ["région", "Kayes", "2", "1", "0", "0"] })
        #expect(sheet.rows.contains { $0.cells == ["propositions", "tous", "4", "1", "1", "1", "1"] })
    }

    @Test("--from et --to : 2027-03-05, 05/03/2027 ou 2027-03 ; une date fausse est refusée")
    func period() throws {
        try programme("kayes.sqlite", site: "kayes")
        var f = try json(cli.succeed(["report", "--db", "kayes.sqlite", "--json", "--from", "2000-01"]).stdout)
        #expect((f["total"] as? [String: Int])?["registered"] == 4)
        f = try json(cli.succeed(["report", "--db", "kayes.sqlite", "--json", "--to", "31/12/2020"]).stdout)
        #expect((f["total"] as? [String: Int])?["registered"] == 0)
        #expect(f["to"] as? String == "2020-12-31")
        f = try json(cli.succeed(["report", "--db", "kayes.sqlite", "--json", "--from", "2000-01-01", "--to", "2100-01"]).stdout)
        #expect((f["total"] as? [String: Int])?["registered"] == 4 && f["placements"] as? Int == 1)
        let r = try cli.run("report", "--db", "kayes.sqlite", "--from", "demain")
        #expect(r.status == 1 && r.stderr.contains("--from « demain » : écrivez une date AAAA-MM-JJ ou JJ/MM/AAAA, ou un mois AAAA-MM"))
    }

    @Test("match --dry-run donne le rapport du tour sans rien écrire ; report --matching relit le dernier tour")
    func matchDryRun() throws {
        try cli.succeed(["init", "--db", "hub.sqlite", "--site", "hub"])
        let person = ["region=Kayes", "isco=7112", "skills=maçonnerie", "languages=bm", "education=primaire", "status=registered", "consent=employers"]
        for id in ["kayes-c01", "kayes-c02"] {
            try cli.succeed(["put", "--db", "hub.sqlite", "candidate", id, "family_name=Test", "given_names=Personne"] + person)
        }
        // Consents and is registered, but below the minimum education: not admissible by the round's rule.
        try cli.succeed(["put", "--db", "hub.sqlite", "candidate", "kayes-c03", "family_name=Test", "given_names=Personne"]
                        + person.filter { !$0.hasPrefix("education=") } + ["education=aucun"])
        try cli.succeed(["put", "--db", "hub.sqlite", "employer", "emp-01", "name=Bâtir Sahel SARL", "region=Kayes"])
        try cli.succeed(["put", "--db", "hub.sqlite", "opportunity", "opp-01", "employer_id=emp-01", "kind=job", "title=Maçon",
                         "isco=7112", "skills_required=maçonnerie", "region=Kayes", "places=1", "status=open", "min_education=primaire"])
        let (bytes, date) = try fileState("hub.sqlite")
        for _ in 0..<3 {
            let r = try cli.succeed(["match", "--db", "hub.sqlite", "--dry-run"])
            #expect(r.stdout.hasPrefix("Essai (--dry-run) : ce que ferait le tour ; rien n’a été écrit"))
            #expect(r.stdout.contains("Tour de rapprochement n° 1"))
        }
        let dry = try json(cli.succeed(["match", "--db", "hub.sqlite", "--dry-run", "--json"]).stdout)
        #expect(dry["dry_run"] as? Bool == true && dry["proposals"] as? Int == 1 && dry["round"] as? Int == 1)
        let (after, dateAfter) = try fileState("hub.sqlite")
        #expect(after == bytes && dateAfter == date)
        var r = try cli.succeed(["report", "--db", "hub.sqlite", "--matching"])
        #expect(r.stdout.contains("Aucun tour de rapprochement"))

        let real = try json(cli.succeed(["match", "--db", "hub.sqlite", "--json"]).stdout)
        #expect(real["proposals"] as? Int == 1 && real["round"] as? Int == 1 && real["dry_run"] == nil)
        r = try cli.succeed(["report", "--db", "hub.sqlite", "--matching"])
        #expect(r.stdout.contains("Dernier tour de rapprochement : n° 1 — propositions : En attente de réponse 1."))
        #expect(r.stdout.contains("tour 1 du "))
        let m = try json(cli.succeed(["report", "--db", "hub.sqlite", "--matching", "--json"]).stdout)
        #expect(m["last_round"] as? Int == 1 && (m["rounds"] as? [Any])?.count == 1)
        // Fairness: two admissible in Kayes (sex unknown), one proposed, none placed yet.
        #expect(r.stdout.contains("Équité, par région et par groupe"))
        let rows = try #require(m["fairness"] as? [[String: Any]])
        let kayes = try #require(rows.first { $0["region"] as? String == "Kayes" && $0["field"] as? String == "sex" })
        #expect(kayes["admissible"] as? Int == 2 && kayes["proposed"] as? Int == 1 && kayes["placed"] as? Int == 0)
        #expect(kayes["proposed_share"] as? Int == 100)
        // The same admissible figures as the round's own report, row by row.
        func admissible(_ report: [String: Any]) -> [String: Int] {
            Dictionary(uniqueKeysWithValues: ((report["fairness"] as? [[String: Any]]) ?? []).map {
                ("\($0["region"] ?? "") \($0["field"] ?? "") \($0["group"] ?? "")", $0["admissible"] as? Int ?? -1)
            }.filter { $0.1 != 0 })
        }
        #expect(!admissible(real).isEmpty && admissible(m) == admissible(real))
        #expect(r.stdout.contains("score minimum"))
    }
}
