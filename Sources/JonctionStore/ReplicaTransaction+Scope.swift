import Foundation
import GRDB
import Jonction

// Scoped replication (protocol.md §2.6, §5.10). The hub holds everything; an office served by regions
// holds its scope: the hub sends it `ScopedDelivery`s (the state of the records it lacks, the records
// that left its scope) instead of every origin's changes, and the office sends the hub its own
// changes only. What the hub remembers per office lives in its replica (`scope_office`,
// `scope_member`, `scope_event`); what an office remembers, in its own (`replica.scope_generation`,
// `scope_pending_drop`).

/// What merging a scoped delivery did at an office.
public struct ScopeReport: Sendable, Equatable {
    /// The delivery's generation.
    public var generation: UInt64 = 0
    /// Records received whole or brought up to date.
    public var received = 0
    /// Records that left this office's scope, dropped from its tables and log.
    public var dropped = 0
    /// Records dropped whose own changes the hub does not hold yet: their values leave the log once
    /// it does.
    public var pendingDrops = 0
    /// The delivery was older than one merged before: nothing was taken from it.
    public var stale = false

    public init() {}
}

extension ReplicaAccess {
    /// The generation of the last scoped delivery merged here: 0 for a full replica (§5.10).
    package func scopeGeneration() throws -> UInt64 {
        UInt64(try Int64.fetchOne(try db, sql: "SELECT scope_generation FROM replica") ?? 0)
    }
}

extension ReplicaTransaction {
    // MARK: At an office

