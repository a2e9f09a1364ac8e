import Foundation
import GRDB
import Jonction
import JonctionBundle
import JonctionHub
import JonctionStore
import JonctionTestSupport
import Testing

/// Scoped replication over HTTP (protocol.md §2.6, §5.10, §6): offices served by regions sync with
/// the hub and hold only their scope.
@Suite("Périmètres par HTTP : chaque bureau synchronisé ne tient que ce qu’il sert")
struct ScopedSyncTests {
    @Test("Kayes et Gao synchronisent : chacun ses personnes, tous les employeurs ; une personne déplacée arrive entière")
    func scopedSync() async throws {
        let hub = try await TestHub.start()
        let kayesToken = try hub.enroll("kayes"), gaoToken = try hub.enroll("gao")
        let kayes = try hub.office("kayes"), gao = try hub.office("gao")
        try hub.replica.write {
            try $0.setRegions(["Kayes"], of: SiteName("kayes"))
            try $0.setRegions(["Gao"], of: SiteName("gao"))
            try $0.put(table: "employer", id: "emp-01", fields: [("name", "Bâtir Sahel SARL")])
        }
        try kayes.write { try $0.put(table: "candidate", id: "kayes-c01", fields: [("family_name", "Sissoko"), ("region", "Kayes")]) }
        try gao.write { try $0.put(table: "candidate", id: "gao-c01", fields: [("family_name", "Maïga"), ("region", "Gao")]) }
        for _ in 0..<2 {
            _ = try await hub.client(kayesToken).sync(kayes)
            _ = try await hub.client(gaoToken).sync(gao)
        }
        let kayesHolds = try kayes.read { try $0.recordSet() }
        #expect(kayesHolds.record(table: "candidate", id: "gao-c01") == nil)
        #expect(kayesHolds.record(table: "employer", id: "emp-01") != nil)
        #expect(try gao.read { try $0.recordSet() }.record(table: "candidate", id: "kayes-c01") == nil)
        #expect(try hub.replica.read { try $0.recordSet() }.record(table: "candidate", id: "gao-c01") != nil)

        // Gao's person moves to Kayes: Kayes gets the whole record at its next sync.
        try hub.replica.write { try $0.put(table: "candidate", id: "gao-c01", fields: [("region", "Kayes")]) }
        let report = try await hub.client(kayesToken).sync(kayes)
        #expect(report.received?.scope?.received == 1)
        #expect(try kayes.read { try $0.recordSet() }.record(table: "candidate", id: "gao-c01")?.values.contains(.text("Maïga")) == true)
        // Kayes answers nothing new for the hub, and the hub has nothing new for it.
        let again = try await hub.client(kayesToken).sync(kayes)
        #expect(again.sent == 0 && again.received == nil)
        await hub.stop()
    }
    /// A hub, Kayes holding one person of Kayes, and Gao, each having synced once.
    struct TwoOffices {
        let dir = TemporaryDirectory("scope-touched")
        let hub: Replica, kayes: Replica, gao: Replica

        init() async throws {
            hub = try Replica.create(at: dir.path("hub.sqlite"), site: .hub)
            kayes = try Replica.create(at: dir.path("kayes.sqlite"), site: SiteName("kayes"))
            gao = try Replica.create(at: dir.path("gao.sqlite"), site: SiteName("gao"))
            try LocalEnrolment.enrol([kayes, gao], at: hub)
            try hub.write {
                try $0.setRegions(["Kayes"], of: kayes.site)
                try $0.setRegions(["Gao"], of: gao.site)
                _ = try $0.put(table: "employer", id: "hub-e1", fields: [("name", "Bâtir Sahel SARL")])
                _ = try $0.put(table: "employer", id: "hub-e2", fields: [("name", "Coton du Mali")])
            }
            try kayes.write { _ = try $0.put(table: "candidate", id: "kayes-c1", fields: [("family_name", "Sissoko"), ("region", "Kayes")]) }
            for office in [kayes, gao] { _ = try await office.exchange(with: .hub, over: MemoryTransport(hub: hub, office: office.site)) }
        }

