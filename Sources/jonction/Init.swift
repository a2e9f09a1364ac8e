import ArgumentParser
import Foundation
import Jonction
import JonctionBundle
import JonctionHub
import JonctionStore

struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Créer le réplica d’un site (un bureau, ou « hub » pour le pôle).",
        discussion: """
            Crée aussi les clés du site (signature Ed25519, accord X25519) dans un fichier à côté du réplica, \
            CHEMIN.cles, lisible par son seul propriétaire : jamais dans le réplica, jamais dans un paquet. \
            La ligne « jonction-site … » affichée est l’identité publique du site, à remettre au pôle pour \
            l’inscription (jonction hub enroll --identity). Un fichier existant n’est jamais écrasé.
            """)

    @OptionGroup var options: CommonOptions

    @Option(help: "Nom du site : 1 à 32 caractères a-z, 0-9, « - » (ex. kayes, mopti-2, hub).")
    var site: String

    @Option(help: "Réseau Jonction à rejoindre (identifiant affiché par « jonction status » sur le pôle). Facultatif : un bureau adopte le réseau du premier paquet qu’il importe ; le pôle en crée un.")
    var network: String?

    @Flag(help: "Nouveau poste pour un bureau qui existe déjà (ordinateur volé, disque mort) : aucune saisie n’est acceptée avant l’import de l’export complet du pôle, qui rend au réplica ses propres changements.")
    var restore = false

    @Flag(help: "Sortie JSON.")
    var json = false

    func run() throws {
        let lang = options.language
        try running(lang) {
            let name = try SiteName(site)
            if restore && name == .hub { throw CommandError.restoreAtHub }
            // The keys first (a new file only), then the replica; if the replica cannot be made, the
            // keys just written go too: nothing is left half-made.
            let keyPath = SiteKeys.defaultPath(forReplica: options.databasePath)
            let keys = SiteKeys.generate(for: name)
            if FileManager.default.fileExists(atPath: options.databasePath) {
                throw StoreError.replicaExists(path: options.databasePath)
            }
            try keys.write(to: keyPath)
            let replica: Replica
            do {
                replica = try Replica.create(at: options.databasePath, site: name, network: network, restoring: restore)
            } catch {
                unlink(keyPath)
                throw error
            }
            // The hub signs its first roster (itself only): offices enrolled later find it in their join file.
            if name == .hub { try replica.write { try $0.publishRoster(hubKeys: keys) } }
            let network = try replica.read { try $0.network() }
            try replica.close()
            let identity = keys.identity
            if json {
                var out = CanonicalJSON()
                out.beginObject()
                out.key("network")
                if let network { out.string(network) } else { out.null() }
                out.key("fingerprint"); out.string(identity.fingerprint)
                out.key("identity"); out.string(identity.line)
                out.key("keys"); out.string(keyPath)
                out.key("path"); out.string(options.databasePath)
                out.key("restoring"); out.bool(restore)
                out.key("site"); out.string(name.rawValue)
                out.endObject()
                print(out.output)
            } else {
                print(lang.pick("Réplica créé : \(options.databasePath) (site \(name)).",
                                "Replica created: \(options.databasePath) (site \(name))."))
                print(lang.pick("Clés du site : \(keyPath) (privé : ne le copiez jamais, sauvegardez-le à part).",
                                "Site keys: \(keyPath) (private: never copy it around, back it up separately)."))
                print(lang.pick("Empreinte : \(identity.fingerprint) (à comparer avec celle que lira le pôle)",
                                "Fingerprint: \(identity.fingerprint) (to compare with the one the hub reads)"))
                print(lang.pick("Identité publique, à remettre au pôle pour l’inscription :",
                                "Public identity, to give to the hub for enrolment:"))
                print(identity.line)
                if restore {
                    print(lang.pick(
                        "Avant toute saisie, importez l’export complet du pôle (au pôle : jonction export --db pole.sqlite --to DOSSIER --for \(name) --full ; ici : jonction import --db \(options.databasePath) DOSSIER).",
                        "Before any entry, import the hub's full export (at the hub: jonction export --db hub.sqlite --to FOLDER --for \(name) --full; here: jonction import --db \(options.databasePath) FOLDER)."))
                }
            }
        }
    }
}
