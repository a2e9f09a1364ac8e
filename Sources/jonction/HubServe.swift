import ArgumentParser
import Foundation
import Jonction
import JonctionHub
import JonctionStore
import Logging

struct HubServe: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Servir le pôle en HTTPS (ou HTTP) pour les bureaux qui ont du réseau (API : protocol.md §6).",
        discussion: """
            Avec --tls-certificate et --tls-key, le pôle parle HTTPS ; sans eux, HTTP seulement : à réserver à             un proxy inverse qui fait le TLS devant lui (--host 127.0.0.1, voir le README). SIGTERM ou Ctrl-C :             les requêtes en cours se terminent, puis le serveur s’arrête. Journal sur stderr, sans donnée personnelle.
            """)

    @OptionGroup var options: CommonOptions

    @Option(help: "Adresse d’écoute.")
    var host: String = "127.0.0.1"

    @Option(help: "Port d’écoute (0 : un port libre, affiché au démarrage).")
    var port: Int = 8080

    @Option(name: .customLong("max-bundle-mib"), help: "Taille maximale d’un paquet envoyé, en Mio (au plus 16, la taille maximale d’un paquet).")
    var maxBundleMiB: Int = 16

    @Option(name: .customLong("log-format"), help: "Forme du journal : text (lisible) ou json (un objet JSON par ligne, pour un outil de recherche).")
    var logFormat = "text"

    @Option(name: .customLong("log-level"), help: "Niveau du journal : debug, info, notice, warning, error.")
    var logLevel: String = "info"

    @Option(name: .customLong("tls-certificate"), help: "Certificat du pôle (PEM, suivi des intermédiaires) : le pôle parle alors HTTPS. Avec --tls-key.")
    var tlsCertificate: String?

    @Option(name: .customLong("tls-key"), help: "Clé privée du certificat (PEM, sans phrase de passe). Avec --tls-certificate.")
    var tlsKey: String?

    func run() async throws {
        let lang = options.language
        try await running(lang) {
            // The files first: a wrong one is said before anything listens.
            let tls: HubTLS.Server?
            switch (tlsCertificate, tlsKey) {
            case (let certificate?, let key?): tls = try HubTLS.server(certificate: certificate, key: key)
            case (nil, nil): tls = nil
            default: throw CommandError.tlsPair
            }
            if let tls, tls.expires < Date().addingTimeInterval(14 * 86_400) {
                let day = ISO8601DateFormatter.string(from: tls.expires, timeZone: TimeZone(identifier: "UTC")!, formatOptions: [.withFullDate])
                printError(tls.expires < Date()
                    ? lang.pick("Attention : le certificat a expiré le \(day) ; les bureaux le refuseront. Renouvelez-le.",
                                "Warning: the certificate expired on \(day); offices will refuse it. Renew it.")
                    : lang.pick("Attention : le certificat expire le \(day). Pensez à le renouveler.",
                                "Warning: the certificate expires on \(day). Remember to renew it."))
            }
            let replica = try options.openHub()
            guard logFormat == "text" || logFormat == "json" else {
                throw ValidationError(lang.pick("Forme de journal inconnue « \(logFormat) » : text ou json.", "Unknown log format “\(logFormat)”: text or json."))
            }
            let level = Logger.Level(rawValue: logLevel) ?? .info
            let json = logFormat == "json"
            LoggingSystem.bootstrap { label in
                if json {
                    var handler = JSONLogHandler(label: label)
                    handler.logLevel = level
                    return handler
                }
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
            var logger = Logger(label: "jonction.hub")
            logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
            let host = self.host
            let scheme = tls == nil ? "http" : "https"
            try await HubServer.serve(replica: replica, host: host, port: port, logger: logger,
                                      maximumUpload: maxBundleMiB << 20, tls: tls?.configuration,
                                      metricsToken: ProcessInfo.processInfo.environment["JONCTION_METRICS_TOKEN"]) { bound in
                printError(lang.pick("Pôle à l’écoute sur \(scheme)://\(host):\(bound) (Ctrl-C pour arrêter).",
                                     "Hub listening on \(scheme)://\(host):\(bound) (Ctrl-C to stop)."))
            }
            try replica.close()
            printError(lang.pick("Pôle arrêté proprement.", "Hub stopped cleanly."))
        }
    }
}