        /// Kayes' next delivery, taken.
        func delivery() throws -> ScopedDelivery? {
            let answer = try HubService(replica: hub).download(for: kayes.site, have: try kayes.read { try $0.vector() },
                                                               scope: try kayes.read { try $0.scopeGeneration() }, at: nil)
            guard let bytes = answer.bundle else { return nil }
            _ = try kayes.importBundle(bytes: bytes)
            return try ChangeBundle(decoding: bytes, keyring: try #require(try kayes.keyring()), schema: kayes.schema).scope
        }

        /// Gao registers people of Gao (two changes each), and edits one (one more).
        func gaoWrites(_ people: Int, edit: Bool, _ name: String) async throws {
            try gao.write { w in
                for k in 0..<people { _ = try w.put(table: "candidate", id: "gao-\(name)-\(k)", fields: [("family_name", "Maïga"), ("region", "Gao")]) }
                if edit { _ = try w.put(table: "candidate", id: "gao-\(name)-0", fields: [("given_names", "Fanta")]) }
            }
            _ = try await gao.exchange(with: .hub, over: MemoryTransport(hub: hub, office: gao.site))
        }

        /// Kayes holds what the hub holds of its scope, and the hub's vector.
        func expectKayesConverged(_ context: String) throws {
            let held = try kayes.read { try $0.recordSet() }, hubHolds = try hub.read { try $0.recordSet() }
            #expect(held.tables["candidate"]?.keys.sorted() == ["kayes-c1"], "\(context)")
            #expect(held.record(table: "candidate", id: "kayes-c1") == hubHolds.record(table: "candidate", id: "kayes-c1"), "\(context)")
            #expect(held.tables["employer"] == hubHolds.tables["employer"].map { $0.filter { !$0.value.isDeleted } }, "\(context)")
            #expect(try kayes.read { try $0.vector() } == (try hub.read { try $0.vector() }), "\(context)")
        }
    }

    @Test("un bureau qui a pris une livraison reçoit ensuite les fiches touchées depuis, même s’il manque des centaines de changements : ni son périmètre entier, ni rien d’autre")
    func touchedSinceLastDelivery() async throws {
        let offices = try await TwoOffices()
        // Gao writes 300 changes Kayes lacks, none of its scope; the hub edits Kayes' person and
        // deletes an employer.
        try await offices.gaoWrites(150, edit: false, "p")
        try offices.hub.write {
            _ = try $0.put(table: "candidate", id: "kayes-c1", fields: [("given_names", "Awa")])
            try $0.delete(table: "employer", id: "hub-e2")
        }
        let sent = try #require(try offices.delivery())
        #expect(!sent.complete)
        #expect(sent.records.map(\.key.id) == ["kayes-c1"])
        #expect(sent.drops.map(\.id) == ["hub-e2"])
        try offices.expectKayesConverged("après la première livraison")

        // Nothing touched since: nothing sent, although Gao wrote again.
        try await offices.gaoWrites(20, edit: true, "q")
        let quiet = try offices.delivery()
        #expect(quiet.map { $0.records.isEmpty && $0.drops.isEmpty } ?? true)
        try offices.expectKayesConverged("sans rien de touché")

        // A delivery Kayes never took (lost on the way) is not counted as taken: the next one
        // carries what the lost one did, and more.
        try offices.hub.write { _ = try $0.put(table: "candidate", id: "kayes-c1", fields: [("commune", "Kayes N’Di")]) }
        _ = try HubService(replica: offices.hub).download(for: offices.kayes.site, have: try offices.kayes.read { try $0.vector() },
                                                          scope: try offices.kayes.read { try $0.scopeGeneration() }, at: nil)
        try offices.hub.write { _ = try $0.put(table: "employer", id: "hub-e1", fields: [("federation", "FNBTP")]) }
        let next = try #require(try offices.delivery())
        #expect(!next.complete)
        #expect(next.records.map(\.key.id).sorted() == ["hub-e1", "kayes-c1"])
        try offices.expectKayesConverged("après une livraison perdue")
    }

    @Test("sans livraison dont le pôle se souvienne : un bureau qui manque plus de dix changements par fiche de son périmètre reçoit son périmètre entier ; à dix, ce qu’ils ont touché ; il converge les deux fois")
    func completeWhenLackingMuch() async throws {
        let offices = try await TwoOffices()
        // Kayes holds one record and two employers: up to thirty changes it lacks are read; beyond,
        // its scope is listed whole.
        for (lacking, complete) in [(30, false), (31, true)] {
            // The hub edits Kayes' person: one change; Gao's, the rest.
            try offices.hub.write { _ = try $0.put(table: "candidate", id: "kayes-c1", fields: [("given_names", "Awa \(lacking)")]) }
            try await offices.gaoWrites((lacking - 1) / 2, edit: (lacking - 1) % 2 == 1, "p\(lacking)")
            let hubVector = try offices.hub.read { try $0.vector() }
            #expect(WhatToSend(ours: hubVector, acknowledged: try offices.kayes.read { try $0.vector() }).count == lacking)
            // A hub that forgot its deliveries (one from before it remembered them).
            let queue = try DatabaseQueue(path: offices.dir.path("hub.sqlite"))
            try await queue.write { db in try db.execute(sql: "DELETE FROM scope_delivery") }
            try queue.close()
            let sent = try #require(try offices.delivery(), "\(lacking)")
            #expect(sent.complete == complete, "\(lacking) changes lacking")
            #expect(sent.records.map(\.key.id).sorted() == (complete ? ["hub-e1", "hub-e2", "kayes-c1"] : ["kayes-c1"]), "\(lacking)")
            try offices.expectKayesConverged("\(lacking)")
        }
    }
}
