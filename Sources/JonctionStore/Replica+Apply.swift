import Foundation
import GRDB
import Jonction

/// What applying received changes did.
public struct ApplyReport: Sendable, Equatable {
    /// Changes new to this replica, now merged and logged.
    public var applied: Int = 0
    /// Changes the replica already held (a replayed or duplicate delivery), ignored.
    public var duplicates: Int = 0
    /// For each origin, the seqs newly held.
    public var ranges: [SiteName: ClosedRange<UInt64>] = [:]
    /// Concurrent writes revealed by the merge.
    public var conflicts: [Conflict] = []
    /// Sites whose stamps run ahead of the local clock by more than the bound, and by how much (ms).
    public var clockAhead: [SiteName: UInt64] = [:]

    public init() {}
}

extension Replica {
    /// Merges changes received from other sites, in one transaction, all or nothing.
    ///
    /// Changes the replica already holds are skipped (a replay is a no-op). The rest must continue
    /// each origin's seqs without a gap, else `StoreError.gap` and nothing is written. New changes are
    /// merged per field by last-writer-wins in clock order, appended to the log, and the version
    /// vector and the clock advance (the receive rule of DESIGN §3).
    ///
    /// When the changes come from a peer's bundle, `sender` and `acknowledging` (the sender's vector
    /// when it wrote the bundle) are remembered in the same transaction, so that the next bundle for
    /// that peer carries only what it lacks; `network` is checked against this replica's (a foreign
    /// network is refused) or adopted if this replica has none yet.
    ///
    /// `progress` is called now and then with (changes merged, changes to merge).
    @discardableResult
    public func apply(_ changes: [Change], receivedFrom sender: SiteName? = nil,
                      acknowledging senderVector: VersionVector? = nil, network: String? = nil,
                      progress: ((Int, Int) -> Void)? = nil) throws -> ApplyReport {
        try translatingErrors {
            try pool.write { db in
                try checkNetwork(network, sender: sender, db: db)
                let report = try applyInTransaction(changes, receivedFrom: sender, db: db, progress: progress)
                if let sender {
                    try remember(peer: sender, vector: senderVector ?? VersionVector(), db: db)
                }
                return report
            }
        }
    }

    private func checkNetwork(_ theirs: String?, sender: SiteName?, db: Database) throws {
        guard let theirs, !theirs.isEmpty else { return }
        guard Replica.isValidNetwork(theirs) else { throw StoreError.invalidNetwork(theirs) }
        if let ours = try String.fetchOne(db, sql: "SELECT network FROM replica") {
            guard ours == theirs else {
                throw StoreError.foreignNetwork(ours: ours, theirs: theirs, sender: sender ?? SiteName(unchecked: "?"))
            }
        } else {
            try db.execute(sql: "UPDATE replica SET network = ?", arguments: [theirs])
        }
    }

    /// Records a contact with a peer and what it holds (pointwise maximum with what we knew).
    private func remember(peer: SiteName, vector: VersionVector, db: Database) throws {
        try db.execute(sql: """
            INSERT INTO peer (site, last_contact) VALUES (?, ?)
            ON CONFLICT (site) DO UPDATE SET last_contact = excluded.last_contact
            """, arguments: [peer.rawValue, Int64(clock.nowMillis())])
        for (origin, seq) in vector.sorted {
            try db.execute(sql: """
                INSERT INTO peer_ack (peer, origin, seq) VALUES (?, ?, ?)
                ON CONFLICT (peer, origin) DO UPDATE SET seq = max(seq, excluded.seq)
                """, arguments: [peer.rawValue, origin.rawValue, Int64(seq)])
        }
    }

