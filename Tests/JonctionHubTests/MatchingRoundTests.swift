import Foundation
import Jonction
import JonctionBundle
import JonctionHub
import JonctionStore
import JonctionTestSupport
import Testing

@Suite("Rapprochement au pôle : propositions sur Fixtures, aller-retour avec un bureau")
struct MatchingRoundTests {
    let dir = TemporaryDirectory("round")

    func exchange(_ from: Replica, _ to: Replica) throws {
        // Both in one network (idempotent: their keys are kept).
        try LocalNetwork.join([from, to])
        if let sealed = try from.sealedBundle(for: to.site) { try to.importBundle(bytes: sealed.bytes) }
    }

    @Test("sur les données de Fixtures, les propositions ont du sens et s’expliquent en français")
    func fixtures() throws {
        let hub = try Replica.create(at: dir.path("hub.sqlite"), site: .hub)
        let dataset = try Dataset(json: Data(contentsOf: fixturesDirectory.appendingPathComponent("dataset.json")), path: "dataset.json")
        try hub.write { try $0.insert(dataset) }
        let outcome = try MatchingRound(replica: hub).run()
        let proposals = outcome.result.proposals
        #expect(outcome.round == 1)
        #expect(proposals.count >= 30)
        for p in proposals {
            // Hard filters hold for every proposal.
            #expect(p.opportunity.open && p.opportunity.placesLeft > 0)
            #expect(p.candidate.consentToEmployers && p.candidate.available)
            #expect(p.candidate.region == p.opportunity.region || p.candidate.relocate)
            if let min = p.opportunity.minEducation { #expect((p.candidate.education ?? -1) >= min) }
            #expect((1...100).contains(p.score))
        }
        // Capacities hold.
        for (id, group) in Dictionary(grouping: proposals, by: \.opportunity.id) {
            #expect(group.count <= group[0].opportunity.placesLeft, "\(id)")
        }
        // Those the data set excludes on purpose are excluded, with the right reason.
        let excluded = Dictionary(uniqueKeysWithValues: outcome.result.excluded.map { ($0.candidate, $0.reason) })
        #expect(excluded["kayes-c11"] == .noConsent)
        #expect(excluded["kayes-c13"] == .notAvailable)
        #expect(excluded["mopti-c14"] == .notAvailable)
        // Written as records, with reasons in French.
        let written = try hub.read { try $0.proposals() }
        #expect(written.count == proposals.count)
        #expect(written.allSatisfy { $0.status == "proposed" && ($0.reasons ?? "").hasPrefix("Score ") })
        #expect(written.contains { ($0.reasons ?? "").contains("même métier") })
        #expect(!outcome.result.skillsGaps.isEmpty)
    }

    @Test("une proposition va au bureau, y est acceptée ou refusée, et revient : placement, place prise, paire jamais reproposée")
    func roundTrip() throws {
        let hub = try Replica.create(at: dir.path("hub.sqlite"), site: .hub)
        let kayes = try Replica.create(at: dir.path("kayes.sqlite"), site: SiteName("kayes"))
        let dataset = try Dataset(json: Data(contentsOf: fixturesDirectory.appendingPathComponent("dataset.json")), path: "dataset.json")
        try hub.write { try $0.insert(dataset) { $0.table != "candidate" } }
        try kayes.write { try $0.insert(dataset) { $0.table == "candidate" && $0.id.hasPrefix("kayes-") } }
        try exchange(kayes, hub)

        let first = try MatchingRound(replica: hub).run()
        #expect(!first.result.proposals.isEmpty)
        try exchange(hub, kayes)
        let mine = try kayes.read { try $0.proposals(for: kayes.site) }
        #expect(mine.count == first.result.proposals.count)
        #expect(mine.allSatisfy { $0.candidateID.hasPrefix("kayes-") && $0.opportunityTitle != nil })
        let accepted = mine[0], declined = mine[1]
        try kayes.write { try $0.answer(proposal: accepted.id, accept: true) }
        try kayes.write { try $0.answer(proposal: declined.id, accept: false) }
        #expect(throws: ProposalError.self) { try kayes.write { try $0.answer(proposal: accepted.id, accept: false) } }
        try exchange(kayes, hub)

        let placesBefore = first.result.fill.first { $0.opportunity.id == accepted.opportunityID }!.opportunity.placesLeft
        let second = try MatchingRound(replica: hub).run()
        #expect(second.round == 2)
        #expect(second.newPlacements == 1)
        let placements = try hub.read { try $0.liveRecords(table: "placement") }
        #expect(placements.count == 1)
        #expect(try hub.read { try $0.get(table: "candidate", id: accepted.candidateID) }.state[Schema.V1.candidate.status] == .placed)
        // The accepted place is taken; the other pending proposals still hold theirs.
        let pendingThere = mine.filter { $0.opportunityID == accepted.opportunityID && $0.id != accepted.id }.count
        if let fill = second.result.fill.first(where: { $0.opportunity.id == accepted.opportunityID }) {
            #expect(fill.opportunity.placesLeft == placesBefore - 1 - pendingThere)
        }
        #expect(!second.result.proposals.contains { $0.candidate.id == declined.candidateID && $0.opportunity.id == declined.opportunityID })
        #expect(!second.result.proposals.contains { $0.candidate.id == accepted.candidateID })
        // And the placement reaches the office.
        try exchange(hub, kayes)
        #expect(try kayes.read { try $0.liveRecords(table: "placement") }.count == 1)
    }

    @Test("une proposition restée sans réponse libère sa place au-delà du délai ; un numéro de tour déjà pris est refusé")
    func staleProposalsAndRoundNumbers() throws {
        let hub = try Replica.create(at: dir.path("hub.sqlite"), site: .hub)
        let dataset = try Dataset(json: Data(contentsOf: fixturesDirectory.appendingPathComponent("dataset.json")), path: "dataset.json")
        try hub.write { try $0.insert(dataset) }
        let first = try MatchingRound(replica: hub, holdRounds: 2).run()
        #expect(!first.result.proposals.isEmpty)
        let before = try hub.read { try $0.dumpJSON() }

        // Rewriting round 1 would overwrite the offices' answers: refused, nothing written.
        #expect(throws: MatchingRound.Failure.roundAlreadyHeld(requested: 1, last: 1)) {
            try MatchingRound(replica: hub).run(round: 1)
        }
        #expect(try hub.read { try $0.dumpJSON() } == before)

        // Round 3 (2 skipped): the pending proposals still hold their candidates.
        let second = try MatchingRound(replica: hub, holdRounds: 2).run(round: 3)
        #expect(second.pending == first.result.proposals.count && second.stale == 0)
        #expect(second.result.proposals.allSatisfy { p in !first.result.proposals.contains { $0.candidate.id == p.candidate.id } })
        // Round 4 is more than two rounds after round 1: those proposals no longer hold anything.
        let fourth = try MatchingRound(replica: hub, holdRounds: 2).run()
        #expect(fourth.round == 4)
        #expect(fourth.stale == first.result.proposals.count)
        #expect(fourth.pending == second.result.proposals.count)
        let reproposed = Set(fourth.result.proposals.map(\.candidate.id))
        #expect(first.result.proposals.contains { reproposed.contains($0.candidate.id) })
        // The stale records are left as they were, so a late acceptance still counts.
        let stale = try hub.read { try $0.proposals() }.filter { $0.id.hasPrefix("r1-") }
        #expect(stale.count == first.result.proposals.count && stale.allSatisfy { $0.status == "proposed" })
    }

