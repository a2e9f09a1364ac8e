import ArgumentParser
import Jonction
import JonctionHub
import JonctionStore

struct HubRevoke: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke",
        abstract: "Révoquer un bureau : son jeton ne permet plus de synchroniser (poste perdu ou volé).")

    @OptionGroup var options: CommonOptions

    @Argument(help: "Nom du site du bureau.")
    var site: String

    func run() throws {
        let lang = options.language
        try running(lang) {
            let name = try SiteName(site)
            let replica = try options.openHub()
            defer { try? replica.close() }
            try replica.write { try $0.revokeOffice(name) }
            print(lang.pick("Bureau \(name) révoqué : son jeton est refusé désormais. Pour le réinscrire : jonction hub enroll \(name)",
                            "Office \(name) revoked: its token is now refused. To enroll it again: jonction hub enroll \(name)"))
        }
    }
}
