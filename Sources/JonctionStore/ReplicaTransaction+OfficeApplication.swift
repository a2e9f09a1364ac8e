import Foundation
import GRDB
import Jonction

/// One exchange of this site, as the journal keeps it (local, never sent): the office's home page
/// says when the last one with the hub was, by which route, and whether a stick was refused.
public struct ExchangeRecord: Sendable, Equatable {
    public enum Route: String, Sendable { case usb, http }
    public enum Direction: String, Sendable { case sent, received }

    public var at: UInt64
    public var peer: SiteName?
    public var route: Route
    public var direction: Direction
    public var changes: Int
    public var refused: Int
    /// What was refused and why, in the words shown then (no personal data: file names and reasons).
    public var detail: String?

    public init(at: UInt64, peer: SiteName?, route: Route, direction: Direction, changes: Int, refused: Int = 0,
                detail: String? = nil) {
        self.at = at
        self.peer = peer
        self.route = route
        self.direction = direction
        self.changes = changes
        self.refused = refused
        self.detail = detail
    }
}

extension ReplicaAccess {
    /// The last `limit` exchanges, newest first.
    package func exchanges(limit: Int = 20) throws -> [ExchangeRecord] {
        try Row.fetchAll(db, sql: """
            SELECT at, peer, route, direction, changes, refused, detail FROM exchange_journal ORDER BY id DESC LIMIT ?
            """, arguments: [max(1, min(limit, 1000))]).map { row in
            ExchangeRecord(at: UInt64(row[0] as Int64), peer: (row[1] as String?).map(SiteName.init(unchecked:)),
                           route: ExchangeRecord.Route(rawValue: row[2]) ?? .usb,
                           direction: ExchangeRecord.Direction(rawValue: row[3]) ?? .received,
                           changes: row[4], refused: row[5], detail: row[6])
        }
    }

    /// The bcrypt hash of a user's password, or nil if none was set (or the user was removed).
    package func passwordHash(of user: UserName) throws -> String? {
        try String.fetchOne(db, sql: """
            SELECT p.hash FROM user_password p JOIN site_user u ON u.name = p.name
            WHERE p.name = ? AND u.removed_at IS NULL
            """, arguments: [user.rawValue])
    }
}

extension ReplicaTransaction {
    /// Notes an exchange in the journal; keeps the last 1,000.
    package func journal(_ exchange: ExchangeRecord) throws {
        try db.execute(sql: """
            INSERT INTO exchange_journal (at, peer, route, direction, changes, refused, detail) VALUES (?, ?, ?, ?, ?, ?, ?)
            """, arguments: [Int64(exchange.at), exchange.peer?.rawValue, exchange.route.rawValue, exchange.direction.rawValue,
                             exchange.changes, exchange.refused, exchange.detail.map { String($0.prefix(2000)) }])
        try db.execute(sql: "DELETE FROM exchange_journal WHERE id <= (SELECT MAX(id) FROM exchange_journal) - 1000")
    }

    /// Sets (or replaces) a user's password hash. The hash is made by the caller (bcrypt); the
    /// password itself never reaches the replica.
    package func setPasswordHash(_ hash: String, for user: UserName) throws {
        guard try users().contains(where: { $0.name == user && $0.isActive }) else {
            throw StoreError.unknownUser(user.rawValue, site: replica.site)
        }
        try db.execute(sql: "INSERT OR REPLACE INTO user_password (name, hash, set_at) VALUES (?, ?, ?)",
                       arguments: [user.rawValue, hash, Int64(replica.clock.nowMillis())])
    }

    /// Marks a conflict of the audit as reviewed by the acting user.
    package func markReviewed(conflict number: Int64) throws {
        guard try Bool.fetchOne(db, sql: "SELECT 1 FROM conflict WHERE id = ?", arguments: [number]) == true else {
            throw StoreError.recordNotFound(table: "conflict", id: "\(number)")
        }
        try db.execute(sql: "INSERT OR REPLACE INTO conflict_review (conflict_id, reviewed_at, reviewed_by) VALUES (?, ?, ?)",
                       arguments: [number, Int64(replica.clock.nowMillis()), author?.rawValue])
    }
}
