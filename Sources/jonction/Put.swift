import ArgumentParser
import Jonction
import JonctionStore

struct Put: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Écrire des champs d’un enregistrement (le crée s’il est nouveau).",
        discussion: """
            Chaque champ=valeur est coupé au premier « = » : la valeur peut contenir « = », des espaces \
            (entre guillemets), des accents. Une valeur vide efface le champ.
            Exemple : jonction put candidate kayes-c16 family_name=Diarra "given_names=Awa" sex=F region=Kayes
            """)

    @OptionGroup var options: CommonOptions
    @OptionGroup var author: AuthorOptions

    @Argument(help: "Table : candidate, employer, opportunity, proposal, placement.")
    var table: String

    @Argument(help: "Identifiant de l’enregistrement (ex. kayes-c16).")
    var id: String

    @Argument(help: "Champs à écrire, sous la forme champ=valeur.")
    var assignments: [String] = []

    @Flag(help: "Sortie JSON.")
    var json = false

    func run() throws {
        let lang = options.language
        try running(lang) {
            var fields: [(String, String)] = []
            for assignment in assignments {
                guard let eq = assignment.firstIndex(of: "="), eq != assignment.startIndex else {
                    throw CommandError.badAssignment(assignment)
                }
                fields.append((String(assignment[..<eq]), String(assignment[assignment.index(after: eq)...])))
            }
            let replica = try options.openReplica()
            defer { try? replica.close() }
            let existed = try replica.read { try $0.state(table: table, id: id) } != nil
            let user = try author.author()
            let changes = try replica.write { tx in
                try tx.act(as: user)
                return try tx.put(table: table, id: id, fields: fields)
            }
            if json {
                var out = CanonicalJSON()
                out.beginObject()
                out.key("changes"); out.integer(changes.count)
                out.key("created"); out.bool(!existed && !changes.isEmpty)
                out.key("id"); out.string(id)
                out.key("table"); out.string(table)
                out.endObject()
                print(out.output)
            } else if changes.isEmpty {
                print(lang.pick("\(table) \(id) : rien à changer (champs vides, jamais remplis).",
                                "\(table) \(id): nothing to change (empty fields, never set)."))
            } else {
                let names = changes.compactMap(\.field).joined(separator: ", ")
                let verb = existed ? lang.pick("modifié", "updated") : lang.pick("créé", "created")
                print(lang.pick("\(table) \(id) \(verb) : \(changes.count) champ\(changes.count > 1 ? "s" : "") écrit\(changes.count > 1 ? "s" : "") (\(names)).",
                                "\(table) \(id) \(verb): \(changes.count) field\(changes.count > 1 ? "s" : "") written (\(names))."))
            }
        }
    }
}
