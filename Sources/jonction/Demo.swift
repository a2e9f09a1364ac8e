import ArgumentParser
import Foundation
import Jonction
import JonctionBundle
import JonctionHub
import JonctionMatch
import JonctionStore

struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Démonstration sur Fixtures/ : trois bureaux et le pôle, des clés USB, un relais, un conflit, le rapprochement, la convergence.",
        discussion: "Les fichiers de la démonstration (réplicas, clés) restent dans le dossier indiqué (par défaut ./jonction-demo).")

    @Option(help: "Dossier de la démonstration (recréé s’il contient une démonstration précédente).")
    var dir: String = "jonction-demo"

    @Option(help: "Jeu de données (par défaut Fixtures/dataset.json du dépôt).")
    var fixtures: String?

    @Option(help: "Langue des messages : fr (par défaut) ou en.")
    var lang: Lang?

    func run() throws {
        let lang = lang ?? Lang.fromEnvironment(arguments: [])
        try running(lang) {
            let folder = try DemoFolder.prepare(dir)
            let url = try DemoFolder.locateFixtures(fixtures)
            let data: Data
            do { data = try Data(contentsOf: url) } catch { throw DatasetError.unreadable(path: url.path) }
            let dataset = try Dataset(json: data, path: url.path)
            try DemoStory(folder: folder, dataset: dataset, lang: lang).tell()
        }
    }
}

/// The demo's narrative: every step is a real operation on real replicas and folders.
struct DemoStory {
    let folder: URL
    let dataset: Dataset
    let lang: Lang

    func say(_ fr: String, _ en: String) { print(lang.pick(fr, en)) }
    func command(_ text: String) { print("     $ jonction " + text) }

    func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    /// A folder standing for a USB stick.
    func stick(_ name: String) throws -> Mailbag {
        let url = folder.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return Mailbag(url)
    }

    /// `jonction export`: the bundle `from` writes for `to` on a stick.
    @discardableResult
    func carry(_ from: Replica, to: SiteName, on stick: Mailbag) throws -> URL {
        let sealed = try from.sealedBundle(for: to)!
        let bundle = sealed.bundle
        let url = try stick.write(sealed.bytes, name: Mailbag.fileName(for: bundle.header))
        command("export --db \(from.site).sqlite --to \(stick.folder.lastPathComponent) --for \(to)")
        say("     → \(stick.folder.lastPathComponent)/\(url.lastPathComponent) (\(bundle.changeCount) changement(s))",
            "     → \(stick.folder.lastPathComponent)/\(url.lastPathComponent) (\(bundle.changeCount) change(s))")
        return url
    }

