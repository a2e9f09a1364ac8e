import Foundation
import Jonction
import JonctionBundle
import JonctionHub
import JonctionStore
import JonctionTestSupport
import Testing

@Suite("Doublons : trouvés au pôle, fusionnés une fois, la fusion atteint chaque bureau")
struct DuplicatesMergeTests {
    @Test("la même personne à Kayes et à Mopti : le pôle la trouve, la fusionne ; propositions déplacées ; tous convergent")
    func mergeConverges() throws {
        let dir = TemporaryDirectory("doublons")
        let hub = try Replica.create(at: dir.path("hub.sqlite"), site: .hub)
        let kayes = try Replica.create(at: dir.path("kayes.sqlite"), site: SiteName("kayes"))
        let mopti = try Replica.create(at: dir.path("mopti.sqlite"), site: SiteName("mopti"))
        try LocalNetwork.join([hub, kayes, mopti])
        try kayes.write {
            _ = try $0.put(table: "candidate", id: "kayes-c1", fields: [("family_name", "Diarra"), ("given_names", "Awa"), ("birth_year", "2001"),
                                                                         ("phone", "+223 76 12 34 56"), ("consent", "employers")])
        }
        try mopti.write {
            _ = try $0.put(table: "candidate", id: "mopti-c7", fields: [("family_name", "Jara"), ("given_names", "Awa"), ("birth_year", "2002"),
                                                                         ("phone", "76123456"), ("commune", "Sévaré"), ("skills", "couture"),
                                                                         ("consent", "programme")])
            _ = try $0.put(table: "candidate", id: "mopti-c8", fields: [("family_name", "Konaté"), ("given_names", "Awa"), ("birth_year", "2001")])
        }
        func round() throws {
            for office in [kayes, mopti] { for b in try office.sealedBundles(for: .hub) { _ = try hub.importBundle(bytes: b.bytes) } }
            for office in [kayes, mopti] { for b in try hub.sealedBundles(for: office.site) { _ = try office.importBundle(bytes: b.bytes) } }
        }
        try round()
        try hub.write {
            _ = try $0.put(table: "opportunity", id: "hub-o1", fields: [("title", "Couturière")])
            _ = try $0.put(table: "proposal", id: "r1-mopti-c7", fields: [("candidate_id", "mopti-c7"), ("opportunity_id", "hub-o1"), ("status", "proposed")])
        }
        try round()
        let pairs = DuplicateRule.pairs(try hub.read { try $0.duplicatePeople() })
        #expect(pairs.map { [$0.first, $0.second] } == [["kayes-c1", "mopti-c7"]])
        #expect(pairs.first?.reasons.contains(.phone) == true)
        // An office may not move the hub's proposals.
        #expect(throws: DuplicateMergeError.hubOnly(keep: "kayes-c1", drop: "mopti-c7")) {
            try kayes.write { _ = try $0.mergeDuplicate(keep: "kayes-c1", drop: "mopti-c7") }
        }
        let merge = try hub.write { try $0.mergeDuplicate(keep: "kayes-c1", drop: "mopti-c7") }
        #expect(merge.moved == 1)
        #expect(Set(merge.filled) == ["commune", "skills", "consent"])
        try round()
        try round()
        let sets = try [hub, kayes, mopti].map { try $0.read { try $0.recordSet() } }
        #expect(sets[0] == sets[1] && sets[1] == sets[2])
        let c = Schema.V1.candidate
        let kept = try kayes.read { try $0.get(table: "candidate", id: "kayes-c1") }
        #expect(kept.state[c.consent] == .programme)
        #expect(kept.state[c.commune] == .text("Sévaré"))
        #expect(try mopti.read { try $0.get(table: "proposal", id: "r1-mopti-c7") }.state[Schema.V1.proposal.candidateID] == .text("kayes-c1"))
        let dropped = try #require(try mopti.read { try $0.state(table: "candidate", id: "mopti-c7") })
        #expect(dropped.isDeleted)
        // The tombstone's history says where the person went.
        let history = try mopti.read { try $0.log(table: "candidate", id: "mopti-c7") }
        #expect(history.contains { if case .set("notes", .text(let t)) = $0.operation { t.hasPrefix("Doublon de kayes-c1") } else { false } })
        let deleted = history.contains(where: \.isDelete)
        #expect(deleted)
        // Found once: nothing left to merge.
        #expect(DuplicateRule.pairs(try hub.read { try $0.duplicatePeople() }).isEmpty)
    }
}