    /// Merges a scoped delivery from the hub, in this transaction (protocol.md §5.10): each record's
    /// snapshot by the merge rule, then the drops, the coverage into the version vector, and the
    /// generation. A delivery older than the last one merged changes nothing (`stale`); one that
    /// completes a generation this office never held is refused (`StoreError.scopeAhead`).
    package func mergeScoped(_ delivery: ScopedDelivery) throws -> ScopeReport {
        let db = try db
        var report = ScopeReport()
        report.generation = delivery.generation
        let held = try scopeGeneration()
        let site = replica.site
        // Older than a delivery merged before: a later generation, or a complete list made before
        // changes this office already reflects (it would drop records it rightly holds).
        let vector = try replica.versionVector(db)
        let older = delivery.complete && held > 0
            && vector.entries.contains { $0.key != site && $0.value > delivery.coverage[$0.key] }
        guard delivery.generation >= held, !older else {
            report.stale = true
            return report
        }
        guard delivery.complete || delivery.base <= held else {
            throw StoreError.scopeAhead(base: delivery.base, held: held)
        }
        let tables = replica.tables
        // Becoming a partial replica: the log keeps this office's own changes only (§2.6).
        if held == 0 { try dropForeignLog(db) }

        // The newest stamp of each origin (for the clock rule), kept for the origin of the last
        // change and written to the table when the origin changes: most fields of a record, and
        // most records of a delivery, come from the same few offices.
        var newest: [SiteName: HLC] = [:]
        var lastOrigin: SiteName? = nil, lastNewest = HLC.zero
        var listed = Set<RecordKey>()
        let privateValues = try replica.privateValues(db)
        // Statements run once per record: compiled once (`cachedStatement`).
        let anyPendingDrop = try Bool.fetchOne(db, sql: "SELECT 1 FROM scope_pending_drop LIMIT 1") ?? false
        let forgetPendingDrop = try db.cachedStatement(sql: "DELETE FROM scope_pending_drop WHERE table_name = ? AND record_id = ?")
        var current: (name: String, table: MaterializedTable, load: Statement, save: Statement)?
        for snapshot in delivery.records {
            // Only a complete delivery drops what it does not list.
            if delivery.complete { listed.insert(snapshot.key) }
            // Records come table by table: the table and its two statements are looked up when it changes.
            if current?.name != snapshot.key.table {
                guard let table = tables[snapshot.key.table] else { continue }
                current = (snapshot.key.table, table, try db.cachedStatement(sql: table.selectSQL), try db.cachedStatement(sql: table.upsertSQL))
            }
            guard let (_, table, load, save) = current else { continue }
            var state = try table.fastLoad(snapshot.key.id, statement: load, db: db) ?? RecordState(fieldCount: table.table.fields.count)
            var changed = false
            for (position, change) in snapshot.changes(previous: { state.stamps[$0] }, in: table.table) {
                changed = state.apply(change, at: position, in: table.table).changed || changed
                if change.origin != lastOrigin {
                    if let origin = lastOrigin { newest[origin] = max(newest[origin] ?? .zero, lastNewest) }
                    lastOrigin = change.origin
                    lastNewest = newest[change.origin] ?? .zero
                }
                if change.hlc > lastNewest { lastNewest = change.hlc }
            }
            if changed {
                // A value withheld here (§3.6) stays in the row while its change still wins.
                if !privateValues.isEmpty, let held = privateValues[snapshot.key] {
                    try replica.keepPrivateValues(held, of: snapshot.key, in: &state, table: table.table, db: db)
                }
                try table.fastSave(snapshot.key.id, state, statement: save, db: db)
            }
            if anyPendingDrop { try forgetPendingDrop.execute(arguments: [snapshot.key.table, snapshot.key.id]) }
            report.received += 1
        }

        if let origin = lastOrigin { newest[origin] = max(newest[origin] ?? .zero, lastNewest) }

        // A record this office changed since the hub last held its changes is kept until the hub holds
        // them (else the office would lose them); it is dropped by a later delivery.
        let ownHeld = try replica.versionVector(db)[site]
        var unsent = Set<RecordKey>()
        if ownHeld > delivery.hubHolds {
            for change in try replica.logChanges(origin: site, seqs: (delivery.hubHolds + 1)...ownHeld, db: db) {
                unsent.insert(RecordKey(change))
            }
        }
        var drops = delivery.drops
        if delivery.complete {
            // Every record the delivery does not list, but an employer or an opportunity the hub does
            // not hold yet (this office's own, on its way).
            let partial = Scope(office: site, regions: ["?"])
            for table in replica.schema.tables {
                for id in try String.fetchAll(db, sql: "SELECT id FROM \(table.name)") {
                    let key = RecordKey(table: table.name, id: id)
                    if !listed.contains(key), !(partial.holdsAll(of: table.name) && unsent.contains(key)) { drops.append(key) }
                }
            }
        }
        var gone = Set<RecordKey>()
        let keepPendingDrop = try db.cachedStatement(sql: "INSERT OR IGNORE INTO scope_pending_drop (table_name, record_id) VALUES (?, ?)")
        for key in drops where tables[key.table] != nil {
            if unsent.contains(key) {
                try keepPendingDrop.execute(arguments: [key.table, key.id])
            } else {
                gone.insert(key)
            }
        }
        for row in try Row.fetchAll(db, sql: "SELECT table_name, record_id FROM scope_pending_drop") {
            let key = RecordKey(table: row[0], id: row[1])
            if !unsent.contains(key) { gone.insert(key) }
        }
        for key in gone {
            try db.cachedStatement(sql: "DELETE FROM \(key.table) WHERE id = ?").execute(arguments: [key.id])
            if db.changesCount > 0 { report.dropped += 1 }
            for sql in ["DELETE FROM conflict WHERE table_name = ? AND record_id = ?",
                        "DELETE FROM private_value WHERE table_name = ? AND record_id = ?",
                        "DELETE FROM scope_pending_drop WHERE table_name = ? AND record_id = ?"] {
                try db.cachedStatement(sql: sql).execute(arguments: [key.table, key.id])
            }
        }
        // Their values leave the log too (the stamps stay, §3.5), and the file is scrubbed.
        if !gone.isEmpty, try redactLog(gone, db: db) { erased = true }
        if report.dropped > 0 { erased = true }
        report.pendingDrops = try Int.fetchOne(db, sql: "SELECT count(*) FROM scope_pending_drop") ?? 0

        // An entry per origin: hundreds at a hub serving hundreds of offices.
        let cover = try db.cachedStatement(sql: """
            INSERT INTO version_vector (origin, seq) VALUES (?, ?)
            ON CONFLICT (origin) DO UPDATE SET seq = max(seq, excluded.seq)
            """)
        for (origin, seq) in delivery.coverage.sorted where origin != site {
            try cover.execute(arguments: [origin.rawValue, Int64(seq)])
        }
        try db.execute(sql: "UPDATE replica SET scope_generation = ?", arguments: [Int64(delivery.generation)])
        // The receive rule (§3.1): the clock takes in the newest stamps.
        if !newest.isEmpty {
            let now = replica.clock.nowMillis()
            var hybrid = HybridClock(last: HLC(rawValue: UInt64(bitPattern: try Int64.fetchOne(db, sql: "SELECT last_hlc FROM replica") ?? 0)))
            do { try ClockRule.checkReceived(newest: newest, wallMillis: now) } catch { throw StoreError(error) }
            for (_, hlc) in newest { hybrid.receive(hlc, wallMillis: now) }
            try db.execute(sql: "UPDATE replica SET last_hlc = ?", arguments: [Int64(bitPattern: hybrid.last.rawValue)])
        }
        return report
    }

