import ArgumentParser
import Jonction
import JonctionStore

struct Accept: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Accepter une proposition (le candidat est d’accord) : au prochain tour, le pôle en fait un placement.")

    @OptionGroup var options: CommonOptions
    @OptionGroup var author: AuthorOptions

    @Argument(help: "Identifiant de la proposition (voir jonction proposals).")
    var id: String

    func run() throws {
        try answer(options, author, proposal: id, accept: true)
    }
}

/// `accept` and `decline`: records the office's answer, which leaves with the next bundle.
func answer(_ options: CommonOptions, _ author: AuthorOptions, proposal id: String, accept: Bool) throws {
    let lang = options.language
    try options.withReplica { replica in
        let user = try author.author()
        try replica.write { tx in
            try tx.act(as: user)
            try tx.answer(proposal: id, accept: accept)
        }
        print(accept
            ? lang.pick("Proposition \(id) acceptée. La réponse partira au pôle avec le prochain paquet (export ou sync).",
                        "Proposal \(id) accepted. The answer goes to the hub with the next bundle (export or sync).")
            : lang.pick("Proposition \(id) refusée. Le pôle en tiendra compte au prochain tour.",
                        "Proposal \(id) declined. The hub will take it into account at the next round."))
    }
}
