import ArgumentParser
import Foundation
import Jonction
import JonctionStore
import JonctionWeb
import Logging

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Ouvrir l’application du bureau (ou le tableau de bord du pôle) dans le navigateur.",
        discussion: """
            Sert des pages en français sur http://127.0.0.1:8080 (par défaut, ce poste seulement) : \
            rechercher et enregistrer les candidats, employeurs et opportunités, répondre aux propositions, \
            revoir les conflits, écrire et lire les clés USB, synchroniser ; au pôle, le tableau de bord. \
            Chacun se connecte avec son nom d’utilisateur du site et son mot de passe \
            (« jonction users password NOM ») ; au premier démarrage d’un site sans utilisateur, la page \
            crée l’administrateur. Les routes sont décrites dans le README.
            Exemple : jonction serve --db kayes.sqlite, puis ouvrir http://127.0.0.1:8080 dans le navigateur.
            """)

    @OptionGroup var options: CommonOptions

    @Option(help: "Adresse d’écoute (127.0.0.1 : ce poste seulement ; 0.0.0.0 : tout le réseau local, à éviter).")
    var host = "127.0.0.1"

    @Option(help: "Port d’écoute (0 : un port libre, affiché au démarrage).")
    var port = 8080

    @Option(help: "Au pôle : le dossier d’arrivée des clés, dont le tableau de bord liste les fichiers refusés.")
    var inbox: String?

    @Option(name: .customLong("log-level"), help: "Niveau du journal : debug, info, notice, warning, error.")
    var logLevel = "info"

    func run() async throws {
        let lang = options.language
        try await running(lang) {
            guard (0...65_535).contains(port) else { throw ValidationError(lang.pick("Port hors limites : de 0 à 65535.", "Port out of range: 0 to 65535.")) }
            let replica = try options.openReplica()
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = Logger.Level(rawValue: logLevel) ?? .info
                return handler
            }
            var logger = Logger(label: "jonction.web")
            logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
            if host != "127.0.0.1" && host != "localhost" && host != "::1" {
                printError(lang.pick(
                    "Attention : l’application est ouverte à d’autres postes (\(host)), sans chiffrement. Sur un ordinateur de bureau, gardez 127.0.0.1.",
                    "Warning: the application is open to other machines (\(host)), unencrypted. On an office laptop, keep 127.0.0.1."))
            }
            let host = self.host
            let environmentSticks = ProcessInfo.processInfo.environment["JONCTION_STICKS"].map {
                $0.split(separator: ":").map { URL(fileURLWithPath: String($0)) }
            }
            let web = OfficeWeb.Options(inbox: inbox.map { URL(fileURLWithPath: $0) }, stickRoots: environmentSticks)
            try await OfficeWeb.serve(replica: replica, host: host, port: port, options: web, logger: logger) { bound in
                let shown = host.contains(":") ? "[\(host)]" : host
                // Unbuffered: a launcher waits for this line on a pipe.
                FileHandle.standardOutput.write(Data((lang.pick("Application ouverte sur http://\(shown):\(bound)/ (Ctrl-C pour arrêter).",
                                                                "Application open at http://\(shown):\(bound)/ (Ctrl-C to stop).") + "\n").utf8))
            }
            try replica.close()
            printError(lang.pick("Application arrêtée proprement.", "Application stopped cleanly."))
        }
    }
}
