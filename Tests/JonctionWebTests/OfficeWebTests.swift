import Foundation
import Hummingbird
import HummingbirdTesting
import Jonction
import JonctionBundle
import JonctionHub
import JonctionStore
import JonctionTestSupport
import JonctionWeb
import Testing

/// The office application over HTTP (a real server on a free port): sign-in, CSRF, forms through
/// the one validation, search, proposals, conflicts, sticks, the hub's dashboard, the logs.
@Suite("Application du bureau : pages, formulaires, connexion")
struct OfficeWebTests {
    let dir = TemporaryDirectory("web")

    func office(_ name: String = "kayes") throws -> Replica {
        try Replica.create(at: dir.path("\(name).sqlite"), site: SiteName(name))
    }

    @Test("premier démarrage : l’administrateur est créé ; ensuite, sans connexion, chaque page mène à la connexion ; un mauvais mot de passe est refusé en français, puis bloqué après 5 essais")
    func signIn() async throws {
        let replica = try office()
        let app = try OfficeWeb.testApplication(replica)
        try await app.test(.live) { client in
            var web = WebClient(client)
            var page = try await web.get("/candidats")
            #expect(page.status == .seeOther && page.location == "/installation")
            page = try await web.get("/installation")
            // A weak password is refused beside the form, nothing created.
            page = try await web.post("/installation", [("nom", "awa.admin"), ("mot_de_passe", "court"), ("confirmation", "court")])
            #expect(page.status == .unprocessableContent)
            #expect(page.body.contains("au moins 8 caractères"))
            #expect(try replica.read { try $0.users() }.isEmpty)
            try await web.setUp()
            page = try await web.get("/")
            #expect(page.status == .ok)
            #expect(page.body.contains("Bureau de Kayes"))
            #expect(try replica.read { try $0.users() }.map(\.role) == [.administrator])
            // The first-start page is closed now.
            var other = WebClient(client)
            page = try await other.get("/installation")
            #expect(page.status == .seeOther && page.location == "/connexion")
            page = try await other.get("/candidats?q=x")
            #expect(page.location == "/connexion?suite=%2Fcandidats%3Fq%3Dx")
            _ = try await other.get("/connexion")
            page = try await other.post("/connexion", [("nom", "awa.admin"), ("mot_de_passe", "faux-mot-de-passe")])
            #expect(page.status == .unauthorized)
            #expect(page.body.contains("Nom d’utilisateur ou mot de passe incorrect"))
            for _ in 0..<5 { _ = try await other.post("/connexion", [("nom", "awa.admin"), ("mot_de_passe", "faux")]) }
            page = try await other.post("/connexion", [("nom", "awa.admin"), ("mot_de_passe", "mot-de-passe-1")])
            #expect(page.body.contains("Trop d’essais manqués"))
            // Another person, with the right password, and a return to the page asked for.
            var third = WebClient(client)
            _ = try await third.get("/connexion?suite=/propositions")
            try replica.write { try $0.addUser(UserName("moussa"), role: .clerk, fullName: nil) }
            try replica.setPassword("mot-de-passe-2", for: UserName("moussa"), cost: 4)
            page = try await third.post("/connexion", [("nom", "moussa"), ("mot_de_passe", "mot-de-passe-2"), ("suite", "//ailleurs.example")])
            #expect(page.status == .seeOther && page.location == "/")
            // A clerk does not manage users.
            page = try await third.get("/utilisateurs")
            #expect(page.status == .forbidden)
            page = try await third.post("/deconnexion", [])
            page = try await third.get("/")
            #expect(page.status == .seeOther)
        }
    }

