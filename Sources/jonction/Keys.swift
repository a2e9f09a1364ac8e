import ArgumentParser
import Foundation
import Jonction
import JonctionBundle
import JonctionStore

struct Keys: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Montrer l’identité publique et l’empreinte du site, ou créer ses clés (réplica d’une version sans clés).",
        discussion: """
            Les clés sont dans CHEMIN.cles, à côté du réplica, lisible par son seul propriétaire. Sans option, \
            affiche l’identité publique (la ligne « jonction-site … » à remettre au pôle) et l’empreinte, sans \
            rien modifier. --create crée les clés d’un réplica fait par une version de Jonction qui n’en avait \
            pas (un fichier de clés existant n’est jamais écrasé).
            """)

    @OptionGroup var options: CommonOptions

    @Flag(help: "Créer les clés du site si elles n’existent pas encore.")
    var create = false

    @Flag(help: "Sortie JSON.")
    var json = false

    func run() throws {
        let lang = options.language
        try options.withReplica(.readOnly) { replica in
            let path = SiteKeys.defaultPath(forReplica: options.databasePath)
            var created = false
            if create && !FileManager.default.fileExists(atPath: path) {
                try SiteKeys.generate(for: replica.site).write(to: path)
                created = true
            }
            let keys = try SiteKeys.read(from: path)
            guard keys.site == replica.site else { throw KeyFileError.damaged(path: path) }
            let identity = keys.identity
            if json {
                var out = CanonicalJSON()
                out.beginObject()
                out.key("created"); out.bool(created)
                out.key("fingerprint"); out.string(identity.fingerprint)
                out.key("identity"); out.string(identity.line)
                out.key("keys"); out.string(path)
                out.key("site"); out.string(replica.site.rawValue)
                out.endObject()
                print(out.output)
                return
            }
            if created {
                print(lang.pick("Clés du site créées : \(path) (privé : ne le copiez jamais, sauvegardez-le à part).",
                                "Site keys created: \(path) (private: never copy it around, back it up separately)."))
            }
            print(lang.pick("Empreinte : \(identity.fingerprint)", "Fingerprint: \(identity.fingerprint)"))
            print(lang.pick("Identité publique :", "Public identity:"))
            print(identity.line)
        }
    }
}
