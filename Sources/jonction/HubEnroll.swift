import ArgumentParser
import Foundation
import Jonction
import JonctionBundle
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

    @Option(help: "Identité publique du bureau : la ligne « jonction-site … » affichée par « jonction init » sur son poste, ou le chemin d’un fichier qui la contient.")
    var identity: String?

    func run() throws {
        let lang = options.language
        try running(lang) {
            let name = try SiteName(site)
            guard name != .hub else { throw SchemaError.invalidSiteName(site) }
            let replica = try options.openHub()
            defer { try? replica.close() }
            let token = AccessToken.generate()
            let officeIdentity = try identity.map { try HubEnroll.readIdentity($0) }
            try replica.write { try $0.enrollOffice(name, tokenSHA256: token.sha256, identity: officeIdentity) }
            if let officeIdentity {
                print(lang.pick("Clés du bureau enregistrées, empreinte \(officeIdentity.fingerprint) : comparez-la avec celle que le bureau lit sur son poste.",
                                "Office keys recorded, fingerprint \(officeIdentity.fingerprint): compare it with the one the office reads on its machine."))
            }
            print(lang.pick("Bureau \(name) inscrit au pôle. Donnez-lui ce jeton, à garder secret (il ne sera plus affiché) :",
                            "Office \(name) enrolled at the hub. Give it this token, to be kept secret (it will not be shown again):"))
            print(token.text)
        }
    }

    /// The identity line itself, or a file holding it.
    static func readIdentity(_ text: String) throws -> SiteIdentity {
        if let identity = SiteIdentity(line: text) { return identity }
        if let data = FileManager.default.contents(atPath: text), data.count < 4096,
            let line = String(data: data, encoding: .utf8)?.split(separator: "\n").first(where: { $0.hasPrefix("jonction-site ") }),
            let identity = SiteIdentity(line: String(line))
        {
            return identity
        }
        throw CommandError.invalidIdentity(text)
    }
}
