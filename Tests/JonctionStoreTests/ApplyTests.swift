import Foundation
import GRDB
import Jonction
@testable import JonctionStore
import JonctionTestSupport
import Testing

@Suite("Réplica : application des changements venus d’autres sites")
struct ApplyTests {
    let dir = TemporaryDirectory("apply")
    let clock = ManualClock()

    func replica(_ site: String) throws -> Replica {
        try Replica.create(at: dir.path("\(site).sqlite"), site: SiteName(site), clock: clock)
    }

    /// Sends what `to` lacks from `from`, as a bundle would.
    @discardableResult
    func exchange(_ from: Replica, _ to: Replica) throws -> ApplyReport {
        let held = try to.read { try $0.vector() }
        return try to.write { try $0.merge(from.read { try $0.changes(since: held) }, receivedFrom: from.site) }
    }

    @Test("ce qui manque passe d’un réplica à l’autre ; un rejeu ne change rien")
    func replicateAndReplay() throws {
        let kayes = try replica("kayes"), hub = try replica("hub")
        try kayes.write { try $0.put(table: "candidate", id: "kayes-c01", fields: [("family_name", "Sissoko"), ("region", "Kayes")]) }
        try kayes.write { try $0.put(table: "candidate", id: "kayes-c02", fields: [("family_name", "Camara")]) }
        try kayes.write { try $0.delete(table: "candidate", id: "kayes-c02") }
        let report = try exchange(kayes, hub)
        #expect(report.applied == 4)
        #expect(report.ranges == [kayes.site: 1...4])
        #expect(try hub.read { try $0.recordSet() } == kayes.read { try $0.recordSet() })
        #expect(try hub.read { try $0.dumpJSON() } == kayes.read { try $0.dumpJSON() })
        #expect(try hub.read { try $0.log() } == kayes.read { try $0.log() })

        let replay = try hub.write { try $0.merge(kayes.read { try $0.changes(since: VersionVector()) }) }
        #expect(replay.applied == 0)
        #expect(replay.duplicates == 4)
        #expect(try hub.read { try $0.recordSet() } == kayes.read { try $0.recordSet() })
        #expect(try hub.read { try $0.status() }.logSegments == 1)
    }

