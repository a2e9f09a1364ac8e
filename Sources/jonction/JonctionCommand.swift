import ArgumentParser
import Foundation
import Jonction
import JonctionBundle

@main
struct JonctionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jonction",
        abstract: "Jonction : réplica de bureau hors ligne, paquets de changements, synchronisation avec le pôle.",
        discussion: """
            Base de données : --db CHEMIN, sinon $JONCTION_DB, sinon ./jonction.sqlite. \
            Messages en français ; --lang en (ou JONCTION_LANG=en) pour l’anglais.
            """,
        version: "jonction \(JonctionCommand.version) — paquets format v\(ChangeBundle.formatVersion) (lit aussi v1 jusqu’au 30 juin 2027), schéma v\(Schema.current.version)",
        subcommands: [
            Init.self, ConfirmNewOffice.self, Put.self, Delete.self, Erase.self, Purge.self, Get.self, Search.self, Dump.self, Log.self, Status.self,
            Export.self, Import.self, Conflicts.self, Join.self, Sync.self, HubCommand.self,
            Csv.self, Report.self,
            Match.self, Proposals.self, Accept.self, Decline.self, Users.self, Serve.self, Duplicates.self, MergeDuplicates.self, Check.self, Backup.self, Clock.self, Keys.self, Demo.self,
        ])

    /// This release of the tool.
    static let version = "0.12.0"

    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asynchronous = command as? AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                try command.run()
            }
            finish(.success)
        } catch let error as ExitCode {
            finish(error)
        } catch where exitCode(for: error) == .success {
            // `--help` on the tool or on any command, `--version`: on stdout, exit 0.
            let text = fullMessage(for: error)
            if !text.isEmpty { print(text) }
            finish(.success)
        } catch {
            // Usage errors: swift-argument-parser's own words, with a French pointer to the help.
            let lang = Lang.fromEnvironment(arguments: CommandLine.arguments)
            let detail = message(for: error)
            printError(lang.pick(
                "Commande incorrecte : \(detail)\nAide : jonction --help, ou jonction COMMANDE --help.",
                "Invalid command: \(detail)\nHelp: jonction --help, or jonction COMMAND --help."))
            finish(ExitCode(64))
        }
    }

    /// Exits with `code`, or with 74 (EX_IOERR) if what was printed could not all be written.
    static func finish(_ code: ExitCode) -> Never {
        guard standardOutputWasWritten() else {
            // The reader went away (`| head`): end as a process killed by SIGPIPE would, quietly.
            if errno == EPIPE { Foundation.exit(128 + SIGPIPE) }
            let lang = Lang.fromEnvironment(arguments: CommandLine.arguments)
            printError(lang.pick(
                "Erreur : la sortie n’a pas pu être écrite en entier (disque plein, ou sortie fermée) : ce qui était affiché est perdu. Libérez de la place, ou redirigez la sortie ailleurs, puis relancez.",
                "Error: the output could not be written in full (disk full, or output closed): what was printed is lost. Free some space, or send the output elsewhere, and run again."))
            Foundation.exit(74)
        }
        Foundation.exit(code.rawValue)
    }
}
