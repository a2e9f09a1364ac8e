import ArgumentParser
import Foundation
import Jonction
import JonctionHub
import JonctionStore
import Logging

struct HubServe: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Servir le pôle en HTTP pour les bureaux qui ont du réseau (API : protocol.md §6).",
        discussion: "SIGTERM ou Ctrl-C : les requêtes en cours se terminent, puis le serveur s’arrête. Journal sur stderr, sans donnée personnelle.")

    @OptionGroup var options: CommonOptions

    @Option(help: "Adresse d’écoute.")
    var host: String = "127.0.0.1"

    @Option(help: "Port d’écoute (0 : un port libre, affiché au démarrage).")
    var port: Int = 8080

    @Option(name: .customLong("max-bundle-mib"), help: "Taille maximale d’un paquet envoyé, en Mio (au plus 16, la taille maximale d’un paquet).")
    var maxBundleMiB: Int = 16

    @Option(name: .customLong("log-level"), help: "Niveau du journal : debug, info, notice, warning, error.")
    var logLevel: String = "info"

    func run() async throws {
        let lang = options.language
        try await running(lang) {
            let replica = try options.openHub()
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = Logger.Level(rawValue: logLevel) ?? .info
                return handler
            }
            var logger = Logger(label: "jonction.hub")
            logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
            let host = self.host
            try await HubServer.serve(replica: replica, host: host, port: port, logger: logger,
                                      maximumUpload: maxBundleMiB << 20) { bound in
                printError(lang.pick("Pôle à l’écoute sur http://\(host):\(bound) (Ctrl-C pour arrêter).",
                                     "Hub listening on http://\(host):\(bound) (Ctrl-C to stop)."))
            }
            try replica.close()
            printError(lang.pick("Pôle arrêté proprement.", "Hub stopped cleanly."))
        }
    }
}
