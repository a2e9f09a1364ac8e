/// A site held in memory, ruled exactly as a SQLite replica is: local writes take the next seq, a
/// fresh HLC and the previous stamp; received changes go through `Admission`, `MergePlan` and the
/// merge rule, then the HLC receive rule; peers' acknowledgements through `PeerState`; what to send
/// through `WhatToSend`. Its `records` compare with a SQLite replica's `recordSet()`.
///
/// A value: copying one is a backup, assigning an old copy back is a restore. Time is given to each
/// call (`wallMillis`), so runs are deterministic. It keeps no network id and no audit beyond the
/// conflicts found.
public struct MemoryReplica: Sendable, Equatable {
    public let site: SiteName
    public private(set) var records: RecordSet
    public private(set) var clock: HybridClock
    public private(set) var vector = VersionVector()
    /// Each origin's changes held, in seq order from 1 (so `log[o]!.count == vector[o]`).
    public private(set) var log: [SiteName: [Change]] = [:]
    public private(set) var peers: [SiteName: PeerState] = [:]
    /// Conflicts revealed by merges, oldest first (none about an erased record).
    public private(set) var conflicts: [Conflict] = []
    /// The records erased here (protocol.md §3.5): the log holds none of their values.
    public private(set) var erased: Set<RecordKey> = []

    public init(site: SiteName, schema: Schema = .current, maxAheadMillis: UInt64 = HybridClock.defaultMaxAheadMillis) {
        self.site = site
        self.records = RecordSet(schema: schema)
        self.clock = HybridClock(maxAheadMillis: maxAheadMillis)
    }

    // MARK: Local writes

    /// Why a local write was refused; nothing is changed.
    public enum WriteError: Error, Sendable, Equatable {
        case schema(SchemaError)
        case noFields(table: String, id: String)
        case duplicateField(String)
        case recordNotFound(table: String, id: String)
        case recordDeleted(table: String, id: String, by: Stamp)
        case recordErased(table: String, id: String)
    }

    /// Sets fields of a record to normalised values, creating it if new (as `LocalWriter.set`):
    /// a field never set and cleared again is no change; rewriting an equal value is one.
    @discardableResult
    public mutating func set(table: String, id: String, fields: [(String, Value)], wallMillis: UInt64)
        throws(WriteError) -> [Change]
    {
        let schema = try checked(table: table, id: id)
        guard !fields.isEmpty else { throw .noFields(table: table, id: id) }
        var positions: [Int] = []
        for (name, value) in fields {
            let p: Int
            do { p = try schema.check(name, value) } catch { throw .schema(error) }
            guard !positions.contains(p) else { throw .duplicateField(name) }
            positions.append(p)
        }
        var state = records.record(table: table, id: id) ?? RecordState(fieldCount: schema.fields.count)
        if let tombstone = state.tombstone { throw .recordDeleted(table: table, id: id, by: tombstone) }
        var written: [Change] = []
        for ((name, value), p) in zip(fields, positions) {
            if state.stamps[p] == nil && value.isNull { continue }
            let change = next(table: table, id: id, operation: .set(field: name, value: value),
                              previous: state.stamps[p], wallMillis: wallMillis)
            state.apply(change, at: p, in: schema)
            written.append(change)
        }
        if !written.isEmpty { records.set(table: table, id: id, state) }
        return written
    }

    /// Deletes a live record for good (a tombstone that wins over every change, earlier or later).
    @discardableResult
    public mutating func delete(table: String, id: String, wallMillis: UInt64) throws(WriteError) -> Change {
        let schema = try checked(table: table, id: id)
        guard var state = records.record(table: table, id: id) else { throw .recordNotFound(table: table, id: id) }
        if let tombstone = state.tombstone { throw .recordDeleted(table: table, id: id, by: tombstone) }
        let change = next(table: table, id: id, operation: .delete, previous: state.greatestStamp, wallMillis: wallMillis)
        state.apply(change, at: nil, in: schema)
        records.set(table: table, id: id, state)
        return change
    }

    /// Erases a record held here, live or deleted (as `ReplicaTransaction.erase`, without the
    /// cascade to proposals and placements): a delete that also removes every value the record ever
    /// had from this log, and from every other as it reaches them.
    @discardableResult
    public mutating func erase(table: String, id: String, wallMillis: UInt64) throws(WriteError) -> Change {
        let schema = try checked(table: table, id: id)
        let key = RecordKey(table: table, id: id)
        guard !erased.contains(key) else { throw .recordErased(table: table, id: id) }
        guard var state = records.record(table: table, id: id) else { throw .recordNotFound(table: table, id: id) }
        let change = next(table: table, id: id, operation: .erase, previous: state.greatestStamp, wallMillis: wallMillis)
        state.apply(change, at: nil, in: schema)
        records.set(table: table, id: id, state)
        applyErasures([change])
        return change
    }

    /// The erasure rule: the records `changes` erase are noted, and their values leave the log and
    /// the conflicts.
    private mutating func applyErasures(_ changes: [Change]) {
        let fresh = Erasure.erased(by: changes)
        guard !fresh.isEmpty else { return }
        erased.formUnion(fresh)
        for origin in log.keys {
            if let redacted = Erasure.redacted(log[origin]!, erasing: fresh) { log[origin] = redacted }
        }
        conflicts.removeAll { !Erasure.keeps($0, erasing: erased) }
    }

