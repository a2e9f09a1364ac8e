import ArgumentParser
import Jonction
import JonctionStore

struct Delete: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Supprimer un enregistrement, définitivement.",
        discussion: "La suppression l’emporte sur toute modification, antérieure ou postérieure, venue d’un autre site.")

    @OptionGroup var options: CommonOptions
    @OptionGroup var author: AuthorOptions

    @Argument(help: "Table de l’enregistrement.")
    var table: String

    @Argument(help: "Identifiant de l’enregistrement.")
    var id: String

    @Flag(help: "Sortie JSON.")
    var json = false

    func run() throws {
        let lang = options.language
        try options.withReplica { replica in
            let user = try author.author()
            let change = try replica.write { tx in
                try tx.act(as: user)
                return try tx.delete(table: table, id: id)
            }
            if json {
                var out = CanonicalJSON()
                out.beginObject()
                out.key("deleted"); out.bool(true)
                out.key("id"); out.string(id)
                out.key("seq"); out.integer(change.seq)
                out.key("table"); out.string(table)
                out.endObject()
                print(out.output)
            } else {
                print(lang.pick("\(table) \(id) supprimé (définitif).", "\(table) \(id) deleted (final)."))
            }
        }
    }
}