    /// Removes every other origin's change from the log (a full replica becoming partial): the
    /// segments holding only those go; one that also holds own changes keeps them only. The vector
    /// keeps its entries: they say what the hub's deliveries reflect.
    private func dropForeignLog(_ db: Database) throws {
        let site = replica.site
        try db.execute(sql: "DELETE FROM log_range WHERE origin <> ?", arguments: [site.rawValue])
        try db.execute(sql: "DELETE FROM log_segment WHERE id NOT IN (SELECT segment FROM log_range)")
        var rewritten: [(Int64, [UInt8], Int)] = []
        let rows = try Row.fetchCursor(db, sql: "SELECT id, block FROM log_segment WHERE origin IS NULL OR origin <> ?",
                                       arguments: [site.rawValue])
        while let row = try rows.next() {
            guard let changes = try? ChangeBlock.decode([UInt8](row[1] as Data)) else { throw StoreError.corrupt(path: replica.path) }
            let own = changes.filter { $0.origin == site }
            if own.count < changes.count { rewritten.append((row[0], ChangeBlock.encode(own), own.count)) }
        }
        for (id, block, count) in rewritten {
            try db.execute(sql: """
                UPDATE log_segment SET block = ?, change_count = ?, signer = NULL, signature = NULL, origin = NULL,
                first_seq = NULL, last_seq = NULL WHERE id = ?
                """, arguments: [Data(block), count, id])
        }
        try db.execute(sql: "DELETE FROM conflict")
        erased = true
    }

    /// Rewrites the log segments holding a value of `keys` without it (their stamps stay): see the
    /// erasure rule, `applyErasureRule`. Returns whether a segment was rewritten.
    func redactLog(_ keys: Set<RecordKey>, db: Database) throws -> Bool {
        var rewritten: [(id: Int64, block: [UInt8])] = []
        let rows = try Row.fetchCursor(db, sql: "SELECT id, block FROM log_segment")
        while let row = try rows.next() {
            guard let changes = try? ChangeBlock.decode([UInt8](row[1] as Data)) else { throw StoreError.corrupt(path: replica.path) }
            if let redacted = Erasure.redacted(changes, erasing: keys) { rewritten.append((row[0], ChangeBlock.encode(redacted))) }
        }
        for (id, block) in rewritten {
            try db.execute(sql: """
                UPDATE log_segment SET block = ?, signer = NULL, signature = NULL, origin = NULL, first_seq = NULL,
                last_seq = NULL WHERE id = ?
                """, arguments: [Data(block), id])
        }
        return !rewritten.isEmpty
    }

    // MARK: At the hub

    /// The regions an office serves (the hub's register): empty for a full replica.
    package func regions(of office: SiteName) throws -> Set<String> {
        Set(try String.fetchAll(try db, sql: "SELECT region FROM office_region WHERE site = ?", arguments: [office.rawValue]))
    }

    /// Records what an office says it holds of its scope (the generation its bundle or request names).
    package func acknowledgeScope(of office: SiteName, generation: UInt64) throws {
        let db = try db
        try db.execute(sql: "INSERT OR IGNORE INTO peer (site, last_contact, ack_written_at) VALUES (?, 0, 0)",
                       arguments: [office.rawValue])
        try db.execute(sql: "UPDATE peer SET scope_ack = ? WHERE site = ?", arguments: [Int64(clamping: generation), office.rawValue])
        // The events at or below it describe nothing the office may still lack.
        if let row = try Row.fetchOne(db, sql: "SELECT generation, horizon FROM scope_office WHERE site = ?", arguments: [office.rawValue]) {
            let (current, horizon) = (UInt64(row[0] as Int64), UInt64(row[1] as Int64))
            if generation <= current, generation > horizon {
                try db.execute(sql: "DELETE FROM scope_event WHERE site = ? AND generation <= ?",
                               arguments: [office.rawValue, Int64(generation)])
                try db.execute(sql: "UPDATE scope_office SET horizon = ? WHERE site = ?", arguments: [Int64(generation), office.rawValue])
            }
        }
    }

