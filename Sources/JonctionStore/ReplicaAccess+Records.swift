import Foundation
import GRDB
import Jonction

/// A live record as `get` shows it.
public struct LiveRecord: Sendable, Equatable {
    public var table: TableSchema
    public var id: String
    public var state: RecordState

    /// The set fields, in schema order.
    public var fields: [(field: Field, value: Value, stamp: Stamp)] {
        table.fields.indices.compactMap { i in
            guard let stamp = state.stamps[i], !state.values[i].isNull else { return nil }
            return (table.fields[i], state.values[i], stamp)
        }
    }

    public static func == (lhs: LiveRecord, rhs: LiveRecord) -> Bool {
        lhs.table == rhs.table && lhs.id == rhs.id && lhs.state == rhs.state
    }
}

/// A conflict as `conflicts` shows it.
public struct RecordedConflict: Sendable, Equatable {
    public var conflict: Conflict
    public var detectedAt: UInt64
    /// The conflict's number in this replica's audit (local).
    public var number: Int64 = 0
    /// When a person of this site marked it reviewed, and who (local, never sent).
    public var reviewedAt: UInt64? = nil
    public var reviewedBy: String? = nil
}

extension ReplicaAccess {
    /// A record's merged state (live or deleted), or nil if no change ever touched it.
    package func state(table: String, id: String) throws -> RecordState? {
        let schema = try replica.schema.table(named: table)
        try Schema.validateRecordID(id)
        return try replica.tables[schema.name]!.load(id, in: db)
    }

    /// A live record, or `recordNotFound` / `recordDeleted`.
    package func get(table: String, id: String) throws -> LiveRecord {
        guard let state = try state(table: table, id: id) else {
            throw StoreError.recordNotFound(table: table, id: id)
        }
        if let tombstone = state.tombstone {
            if try isErased(table: table, id: id) { throw StoreError.recordErased(table: table, id: id) }
            throw StoreError.recordDeleted(table: table, id: id, by: tombstone)
        }
        return LiveRecord(table: try replica.schema.table(named: table), id: id, state: state)
    }

    /// Whether this replica holds an erasure of the record (protocol.md §3.5).
    package func isErased(table: String, id: String) throws -> Bool {
        try replica.isErased(RecordKey(table: table, id: id), db: db)
    }

    /// Every record's merged state, tombstones and stamps included: what convergence compares.
    /// `shared`: as the other sites hold it, the values this site withholds (§3.6) as null.
    package func recordSet(shared: Bool = false) throws -> RecordSet {
        var set = RecordSet(schema: replica.schema)
        for table in replica.schema.tables {
            let m = replica.tables[table.name]!
            let rows = try Row.fetchCursor(db, sql: "SELECT id, \(m.columnList) FROM \(table.name)")
            while let row = try rows.next() {
                set.set(table: table.name, id: row[0], try m.state(from: row, offset: 1))
            }
        }
        if shared {
            for (key, fields) in try replica.privateValues(db) {
                guard var state = set.record(table: key.table, id: key.id), let table = try? replica.schema.table(named: key.table)
                else { continue }
                for field in fields.keys { if let p = table.position(of: field) { state.values[p] = .null } }
                set.set(table: key.table, id: key.id, state)
            }
        }
        return set
    }

    /// All live records as canonical JSON (protocol.md §2.4), read table by table without
    /// holding them all in memory.
    /// `shared`: as the other sites hold them, the values this site withholds (§3.6) as null.
    package func dumpJSON(shared: Bool = false) throws -> String {
        let withheld = shared ? try replica.privateValues(db) : [:]
        var json = CanonicalJSON()
        json.beginObject()
        for table in replica.schema.tables.sorted(by: { CanonicalJSON.precedes($0.name, $1.name) }) {
            let m = replica.tables[table.name]!
            json.key(table.name)
            json.beginObject()
            // BINARY collation orders by UTF-8 bytes: the canonical key order. Asked for, not left to
            // the table's order: an index (candidate by region) may be the one SQLite scans.
            let rows = try Row.fetchCursor(
                db, sql: "SELECT id, \(m.columnList) FROM \(table.name) WHERE _tombstone IS NULL ORDER BY id")
            while let row = try rows.next() {
                var values = try m.state(from: row, offset: 1).values
                if let fields = withheld[RecordKey(table: table.name, id: row[0])] {
                    for field in fields.keys { if let p = table.position(of: field) { values[p] = .null } }
                }
                json.key(row[0])
                json.record(values, fields: table.fields)
            }
            json.endObject()
        }
        json.endObject()
        return json.output
    }

