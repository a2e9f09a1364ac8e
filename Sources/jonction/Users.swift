import ArgumentParser
import JonctionWeb
import Foundation
import Jonction
import JonctionStore

struct Users: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "La liste des utilisateurs du site : qui peut écrire ici, avec quel rôle.",
        discussion: """
            Dès que le site a un utilisateur, chaque commande qui écrit (put, delete, erase, purge, \
            accept, decline) demande --as NOM (ou JONCTION_USER) et chaque changement garde le nom \
            de son auteur : « jonction log » et « jonction get » montrent qui a fait quoi, et quand. \
            Rôles : clerk (agent de saisie : enregistrer, modifier, répondre aux propositions), \
            manager (responsable : aussi effacer), administrator (aussi gérer cette liste). \
            Le premier utilisateur est ajouté par n’importe qui ; ensuite, par un administrateur. \
            La liste reste sur ce site ; seuls les noms d’utilisateur voyagent, avec les changements.
            """,
        subcommands: [UsersAdd.self, UsersList.self, UsersRemove.self, UsersPassword.self],
        defaultSubcommand: UsersList.self)
}

struct UsersAdd: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add", abstract: "Ajouter une personne à la liste des utilisateurs du site.")

    @OptionGroup var options: CommonOptions
    @OptionGroup var author: AuthorOptions

    @Argument(help: "Nom d’utilisateur : a-z, 0-9, « . » et « - », commençant par une lettre (ex. awa.diarra).")
    var name: String

    @Option(help: "Rôle : clerk (agent de saisie), manager (responsable) ou administrator.")
    var role: String = "clerk"

    @Option(name: .customLong("full-name"), help: "Nom complet, pour la liste (reste sur ce site).")
    var fullName: String?

    func run() throws {
        let lang = options.language
        try options.withReplica { replica in
            let user = try UserName(name)
            guard let role = UserRole(rawValue: role) else { throw CommandError.invalidRole(role) }
            let by = try author.author()
            let first = try replica.write { tx in
                let first = try tx.users().filter(\.isActive).isEmpty
                if !first { try tx.act(as: by, needing: .administrator) }
                try tx.addUser(user, role: role, fullName: try fullName.map { raw in
                    let text = NormalText.singleSpaced(NormalText.normalise(raw))
                    guard NormalText.isNormal(text, maxLength: 100) else { throw CommandError.invalidFullName }
                    return text
                })
                return first
            }
            print(lang.pick("Utilisateur \(user) ajouté (\(role.frenchName)).", "User \(user) added (\(role.rawValue))."))
            if first {
                print(lang.pick(
                    "C’est le premier utilisateur du site : désormais, chaque commande qui écrit demande --as NOM (ou JONCTION_USER).",
                    "This is the site’s first user: from now on, every command that writes needs --as NAME (or JONCTION_USER)."))
                if role != .administrator {
                    print(lang.pick("Attention : sans administrateur, personne ne pourra plus gérer la liste. Ajoutez-en un.",
                                    "Warning: without an administrator, nobody can manage the list. Add one."))
                }
            }
        }
    }
}

struct UsersList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "Afficher la liste des utilisateurs du site.")

    @OptionGroup var options: CommonOptions

    @Flag(help: "Sortie JSON : un tableau d’utilisateurs.")
    var json = false

    func run() throws {
        let lang = options.language
        try options.withReplica(.readOnly) { replica in
            let users = try replica.read { try $0.users() }
            if json {
                var out = CanonicalJSON()
                out.beginArray()
                for u in users {
                    out.beginObject()
                    out.key("active"); out.bool(u.isActive)
                    out.key("added_at"); out.string(HLC.iso8601(millis: u.addedAt))
                    out.key("full_name"); if let f = u.fullName { out.string(f) } else { out.null() }
                    out.key("name"); out.string(u.name.rawValue)
                    out.key("role"); out.string(u.role.rawValue)
                    out.endObject()
                }
                out.endArray()
                print(out.output)
                return
            }
            if users.isEmpty {
                print(lang.pick("Aucun utilisateur : les changements de ce site ne nomment pas leur auteur. Ajoutez-en avec « jonction users add NOM --role administrator ».",
                                "No user: this site’s changes do not name their author. Add some with “jonction users add NAME --role administrator”."))
                return
            }
            for u in users {
                let state = u.isActive ? "" : lang.pick("  (retiré)", "  (removed)")
                let role = lang.pick(u.role.frenchName, u.role.rawValue)
                print("\(u.name)  \(role)\(u.fullName.map { "  \($0)" } ?? "")\(state)")
            }
        }
    }
}

