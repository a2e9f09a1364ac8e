import Foundation
import Jonction
import JonctionStore

/// Sign-in, sign-out, the first administrator, and the user list.
extension OfficeWeb {
    func signInPage(_ visit: Visit, error: String? = nil, name: String = "") throws -> Reply {
        let users = try replica.read { try $0.users() }.filter(\.isActive)
        if users.isEmpty { return .redirect("/installation") }
        let withPassword = try replica.read { r in try users.filter { try r.passwordHash(of: $0.name) != nil } }
        var context = layout(visit, title: "Connexion")
        context["error"] = error
        context["name"] = name
        context["next"] = Self.safeNext(visit.query["suite"] ?? visit.form["suite"])
        context["noPassword"] = withPassword.isEmpty
        context["dbPath"] = replica.path
        return .page(render("signin", context), status: error == nil ? .ok : .unauthorized)
    }

    /// Only a path of this application (`/…`, not `//host`): no open redirect.
    static func safeNext(_ next: String?) -> String {
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"), !next.contains("\\") else { return "/" }
        return next
    }

    func signIn(_ visit: Visit) throws -> Reply {
        let name = visit.form.text("nom") ?? ""
        let password = visit.form["mot_de_passe"] ?? ""
        let refused = "Nom d’utilisateur ou mot de passe incorrect. Vérifiez les majuscules et réessayez."
        guard sessions.mayTry(name) else {
            return try signInPage(visit, error: "Trop d’essais manqués pour ce nom : attendez 5 minutes, puis réessayez.", name: name)
        }
        guard let user = try? UserName(name),
              let found = try replica.read({ try $0.users() }).first(where: { $0.name == user && $0.isActive }),
              let hash = try replica.read({ try $0.passwordHash(of: user) }),
              Passwords.verify(password, hash: hash)
        else {
            sessions.failed(name)
            return try signInPage(visit, error: refused, name: name)
        }
        let session = sessions.signIn(replacing: visit.session.token, user: user, role: found.role)
        sessions.flash(session.token, "Bienvenue, \(found.fullName ?? user.rawValue).")
        return .signedIn(session.token, Self.safeNext(visit.form["suite"]))
    }

    func signOut(_ visit: Visit) throws -> Reply {
        sessions.signOut(visit.session.token)
        return .redirect("/connexion")
    }

    func setupPage(_ visit: Visit, errors: [String] = [], name: String = "", fullName: String = "") throws -> Reply {
        guard try replica.read({ try $0.users() }).filter(\.isActive).isEmpty else { return .redirect("/connexion") }
        var context = layout(visit, title: "Premier démarrage")
        context["errors"] = errors
        context["name"] = name
        context["fullName"] = fullName
        return .page(render("setup", context), status: errors.isEmpty ? .ok : .unprocessableContent)
    }

    func setup(_ visit: Visit) throws -> Reply {
        let name = visit.form.text("nom") ?? ""
        let fullName = visit.form.text("nom_complet")
        let password = visit.form["mot_de_passe"] ?? ""
        var errors: [String] = []
        let user: UserName?
        do { user = try UserName(name) } catch { user = nil; errors.append(error.message(.fr)) }
        if let problem = Passwords.problem(password, confirmation: visit.form["confirmation"] ?? "") { errors.append(problem) }
        guard let user, errors.isEmpty else { return try setupPage(visit, errors: errors, name: name, fullName: fullName ?? "") }
        let hash = Passwords.hash(password, cost: options.passwordCost)
        let created = try replica.write { tx -> Bool in
            // Only while the site has no user: a second visitor finds the page closed.
            guard try tx.users().filter(\.isActive).isEmpty else { return false }
            try tx.addUser(user, role: .administrator, fullName: fullName)
            try tx.setPasswordHash(hash, for: user)
            return true
        }
        guard created else { return .redirect("/connexion") }
        let session = sessions.signIn(replacing: visit.session.token, user: user, role: .administrator)
        sessions.flash(session.token, "Administrateur \(user) créé. Ajoutez les autres personnes du bureau dans « Utilisateurs ».")
        return .signedIn(session.token, "/")
    }

    func usersPage(_ visit: Visit, errors: [String]) throws -> Reply {
        guard visit.role == .administrator else {
            throw WebRefusal(status: .forbidden, title: "Réservé", message: "La liste des utilisateurs est réservée aux administrateurs du site.")
        }
        let users = try replica.read { r in try r.users().map { ($0, try r.passwordHash(of: $0.name) != nil) } }
        var context = layout(visit, title: "Utilisateurs")
        context["errors"] = errors
        context["admin"] = true
        context["users"] = users.map { user, hasPassword in
            ["name": user.name.rawValue, "fullName": user.fullName ?? "", "role": user.role.frenchName,
             "password": hasPassword ? "défini" : "aucun", "state": user.isActive ? "actif" : "retiré"]
        }
        context["roles"] = UserRole.allCases.map { ["value": $0.rawValue, "label": $0.frenchName] }
        return .page(render("users", context), status: errors.isEmpty ? .ok : .unprocessableContent)
    }

    func saveUser(_ visit: Visit) throws -> Reply {
        guard visit.role == .administrator else {
            throw WebRefusal(status: .forbidden, title: "Réservé", message: "Seul un administrateur du site gère les utilisateurs.")
        }
        var errors: [String] = []
        let user: UserName?
        do { user = try UserName(visit.form.text("nom") ?? "") } catch { user = nil; errors.append(error.message(.fr)) }
        let role = UserRole(rawValue: visit.form["role"] ?? "") ?? .clerk
        let password = visit.form["mot_de_passe"] ?? ""
        if let problem = Passwords.problem(password, confirmation: visit.form["confirmation"] ?? "") { errors.append(problem) }
        guard let user, errors.isEmpty else { return try usersPage(visit, errors: errors) }
        let hash = Passwords.hash(password, cost: options.passwordCost)
        let added = try replica.write { tx -> Bool in
            try tx.act(as: visit.user, needing: .administrator)
            let exists = try tx.users().contains { $0.name == user && $0.isActive }
            if !exists { try tx.addUser(user, role: role, fullName: visit.form.text("nom_complet")) }
            try tx.setPasswordHash(hash, for: user)
            return !exists
        }
        sessions.signOutEverywhere(user)
        return .redirect("/utilisateurs", flash: added ? "\(user) ajouté(e) (\(role.frenchName))." : "Mot de passe de \(user) changé.")
    }
}
