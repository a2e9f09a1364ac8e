import Foundation
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
}
