import Foundation
import Jonction
import JonctionBundle
import JonctionHub
import JonctionStore
import JonctionTestSupport
import Testing

@Suite("Pôle HTTP : un nouveau poste pour un bureau retrouve ses changements")
struct RestoreSyncTests {
    @Test("un réplica créé pour un poste restauré saisit après sa première synchronisation, sans numéro réutilisé")
    func restoredBySync() async throws {
        let hub = try await TestHub.start()
        let token = try hub.enroll("kayes")
        let old = try hub.office("kayes")
        try old.write { try $0.put(table: "candidate", id: "kayes-c01", fields: [("family_name", "Sissoko")]) }
        try old.write { try $0.put(table: "candidate", id: "kayes-c02", fields: [("family_name", "Diarra")]) }
        _ = try await hub.client(token).sync(old)

        let fresh = try Replica.create(at: hub.dir.path("nouveau.sqlite"), site: SiteName("kayes"), restoring: true)
        // The new laptop gets the office's key file (kept apart) and its join file (the roster).
        try SiteKeys.read(from: old.keyFilePath).write(to: fresh.keyFilePath)
        try fresh.write { try $0.keep(hub.replica.hubKeyring().roster) }
        #expect(throws: StoreError.restoring(site: fresh.site, path: fresh.path)) {
            try fresh.write { try $0.put(table: "candidate", id: "kayes-c03", fields: [("family_name", "Keïta")]) }
        }
        _ = try await hub.client(token).sync(fresh)
        #expect(try fresh.read { try $0.isRestoring() } == false)
        let next = try fresh.write { try $0.put(table: "candidate", id: "kayes-c03", fields: [("family_name", "Keïta")]) }
        #expect(next.map(\.seq) == [3])
        let again = try await hub.client(token).sync(fresh)
        #expect(again.acceptedByHub == 1)
        #expect(try fresh.read { try $0.dumpJSON() } == hub.replica.read { try $0.dumpJSON() })
        await hub.stop()
    }
}
