import ArgumentParser
import Foundation
import Jonction
import JonctionStore

/// Options every command takes.
struct CommonOptions: ParsableArguments {
    @Option(name: .long, help: "Chemin du réplica (sinon $JONCTION_DB, sinon ./jonction.sqlite).")
    var db: String?

    @Option(name: .long, help: "Langue des messages : fr (par défaut) ou en.")
    var lang: Lang?

    var language: Lang { lang ?? Lang.fromEnvironment(arguments: []) }

    var databasePath: String {
        if let db { return db }
        if let env = ProcessInfo.processInfo.environment["JONCTION_DB"], !env.isEmpty { return env }
        return "./jonction.sqlite"
    }

    /// Opens the replica; `.readOnly` for commands that only read it (they then work on a full disk).
    func openReplica(_ mode: Replica.Mode = .readWrite) throws -> Replica {
        try Replica.open(at: databasePath, mode: mode)
    }
}

extension CommonOptions {
    /// Runs a command body on the replica (see `running` for errors); the replica is closed after.
    func withReplica(_ mode: Replica.Mode = .readWrite, _ body: (Replica) throws -> Void) throws {
        try running(language) {
            let replica = try openReplica(mode)
            defer { try? replica.close() }
            try body(replica)
        }
    }

    /// As `withReplica`, on the hub's replica only.
    func withHub(_ mode: Replica.Mode = .readWrite, _ body: (Replica) throws -> Void) throws {
        try running(language) {
            let replica = try openHub(mode)
            defer { try? replica.close() }
            try body(replica)
        }
    }

    /// The hub's replica: `jonction hub …` commands refuse an office's.
    func openHub(_ mode: Replica.Mode = .readWrite) throws -> Replica {
        let replica = try openReplica(mode)
        guard replica.site == .hub else {
            try? replica.close()
            throw CommandError.notTheHub(replica.site)
        }
        return replica
    }
}

extension Lang: ExpressibleByArgument {
    /// `--lang` on the command line, else `$JONCTION_LANG`, else French.
    static func fromEnvironment(arguments: [String]) -> Lang {
        if let i = arguments.firstIndex(of: "--lang"), i + 1 < arguments.count, let lang = Lang(rawValue: arguments[i + 1]) {
            return lang
        }
        if let arg = arguments.first(where: { $0.hasPrefix("--lang=") }), let lang = Lang(rawValue: String(arg.dropFirst(7))) {
            return lang
        }
        return ProcessInfo.processInfo.environment["JONCTION_LANG"].flatMap(Lang.init(rawValue:)) ?? .fr
    }
}

/// An error of the command line itself (arguments the library never sees).
enum CommandError: Error, UserFacingError {
    case badAssignment(String)
    case exportToSelf(SiteName)
    case notTheHub(SiteName)
    case unreadableFile(String)
    case outOfRange(option: String, value: Int, range: ClosedRange<Int>)
    case restoreAtHub
    case invalidIdentity(String)
    case tlsPair
    case hubWithoutNetwork
    case invalidDate(String)
    case invalidRole(String)
    case invalidFullName
    case tableNeeded
    case invalidPeriod(option: String, String)
    case csvAndJSON
    /// A new password refused, with the reason in French.
    case badPassword(String)

