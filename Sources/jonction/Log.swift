import ArgumentParser
import Jonction
import JonctionStore

struct Log: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Le journal des changements (par site d’origine, puis par numéro).")

    @OptionGroup var options: CommonOptions

    @Option(help: "Seulement les changements de ce site d’origine.")
    var origin: String?

    @Option(help: "Seulement cette table.")
    var table: String?

    @Option(help: "Seulement cet enregistrement (son historique).")
    var id: String?

    @Option(help: "Seulement les N derniers changements affichés.")
    var limit: Int?

    @Flag(help: "Sortie JSON : un tableau de changements.")
    var json = false

    func run() throws {
        let lang = options.language
        try options.withReplica(.readOnly) { replica in
            if let table { _ = try replica.schema.table(named: table) }
            var changes = try replica.read { try $0.log(origin: try origin.map { try SiteName($0) }, table: table, id: id) }
            if let limit, limit >= 0, changes.count > limit { changes.removeFirst(changes.count - limit) }
            if json {
                var out = CanonicalJSON()
                out.beginArray()
                for change in changes { out.change(change) }
                out.endArray()
                print(out.output)
                return
            }
            if changes.isEmpty {
                print(lang.pick("Aucun changement.", "No change."))
                return
            }
            for c in changes {
                let what: String
                switch c.operation {
                case .set(let field, .erased):
                    what = "\(field) " + lang.pick("(valeur effacée)", "(value erased)")
                case .set(let field, let value):
                    what = value.isNull ? "\(field) " + lang.pick("vidé", "cleared") : "\(field) = \(value.display)"
                case .delete:
                    what = lang.pick("SUPPRESSION", "DELETE")
                case .erase:
                    what = lang.pick("EFFACEMENT", "ERASURE")
                }
                let who = c.author.map { lang.pick("  (par \($0))", "  (by \($0))") } ?? ""
                print("\(c.origin) #\(c.seq)  \(c.hlc)  \(c.table) \(c.id)  \(what)\(who)")
            }
        }
    }
}

extension CanonicalJSON {
    /// A change as `log --json` shows it.
    mutating func change(_ c: Change) {
        beginObject()
        if let author = c.author {
            key("author"); string(author.rawValue)
        }
        if let field = c.field {
            key("field"); string(field)
        }
        key("hlc"); integer(c.hlc.rawValue)
        key("id"); string(c.id)
        key("op"); string(c.isErase ? "erase" : c.isDelete ? "delete" : "set")
        key("origin"); string(c.origin.rawValue)
        key("previous")
        if let p = c.previous { stamp(p) } else { null() }
        key("seq"); integer(c.seq)
        key("table"); string(c.table)
        key("time"); string(HLC.iso8601(millis: c.hlc.millis))
        if case .set(_, let v) = c.operation {
            if v == .erased {
                key("value_erased"); bool(true)
            } else {
                key("value"); value(v)
            }
        }
        endObject()
    }
}