    @Test("un formulaire sans le jeton de la session, ou venu d’ailleurs, est refusé et rien n’est écrit")
    func csrfAndHost() async throws {
        let replica = try office()
        let app = try OfficeWeb.testApplication(replica)
        try await app.test(.live) { client in
            var web = WebClient(client)
            try await web.setUp()
            _ = try await web.get("/candidats/nouveau")
            let fields = [("family_name", "Keïta"), ("given_names", "Awa"), ("sex", "F"), ("birth_year", "2001"), ("region", "Kayes"), ("consent", "employers")]
            var page = try await web.post("/candidats", fields, withToken: false)
            #expect(page.status == .forbidden)
            #expect(page.body.contains("Formulaire expiré"))
            page = try await web.post("/candidats", fields + [("csrf", "0000")], withToken: false)
            #expect(page.status == .forbidden)
            page = try await web.post("/candidats", fields, headers: [.origin: "http://evil.example"])
            #expect(page.status == .forbidden)
            #expect(try replica.read { try $0.liveRecords(table: "candidate") }.isEmpty)
            page = try await web.get("/", headers: [.init("X-Unused")!: "1"])
            #expect(page.status == .ok)
        }
    }

    @Test("enregistrer un candidat : erreurs en français à côté du champ, téléphone mis en +223, libellés et cases à cocher, doublon signalé avant la création")
    func candidateForm() async throws {
        let replica = try office()
        let logs = LogLines()
        let app = try OfficeWeb.testApplication(replica, logs: logs)
        try await app.test(.live) { client in
            var web = WebClient(client)
            try await web.setUp()
            var page = try await web.get("/candidats/nouveau")
            #expect(page.body.contains("Nom de famille") && page.body.contains("Femme") && page.body.contains("Langues parlées"))
            var fields = [("family_name", "Keïta"), ("given_names", "Awa Fatoumata"), ("sex", "F"), ("birth_year", "2001"),
                          ("region", "Kayes"), ("consent", "employers"), ("phone", "76 12 3"), ("languages", "bm"), ("languages", "fr"),
                          ("languages", "soninké"), ("skills", "Couture, vente")]
            page = try await web.post("/candidats", fields)
            #expect(page.status == .unprocessableContent)
            #expect(page.body.contains("Numéro de téléphone non reconnu"))
            #expect(page.body.contains(#"id="e-phone""#))
            #expect(page.body.contains(#"value="Keïta""#), "the form keeps what was typed")
            #expect(try replica.read { try $0.liveRecords(table: "candidate") }.isEmpty)
            // A required field left empty.
            page = try await web.post("/candidats", fields.filter { $0.0 != "region" && $0.0 != "phone" })
            #expect(page.body.contains("Ce champ est obligatoire."))
            fields = fields.map { $0.0 == "phone" ? ("phone", "76 12 34 56") : $0 }
            page = try await web.post("/candidats", fields)
            #expect(page.status == .seeOther)
            #expect(page.location == "/candidats/kayes-c1")
            let record = try replica.read { try $0.get(table: "candidate", id: "kayes-c1") }
            let c = Schema.V1.candidate
            #expect(record.state[c.phone] == .text("+223 76 12 34 56"))
            #expect(record.state[c.languages] == .text("bm;fr;snk"))
            #expect(record.state[c.skills] == .text("couture;vente"))
            let authors = try replica.read { try $0.log(table: "candidate", id: "kayes-c1") }.map(\.author)
            #expect(authors.allSatisfy { $0?.rawValue == "awa.admin" })
            page = try await web.get("/candidats/kayes-c1")
            #expect(page.body.contains("Awa Fatoumata") && page.body.contains("bambara, français, soninké") && page.body.contains("awa.admin"))

            // The same person typed again with another spelling: a warning, nothing created.
            _ = try await web.get("/candidats/nouveau")
            let again = [("family_name", "Keita"), ("given_names", "Awa"), ("sex", "F"), ("birth_year", "2002"), ("region", "Kayes"), ("consent", "programme")]
            page = try await web.post("/candidats", again)
            #expect(page.status == .ok)
            #expect(page.body.contains("peut-être déjà enregistrée"))
            #expect(page.body.contains("/candidats/kayes-c1"))
            #expect(try replica.read { try $0.liveRecords(table: "candidate") }.count == 1)
            page = try await web.post("/candidats", again + [("pas_un_doublon", "1")])
            #expect(page.location == "/candidats/kayes-c2")

            // An edit writes only what changed.
            _ = try await web.get("/candidats/kayes-c1/modifier")
            let before = try replica.read { try $0.log(table: "candidate", id: "kayes-c1") }.count
            page = try await web.post("/candidats/kayes-c1", fields.map { $0.0 == "birth_year" ? ("birth_year", "2000") : $0 })
            #expect(page.status == .seeOther)
            #expect(try replica.read { try $0.log(table: "candidate", id: "kayes-c1") }.count == before + 1)

            // The printable sheet, the search as typed with a wrong accent and another spelling.
            page = try await web.get("/candidats/kayes-c1/fiche")
            #expect(page.body.contains("Fiche candidat") && page.body.contains("imprimer"))
            page = try await web.get("/candidats?q=keita&fragment=1")
            #expect(page.body.contains("kayes-c1") && !page.body.contains("<html"))
            page = try await web.get("/candidats?q=nobody")
            #expect(page.body.contains("Aucune personne ne correspond"))
            // Nothing personal in the logs.
            for secret in ["Keïta", "Keita", "kayes-c1", "76 12", "Awa", "keita"] {
                #expect(!logs.all.contains(secret), "\(secret) in the logs")
            }
        }
    }

