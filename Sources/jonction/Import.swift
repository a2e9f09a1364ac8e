import ArgumentParser
import Foundation
import Jonction
import JonctionBundle
import JonctionStore

struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Importer des paquets : des fichiers .jnb, ou des dossiers (ex. le dossier JONCTION d’une clé).",
        discussion: """
            D’un dossier, seuls les paquets destinés à ce site sont pris ; les autres, scellés pour leur \
            destinataire, restent sur la clé (relais). Chaque paquet est vérifié entièrement — signatures \
            de son expéditeur et de chaque bureau d’origine, liste des sites du pôle — avant d’être appliqué, en une \
            seule transaction. Un paquet déjà importé ne change rien. Un paquet abîmé, tronqué, modifié, \
            étranger ou d’un site révoqué est refusé sans rien changer ; les autres sont importés ; le code \
            de sortie est alors 1.
            """)

    @OptionGroup var options: CommonOptions

    @Argument(help: "Fichiers .jnb ou dossiers.")
    var paths: [String]

    @Flag(help: "Sortie JSON.")
    var json = false

    func run() throws {
        let lang = options.language
        try options.withReplica { replica in
            let wasRestoring = try replica.read { try $0.isRestoring() }
            let line = ProgressLine(lang.pick("Import", "Import"))
            let outcomes = try replica.importFiles(paths.map { URL(fileURLWithPath: $0) }) { url, done, total in
                line.relabel(lang.pick("Fusion de ", "Merging ") + url.lastPathComponent)
                line.update(done, total)
            }
            line.finish()
            try replica.journalStickRead(outcomes)
            if json {
                printJSON(outcomes, lang)
            } else {
                printText(outcomes, lang)
                if wasRestoring { try printRestoring(replica, lang) }
            }
            if outcomes.contains(where: \.isRefused) { throw ExitCode(1) }
        }
    }

    private func printText(_ outcomes: [FileOutcome], _ lang: Lang) {
        var imported = 0, replays = 0, refused = 0, others = 0
        for outcome in outcomes {
            let name = outcome.url.lastPathComponent
            switch outcome.result {
            case .imported(let r):
                imported += 1
                let ranges = r.apply.ranges.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value.lowerBound)–\($0.value.upperBound)" }
                var text = lang.pick("✓ \(name) : \(r.apply.applied) changement(s) fusionné(s) (\(lang.list(ranges, limit: 8)))",
                                     "✓ \(name): \(r.apply.applied) change(s) merged (\(lang.list(ranges, limit: 8)))")
                if r.apply.duplicates > 0 { text += lang.pick(", \(r.apply.duplicates) déjà connu(s)", ", \(r.apply.duplicates) already held") }
                if !r.apply.conflicts.isEmpty {
                    text += lang.pick(", \(r.apply.conflicts.count) conflit(s) (voir « jonction conflicts »)",
                                      ", \(r.apply.conflicts.count) conflict(s) (see “jonction conflicts”)")
                }
                print(text + ".")
                if let scope = r.scope?.message(lang) { print("  " + scope) }
                for undone in r.apply.undone { print("  " + undone.message(lang)) }
                if r.apply.nulledValues > 0 {
                    print(lang.pick(
                        "  \(r.apply.nulledValues) valeur(s) hors norme, écrite(s) par une ancienne version de Jonction, lue(s) comme vide(s) (protocole §2.2) : ressaisissez-les si besoin.",
                        "  \(r.apply.nulledValues) value(s) out of normal form, written by an older Jonction, read as empty (protocol §2.2): enter them again if needed."))
                }
            case .replay:
                replays += 1
                print(lang.pick("= \(name) : déjà importé, rien à faire.", "= \(name): already imported, nothing to do."))
            case .notForUs:
                others += 1
            case .refused(let error):
                refused += 1
                printError(lang.pick("✗ \(name) refusé : ", "✗ \(name) refused: ") + error.message(lang))
            }
        }
        if others > 0 {
            print(lang.pick("\(others) paquet(s) destiné(s) à d’autres sites laissé(s) dans le dossier.",
                            "\(others) bundle(s) addressed to other sites left in the folder."))
        }
        if outcomes.isEmpty || imported + replays + refused == 0 {
            print(lang.pick("Aucun paquet pour ce site.", "No bundle for this site."))
        } else {
            print(lang.pick("Bilan : \(imported) importé(s), \(replays) déjà connu(s), \(refused) refusé(s).",
                            "Summary: \(imported) imported, \(replays) already known, \(refused) refused."))
        }
    }

    /// After an import on a replica made by `init --restore`: whether entries may start.
    private func printRestoring(_ replica: Replica, _ lang: Lang) throws {
        let (restoring, own, hubHolds) = try replica.read {
            (try $0.isRestoring(), try $0.vector()[replica.site], try $0.acknowledged(by: .hub)[replica.site])
        }
        if !restoring {
            print(lang.pick(
                "Le réplica a repris les changements de \(replica.site) (jusqu’au n° \(own)) : la saisie est possible.",
                "The replica has \(replica.site)'s changes back (up to #\(own)): entries are accepted."))
        } else if hubHolds > own {
            print(lang.pick(
                "Ce réplica attend toujours ses propres changements : le pôle en a jusqu’au n° \(hubHolds), il en a jusqu’au n° \(own). Demandez au pôle un export complet (--full) et importez-le.",
                "This replica still waits for its own changes: the hub holds up to #\(hubHolds), it holds up to #\(own). Ask the hub for a full export (--full) and import it."))
        } else {
            print(lang.pick(
                "Ce réplica attend toujours l’export complet du pôle : aucune saisie avant de l’avoir importé.",
                "This replica still waits for the hub's full export: no entry before it is imported."))
        }
    }

    private func printJSON(_ outcomes: [FileOutcome], _ lang: Lang) {
        var out = CanonicalJSON()
        out.beginObject()
        out.key("files")
        out.beginArray()
        for outcome in outcomes {
            out.beginObject()
            switch outcome.result {
            case .imported(let r), .replay(let r):
                out.key("applied"); out.integer(r.apply.applied)
                out.key("conflicts"); out.integer(r.apply.conflicts.count)
                out.key("duplicates"); out.integer(r.apply.duplicates)
                out.key("nulled_values"); out.integer(r.apply.nulledValues)
                out.key("path"); out.string(outcome.url.path)
                if let scope = r.scope {
                    out.key("records_dropped"); out.integer(scope.dropped)
                    out.key("records_received"); out.integer(scope.received)
                }
                out.key("sender"); out.string(r.header.sender.rawValue)
                out.key("status"); out.string(r.isReplay ? "replay" : "imported")
                out.key("undone"); out.integer(r.apply.undone.count)
            case .notForUs(let header):
                out.key("addressee"); out.string(header.addressee.rawValue)
                out.key("path"); out.string(outcome.url.path)
                out.key("status"); out.string("not_for_us")
            case .refused(let error):
                out.key("error"); out.string(error.message(lang))
                out.key("path"); out.string(outcome.url.path)
                out.key("status"); out.string("refused")
            }
            out.endObject()
        }
        out.endArray()
        out.key("refused"); out.integer(outcomes.filter(\.isRefused).count)
        out.endObject()
        print(out.output)
    }
}
