import Foundation
import GRDB
import Jonction

/// What a person of the site's user list may do. Each role may do what the ones before it may.
public enum UserRole: String, Sendable, CaseIterable, Comparable {
    /// Registers and updates people and opportunities, answers proposals.
    case clerk
    /// Also erases records (`erase`, `purge`).
    case manager
    /// Also manages the user list.
    case administrator

    /// The role's name in French, as the messages say it.
    public var frenchName: String {
        switch self {
        case .clerk: "agent de saisie"
        case .manager: "responsable"
        case .administrator: "administrateur"
        }
    }

    public static func < (lhs: UserRole, rhs: UserRole) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// A person of the site's user list.
public struct SiteUser: Sendable, Equatable {
    public var name: UserName
    public var role: UserRole
    public var fullName: String?
    public var addedAt: UInt64
    public var addedBy: UserName?
    public var removedAt: UInt64?

    public var isActive: Bool { removedAt == nil }
}

extension ReplicaAccess {
    /// The site's user list, by name (removed users included: their changes still name them).
    package func users() throws -> [SiteUser] {
        try Row.fetchAll(db, sql: "SELECT name, role, full_name, added_at, added_by, removed_at FROM site_user ORDER BY name").map { row in
            SiteUser(name: UserName(unchecked: row[0]), role: UserRole(rawValue: row[1]) ?? .clerk, fullName: row[2],
                     addedAt: UInt64(row[3] as Int64), addedBy: (row[4] as String?).map(UserName.init(unchecked:)),
                     removedAt: (row[5] as Int64?).map(UInt64.init))
        }
    }

    /// Who may act as `user` with at least `role`: the user if active and allowed; nil (no author)
    /// on a site with no user yet. Throws `authorRequired`, `unknownUser` or `roleRequired`.
    package func checkAuthor(_ user: UserName?, needing role: UserRole) throws -> UserName? {
        let active = try users().filter(\.isActive)
        guard let user else {
            if active.isEmpty { return nil }
            throw StoreError.authorRequired(site: replica.site)
        }
        guard let found = active.first(where: { $0.name == user }) else {
            throw StoreError.unknownUser(user.rawValue, site: replica.site)
        }
        guard found.role >= role else { throw StoreError.roleRequired(user: user.rawValue, has: found.role.rawValue, needs: role.rawValue) }
        return user
    }
}

extension ReplicaTransaction {
    /// The changes written from now on in this transaction name `user` as their author, once
    /// `checkAuthor` allows it.
    package func act(as user: UserName?, needing role: UserRole = .clerk) throws {
        author = try checkAuthor(user, needing: role)
    }

    /// Adds a person to the site's user list, or gives a removed one back their access. The first
    /// user of a site is added by anyone (and should be an administrator); later ones by an
    /// administrator (`act(as:needing: .administrator)` first).
    package func addUser(_ name: UserName, role: UserRole, fullName: String?) throws {
        if let held = try users().first(where: { $0.name == name }), held.isActive {
            throw StoreError.userExists(name.rawValue)
        }
        try db.execute(sql: """
            INSERT OR REPLACE INTO site_user (name, role, full_name, added_at, added_by, removed_at) VALUES (?, ?, ?, ?, ?, NULL)
            """, arguments: [name.rawValue, role.rawValue, fullName, Int64(replica.clock.nowMillis()), author?.rawValue])
    }

    /// Takes a person's access away. Their name stays in the list, since changes name them.
    package func removeUser(_ name: UserName) throws {
        guard let held = try users().first(where: { $0.name == name && $0.isActive }) else {
            throw StoreError.unknownUser(name.rawValue, site: replica.site)
        }
        if held.role == .administrator, try users().filter({ $0.isActive && $0.role == .administrator }).count == 1 {
            throw StoreError.lastAdministrator(name.rawValue)
        }
        try db.execute(sql: "DELETE FROM user_password WHERE name = ?", arguments: [name.rawValue])
        try db.execute(sql: "UPDATE site_user SET removed_at = ? WHERE name = ?",
                       arguments: [Int64(replica.clock.nowMillis()), name.rawValue])
    }
}
