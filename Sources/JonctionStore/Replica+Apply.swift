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

/// What a peer said it held when it wrote a bundle: its version vector, and when (its clock).
public struct Acknowledgement: Sendable, Equatable {
    public var vector: VersionVector
    public var writtenAt: UInt64

    public init(vector: VersionVector, writtenAt: UInt64) {
        self.vector = vector
        self.writtenAt = writtenAt
    }
}

/// A merge prepared outside the transaction: changes checked, in stamp order, grouped by record.
public struct MergePlan: Sendable {
    let blocks: [ReceivedBlock]
    let changes: [Change]
    /// The field position of each change in its table (-1 for a delete).
    let positions: [Int32]
    /// Change indexes, record by record, in stamp order within a record.
    let order: [Int32]
    /// Where each record's changes end in `order`.
    let groupEnds: [Int32]
    let keys: [(table: String, id: String)]

    public var changeCount: Int { changes.count }
}

/// Changes received together, with the change block they came in, if any (protocol.md §4.2).
public struct ReceivedBlock: Sendable {
    public var changes: [Change]
    /// The block's bytes, exactly as received; nil for changes that came otherwise.
    public var encoded: [UInt8]?

    public init(changes: [Change], encoded: [UInt8]? = nil) {
        self.changes = changes
        self.encoded = encoded
    }
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
                      acknowledging acknowledgement: Acknowledgement? = nil, network: String? = nil,
                      progress: ((Int, Int) -> Void)? = nil) throws -> ApplyReport {
        try apply(blocks: [ReceivedBlock(changes: changes)], receivedFrom: sender, acknowledging: acknowledgement,
                  network: network, progress: progress)
    }

    /// Merges changes that came as change blocks (a bundle's body): see `apply(_:receivedFrom:…)`.
    /// A block whose changes are all new goes into the log as it came, without re-encoding.
    @discardableResult
    public func apply(blocks: [ReceivedBlock], receivedFrom sender: SiteName? = nil,
                      acknowledging acknowledgement: Acknowledgement? = nil, network: String? = nil,
                      progress: ((Int, Int) -> Void)? = nil) throws -> ApplyReport {
        try apply(plan(blocks), receivedFrom: sender, acknowledging: acknowledgement, network: network, progress: progress)
    }

    /// Merges a prepared plan (see `plan(_:)`): the database part of `apply(blocks:…)`.
    @discardableResult
    public func apply(_ plan: MergePlan, receivedFrom sender: SiteName? = nil,
                      acknowledging acknowledgement: Acknowledgement? = nil, network: String? = nil,
                      progress: ((Int, Int) -> Void)? = nil) throws -> ApplyReport {
        try translatingErrors {
            try pool.write { db in
                try checkNetwork(network, sender: sender, db: db)
                let report = try applyInTransaction(plan, receivedFrom: sender, db: db, progress: progress)
                if let sender { try remember(peer: sender, acknowledgement, db: db) }
                return report
            }
        }
    }

    func checkNetwork(_ theirs: String?, sender: SiteName?, db: Database) throws {
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

    /// Records a contact with a peer and what it holds. The vector of the most recently written
    /// bundle replaces what we knew, even if it is smaller: a peer restored from a backup then gets
    /// back what it lost. An older bundle arriving late teaches nothing.
    func remember(peer: SiteName, _ acknowledgement: Acknowledgement?, db: Database) throws {
        let known = try Int64.fetchOne(db, sql: "SELECT ack_written_at FROM peer WHERE site = ?", arguments: [peer.rawValue])
        try db.execute(sql: """
            INSERT INTO peer (site, last_contact, ack_written_at) VALUES (?, ?, 0)
            ON CONFLICT (site) DO UPDATE SET last_contact = excluded.last_contact
            """, arguments: [peer.rawValue, Int64(clock.nowMillis())])
        guard let acknowledgement, Int64(acknowledgement.writtenAt) >= known ?? 0 else { return }
        try db.execute(sql: "UPDATE peer SET ack_written_at = ? WHERE site = ?",
                       arguments: [Int64(acknowledgement.writtenAt), peer.rawValue])
        try db.execute(sql: "DELETE FROM peer_ack WHERE peer = ?", arguments: [peer.rawValue])
        for (origin, seq) in acknowledgement.vector.sorted {
            try db.execute(sql: "INSERT INTO peer_ack (peer, origin, seq) VALUES (?, ?, ?)",
                           arguments: [peer.rawValue, origin.rawValue, Int64(seq)])
        }
    }

    func applyInTransaction(_ plan: MergePlan, receivedFrom sender: SiteName?, db: Database,
                            progress: ((Int, Int) -> Void)? = nil) throws -> ApplyReport {
        var report = ApplyReport()
        let held = try versionVector(db)
        let fresh = try freshChanges(plan.blocks, held: held, report: &report, db: db)
        guard report.applied > 0 else { return report }
        // The plan assumed every change new; a replay or an overlap needs a plan of the new ones.
        let plan = fresh.partial.isEmpty ? plan : try self.plan([ReceivedBlock(changes: fresh.partial)])
        let changes = plan.changes

        var merged = 0
        var start = 0
        for (g, key) in plan.keys.enumerated() {
            if let progress, g % 2048 == 0 { progress(merged, changes.count) }
            let end = Int(plan.groupEnds[g])
            merged += end - start
            let table = tables[key.table]!
            var state = try table.load(key.id, in: db) ?? RecordState(fieldCount: table.table.fields.count)
            var changed = false
            for k in start..<end {
                let i = Int(plan.order[k])
                let p = Int(plan.positions[i])
                let effect = state.apply(changes[i], at: p < 0 ? nil : p, in: table.table)
                changed = changed || effect.changed
                if !effect.conflicts.isEmpty { report.conflicts.append(contentsOf: effect.conflicts) }
            }
            if changed { try table.save(key.id, state, in: db) }
            start = end
        }
        progress?(changes.count, changes.count)
        try record(report.conflicts, db: db)

        // The log: blocks whose changes are all new are kept as they came; the rest is re-encoded.
        for block in fresh.whole {
            try appendSegment(block.changes, encoded: block.encoded, receivedFrom: sender, in: db)
        }
        if !fresh.partial.isEmpty {
            try appendSegment(fresh.partial, encoded: nil, receivedFrom: sender, in: db)
        }
        for (origin, range) in report.ranges {
            try db.execute(sql: "INSERT OR REPLACE INTO version_vector (origin, seq) VALUES (?, ?)",
                           arguments: [origin.rawValue, Int64(range.upperBound)])
        }

        // The receive rule, with the drift bound.
        let now = clock.nowMillis()
        var hybrid = HybridClock(last: HLC(rawValue: UInt64(bitPattern: try Int64.fetchOne(db, sql: "SELECT last_hlc FROM replica") ?? 0)))
        var newest: [SiteName: HLC] = [:]
        var lastOrigin: SiteName? = nil, lastNewest = HLC.zero
        for change in changes {
            if change.origin != lastOrigin {
                if let o = lastOrigin { newest[o] = max(newest[o] ?? .zero, lastNewest) }
                lastOrigin = change.origin
                lastNewest = newest[change.origin] ?? .zero
            }
            if change.hlc > lastNewest { lastNewest = change.hlc }
        }
        if let o = lastOrigin { newest[o] = max(newest[o] ?? .zero, lastNewest) }
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

    /// The changes not yet held. Throws `gap` if one would leave a hole in an origin's seqs.
    ///
    /// `whole` are the blocks whose changes are all new (stored in the log as they came), `partial`
    /// the new changes of the other blocks. `report` gets the counts and ranges.
    private func freshChanges(_ blocks: [ReceivedBlock], held: VersionVector, report: inout ApplyReport, db: Database) throws
        -> (whole: [ReceivedBlock], partial: [Change])
    {
        // Per origin: the new seqs must be exactly held+1 … max, each once.
        struct Tally { var count = 0; var min = UInt64.max; var max: UInt64 = 0 }
        var tallies: [SiteName: Tally] = [:]
        var total = 0, duplicates = 0
        var lastOrigin: SiteName? = nil, lastHeld: UInt64 = 0, tally = Tally()
        var latestDuplicate: [SiteName: Change] = [:]
        for block in blocks {
            total += block.changes.count
            for c in block.changes {
                if c.origin != lastOrigin {
                    if let o = lastOrigin, tally.count > 0 { tallies[o] = tally }
                    lastOrigin = c.origin
                    lastHeld = held[c.origin]
                    tally = tallies[c.origin] ?? Tally()
                }
                if c.seq <= lastHeld {
                    duplicates += 1
                    if c.seq > latestDuplicate[c.origin]?.seq ?? 0 { latestDuplicate[c.origin] = c }
                    continue
                }
                tally.count += 1
                tally.min = Swift.min(tally.min, c.seq)
                tally.max = Swift.max(tally.max, c.seq)
            }
        }
        if let o = lastOrigin, tally.count > 0 { tallies[o] = tally }
        // A change we hold must come back identical. A different one under the same number means its
        // site reused seqs: restored from a backup, it wrote again before getting its changes back.
        for (origin, change) in latestDuplicate.sorted(by: { $0.key < $1.key }) {
            let ours = try logChanges(origin: origin, seqs: change.seq...change.seq, db: db).first
            if let ours, ours.hlc != change.hlc || ours.operation != change.operation || ours.id != change.id {
                throw StoreError.reusedSeq(origin: origin, seq: change.seq)
            }
        }
        for (origin, t) in tallies.sorted(by: { $0.key < $1.key }) where t.min > held[origin] + 1 {
            throw StoreError.gap(origin: origin, held: held[origin], first: t.min)
        }
        if duplicates == 0, tallies.allSatisfy({ $0.value.count == Int($0.value.max - held[$0.key]) }) {
            // The usual delivery: everything new, nothing twice.
            for (origin, t) in tallies { report.ranges[origin] = (held[origin] + 1)...t.max }
            report.applied = total
            return (blocks.filter { !$0.changes.isEmpty }, [])
        }
        // Replays, overlaps or repeated changes: keep each new seq once, in order.
        var byOrigin: [SiteName: [Change]] = [:]
        for block in blocks {
            for c in block.changes where c.seq > held[c.origin] { byOrigin[c.origin, default: []].append(c) }
        }
        var fresh: [Change] = []
        for origin in byOrigin.keys.sorted() {
            var expected = held[origin] + 1
            for c in byOrigin[origin]!.sorted(by: { $0.seq < $1.seq }) where c.seq >= expected {
                guard c.seq == expected else { throw StoreError.gap(origin: origin, held: expected - 1, first: c.seq) }
                fresh.append(c)
                expected += 1
            }
            report.ranges[origin] = (held[origin] + 1)...(expected - 1)
        }
        report.applied = fresh.count
        report.duplicates = total - fresh.count
        return ([], fresh)
    }

    /// Prepares a merge without touching the database: checks every change against the schema
    /// (protocol.md §2.2), orders them by stamp and groups them by record. Pure CPU work, so it may
    /// run on another thread while the previous batch is written (see `JonctionBundle`).
    public func plan(_ blocks: [ReceivedBlock]) throws -> MergePlan {
        let changes = blocks.count == 1 ? blocks[0].changes : blocks.flatMap(\.changes)
        var positions = [Int32](repeating: -1, count: changes.count)
        var table: TableSchema? = nil
        var lastID = ""
        for (i, change) in changes.enumerated() {
            if table?.name != change.table {
                do { table = try schema.table(named: change.table) } catch {
                    throw StoreError.invalidChange(origin: change.origin, seq: change.seq, reason: error)
                }
            }
            if change.id != lastID {
                guard Schema.isValidRecordID(change.id) else {
                    throw StoreError.invalidChange(origin: change.origin, seq: change.seq, reason: .invalidRecordID(change.id))
                }
                lastID = change.id
            }
            guard case .set(let name, let value) = change.operation else { continue }
            guard let p = table!.position(of: name) else {
                throw StoreError.invalidChange(
                    origin: change.origin, seq: change.seq,
                    reason: .unknownField(table: change.table, field: name, known: table!.fields.map(\.name)))
            }
            let field = table!.fields[p]
            guard field.accepts(value) else {
                throw StoreError.invalidChange(
                    origin: change.origin, seq: change.seq,
                    reason: .invalidValue(table: change.table, field: name, value: value.display, expected: field.type.expectation))
            }
            positions[i] = Int32(p)
        }

        // Record by record, and within a record in clock order (with causal delivery, a change's
        // ancestors come first). Changes of one origin come in seq order, which is clock order, so
        // only records changed by several origins usually need sorting.
        var groupOf = [Int32](repeating: 0, count: changes.count)
        var sizes: [Int32] = []
        var keys: [(table: String, id: String)] = []
        var groups: [String: [String: Int32]] = [:]
        var currentTable = "", current: [String: Int32] = [:]
        var lastKey = (table: "", id: ""), lastGroup: Int32 = -1
        for (i, c) in changes.enumerated() {
            if lastGroup >= 0, c.id == lastKey.id, c.table == lastKey.table {
                groupOf[i] = lastGroup
                sizes[Int(lastGroup)] += 1
                continue
            }
            if c.table != currentTable {
                groups[currentTable] = current
                currentTable = c.table
                current = groups.removeValue(forKey: c.table) ?? [:]
            }
            lastKey = (c.table, c.id)
            if let g = current[c.id] {
                lastGroup = g
            } else {
                lastGroup = Int32(keys.count)
                current[c.id] = lastGroup
                sizes.append(0)
                keys.append((c.table, c.id))
            }
            groupOf[i] = lastGroup
            sizes[Int(lastGroup)] += 1
        }
        var groupEnds = [Int32](repeating: 0, count: keys.count)
        var next = [Int32](repeating: 0, count: keys.count)
        var total: Int32 = 0
        for g in 0..<keys.count {
            next[g] = total
            total += sizes[g]
            groupEnds[g] = total
        }
        var order = [Int32](repeating: 0, count: changes.count)
        for i in 0..<changes.count {
            let g = Int(groupOf[i])
            order[Int(next[g])] = Int32(i)
            next[g] += 1
        }
        var start = 0
        for g in 0..<keys.count {
            let end = Int(groupEnds[g])
            if end - start > 1 {
                let range = start..<end
                if !order[range].isSorted(by: { changes[Int($0)].stamp < changes[Int($1)].stamp }) {
                    order[range].sort { changes[Int($0)].stamp < changes[Int($1)].stamp }
                }
            }
            start = end
        }
        return MergePlan(blocks: blocks, changes: changes, positions: positions, order: order,
                         groupEnds: groupEnds, keys: keys)
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

extension Collection {
    /// Whether the elements are already in `areInIncreasingOrder` order (then no sort is needed).
    func isSorted(by areInIncreasingOrder: (Element, Element) -> Bool) -> Bool {
        var previous: Element? = nil
        for element in self {
            if let p = previous, areInIncreasingOrder(element, p) { return false }
            previous = element
        }
        return true
    }
}
