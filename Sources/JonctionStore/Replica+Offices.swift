import Foundation
import GRDB
import Jonction

/// An office in the hub's register.
public struct OfficeRecord: Sendable, Equatable {
    public var site: SiteName
    public var enrolledAt: UInt64
    public var revokedAt: UInt64?
    public var lastContact: UInt64?

    public var isActive: Bool { revokedAt == nil }
}

extension Replica {
    /// Registers an office with the SHA-256 of its token. An active office is not enrolled twice;
    /// a revoked one is enrolled again with the new token.
    public func enrollOffice(_ site: SiteName, tokenSHA256: [UInt8]) throws {
        try translatingErrors {
            try pool.write { db in
                if let revoked = try Row.fetchOne(db, sql: "SELECT revoked_at FROM office WHERE site = ?", arguments: [site.rawValue]) {
                    guard (revoked[0] as Int64?) != nil else { throw StoreError.officeAlreadyEnrolled(site) }
                    try db.execute(sql: "DELETE FROM office WHERE site = ?", arguments: [site.rawValue])
                }
                try db.execute(
                    sql: "INSERT INTO office (site, token_sha256, enrolled_at) VALUES (?, ?, ?)",
                    arguments: [site.rawValue, Data(tokenSHA256), Int64(clock.nowMillis())])
            }
        }
    }

    public func revokeOffice(_ site: SiteName) throws {
        try translatingErrors {
            try pool.write { db in
                try db.execute(sql: "UPDATE office SET revoked_at = ? WHERE site = ? AND revoked_at IS NULL",
                               arguments: [Int64(clock.nowMillis()), site.rawValue])
                guard db.changesCount == 1 else {
                    let exists = try Bool.fetchOne(db, sql: "SELECT 1 FROM office WHERE site = ?", arguments: [site.rawValue]) ?? false
                    throw exists ? StoreError.officeRevoked(site) : StoreError.officeUnknown(site)
                }
            }
        }
    }

    /// The office a token belongs to (active or revoked), by the token's SHA-256.
    public func office(tokenSHA256: [UInt8]) throws -> OfficeRecord? {
        try translatingErrors {
            try pool.read { db in
                try Row.fetchOne(db, sql: "SELECT site, enrolled_at, revoked_at, last_contact FROM office WHERE token_sha256 = ?",
                                 arguments: [Data(tokenSHA256)]).map(Self.officeRecord)
            }
        }
    }

    /// Every office of the register, by name.
    public func offices() throws -> [OfficeRecord] {
        try translatingErrors {
            try pool.read { db in
                try Row.fetchAll(db, sql: "SELECT site, enrolled_at, revoked_at, last_contact FROM office ORDER BY site")
                    .map(Self.officeRecord)
            }
        }
    }

    /// Notes that an office was just in contact.
    public func touchOffice(_ site: SiteName) throws {
        try translatingErrors {
            try pool.write { db in
                try db.execute(sql: "UPDATE office SET last_contact = ? WHERE site = ?",
                               arguments: [Int64(clock.nowMillis()), site.rawValue])
            }
        }
    }

    /// Sites the replica knows of: enrolled offices and every peer seen in a bundle (not itself).
    public func knownSites() throws -> [SiteName] {
        try translatingErrors {
            try pool.read { db in
                let names = try String.fetchAll(db, sql: """
                    SELECT site FROM office WHERE revoked_at IS NULL UNION SELECT site FROM peer ORDER BY 1
                    """)
                return names.map { SiteName(unchecked: $0) }.filter { $0 != site }
            }
        }
    }

    /// Records what a peer holds, as it told us (a sync request, an upload's answer); for an
    /// enrolled office, notes the contact too.
    public func acknowledge(peer: SiteName, _ acknowledgement: Acknowledgement) throws {
        try translatingErrors {
            try pool.write { db in
                try remember(peer: peer, acknowledgement, db: db)
                try db.execute(sql: "UPDATE office SET last_contact = ? WHERE site = ?",
                               arguments: [Int64(clock.nowMillis()), peer.rawValue])
            }
        }
    }

    private static func officeRecord(_ row: Row) -> OfficeRecord {
        OfficeRecord(site: SiteName(unchecked: row[0]), enrolledAt: UInt64(row[1] as Int64),
                     revokedAt: (row[2] as Int64?).map(UInt64.init), lastContact: (row[3] as Int64?).map(UInt64.init))
    }
}
