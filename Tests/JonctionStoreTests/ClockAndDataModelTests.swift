import Foundation
import GRDB
import Jonction
@testable import JonctionStore
import JonctionTestSupport
import Testing

/// protocol.md §3.1 (a wrong clock wins nothing) and §2.2 (values written by data model version 1).
@Suite("Horloges et modèle de données 2")
struct ClockAndDataModelTests {
    let dir = TemporaryDirectory("clock")
    static let day: Int64 = 86_400_000

    func replica(_ site: String, _ clock: ManualClock) throws -> Replica {
        try Replica.create(at: dir.path("\(site).sqlite"), site: SiteName(site), clock: clock)
    }

    func changes(of replica: Replica) throws -> [Change] {
        try replica.read { try $0.log(origin: replica.site) }
    }

    @Test("un changement daté de plus de 7 jours dans le futur est refusé, rien n’est modifié ; le même passe une fois la date venue")
    func receiveBound() throws {
        let kayesClock = ManualClock(), hubClock = ManualClock()
        let kayes = try replica("kayes", kayesClock), hub = try replica("hub", hubClock)
        kayesClock.advance(by: 9 * Self.day)
        try kayes.write { try $0.confirmClock() }
        try kayes.write { try $0.put(table: "candidate", id: "kayes-c1", fields: [("family_name", "Diarra")]) }
        let sent = try changes(of: kayes)
        #expect {
            try hub.write { try $0.merge(sent, receivedFrom: kayes.site) }
        } throws: { error in
            guard case StoreError.clockAhead(let origin, let ahead) = error else { return false }
            return origin == kayes.site && ahead >= UInt64(9 * Self.day) && !(error as! StoreError).message(.fr).isEmpty
        }
        #expect(try hub.read { try $0.vector() }[kayes.site] == 0)
        #expect(try hub.read { try $0.peers() }.isEmpty)
        // Six days and 23 h ahead is within the bound.
        hubClock.advance(by: 2 * Self.day + 3_600_000)
        try hub.write { try $0.merge(sent, receivedFrom: kayes.site) }
        #expect(try hub.read { try $0.vector() }[kayes.site] == 1)
    }

    @Test("horloge en avance de dix ans : écriture refusée, confirmée, refusée au pôle, remise à l’heure, redatée ; elle ne gagne rien")
    func tenYearsAhead() throws {
        let kayesClock = ManualClock(), hubClock = ManualClock()
        let kayes = try replica("kayes", kayesClock), hub = try replica("hub", hubClock)
        try kayes.write { try $0.put(table: "candidate", id: "kayes-c1", fields: [("family_name", "Diarra"), ("region", "Kayes")]) }
        try hub.write { try $0.merge(try changes(of: kayes), receivedFrom: kayes.site) }

        // The laptop's clock jumps ten years ahead: the office is asked to confirm before writing.
        kayesClock.advance(by: 3652 * Self.day)
        #expect {
            try kayes.write { try $0.put(table: "candidate", id: "kayes-c1", fields: [("family_name", "Diara")]) }
        } throws: { error in
            guard case StoreError.clockDoubtful(.farAhead) = error else { return false }
            return (error as! StoreError).message(.fr).contains("jonction clock --confirm")
        }
        #expect(try kayes.read { try $0.vector() }[kayes.site] == 2)
        // A clerk confirms anyway and writes: the hub refuses those changes.
        try kayes.write { try $0.confirmClock() }
        try kayes.write { try $0.put(table: "candidate", id: "kayes-c1", fields: [("family_name", "Diara")]) }
        let future = try changes(of: kayes)
        #expect(throws: StoreError.self) { try hub.write { try $0.merge(future, receivedFrom: kayes.site) } }

        // The clock is put right: the office may not write until its future changes are restamped.
        kayesClock.set(hubClock.nowMillis() + 60_000)
        #expect {
            try kayes.write { try $0.put(table: "candidate", id: "kayes-c1", fields: [("commune", "Nioro")]) }
        } throws: { error in
            if case StoreError.clockDoubtful(.behindOwnClock) = error { return true }
            return false
        }
        let report = try kayes.write { try $0.restampFutureChanges() }
        #expect(report.restamped == 1)
        #expect(report.records == 1)
        let restamped = try changes(of: kayes)
        #expect(restamped.map(\.seq) == future.map(\.seq))
        #expect(restamped.allSatisfy { $0.hlc.millis <= kayesClock.nowMillis() })
        #expect(restamped[2].previous == Stamp(hlc: restamped[0].hlc, site: kayes.site))
        #expect(try kayes.read { try $0.checkIntegrity() }.isSound)
        try kayes.write { try $0.put(table: "candidate", id: "kayes-c1", fields: [("commune", "Nioro")]) }

        // The hub takes them now, and a later edit at the hub wins everywhere: the old clock won nothing.
        try hub.write { try $0.merge(try changes(of: kayes), receivedFrom: kayes.site) }
        hubClock.advance(by: 3_600_000)
        kayesClock.advance(by: 3_600_000)
        try hub.write { try $0.put(table: "candidate", id: "kayes-c1", fields: [("family_name", "Dyarra")]) }
        try kayes.write { try $0.merge(try hub.read { try $0.log(origin: hub.site) }, receivedFrom: hub.site) }
        for site in [kayes, hub] {
            #expect(try site.read { try $0.get(table: "candidate", id: "kayes-c1") }.state[Schema.V1.candidate.familyName] == .text("Dyarra"))
        }
        #expect(try kayes.read { try $0.recordSet() } == hub.read { try $0.recordSet() })
    }

    @Test("on ne redate pas un changement qu’un pair a déjà accusé")
    func restampRefusedWhenHeld() throws {
        let clock = ManualClock()
        let kayes = try replica("kayes", clock)
        clock.advance(by: 40 * Self.day)
        try kayes.write { try $0.confirmClock() }
        try kayes.write { try $0.put(table: "candidate", id: "kayes-c1", fields: [("family_name", "Diarra")]) }
        try kayes.write { try $0.remember(peer: SiteName("mopti"), Acknowledgement(vector: VersionVector([kayes.site: 1]), writtenAt: 0)) }
        clock.advance(by: -40 * Self.day)
        #expect(throws: StoreError.futureChangesHeld(peer: try SiteName("mopti"), seq: 1)) { try kayes.write { try $0.restampFutureChanges() } }
    }

    @Test("l’accusé de réception reçu en dernier compte, quelle que soit l’heure de l’expéditeur")
    func acknowledgementsIgnoreCreationTimes() throws {
        var peer = PeerState()
        let kayes = try SiteName("kayes")
        let first = peer.contact(at: 1, acknowledging: Acknowledgement(vector: VersionVector([kayes: 5]), writtenAt: 10_000_000_000_000))
        #expect(first)
        // Its clock was put back: its next acknowledgements are older by their dates, and still count.
        let second = peer.contact(at: 2, acknowledging: Acknowledgement(vector: VersionVector([kayes: 9]), writtenAt: 1_790_000_000_000))
        #expect(second)
        #expect(peer.acknowledged[kayes] == 9)
    }

    @Test("un réplica écrit en modèle 1 passe au modèle 2 : ses valeurs hors norme deviennent vides, dans les fiches et le journal")
    func migrationToDataModel2() throws {
        let clock = ManualClock()
        let path = dir.path("old.sqlite")
        do {
            let kayes = try Replica.create(at: path, site: try SiteName("kayes"), clock: clock)
            try kayes.write { try $0.put(table: "candidate", id: "kayes-c1", fields: [("family_name", "Diarra"), ("commune", "Nioro")]) }
            try kayes.close()
        }
        // What an older version could have written: a control character in a name, and the
        // replica as it was before the migration.
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            let block = try Data.fetchOne(db, sql: "SELECT block FROM log_segment")!
            var changes = try ChangeBlock.decode([UInt8](block))
            changes[0].operation = .set(field: "family_name", value: .text("Dia\u{1B}rra"))
            try db.execute(sql: "UPDATE log_segment SET block = ?", arguments: [Data(ChangeBlock.encode(changes))])
            try db.execute(sql: "UPDATE candidate SET family_name = ?", arguments: ["Dia\u{1B}rra"])
            try db.execute(sql: """
                DELETE FROM grdb_migrations WHERE identifier = 'v5-data-model-2';
                ALTER TABLE replica DROP COLUMN clock_confirmed_ms;
                UPDATE replica SET schema_version = 1;
                """)
        }
        try queue.close()

        let kayes = try Replica.open(at: path, clock: clock)
        let record = try kayes.read { try $0.get(table: "candidate", id: "kayes-c1") }
        #expect(record.state[Schema.V1.candidate.familyName] == .null)
        #expect(record.state[Schema.V1.candidate.commune] == .text("Nioro"))
        #expect(try changes(of: kayes)[0].operation == .set(field: "family_name", value: .null))
        #expect(try kayes.read { try $0.checkIntegrity() }.isSound)
        // Only `v5-data-model-2` ran again here: it leaves the version it knew.
        #expect(try kayes.read { try $0.status() }.schemaVersion == 2)
    }
}
