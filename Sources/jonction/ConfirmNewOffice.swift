import ArgumentParser
import Jonction
import JonctionStore

struct ConfirmNewOffice: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "confirm-new-office",
        abstract: "Confirmer qu’un réplica créé avec « init --restore » est celui d’un bureau tout neuf, dont le pôle n’a rien reçu.",
        discussion: """
            Un réplica créé avec --restore refuse toute saisie jusqu’à l’import de l’export complet du \
            pôle. Si le pôle n’a vraiment jamais rien reçu de ce bureau, cette commande lève l’attente. \
            À n’utiliser qu’en connaissance de cause : si le pôle détient des changements de ce site, \
            ses nouveaux paquets seront refusés.
            """)

    @OptionGroup var options: CommonOptions

    func run() throws {
        let lang = options.language
        try options.withReplica { replica in
            let wasWaiting = try replica.write { try $0.confirmNewOffice() }
            if wasWaiting {
                print(lang.pick("Confirmé : \(replica.site) est un nouveau bureau ; la saisie est possible.",
                                "Confirmed: \(replica.site) is a new office; entries are accepted."))
            } else {
                print(lang.pick("Ce réplica n’attendait pas l’export du pôle : rien à faire.",
                                "This replica was not waiting for the hub's export: nothing to do."))
            }
        }
    }
}
