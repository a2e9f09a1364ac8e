import Foundation
import Jonction
import JonctionBundle
import JonctionStore
import JonctionTestSupport
import Testing

@Suite("Clé USB : export, import de dossiers, réseaux, trous")
struct MailbagTests {
    let dir = TemporaryDirectory("mailbag")
    let clock = ManualClock()
    let network = Network()

    /// The replicas of one network: each new one gets its keys, and all of them the roster listing it.
    final class Network: @unchecked Sendable {
        var replicas: [Replica] = []
    }

    func replica(_ site: String) throws -> Replica {
        let replica = try Replica.create(at: dir.path("\(site).sqlite"), site: SiteName(site), clock: clock)
        network.replicas.append(replica)
        try LocalNetwork.join(network.replicas)
        return replica
    }

    func stick(_ name: String = "JONCTION") throws -> Mailbag {
        let url = dir.url.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return Mailbag(url)
    }

    @discardableResult
    func export(_ from: Replica, to addressee: String, on mailbag: Mailbag, full: Bool = false) throws -> URL? {
        if !network.replicas.contains(where: { $0.site.rawValue == addressee }) { _ = try replica(addressee) }
        guard let bundle = try from.sealedBundle(for: SiteName(addressee), full: full) else { return nil }
        return try mailbag.write(bundle.bytes, name: Mailbag.fileName(for: bundle.header))
    }

    @Test("d’un dossier, seuls les paquets pour ce site ; un paquet abîmé est refusé, les autres passent")
    func folderImport() throws {
        let hub = try replica("hub"), kayes = try replica("kayes"), mopti = try replica("mopti")
        let bag = try stick()
        try kayes.write { try $0.put(table: "candidate", id: "kayes-c01", fields: [("family_name", "Sissoko")]) }
        try mopti.write { try $0.put(table: "candidate", id: "mopti-c01", fields: [("family_name", "Dicko")]) }
        try export(kayes, to: "hub", on: bag)
        let forGao = try export(mopti, to: "gao", on: bag)!
        let moptiToHub = try export(mopti, to: "hub", on: bag)!
        // The stick was pulled out while copying Mopti's bundle.
        let bytes = try Mailbag.read(moptiToHub)
        try Data(bytes.prefix(bytes.count / 2)).write(to: moptiToHub)
        try Data("pas un paquet".utf8).write(to: bag.folder.appendingPathComponent("note.txt"))

        let outcomes = try hub.importFiles([bag.folder])
        #expect(outcomes.filter(\.isRefused).map(\.url.lastPathComponent) == [moptiToHub.lastPathComponent])
        #expect(outcomes.contains { if case .notForUs = $0.result { return $0.url == forGao } else { return false } })
        #expect(try hub.read { try $0.get(table: "candidate", id: "kayes-c01") }.state[Schema.V1.candidate.familyName] == .text("Sissoko"))
        #expect(try hub.read { try $0.state(table: "candidate", id: "mopti-c01") } == nil)
        // A file named explicitly but sealed to another site cannot be opened here: refused, saying for whom it is.
        let explicit = try hub.importFiles([forGao])
        guard case .refused(let error) = explicit[0].result else { Issue.record("opened a bundle sealed to gao"); return }
        #expect(error.message(.fr).contains("destiné à « gao »"))
        #expect(try hub.read { try $0.state(table: "candidate", id: "mopti-c01") } == nil)
    }