struct UsersRemove: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove", abstract: "Retirer l’accès d’une personne (son nom reste dans l’historique des changements).")

    @OptionGroup var options: CommonOptions
    @OptionGroup var author: AuthorOptions

    @Argument(help: "Nom d’utilisateur à retirer.")
    var name: String

    func run() throws {
        let lang = options.language
        try options.withReplica { replica in
            let user = try UserName(name)
            let by = try author.author()
            try replica.write { tx in
                try tx.act(as: by, needing: .administrator)
                try tx.removeUser(user)
            }
            print(lang.pick("Accès de \(user) retiré.", "\(user)’s access removed."))
        }
    }
}

struct UsersPassword: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "password",
        abstract: "Donner ou changer le mot de passe d’un utilisateur (pour l’application, jonction serve).",
        discussion: """
            Le mot de passe est demandé deux fois au clavier, sans s’afficher ; dans un script, il est lu \
            sur l’entrée standard (première ligne). Jamais sur la ligne de commande : il y serait visible \
            des autres comptes du poste. Seule son empreinte (bcrypt) est gardée, dans le réplica.
            Exemple : jonction users password awa.diarra --db kayes.sqlite
            """)

    @OptionGroup var options: CommonOptions
    @OptionGroup var author: AuthorOptions

    @Argument(help: "Nom d’utilisateur.")
    var name: String

    func run() throws {
        let lang = options.language
        try options.withReplica { replica in
            let user = try UserName(name)
            let by = try author.author()
            // Checked before asking: an unknown user, or a person who may not, is told at once.
            try replica.write { tx in
                guard try tx.users().contains(where: { $0.name == user && $0.isActive }) else {
                    throw StoreError.unknownUser(user.rawValue, site: replica.site)
                }
                if by != user { try tx.act(as: by, needing: .administrator) }
            }
            let password: String
            if isatty(STDIN_FILENO) == 1 {
                let first = readSecret(lang.pick("Nouveau mot de passe pour \(user) : ", "New password for \(user): "))
                let second = readSecret(lang.pick("Le même, encore : ", "The same again: "))
                if let problem = Passwords.problem(first, confirmation: second) { throw CommandError.badPassword(problem) }
                password = first
            } else {
                password = readLine(strippingNewline: true).map { $0.hasSuffix("\r") ? String($0.dropLast()) : $0 } ?? ""
                if let problem = Passwords.problem(password) { throw CommandError.badPassword(problem) }
            }
            try replica.setPassword(password, for: user)
            print(lang.pick("Mot de passe de \(user) enregistré.", "Password of \(user) saved."))
        }
    }

    /// A line typed at the terminal without echo.
    func readSecret(_ prompt: String) -> String {
        FileHandle.standardError.write(Data(prompt.utf8))
        var saved = termios()
        tcgetattr(STDIN_FILENO, &saved)
        var silent = saved
        silent.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(STDIN_FILENO, TCSANOW, &silent)
        defer {
            tcsetattr(STDIN_FILENO, TCSANOW, &saved)
            FileHandle.standardError.write(Data("\n".utf8))
        }
        return readLine(strippingNewline: true) ?? ""
    }
}
