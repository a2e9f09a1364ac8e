import ArgumentParser
import Foundation
import Jonction
import JonctionHub
import JonctionStore

struct Sync: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Synchroniser avec le pôle par HTTP : envoyer ce qui lui manque, recevoir ce qui manque ici.",
        discussion: """
            Sans danger si interrompue : relancez simplement. Les coupures réseau sont réessayées avec un
            délai croissant. Le jeton vient de --token ou de la variable JONCTION_TOKEN.
            Exemple : jonction sync --db kayes.sqlite --hub http://10.0.0.5:8080
            """)

    @OptionGroup var options: CommonOptions

    @Option(help: "Adresse du pôle, ex. http://10.0.0.5:8080.")
    var hub: String

    @Option(help: "Jeton d’accès du bureau (sinon $JONCTION_TOKEN).")
    var token: String?

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
            guard let url = URL(string: hub), let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil else {
                throw SyncError.invalidURL(hub)
            }
            guard let text = token ?? ProcessInfo.processInfo.environment["JONCTION_TOKEN"], let token = AccessToken(text) else {
                throw token == nil && ProcessInfo.processInfo.environment["JONCTION_TOKEN"] == nil ? SyncError.missingToken : SyncError.unauthorized
            }
            let replica = try options.openReplica()
            defer { try? replica.close() }
            let line = ProgressLine("")
            let client = SyncClient(hub: url, token: token, attempts: attempts, firstDelay: retryDelay,
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
            if json {
                var out = CanonicalJSON()
                out.beginObject()
                out.key("accepted_by_hub"); out.integer(report.acceptedByHub)
                out.key("conflicts"); out.integer(received?.apply.conflicts.count ?? 0)
                out.key("received"); out.integer(received?.apply.applied ?? 0)
                out.key("sent"); out.integer(report.sent)
                out.endObject()
                print(out.output)
            } else {
                print(lang.pick(
                    "Synchronisé avec le pôle : \(report.sent) changement(s) envoyé(s) (\(report.acceptedByHub) nouveau(x) pour lui), \(received?.apply.applied ?? 0) reçu(s)\(received.map { $0.apply.conflicts.isEmpty ? "" : ", \($0.apply.conflicts.count) conflit(s) (jonction conflicts)" } ?? "").",
                    "Synced with the hub: \(report.sent) change(s) sent (\(report.acceptedByHub) new to it), \(received?.apply.applied ?? 0) received\(received.map { $0.apply.conflicts.isEmpty ? "" : ", \($0.apply.conflicts.count) conflict(s) (jonction conflicts)" } ?? "")."))
            }
        }
    }
}
