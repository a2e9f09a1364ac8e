import ArgumentParser
import Foundation
import Jonction
import JonctionBundle
import JonctionHub
import JonctionStore

struct HubRoster: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "roster",
        abstract: "Écrire la liste des sites signée par le pôle : bureaux, clés publiques, révocations.",
        discussion: """
            La liste est signée avec la clé du pôle (fichier CHEMIN.cles à côté de son réplica) ; chaque bureau \
            la vérifie avec l’identité du pôle reçue à son inscription. Seuls les bureaux inscrits avec leur \
            identité (hub enroll --identity) y figurent. Sans --out, affiche son contenu (ne modifie rien).
            """)

    @OptionGroup var options: CommonOptions

    @Option(help: "Fichier où écrire la liste signée (jamais écrasé).")
    var out: String?

    @Flag(help: "Sortie JSON.")
    var json = false

    func run() throws {
        let lang = options.language
        try options.withHub(.readOnly) { replica in
            let keys = try SiteKeys.read(from: SiteKeys.defaultPath(forReplica: options.databasePath))
            // The roster the hub published last (at each enrolment or revocation): the one its
            // bundles carry. A hub made before format 2 has none yet: signed from the register.
            let published = try replica.read { try $0.roster() }
            let roster = try published?.roster ?? replica.read { try $0.roster(hub: keys.identity) }
            if let out {
                let bytes = try published?.bytes ?? roster.signed(with: keys)
                // Public: readable by all; never over an existing file.
                do { try OwnedFile.create(out, bytes, mode: 0o644) } catch OwnedFile.Failure.exists {
                    throw JoinFileError.exists(path: out)
                } catch {
                    throw JoinFileError.unwritable(path: out)
                }
            }
            if json {
                var o = CanonicalJSON()
                o.beginObject()
                o.key("hub"); o.string(roster.hub.fingerprint)
                o.key("issued_at"); o.string(HLC.iso8601(millis: roster.issuedAt))
                o.key("network"); o.string(roster.network)
                o.key("offices")
                o.beginArray()
                for entry in roster.offices {
                    o.beginObject()
                    o.key("enrolled_at"); o.string(HLC.iso8601(millis: entry.enrolledAt))
                    o.key("fingerprint"); o.string(entry.identity.fingerprint)
                    o.key("revoked_at")
                    if let t = entry.revokedAt { o.string(HLC.iso8601(millis: t)) } else { o.null() }
                    o.key("site"); o.string(entry.site.rawValue)
                    o.endObject()
                }
                o.endArray()
                o.endObject()
                print(o.output)
                return
            }
            print(lang.pick("Liste des sites du réseau \(roster.network.prefix(8))…, pôle \(roster.hub.fingerprint) :",
                            "Site roster of network \(roster.network.prefix(8))…, hub \(roster.hub.fingerprint):"))
            for entry in roster.offices {
                let state = entry.revokedAt.map { lang.pick("révoqué le \(HLC(millis: $0).frenchDate)", "revoked \(HLC(millis: $0).englishDate)") }
                    ?? lang.pick("actif", "active")
                print("  \(entry.site.rawValue.padding(toLength: 14, withPad: " ", startingAt: 0)) \(entry.identity.fingerprint)  \(state)")
            }
            if let out {
                print(lang.pick("Liste signée écrite : \(out)", "Signed roster written: \(out)"))
            }
        }
    }
}
