import ArgumentParser
import Foundation
import Jonction
import JonctionBundle
import JonctionHub
import JonctionStore

struct HubEnroll: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enroll",
        abstract: "Inscrire un bureau au pôle et écrire son fichier d’adhésion, à porter au bureau sur une clé.",
        discussion: """
            Inscrivez aussi les bureaux qui n’échangent que par clé USB : la fusion nocturne refuse les paquets \
            d’un site non inscrit ou révoqué. Le fichier d’adhésion (par défaut adhesion-SITE.txt, jamais \
            écrasé) contient le réseau, l’identité du pôle et, avec --hub-url, l’adresse du pôle et le jeton \
            d’accès du bureau : portez-le au bureau sur une clé (jamais par messagerie), où « jonction join » \
            le prend, puis effacez-le. Le jeton n’est affiché qu’avec --print-token ; le pôle n’en garde \
            qu’une empreinte (SHA-256).
            """)

    @OptionGroup var options: CommonOptions

    @Argument(help: "Nom du site du bureau (ex. kayes).")
    var site: String

    @Option(help: "Identité publique du bureau : la ligne « jonction-site … » affichée par « jonction init » sur son poste, ou le chemin d’un fichier qui la contient.")
    var identity: String?

    @Option(name: .customLong("region"), help: "Région que le bureau sert (à répéter : --region Kayes --region Koulikoro) ; « jonction hub scope » la change ensuite.")
    var regions: [String] = []

    // The join file (issue 12).
    @Option(name: .customLong("join-file"), help: "Où écrire le fichier d’adhésion (par défaut adhesion-SITE.txt ici) ; un fichier existant n’est jamais écrasé.")
    var joinFile: String?

    @Option(name: .customLong("hub-url"), help: "Adresse où le bureau synchronisera, ex. https://pole.example.org:8443. Sans elle (bureau à clés USB), le fichier ne contient pas de jeton.")
    var hubURL: String?

    @Flag(name: .customLong("print-token"), help: "Afficher aussi le jeton d’accès sur la dernière ligne (pour un script).")
    var printToken = false

    func run() throws {
        let lang = options.language
        try running(lang) {
            let name = try SiteName(site)
            guard name != .hub else { throw SchemaError.invalidSiteName(site) }
            let replica = try options.openHub()
            defer { try? replica.close() }
            let token = AccessToken.generate()
            let officeIdentity = try identity.map { try HubEnroll.readIdentity($0) }
            let served = try HubScope.normalized(regions)
            var (join, path) = try joinFile(for: name, token: token, replica)
            let hubKeys = try SiteKeys.read(from: replica.keyFilePath)
            var written = false
            do {
                try replica.write {
                    try $0.enrollOffice(name, tokenSHA256: token.sha256, identity: officeIdentity)
                    try $0.setRegions(served, of: name)
                    // The roster with the new office, signed; the join file carries it.
                    join.roster = try $0.publishRoster(hubKeys: hubKeys)
                    // Last: a file that cannot be written undoes the enrolment.
                    try join.write(to: path)
                    written = true
                }
            } catch {
                if written { unlink(path) }
                throw error
            }
            print(lang.pick("Bureau \(name) inscrit au pôle.", "Office \(name) enrolled at the hub."))
            if !served.isEmpty {
                print(lang.pick("Régions servies : \(lang.list(served))", "Regions served: \(lang.list(served))"))
            }
            if let officeIdentity {
                print(lang.pick("Clés du bureau enregistrées, empreinte \(officeIdentity.fingerprint) : comparez-la avec celle que le bureau lit sur son poste.",
                                "Office keys recorded, fingerprint \(officeIdentity.fingerprint): compare it with the one the office reads on its machine."))
            } else {
                printError(lang.pick(
                    "Attention : bureau inscrit sans ses clés (--identity). Il ne peut ni recevoir ni envoyer de paquet signé : seul l’ancien format, non signé, est lu de lui jusqu’au 30 juin 2027. Révoquez-le puis réinscrivez-le avec l’identité que « jonction keys » affiche sur son poste.",
                    "Warning: office enrolled without its keys (--identity). It can neither receive nor send signed bundles: only the old, unsigned format is read from it, until 30 June 2027. Revoke it, then enrol it again with the identity “jonction keys” shows on its machine."))
            }
            printJoinFile(join, at: path, lang)
            if printToken { print(token.text) }
        }
    }
}

// MARK: The join file (issue 12)

extension HubEnroll {
    /// The join file for `site`, and where it goes; checks everything before anything is written: the
    /// address, a free path, the hub's key file and network.
    func joinFile(for site: SiteName, token: AccessToken, _ replica: Replica) throws -> (JoinFile, String) {
        var url: URL? = nil
        if let hubURL {
            guard let u = URL(string: hubURL), let scheme = u.scheme, ["http", "https"].contains(scheme), u.host != nil else {
                throw SyncError.invalidURL(hubURL)
            }
            url = u
        }
        let path = joinFile ?? "adhesion-\(site).txt"
        if FileManager.default.fileExists(atPath: path) { throw JoinFileError.exists(path: path) }
        let keyPath = SiteKeys.defaultPath(forReplica: options.databasePath)
        let keys = try SiteKeys.read(from: keyPath)
        guard keys.site == .hub else { throw KeyFileError.damaged(path: keyPath) }
        guard let network = try replica.read({ try $0.network() }) else { throw CommandError.hubWithoutNetwork }
        return (JoinFile(site: site, network: network, hub: keys.identity, hubURL: url, token: url == nil ? nil : token), path)
    }

    func printJoinFile(_ join: JoinFile, at path: String, _ lang: Lang) {
        if join.token != nil {
            print(lang.pick("Fichier d’adhésion écrit : \(path) (lisible par ce compte seulement : il contient le jeton d’accès du bureau).",
                            "Join file written: \(path) (readable by this account only: it holds the office's access token)."))
        } else {
            print(lang.pick("Fichier d’adhésion écrit : \(path) (sans adresse ni jeton : bureau à clés USB ; --hub-url les y met).",
                            "Join file written: \(path) (no address nor token: a USB-stick office; --hub-url puts them in)."))
        }
        print(lang.pick(
            "Portez-le au bureau sur une clé USB (jamais par messagerie) ; là-bas : jonction join --db \(join.site).sqlite \((path as NSString).lastPathComponent). Effacez-le ensuite, ici et sur la clé.",
            "Carry it to the office on a USB stick (never by message); there: jonction join --db \(join.site).sqlite \((path as NSString).lastPathComponent). Then delete it, here and on the stick."))
        print(lang.pick("Empreinte du pôle : \(join.hub.fingerprint) (à lire au bureau, qui doit voir la même)",
                        "Hub fingerprint: \(join.hub.fingerprint) (to read to the office, which must see the same)"))
        if join.hubURL?.scheme == "http" {
            printError(lang.pick(
                "Attention : avec une adresse http://, le jeton circule en clair sur le réseau. Préférez https:// (jonction hub serve --tls-certificate, ou un proxy inverse : voir le README).",
                "Warning: with an http:// address, the token travels in clear over the network. Prefer https:// (jonction hub serve --tls-certificate, or a reverse proxy: see the README)."))
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