    /// The delivery for an office served by regions (nil for a full replica, or when it would tell
    /// the office nothing): its scope evaluated now (`Scope`), compared with the scope as last sent,
    /// which makes a new generation when they differ; then, relative to what the office
    /// acknowledged (its vector and generation), the records it lacks and those to drop.
    package func scopedDelivery(for office: SiteName, full: Bool = false) throws -> ScopedDelivery? {
        let regions = try regions(of: office)
        guard !regions.isEmpty else { return nil }
        let db = try db
        let scope = Scope(office: office, regions: regions)
        let facts = try scopeFacts(for: scope)
        let inScope = scope.records(facts)

        // The scope as last sent, and a new generation if it moved.
        var generation: UInt64 = 0, horizon: UInt64 = 0
        if let row = try Row.fetchOne(db, sql: "SELECT generation, horizon FROM scope_office WHERE site = ?", arguments: [office.rawValue]) {
            generation = UInt64(row[0] as Int64)
            horizon = UInt64(row[1] as Int64)
        }
        let sent = Set(try Row.fetchAll(db, sql: "SELECT table_name, record_id FROM scope_member WHERE site = ?",
                                        arguments: [office.rawValue]).map { RecordKey(table: $0[0], id: $0[1]) })
        let entering = inScope.subtracting(sent), leaving = sent.subtracting(inScope)
        if generation == 0 || !entering.isEmpty || !leaving.isEmpty {
            generation += 1
            // One row per record (thousands when an office first gets its scope): compiled once.
            // Values bound through SQLite's C API (`execute(binding:)`), not boxed GRDB arguments.
            let site = Value.text(office.rawValue), at = Value.integer(Int64(generation))
            let member = try db.cachedStatement(sql: "INSERT INTO scope_member (site, table_name, record_id) VALUES (?, ?, ?)")
            for key in entering { try member.execute(binding: [site, .text(key.table), .text(key.id)], db: db) }
            let notMember = try db.cachedStatement(sql: "DELETE FROM scope_member WHERE site = ? AND table_name = ? AND record_id = ?")
            for key in leaving { try notMember.execute(binding: [site, .text(key.table), .text(key.id)], db: db) }
            let event = try db.cachedStatement(sql: "INSERT INTO scope_event (site, generation, table_name, record_id) VALUES (?, ?, ?, ?)")
            for key in entering.union(leaving) { try event.execute(binding: [site, at, .text(key.table), .text(key.id)], db: db) }
            try db.execute(sql: """
                INSERT INTO scope_office (site, generation, horizon) VALUES (?, ?, ?)
                ON CONFLICT (site) DO UPDATE SET generation = excluded.generation
                """, arguments: [office.rawValue, Int64(generation), Int64(horizon)])
        }

        let acknowledgedGeneration = UInt64(try Int64.fetchOne(db, sql: "SELECT scope_ack FROM peer WHERE site = ?",
                                                               arguments: [office.rawValue]) ?? 0)
        let acknowledged = try acknowledged(by: office)
        let vector = try vector()
        var coverage = vector
        coverage[office] = 0
        // Every employer and opportunity, with the records of its scope.
        var holds = inScope
        for table in [Schema.V1.employer.table, Schema.V1.opportunity.table] {
            for id in try String.fetchAll(db, sql: "SELECT id FROM \(table) WHERE _tombstone IS NULL") {
                holds.insert(RecordKey(table: table, id: id))
            }
        }
        // A generation the hub no longer describes (never acknowledged, older than the events kept,
        // or one the hub never made: a restored replica on either side) gets everything again.
        let described = !full && acknowledgedGeneration > 0 && acknowledgedGeneration >= horizon && acknowledgedGeneration <= generation
        // Otherwise, when the office took a delivery the hub remembers, the records touched since
        // it are those it may lack (`scope_touch`). Else the changes it lacks say which; but an
        // office lacking more of them than `Scope.completeAbove` times the records it holds gets
        // everything again: reading them all would cost the hub more than listing its scope.
        let taken = described ? try deliveryTaken(by: office, acknowledged: acknowledged) : nil
        let lacking = WhatToSend(ours: vector, acknowledged: acknowledged).ranges.filter { $0.key != office }
        let complete = !described
            || (taken == nil && lacking.values.reduce(0, { $0 + $1.count }) > Scope.completeAbove * holds.count)
        var keys = Set<RecordKey>()
        var drops: [RecordKey] = []
        if complete {
            keys = holds
        } else {
            // Records whose membership changed since the acknowledged generation: whole, or dropped.
            for row in try Row.fetchAll(db, sql: """
                SELECT DISTINCT table_name, record_id FROM scope_event WHERE site = ? AND generation > ?
                """, arguments: [office.rawValue, Int64(acknowledgedGeneration)]) {
                let key = RecordKey(table: row[0], id: row[1])
                if inScope.contains(key) { keys.insert(key) } else { drops.append(key) }
            }
            // Records changed since: those of its scope, up to date; an employer or an opportunity
            // deleted since, or a person the office registered, dropped.
            var dropped = Set(drops)
            func touched(_ key: RecordKey) throws {
                if scope.holdsAll(of: key.table) {
                    if try isLive(key, db: db) { keys.insert(key) } else if dropped.insert(key).inserted { drops.append(key) }
                } else if inScope.contains(key) {
                    keys.insert(key)
                } else if ProposalRule.isCandidate(key.id, of: office), dropped.insert(key).inserted {
                    // A person this office registered, deleted before the hub ever sent it back.
                    drops.append(key)
                }
            }
            if let taken {
                for key in try touchedSince(taken, scope: scope, inScope: inScope, facts: facts) { try touched(key) }
            } else {
                for (origin, seqs) in lacking.sorted(by: { $0.key < $1.key }) {
                    for change in try replica.logChanges(origin: origin, seqs: seqs, db: db) { try touched(RecordKey(change)) }
                }
            }
        }
        var records: [RecordSnapshot] = []
        for key in keys.sorted() {
            guard let table = replica.tables[key.table], let state = try table.load(key.id, in: db), !state.isDeleted else { continue }
            records.append(RecordSnapshot(key: key, state: state, table: table.table))
        }
        let delivery = ScopedDelivery(generation: generation, base: complete ? 0 : acknowledgedGeneration, complete: complete,
                                      hubHolds: vector[office], coverage: coverage, records: records,
                                      drops: drops.sorted())
        if delivery.isEmpty(for: acknowledgedGeneration, acknowledged: acknowledged) { return nil }
        try remember(delivery, for: office)
        return delivery
    }

