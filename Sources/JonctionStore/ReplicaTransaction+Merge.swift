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
    /// Values out of normal form in a data model version 1 delivery, taken as null (protocol.md §2.2).
    public var nulledValues = 0
    /// At the hub: changes to proposals it took in and undid, not being allowed (protocol.md §2.5).
    public var undone: [UndoneChange] = []
    /// Erasures and withdrawals merged that removed values (protocol.md §3.5, §3.6): the replica then
    /// scrubs its file.
    public var erased = 0

    public init() {}
}

extension ReplicaTransaction {
    /// Merges changes received from other sites, all or nothing with the rest of the transaction.
    ///
    /// Changes the replica already holds are skipped (a replay is a no-op). The rest must continue
    /// each origin's seqs without a gap, else `StoreError.gap` (admission: `Admission`). New changes
    /// are merged per field by last-writer-wins in clock order (`RecordState`), appended to the log,
    /// and the version vector and the clock advance (the receive rule of DESIGN §3). Local writes of
    /// this transaction are written first, so that they keep their seqs.
    ///
    /// When the changes come from a peer's bundle, `sender` and `acknowledging` (the sender's vector
    /// when it wrote the bundle) are remembered too, so that the next bundle for that peer carries
    /// only what it lacks; `network` is checked against this replica's (a foreign network is
    /// refused) or adopted if this replica has none yet. A replica made by `init --restore` may
    /// write again once a bundle from the hub shows it holds all its own changes the hub holds.
    ///
    /// `progress` is called now and then with (changes merged, changes to merge).
    @discardableResult
    package func merge(_ plan: MergePlan, receivedFrom sender: SiteName? = nil,
                       acknowledging acknowledgement: Acknowledgement? = nil, network: String? = nil,
                       progress: ((Int, Int) -> Void)? = nil) throws -> ApplyReport {
        let db = try db
        try replica.checkNetwork(network, sender: sender, db: db)
        var report = try replica.applyInTransaction(plan, receivedFrom: sender, db: db, progress: progress)
        if report.erased > 0 { erased = true }
        // At the hub, the offices' changes to proposals (few: answers) are checked (§2.5).
        if replica.site == .hub, report.applied > 0,
            plan.changes.contains(where: { $0.table == Schema.V1.proposal.table && $0.origin != .hub })
        {
            let fresh = plan.changes.filter { c in
                c.table == Schema.V1.proposal.table && c.origin != .hub && report.ranges[c.origin]?.contains(c.seq) == true
            }
            report.undone = try enforceProposalRule(on: fresh)
        }
        if let sender { try replica.remember(peer: sender, acknowledgement, db: db) }
        if sender == .hub, let acknowledgement {
            try replica.endRestoring(hubHolds: acknowledgement.vector[replica.site], db: db)
        }
        return report
    }

    /// Merges changes received otherwise than in blocks (tests, relays of single changes).
    @discardableResult
    package func merge(_ changes: [Change], receivedFrom sender: SiteName? = nil,
                       acknowledging acknowledgement: Acknowledgement? = nil) throws -> ApplyReport {
        try merge(replica.plan([ReceivedBlock(changes: changes)]), receivedFrom: sender, acknowledging: acknowledgement)
    }

    /// Records a contact with a peer and what it said it holds (a sync request, an upload's answer).
    package func remember(peer: SiteName, _ acknowledgement: Acknowledgement?) throws {
        try replica.remember(peer: peer, acknowledgement, db: try db)
    }
}

extension Replica {
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