    @Test("un trou dans les numéros est refusé en nommant ce qui manque, sans rien changer")
    func gap() throws {
        let kayes = try replica("kayes"), hub = try replica("hub")
        for i in 1...5 { try kayes.write({ try $0.put(table: "candidate", id: "kayes-c\(i)", fields: [("status", "registered")]) }) }
        try hub.write { try $0.merge(kayes.read { try $0.changes(origin: kayes.site, seqs: 1...2) }) }
        let before = try hub.read { try $0.recordSet() }
        let error = #expect(throws: StoreError.gap(origin: kayes.site, held: 2, first: 4)) {
            try hub.write { try $0.merge(kayes.read { try $0.changes(origin: kayes.site, seqs: 4...5) }) }
        }
        #expect(error?.message(.fr).contains("il manque les n° 3") == true)
        #expect(try hub.read { try $0.recordSet() } == before)
        #expect(try hub.read { try $0.vector() }[kayes.site] == 2)
        // Overlapping delivery: the known part is skipped, the rest applies.
        let report = try hub.write { try $0.merge(kayes.read { try $0.changes(origin: kayes.site, seqs: 1...5) }) }
        #expect(report.duplicates == 2)
        #expect(report.applied == 3)
        #expect(try hub.read { try $0.recordSet() } == kayes.read { try $0.recordSet() })
    }

    @Test("un changement hors schéma est refusé, rien n’est écrit")
    func invalidChange() throws {
        let hub = try replica("hub")
        let gao = SiteName(unchecked: "gao")
        let good = Change(origin: gao, seq: 1, hlc: HLC(millis: clock.nowMillis()), table: "candidate", id: "gao-c01",
                          operation: .set(field: "sex", value: .text("F")))
        var bad = good
        bad.seq = 2
        bad.operation = .set(field: "sex", value: .text("Z"))
        #expect(throws: StoreError.self) { try hub.write { try $0.merge([good, bad]) } }
        #expect(try hub.read { try $0.vector() } == VersionVector())
        #expect(try hub.read { try $0.state(table: "candidate", id: "gao-c01") } == nil)
    }

    @Test("une horloge en avance de trois jours est fusionnée, sans entraîner l’horloge du pôle de plus de 24 h")
    func clockAhead() throws {
        let gao = try Replica.create(at: dir.path("gao.sqlite"), site: SiteName("gao"), clock: ManualClock(millis: clock.nowMillis() + 3 * 86_400_000))
        let hub = try replica("hub")
        try gao.write { try $0.put(table: "candidate", id: "gao-c01", fields: [("status", "trained")]) }
        try exchange(gao, hub)
        #expect(try hub.read { try $0.get(table: "candidate", id: "gao-c01") }.state[Schema.V1.candidate.status] == .trained)
        // The hub's own clock is not dragged three days ahead: at most one.
        try hub.write { try $0.put(table: "candidate", id: "gao-c01", fields: [("notes", "vu")]) }
        #expect(try hub.read { try $0.status() }.clock.millis <= clock.nowMillis() + 86_400_000)
    }

    @Test("deux bureaux modifient le même champ sans se voir : un conflit noté, même résultat partout")
    func concurrentEdits() throws {
        let kayes = try replica("kayes"), mopti = try replica("mopti"), hub = try replica("hub")
        try kayes.write { try $0.put(table: "candidate", id: "kayes-c01", fields: [("phone", "+223 70 00 00 01")]) }
        try exchange(kayes, mopti)
        clock.advance(by: 10)
        try kayes.write { try $0.put(table: "candidate", id: "kayes-c01", fields: [("phone", "+223 70 00 00 02")]) }
        clock.advance(by: 10)
        try mopti.write { try $0.put(table: "candidate", id: "kayes-c01", fields: [("phone", "+223 70 00 00 03")]) }
        try exchange(kayes, hub)
        let report = try exchange(mopti, hub)
        #expect(report.conflicts.count == 1)
        #expect(report.conflicts.first?.winner.value == .text("+223 70 00 00 03"))
        #expect(report.conflicts.first?.loser.value == .text("+223 70 00 00 02"))
        try exchange(hub, kayes)
        try exchange(hub, mopti)
        #expect(try kayes.read { try $0.recordSet() } == hub.read { try $0.recordSet() })
        #expect(try mopti.read { try $0.recordSet() } == hub.read { try $0.recordSet() })
        #expect(try hub.read { try $0.status() }.conflicts == 1)
        #expect(try kayes.read { try $0.status() }.conflicts == 1)
    }

    @Test("ses propres changements perdus (réplica restauré d’une sauvegarde) reviennent sans réutiliser un numéro")
    func restoredReplica() throws {
        let kayes = try replica("kayes"), hub = try replica("hub")
        try kayes.write { try $0.put(table: "candidate", id: "kayes-c01", fields: [("status", "registered")]) }
        try kayes.close()
        let backup = dir.path("backup.sqlite")
        try FileManager.default.copyItem(atPath: dir.path("kayes.sqlite"), toPath: backup)
        let live = try Replica.open(at: dir.path("kayes.sqlite"), clock: clock)
        try live.write { try $0.put(table: "candidate", id: "kayes-c01", fields: [("status", "trained")]) }
        try exchange(live, hub)
        let restored = try Replica.open(at: backup, clock: clock)
        try exchange(hub, restored)
        let next = try restored.write { try $0.put(table: "candidate", id: "kayes-c02", fields: [("status", "registered")]) }
        #expect(next.first?.seq == 3)
    }

    @Test("propriété : des réplicas SQLite échangeant dans n’importe quel ordre convergent vers le modèle",
          arguments: SeededGenerator.seeds(25, base: 40_000))
    func convergence(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        let names = ["hub", "kayes", "mopti", "gao", "tombouctou"].prefix(Int.random(in: 3...5, using: &rng))
        let replicas = try names.map { try replica($0) }
        var all: [Change] = []
        for _ in 0..<Int.random(in: 20...60, using: &rng) {
            clock.advance(by: Int64.random(in: -5...20, using: &rng))
            let i = Int.random(in: 0..<replicas.count, using: &rng)
            if Int.random(in: 0..<3, using: &rng) == 0 {
                let j = Int.random(in: 0..<replicas.count, using: &rng)
                let held = try replicas[i].read { try $0.vector() }
                let missing = try replicas[j].read { try $0.changes(since: held) }
                // Deliver all of it, a prefix of each origin (a bundle cut short is refused whole,
                // a smaller one is fine), or the whole log again (a replay).
                switch Int.random(in: 0..<3, using: &rng) {
                case 0: try replicas[i].write { try $0.merge(missing) }
                case 1: try replicas[i].write { try $0.merge(try replicas[j].read { try $0.changes(since: VersionVector()) }) }
                default:
                    let cut = Int.random(in: 0...missing.count, using: &rng)
                    let byOrigin = Dictionary(grouping: missing.prefix(cut), by: \.origin)
                    try replicas[i].write { try $0.merge(byOrigin.values.flatMap { $0 }) }
                }
            } else {
                let op = RandomWorkload.operation(ids: 5, using: &rng)
                do {
                    if let fields = op.fields {
                        all += try replicas[i].write { try $0.set(table: op.table, id: op.id, fields: fields) }
                    } else {
                        all.append(try replicas[i].write { try $0.delete(table: op.table, id: op.id) })
                    }
                } catch StoreError.recordNotFound, StoreError.recordDeleted {}
            }
        }
        // Final exchange: everyone through the first replica, twice around.
        for _ in 0..<2 {
            for r in replicas.dropFirst() { try exchange(r, replicas[0]) }
            for r in replicas.dropFirst() { try exchange(replicas[0], r) }
        }
        var reference = RecordSet(schema: .current)
        for change in all { try reference.apply(change) }
        for r in replicas {
            #expect(try r.read { try $0.recordSet() } == reference, "seed \(seed), \(r.site)")
            #expect(try r.read { try $0.dumpJSON() } == reference.canonicalJSON(), "seed \(seed), \(r.site)")
            #expect(try r.read { try $0.vector() }.total == UInt64(all.count), "seed \(seed), \(r.site)")
        }
    }
}
