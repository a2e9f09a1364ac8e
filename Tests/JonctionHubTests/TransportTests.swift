import Foundation
import Jonction
import JonctionBundle
import JonctionHub
import JonctionStore
import JonctionTestSupport
import Testing

/// The same exchange (the `Exchange` machine and its driver) over each transport but HTTP, which
/// `HubTests` covers through the real server.
@Suite("Transports : le même échange en mémoire et par dossier")
struct TransportTests {
    let dir = TemporaryDirectory("transport")

    func replicas() throws -> (hub: Replica, kayes: Replica) {
        let hub = try Replica.create(at: dir.path("hub.sqlite"), site: .hub)
        let kayes = try Replica.create(at: dir.path("kayes.sqlite"), site: SiteName("kayes"))
        try LocalNetwork.join([hub, kayes])
        try hub.write { try $0.put(table: "employer", id: "emp-01", fields: [("name", "Bâtir Sahel SARL")]) }
        try kayes.write { try $0.put(table: "candidate", id: "kayes-c01", fields: [("family_name", "Sissoko")]) }
        return (hub, kayes)
    }

    @Test("en mémoire : envoi, accusé, réception ; le deuxième échange ne transporte rien")
    func memory() async throws {
        let (hub, kayes) = try replicas()
        let transport = MemoryTransport(hub: hub, office: kayes.site)
        let report = try await kayes.exchange(with: .hub, over: transport)
        #expect(report.sent == 1 && report.acceptedByPeer == 1 && !report.resentInFull)
        #expect(report.received.joined().count == 1)
        #expect(try kayes.read { try $0.dumpJSON() } == hub.read { try $0.dumpJSON() })
        // The hub's answer was remembered: nothing left to send, nothing to receive.
        #expect(try kayes.read { try $0.acknowledged(by: .hub) } == hub.read { try $0.vector() })
        let again = try await kayes.exchange(with: .hub, over: transport)
        #expect(again.sent == 0 && again.received.isEmpty)
    }

    @Test("plus qu’un paquet n’en porte : le pôle répond par morceaux, et un seul échange les prend tous")
    func downloadInPieces() async throws {
        let (hub, kayes) = try replicas()
        for k in 2...40 {
            try hub.write { try $0.put(table: "employer", id: "emp-\(k)", fields: [("name", "Entreprise \(k)")]) }
        }
        let limits = ChangeBundle.Limits(fileSize: 1 << 20, plainLength: 1 << 20, changeCount: 16)
        let report = try await kayes.exchange(with: .hub, over: MemoryTransport(hub: hub, office: kayes.site, limits: limits))
        #expect(report.received.count == 3 && report.received.joined().count == 3)
        #expect(try kayes.read { try $0.vector() } == hub.read { try $0.vector() })
        #expect(try kayes.read { try $0.dumpJSON() } == hub.read { try $0.dumpJSON() })
    }

    @Test("un pôle restauré d’une sauvegarde refuse le trou : tout est renvoyé une fois, et il converge")
    func restoredHub() async throws {
        let (hub, kayes) = try replicas()
        _ = try await kayes.exchange(with: .hub, over: MemoryTransport(hub: hub, office: kayes.site))
        let network = try hub.read { try $0.network() }
        try hub.close()
        // The hub's file is replaced by an earlier copy that never saw Kayes; Kayes writes again.
        try FileManager.default.removeItem(atPath: dir.path("hub.sqlite"))
        let restored = try Replica.create(at: dir.path("hub.sqlite"), site: .hub, network: network)
        try LocalNetwork.join([restored, kayes])
        try kayes.write { try $0.put(table: "candidate", id: "kayes-c02", fields: [("family_name", "Diarra")]) }
        let report = try await kayes.exchange(with: .hub, over: MemoryTransport(hub: restored, office: kayes.site))
        #expect(report.resentInFull)
        #expect(try restored.read { try $0.vector() }[kayes.site] == 2)
        #expect(try restored.read { try $0.get(table: "candidate", id: "kayes-c01") }.id == "kayes-c01")
    }

    @Test("par dossier : l’échange dépose un paquet pour le pôle et prend ceux qui sont pour le bureau")
    func folder() async throws {
        let (hub, kayes) = try replicas()
        let stick = URL(fileURLWithPath: dir.path("cle"))
        try FileManager.default.createDirectory(at: stick, withIntermediateDirectories: true)
        // The hub leaves its bundle for Kayes on the stick; Kayes's exchange posts its own and takes it.
        _ = try FolderTransport(stick).post(try hub.sealedBundle(for: kayes.site)!.bytes)
        let report = try await kayes.exchange(with: .hub, over: FolderTransport(stick))
        #expect(report.sent == 1)
        #expect(report.received.joined().map { $0.parcel.header?.sender } == [.hub])
        #expect(try kayes.read { try $0.get(table: "employer", id: "emp-01") }.id == "emp-01")
        // At the hub, the stick's bundle for it merges; the one it wrote is left alone.
        let outcomes = try hub.importFiles([stick])
        #expect(outcomes.filter { if case .imported = $0.result { true } else { false } }.count == 1)
        #expect(outcomes.filter { if case .notForUs = $0.result { true } else { false } }.count == 1)
        #expect(try kayes.read { try $0.dumpJSON() } == hub.read { try $0.dumpJSON() })
    }
}