    /// `jonction import` of a stick's folder.
    func receive(_ replica: Replica, _ stick: Mailbag) throws {
        command("import --db \(replica.site).sqlite \(stick.folder.lastPathComponent)")
        for outcome in try replica.importFiles([stick.folder]) {
            switch outcome.result {
            case .imported(let r):
                let ranges = r.apply.ranges.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value.lowerBound)–\($0.value.upperBound)" }
                say("     ✓ \(r.apply.applied) changement(s) fusionné(s) (\(lang.list(ranges)))\(r.apply.conflicts.isEmpty ? "" : ", \(r.apply.conflicts.count) conflit(s)")",
                    "     ✓ \(r.apply.applied) changes merged (\(lang.list(ranges)))\(r.apply.conflicts.isEmpty ? "" : ", \(r.apply.conflicts.count) conflict(s)")")
            case .replay:
                say("     = déjà importé : rien à faire", "     = already imported: nothing to do")
            case .notForUs(let header):
                say("     → \(outcome.url.lastPathComponent) laissé sur la clé pour \(header.addressee) : scellé pour lui, illisible ici",
                    "     → \(outcome.url.lastPathComponent) left on the stick for \(header.addressee): sealed to it, unreadable here")
            case .refused(let error):
                say("     ✗ \(outcome.url.lastPathComponent) refusé : \(error.message(lang))",
                    "     ✗ \(outcome.url.lastPathComponent) refused: \(error.message(lang))")
            }
        }
    }

    /// `jonction init` makes each site's keys; `jonction hub enroll --identity` registers an office's
    /// public keys and signs the roster; `jonction join` gives the office the roster.
    func enrol(_ offices: [Replica], at hub: Replica) throws {
        try LocalEnrolment.enrol(offices, at: hub)
        say("   Chaque site a ses clés (signature Ed25519, scellement X25519) ; le pôle inscrit celles des bureaux et signe la liste des sites, que chaque bureau reçoit avec son fichier d’adhésion.",
            "   Each site has its keys (Ed25519 signing, X25519 sealing); the hub enrols the offices' keys and signs the site roster, which each office gets with its join file.")
        command("hub enroll --db hub.sqlite kayes --identity \"jonction-site kayes …\"   puis   join --db kayes.sqlite adhesion-kayes.txt")
    }

    /// 9. Gao's laptop is stolen: revoked at the hub, its thief's sticks are refused everywhere the
    /// roster reaches, and what Gao sent before stays valid.
    func stolenLaptop(_ gao: Replica, hub: Replica, mopti: Replica) throws {
        say("\n9. Le portable de Gao est volé. Le pôle le révoque : la liste des sites le dit, signée par le pôle.",
            "\n9. Gao's laptop is stolen. The hub revokes it: the site roster says so, signed by the hub.")
        let hubKeys = try SiteKeys.read(from: hub.keyFilePath)
        try hub.write {
            try $0.revokeOffice(gao.site)
            try $0.publishRoster(hubKeys: hubKeys)
            try $0.put(table: "opportunity", id: "opp-01", fields: [("places", "5")])
        }
        command("hub revoke --db hub.sqlite gao")
        try gao.write { try $0.put(table: "candidate", id: "gao-c01", fields: [("phone", "+223 00 00 00 00")]) }
        say("   Le voleur modifie une fiche et prépare des clés pour le pôle et pour Mopti :",
            "   The thief edits a record and makes sticks for the hub and for Mopti:")
        let stolen = try stick("cle-9-voleur")
        try carry(gao, to: .hub, on: stolen)
        try carry(gao, to: SiteName("mopti"), on: stolen)
        try receive(hub, stolen)
        say("   Le pôle envoie à Mopti ses nouveautés, et avec elles la liste des sites :",
            "   The hub sends Mopti what is new, and with it the site roster:")
        let back = try stick("cle-9-pole-mopti")
        try carry(hub, to: SiteName("mopti"), on: back)
        try receive(mopti, back)
        try receive(mopti, stolen)
        let phone = try mopti.read { try $0.get(table: "candidate", id: "gao-c01") }.state[Schema.V1.candidate.phone]
        say("   Chez Mopti, la fiche gao-c01 n’a pas changé (\(phone.isNull ? "—" : phone.display)) ; ce que Gao avait envoyé avant le vol reste valable.",
            "   At Mopti, record gao-c01 did not change (\(phone.isNull ? "—" : phone.display)); what Gao sent before the theft stays valid.")
    }

    /// The sites among `replicas` whose files (the replica and its write-ahead log) hold `text`.
    func holders(of text: String, in replicas: [Replica]) throws -> [String] {
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        return try replicas.filter { replica in
            let name = URL(fileURLWithPath: replica.path).lastPathComponent
            return try files.filter { $0 == name || $0 == name + "-wal" }.contains { file in
                try Data(contentsOf: folder.appendingPathComponent(file)).range(of: Data(text.utf8)) != nil
            }
        }.map(\.site.rawValue)
    }

    /// 10. Personal data: a person without consent is counted, not named, outside their office; an
    /// erasure leaves no byte of a person in any replica it reaches.
    func privacy(hub: Replica, kayes: Replica, mopti: Replica) throws {
        let sites = [hub, kayes, mopti]
        say("\n10. Données personnelles. kayes-c11 n’a pas donné son consentement (consent=none) : son nom et son téléphone ne quittent pas Kayes.",
            "\n10. Personal data. kayes-c11 gave no consent (consent=none): their name and phone never leave Kayes.")
        let phone = try kayes.read { try $0.get(table: "candidate", id: "kayes-c11") }.state[Schema.V1.candidate.phone].display
        let counted = try hub.read { try $0.status() }.tables.first { $0.table == "candidate" }?.live ?? 0
        say("   Fichiers qui contiennent son téléphone : \(lang.list(try holders(of: phone, in: sites))). Le pôle compte pourtant chaque personne : \(counted) candidats.",
            "   Files holding their phone: \(lang.list(try holders(of: phone, in: sites))). Yet the hub counts every person: \(counted) candidates.")
        let person = try mopti.read { try $0.get(table: "candidate", id: "mopti-c07") }
        let name = person.state[Schema.V1.candidate.familyName].display
        let number = person.state[Schema.V1.candidate.phone].display
        say("   mopti-c07 (\(name)) demande l’effacement de ses données. Avant : son téléphone est chez \(lang.list(try holders(of: number, in: sites))).",
            "   mopti-c07 (\(name)) asks for their data to be erased. Before: their phone is at \(lang.list(try holders(of: number, in: sites))).")
        try mopti.write { _ = try $0.erase(table: "candidate", id: "mopti-c07") }
        command("erase --db mopti.sqlite candidate mopti-c07")
        let up = try stick("cle-10-mopti-pole")
        try carry(mopti, to: .hub, on: up)
        try receive(hub, up)
        let down = try stick("cle-10-pole-kayes")
        try carry(hub, to: kayes.site, on: down)
        try receive(kayes, down)
        let left = try holders(of: number, in: sites) + holders(of: name, in: sites)
        say(left.isEmpty
                ? "   Après un tour de clés, ni « \(name) » ni son téléphone ne sont plus dans aucun octet des réplicas de Kayes, de Mopti et du pôle (journal et WAL compris) ; « jonction log » ne garde que les dates. Le portable volé de Gao, hors d’atteinte, n’est pas concerné."
                : "   Attention : encore chez \(lang.list(left)).",
            left.isEmpty
                ? "   After one round of sticks, neither “\(name)” nor their phone is in any byte of the Kayes, Mopti and hub replicas (log and WAL included); “jonction log” keeps only the dates. Gao's stolen laptop, out of reach, is not concerned."
                : "   Warning: still at \(lang.list(left)).")
        if !left.isEmpty { throw DemoError.diverged }
    }

    func tell() throws {
        say("Jonction — démonstration : trois bureaux hors ligne, le pôle de Bamako, des clés USB.\nFichiers dans \(folder.path)\n",
            "Jonction — demonstration: three offline offices, the Bamako hub, USB sticks.\nFiles in \(folder.path)\n")

        // 1. The hub and the offices start on their own, offline.
        let hub = try Replica.create(at: path("hub.sqlite"), site: .hub)
        let kayes = try Replica.create(at: path("kayes.sqlite"), site: SiteName("kayes"))
        let mopti = try Replica.create(at: path("mopti.sqlite"), site: SiteName("mopti"))
        let gao = try Replica.create(at: path("gao.sqlite"), site: SiteName("gao"))
        defer { for r in [hub, kayes, mopti, gao] { try? r.close() } }
        try enrol([kayes, mopti, gao], at: hub)
        let offers = try hub.write { try $0.insert(dataset) { $0.table != "candidate" || $0.id.hasPrefix("bamako-") } }
        say("1. Le pôle crée son réplica et enregistre les employeurs du CNPM, les opportunités et les candidats de Bamako (\(offers) changements).",
            "1. The hub creates its replica and records the CNPM employers, the opportunities and the Bamako candidates (\(offers) changes).")
        for office in [kayes, mopti, gao] {
            let n = try office.write { try $0.insert(dataset) { $0.table == "candidate" && $0.id.hasPrefix("\(office.site)-") } }
            say("   Le bureau de \(office.site.rawValue.capitalized) enregistre ses candidats, sans réseau : \(n) changements dans son journal.",
                "   The \(office.site.rawValue.capitalized) office registers its candidates, offline: \(n) changes in its log.")
        }

        // 2. Kayes → Mopti → hub: a relay.
        say("\n2. Pas de route vers Bamako depuis Kayes cette semaine : un chauffeur emporte une clé jusqu’à Mopti.",
            "\n2. No road to Bamako from Kayes this week: a driver takes a stick to Mopti.")
        let stick1 = try stick("cle-1-kayes-mopti")
        try carry(kayes, to: SiteName("mopti"), on: stick1)
        try carry(kayes, to: .hub, on: stick1)
        let names = dataset.records.compactMap { record -> String? in
            guard record.table == "candidate", record.id.hasPrefix("kayes-"),
                case .text(let name)? = record.fields.first(where: { $0.0 == "family_name" })?.1 else { return nil }
            return name
        }
        let files = try stick1.files()
        let exposed = try files.contains { file in
            let bytes = try Mailbag.read(file)
            return names.contains { name in bytes.firstRange(of: Array(name.utf8)) != nil || file.lastPathComponent.contains(name) }
        }
        say("   Les paquets sont signés par Kayes et scellés pour leur destinataire : aucun des \(names.count) noms de ses candidats ne se lit sur la clé\(exposed ? " (SI : défaut !)" : "").",
            "   The bundles are signed by Kayes and sealed to their addressee: none of its \(names.count) candidates' names can be read on the stick\(exposed ? " (YES: a defect!)" : "").")
        if exposed { throw DemoError.diverged }
        try receive(mopti, stick1)
        say("   Mopti garde et fait suivre les changements de Kayes (relais), avec la signature de Kayes : sa clé pour le pôle les contient.",
            "   Mopti keeps and forwards Kayes's changes (relay), with Kayes's signature: its stick for the hub carries them.")
        let stick2 = try stick("cle-2-mopti-pole")
        try carry(mopti, to: .hub, on: stick2)
        try receive(hub, stick2)
        say("   La clé de Kayes arrive aussi au pôle, qui ouvre le paquet scellé pour lui :",
            "   Kayes's stick reaches the hub too, which opens the bundle sealed to it:")
        try receive(hub, stick1)

        // 3. Gao: a damaged copy is refused, the good one is taken.
        say("\n3. La clé de Gao est retirée pendant la copie : le paquet est tronqué.",
            "\n3. Gao's stick is pulled out during the copy: the bundle is truncated.")
        let stick3 = try stick("cle-3-gao-pole")
        let gaoFile = try carry(gao, to: .hub, on: stick3)
        let good = try Data(contentsOf: gaoFile)
        try good.prefix(good.count * 2 / 3).write(to: gaoFile)
        let before = try hub.read { try $0.vector() }
        try receive(hub, stick3)
        say("   Rien n’a changé au pôle (vecteur \(try hub.read { try $0.vector() } == before ? "identique" : "modifié !")). On recopie le paquet :",
            "   Nothing changed at the hub (vector \(try hub.read { try $0.vector() } == before ? "unchanged" : "changed!")). The bundle is copied again:")
        try good.write(to: gaoFile)
        try receive(hub, stick3)
        say("   La même clé importée une seconde fois :", "   The same stick imported a second time:")
        try receive(hub, stick3)

        // 4. The hub sends back what each office lacks.
        say("\n4. Le pôle prépare pour chaque bureau ce qui lui manque (accusé de réception compris).",
            "\n4. The hub prepares for each office what it lacks (acknowledgement included).")
        let back = try stick("cle-4-retour")
        for office in [kayes, mopti, gao] { try carry(hub, to: office.site, on: back) }
        for office in [kayes, mopti, gao] { try receive(office, back) }

        // 5. A concurrent edit of the same field.
        let id = "kayes-c05"
        say("\n5. Seydou Diallo (\(id)) est parti chercher du travail à Mopti. Le même jour, sans se voir :",
            "\n5. Seydou Diallo (\(id)) went to Mopti to look for work. The same day, without seeing each other:")
        try kayes.write { try $0.put(table: "candidate", id: id, fields: [("phone", "+223 77 58 10 99")]) }
        command("put --db kayes.sqlite candidate \(id) \"phone=+223 77 58 10 99\"     (Kayes, d’après sa famille)")
        Thread.sleep(forTimeInterval: 0.01)
        try mopti.write { try $0.put(table: "candidate", id: id, fields: [("phone", "+223 66 12 40 88"), ("commune", "Sévaré")]) }
        command("put --db mopti.sqlite candidate \(id) \"phone=+223 66 12 40 88\" commune=Sévaré     (Mopti, au guichet)")
        let stick5 = try stick("cle-5-vers-pole")
        try carry(kayes, to: .hub, on: stick5)
        try carry(mopti, to: .hub, on: stick5)
        try receive(hub, stick5)
        command("conflicts --db hub.sqlite")
        for recorded in try hub.read({ try $0.conflicts() }).prefix(1) {
            let c = recorded.conflict
            say("     \(c.table) \(c.id) · \(c.field) : retenu « \(c.winner.value?.display ?? "suppression") » (\(c.winner.stamp.site)), écarté « \(c.loser.value?.display ?? "") » (\(c.loser.stamp.site)) — la modification la plus récente l’emporte.",
                "     \(c.table) \(c.id) · \(c.field): kept “\(c.winner.value?.display ?? "delete")” (\(c.winner.stamp.site)), lost “\(c.loser.value?.display ?? "")” (\(c.loser.stamp.site)) — the latest change wins.")
        }
        try hub.write { try $0.put(table: "candidate", id: id, fields: [("phone", "+223 66 12 40 88"), ("notes", "Numéro confirmé par téléphone au pôle.")]) }
        say("   Le pôle appelle Seydou, confirme le numéro de Mopti et l’écrit : c’est désormais la valeur partout.",
            "   The hub calls Seydou, confirms Mopti's number and records it: it is now the value everywhere.")
        command("put --db hub.sqlite candidate \(id) \"phone=+223 66 12 40 88\" \"notes=Numéro confirmé…\"")

        // 6. The nightly round at the hub: the global matching.
        say("\n6. La nuit, au pôle, un tour de rapprochement propose à chaque candidat l’opportunité où il convient le mieux.",
            "\n6. At night, at the hub, a matching round proposes each candidate the opportunity where they fit best.")
        // The programme's shares: host-community youth and women, beside returnees and displaced
        // people, over all the round's places (each goes where it fits best); and one employer who
        // asked for half women on its site.
        let quotas = MatchQuotas(opportunities: ["opp-01": [MatchQuotas.Share(group: .sex("F"), minimum: 50)]],
                                 wholeRound: [MatchQuotas.Share(group: .origin("host_youth"), minimum: 30),
                                              MatchQuotas.Share(group: .sex("F"), minimum: 40)])
        command(#"match --db hub.sqlite --quotas parts.toml     # [whole_round] host_youth = 30, F = 40 ; [opportunities.opp-01] F = 50"#)
        let first = try MatchingRound(replica: hub, quotas: quotas).run()
        let report = MatchReport(first)
        for line in report.text(lang).split(separator: "\n").prefix(4) { print("     " + line) }
        say("   Une formation va d’abord à qui n’a pas encore ce qu’elle enseigne :",
            "   A training goes first to those who do not have what it teaches yet:")
        let trainings = Dictionary(grouping: first.result.proposals.filter { $0.opportunity.scoring == .training }, by: \.opportunity.id)
        for id in trainings.keys.sorted() {
            let group = trainings[id]!, o = group[0].opportunity
            let learners = group.filter { !$0.card.skillsToLearn.isEmpty }.count
            print(lang.pick("     \(o.title ?? id) (enseigne : \(o.teaches.joined(separator: ", "))) → \(group.map(\.candidate.id).joined(separator: ", ")) : \(learners) sur \(group.count) ne l’ont pas encore",
                            "     \(o.title ?? id) (teaches: \(o.teaches.joined(separator: ", "))) → \(group.map(\.candidate.id).joined(separator: ", ")): \(learners) of \(group.count) do not have it yet"))
        }
        if let example = first.result.proposals.first(where: { $0.opportunity.scoring == .training }) {
            print("     \(example.candidate.id) : " + example.card.reasons(lang, candidate: example.candidate, opportunity: example.opportunity))
        }
        let met = first.result.quotas.filter(\.isMet).count
        say("   Parts (30 % de jeunes des communautés hôtes et 40 % de femmes sur tout le tour, 50 % de femmes au chantier de Sévaré) : \(met) atteinte(s) sur \(first.result.quotas.count) :",
            "   Shares (30 % host-community youth and 40 % women over the whole round, 50 % women at the Sévaré site): \(met) met of \(first.result.quotas.count):")
        for q in first.result.quotas.filter({ $0.opportunity == nil }) + first.result.quotas.filter({ $0.opportunity != nil }) {
            print("     " + q.message(lang))
        }
        say("   Les propositions voyagent comme n’importe quel enregistrement, vers les bureaux.",
            "   Proposals travel like any other record, to the offices.")
        let back2 = try stick("cle-6-propositions")
        for office in [kayes, mopti, gao] {
            if let sealed = try hub.sealedBundle(for: office.site) {
                try back2.write(sealed.bytes, name: Mailbag.fileName(for: sealed.bundle.header))
            }
        }
        for office in [kayes, mopti, gao] { _ = try office.importFiles([back2.folder]) }
        let mine = try kayes.read { try $0.proposals(for: kayes.site) }
        command("proposals --db kayes.sqlite")
        for view in mine.prefix(2) {
            print("     \(view.id) : \(view.candidateName ?? view.candidateID) → \(view.opportunityTitle ?? view.opportunityID)\(view.employer.map { ", \($0)" } ?? "")")
            print("       \(view.reasons ?? "")")
        }

        // 7. The office answers; the answer flows back; the next round makes the placement.
        if let chosen = mine.first {
            try kayes.write { try $0.answer(proposal: chosen.id, accept: true) }
            command("accept --db kayes.sqlite \(chosen.id)")
            say("   \(chosen.candidateName ?? chosen.candidateID) est d’accord : Kayes accepte la proposition.",
                "   \(chosen.candidateName ?? chosen.candidateID) agrees: Kayes accepts the proposal.")
            let up = try stick("cle-7-reponse")
            try carry(kayes, to: .hub, on: up)
            try receive(hub, up)
            let second = try MatchingRound(replica: hub).run()
            say("\n7. Au tour suivant, la proposition acceptée devient un placement (\(second.newPlacements)) et sa place est comptée comme prise.",
                "\n7. At the next round, the accepted proposal becomes a placement (\(second.newPlacements)) and its place counts as taken.")
        }

        // 8. Final round of sticks and the proof.
        say("\n8. Dernier tour de clés : chaque bureau envoie au pôle, le pôle renvoie à chacun.",
            "\n8. Last round of sticks: every office sends to the hub, the hub sends back to each.")
        let stick6 = try stick("cle-8-tour-final")
        for office in [kayes, mopti, gao] {
            if let sealed = try office.sealedBundle(for: .hub) {
                try stick6.write(sealed.bytes, name: Mailbag.fileName(for: sealed.bundle.header))
            }
        }
        _ = try hub.importFiles([stick6.folder])
        for office in [kayes, mopti, gao] {
            if let sealed = try hub.sealedBundle(for: office.site) {
                try stick6.write(sealed.bytes, name: Mailbag.fileName(for: sealed.bundle.header))
            }
        }
        for office in [kayes, mopti, gao] { _ = try office.importFiles([stick6.folder]) }

        // What every site holds alike: the values a site withholds (consent=none) stay with it.
        let dumps = try [hub, kayes, mopti, gao].map { replica in try replica.read { try $0.dumpJSON(shared: true) } }
        let identical = Set(dumps).count == 1
        let counts = try hub.read { try $0.status() }.tables.filter { $0.live > 0 }.map { "\($0.live) \($0.table)" }
        if identical {
            say("\nLes quatre réplicas sont identiques (jonction dump donne les mêmes octets) : \(lang.list(counts)). Vecteur : \(try hub.read { try $0.vector() })",
                "\nThe four replicas are identical (jonction dump gives the same bytes): \(lang.list(counts)). Vector: \(try hub.read { try $0.vector() })")
        } else {
            throw DemoError.diverged
        }
        try stolenLaptop(gao, hub: hub, mopti: mopti)
        try privacy(hub: hub, kayes: kayes, mopti: mopti)
        say("À essayer : jonction status --db \(path("kayes.sqlite")) ; jonction conflicts --db \(path("hub.sqlite"))",
            "Try: jonction status --db \(path("kayes.sqlite")) ; jonction conflicts --db \(path("hub.sqlite"))")
    }
}

