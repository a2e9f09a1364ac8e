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
            Base de données : --db CHEMIN, sinon $JONCTION_DB, sinon ./jonction.sqlite.
            Messages en français ; --lang en (ou JONCTION_LANG=en) pour l’anglais.
            """,
        version: "jonction \(JonctionCommand.version) — paquets format v\(ChangeBundle.formatVersion), schéma v\(Schema.v1.version)",
        subcommands: [
            Init.self, Put.self, Delete.self, Get.self, Dump.self, Log.self, Status.self,
            Export.self, Import.self, Conflicts.self, Sync.self, HubCommand.self,
            Match.self, Proposals.self, Accept.self, Decline.self, Demo.self,
        ])

    /// This release of the tool.
    static let version = "0.10.0"

    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asynchronous = command as? AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                try command.run()
            }
        } catch let error as CleanExit {
            exit(withError: error)
        } catch let error as ExitCode {
            exit(withError: error)
        } catch where exitCode(for: error) == .success {
            // `--help` on the tool or on any command: the help on stdout, exit 0.
            print(fullMessage(for: error))
            exit(withError: ExitCode.success)
        } catch {
            // Usage errors: swift-argument-parser's own words, with a French pointer to the help.
            let lang = Lang.fromEnvironment(arguments: CommandLine.arguments)
            let detail = message(for: error)
            FileHandle.standardError.write(Data((lang.pick(
                "Commande incorrecte : \(detail)\nAide : jonction --help, ou jonction COMMANDE --help.",
                "Invalid command: \(detail)\nHelp: jonction --help, or jonction COMMAND --help.") + "\n").utf8))
            exit(withError: ExitCode(64))
        }
    }
}
