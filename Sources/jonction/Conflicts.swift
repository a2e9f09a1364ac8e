import ArgumentParser
import Jonction
import JonctionStore

struct Conflicts: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Les modifications concurrentes d’un même champ : les deux valeurs, les deux sites, laquelle a gagné.",
        discussion: "La règle : la modification la plus récente (horloge hybride, puis nom de site) l’emporte ; une suppression l’emporte toujours.")

    @OptionGroup var options: CommonOptions

    @Option(help: "Seulement les N plus récents.")
    var limit: Int?

    @Flag(help: "Sortie JSON.")
    var json = false

    func run() throws {
        let lang = options.language
        try options.withReplica(.readOnly) { replica in
            var conflicts = try replica.read { try $0.conflicts() }
            if let limit, limit >= 0 { conflicts = Array(conflicts.prefix(limit)) }
            if json {
                var out = CanonicalJSON()
                out.beginArray()
                for r in conflicts {
                    let c = r.conflict
                    out.beginObject()
                    out.key("detected_at"); out.string(HLC.iso8601(millis: r.detectedAt))
                    out.key("field"); out.string(c.field)
                    out.key("id"); out.string(c.id)
                    out.key("loser"); side(c.loser, &out)
                    out.key("table"); out.string(c.table)
                    out.key("winner"); side(c.winner, &out)
                    out.endObject()
                }
                out.endArray()
                print(out.output)
                return
            }
            if conflicts.isEmpty {
                print(lang.pick("Aucun conflit.", "No conflict."))
                return
            }
            for r in conflicts {
                let c = r.conflict
                func describe(_ s: Conflict.Side) -> String {
                    let what = s.value.map { "« \($0.display) »" } ?? lang.pick("suppression de la fiche", "record deleted")
                    return lang.pick("\(what) par \(s.stamp.site) le \(s.stamp.hlc.frenchDate)",
                                     "\(what) by \(s.stamp.site) on \(s.stamp.hlc.englishDate)")
                }
                print("\(c.table) \(c.id) · \(c.field)")
                print(lang.pick("  retenu : ", "  kept:   ") + describe(c.winner))
                print(lang.pick("  écarté : ", "  lost:   ") + describe(c.loser))
            }
        }
    }

    private func side(_ s: Conflict.Side, _ out: inout CanonicalJSON) {
        out.beginObject()
        out.key("deleted"); out.bool(s.value == nil)
        out.key("site"); out.string(s.stamp.site.rawValue)
        out.key("time"); out.string(HLC.iso8601(millis: s.stamp.hlc.millis))
        if let v = s.value {
            out.key("value"); out.value(v)
        }
        out.endObject()
    }
}