    @Test("employeurs et opportunités : listes, formulaires, l’employeur choisi dans une liste")
    func employersAndOpportunities() async throws {
        let replica = try office()
        let app = try OfficeWeb.testApplication(replica)
        try await app.test(.live) { client in
            var web = WebClient(client)
            try await web.setUp()
            _ = try await web.get("/employeurs/nouveau")
            var page = try await web.post("/employeurs", [("name", "Atelier Sissoko"), ("region", "Kayes"), ("contact_phone", "66 00 11 22")])
            #expect(page.location == "/employeurs/kayes-e1")
            page = try await web.get("/opportunites/nouveau")
            #expect(page.body.contains("Atelier Sissoko (kayes-e1)"))
            page = try await web.post("/opportunites", [("title", "Couturière"), ("kind", "job"), ("region", "Kayes"), ("places", "0x"), ("employer_id", "kayes-e1")])
            #expect(page.status == .unprocessableContent && page.body.contains("nombre entier"))
            page = try await web.post("/opportunites", [("title", "Couturière"), ("kind", "job"), ("region", "Kayes"), ("places", "2"),
                                                        ("employer_id", "kayes-e1"), ("starts_on", "05/03/2027")])
            #expect(page.location == "/opportunites/kayes-o1")
            page = try await web.get("/opportunites")
            #expect(page.body.contains("Couturière") && page.body.contains("Emploi") && page.body.contains("2027"))
            page = try await web.get("/opportunites/kayes-o9")
            #expect(page.status == .notFound)
        }
    }

