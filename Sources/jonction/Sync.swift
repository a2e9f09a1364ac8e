import ArgumentParser
import Foundation
import Jonction
import JonctionHub
import JonctionStore

struct Sync: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Synchroniser avec le pôle par HTTPS (ou HTTP) : envoyer ce qui lui manque, recevoir ce qui manque ici.",
        discussion: """
            Sans danger si interrompue : relancez simplement. Les coupures réseau sont réessayées avec un \
            délai croissant. L’adresse du pôle et le jeton viennent de la configuration du site, écrite une \
            fois par « jonction join » (CHEMIN.adhesion) : rien de secret sur la ligne de commande. Pour un \
            script, la variable JONCTION_TOKEN l’emporte sur la configuration.
            Exemple : jonction sync --db kayes.sqlite
            """)

    @OptionGroup var options: CommonOptions

    @Option(help: "Adresse du pôle, ex. https://pole.example.org:8443 (sinon celle de la configuration du site).")
    var hub: String?

    @Option(help: "Déconseillé (visible dans ps et l’historique du shell) : jeton d’accès du bureau. Sinon $JONCTION_TOKEN, sinon la configuration du site.")
    var token: String?

    @Option(name: .customLong("ca-certificate"), help: "Certificat (PEM) de l’autorité privée qui a signé le certificat du pôle, en plus de celles du système (sinon celui de la configuration du site).")
    var caCertificate: String?

    @Option(help: "Nombre d’essais par requête en cas de coupure réseau.")
    var attempts: Int = 5

    @Option(name: .customLong("retry-delay"), help: "Délai avant le deuxième essai, en secondes (doublé ensuite).")
    var retryDelay: Double = 1

    @Option(name: .customLong("connect-timeout"), help: "Délai pour joindre le pôle à chaque essai, en secondes.")
    var connectTimeout: Double = 10

    @Flag(help: "Sortie JSON.")
    var json = false

    func run() async throws {
        let lang = options.language
        try await running(lang) {
            if token != nil {
                printError(lang.pick(
                    "Attention : un jeton donné par --token est visible des autres comptes de ce poste (ps) et reste dans l’historique du shell. Lancez plutôt une fois « jonction join » avec le fichier d’adhésion ; pour un script, JONCTION_TOKEN.",
                    "Warning: a token given with --token is visible to the other accounts on this machine (ps) and stays in the shell history. Run “jonction join” once with the join file instead; for a script, JONCTION_TOKEN."))
            }
            let configurationPath = SiteConfiguration.defaultPath(forReplica: options.databasePath)
            let configuration = try SiteConfiguration.read(from: configurationPath)
            let target = try SyncTarget.resolve(
                hub: hub, token: token, environmentToken: ProcessInfo.processInfo.environment["JONCTION_TOKEN"],
                authority: try caCertificate.map { try CertificateAuthority(contentsOf: $0) },
                configuration: configuration)
            let replica = try options.openReplica()
            defer { try? replica.close() }
            if let configuration, configuration.join.site != replica.site {
                throw SiteConfigurationError.otherSite(path: configurationPath, configured: configuration.join.site, replica: replica.site)
            }
            let line = ProgressLine("")
            let client = SyncClient(hub: target.hub, token: target.token, tls: HubTLS.client(trusting: target.authority),
                                    trustedHub: configuration?.join.hub, attempts: attempts, firstDelay: retryDelay,
                                    connectTimeout: .milliseconds(Int64(max(0.1, connectTimeout) * 1000)))
            let report = try await client.sync(replica) { phase in
                switch phase {
                case .uploading(let n): line.relabel(lang.pick("Envoi de \(n) changement(s) au pôle…", "Sending \(n) change(s) to the hub…"))
                case .downloading: line.relabel(lang.pick("Réception…", "Receiving…"))
                case .merging(let done, let total): line.relabel(lang.pick("Fusion", "Merging")); line.update(done, total)
                case .retrying(let attempt, let after):
                    line.relabel(lang.pick("Pôle injoignable, essai \(attempt) dans \(Int(after)) s…", "Hub unreachable, attempt \(attempt) in \(Int(after)) s…"))
                }
            }
            line.finish()
            let received = report.received
            try? replica.journalSync(sent: report.sent, received: received?.apply.applied ?? 0)
            if json {
                var out = CanonicalJSON()
                out.beginObject()
                out.key("accepted_by_hub"); out.integer(report.acceptedByHub)
                out.key("conflicts"); out.integer(received?.apply.conflicts.count ?? 0)
                out.key("received"); out.integer(received?.apply.applied ?? 0)
                out.key("records_dropped"); out.integer(received?.scope?.dropped ?? 0)
                out.key("records_received"); out.integer(received?.scope?.received ?? 0)
                out.key("sent"); out.integer(report.sent)
                out.key("undone_by_hub"); out.integer(report.undoneByHub)
                out.endObject()
                print(out.output)
            } else {
                print(lang.pick(
                    "Synchronisé avec le pôle : \(report.sent) changement(s) envoyé(s) (\(report.acceptedByHub) nouveau(x) pour lui), \(received?.apply.applied ?? 0) reçu(s)\(received.map { $0.apply.conflicts.isEmpty ? "" : ", \($0.apply.conflicts.count) conflit(s) (jonction conflicts)" } ?? "").",
                    "Synced with the hub: \(report.sent) change(s) sent (\(report.acceptedByHub) new to it), \(received?.apply.applied ?? 0) received\(received.map { $0.apply.conflicts.isEmpty ? "" : ", \($0.apply.conflicts.count) conflict(s) (jonction conflicts)" } ?? "")."))
                if let scope = received?.scope?.message(lang) { print(scope) }
                if report.undoneByHub > 0 {
                    print(lang.pick(
                        "Le pôle a annulé \(report.undoneByHub) de ces changements : un bureau ne répond qu’aux propositions faites à ses propres personnes, et n’y change rien d’autre (protocole §2.5). Le pôle a remis les valeurs permises ; transmettez la réponse de la personne à son bureau.",
                        "The hub undid \(report.undoneByHub) of these changes: an office only answers the proposals made to its own people, and changes nothing else in them (protocol §2.5). The hub put the allowed values back; pass the person’s answer on to their office."))
                }
            }
        }
    }
}
