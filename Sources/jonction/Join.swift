import ArgumentParser
import Foundation
import Jonction
import JonctionBundle
import JonctionHub
import JonctionStore

struct Join: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Rattacher le bureau au pôle avec le fichier d’adhésion remis par l’administrateur (une fois).",
        discussion: """
            Vérifie que le fichier est pour ce bureau et pour son réseau (un réplica sans réseau prend celui \
            du fichier), puis garde l’adresse du pôle, le jeton d’accès et l’identité du pôle dans la \
            configuration du site, CHEMIN.adhesion, lisible par son seul propriétaire : « jonction sync » \
            s’en sert, sans rien de secret sur la ligne de commande. Relancer avec un nouveau fichier \
            remplace la configuration. Comparez l’empreinte du pôle affichée avec celle que vous lit \
            l’administrateur, puis effacez le fichier d’adhésion de la clé.
            Exemple : jonction join --db kayes.sqlite /media/cle/adhesion-kayes.txt
            """)

    @OptionGroup var options: CommonOptions

    @Argument(help: "Fichier d’adhésion écrit par « jonction hub enroll » (ex. adhesion-kayes.txt).")
    var file: String

    @Option(name: .customLong("ca-certificate"), help: "Certificat (PEM) de l’autorité privée qui a signé le certificat du pôle, à garder dans la configuration (inutile si le certificat vient d’une autorité publique).")
    var caCertificate: String?

    @Option(help: "Liste des sites plus récente que celle du fichier d’adhésion, écrite par « jonction hub roster --out » (vérifiée avec la clé du pôle) : pour un bureau qui échange d’abord avec d’autres bureaux.")
    var roster: String?

    @Flag(help: "Sortie JSON.")
    var json = false

    func run() throws {
        let lang = options.language
        try options.withReplica { replica in
            var join = try JoinFile.read(from: file)
            if let roster {
                guard let data = FileManager.default.contents(atPath: roster), data.count <= Roster.maximumSize else {
                    throw CommandError.unreadableFile(roster)
                }
                let newer = try SignedRoster(verifying: Array(data), trusting: join.hub)
                if join.roster.map({ newer.roster.issuedAt > $0.roster.issuedAt }) ?? true { join.roster = newer }
            }
            let authority = try caCertificate.map { try CertificateAuthority(contentsOf: $0) }
            let report = try replica.join(join, trusting: authority,
                                          configurationPath: SiteConfiguration.defaultPath(forReplica: options.databasePath))
            let fingerprint = join.hub.fingerprint
            if report.hubIdentityChanged {
                printError(lang.pick(
                    "Attention : l’identité du pôle n’est pas celle de l’ancienne configuration. Ne synchronisez que si l’administrateur du pôle vous a annoncé ce changement et vous lit la même empreinte.",
                    "Warning: the hub's identity is not the one in the old configuration. Only sync if the hub administrator announced this change and reads you the same fingerprint."))
            }
            if json {
                var out = CanonicalJSON()
                out.beginObject()
                out.key("ca_certificate"); out.bool(authority != nil)
                out.key("configuration"); out.string(report.configurationPath)
                out.key("hub_fingerprint"); out.string(fingerprint)
                out.key("hub_identity"); out.string(join.hub.line)
                out.key("hub_identity_changed"); out.bool(report.hubIdentityChanged)
                out.key("hub_url")
                if let url = join.hubURL { out.string(url.absoluteString) } else { out.null() }
                out.key("network"); out.string(join.network)
                out.key("network_adopted"); out.bool(report.adoptedNetwork)
                out.key("replaced"); out.bool(report.replaced)
                out.key("site"); out.string(join.site.rawValue)
                out.key("token"); out.bool(join.token != nil)
                out.endObject()
                print(out.output)
                return
            }
            let network = "\(join.network.prefix(8))…"
            print(report.adoptedNetwork
                ? lang.pick("Bureau \(join.site) rattaché au réseau du pôle (\(network)).",
                            "Office \(join.site) joined the hub's network (\(network)).")
                : lang.pick("Bureau \(join.site) : déjà dans le réseau du pôle (\(network)).",
                            "Office \(join.site): already in the hub's network (\(network))."))
            print(lang.pick(
                "Configuration du site écrite : \(report.configurationPath) (privée : lisible par ce compte seulement)\(report.replaced ? " ; elle remplace l’ancienne" : "").",
                "Site configuration written: \(report.configurationPath) (private: readable by this account only)\(report.replaced ? "; it replaces the old one" : "")."))
            print(lang.pick("Empreinte du pôle : \(fingerprint)", "Hub fingerprint: \(fingerprint)"))
            print(lang.pick("Comparez-la avec celle que vous lit l’administrateur du pôle ; si elles diffèrent, ne synchronisez pas et prévenez-le.",
                            "Compare it with the one the hub administrator reads you; if they differ, do not sync and tell them."))
            if let url = join.hubURL {
                print(lang.pick("Synchronisation avec le pôle (\(url.absoluteString)) : jonction sync --db \(options.databasePath)",
                                "Sync with the hub (\(url.absoluteString)): jonction sync --db \(options.databasePath)"))
            } else {
                print(lang.pick("Pas d’adresse de pôle : ce bureau échange par clé USB (jonction export / jonction import).",
                                "No hub address: this office exchanges by USB stick (jonction export / jonction import)."))
            }
            if join.token != nil {
                print(lang.pick("Effacez maintenant le fichier d’adhésion \(file) de la clé : il contient le jeton d’accès du bureau.",
                                "Now delete the join file \(file) from the stick: it holds the office's access token."))
            }
        }
    }
}