    func applyInTransaction(_ changes: [Change], receivedFrom sender: SiteName?, db: Database,
                            progress: ((Int, Int) -> Void)? = nil) throws -> ApplyReport {
        var report = ApplyReport()
        let held = try versionVector(db)
        let fresh = try newChanges(changes, held: held, report: &report)
        guard !fresh.isEmpty else { return report }
        for change in fresh {
            do { try schema.validate(change) } catch {
                throw StoreError.invalidChange(origin: change.origin, seq: change.seq, reason: error)
            }
        }

        // Merge in clock order: with causal delivery, a change's ancestors come first.
        let byClock = fresh.sorted { $0.stamp < $1.stamp }
        var groups: [LocalWriter.RecordKey: [Int]] = [:]
        var order: [LocalWriter.RecordKey] = []
        for (i, change) in byClock.enumerated() {
            let key = LocalWriter.RecordKey(table: change.table, id: change.id)
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(i)
        }
        var merged = 0
        for (n, key) in order.enumerated() {
            if let progress, n % 2048 == 0 { progress(merged, fresh.count) }
            merged += groups[key]!.count
            let table = tables[key.table]!
            var state = try table.load(key.id, in: db) ?? RecordState(fieldCount: table.table.fields.count)
            var changed = false
            for i in groups[key]! {
                let effect = state.apply(byClock[i], in: table.table)
                changed = changed || effect.changed
                report.conflicts.append(contentsOf: effect.conflicts)
            }
            if changed { try table.save(key.id, state, in: db) }
        }
        progress?(fresh.count, fresh.count)
        try record(report.conflicts, db: db)

        try appendSegment(fresh, receivedFrom: sender, in: db)
        for (origin, range) in report.ranges {
            try db.execute(sql: "INSERT OR REPLACE INTO version_vector (origin, seq) VALUES (?, ?)",
                           arguments: [origin.rawValue, Int64(range.upperBound)])
        }

        // The receive rule, with the drift bound.
        let now = clock.nowMillis()
        var hybrid = HybridClock(last: HLC(rawValue: UInt64(bitPattern: try Int64.fetchOne(db, sql: "SELECT last_hlc FROM replica") ?? 0)))
        var newest: [SiteName: HLC] = [:]
        for change in fresh where change.hlc > newest[change.origin] ?? .zero { newest[change.origin] = change.hlc }
        for (origin, hlc) in newest {
            if let ahead = hybrid.receive(hlc, wallMillis: now) {
                report.clockAhead[origin] = ahead
                try db.execute(
                    sql: "INSERT OR REPLACE INTO clock_warning (site, ahead_ms, seen_at) VALUES (?, ?, ?)",
                    arguments: [origin.rawValue, Int64(ahead), Int64(now)])
            }
        }
        try db.execute(sql: "UPDATE replica SET last_hlc = ?", arguments: [Int64(bitPattern: hybrid.last.rawValue)])
        return report
    }

    /// The changes not yet held, in origin then seq order; throws `gap` if one would leave a hole.
    private func newChanges(_ changes: [Change], held: VersionVector, report: inout ApplyReport) throws -> [Change] {
        var byOrigin: [SiteName: [Change]] = [:]
        for change in changes { byOrigin[change.origin, default: []].append(change) }
        var fresh: [Change] = []
        fresh.reserveCapacity(changes.count)
        for origin in byOrigin.keys.sorted() {
            var expected = held[origin] + 1
            var seen = Set<UInt64>()
            let list = byOrigin[origin]!.sorted { $0.seq < $1.seq }
            for change in list {
                if change.seq < expected {
                    report.duplicates += 1
                    continue
                }
                if change.seq > expected {
                    throw StoreError.gap(origin: origin, held: expected - 1, first: change.seq)
                }
                guard seen.insert(change.seq).inserted else { continue }
                fresh.append(change)
                expected += 1
            }
            if expected - 1 > held[origin] {
                report.ranges[origin] = (held[origin] + 1)...(expected - 1)
            }
        }
        report.applied = fresh.count
        return fresh
    }

    private func record(_ conflicts: [Conflict], db: Database) throws {
        guard !conflicts.isEmpty else { return }
        let statement = try db.cachedStatement(sql: """
            INSERT INTO conflict (table_name, record_id, field, winner_value, winner_deleted, winner_hlc, winner_site,
                                  loser_value, loser_hlc, loser_site, detected_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        let now = Int64(clock.nowMillis())
        for c in conflicts {
            try statement.execute(arguments: [
                c.table, c.id, c.field, c.winner.value?.databaseValue ?? .null, c.winner.value == nil,
                Int64(bitPattern: c.winner.stamp.hlc.rawValue), c.winner.stamp.site.rawValue,
                c.loser.value?.databaseValue ?? .null, Int64(bitPattern: c.loser.stamp.hlc.rawValue),
                c.loser.stamp.site.rawValue, now,
            ])
        }
    }

    func versionVector(_ db: Database) throws -> VersionVector {
        var entries: [SiteName: UInt64] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT origin, seq FROM version_vector") {
            entries[SiteName(unchecked: row[0])] = UInt64(row[1] as Int64)
        }
        return VersionVector(entries)
    }
}
