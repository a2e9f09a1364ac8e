import Foundation
import GRDB
import Jonction

/// What `clock --restamp` did.
public struct RestampReport: Sendable, Equatable {
    /// This site's changes that were dated more than the bound ahead, and now carry today's date.
    public var restamped = 0
    /// Records whose state was recomputed from the log.
    public var records = 0
    /// The latest date the restamped changes carried before (ms), 0 if none.
    public var formerlyLatest: UInt64 = 0
}

extension ReplicaTransaction {
    /// A person says this machine's date and time are right (protocol.md §3.1): local writes go on,
    /// and are asked again only after 30 days without writing or receiving anything.
    package func confirmClock() throws {
        try db.execute(sql: "UPDATE replica SET clock_confirmed_ms = ?", arguments: [Int64(replica.clock.nowMillis())])
    }

    /// Gives this site's own changes dated more than the bound ahead of the wall clock fresh stamps
    /// from the wall clock (protocol.md §3.1), so that a clock that ran ahead and was put back wins
    /// nothing: every receiver refused those changes, so nobody holds their old stamps. Refused with
    /// `StoreError.futureChangesHeld` if a peer acknowledged one of them.
    ///
    /// Seqs, records and values stay; `previous` stamps naming an old stamp are rewritten; the log
    /// segments that hold them are re-encoded and the records they touch are recomputed from the log.
    package func restampFutureChanges() throws -> RestampReport {
        let db = try db
        let site = replica.site
        let wall = replica.clock.nowMillis()
        let limit = wall &+ ClockRule.receiveBoundMillis
        let held = try replica.versionVector(db)[site]
        var report = RestampReport()
        guard held > 0 else { return report }
        let own = try replica.logChanges(origin: site, seqs: 1...held, db: db)
        // Local stamps grow with seqs, so the future changes are a tail of the log.
        guard let first = own.firstIndex(where: { $0.hlc.millis > limit }) else {
            try confirmClock()
            return report
        }
        let firstSeq = own[first].seq
        if let row = try Row.fetchOne(db, sql: """
            SELECT peer, seq FROM peer_ack WHERE origin = ? AND seq >= ? ORDER BY peer LIMIT 1
            """, arguments: [site.rawValue, Int64(firstSeq)])
        {
            throw StoreError.futureChangesHeld(peer: SiteName(unchecked: row[0]), seq: UInt64(row[1] as Int64))
        }

        // One pass over the other origins' log: the clock as it would be without the future changes
        // (the greatest stamp held outside them, within the bound), and the other changes to the
        // records they touch, which are recomputed below.
        var keys = Set<RecordKey>()
        for change in own[first...] { keys.insert(RecordKey(table: change.table, id: change.id)) }
        var history: [RecordKey: [Change]] = [:]
        var base = HLC.zero
        for (origin, seq) in try replica.versionVector(db).sorted where origin != site && seq > 0 {
            for change in try replica.logChanges(origin: origin, seqs: 1...seq, db: db) {
                if change.hlc.millis <= limit { base = max(base, change.hlc) }
                let key = RecordKey(table: change.table, id: change.id)
                if keys.contains(key) { history[key, default: []].append(change) }
            }
        }
        if first > 0 { base = max(base, own[first - 1].hlc) }
        var clock = HybridClock(last: base)
        var renamed: [HLC: HLC] = [:]
        var restamped: [Change] = []
        for var change in own[first...] {
            report.formerlyLatest = max(report.formerlyLatest, change.hlc.millis)
            let fresh = clock.tick(wallMillis: wall)
            renamed[change.hlc] = fresh
            change.hlc = fresh
            if let p = change.previous, p.site == site, let q = renamed[p.hlc] { change.previous = Stamp(hlc: q, site: site) }
            restamped.append(change)
        }
        report.restamped = restamped.count

        // The log: each segment holding some of them, re-encoded with the new stamps.
        let bySeq = Dictionary(uniqueKeysWithValues: restamped.map { ($0.seq, $0) })
        let segments = try Int64.fetchAll(db, sql: """
            SELECT DISTINCT segment FROM log_range WHERE origin = ? AND last_seq >= ?
            """, arguments: [site.rawValue, Int64(firstSeq)])
        for segment in segments {
            guard let data = try Data.fetchOne(db, sql: "SELECT block FROM log_segment WHERE id = ?", arguments: [segment]),
                var changes = try? ChangeBlock.decode([UInt8](data))
            else { throw StoreError.corrupt(path: replica.path) }
            for i in changes.indices where changes[i].origin == site {
                if let new = bySeq[changes[i].seq] { changes[i] = new }
            }
            // Signed or not, the segment is again to be signed before it is sent (§5.3): no peer
            // took these changes (a restamp is refused once one did).
            try db.execute(sql: """
                UPDATE log_segment SET block = ?, signer = NULL, signature = NULL, origin = NULL, first_seq = NULL,
                last_seq = NULL WHERE id = ?
                """, arguments: [Data(ChangeBlock.encode(changes)), segment])
        }

        // The records they touch, recomputed from every logged change to them (ours as restamped).
        for change in own[..<first] + restamped {
            let key = RecordKey(table: change.table, id: change.id)
            if keys.contains(key) { history[key, default: []].append(change) }
        }
        // Values this site withholds (§3.6) are in its rows, not its log: they follow their new stamps.
        var withheld = try replica.privateValues(db)
        for (key, fields) in withheld {
            for (field, kept) in fields {
                guard let fresh = renamed[kept.stamp.hlc] else { continue }
                withheld[key]![field]!.stamp = Stamp(hlc: fresh, site: site)
                try db.execute(sql: "UPDATE private_value SET hlc = ? WHERE table_name = ? AND record_id = ? AND field = ?",
                               arguments: [Int64(bitPattern: fresh.rawValue), key.table, key.id, field])
            }
        }
        for (key, changes) in history {
            let table = replica.tables[key.table]!
            var state = RecordState(fieldCount: table.table.fields.count)
            for change in changes.sorted(by: { $0.stamp < $1.stamp }) {
                let p = change.field.flatMap { table.table.position(of: $0) }
                _ = state.apply(change, at: p, in: table.table)
            }
            if let held = withheld[key] {
                try replica.keepPrivateValues(held, of: key, in: &state, table: table.table, db: db)
            }
            try table.save(key.id, state, in: db)
        }
        report.records = history.count
        try db.execute(sql: "UPDATE replica SET last_hlc = ?, clock_confirmed_ms = ?",
                       arguments: [Int64(bitPattern: clock.last.rawValue), Int64(wall)])
        return report
    }
}