    @Test("deux acceptations pour un même candidat : un seul placement, le plus récent, et le rapport le signale")
    func doubleAcceptance() throws {
        let hub = try Replica.create(at: dir.path("hub.sqlite"), site: .hub)
        let dataset = try Dataset(json: Data(contentsOf: fixturesDirectory.appendingPathComponent("dataset.json")), path: "dataset.json")
        try hub.write { try $0.insert(dataset) }
        for (round, opportunity) in [(1, "opp-01"), (2, "opp-02")] {
            try hub.write { try $0.put(table: "proposal", id: "r\(round)-kayes-c01", fields: [
                ("candidate_id", "kayes-c01"), ("opportunity_id", opportunity), ("score", "50"), ("round", "\(round)"),
                ("status", "accepted"),
            ]) }
        }
        let outcome = try MatchingRound(replica: hub).run()
        #expect(outcome.round == 3)
        #expect(outcome.newPlacements == 1 && outcome.doubleAcceptances == 1)
        let placements = try hub.read { try $0.liveRecords(table: "placement") }
        #expect(placements.map(\.id) == ["pl-r2-kayes-c01"])
        #expect(!outcome.result.proposals.contains { $0.candidate.id == "kayes-c01" })
        // The next round makes no second placement, and still reports the double acceptance.
        let next = try MatchingRound(replica: hub).run()
        #expect(next.newPlacements == 0 && next.doubleAcceptances == 1)
    }

    @Test("le sexe, l’origine et l’âge ne changent ni le score ni l’explication")
    func protectedAttributesNeverScore() throws {
        let hub = try Replica.create(at: dir.path("hub.sqlite"), site: .hub)
        let profile = [("region", "Mopti"), ("isco", "7112"), ("skills", "maçonnerie"), ("languages", "bm;fr"),
                       ("education", "CAP"), ("consent", "employers"), ("status", "registered")]
        try hub.write { try $0.put(table: "candidate", id: "mopti-a", fields: profile + [("sex", "F"), ("origin_status", "returnee"), ("birth_year", "1975")]) }
        try hub.write { try $0.put(table: "candidate", id: "mopti-b", fields: profile + [("sex", "M"), ("origin_status", "host_youth"), ("birth_year", "2006")]) }
        try hub.write { try $0.put(table: "opportunity", id: "opp-1", fields: [
            ("kind", "job"), ("title", "Maçon"), ("isco", "7112"), ("skills_required", "maçonnerie;coffrage"), ("languages", "fr"),
            ("min_education", "primaire"), ("region", "Mopti"), ("places", "2"), ("status", "open"),
        ]) }
        let outcome = try MatchingRound(replica: hub).run()
        #expect(outcome.result.proposals.count == 2)
        let written = try hub.read { try $0.proposals() }
        #expect(written.count == 2)
        #expect(Set(written.map(\.score)).count == 1)
        #expect(Set(written.map(\.reasons)).count == 1)
    }
}
