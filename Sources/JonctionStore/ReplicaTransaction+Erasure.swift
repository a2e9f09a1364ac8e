import Foundation
import GRDB
import Jonction

// The erasure rule at a replica (protocol.md §3.5, `Erasure`): once the replica holds an erasure of a
// record, no value the record ever had stays in its tables, its log or its conflict audit, and the
// SQLite file keeps no copy of them (deleted content is overwritten, `PRAGMA secure_delete`; the
// write-ahead log is emptied after the transaction, `Replica.scrub`).

extension Replica {
    /// The records this replica holds as erased.
    func erasedRecords(_ db: Database) throws -> Set<RecordKey> {
        var keys = Set<RecordKey>()
        let rows = try Row.fetchCursor(db, sql: "SELECT table_name, record_id FROM erasure")
        while let row = try rows.next() { keys.insert(RecordKey(table: row[0], id: row[1])) }
        return keys
    }

    /// Whether this replica holds an erasure of the record.
    func isErased(_ key: RecordKey, db: Database) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT 1 FROM erasure WHERE table_name = ? AND record_id = ?", arguments: [key.table, key.id]) ?? false
    }

    /// The fields whose older values this replica withdrew (§3.6), with their cutoffs.
    func fieldErasures(_ db: Database) throws -> Erasure.FieldCutoffs {
        var cutoffs = Erasure.FieldCutoffs()
        let rows = try Row.fetchCursor(db, sql: "SELECT table_name, record_id, field, hlc, site FROM field_erasure")
        while let row = try rows.next() {
            cutoffs[RecordKey(table: row[0], id: row[1]), default: [:]][row[2]] =
                Stamp(hlc: HLC(rawValue: UInt64(bitPattern: row[3])), site: SiteName(unchecked: row[4]))
        }
        return cutoffs
    }

    /// Applies the erasure rule to `erasures` (erase changes newly merged or written here) and to
    /// `withdrawals` (set changes of an erased value, §3.6): the records are noted as erased and the
    /// fields' cutoffs raised, their conflicts leave the audit, and every log segment holding a value
    /// of theirs is rewritten without it. A rewritten segment loses its signature: its origin (or, for
    /// every origin, the hub) signs it again before sending it (§5.3); an office does not relay
    /// another origin's segment it had to rewrite.
    ///
    /// `scan`: whether the log may hold values the withdrawals remove (a withdrawn field that had a
    /// value, or a conflict): else, with no record erased, the log is not read. Returns whether the
    /// replica's file is to be scrubbed.
    @discardableResult
    func applyErasureRule(_ erasures: [Change], withdrawals: [Change] = [], scan: Bool = true, db: Database) throws -> Bool {
        guard !erasures.isEmpty || !withdrawals.isEmpty else { return false }
        var keys = Set<RecordKey>()
        for change in erasures {
            let key = RecordKey(change)
            keys.insert(key)
            try db.execute(sql: """
                INSERT OR IGNORE INTO erasure (table_name, record_id, erased_hlc, erased_by) VALUES (?, ?, ?, ?)
                """, arguments: [key.table, key.id, Int64(bitPattern: change.hlc.rawValue), change.origin.rawValue])
            try db.execute(sql: "DELETE FROM conflict WHERE table_name = ? AND record_id = ?", arguments: [key.table, key.id])
            try db.execute(sql: "DELETE FROM private_value WHERE table_name = ? AND record_id = ?", arguments: [key.table, key.id])
        }
        var cutoffs = Erasure.FieldCutoffs()
        Erasure.cutoffs(of: withdrawals.filter { !keys.contains(RecordKey($0)) }, into: &cutoffs)
        var scan = scan
        for (key, fields) in cutoffs {
            for (field, stamp) in fields {
                let held = try Row.fetchOne(db, sql: """
                    SELECT hlc, site FROM field_erasure WHERE table_name = ? AND record_id = ? AND field = ?
                    """, arguments: [key.table, key.id, field]).map {
                    Stamp(hlc: HLC(rawValue: UInt64(bitPattern: $0[0])), site: SiteName(unchecked: $0[1]))
                }
                if held.map({ stamp > $0 }) ?? true {
                    try db.execute(sql: """
                        INSERT OR REPLACE INTO field_erasure (table_name, record_id, field, hlc, site) VALUES (?, ?, ?, ?, ?)
                        """, arguments: [key.table, key.id, field, Int64(bitPattern: stamp.hlc.rawValue), stamp.site.rawValue])
                }
                if try Bool.fetchOne(db, sql: "SELECT 1 FROM conflict WHERE table_name = ? AND record_id = ? AND field = ?",
                                     arguments: [key.table, key.id, field]) == true {
                    scan = true
                    try db.execute(sql: "DELETE FROM conflict WHERE table_name = ? AND record_id = ? AND field = ?",
                                   arguments: [key.table, key.id, field])
                }
            }
        }
        guard !keys.isEmpty || scan else { return false }
        var rewritten: [(id: Int64, block: [UInt8])] = []
        let rows = try Row.fetchCursor(db, sql: "SELECT id, block FROM log_segment")
        while let row = try rows.next() {
            guard let changes = try? ChangeBlock.decode([UInt8](row[1] as Data)) else { throw StoreError.corrupt(path: path) }
            if let redacted = Erasure.redacted(changes, erasing: keys, fields: cutoffs) {
                rewritten.append((row[0], ChangeBlock.encode(redacted)))
            }
        }
        for (id, block) in rewritten {
            try db.execute(sql: """
                UPDATE log_segment SET block = ?, signer = NULL, signature = NULL, origin = NULL, first_seq = NULL,
                last_seq = NULL WHERE id = ?
                """, arguments: [Data(block), id])
        }
        return true
    }

    /// After a transaction that erased: the write-ahead log, which holds the pages as they were, is
    /// emptied into the file; an older replica whose free pages may still hold deleted content is
    /// rebuilt once. Best effort while other connections read (the hub's server): the next
    /// checkpoint completes it.
    func scrub() throws {
        try translatingErrors {
            try database.writeWithoutTransaction { db in
                let zeroed = try Bool.fetchOne(db, sql: "SELECT free_pages_zeroed FROM replica") ?? false
                if !zeroed {
                    try db.execute(sql: "VACUUM")
                    try db.execute(sql: "UPDATE replica SET free_pages_zeroed = 1")
                }
                _ = try? db.checkpoint(.truncate)
            }
        }
    }
}