    /// Every live record of a table, values in schema order (the matching reads candidates and
    /// opportunities this way).
    package func liveRecords(table name: String) throws -> [(id: String, values: [Value])] {
        let table = try replica.schema.table(named: name)
        let m = replica.tables[table.name]!
        var records: [(String, [Value])] = []
        // The values only: a record's stamps are not read (a million rows at the hub's matching round).
        // In id order, the table's own (its primary key): the same order whatever index exists, so
        // that what reads it (the matching round's ties among equal scores) does not depend on them.
        let rows = try Row.fetchCursor(db, sql: "SELECT id, \(m.fieldList) FROM \(table.name) WHERE _tombstone IS NULL ORDER BY id")
        while let row = try rows.next() {
            var values = [Value](repeating: .null, count: table.fields.count)
            for i in 0..<table.fields.count { values[i] = Value(databaseValue: row[1 + i]) }
            records.append((row[0], values))
        }
        return records
    }

    /// The recorded conflicts, newest first.
    package func conflicts() throws -> [RecordedConflict] {
        try Row.fetchAll(db, sql: """
            SELECT c.table_name, c.record_id, c.field, c.winner_value, c.winner_deleted, c.winner_hlc, c.winner_site,
                   c.loser_value, c.loser_hlc, c.loser_site, c.detected_at, c.id, r.reviewed_at, r.reviewed_by
            FROM conflict c LEFT JOIN conflict_review r ON r.conflict_id = c.id ORDER BY c.id DESC
            """).map { row in
            let winnerDeleted: Bool = row[4]
            let winner = Conflict.Side(
                value: winnerDeleted ? nil : Value(databaseValue: row[3]),
                stamp: Stamp(hlc: HLC(rawValue: UInt64(bitPattern: row[5])), site: SiteName(unchecked: row[6])))
            let loser = Conflict.Side(
                value: Value(databaseValue: row[7]),
                stamp: Stamp(hlc: HLC(rawValue: UInt64(bitPattern: row[8])), site: SiteName(unchecked: row[9])))
            return RecordedConflict(
                conflict: Conflict(table: row[0], id: row[1], field: row[2], winner: winner, loser: loser),
                detectedAt: UInt64(row[10] as Int64), number: row[11],
                reviewedAt: (row[12] as Int64?).map(UInt64.init), reviewedBy: row[13])
        }
    }
}

extension ReplicaAccess {
    /// The fields `Scope` reads, from the live records.
    package func scopeFacts() throws -> Scope.Facts {
        var facts = try scopeFactsBesideCandidates()
        for row in try Row.fetchAll(db, sql: "SELECT id, region FROM candidate WHERE _tombstone IS NULL") {
            facts.candidates[row[0]] = .some(row[1])
        }
        return facts
    }

    /// The live opportunities' regions, proposals and placements: every scope reads all of them.
    private func scopeFactsBesideCandidates() throws -> Scope.Facts {
        var facts = Scope.Facts()
        for row in try Row.fetchAll(db, sql: "SELECT id, region FROM opportunity WHERE _tombstone IS NULL") {
            facts.opportunities[row[0]] = .some(row[1])
        }
        for row in try Row.fetchAll(db, sql: "SELECT id, candidate_id, opportunity_id FROM proposal WHERE _tombstone IS NULL") {
            facts.proposals[row[0]] = (row[1], row[2])
        }
        for row in try Row.fetchAll(db, sql: "SELECT id, candidate_id FROM placement WHERE _tombstone IS NULL") {
            facts.placements[row[0]] = .some(row[1])
        }
        return facts
    }

    /// The fields `Scope` reads for `scope`: those of `scopeFacts()`, but the candidates only
    /// those the rule may hold (`Scope.Facts`): of the scope's regions, registered by its office, or
    /// named by a live proposal. Read through indexes, not the whole table.
    package func scopeFacts(for scope: Scope) throws -> Scope.Facts {
        guard scope.isPartial else { return try scopeFacts() }
        var facts = try scopeFactsBesideCandidates()
        let regions = scope.regions.sorted()
        let own = scope.office.rawValue + "-"
        // Ids of the office: those from "<office>-" up to "<office>." (the next byte after "-").
        for row in try Row.fetchAll(db, sql: """
            SELECT id, region FROM candidate WHERE _tombstone IS NULL AND region IN (\(regions.map { _ in "?" }.joined(separator: ", ")))
            UNION SELECT id, region FROM candidate WHERE _tombstone IS NULL AND id >= ? AND id < ?
            UNION SELECT id, region FROM candidate WHERE _tombstone IS NULL
                AND id IN (SELECT candidate_id FROM proposal WHERE _tombstone IS NULL)
            """, arguments: StatementArguments(regions + [own, scope.office.rawValue + "."])) {
            facts.candidates[row[0]] = .some(row[1])
        }
        return facts
    }
}