    @Test("des clés importées dans le désordre : le trou se comble dans le même import")
    func outOfOrder() throws {
        let hub = try replica("hub"), kayes = try replica("kayes")
        let first = try stick("cle1"), second = try stick("cle2")
        try kayes.write { try $0.put(table: "candidate", id: "kayes-c01", fields: [("status", "registered")]) }
        try export(kayes, to: "hub", on: first)
        // The hub's reply acknowledges kayes 1; Kayes's next bundle starts at 2.
        try hub.importFiles([first.folder])
        try export(hub, to: "kayes", on: first, full: true)
        try kayes.importFiles([first.folder])
        try kayes.write { try $0.put(table: "candidate", id: "kayes-c01", fields: [("status", "trained")]) }
        try export(kayes, to: "hub", on: second)
        // A fresh hub (restored from before the first stick) sees the second stick first: a gap…
        let fresh = try Replica.create(at: dir.path("hub2.sqlite"), site: .hub, network: hub.read { try $0.network() }, clock: clock)
        try FileManager.default.copyItem(atPath: hub.keyFilePath, toPath: fresh.keyFilePath)
        try fresh.write { try $0.keep(hub.read { try $0.roster() }!) }
        let secondFile = try second.files()[0]
        let alone = try fresh.importFiles([secondFile])
        guard case .refused(let error) = alone[0].result else { Issue.record("gap not refused"); return }
        #expect(error.message(.fr).contains("il manque les n° 1"))
        #expect(try fresh.read { try $0.vector() } == VersionVector())
        // …filled when both sticks are imported together, in any order.
        let both = try fresh.importFiles([secondFile, first.folder.appendingPathComponent("kayes_pour_hub_kayes.1-1.jnb")])
        #expect(both.allSatisfy { !$0.isRefused })
        #expect(try fresh.read { try $0.get(table: "candidate", id: "kayes-c01") }.state[Schema.V1.candidate.status] == .trained)
    }

    @Test("l’accusé de réception rend le paquet suivant petit ; --full renvoie tout")
    func acknowledgements() throws {
        let hub = try replica("hub"), kayes = try replica("kayes")
        for i in 1...20 { try kayes.write({ try $0.put(table: "candidate", id: "kayes-c\(i)", fields: [("status", "registered")]) }) }
        try hub.importBundle(bytes: kayes.sealedBundle(for: .hub)!.bytes)
        #expect(try kayes.read { try $0.makeBundle(for: .hub) }?.changes.count == 20)  // no reply yet
        try kayes.importBundle(bytes: hub.sealedBundle(for: SiteName("kayes"), full: true)!.bytes)
        #expect(try kayes.sealedBundle(for: .hub) == nil)
        try kayes.write { try $0.put(table: "candidate", id: "kayes-c21", fields: [("status", "registered")]) }
        #expect(try kayes.sealedBundle(for: .hub)?.ranges == [kayes.site: 21...21])
        #expect(try kayes.sealedBundle(for: .hub, full: true)?.changes.count == 21)
        #expect(try kayes.read { try $0.status() }.peers.map(\.site) == [.hub])
    }

