import Foundation
import GRDB
import Jonction

/// The local writes of one transaction (see `ReplicaTransaction`): every change gets the next seq
/// and a fresh HLC, the touched records are written once, and the changes are appended to the log
/// as one segment.
final class LocalWriter {
    let replica: Replica
    let db: Database
    private var clock: HybridClock
    private var seq: UInt64
    private let firstSeq: UInt64
    private var changes: [Change] = []
    private var touched: [RecordKey: TouchedRecord] = [:]
    /// The person the changes name as their author.
    var author: UserName?
    /// Values withheld (or no longer withheld, nil) by this transaction's changes (§3.6).
    private var privateUpdates: [(key: RecordKey, field: String, value: Value?, hlc: HLC)] = []
    /// Whether a withheld write replaced a value others had seen: the log is then redacted.
    private var withdrawsOver = false
    /// Whether this site withheld any value before this transaction: if not, no record has one to
    /// look up (most sites, most writes).
    private let holdsPrivateValues: Bool
    private var order: [RecordKey] = []

    struct TouchedRecord {
        var table: MaterializedTable
        var state: RecordState
        var existed: Bool
    }

    init(replica: Replica, db: Database) throws {
        self.replica = replica
        self.db = db
        guard let row = try Row.fetchOne(db, sql: "SELECT last_hlc, restoring, created_at, clock_confirmed_ms FROM replica")
        else { throw StoreError.corrupt(path: replica.path) }
        // A new machine for an existing office writes nothing before its own changes are back:
        // its seqs would start again at 1.
        let restoring: Bool = row["restoring"] ?? false
        if restoring { throw StoreError.restoring(site: replica.site, path: replica.path) }
        // A doubtful clock writes nothing (protocol.md §3.1): its stamps would win for as long as it is wrong.
        let verdict = replica.clockVerdict(row)
        guard verdict == .trusted else { throw StoreError.clockDoubtful(verdict) }
        let last: Int64 = row["last_hlc"] ?? 0
        clock = HybridClock(last: HLC(rawValue: UInt64(bitPattern: last)))
        let held = try Int64.fetchOne(
            db, sql: "SELECT seq FROM version_vector WHERE origin = ?", arguments: [replica.site.rawValue]) ?? 0
        seq = UInt64(held)
        firstSeq = seq + 1
        holdsPrivateValues = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM private_value)") ?? false
    }

    /// The changes recorded so far in this transaction.
    var recorded: [Change] { changes }

    /// Sets fields given as text; each is parsed and normalised by its field type first.
    func put(table: String, id: String, fields: [(String, String)]) throws -> [Change] {
        let schema = try replica.schema.table(named: table)
        var parsed: [(String, Value)] = []
        parsed.reserveCapacity(fields.count)
        for (name, raw) in fields {
            let field = try schema.field(named: name)
            parsed.append((name, try field.parse(raw, table: table)))
        }
        return try set(table: table, id: id, fields: parsed)
    }

    /// Sets fields to values already normalised (see `Field.parse`).
    func set(table: String, id: String, fields: [(String, Value)]) throws -> [Change] {
        let schema = try replica.schema.table(named: table)
        try Schema.validateRecordID(id)
        guard !fields.isEmpty else { throw StoreError.noFields(table: table, id: id) }
        // The receivers' own check (`TableSchema.check`): what is written here, every site accepts.
        var positions: [Int] = []
        for (name, value) in fields {
            let p = try schema.check(name, value)
            guard !positions.contains(p) else { throw StoreError.duplicateField(name) }
            positions.append(p)
        }
        let key = RecordKey(table: table, id: id)
        var record = try load(key)
        if let tombstone = record.state.tombstone {
            if try isErased(key) { throw StoreError.recordErased(table: table, id: id) }
            throw StoreError.recordDeleted(table: table, id: id, by: tombstone)
        }
        let before = changes.count
        // Consent (protocol.md §3.6): a candidate without consent keeps its identifying values here.
        let withheldBefore = try withholds(table, record.state)
        var after = record.state
        for ((_, value), p) in zip(fields, positions) { after.values[p] = value }
        let withheldAfter = try withholds(table, after)
        let held = try privateFields(key)
        func write(_ name: String, _ value: Value, at p: Int) {
            let withhold = withheldAfter && schema.fields[p].identifying && !value.isNull
            let change = next(table: table, id: id, operation: .set(field: name, value: withhold ? .erased : value),
                              previous: record.state.stamps[p])
            var applied = change
            applied.operation = .set(field: name, value: value)
            if withhold {
                // A value seen by others before (not one withheld already): the log may hold it.
                if !record.state.values[p].isNull && !held.contains(name) { withdrawsOver = true }
                privateUpdates.append((key, name, value, change.hlc))
            } else if held.contains(name) {
                privateUpdates.append((key, name, nil, change.hlc))
            }
            record.state.apply(applied, at: p, in: schema)
            changes.append(change)
        }
        for ((name, value), p) in zip(fields, positions) {
            // A field never set and cleared again is no change. Rewriting an equal value is one: it
            // asserts the value over concurrent writes elsewhere (last writer wins).
            if record.state.stamps[p] == nil && value.isNull { continue }
            write(name, value, at: p)
        }
        // Consent lowered to none: the identifying values are withheld from now on and withdrawn
        // everywhere else; raised: they are written again, for the others to see.
        if withheldBefore != withheldAfter {
            for p in schema.fields.indices where schema.fields[p].identifying && !positions.contains(p) {
                let current = record.state.values[p]
                if !current.isNull { write(schema.fields[p].name, current, at: p) }
            }
        }
        touched[key] = record
        // A placement's outcome is about its candidate: it follows the candidate's consent.
        if table == Schema.V1.candidate.table && withheldBefore != withheldAfter {
            let placements = try String.fetchAll(db, sql: "SELECT id FROM placement WHERE candidate_id = ? AND _tombstone IS NULL ORDER BY id",
                                                 arguments: [id])
            for placement in placements {
                let outcome = try load(RecordKey(table: Schema.V1.placement.table, id: placement)).state.values[Schema.V1.placement.outcome.position]
                if !outcome.isNull { _ = try set(table: Schema.V1.placement.table, id: placement, fields: [("outcome", outcome)]) }
            }
        }
        return Array(changes[before...])
    }

    /// Whether identifying values of a record in `state` are withheld (§3.6): a candidate whose
    /// consent is `none`, or a placement of one.
    private func withholds(_ table: String, _ state: RecordState) throws -> Bool {
        let none = Value.text(Consent.nobody.rawValue)
        switch table {
        case Schema.V1.candidate.table:
            return state.values[Schema.V1.candidate.consent.position] == none
        case Schema.V1.placement.table:
            guard case .text(let candidate) = state.values[Schema.V1.placement.candidateID.position] else { return false }
            let key = RecordKey(table: Schema.V1.candidate.table, id: candidate)
            let state = try touched[key]?.state ?? replica.tables[key.table]!.load(key.id, in: db)
            return state?.values[Schema.V1.candidate.consent.position] == none
        default:
            return false
        }
    }

    /// The fields of a record whose values this site withholds (stored, or written in this transaction).
    private func privateFields(_ key: RecordKey) throws -> Set<String> {
        var fields = Set<String>()
        if holdsPrivateValues {
            fields = Set(try String.fetchAll(db, sql: "SELECT field FROM private_value WHERE table_name = ? AND record_id = ?",
                                             arguments: [key.table, key.id]))
        }
        for u in privateUpdates where u.key == key {
            if u.value == nil { fields.remove(u.field) } else { fields.insert(u.field) }
        }
        return fields
    }

    /// Deletes a live record.
    func delete(table: String, id: String) throws -> Change {
        let schema = try replica.schema.table(named: table)
        try Schema.validateRecordID(id)
        let key = RecordKey(table: table, id: id)
        var record = try load(key)
        guard record.existed || touched[key] != nil, !record.state.isDeleted else {
            if let tombstone = record.state.tombstone {
                throw StoreError.recordDeleted(table: table, id: id, by: tombstone)
            }
            throw StoreError.recordNotFound(table: table, id: id)
        }
        let change = next(table: table, id: id, operation: .delete, previous: record.state.greatestStamp)
        for field in try privateFields(key) { privateUpdates.append((key, field, nil, change.hlc)) }
        record.state.apply(change, in: schema)
        changes.append(change)
        touched[key] = record
        return change
    }

    /// Erases a record held here, live or deleted, not yet erased (see `ReplicaTransaction.erase`).
    func erase(table: String, id: String) throws -> Change {
        let schema = try replica.schema.table(named: table)
        try Schema.validateRecordID(id)
        let key = RecordKey(table: table, id: id)
        if try isErased(key) {
            throw StoreError.recordErased(table: table, id: id)
        }
        var record = try load(key)
        guard record.existed || touched[key] != nil else { throw StoreError.recordNotFound(table: table, id: id) }
        let change = next(table: table, id: id, operation: .erase, previous: record.state.greatestStamp)
        record.state.apply(change, in: schema)
        changes.append(change)
        touched[key] = record
        return change
    }

    /// Whether the record is erased here, or by this transaction.
    private func isErased(_ key: RecordKey) throws -> Bool {
        try replica.isErased(key, db: db) || changes.contains(where: { $0.operation == .erase && RecordKey($0) == key })
    }

    private func next(table: String, id: String, operation: Change.Operation, previous: Stamp?) -> Change {
        seq += 1
        let hlc = clock.tick(wallMillis: replica.clock.nowMillis())
        return Change(origin: replica.site, seq: seq, hlc: hlc, table: table, id: id, operation: operation,
                      previous: previous, author: author)
    }

    private func load(_ key: RecordKey) throws -> TouchedRecord {
        if let record = touched[key] { return record }
        let table = replica.tables[key.table]!
        order.append(key)
        if let state = try table.load(key.id, in: db) {
            return TouchedRecord(table: table, state: state, existed: true)
        }
        return TouchedRecord(table: table, state: RecordState(fieldCount: table.table.fields.count), existed: false)
    }

    /// Writes the touched records, the log segment, the vector and the clock; then, if the changes
    /// erase records, applies the erasure rule (`Replica.applyErasureRule`). Returns whether they did.
    func commit() throws -> Bool {
        guard !changes.isEmpty else { return false }
        var changedKeys = Set<RecordKey>()
        for change in changes { changedKeys.insert(RecordKey(table: change.table, id: change.id)) }
        for key in order where changedKeys.contains(key) {
            let record = touched[key]!
            try record.table.save(key.id, record.state, in: db)
        }
        // One run of this site's consecutive seqs, stored as blocks that can each be signed as they are.
        for (range, block) in SegmentBlocks.encode(changes[...], maximumChanges: ReplicaTransaction.segmentChangeLimit) {
            try replica.appendSegment(block, changeCount: range.count,
                                      runs: [(replica.site, changes[range.lowerBound].seq...changes[range.upperBound - 1].seq)],
                                      signature: nil, receivedFrom: nil, in: db)
        }
        try db.execute(sql: "INSERT OR REPLACE INTO version_vector (origin, seq) VALUES (?, ?)",
                       arguments: [replica.site.rawValue, Int64(seq)])
        try db.execute(sql: "UPDATE replica SET last_hlc = ?", arguments: [Int64(bitPattern: clock.last.rawValue)])
        try replica.storePrivateValues(privateUpdates, db: db)
        return try replica.applyErasureRule(changes.filter(\.isErase), withdrawals: changes.filter(Erasure.isWithdrawal),
                                            scan: withdrawsOver, db: db)
    }
}