    /// Remembers a delivery made for an office, with the touch clock's value now (the clock starts
    /// with the hub's first scoped delivery), then moves the clock on: whatever is written after
    /// this delivery, in this transaction or a later one, is touched after it.
    private func remember(_ delivery: ScopedDelivery, for office: SiteName) throws {
        let db = try db
        try db.execute(sql: "INSERT INTO scope_touch_clock (n) SELECT 1 WHERE NOT EXISTS (SELECT 1 FROM scope_touch_clock)")
        let clock = try Int64.fetchOne(db, sql: "SELECT n FROM scope_touch_clock") ?? 1
        try db.cachedStatement(sql: "INSERT OR REPLACE INTO scope_delivery (site, touch, coverage) VALUES (?, ?, ?)")
            .execute(arguments: [office.rawValue, clock, delivery.coverage.storageText])
        try db.execute(sql: "UPDATE scope_touch_clock SET n = n + 1")
        // A few deliveries per office are enough to find the last one it took.
        try db.cachedStatement(sql: """
            DELETE FROM scope_delivery WHERE site = ?1 AND touch < (SELECT min(touch) FROM (
                SELECT touch FROM scope_delivery WHERE site = ?1 ORDER BY touch DESC LIMIT \(Self.deliveriesRemembered)))
            """).execute(arguments: [office.rawValue])
    }