    private func checked(table: String, id: String) throws(WriteError) -> TableSchema {
        do {
            let schema = try records.schema.table(named: table)
            try Schema.validateRecordID(id)
            return schema
        } catch {
            throw .schema(error)
        }
    }

    private mutating func next(table: String, id: String, operation: Change.Operation, previous: Stamp?,
                               wallMillis: UInt64) -> Change {
        let seq = vector[site] + 1
        let change = Change(origin: site, seq: seq, hlc: clock.tick(wallMillis: wallMillis), table: table, id: id,
                            operation: operation, previous: previous)
        log[site, default: []].append(change)
        vector[site] = seq
        return change
    }

    // MARK: Receiving

    /// What receiving a delivery did.
    public struct Receipt: Sendable, Equatable {
        public var applied = 0
        public var duplicates = 0
        public var ranges: [SiteName: ClosedRange<UInt64>] = [:]
        public var conflicts: [Conflict] = []
    }

    /// Merges received changes, all or nothing (as `Replica.apply(blocks:…)`): throws a `SyncRefusal`
    /// (gap, reused seq, invalid change, clock ahead) and changes nothing, or merges the new changes in stamp
    /// order, logs them, advances the vector and the clock. From a peer, the contact and its
    /// acknowledgement (its vector when it wrote the delivery) are remembered too.
    @discardableResult
    public mutating func receive(_ blocks: [ReceivedBlock], from sender: SiteName? = nil,
                                 acknowledging acknowledgement: Acknowledgement? = nil, wallMillis: UInt64,
                                 dataModel: Int = Schema.current.version) throws
        -> Receipt
    {
        var plan = try MergePlan(blocks, schema: records.schema, values: dataModel < 2 ? .lenient : .strict)
        let admission = try Admission(plan.blocks, held: vector) { heldChange(origin: $0, seq: $1) }
        var receipt = Receipt(applied: admission.applied, duplicates: admission.duplicates, ranges: admission.ranges)
        // The plan assumed every change new; a replay or an overlap needs a plan of the new ones.
        if admission.applied > 0 && !admission.partial.isEmpty {
            plan = try MergePlan([ReceivedBlock(changes: admission.partial)], schema: records.schema)
        }
        let newest = admission.applied > 0 ? ClockRule.newest(plan.changes) : [:]
        try ClockRule.checkReceived(newest: newest, wallMillis: wallMillis)
        defer { if let sender { peers[sender, default: PeerState()].contact(at: wallMillis, acknowledging: acknowledgement) } }
        guard admission.applied > 0 else { return receipt }
        receipt.conflicts = plan.merge(into: &records)
        let erasing = erased.union(Erasure.erased(by: plan.changes))
        receipt.conflicts.removeAll { !Erasure.keeps($0, erasing: erasing) }
        conflicts += receipt.conflicts

        var fresh: [SiteName: [Change]] = [:]
        for block in admission.whole { for c in block.changes { fresh[c.origin, default: []].append(c) } }
        for c in admission.partial { fresh[c.origin, default: []].append(c) }
        for (origin, changes) in fresh {
            let sorted = changes.isSorted(by: { $0.seq < $1.seq }) ? changes : changes.sorted { $0.seq < $1.seq }
            // Values of a record erased here do not come back with a late delivery.
            self.log[origin, default: []] += Erasure.redacted(sorted, erasing: erasing) ?? sorted
        }
        applyErasures(plan.changes)
        for (origin, range) in admission.ranges { vector[origin] = range.upperBound }

        // The receive rule (protocol.md §3.1); nothing beyond the bound got this far.
        for (_, hlc) in newest { clock.receive(hlc, wallMillis: wallMillis) }
        return receipt
    }

    private func heldChange(origin: SiteName, seq: UInt64) -> Change? {
        guard let changes = log[origin], seq >= 1, seq <= UInt64(changes.count) else { return nil }
        return changes[Int(seq - 1)]
    }

    /// Records what a peer said it holds outside a delivery (a download request's `have`).
    public mutating func acknowledge(peer: SiteName, _ acknowledgement: Acknowledgement, wallMillis: UInt64) {
        peers[peer, default: PeerState()].contact(at: wallMillis, acknowledging: acknowledgement)
    }

    // MARK: Sending

    /// What `peer` lacks by its last acknowledgement, or everything (`full`).
    public func whatToSend(to peer: SiteName, full: Bool = false) -> WhatToSend {
        WhatToSend(ours: vector, acknowledged: full ? nil : peers[peer]?.acknowledged)
    }

    /// The held changes of `selection`, in origin then seq order.
    public func changes(_ selection: WhatToSend) -> [Change] {
        var result: [Change] = []
        result.reserveCapacity(selection.count)
        for (origin, seqs) in selection.sorted {
            guard let held = log[origin], seqs.lowerBound >= 1 else { continue }
            let upper = min(seqs.upperBound, UInt64(held.count))
            guard upper >= seqs.lowerBound else { continue }
            result += held[Int(seqs.lowerBound - 1)..<Int(upper)]
        }
        return result
    }

    /// What to send `peer`, as one change block (nil: it lacks nothing).
    public func block(for peer: SiteName, full: Bool = false) -> [UInt8]? {
        let changes = changes(whatToSend(to: peer, full: full))
        return changes.isEmpty ? nil : ChangeBlock.encode(changes)
    }

    /// What we say we hold, written at `wallMillis`: goes with every delivery we send.
    public func acknowledgement(wallMillis: UInt64) -> Acknowledgement {
        Acknowledgement(vector: vector, writtenAt: wallMillis)
    }
}