    @Test("un paquet d’un autre réseau Jonction est refusé ; un bureau sans réseau adopte celui du pôle")
    func networks() throws {
        let hub = try replica("hub")
        let demoHub = try Replica.create(at: dir.path("demo-hub.sqlite"), site: .hub, clock: clock)
        let kayes = try replica("kayes")
        #expect(try kayes.read { try $0.network() } == nil)
        try hub.write { try $0.put(table: "employer", id: "emp-01", fields: [("name", "Bâtir Sahel SARL")]) }
        try demoHub.write { try $0.put(table: "employer", id: "emp-99", fields: [("name", "Démo")]) }
        try kayes.importBundle(bytes: hub.sealedBundle(for: kayes.site)!.bytes)
        #expect(try kayes.read { try $0.network() } == hub.read { try $0.network() })
        let before = try kayes.read { try $0.recordSet() }
        // The demo hub has its own keys, and a roster of its own that names Kayes's keys.
        let demoKeys = SiteKeys.generate(for: .hub)
        let demoRoster = Roster(network: try demoHub.read { try $0.network() } ?? "", issuedAt: 99, hub: demoKeys.identity,
                                offices: [Roster.Entry(identity: try SiteKeys.read(from: kayes.keyFilePath).identity, enrolledAt: 1)])
        let demoRing = Keyring(keys: demoKeys, roster: SignedRoster(roster: demoRoster, bytes: try demoRoster.signed(with: demoKeys)))
        let error = #expect(throws: BundleError.self) {
            try kayes.importBundle(bytes: demoHub.sealedBundle(for: kayes.site, keyring: demoRing)!.bytes)
        }
        #expect(error?.message(.fr).contains("signée par un autre pôle") == true)
        #expect(try kayes.read { try $0.recordSet() } == before)
    }

    @Test("l’écriture est atomique : pas de fichier partiel sous un vrai nom")
    func atomicWrite() throws {
        let bag = try stick()
        let url = try bag.write([1, 2, 3], name: "x.jnb")
        #expect(FileManager.default.contents(atPath: url.path) == Data([1, 2, 3]))
        #expect(try FileManager.default.contentsOfDirectory(atPath: bag.folder.path) == ["x.jnb"])
        #expect(throws: MailbagError.self) { try Mailbag(dir.url.appendingPathComponent("absent")).write([1], name: "y.jnb") }
    }

    @Test("un bureau restauré d’une sauvegarde : un export complet du pôle lui rend ses changements ; s’il écrit avant, son paquet est refusé sans perte")
    func restoredOffice() throws {
        let hub = try replica("hub")
        let kayes = try replica("kayes")
        try kayes.write { try $0.put(table: "candidate", id: "kayes-c01", fields: [("status", "registered")]) }
        try kayes.close()
        try FileManager.default.copyItem(atPath: dir.path("kayes.sqlite"), toPath: dir.path("backup.sqlite"))
        // Its key file, kept apart from the replica, is the same for every copy.
        for copy in ["restored", "careless"] {
            try FileManager.default.copyItem(atPath: dir.path("kayes.sqlite.cles"), toPath: dir.path("\(copy).sqlite.cles"))
        }
        let live = try Replica.open(at: dir.path("kayes.sqlite"), clock: clock)
        try live.write { try $0.put(table: "candidate", id: "kayes-c02", fields: [("status", "trained")]) }
        try hub.importBundle(bytes: live.sealedBundle(for: .hub)!.bytes)

        // The right way: take the hub's full export before writing anything.
        try FileManager.default.copyItem(atPath: dir.path("backup.sqlite"), toPath: dir.path("restored.sqlite"))
        let restored = try Replica.open(at: dir.path("restored.sqlite"), clock: clock)
        try restored.importBundle(bytes: hub.sealedBundle(for: SiteName("kayes"), full: true)!.bytes)
        #expect(try restored.read { try $0.vector() }[SiteName("kayes")] == 2)
        #expect(try restored.write { try $0.put(table: "candidate", id: "kayes-c03", fields: [("status", "registered")]) }.first?.seq == 3)

        // The wrong way: write first. The hub refuses the reused number, and keeps what it had.
        try FileManager.default.copyItem(atPath: dir.path("backup.sqlite"), toPath: dir.path("careless.sqlite"))
        let careless = try Replica.open(at: dir.path("careless.sqlite"), clock: clock)
        clock.advance(by: 1000)
        try careless.write { try $0.put(table: "candidate", id: "kayes-c09", fields: [("status", "registered")]) }
        let before = try hub.read { try $0.recordSet() }
        let error = #expect(throws: StoreError.reusedSeq(origin: SiteName(unchecked: "kayes"), seq: 2)) {
            try hub.importBundle(bytes: careless.sealedBundle(for: .hub, full: true)!.bytes)
        }
        #expect(error?.message(.fr).contains("restauré d’une sauvegarde") == true)
        #expect(try hub.read { try $0.recordSet() } == before)
    }

    @Test("un paquet ancien arrivé en retard fait seulement renvoyer ce que l’expéditeur a déjà, sans rien perdre")
    func lateBundle() throws {
        let hub = try replica("hub"), kayes = try replica("kayes")
        try kayes.write { try $0.put(table: "candidate", id: "kayes-c01", fields: [("status", "registered")]) }
        let old = try kayes.sealedBundle(for: .hub)!.bytes
        clock.advance(by: 1000)
        try kayes.write { try $0.put(table: "candidate", id: "kayes-c02", fields: [("status", "registered")]) }
        let recent = try kayes.sealedBundle(for: .hub)!.bytes
        try hub.importBundle(bytes: recent)
        try hub.importBundle(bytes: old)
        // The acknowledgement received last counts (protocol.md §5.2): the hub's next bundle for kayes
        // carries kayes's change 2 again, which kayes takes as a replay.
        #expect(try hub.read { try $0.acknowledged(by: SiteName("kayes")) }[SiteName("kayes")] == 1)
        let back = try hub.sealedBundle(for: SiteName("kayes"))!
        #expect(back.ranges[try SiteName("kayes")] == 2...2)
        let report = try kayes.importBundle(bytes: back.bytes)
        #expect(report.isReplay)
        #expect(try kayes.read { try $0.recordSet() } == hub.read { try $0.recordSet() })
    }
}
