import ArgumentParser
import Jonction
import JonctionHub
import JonctionStore

struct HubEnroll: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enroll",
        abstract: "Inscrire un bureau au pôle ; son jeton d’accès est la dernière ligne affichée.",
        discussion: """
            Inscrivez aussi les bureaux qui n’échangent que par clé USB : la fusion nocturne refuse les paquets \
            d’un site non inscrit ou révoqué. Le jeton ne sert qu’en HTTP ; il n’est affiché qu’une fois : le \
            pôle n’en garde qu’une empreinte (SHA-256).
            """)

    @OptionGroup var options: CommonOptions

    @Argument(help: "Nom du site du bureau (ex. kayes).")
    var site: String

    func run() throws {
        let lang = options.language
        try running(lang) {
            let name = try SiteName(site)
            guard name != .hub else { throw SchemaError.invalidSiteName(site) }
            let replica = try options.openHub()
            defer { try? replica.close() }
            let token = AccessToken.generate()
            try replica.write { try $0.enrollOffice(name, tokenSHA256: token.sha256) }
            print(lang.pick("Bureau \(name) inscrit au pôle. Donnez-lui ce jeton, à garder secret (il ne sera plus affiché) :",
                            "Office \(name) enrolled at the hub. Give it this token, to be kept secret (it will not be shown again):"))
            print(token.text)
        }
    }
}
