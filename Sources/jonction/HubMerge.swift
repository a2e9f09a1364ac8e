import ArgumentParser
import Logging
import Foundation
import Jonction
import JonctionHub
import JonctionStore

struct HubMerge: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "La fusion nocturne : importer les paquets du dossier d’arrivée, écrire un paquet par bureau dans le dossier de départ.",
        discussion: """
            Chaque paquet importé va dans ARRIVÉE/done/ ; un paquet refusé va dans ARRIVÉE/rejected/ avec un \
            fichier .raison.txt ; un paquet qui attend une clé précédente reste dans ARRIVÉE. Pour chaque \
            bureau connu, DÉPART/<site>/ reçoit un paquet de ce qui lui manque. Sans danger si lancée deux \
            fois ; une seule fusion à la fois.
            Le tour de rapprochement lit la configuration du pôle (parts minimales, priorités, poids) : \
            --quotas FICHIER, sinon CHEMIN.rapprochement.toml à côté du réplica s’il existe ; une \
            configuration fautive arrête tout avant la fusion, rien n’est écrit.
            """)

    @OptionGroup var options: CommonOptions

    @Option(help: "Dossier d’arrivée (les clés USB y sont copiées).")
    var inbox: String

    @Option(help: "Dossier de départ (un sous-dossier par bureau).")
    var outbox: String

    @Flag(name: .customLong("no-match"), help: "Ne pas faire de tour de rapprochement.")
    var noMatch = false

    @Option(help: ArgumentHelp(MatchingConfigurationHelp.abstract, discussion: MatchingConfigurationHelp.discussion))
    var quotas: String?

    @Flag(help: "Sortie JSON.")
    var json = false

    @Option(name: .customLong("log-format"), help: "Forme de la ligne de bilan écrite au journal (sortie d’erreur) : text ou json.")
    var logFormat = "text"

    func validate() throws {
        if noMatch && quotas != nil {
            throw ValidationError("--quotas est sans effet avec --no-match (pas de tour de rapprochement) : retirez l’un des deux.")
        }
    }

    func run() throws {
        let lang = options.language
        try options.withHub { replica in
            let line = ProgressLine(lang.pick("Fusion", "Merge"))
            let matched = MatchBox()
            var matching: (@Sendable (Replica) throws -> Void)? = nil
            if !noMatch {
                // Read before anything is merged: a faulty configuration stops the night with nothing written.
                let configuration = try MatchingConfiguration.read(given: quotas, replica: options.databasePath)
                matching = { replica in
                    line.relabel(lang.pick("Tour de rapprochement…", "Matching round…"))
                    matched.outcome = try MatchingRound(replica: replica, configuration: configuration).run()
                }
            }
            let summary = try MergeJob(replica: replica, inbox: URL(fileURLWithPath: inbox), outbox: URL(fileURLWithPath: outbox),
                                       beforeOutbox: matching)
                .run { name, done, total in
                    line.relabel(lang.pick("Fusion de ", "Merging ") + name)
                    line.update(done, total)
                }
            line.finish()
            // One summary line for the service's log (journald), with the figures of --json.
            let figures: Logger.Metadata = [
                "taken": "\(summary.taken.count)", "refused": "\(summary.refused.count)", "pending": "\(summary.pending.count)",
                "changes_merged": "\(summary.changesMerged)", "conflicts": "\(summary.conflicts)",
                "written": "\(summary.written.count)", "undone": "\(summary.undone.count)",
                "match_error": "\(summary.beforeOutboxFailure == nil ? "none" : "yes")",
            ]
            if logFormat == "json" {
                JSONLogHandler(label: "jonction.merge").log(level: .info, message: "nightly merge", metadata: figures, source: "jonction",
                                                             file: #fileID, function: #function, line: #line)
            } else {
                let text = figures.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
                FileHandle.standardError.write(Data("jonction.merge: nightly merge \(text)\n".utf8))
            }
            if json {
                var out = CanonicalJSON()
                out.beginObject()
                out.key("changes_merged"); out.integer(summary.changesMerged)
                out.key("conflicts"); out.integer(summary.conflicts)
                if let outcome = matched.outcome {
                    out.key("match")
                    MatchReport(outcome).write(to: &out)
                }
                if let failure = summary.beforeOutboxFailure {
                    out.key("match_error"); out.string(HubMerge.describe(failure, lang))
                }
                out.key("pending")
                out.beginArray()
                for p in summary.pending { out.string(p.file) }
                out.endArray()
                out.key("refused")
                out.beginArray()
                for r in summary.refused {
                    out.beginObject()
                    out.key("file"); out.string(r.file)
                    out.key("reason"); out.string(r.reason.message(lang))
                    out.endObject()
                }
                out.endArray()
                out.key("taken"); out.integer(summary.taken.count)
                out.key("undone")
                out.beginArray()
                for u in summary.undone { out.string(u.message(lang)) }
                out.endArray()
                out.key("written")
                out.beginArray()
                for w in summary.written {
                    out.beginObject()
                    out.key("changes"); out.integer(w.changes)
                    out.key("file"); out.string(w.file)
                    out.key("site"); out.string(w.site.rawValue)
                    out.endObject()
                }
                out.endArray()
                out.endObject()
                print(out.output)
            } else {
                print(lang.pick(
                    "Fusion terminée : \(summary.taken.count) paquet(s) pris, \(summary.refused.count) refusé(s), \(summary.pending.count) en attente ; \(summary.changesMerged) changement(s) fusionné(s), \(summary.conflicts) conflit(s) ; \(summary.written.count) paquet(s) écrit(s) pour les bureaux.",
                    "Merge done: \(summary.taken.count) bundle(s) taken, \(summary.refused.count) refused, \(summary.pending.count) pending; \(summary.changesMerged) change(s) merged, \(summary.conflicts) conflict(s); \(summary.written.count) bundle(s) written for the offices."))
                for r in summary.refused { print(lang.pick("  refusé : \(r.file) — \(r.reason.message(lang))", "  refused: \(r.file) — \(r.reason.message(lang))")) }
                for p in summary.pending { print(lang.pick("  en attente : \(p.file) — \(p.reason.message(lang))", "  pending: \(p.file) — \(p.reason.message(lang))")) }
                for u in summary.undone { print("  " + u.message(lang)) }
                for w in summary.written { print("  → \(w.site)/\(w.file) (\(w.changes))") }
                if let outcome = matched.outcome { print(MatchReport(outcome).text(lang)) }
            }
            if let failure = summary.beforeOutboxFailure {
                printError(lang.pick(
                    "Le tour de rapprochement a échoué : \(HubMerge.describe(failure, lang)) Les paquets pour les bureaux ont quand même été écrits ; relancez « jonction match --db \(options.databasePath) » une fois le problème réglé.",
                    "The matching round failed: \(HubMerge.describe(failure, lang)) The bundles for the offices were written anyway; run “jonction match --db \(options.databasePath)” again once the problem is solved."))
                throw ExitCode(1)
            }
            if !summary.refused.isEmpty { throw ExitCode(1) }
        }
    }
}

/// The matching round's outcome, set from the merge job's hook.
///
/// `@unchecked Sendable` is safe: `MergeJob.run` calls the hook synchronously on the calling thread,
/// which reads `outcome` only after `run` has returned.
final class MatchBox: @unchecked Sendable {
    var outcome: MatchingRound.Outcome?
}

extension HubMerge {
    /// An error in the user's language (ours), or its description (a bug).
    static func describe(_ error: any Error, _ lang: Lang) -> String {
        (error as? UserFacingError)?.message(lang) ?? String(describing: error)
    }
}