    func message(_ lang: Lang) -> String {
        switch self {
        case .invalidIdentity(let text):
            return lang.pick(
                "« \(text.prefix(40)) » n’est ni une identité de site ni un fichier qui en contient une : attendu la ligne « jonction-site NOM CLÉ CLÉ » affichée par « jonction init » sur le poste du bureau.",
                "“\(text.prefix(40))” is neither a site identity nor a file holding one: expected the “jonction-site NAME KEY KEY” line “jonction init” printed on the office's machine.")
        case .badAssignment(let text):
            return lang.pick(
                "Argument « \(text) » incorrect : attendu champ=valeur, par exemple family_name=Traoré ou « notes=Revenu de Libye ».",
                "Invalid argument “\(text)”: expected field=value, e.g. family_name=Traoré or “notes=Back from Libya”.")
        case .notTheHub(let site):
            return lang.pick(
                "Ce réplica est celui du site \(site), pas du pôle : les commandes « jonction hub » s’utilisent sur le réplica du pôle (créé par « jonction init --site hub »).",
                "This replica is site \(site)'s, not the hub's: “jonction hub” commands work on the hub's replica (created by “jonction init --site hub”).")
        case .outOfRange(let option, let value, let range):
            return lang.pick("\(option) \(value) : la valeur doit être entre \(range.lowerBound) et \(range.upperBound).",
                             "\(option) \(value): the value must be between \(range.lowerBound) and \(range.upperBound).")
        case .restoreAtHub:
            return lang.pick(
                "--restore est pour le nouveau poste d’un bureau : le pôle, lui, se remet en service depuis sa dernière sauvegarde (jonction backup).",
                "--restore is for an office's new machine: the hub is put back into service from its last backup (jonction backup).")
        case .hubWithoutNetwork:
            return lang.pick(
                "Le réplica du pôle n’a pas d’identifiant de réseau (créé par une ancienne version de Jonction) : aucun fichier d’adhésion ne peut être écrit. Rien n’a été modifié.",
                "The hub's replica has no network id (made by an old version of Jonction): no join file can be written. Nothing was changed.")
        case .badPassword(let reason):
            return lang.pick("Mot de passe refusé : \(reason) Rien n’a été changé.", "Password refused: \(reason) Nothing was changed.")
        case .invalidRole(let text):
            return lang.pick(
                "Rôle inconnu « \(NormalText.printable(text)) » : clerk (agent de saisie), manager (responsable) ou administrator.",
                "Unknown role “\(NormalText.printable(text))”: clerk, manager or administrator.")
        case .tableNeeded:
            return lang.pick("Indiquez la table avec --table (candidate, employer, opportunity, proposal, placement), ou « table = … » dans le fichier de correspondance.",
                             "Name the table with --table (candidate, employer, opportunity, proposal, placement), or “table = …” in the mapping file.")
        case .csvAndJSON:
            return lang.pick("--csv et --json ne vont pas ensemble : choisissez l’un des deux.", "--csv and --json don't go together: choose one.")
        case .invalidFullName:
            return lang.pick("Nom complet refusé : au plus 100 caractères, sans caractère de contrôle.",
                             "Full name refused: at most 100 characters, no control character.")
        case .invalidDate(let text):
            return lang.pick(
                "Date invalide « \(NormalText.printable(text)) » : écrivez AAAA-MM-JJ ou JJ/MM/AAAA, par exemple 2027-01-31 ou 31/01/2027.",
                "Invalid date “\(NormalText.printable(text))”: write YYYY-MM-DD or DD/MM/YYYY, e.g. 2027-01-31 or 31/01/2027.")
        case .invalidPeriod(let option, let text):
            return lang.pick(
                "\(option) « \(NormalText.printable(String(text.prefix(40)))) » : écrivez une date AAAA-MM-JJ ou JJ/MM/AAAA, ou un mois AAAA-MM, par exemple 2027-03-05, 05/03/2027 ou 2027-03.",
                "\(option) “\(NormalText.printable(String(text.prefix(40))))”: write a date YYYY-MM-DD or DD/MM/YYYY, or a month YYYY-MM, e.g. 2027-03-05, 05/03/2027 or 2027-03.")
        case .tlsPair:
            return lang.pick(
                "--tls-certificate et --tls-key vont ensemble : donnez les deux (HTTPS), ou aucun (HTTP, derrière un proxy inverse qui fait le TLS).",
                "--tls-certificate and --tls-key go together: give both (HTTPS), or neither (HTTP, behind a reverse proxy doing TLS).")
        case .unreadableFile(let path):
            return lang.pick("Impossible de lire le fichier \(path) : vérifiez le chemin et les droits.",
                             "Cannot read the file \(path): check the path and the permissions.")
        case .exportToSelf(let site):
            return lang.pick(
                "Ce réplica est celui du site \(site) : indiquez le destinataire avec --for SITE (par exemple --for kayes).",
                "This replica is site \(site)'s: name the addressee with --for SITE (e.g. --for kayes).")
        }
    }
}

/// Runs a command body, turning our errors into a message on stderr in the user's language and
/// exit code 1. Anything else is a bug: its description is shown, exit code 70.
func running(_ lang: Lang, _ body: () throws -> Void) throws {
    do { try body() } catch { throw exitCode(for: error, lang) }
}

/// `running` for asynchronous commands.
func running(_ lang: Lang, _ body: () async throws -> Void) async throws {
    do { try await body() } catch { throw exitCode(for: error, lang) }
}

/// Says what went wrong on stderr and gives the exit code: 1 for what the user can act on, 70 for a bug.
private func exitCode(for error: any Error, _ lang: Lang) -> ExitCode {
    switch error {
    case let error as ExitCode:
        return error
    case let error as UserFacingError:
        printError(lang.pick("Erreur : ", "Error: ") + error.message(lang))
        return ExitCode(1)
    default:
        printError(lang.pick("Erreur interne : ", "Internal error: ") + String(describing: error))
        return ExitCode(70)
    }
}

func printError(_ text: String) {
    writeStandardError(text + "\n")
}

/// Writes to stderr with `write(2)`, ignoring failures: a full or closed stderr (a full `/var` under
/// cron) must not turn an error message into a crash, which `FileHandle.write` does.
func writeStandardError(_ text: String) {
    var bytes = Array(text.utf8)
    var offset = 0
    while offset < bytes.count {
        let n = bytes.withUnsafeMutableBytes { write(STDERR_FILENO, $0.baseAddress! + offset, $0.count - offset) }
        if n < 0 && errno == EINTR { continue }
        guard n > 0 else { return }
        offset += n
    }
}

/// Flushes stdout; false if anything printed could not be written (a full disk, a closed pipe):
/// the command must then not report success, or a token or a report could be lost unseen.
func standardOutputWasWritten() -> Bool {
    // All streams: stdout is not reachable by name under strict concurrency, and a failed earlier
    // flush leaves its bytes buffered, so this one fails too.
    fflush(nil) == 0
}

/// Whether stdout is a terminal (progress and colours only then).
var standardOutputIsTerminal: Bool { isatty(STDOUT_FILENO) == 1 }
var standardErrorIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }

/// Who makes the changes of a writing command: `--as NAME`, else `$JONCTION_USER`. Required on a
/// site that has a user list (`jonction users`); each change then names its author.
struct AuthorOptions: ParsableArguments {
    @Option(name: .customLong("as"), help: "Votre nom d’utilisateur sur ce site (sinon $JONCTION_USER) ; obligatoire si le site a une liste d’utilisateurs.")
    var user: String?

    /// The user name given, checked for form (the replica checks that the user exists).
    func author() throws -> UserName? {
        let given = user ?? ProcessInfo.processInfo.environment["JONCTION_USER"].flatMap { $0.isEmpty ? nil : $0 }
        return try given.map { try UserName($0) }
    }
}
