import Jonction
import JonctionStore
import JonctionTestSupport
import Testing

/// The in-memory replica and the SQLite replica follow the same pure rules: fed the same deliveries,
/// they report the same and hold the same records and logs (erasures included: redacted alike).
@Suite("Réplica en mémoire et réplica SQLite : mêmes livraisons, même résultat")
struct MemoryReplicaParityTests {
    @Test("mêmes blocs reçus (nouveaux, rejoués, en recouvrement, troués) : mêmes rapports, mêmes états",
          arguments: SeededGenerator.seeds(12, base: 4_400))
    func sameDeliveries(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        let dir = TemporaryDirectory("parity")
        let clock = ManualClock()
        let sqlite = try Replica.create(at: dir.path("hub.sqlite"), site: .hub, clock: clock)
        var memory = MemoryReplica(site: .hub)
        var writers = ["kayes", "mopti", "gao"].map { MemoryReplica(site: SiteName(unchecked: $0)) }
        var wall = clock.nowMillis()
        for _ in 0..<30 {
            wall += UInt64.random(in: 0...5_000, using: &rng)
            clock.set(wall)
            let w = Int.random(in: 0..<writers.count, using: &rng)
            let op = RandomWorkload.operation(ids: 4, deleteOdds: 10, using: &rng)
            do {
                if let fields = op.fields {
                    try writers[w].set(table: op.table, id: op.id, fields: fields, wallMillis: wall)
                } else if Bool.random(using: &rng) {
                    try writers[w].delete(table: op.table, id: op.id, wallMillis: wall)
                } else {
                    try writers[w].erase(table: op.table, id: op.id, wallMillis: wall)
                }
            } catch {
                #expect(error.isRecordGone, "seed \(seed): \(error)")
            }
            // Writers trade among themselves now and then, so deliveries relay and overlap.
            if Bool.random(using: &rng) {
                let from = Int.random(in: 0..<writers.count, using: &rng), to = (from + 1) % writers.count
                let changes = writers[from].changes(WhatToSend(ours: writers[from].vector, acknowledged: writers[to].vector))
                try writers[to].receive([ReceivedBlock(changes: changes)], wallMillis: wall)
            }
            guard Int.random(in: 0..<3, using: &rng) == 0 else { continue }
            let w2 = Int.random(in: 0..<writers.count, using: &rng)
            let full = Bool.random(using: &rng)
            var changes = writers[w2].changes(WhatToSend(ours: writers[w2].vector, acknowledged: full ? nil : memory.vector))
            if changes.count > 2, Int.random(in: 0..<4, using: &rng) == 0 { changes.remove(at: 1) }
            let blocks = [ReceivedBlock(changes: changes, encoded: ChangeBlock.encode(changes))]
            let ack = writers[w2].acknowledgement(wallMillis: wall)
            let ours = Result { try memory.receive(blocks, from: writers[w2].site, acknowledging: ack, wallMillis: wall) }
            let theirs = Result { try sqlite.write { try $0.merge(sqlite.plan(blocks), receivedFrom: writers[w2].site, acknowledging: ack) } }
            switch (ours, theirs) {
            case (.success(let receipt), .success(let report)):
                #expect(receipt.applied == report.applied && receipt.duplicates == report.duplicates, "seed \(seed)")
                #expect(receipt.ranges == report.ranges && receipt.conflicts == report.conflicts, "seed \(seed)")
            case (.failure(SyncRefusal.gap(let o, let h, let f)), .failure(StoreError.gap(let o2, let h2, let f2))):
                #expect(o == o2 && h == h2 && f == f2, "seed \(seed)")
            case (.failure(SyncRefusal.clockAhead(let o, let a)), .failure(StoreError.clockAhead(let o2, let a2))):
                #expect(o == o2 && a == a2, "seed \(seed)")
            default:
                Issue.record("seed \(seed): memory \(ours), SQLite \(theirs)")
            }
            #expect(try sqlite.read { try $0.recordSet() } == memory.records, "seed \(seed)")
            #expect(try sqlite.read { try $0.vector() } == memory.vector, "seed \(seed)")
            #expect(try sqlite.read { try $0.acknowledged(by: writers[w2].site) } == memory.peers[writers[w2].site]?.acknowledged ?? VersionVector(),
                    "seed \(seed)")
            #expect(try sqlite.read { try $0.log() } == memory.log.keys.sorted().flatMap { memory.log[$0]! }, "seed \(seed)")
        }
        try sqlite.close()
    }
}