    @Test("propositions : le bureau de la personne accepte, ou refuse avec une raison, qui part au pôle ; conflits revus")
    func proposalsAndConflicts() async throws {
        let dir = self.dir
        let hub = try Replica.create(at: dir.path("hub.sqlite"), site: .hub)
        let kayes = try office()
        try LocalNetwork.join([hub, kayes])
        try kayes.write { _ = try $0.put(table: "candidate", id: "kayes-c1", fields: [("family_name", "Diarra"), ("region", "Kayes")]) }
        try hub.write { tx in
            _ = try tx.put(table: "opportunity", id: "hub-o1", fields: [("title", "Soudeur"), ("kind", "job")])
            for n in 1...2 {
                _ = try tx.put(table: "proposal", id: "r1-\(n)", fields: [("candidate_id", "kayes-c1"), ("opportunity_id", "hub-o1"),
                                                                           ("status", "proposed"), ("score", "80"), ("round", "1")])
            }
            _ = try tx.put(table: "candidate", id: "kayes-c1", fields: [("family_name", "Jara")])
        }
        try kayes.write { _ = try $0.put(table: "candidate", id: "kayes-c1", fields: [("family_name", "Diara")]) }
        for b in try kayes.sealedBundles(for: .hub) { _ = try hub.importBundle(bytes: b.bytes) }
        for b in try hub.sealedBundles(for: kayes.site) { _ = try kayes.importBundle(bytes: b.bytes) }
        let app = try OfficeWeb.testApplication(kayes)
        try await app.test(.live) { client in
            var web = WebClient(client)
            try await web.setUp()
            var page = try await web.get("/")
            #expect(page.body.contains("Soudeur"))
            page = try await web.get("/propositions")
            #expect(page.body.contains("Accepter") && page.body.contains("Raison du refus"))
            page = try await web.post("/propositions/r1-1/accepter", [])
            #expect(page.status == .seeOther)
            page = try await web.get("/propositions")
            page = try await web.post("/propositions/r1-2/refuser", [])
            #expect(page.status == .unprocessableContent && page.body.contains("Choisissez la raison"))
            page = try await web.post("/propositions/r1-2/refuser", [("raison", "Lieu trop éloigné")])
            #expect(page.status == .seeOther)
            page = try await web.post("/propositions/r1-1/accepter", [])
            #expect(page.status == .unprocessableContent && page.body.contains("déjà acceptée"))
            // The conflict on the name, reviewed.
            page = try await web.get("/conflits")
            #expect(page.body.contains("Nom de famille") && page.body.contains("Marquer comme revu"))
            let number = try #require(try kayes.read { try $0.conflicts() }.first?.number)
            page = try await web.post("/conflits/\(number)/revu", [])
            #expect(try kayes.read { try $0.conflicts() }.first?.reviewedBy == "awa.admin")
        }
        // The answers and the reason reach the hub, which keeps them (the office may write them).
        for b in try kayes.sealedBundles(for: .hub) { _ = try hub.importBundle(bytes: b.bytes) }
        let p = Schema.V1.proposal
        let declined = try hub.read { try $0.get(table: "proposal", id: "r1-2") }
        #expect(declined.state[p.status] == .declined)
        #expect(declined.state[p.reasons].text?.contains("Refusée par le bureau : Lieu trop éloigné") == true)
        #expect(try hub.read { try $0.get(table: "proposal", id: "r1-1") }.state[p.status] == .accepted)
    }