    /// The records touched since the touch clock's value `taken` that a delivery for `scope` may
    /// carry or drop: of every table but the candidates, all; candidates, those of the scope's
    /// regions then, those the office registered, and the others of the scope. Read by index ranges,
    /// not every record touched (at a hub serving hundreds of offices, most are other regions').
    private func touchedSince(_ taken: Int64, scope: Scope, inScope: Set<RecordKey>, facts: Scope.Facts) throws -> [RecordKey] {
        let db = try db
        let candidate = Schema.V1.candidate.table
        var keys: [RecordKey] = []
        func collect(_ statement: Statement, _ arguments: StatementArguments, table: String) throws {
            let ids = try String.fetchCursor(statement, arguments: arguments)
            while let id = try ids.next() { keys.append(RecordKey(table: table, id: id)) }
        }
        for table in replica.schema.tables where table.name != candidate {
            try collect(db.cachedStatement(sql: "SELECT record_id FROM scope_touch WHERE table_name = ? AND region IS NULL AND touch > ?"),
                        [table.name, taken], table: table.name)
        }
        let byRegion = try db.cachedStatement(sql: "SELECT record_id FROM scope_touch WHERE table_name = ? AND region = ? AND touch > ?")
        for region in scope.regions.sorted() { try collect(byRegion, [candidate, region, taken], table: candidate) }
        // Ids of the office: those from "<office>-" up to "<office>." (the next byte after "-").
        try collect(db.cachedStatement(sql: """
            SELECT record_id FROM scope_touch WHERE table_name = ? AND record_id >= ? AND record_id < ? AND touch > ?
            """), [candidate, scope.office.rawValue + "-", scope.office.rawValue + ".", taken], table: candidate)
        let touch = try db.cachedStatement(sql: "SELECT touch FROM scope_touch WHERE table_name = ? AND record_id = ?")
        for key in inScope where key.table == candidate && !ProposalRule.isCandidate(key.id, of: scope.office)
            && !(facts.candidates[key.id].flatMap { $0 }.map(scope.regions.contains) ?? false) {
            // Neither of its regions (listed above: a touch notes the region the record has then)
            // nor its own: a person proposed to one of its opportunities.
            if let at = try Int64.fetchOne(touch, arguments: [key.table, key.id]), at > taken { keys.append(key) }
        }
        return keys
    }

    /// How many of an office's last deliveries the hub remembers.
    static let deliveriesRemembered = 8

    /// The touch clock's value at the last delivery the office took, as far as the hub remembers:
    /// the newest whose coverage its acknowledged vector holds (nil if none). It holds every record
    /// of its scope as of that delivery, so what it may lack was touched since. The older ones are
    /// forgotten.
    private func deliveryTaken(by office: SiteName, acknowledged: VersionVector) throws -> Int64? {
        let db = try db
        let rows = try Row.fetchAll(db.cachedStatement(sql: "SELECT touch, coverage FROM scope_delivery WHERE site = ? ORDER BY touch DESC"),
                                    arguments: [office.rawValue])
        for row in rows {
            // A coverage never names the office itself.
            let touch: Int64 = row[0]
            guard let coverage = VersionVector(storageText: row[1]) else { continue }
            if [.after, .equal].contains(acknowledged.compare(coverage)) {
                try db.execute(sql: "DELETE FROM scope_delivery WHERE site = ? AND touch < ?", arguments: [office.rawValue, touch])
                return touch
            }
        }
        return nil
    }

    private func isLive(_ key: RecordKey, db: Database) throws -> Bool {
        try Bool.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM \(key.table) WHERE id = ? AND _tombstone IS NULL"), arguments: [key.id]) ?? false
    }
}

extension ScopeReport {
    /// What the delivery did, in the user's words (nil when it did nothing visible).
    public func message(_ lang: Lang) -> String? {
        if stale {
            return lang.pick("Livraison du pôle plus ancienne qu’une autre déjà reçue : rien n’en a été pris (rien n’est perdu).",
                             "Delivery from the hub older than one already received: nothing was taken from it (nothing is lost).")
        }
        guard received > 0 || dropped > 0 || pendingDrops > 0 else { return nil }
        var text = lang.pick("Périmètre de ce bureau (livraison n° \(generation)) : \(received) fiche(s) reçue(s) ou mise(s) à jour, \(dropped) retirée(s) de ce poste (hors de son périmètre)",
                             "This office's scope (delivery #\(generation)): \(received) record(s) received or updated, \(dropped) removed from this machine (out of its scope)")
        if pendingDrops > 0 {
            text += lang.pick(" ; \(pendingDrops) le seront dès que le pôle aura reçu les changements qu’elles portent encore d’ici",
                              "; \(pendingDrops) will be once the hub has the changes of theirs still waiting here")
        }
        return text + "."
    }
}
