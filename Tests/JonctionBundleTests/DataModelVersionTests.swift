import Foundation
import Jonction
@testable import JonctionBundle
@testable import JonctionStore
import JonctionTestSupport
import Testing

/// protocol.md §2.1, §5.1: a bundle names the lowest data model version that has every field it
/// sets, so that an office not yet on version 3 keeps receiving until a `teaches` value comes.
@Suite("Version du modèle de données d’un paquet")
struct DataModelVersionTests {
    @Test("un paquet sans « teaches » reste en version 2 ; le premier qui en porte passe en version 3")
    func lowestVersion() throws {
        let dir = TemporaryDirectory("model-version")
        let hub = try Replica.create(at: dir.path("hub.sqlite"), site: .hub)
        let kayes = try Replica.create(at: dir.path("kayes.sqlite"), site: SiteName("kayes"))
        try LocalNetwork.join([hub, kayes])
        try hub.write { try $0.put(table: "opportunity", id: "opp-09", fields: [("kind", "training"), ("title", "Boulangerie")]) }
        let plain = try #require(try hub.sealedBundle(for: kayes.site))
        #expect(plain.bundle.header.schemaVersion == 2)
        #expect(try ChangeBundle.readHeader(plain.bytes).header.schemaVersion == 2)
        _ = try kayes.importBundle(bytes: plain.bytes)
        try kayes.write { try $0.remember(peer: .hub, Acknowledgement(vector: plain.senderVector, writtenAt: 1)) }
        try hub.write { try $0.remember(peer: kayes.site, Acknowledgement(vector: plain.senderVector, writtenAt: 1)) }

        try hub.write { try $0.put(table: "opportunity", id: "opp-09", fields: [("teaches", "boulangerie")]) }
        let taught = try #require(try hub.sealedBundle(for: kayes.site))
        #expect(taught.bundle.header.schemaVersion == 3)
        _ = try kayes.importBundle(bytes: taught.bytes)
        #expect(try kayes.read { try $0.get(table: "opportunity", id: "opp-09") }.state[Schema.V1.opportunity.teaches] == .text("boulangerie"))
        // The byte scan only picks blocks to decode: a text that merely contains the word stays version 2.
        let decoy = Change(origin: .hub, seq: 9, hlc: HLC(rawValue: 1 << 20), table: "opportunity", id: "opp-10",
                           operation: .set(field: "title", value: .text("Ce que la formation teaches")))
        #expect(ChangeBundle.dataModelVersion(blocks: [ChangeBlock.encode([decoy])]) == 2)
    }
}
