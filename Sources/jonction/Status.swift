import ArgumentParser
import Jonction
import JonctionBundle
import JonctionStore

/// What the replica's roster says of the network and of this site (protocol.md §7), for `status`.
struct RosterStanding {
    enum Keys: String { case match, different, missing }
    var roster: Roster?
    /// Listed active, listed revoked, or absent (nil roster: not joined).
    var listed: Bool
    var revoked: Bool
    var keys: Keys

    init(_ replica: Replica) throws {
        roster = try replica.read { try $0.roster() }?.roster
        listed = roster?.lists(replica.site) ?? false
        revoked = roster?.entry(of: replica.site).map { !$0.isActive } ?? false
        if let own = try? SiteKeys.read(from: replica.keyFilePath) {
            keys = roster?.lists(own) ?? false ? .match : .different
        } else {
            keys = .missing
        }
    }
}

struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "L’état du réplica : site, vecteur de versions, nombres d’enregistrements, pairs, horloges.")

    @OptionGroup var options: CommonOptions

    @Flag(help: "Sortie JSON.")
    var json = false

    func run() throws {
        let lang = options.language
        try options.withReplica(.readOnly) { replica in
            let s = try replica.read { try $0.status() }
            let standing = try RosterStanding(replica)
            if json {
                printJSON(s, standing)
                return
            }
            print(lang.pick("Réplica       : \(s.path)", "Replica       : \(s.path)"))
            print(lang.pick("Site          : \(s.site) (schéma v\(s.schemaVersion), créé le \(HLC(millis: s.createdAt).frenchDate))",
                            "Site          : \(s.site) (schema v\(s.schemaVersion), created \(HLC(millis: s.createdAt).englishDate))"))
            print(lang.pick("Réseau        : \(s.network ?? "(pas encore : adopté au premier paquet importé)")",
                            "Network       : \(s.network ?? "(none yet: adopted from the first bundle imported)")"))
            print(lang.pick("Horloge (HLC) : \(s.clock)", "Clock (HLC)   : \(s.clock)"))
            if s.restoring {
                print(lang.pick(
                    "Restauration  : en attente de l’export complet du pôle (aucune saisie avant de l’avoir importé)",
                    "Restoring     : waiting for the hub's full export (no entry before it is imported)"))
            }
            let vector = s.vector.sorted.map { "\($0.site):\($0.seq)" }.joined(separator: ", ")
            print(lang.pick("Vecteur       : \(vector.isEmpty ? "(vide)" : vector) — \(s.vector.total) changement(s), \(s.logSegments) segment(s) de journal",
                            "Vector        : \(vector.isEmpty ? "(empty)" : vector) — \(s.vector.total) change(s), \(s.logSegments) log segment(s)"))
            print(lang.pick("Enregistrements :", "Records:"))
            for t in s.tables {
                let deleted = t.deleted > 0 ? lang.pick(" (+\(t.deleted) supprimés)", " (+\(t.deleted) deleted)") : ""
                print("  " + t.table.padding(toLength: 12, withPad: " ", startingAt: 0) + " \(t.live)\(deleted)")
            }
            print(lang.pick("Conflits      : \(s.conflicts)", "Conflicts     : \(s.conflicts)"))
            if s.erased > 0 || s.withheldValues > 0 {
                print(lang.pick(
                    "Vie privée    : \(s.erased) fiche(s) effacée(s) ; \(s.withheldValues) valeur(s) identifiante(s) gardée(s) ici (consent=none)",
                    "Privacy       : \(s.erased) record(s) erased; \(s.withheldValues) identifying value(s) kept here (consent=none)"))
            }
            if s.peers.isEmpty {
                print(lang.pick("Pairs         : aucun échange pour l’instant", "Peers         : no exchange yet"))
            } else {
                print(lang.pick("Pairs (dernier vecteur accusé) :", "Peers (last acknowledged vector):"))
                for p in s.peers {
                    let ack = p.acknowledged.sorted.map { "\($0.site):\($0.seq)" }.joined(separator: ", ")
                    print(lang.pick("  \(p.site) — contact le \(HLC(millis: p.lastContact).frenchDate) ; \(ack)",
                                    "  \(p.site) — contact \(HLC(millis: p.lastContact).englishDate); \(ack)"))
                }
            }
            if let roster = standing.roster {
                let revoked = roster.offices.filter { !$0.isActive }.count
                let me = standing.revoked ? lang.pick("révoqué", "revoked") : standing.listed ? lang.pick("inscrit", "enrolled")
                    : lang.pick("absent de la liste", "not in the roster")
                let keys = [RosterStanding.Keys.match: lang.pick("clés conformes", "keys match"),
                            .different: lang.pick("clés DIFFÉRENTES", "keys DIFFER"), .missing: lang.pick("fichier de clés absent", "key file missing")][standing.keys]!
                print(lang.pick(
                    "Liste des sites : du \(HLC(millis: roster.issuedAt).frenchDate), \(roster.offices.count) bureau(x) dont \(revoked) révoqué(s) ; ce site : \(me), \(keys)",
                    "Site roster   : of \(HLC(millis: roster.issuedAt).englishDate), \(roster.offices.count) office(s), \(revoked) revoked; this site: \(me), \(keys)"))
                if standing.keys != .match || standing.revoked {
                    printError(lang.pick("Attention : ", "Warning: ") + (standing.revoked
                        ? BundleError.revokedSender(s.site).message(lang) : BundleError.keysNotEnrolled(s.site).message(lang)))
                }
            } else {
                print(lang.pick("Liste des sites : aucune (ce poste n’a pas rejoint le réseau : jonction join)",
                                "Site roster   : none (this machine has not joined the network: jonction join)"))
            }
            if s.clockVerdict != .trusted {
                printError(lang.pick("Attention : ", "Warning: ") + StoreError.clockDoubtful(s.clockVerdict).message(lang))
            }
        }
    }

    private func printJSON(_ s: ReplicaStatus, _ standing: RosterStanding) {
        var out = CanonicalJSON()
        out.beginObject()
        out.key("clock"); out.integer(s.clock.rawValue)
        out.key("clock_verdict")
        switch s.clockVerdict {
        case .trusted: out.string("trusted")
        case .behindOwnClock: out.string("behind_own_clock")
        case .farAhead: out.string("far_ahead")
        }
        out.key("conflicts"); out.integer(s.conflicts)
        out.key("created_at"); out.string(HLC.iso8601(millis: s.createdAt))
        out.key("erased"); out.integer(s.erased)
        out.key("log_segments"); out.integer(s.logSegments)
        out.key("network")
        if let network = s.network { out.string(network) } else { out.null() }
        out.key("path"); out.string(s.path)
        out.key("peers")
        out.beginArray()
        for p in s.peers {
            out.beginObject()
            out.key("acknowledged"); out.vector(p.acknowledged)
            out.key("last_contact"); out.string(HLC.iso8601(millis: p.lastContact))
            out.key("site"); out.string(p.site.rawValue)
            out.endObject()
        }
        out.endArray()
        out.key("restoring"); out.bool(s.restoring)
        out.key("roster")
        if let roster = standing.roster {
            out.beginObject()
            out.key("issued_at"); out.string(HLC.iso8601(millis: roster.issuedAt))
            out.key("keys"); out.string(standing.keys.rawValue)
            out.key("offices"); out.integer(roster.offices.count)
            out.key("revoked"); out.integer(roster.offices.filter { !$0.isActive }.count)
            out.key("site_listed"); out.bool(standing.listed)
            out.key("site_revoked"); out.bool(standing.revoked)
            out.endObject()
        } else {
            out.null()
        }
        out.key("schema_version"); out.integer(s.schemaVersion)
        out.key("site"); out.string(s.site.rawValue)
        out.key("tables")
        out.beginObject()
        for t in s.tables.sorted(by: { CanonicalJSON.precedes($0.table, $1.table) }) {
            out.key(t.table)
            out.beginObject()
            out.key("deleted"); out.integer(t.deleted)
            out.key("live"); out.integer(t.live)
            out.endObject()
        }
        out.endObject()
        out.key("vector"); out.vector(s.vector)
        out.key("withheld_values"); out.integer(s.withheldValues)
        out.endObject()
        print(out.output)
    }
}
