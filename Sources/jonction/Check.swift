import ArgumentParser
import Jonction
import JonctionBundle
import JonctionStore

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Vérifier l’intégrité du réplica : le fichier SQLite, chaque fiche contre le journal, les signatures du journal.",
        discussion: """
            Ne modifie rien. Sortie 0 si tout concorde ; sinon 1, avec ce qui diffère : restaurez alors une \
            sauvegarde (jonction backup), ou reconstruisez le poste à partir du pôle.
            """)

    @OptionGroup var options: CommonOptions

    @Flag(help: "Sortie JSON.")
    var json = false

    func run() throws {
        let lang = options.language
        try options.withReplica(.readOnly) { replica in
            let report = try replica.read { try $0.checkIntegrity() }
            let badlySigned = try replica.read { try $0.badlySignedSegments() }
            let afterRevocation = try replica.read { try $0.changesAfterRevocation() }
            let sound = report.isSound && badlySigned.isEmpty
            if json {
                var out = CanonicalJSON()
                out.beginObject()
                out.key("badly_signed")
                out.beginArray()
                for b in badlySigned { out.string("\(b.origin) \(b.seqs.lowerBound)-\(b.seqs.upperBound)") }
                out.endArray()
                out.key("changes"); out.integer(report.changes)
                out.key("differing_records"); out.beginArray(); report.differingRecords.forEach { out.string($0) }; out.endArray()
                out.key("log_gaps"); out.beginArray(); report.logGaps.forEach { out.string($0.rawValue) }; out.endArray()
                out.key("records"); out.integer(report.records)
                out.key("revoked_changes")
                out.beginArray()
                for r in afterRevocation { out.string("\(r.origin) \(r.seqs.lowerBound)-\(r.seqs.upperBound)") }
                out.endArray()
                out.key("sound"); out.bool(sound)
                out.key("sqlite"); out.beginArray(); report.sqlite.forEach { out.string($0) }; out.endArray()
                out.endObject()
                print(out.output)
            } else if sound {
                print(lang.pick("Réplica intact : fichier SQLite sain, \(report.records) fiche(s) conformes aux \(report.changes) changement(s) du journal.",
                                "Replica sound: SQLite file healthy, \(report.records) record(s) match the \(report.changes) change(s) of the log."))
            } else {
                print(lang.pick("Réplica endommagé :", "Replica damaged:"))
                for line in report.sqlite { print(lang.pick("  SQLite : ", "  SQLite: ") + line) }
                for origin in report.logGaps {
                    print(lang.pick("  journal : des changements de \(origin) manquent", "  log: changes of \(origin) are missing"))
                }
                for record in report.differingRecords.prefix(50) {
                    print(lang.pick("  fiche \(record) : ne correspond pas au journal", "  record \(record): does not match the log"))
                }
                for b in badlySigned.prefix(50) {
                    print(lang.pick("  journal : la signature des changements \(b.seqs.lowerBound) à \(b.seqs.upperBound) de \(b.origin) ne correspond plus",
                                    "  log: the signature of changes \(b.seqs.lowerBound) to \(b.seqs.upperBound) of \(b.origin) no longer matches"))
                }
                if report.differingRecords.count > 50 {
                    print(lang.pick("  … et \(report.differingRecords.count - 50) autre(s)", "  … and \(report.differingRecords.count - 50) more"))
                }
                print(lang.pick("Restaurez une sauvegarde (jonction backup), ou reconstruisez le poste à partir du pôle.",
                                "Restore a backup (jonction backup), or rebuild the machine from the hub."))
            }
            if !json {
                for r in afterRevocation {
                    print(lang.pick(
                        "À signaler : ce réplica détient les changements \(r.seqs.lowerBound) à \(r.seqs.upperBound) de \(r.origin), écrits après sa révocation (reçus avant que la liste des sites ne le dise) : ils ne seront transmis à personne. Prévenez l’administrateur du pôle.",
                        "To report: this replica holds changes \(r.seqs.lowerBound) to \(r.seqs.upperBound) of \(r.origin), written after its revocation (received before the site roster said so): they will be passed on to no one. Tell the hub administrator."))
                }
            }
            if !sound { throw ExitCode(1) }
        }
    }
}