    /// Records a contact with a peer and what it holds, by the rule of `PeerState.contact` (the most
    /// recently written acknowledgement replaces what we knew, even if smaller; an older one teaches
    /// nothing): loads the peer's row, applies the rule, saves.
    func remember(peer: SiteName, _ acknowledgement: Acknowledgement?, db: Database) throws {
        var state = PeerState()
        if let row = try Row.fetchOne(db, sql: "SELECT last_contact, ack_written_at FROM peer WHERE site = ?",
                                      arguments: [peer.rawValue]) {
            state = PeerState(lastContact: UInt64(clamping: row[0] as Int64), acknowledged: VersionVector(rows: try Row.fetchAll(
                                  db, sql: "SELECT origin, seq FROM peer_ack WHERE peer = ?", arguments: [peer.rawValue])),
                              acknowledgedAt: UInt64(clamping: row[1] as Int64))
        }
        let taken = state.contact(at: clock.nowMillis(), acknowledging: acknowledgement)
        try db.execute(sql: """
            INSERT INTO peer (site, last_contact, ack_written_at) VALUES (?, ?, ?)
            ON CONFLICT (site) DO UPDATE SET last_contact = excluded.last_contact, ack_written_at = excluded.ack_written_at
            """, arguments: [peer.rawValue, Int64(clamping: state.lastContact), Int64(clamping: state.acknowledgedAt)])
        guard taken else { return }
        try db.execute(sql: "DELETE FROM peer_ack WHERE peer = ?", arguments: [peer.rawValue])
        // An entry per origin: hundreds at a hub serving hundreds of offices, so compiled once.
        let entry = try db.cachedStatement(sql: "INSERT INTO peer_ack (peer, origin, seq) VALUES (?, ?, ?)")
        for (origin, seq) in state.acknowledged.sorted {
            try entry.execute(arguments: [peer.rawValue, origin.rawValue, Int64(seq)])
        }
    }

