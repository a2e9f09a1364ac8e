import ArgumentParser
import Jonction
import JonctionBundle
import JonctionHub
import JonctionStore

struct HubRevoke: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke",
        abstract: "Révoquer un bureau (poste perdu ou volé) : son jeton ne permet plus de synchroniser, et la liste des sites le dit : ses paquets écrits ensuite sont refusés partout.")

    @OptionGroup var options: CommonOptions

    @Argument(help: "Nom du site du bureau.")
    var site: String

    func run() throws {
        let lang = options.language
        try running(lang) {
            let name = try SiteName(site)
            let replica = try options.openHub()
            defer { try? replica.close() }
            let hubKeys = try SiteKeys.read(from: replica.keyFilePath)
            try replica.write {
                try $0.revokeOffice(name)
                // The roster says so from now on: in every bundle and every sync, the revoked
                // office's later changes are refused everywhere.
                try $0.publishRoster(hubKeys: hubKeys)
            }
            print(lang.pick("Bureau \(name) révoqué : son jeton est refusé désormais, et la liste des sites le dit à chaque bureau (ses paquets écrits après sont refusés partout). Pour le réinscrire : jonction hub enroll \(name) --identity …",
                            "Office \(name) revoked: its token is now refused, and the site roster tells every office (its bundles written afterwards are refused everywhere). To enroll it again: jonction hub enroll \(name) --identity …"))
        }
    }
}