    @Test("clé USB depuis le navigateur : le bureau écrit pour le pôle, le pôle lit la clé ; chaque fichier dit ce qu’il est devenu ; le tableau de bord ne change rien")
    func sticksAndDashboard() async throws {
        let hub = try Replica.create(at: dir.path("hub.sqlite"), site: .hub)
        let kayes = try office()
        try LocalNetwork.join([hub, kayes])
        try hub.write { try $0.enrollOffice(SiteName("kayes"), tokenSHA256: [UInt8](repeating: 7, count: 32)) }
        for (n, name, status) in [(1, "Keïta", "placed"), (2, "Traoré", "trained"), (3, "Maïga", "registered")] {
            try kayes.write {
                _ = try $0.put(table: "candidate", id: "kayes-c\(n)", fields: [("family_name", name), ("region", n == 3 ? "Gao" : "Kayes"),
                                                                            ("sex", n == 2 ? "M" : "F"), ("status", status), ("consent", n == 3 ? "none" : "employers")])
            }
        }
        let stick = dir.url.appendingPathComponent("media/CLE")
        try FileManager.default.createDirectory(at: stick, withIntermediateDirectories: true)
        let options = OfficeWeb.Options(stickRoots: [dir.url.appendingPathComponent("media")], passwordCost: 4)
        try await OfficeWeb.testApplication(kayes, options: options).test(.live) { client in
            var web = WebClient(client)
            try await web.setUp()
            var page = try await web.get("/echanges")
            #expect(page.body.contains(stick.path))
            page = try await web.post("/echanges/cle", [("cle", stick.path), ("dossier", ""), ("pour", "hub"), ("action", "ecrire")])
            let job = try #require(page.location)
            page = try await Self.waitForJob(&web, job)
            #expect(page.body.contains("Clé prête"), "\(page.body)")
            page = try await web.get("/")
            #expect(page.body.contains("par clé USB"))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: stick.appendingPathComponent("JONCTION").path).count == 1)
        // A damaged copy beside it, refused with its reason.
        let file = try FileManager.default.contentsOfDirectory(at: stick.appendingPathComponent("JONCTION"), includingPropertiesForKeys: nil)[0]
        var bytes = try Data(contentsOf: file)
        bytes[bytes.count - 3] ^= 0xFF
        try bytes.write(to: stick.appendingPathComponent("JONCTION/kayes_pour_hub_abime.jnb"))
        try await OfficeWeb.testApplication(hub, options: options).test(.live) { client in
            var web = WebClient(client)
            try await web.setUp(admin: "admin.pole")
            _ = try await web.get("/echanges")
            var page = try await web.post("/echanges/cle", [("cle", ""), ("dossier", stick.path), ("action", "lire")])
            page = try await Self.waitForJob(&web, try #require(page.location))
            #expect(page.body.contains("refusé"), "\(page.body)")
            #expect(page.body.contains("changement(s) reçus"))
            // A round's proposal: the fairness of the last round is drawn.
            try hub.write { try $0.put(table: "proposal", id: "r1-kayes-c1", fields: [
                ("candidate_id", "kayes-c1"), ("opportunity_id", "opp-1"), ("score", "70"), ("round", "1"), ("status", "proposed"),
            ]) }
            let before = try Data(contentsOf: URL(fileURLWithPath: hub.path))
            page = try await web.get("/")
            #expect(page.body.contains("Tableau de bord du pôle"))
            #expect(page.body.contains("<svg") && page.body.contains("Par région"))
            #expect(page.body.contains("Équité du dernier tour de rapprochement") && page.body.contains("Admissibles, proposés, placés par groupe, toutes régions"))
            // Per region: a plain GET form, without JavaScript; an unknown region is said beside the field.
            #expect(page.body.contains(#"<select id="equite-region" name="region">"#) && page.body.contains(#"<option value="Kayes">Kayes</option>"#))
            var regional = try await web.get("/?region=Kayes")
            #expect(regional.body.contains("par groupe, région Kayes") && regional.body.contains(#"<option value="Kayes" selected>"#))
            #expect(!regional.body.contains("Personne à compter dans cette région"))
            regional = try await web.get("/?region=Gao")  // only Maïga, without consent: nobody to count
            #expect(regional.body.contains("par groupe, région Gao") && regional.body.contains("Personne à compter dans cette région"))
            regional = try await web.get("/?region=Paris%3Cb%3E")
            #expect(regional.body.contains("Région inconnue « Paris&lt;b&gt; »") && regional.body.contains(#"aria-invalid="true""#))
            #expect(regional.body.contains("par groupe, toutes régions") && !regional.body.contains("Paris<b>"))
            #expect(page.body.contains("kayes"))
            // Counted, the person without consent too, without her name.
            #expect(page.body.contains(">3</div><div>personnes inscrites"))
            #expect(!page.body.contains("Maïga"))
            #expect(try Data(contentsOf: URL(fileURLWithPath: hub.path)) == before, "reading the dashboard changed the file")
            page = try await web.get("/candidats?q=keita")
            #expect(page.body.contains("kayes-c1"))
        }
    }

    static func waitForJob(_ web: inout WebClient, _ path: String) async throws -> WebClient.Page {
        for _ in 0..<100 {
            let page = try await web.get(path)
            if !page.body.contains("http-equiv=\"refresh\"") { return page }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("the job did not end")
        return try await web.get(path)
    }
}
