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

    @Flag(help: "Sortie JSON.")
    var json = false

    func run() throws {
        let lang = options.language
        try running(lang) {
            let name = try SiteName(site)
            let replica = try Replica.create(at: options.databasePath, site: name, network: network)
            let network = try replica.read { try $0.network() }
            try replica.close()
            if json {
                var out = CanonicalJSON()
                out.beginObject()
                out.key("network")
                if let network { out.string(network) } else { out.null() }
                out.key("path"); out.string(options.databasePath)
                out.key("site"); out.string(name.rawValue)
                out.endObject()
                print(out.output)
            } else {
                print(lang.pick("Réplica créé : \(options.databasePath) (site \(name)).",
                                "Replica created: \(options.databasePath) (site \(name))."))
            }
        }
    }
}
