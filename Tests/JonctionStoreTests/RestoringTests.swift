import Foundation
import GRDB
import Jonction
@testable import JonctionStore
import JonctionTestSupport
import Testing

@Suite("Réplica d’un nouveau poste pour un bureau (init --restore)")
struct RestoringTests {
    let dir = TemporaryDirectory("restoring")
    let clock = ManualClock()

    func makeReplica(_ site: String = "kayes", restoring: Bool = false) throws -> Replica {
        try Replica.create(at: dir.path("\(site).sqlite"), site: SiteName(site), restoring: restoring, clock: clock)
    }

    @Test("un poste restauré refuse toute écriture locale, sans rien écrire")
    func restoringRefusesLocalWrites() throws {
        let kayes = try makeReplica(restoring: true)
        #expect(try kayes.read { try $0.isRestoring() })
        let error = #expect(throws: StoreError.restoring(site: kayes.site, path: kayes.path)) {
            try kayes.write { try $0.put(table: "candidate", id: "kayes-c01", fields: [("family_name", "Traoré")]) }
        }
        #expect(error?.message(.fr).contains("export complet du pôle") == true)
        #expect(error?.message(.en).contains("full export") == true)
        #expect(throws: StoreError.restoring(site: kayes.site, path: kayes.path)) {
            try kayes.write { _ = try $0.delete(table: "candidate", id: "kayes-c01") }
        }
        #expect(try kayes.read { try $0.vector() }.total == 0)
    }

    @Test("l’attente se lève quand le pôle a rendu tous les changements du site, pas avant, ni par un autre bureau")
    func restoringEndsWithTheHubsChanges() throws {
        let old = try Replica.create(at: dir.path("old.sqlite"), site: SiteName("kayes"), clock: clock)
        let hub = try makeReplica("hub")
        let mopti = try makeReplica("mopti")
        try old.write { try $0.put(table: "candidate", id: "kayes-c01", fields: [("family_name", "Traoré")]) }
        try old.write { try $0.put(table: "candidate", id: "kayes-c02", fields: [("family_name", "Diarra")]) }
        let kayesChanges = try old.read { try $0.changes(since: VersionVector()) }
        try hub.write { try $0.merge(kayesChanges, receivedFrom: old.site) }
        try hub.write { try $0.put(table: "employer", id: "emp-01", fields: [("name", "Bâtir Sahel SARL")]) }
        try mopti.write { try $0.merge(Array(kayesChanges.prefix(1)), receivedFrom: old.site) }
        let hubVector = try hub.read { try $0.vector() }
        let moptiVector = try mopti.read { try $0.vector() }

        let kayes = try makeReplica(restoring: true)
        // Mopti relays only part of Kayes's changes: its word does not count.
        let fromMopti = try mopti.read { try $0.changes(since: VersionVector()) }
        try kayes.write { try $0.merge(fromMopti, receivedFrom: mopti.site, acknowledging: Acknowledgement(vector: moptiVector, writtenAt: 1)) }
        #expect(try kayes.read { try $0.isRestoring() })
        // The hub holds two of Kayes's changes: a bundle from it that lacks the second is not enough.
        let held = try kayes.read { try $0.vector() }
        let fromHub = try hub.read { try $0.changes(since: held) }
        let partial = fromHub.filter { $0.origin != old.site }
        try kayes.write { try $0.merge(partial, receivedFrom: .hub, acknowledging: Acknowledgement(vector: hubVector, writtenAt: 2)) }
        #expect(try kayes.read { try $0.isRestoring() })
        try kayes.write { try $0.merge(fromHub, receivedFrom: .hub, acknowledging: Acknowledgement(vector: hubVector, writtenAt: 3)) }
        #expect(try kayes.read { try $0.isRestoring() } == false)
        let next = try kayes.write { try $0.put(table: "candidate", id: "kayes-c03", fields: [("family_name", "Keïta")]) }
        #expect(next.map(\.seq) == [3])
    }

    @Test("un pôle qui n’a rien du site lève l’attente ; le greffier peut aussi la lever à la main")
    func restoringEndsOtherwise() throws {
        let hub = try makeReplica("hub")
        try hub.write { try $0.put(table: "employer", id: "emp-01", fields: [("name", "Bâtir Sahel SARL")]) }
        let kayes = try makeReplica(restoring: true)
        let fromHub = try hub.read { try $0.changes(since: VersionVector()) }
        let hubVector = try hub.read { try $0.vector() }
        try kayes.write { try $0.merge(fromHub, receivedFrom: .hub, acknowledging: Acknowledgement(vector: hubVector, writtenAt: 1)) }
        #expect(try kayes.read { try $0.isRestoring() } == false)

        let gao = try makeReplica("gao", restoring: true)
        #expect(try gao.write { try $0.confirmNewOffice() })
        #expect(try gao.write { try $0.confirmNewOffice() } == false)
        let first = try gao.write { try $0.put(table: "candidate", id: "gao-c01", fields: [("family_name", "Maïga")]) }
        #expect(first.map(\.seq) == [1])
    }
}
