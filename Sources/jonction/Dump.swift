import ArgumentParser
import Jonction
import JonctionStore

struct Dump: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Tous les enregistrements vivants, en JSON canonique.",
        discussion: """
            {"table":{"id":{"champ":valeur,…},…},…} : clés triées, sans espace. Deux réplicas dans le \
            même état donnent exactement les mêmes octets. Les valeurs identifiantes d’une personne \
            sans consentement (consent=none) ne quittent pas le site qui les a écrites : ce site les \
            montre, les autres ont null ; --shared montre ce que les autres sites ont.
            """)

    @OptionGroup var options: CommonOptions

    @Flag(help: "Sortie JSON (toujours le cas pour dump ; accepté pour les scripts).")
    var json = false

    @Flag(help: "L’état tel que les autres sites l’ont : sans les valeurs que ce site garde pour lui (consent=none).")
    var shared = false

    func run() throws {
        try running(options.language) {
            let replica = try options.openReplica(.readOnly)
            defer { try? replica.close() }
            print(try replica.read { try $0.dumpJSON(shared: shared) })
        }
    }
}