/// The demo's folder and data set.
enum DemoFolder {
    static let marker = ".jonction-demo"

    /// Creates the folder, or empties it if it holds an earlier demo; refuses any other non-empty folder.
    static func prepare(_ path: String) throws -> URL {
        let fm = FileManager.default
        let url = URL(fileURLWithPath: path).standardizedFileURL
        if fm.fileExists(atPath: url.path) {
            let contents = (try? fm.contentsOfDirectory(atPath: url.path)) ?? []
            guard contents.isEmpty || contents.contains(marker) else { throw DemoError.folderInUse(url.path) }
            try fm.removeItem(at: url)
        }
        try fm.createDirectory(at: url, withIntermediateDirectories: true)
        _ = fm.createFile(atPath: url.appendingPathComponent(marker).path, contents: Data("jonction demo\n".utf8))
        return url
    }

    static func locateFixtures(_ explicit: String?) throws -> URL {
        if let explicit { return URL(fileURLWithPath: explicit) }
        let candidates = [
            URL(fileURLWithPath: "Fixtures/dataset.json"),
            // The repository this binary was built from.
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("Fixtures/dataset.json"),
            // Installed by the Debian package (scripts/package-deb).
            URL(fileURLWithPath: "/usr/share/jonction/dataset.json"),
        ]
        guard let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0.path) }) else {
            throw DemoError.noFixtures
        }
        return found
    }
}

enum DemoError: Error, UserFacingError {
    case folderInUse(String)
    case noFixtures
    case diverged

    func message(_ lang: Lang) -> String {
        switch self {
        case .folderInUse(let path):
            return lang.pick(
                "Le dossier \(path) existe et contient autre chose qu’une démonstration : il n’a pas été touché. Choisissez un autre dossier avec --dir.",
                "The folder \(path) exists and holds something other than a demo: it was left untouched. Choose another folder with --dir.")
        case .noFixtures:
            return lang.pick(
                "Jeu de données introuvable : lancez la démonstration depuis le dépôt Jonction, ou indiquez --fixtures CHEMIN/dataset.json.",
                "Data set not found: run the demo from the Jonction repository, or give --fixtures PATH/dataset.json.")
        case .diverged:
            return lang.pick("Les réplicas de la démonstration diffèrent : c’est un défaut de Jonction, signalez-le.",
                             "The demo's replicas differ: this is a Jonction bug, please report it.")
        }
    }
}
