import ArgumentParser
import Jonction
import JonctionBundle
import JonctionHub
import JonctionStore

struct HubSites: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sites",
        abstract: "Les bureaux connus du pôle : inscription, dernier contact, dernier vecteur accusé.")

    @OptionGroup var options: CommonOptions

    @Flag(help: "Sortie JSON.")
    var json = false

    func run() throws {
        let lang = options.language
        try options.withHub(.readOnly) { replica in
            let offices = Dictionary(uniqueKeysWithValues: try replica.read { try $0.offices() }.map { ($0.site, $0) })
            let peers = Dictionary(uniqueKeysWithValues: try replica.read { try $0.status() }.peers.map { ($0.site, $0) })
            let sites = Set(offices.keys).union(peers.keys).sorted()
            // What each office serving regions would hold (a partial replica, protocol.md §2.6).
            let facts = try replica.read { try $0.scopeFacts() }
            func scope(_ site: SiteName) -> (people: Int, records: Int)? {
                guard let regions = offices[site]?.regions, !regions.isEmpty else { return nil }
                let keys = Scope(office: site, regions: Set(regions)).records(facts)
                return (keys.filter { $0.table == Schema.V1.candidate.table }.count, keys.count)
            }
            if json {
                var out = CanonicalJSON()
                out.beginArray()
                for site in sites {
                    let office = offices[site], peer = peers[site]
                    out.beginObject()
                    out.key("acknowledged"); out.vector(peer?.acknowledged ?? VersionVector())
                    out.key("enrolled_at")
                    if let t = office?.enrolledAt { out.string(HLC.iso8601(millis: t)) } else { out.null() }
                    out.key("fingerprint")
                    if let f = office?.identity?.fingerprint { out.string(f) } else { out.null() }
                    out.key("last_contact")
                    let contact = [office?.lastContact, peer?.lastContact].compactMap { $0 }.max()
                    if let contact { out.string(HLC.iso8601(millis: contact)) } else { out.null() }
                    out.key("regions"); out.beginArray(); (office?.regions ?? []).forEach { out.string($0) }; out.endArray()
                    out.key("scope_candidates")
                    if let s = scope(site) { out.integer(s.people) } else { out.null() }
                    out.key("site"); out.string(site.rawValue)
                    out.key("state"); out.string(office == nil ? "seen" : office!.isActive ? "enrolled" : "revoked")
                    out.endObject()
                }
                out.endArray()
                print(out.output)
                return
            }
            if sites.isEmpty {
                print(lang.pick("Aucun bureau : « jonction hub enroll SITE » en inscrit un.", "No office: “jonction hub enroll SITE” enrolls one."))
                return
            }
            for site in sites {
                let office = offices[site], peer = peers[site]
                let state = office == nil ? lang.pick("vu dans un paquet, non inscrit", "seen in a bundle, not enrolled")
                    : office!.isActive ? lang.pick("inscrit", "enrolled") : lang.pick("révoqué", "revoked")
                let contact = [office?.lastContact, peer?.lastContact].compactMap { $0 }.max()
                let when = contact.map { lang.pick("dernier contact le \(HLC(millis: $0).frenchDate)", "last contact \(HLC(millis: $0).englishDate)") }
                    ?? lang.pick("jamais en contact", "never in contact")
                let ack = (peer?.acknowledged ?? VersionVector()).sorted.map { "\($0.site):\($0.seq)" }.joined(separator: ", ")
                let keys = office.map { $0.identity.map { lang.pick(", clés \($0.fingerprint)", ", keys \($0.fingerprint)") }
                    ?? lang.pick(", sans clés", ", no keys") } ?? ""
                print("\(site.rawValue.padding(toLength: 14, withPad: " ", startingAt: 0)) \(state)\(keys) — \(when)")
                if let regions = office?.regions, !regions.isEmpty {
                    print(lang.pick("               régions : \(lang.list(regions))", "               regions: \(lang.list(regions))"))
                    if let s = scope(site) {
                        print(lang.pick("               périmètre : \(s.people) personne(s) sur \(facts.candidates.count)",
                                        "               scope: \(s.people) person(s) of \(facts.candidates.count)"))
                    }
                }
                if !ack.isEmpty { print(lang.pick("               accusé : \(ack)", "               acknowledged: \(ack)")) }
            }
        }
    }
}