    func applyInTransaction(_ plan: MergePlan, receivedFrom sender: SiteName?, db: Database,
                            progress: ((Int, Int) -> Void)? = nil) throws -> ApplyReport {
        var report = ApplyReport()
        let fresh: Admission
        do {
            fresh = try Admission(plan.blocks, held: try versionVector(db)) { origin, seq in
                try logChanges(origin: origin, seqs: seq...seq, db: db).first
            }
        } catch let refusal as SyncRefusal {
            throw StoreError(refusal)
        }
        report.applied = fresh.applied
        report.duplicates = fresh.duplicates
        report.nulledValues = plan.nulledValues
        report.ranges = fresh.ranges
        guard report.applied > 0 else { return report }
        // The plan assumed every change new; a replay or an overlap needs a plan of the new ones.
        let received = plan
        let plan = fresh.partial.isEmpty ? plan : try self.plan([ReceivedBlock(changes: fresh.partial)])
        let changes = plan.changes
        // A change dated more than the bound ahead of this clock is refused, nothing merged (§3.1).
        let now = clock.nowMillis()
        let newest = ClockRule.newest(changes)
        do { try ClockRule.checkReceived(newest: newest, wallMillis: now) } catch { throw StoreError(error) }

        var merged = 0
        var start = 0
        var withdrawnOver = false
        let mayWithdraw = changes.contains(where: Erasure.isWithdrawal)
        let privateValues = try self.privateValues(db)
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
                // A withdrawal over a value: the log may hold values of the field to remove (§3.6).
                if mayWithdraw, p >= 0, !withdrawnOver, Erasure.isWithdrawal(changes[i]), !state.values[p].isNull { withdrawnOver = true }
                let effect = state.apply(changes[i], at: p < 0 ? nil : p, in: table.table)
                changed = changed || effect.changed
                if !effect.conflicts.isEmpty { report.conflicts.append(contentsOf: effect.conflicts) }
            }
            if changed {
                if let held = privateValues[RecordKey(table: key.table, id: key.id)] {
                    try keepPrivateValues(held, of: RecordKey(table: key.table, id: key.id), in: &state, table: table.table, db: db)
                }
                try table.save(key.id, state, in: db)
            }
            start = end
        }
        progress?(changes.count, changes.count)
        // The erasure rule (protocol.md §3.5): nothing of an erased record is kept, not even in the audit.
        let erasures = changes.contains(where: \.isErase) ? changes.filter(\.isErase) : []
        let withdrawals = mayWithdraw ? changes.filter(Erasure.isWithdrawal) : []
        let erased = try erasedRecords(db).union(erasures.map(RecordKey.init))
        var cutoffs = try fieldErasures(db)
        Erasure.cutoffs(of: withdrawals, into: &cutoffs)
        report.conflicts.removeAll { !Erasure.keeps($0, erasing: erased, fields: cutoffs) }
        try record(report.conflicts, db: db)
        // Whether a received block may hold a value to remove: record by record, not change by change.
        let redacting = !(erased.isEmpty && cutoffs.isEmpty) && received.keys.contains { key in
            let record = RecordKey(table: key.table, id: key.id)
            return erased.contains(record) || cutoffs[record] != nil
        }

        // The log keeps each block holding new changes whole, as it came with its signature, and
        // indexes the new seqs only (protocol.md §4.4): a relay passes the block on unchanged; a
        // block that holds values of an erased record is kept without them, and unsigned.
        for (b, runs) in fresh.logged {
            let block = received.blocks[b]
            if redacting, let redacted = Erasure.redacted(block.changes, erasing: erased, fields: cutoffs) {
                try appendSegment(ChangeBlock.encode(redacted), changeCount: redacted.count, runs: runs, signature: nil,
                                  receivedFrom: sender, in: db)
                continue
            }
            // A signed block (checked by the bundle's reader) holds one origin's consecutive seqs.
            let span = block.signature == nil ? nil : block.changes.first.map { ($0.origin, $0.seq...block.changes.last!.seq) }
            try appendSegment(block.encoded ?? ChangeBlock.encode(block.changes), changeCount: block.changes.count,
                              runs: runs, signature: block.signature, span: span, receivedFrom: sender, in: db)
        }
        if try applyErasureRule(erasures, withdrawals: withdrawals, scan: withdrawnOver, db: db) {
            report.erased += erasures.count + withdrawals.count
        }
        for (origin, range) in report.ranges {
            try db.execute(sql: "INSERT OR REPLACE INTO version_vector (origin, seq) VALUES (?, ?)",
                           arguments: [origin.rawValue, Int64(range.upperBound)])
        }

        // The receive rule (protocol.md §3.1): the clock takes in the newest stamps.
        var hybrid = HybridClock(last: HLC(rawValue: UInt64(bitPattern: try Int64.fetchOne(db, sql: "SELECT last_hlc FROM replica") ?? 0)))
        for (_, hlc) in newest { hybrid.receive(hlc, wallMillis: now) }
        try db.execute(sql: "UPDATE replica SET last_hlc = ?", arguments: [Int64(bitPattern: hybrid.last.rawValue)])
        return report
    }

    /// Prepares a merge without touching the database: see `MergePlan`. Pure CPU work, so it may
    /// run on another thread while the previous batch is written (see `JonctionBundle`).
    /// `dataModel` is the data model version the changes were written under (a bundle's header):
    /// version 1's values out of normal form are taken as null, later versions' are refused.
    public func plan(_ blocks: [ReceivedBlock], dataModel: Int? = nil) throws -> MergePlan {
        let rules: MergePlan.ValueRules = (dataModel ?? schema.version) < 2 ? .lenient : .strict
        do { return try MergePlan(blocks, schema: schema, values: rules) } catch { throw StoreError(error) }
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
        VersionVector(rows: try Row.fetchAll(db, sql: "SELECT origin, seq FROM version_vector"))
    }
}

extension StoreError {
    /// The store's words for a refusal of the pure sync rules.
    init(_ refusal: SyncRefusal) {
        switch refusal {
        case .gap(let origin, let held, let first): self = .gap(origin: origin, held: held, first: first)
        case .reusedSeq(let origin, let seq): self = .reusedSeq(origin: origin, seq: seq)
        case .invalidChange(let origin, let seq, let reason): self = .invalidChange(origin: origin, seq: seq, reason: reason)
        case .clockAhead(let origin, let ahead): self = .clockAhead(origin: origin, aheadMillis: ahead)
        }
    }
}
