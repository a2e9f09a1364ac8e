import ArgumentParser

struct Decline: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Refuser une proposition : cette opportunité ne sera plus proposée à ce candidat.")

    @OptionGroup var options: CommonOptions
    @OptionGroup var author: AuthorOptions

    @Argument(help: "Identifiant de la proposition (voir jonction proposals).")
    var id: String

    func run() throws {
        try answer(options, author, proposal: id, accept: false)
    }
}