extension ReplicaTransaction {
    /// Erases a record held here, for good: like a delete, it wins over every change, earlier or
    /// later; and every value the record ever had leaves this replica now, and every other as the
    /// erasure reaches it (protocol.md §3.5). A deleted record may be erased; an erased one is not
    /// erased again. Erasing a candidate erases their proposals and placements too. Returns the
    /// erase changes written.
    @discardableResult
    package func erase(table: String, id: String) throws -> [Change] {
        var changes = [try localWriter().erase(table: table, id: id)]
        guard table == Schema.V1.candidate.table else { return changes }
        for dependent in [Schema.V1.proposal.table, Schema.V1.placement.table] {
            let ids = try String.fetchAll(database, sql: """
                SELECT t.id FROM \(dependent) t
                WHERE t.candidate_id = ? AND NOT EXISTS (SELECT 1 FROM erasure e WHERE e.table_name = ? AND e.record_id = t.id)
                ORDER BY t.id
                """, arguments: [id, dependent])
            for other in ids { changes.append(try localWriter().erase(table: dependent, id: other)) }
        }
        return changes
    }
}

extension ReplicaAccess {
    /// Retention: the live candidates whose file is closed (status placed or withdrawn) since before
    /// `cutoff` (ms since 1970, the stamp of that status), by id.
    package func candidatesClosed(before cutoff: UInt64) throws -> [String] {
        let table = replica.tables[Schema.V1.candidate.table]!
        let status = Schema.V1.candidate.status.position
        let rows = try Row.fetchCursor(db, sql: """
            SELECT id, \(table.columnList) FROM candidate
            WHERE _tombstone IS NULL AND status IN ('\(CandidateStatus.placed.rawValue)', '\(CandidateStatus.withdrawn.rawValue)')
            ORDER BY id
            """)
        var ids: [String] = []
        while let row = try rows.next() {
            let state = try table.state(from: row, offset: 1)
            if let stamp = state.stamps[status], stamp.hlc.millis < cutoff { ids.append(row[0]) }
        }
        return ids
    }
}

extension ReplicaTransaction {
    /// Erases the candidates closed before `cutoff` (see `candidatesClosed`), with their proposals
    /// and placements, in this transaction. Returns their ids.
    @discardableResult
    package func purge(closedBefore cutoff: UInt64) throws -> [String] {
        let ids = try candidatesClosed(before: cutoff)
        for id in ids { try erase(table: Schema.V1.candidate.table, id: id) }
        return ids
    }
}
