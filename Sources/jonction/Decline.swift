import ArgumentParser
import JonctionStore

struct Decline: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Refuser une proposition : cette opportunité ne sera plus proposée à ce candidat.")

    @OptionGroup var options: CommonOptions

    @Argument(help: "Identifiant de la proposition (voir jonction proposals).")
    var id: String

    func run() throws {
        let lang = options.language
        try running(lang) {
            let replica = try options.openReplica()
            defer { try? replica.close() }
            try replica.answer(proposal: id, accept: false)
            print(lang.pick("Proposition \(id) refusée. Le pôle en tiendra compte au prochain tour.",
                            "Proposal \(id) declined. The hub will take it into account at the next round."))
        }
    }
}
