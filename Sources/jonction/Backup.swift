import ArgumentParser
import Jonction
import JonctionStore

struct Backup: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Sauvegarder le réplica dans un fichier, même pendant que le pôle sert ou fusionne.",
        discussion: """
            La copie est cohérente (un instant précis) et complète ; elle s’ouvre comme tout réplica \
            (--db FICHIER). Un fichier existant n’est jamais écrasé. Exemple :
            jonction backup --db pole.sqlite --to /media/sauvegarde/pole-2027-03-05.sqlite
            """)

    @OptionGroup var options: CommonOptions

    @Option(help: "Fichier de la sauvegarde (il ne doit pas exister).")
    var to: String

    func run() throws {
        let lang = options.language
        try options.withReplica(.readOnly) { replica in
            try replica.backup(to: to)
            print(lang.pick("Sauvegarde écrite : \(to)", "Backup written: \(to)"))
        }
    }
}
