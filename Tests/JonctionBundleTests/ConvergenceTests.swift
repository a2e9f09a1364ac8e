import Foundation
import Jonction
import JonctionBundle
import JonctionStore
import JonctionTestSupport
import Testing

/// Sites exchanging bundles (as bytes, through the real codec) under random schedules.
@Suite("Convergence : n’importe quel ordre d’échange, pertes, doublons, relais, paquets abîmés")
struct ConvergenceTests {
    static let names = ["hub", "kayes", "mopti", "gao", "tombouctou", "sikasso", "segou"]

    struct Site {
        var replica: Replica
        var clock: ManualClock
        var skew: Int64
    }

    @Test("les réplicas finissent identiques et égaux au modèle de référence",
          arguments: SeededGenerator.seeds(40, base: 1_000_000))
    func randomSchedule(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        let dir = TemporaryDirectory("conv")
        var now: Int64 = 1_790_000_000_000
        let count = Int.random(in: 3...7, using: &rng)
        // Field laptops: some clocks days behind, some hours ahead, rarely more than the bound.
        let skews: [Int64] = [0, 0, -3 * 86_400_000, 5 * 3_600_000, -2 * 3_600_000, 30 * 3_600_000]
        var sites: [Site] = []
        for i in 0..<count {
            let skew = i == 0 ? 0 : skews[Int.random(in: 0..<(skews.count - (Int.random(in: 0..<4, using: &rng) == 0 ? 0 : 1)), using: &rng)]
            let clock = ManualClock(millis: UInt64(now + skew))
            let replica = try Replica.create(at: dir.path("\(Self.names[i]).sqlite"), site: SiteName(Self.names[i]),
                                             clock: clock)
            sites.append(Site(replica: replica, clock: clock, skew: skew))
        }
        // One network: every site has its keys and the hub's roster; bundles are signed and sealed.
        try LocalNetwork.join(sites.map(\.replica))
        func tick(_ ms: Int64) {
            now += ms
            for s in sites { s.clock.set(UInt64(now + s.skew)) }
        }

        var written: [Change] = []
        var delayed: [(to: Int, bytes: [UInt8])] = []

        func deliver(_ bytes: [UInt8], to j: Int) throws {
            _ = try sites[j].replica.importBundle(bytes: bytes)
        }

        for _ in 0..<Int.random(in: 10...45, using: &rng) {
            tick(Int64.random(in: 0...30_000, using: &rng))
            let roll = Int.random(in: 0..<100, using: &rng)
            if roll < 55 {
                let i = Int.random(in: 0..<count, using: &rng)
                let op = RandomWorkload.operation(ids: 6, deleteOdds: 25, using: &rng)
                do {
                    if let fields = op.fields {
                        written += try sites[i].replica.write { try $0.set(table: op.table, id: op.id, fields: fields) }
                    } else {
                        written.append(try sites[i].replica.write { try $0.delete(table: op.table, id: op.id) })
                    }
                } catch StoreError.recordNotFound, StoreError.recordDeleted {}
            } else if roll < 90 {
                let i = Int.random(in: 0..<count, using: &rng)
                var j = Int.random(in: 0..<(count - 1), using: &rng)
                if j >= i { j += 1 }
                let full = Int.random(in: 0..<10, using: &rng) == 0
                guard let bundle = try sites[i].replica.sealedBundle(for: sites[j].replica.site, full: full) else { continue }
                let bytes = bundle.bytes
                switch Int.random(in: 0..<100, using: &rng) {
                case 0..<15:
                    break  // the stick was lost
                case 15..<25:
                    // A damaged or truncated copy: refused, and nothing changes.
                    var damaged = bytes
                    if Bool.random(using: &rng) {
                        damaged[Int.random(in: 0..<damaged.count, using: &rng)] ^= UInt8.random(in: 1...255, using: &rng)
                    } else {
                        damaged.removeLast(Int.random(in: 1..<damaged.count, using: &rng))
                    }
                    let before = try sites[j].replica.read { try $0.vector() }
                    #expect(throws: BundleError.self, "seed \(seed)") { try deliver(damaged, to: j) }
                    #expect(try sites[j].replica.read { try $0.vector() } == before, "seed \(seed)")
                case 25..<40:
                    delayed.append((j, bytes))  // arrives later, out of order
                default:
                    try deliver(bytes, to: j)
                    if Int.random(in: 0..<5, using: &rng) == 0 { try deliver(bytes, to: j) }  // the same stick twice
                }
            } else if !delayed.isEmpty {
                let k = Int.random(in: 0..<delayed.count, using: &rng)
                let late = delayed.remove(at: k)
                try deliver(late.bytes, to: late.to)
            }
        }
        for late in delayed.shuffled(using: &rng) { try deliver(late.bytes, to: late.to) }

        // Final exchange through the hub, twice around.
        for _ in 0..<2 {
            for s in sites.dropFirst() {
                if let b = try s.replica.sealedBundle(for: sites[0].replica.site) { try deliver(b.bytes, to: 0) }
            }
            for (j, s) in sites.enumerated().dropFirst() {
                if let b = try sites[0].replica.sealedBundle(for: s.replica.site) { try deliver(b.bytes, to: j) }
            }
        }

        var reference = RecordSet(schema: .current)
        for change in written { try reference.apply(change) }
        let expected = reference.canonicalJSON()
        for s in sites {
            #expect(try s.replica.read { try $0.recordSet() } == reference, "seed \(seed): \(s.replica.site)")
            #expect(try s.replica.read { try $0.dumpJSON() } == expected, "seed \(seed): \(s.replica.site)")
            #expect(try s.replica.read { try $0.vector() }.total == UInt64(written.count), "seed \(seed): \(s.replica.site)")
            try s.replica.close()
        }
    }
}
