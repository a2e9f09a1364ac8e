import ArgumentParser
import Jonction
import JonctionStore

struct Dump: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Tous les enregistrements vivants, en JSON canonique.",
        discussion: """
            {"table":{"id":{"champ":valeur,…},…},…} : clés triées, sans espace. Deux réplicas dans le \
            même état donnent exactement les mêmes octets.
            """)

    @OptionGroup var options: CommonOptions

    @Flag(help: "Sortie JSON (toujours le cas pour dump ; accepté pour les scripts).")
    var json = false

    func run() throws {
        try running(options.language) {
            let replica = try options.openReplica(.readOnly)
            defer { try? replica.close() }
            print(try replica.read { try $0.dumpJSON() })
        }
    }
}
