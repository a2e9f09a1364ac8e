import Foundation
import Jonction
import JonctionHub
import JonctionStore
import JonctionTestSupport
import Testing

@Suite("Propositions vues d’un bureau : une requête, les noms des enregistrements vivants")
struct ProposalsViewTests {
    let dir = TemporaryDirectory("proposals")

    func proposal(_ replica: Replica, _ id: String, _ candidate: String?, _ opportunity: String?, round: Int?,
                  status: ProposalStatus = .proposed) throws {
        var fields = [("status", status.rawValue), ("score", "60"), ("reasons", "Score 60/100 : même métier")]
        if let candidate { fields.append(("candidate_id", candidate)) }
        if let opportunity { fields.append(("opportunity_id", opportunity)) }
        if let round { fields.append(("round", String(round))) }
        try replica.write { try $0.put(table: "proposal", id: id, fields: fields) }
    }

    @Test("noms, titre, région et employeur joints ; tour le plus récent d’abord ; filtre par bureau")
    func joinedOrderedFiltered() throws {
        let hub = try Replica.create(at: dir.path("hub.sqlite"), site: .hub)
        try hub.write { try $0.put(table: "candidate", id: "kayes-c1", fields: [("given_names", "Awa"), ("family_name", "Traoré")]) }
        try hub.write { try $0.put(table: "candidate", id: "kayes-c2", fields: [("family_name", "Diallo")]) }
        try hub.write { try $0.put(table: "candidate", id: "kayesville-c1", fields: [("family_name", "Coulibaly")]) }
        try hub.write { try $0.put(table: "employer", id: "emp-1", fields: [("name", "Bâtir Mali")]) }
        try hub.write { try $0.put(table: "employer", id: "emp-2", fields: [("name", "Parti")]) }
        try hub.write { try $0.put(table: "opportunity", id: "opp-1", fields: [("title", "Maçon"), ("region", "Kayes"), ("employer_id", "emp-1")]) }
        try hub.write { try $0.put(table: "opportunity", id: "opp-2", fields: [("title", "Soudeur"), ("employer_id", "emp-2")]) }
        try hub.write { try $0.delete(table: "employer", id: "emp-2") }
        try hub.write { try $0.put(table: "opportunity", id: "opp-3", fields: [("title", "Fermée")]) }
        try hub.write { try $0.delete(table: "opportunity", id: "opp-3") }

        try proposal(hub, "r1-kayes-c1", "kayes-c1", "opp-1", round: 1, status: .declined)
        try proposal(hub, "r2-kayes-c2", "kayes-c2", "opp-2", round: 2)
        try proposal(hub, "r2-kayes-c1", "kayes-c1", "opp-3", round: 2, status: .accepted)
        try proposal(hub, "r2-kayesville-c1", "kayesville-c1", "opp-1", round: 2)
        try proposal(hub, "x-nobody", "mopti-c9", "opp-1", round: nil)
        try proposal(hub, "x-unfinished", "kayes-c1", nil, round: 3)
        try proposal(hub, "r3-gone", "kayes-c1", "opp-1", round: 3)
        try hub.write { try $0.delete(table: "proposal", id: "r3-gone") }

        let all = try hub.read { try $0.proposals() }
        #expect(all.map(\.id) == ["r2-kayes-c1", "r2-kayes-c2", "r2-kayesville-c1", "r1-kayes-c1", "x-nobody"])
        let byID = Dictionary(uniqueKeysWithValues: all.map { ($0.id, $0) })
        #expect(byID["r1-kayes-c1"] == ProposalView(
            id: "r1-kayes-c1", candidateID: "kayes-c1", candidateName: "Awa Traoré", opportunityID: "opp-1",
            opportunityTitle: "Maçon", employer: "Bâtir Mali", region: "Kayes", score: 60,
            reasons: "Score 60/100 : même métier", round: 1, status: "declined"))
        // A deleted employer, a deleted opportunity, a candidate this site never saw: no name, no title.
        #expect(byID["r2-kayes-c2"]?.candidateName == "Diallo" && byID["r2-kayes-c2"]?.employer == nil)
        #expect(byID["r2-kayes-c2"]?.opportunityTitle == "Soudeur" && byID["r2-kayes-c2"]?.region == nil)
        #expect(byID["r2-kayes-c1"]?.opportunityTitle == nil && byID["r2-kayes-c1"]?.status == "accepted")
        #expect(byID["x-nobody"]?.candidateName == nil && byID["x-nobody"]?.round == nil)

        // `kayes` keeps `kayes-…`, not `kayesville-…`.
        let kayes = try hub.read { try $0.proposals(for: SiteName("kayes")) }
        #expect(kayes.map(\.id) == ["r2-kayes-c1", "r2-kayes-c2", "r1-kayes-c1"])
        #expect(try hub.read { try $0.proposals(for: SiteName("gao")) }.isEmpty)
    }

    @Test("répondre : seulement à une proposition en attente, avec le code du schéma")
    func answer() throws {
        let kayes = try Replica.create(at: dir.path("kayes.sqlite"), site: SiteName("kayes"))
        try proposal(kayes, "r1-kayes-c1", "kayes-c1", "opp-1", round: 1)
        try proposal(kayes, "r1-kayes-c2", "kayes-c2", "opp-1", round: 1, status: .expired)
        let change = try kayes.write { try $0.answer(proposal: "r1-kayes-c1", accept: false) }
        #expect(change.operation == .set(field: "status", value: .text("declined")))
        #expect(throws: ProposalError.notPending(id: "r1-kayes-c1", status: "declined")) {
            try kayes.write { try $0.answer(proposal: "r1-kayes-c1", accept: true) }
        }
        #expect(throws: ProposalError.notPending(id: "r1-kayes-c2", status: "expired")) {
            try kayes.write { try $0.answer(proposal: "r1-kayes-c2", accept: true) }
        }
    }
}
