import Foundation
import GRDB
import Jonction

/// What `status` shows.
public struct ReplicaStatus: Sendable {
    public struct TableCount: Sendable {
        public var table: String
        public var live: Int
        public var deleted: Int
    }

    public struct Peer: Sendable {
        public var site: SiteName
        public var lastContact: UInt64
        public var acknowledged: VersionVector
    }

    public var site: SiteName
    public var network: String?
    public var path: String
    public var schemaVersion: Int
    public var createdAt: UInt64
    public var clock: HLC
    public var vector: VersionVector
    public var tables: [TableCount]
    public var logSegments: Int
    public var conflicts: Int
    /// Records erased (protocol.md §3.5), and identifying values this site keeps to itself (§3.6).
    public var erased: Int = 0
    public var withheldValues: Int = 0
    public var peers: [Peer]
    /// What this machine's clock looks like to the replica (protocol.md §3.1): a doubtful clock
    /// stops local writes until it is confirmed or this site's future changes are restamped.
    public var clockVerdict: ClockRule.Verdict
    /// Made by `init --restore` and still waiting for its own changes from the hub: no local write.
    public var restoring: Bool
}

extension ReplicaAccess {
    /// The network this replica belongs to, if it has learned one.
    package func network() throws -> String? {
        try String.fetchOne(db, sql: "SELECT network FROM replica")
    }

    /// The last vector `peer` acknowledged (from the bundles it sent us).
    package func acknowledged(by peer: SiteName) throws -> VersionVector {
        VersionVector(rows: try Row.fetchAll(db, sql: "SELECT origin, seq FROM peer_ack WHERE peer = ?", arguments: [peer.rawValue]))
    }

    /// Every peer this replica exchanged bundles with, by name.
    package func peers() throws -> [ReplicaStatus.Peer] {
        try Row.fetchAll(db, sql: "SELECT site, last_contact FROM peer ORDER BY site").map { row in
            let site = SiteName(unchecked: row[0])
            return ReplicaStatus.Peer(site: site, lastContact: UInt64(row[1] as Int64), acknowledged: try acknowledged(by: site))
        }
    }

    package func status() throws -> ReplicaStatus {
        let meta = try Row.fetchOne(db, sql: "SELECT schema_version, created_at, last_hlc, network, restoring FROM replica")!
        var counts: [ReplicaStatus.TableCount] = []
        for table in replica.schema.tables {
            let row = try Row.fetchOne(db, sql: """
                SELECT count(*) FILTER (WHERE _tombstone IS NULL), count(*) FILTER (WHERE _tombstone IS NOT NULL)
                FROM \(table.name)
                """)!
            counts.append(.init(table: table.name, live: row[0], deleted: row[1]))
        }
        return ReplicaStatus(
            site: replica.site, network: meta[3], path: replica.path, schemaVersion: meta[0],
            createdAt: UInt64(meta[1] as Int64), clock: HLC(rawValue: UInt64(bitPattern: meta[2] as Int64)),
            vector: try vector(), tables: counts,
            logSegments: try Int.fetchOne(db, sql: "SELECT count(*) FROM log_segment") ?? 0,
            conflicts: try Int.fetchOne(db, sql: "SELECT count(*) FROM conflict") ?? 0,
            erased: try Int.fetchOne(db, sql: "SELECT count(*) FROM erasure") ?? 0,
            withheldValues: try withheldValueCount(),
            peers: try peers(), clockVerdict: try replica.clockVerdict(db), restoring: meta[4])
    }
}

extension Replica {
    /// The clock rule of protocol.md §3.1 on this machine's clock now: see `ClockRule.verdict`.
    func clockVerdict(_ db: Database) throws -> ClockRule.Verdict {
        clockVerdict(try Row.fetchOne(db, sql: "SELECT last_hlc, created_at, clock_confirmed_ms FROM replica")!)
    }

    /// The verdict on this machine's clock from the replica row's `last_hlc`, `created_at` and
    /// `clock_confirmed_ms`.
    func clockVerdict(_ row: Row) -> ClockRule.Verdict {
        let last = HLC(rawValue: UInt64(bitPattern: row["last_hlc"] as Int64))
        let reference = max(last.millis, UInt64(clamping: row["created_at"] as Int64), UInt64(clamping: row["clock_confirmed_ms"] as Int64))
        return ClockRule.verdict(wallMillis: clock.nowMillis(), last: last, referenceMillis: reference)
    }
}
