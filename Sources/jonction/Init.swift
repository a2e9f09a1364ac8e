import ArgumentParser
import Jonction
import JonctionStore

struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Créer le réplica d’un site (un bureau, ou « hub » pour le pôle).",
        discussion: "Un fichier existant n’est jamais écrasé.")

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
            let replica = try Replica.create(at: options.databasePath, site: name, network: network, restoring: restore)
            let network = try replica.read { try $0.network() }
            try replica.close()
            if json {
                var out = CanonicalJSON()
                out.beginObject()
                out.key("network")
                if let network { out.string(network) } else { out.null() }
                out.key("path"); out.string(options.databasePath)
                out.key("restoring"); out.bool(restore)
                out.key("site"); out.string(name.rawValue)
                out.endObject()
                print(out.output)
            } else {
                print(lang.pick("Réplica créé : \(options.databasePath) (site \(name)).",
                                "Replica created: \(options.databasePath) (site \(name))."))
                if restore {
                    print(lang.pick(
                        "Avant toute saisie, importez l’export complet du pôle (au pôle : jonction export --db pole.sqlite --to DOSSIER --for \(name) --full ; ici : jonction import --db \(options.databasePath) DOSSIER).",
                        "Before any entry, import the hub's full export (at the hub: jonction export --db hub.sqlite --to FOLDER --for \(name) --full; here: jonction import --db \(options.databasePath) FOLDER)."))
                }
            }
        }
    }
}
