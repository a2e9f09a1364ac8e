import ArgumentParser
import JonctionStore

struct Accept: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Accepter une proposition (le candidat est d’accord) : au prochain tour, le pôle en fait un placement.")

    @OptionGroup var options: CommonOptions

    @Argument(help: "Identifiant de la proposition (voir jonction proposals).")
    var id: String

    func run() throws {
        let lang = options.language
        try running(lang) {
            let replica = try options.openReplica()
            defer { try? replica.close() }
            try replica.answer(proposal: id, accept: true)
            print(lang.pick("Proposition \(id) acceptée. La réponse partira au pôle avec le prochain paquet (export ou sync).",
                            "Proposal \(id) accepted. The answer goes to the hub with the next bundle (export or sync)."))
        }
    }
}
