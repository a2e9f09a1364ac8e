import ArgumentParser
import Foundation
import Jonction
import JonctionBundle
import JonctionStore

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Écrire un paquet de changements pour un autre site (par défaut le pôle) dans un dossier.",
        discussion: """
            Le paquet contient tout ce que le destinataire n’a pas encore, d’après le dernier paquet reçu \
            de lui, y compris les changements d’autres bureaux (relais). Il est signé par ce site et scellé \
            pour son destinataire, seul à pouvoir le lire ; il faut donc avoir rejoint le réseau (jonction \
            join). Il est écrit d’un bloc : une clé \
            retirée pendant l’écriture ne laisse pas de paquet à moitié écrit. La dernière ligne affichée \
            est le chemin du paquet. S’il y a plus qu’un paquet ne peut porter (16 Mio, 262 144 changements), \
            plusieurs paquets sont écrits, chacun suivi de son chemin.
            Exemple : jonction export --db kayes.sqlite --to /media/cle/JONCTION
            """)

    @OptionGroup var options: CommonOptions

    @Option(help: "Dossier où écrire le paquet (ex. le dossier JONCTION de la clé USB).")
    var to: String

    @Option(name: .customLong("for"), help: "Site destinataire (par défaut : hub).")
    var addressee: String = "hub"

    @Flag(help: "Tout envoyer, sans tenir compte de ce que le destinataire a déjà reçu.")
    var full = false

    @Flag(help: "Sortie JSON.")
    var json = false

    func run() throws {
        let lang = options.language
        // Not read-only: what this site has not signed yet is signed now (protocol.md §5.3).
        try options.withReplica { replica in
            let addressee = try SiteName(self.addressee)
            guard addressee != replica.site else { throw CommandError.exportToSelf(replica.site) }
            // The stick first: nothing is signed for a folder that is not there.
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: to, isDirectory: &isFolder), isFolder.boolValue else {
                throw MailbagError.folderMissing(to)
            }
            let progress = ProgressLine(lang.pick("Préparation du paquet…", "Preparing the bundle…"))
            progress.relabel(lang.pick("Lecture du journal…", "Reading the log…"))
            // One bundle, or several when there is more than one may carry (protocol.md §5.2).
            let bundles = try replica.sealedBundles(for: addressee, full: full)
            guard !bundles.isEmpty else {
                progress.finish()
                if json {
                    print(#"{"changes":0,"path":null}"#)
                } else {
                    print(lang.pick(
                        "Rien à envoyer à \(addressee) : d’après son dernier paquet, il a déjà tout ce que ce réplica contient. (--full pour tout renvoyer.)",
                        "Nothing to send to \(addressee): according to its last bundle, it already has everything this replica holds. (--full to send everything again.)"))
                }
                return
            }
            for sealed in bundles {
                let bundle = sealed.bundle, bytes = sealed.bytes
                progress.relabel(lang.pick("Écriture…", "Writing…"))
                let url = try FolderTransport(URL(fileURLWithPath: to)).post(bytes)
                progress.finish()
                let ranges = bundle.sortedRanges.map { "\($0.origin) \($0.seqs.lowerBound)–\($0.seqs.upperBound)" }
                if json {
                    var out = CanonicalJSON()
                    out.beginObject()
                    out.key("addressee"); out.string(addressee.rawValue)
                    out.key("bytes"); out.integer(bytes.count)
                    out.key("changes"); out.integer(bundle.changeCount)
                    out.key("path"); out.string(url.path)
                    out.key("ranges")
                    out.beginObject()
                    for (origin, seqs) in bundle.sortedRanges {
                        out.key(origin.rawValue)
                        out.beginArray(); out.integer(seqs.lowerBound); out.integer(seqs.upperBound); out.endArray()
                    }
                    out.endObject()
                    out.endObject()
                    print(out.output)
                } else {
                    print(lang.pick(
                        "Paquet pour \(addressee) : \(bundle.changeCount) changement(s) (\(lang.list(ranges, limit: 8))), \(formatBytes(bytes.count, lang)).",
                        "Bundle for \(addressee): \(bundle.changeCount) change(s) (\(lang.list(ranges, limit: 8))), \(formatBytes(bytes.count, lang))."))
                    print(url.path)
                }
            }
            try? replica.journalStickWritten(for: addressee, changes: bundles.reduce(0) { $0 + $1.bundle.changeCount })
        }
    }
}

func formatBytes(_ n: Int, _ lang: Lang) -> String {
    if n < 10_000 { return lang.pick("\(n) octets", "\(n) bytes") }
    if n < 10_000_000 { return lang.pick("\(n / 1000) ko", "\(n / 1000) kB") }
    return lang.pick("\(n / 1_000_000) Mo", "\(n / 1_000_000) MB")
}
