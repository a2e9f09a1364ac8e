import Jonction
import JonctionMatch
import Testing

@Suite("Préparation d’un tour de rapprochement : règles du §2.5 sur des valeurs, sans base")
struct RoundPlannerTests {
    typealias Record = RoundSnapshot.Record

    static func record(_ id: String, _ count: Int, _ fields: [(FieldHandle, Value)]) -> Record {
        var values = [Value](repeating: .null, count: count)
        for (handle, value) in fields { values[handle.position] = value }
        return (id, values)
    }

    static func candidate(_ id: String, status: CandidateStatus = .registered, region: String? = "Mopti",
                          consent: Consent = .employers) -> Record {
        let c = Schema.V1.candidate
        return record(id, c.fields.count, [
            (c.region, region.map { .text($0) } ?? .null), (c.isco, .text("7112")), (c.skills, .text("maçonnerie")),
            (c.languages, .text("bm;fr")), (c.education, .text("CAP")), (c.status.field, status.value),
            (c.consent.field, consent.value),
        ])
    }

    static func opportunity(_ id: String, places: Int64 = 2, status: OpportunityStatus = .open,
                            startsOn: String? = "2027-01-15") -> Record {
        let o = Schema.V1.opportunity
        return record(id, o.fields.count, [
            (o.kind.field, OpportunityKind.job.value), (o.title, .text("Maçon")), (o.isco, .text("7112")),
            (o.skillsRequired, .text("maçonnerie")), (o.languages, .text("bm")), (o.minEducation, .text("primaire")),
            (o.region, .text("Mopti")), (o.places, .integer(places)), (o.startsOn, startsOn.map { .text($0) } ?? .null),
            (o.status.field, status.value),
        ])
    }

    static func proposal(_ round: Int64, _ candidate: String, _ opportunity: String, _ status: ProposalStatus,
                         id: String? = nil) -> Record {
        let p = Schema.V1.proposal
        return record(id ?? "r\(round)-\(candidate)", p.fields.count, [
            (p.candidateID, .text(candidate)), (p.opportunityID, .text(opportunity)), (p.score, .integer(50)),
            (p.round, .integer(round)), (p.status.field, status.value),
        ])
    }

    static func placement(_ candidate: String, _ opportunity: String) -> Record {
        let l = Schema.V1.placement
        return record("pl-\(candidate)", l.fields.count, [(l.candidateID, .text(candidate)), (l.opportunityID, .text(opportunity))])
    }

    /// A stand-in for SHA-256: the planner only decides when to hash.
    static func digest(_ text: String) -> String { "digest\(text.utf8.count)" }

    func places(_ plan: RoundPlan, _ id: String) -> Int? {
        plan.request.opportunities.first { $0.id == id }?.placesLeft
    }

    func considered(_ plan: RoundPlan) -> [String] { plan.request.candidates.map(\.id) }

    @Test("une acceptation place le candidat, même sans région ; pas de fiche réécrite pour un candidat supprimé")
    func acceptedWithoutRegion() throws {
        let snapshot = RoundSnapshot(
            proposals: [Self.proposal(1, "c-1", "o-1", .accepted), Self.proposal(1, "c-gone", "o-1", .accepted)],
            placements: [], opportunities: [Self.opportunity("o-1")],
            candidates: [Self.candidate("c-1", region: nil)], lastRound: 1)
        let writes = try RoundPlanner.plan(snapshot, holdRounds: 14).placementWrites(digest: Self.digest)
        let candidate = Schema.V1.candidate
        #expect(writes.filter { $0.table == candidate.table }.map(\.id) == ["c-1"])
        #expect(writes.filter { $0.table == Schema.V1.placement.table }.count == 2)
    }

    @Test("le tour suit le dernier (historique ou propositions) ; un numéro déjà tenu est refusé")
    func roundNumbers() throws {
        var snapshot = RoundSnapshot(proposals: [Self.proposal(2, "c1", "o1", .proposed)], lastRound: 3)
        #expect(try RoundPlanner.plan(snapshot, holdRounds: 14).round == 4)
        #expect(try RoundPlanner.plan(snapshot, round: 7, holdRounds: 14).round == 7)
        #expect(throws: RoundPlanner.Failure.roundAlreadyHeld(requested: 3, last: 3)) {
            try RoundPlanner.plan(snapshot, round: 3, holdRounds: 14)
        }
        snapshot.lastRound = 1
        #expect(try RoundPlanner.plan(snapshot, holdRounds: 14).round == 3)
        #expect(try RoundPlanner.plan(RoundSnapshot(), holdRounds: 14).round == 1)
    }

    @Test("une proposition en attente garde son candidat et une place ; au-delà du délai, plus rien")
    func holdsAndStale() throws {
        let snapshot = RoundSnapshot(
            proposals: [Self.proposal(1, "c1", "o1", .proposed)],
            opportunities: [Self.opportunity("o1", places: 2)],
            candidates: [Self.candidate("c1"), Self.candidate("c2")])
        // Round 3, two rounds after round 1: still held.
        let held = try RoundPlanner.plan(snapshot, round: 3, holdRounds: 2)
        #expect(held.pending == 1 && held.stale == 0)
        #expect(considered(held) == ["c2"])
        #expect(places(held, "o1") == 1)
        #expect(held.regions == ["c1": "Mopti", "c2": "Mopti"])
        // Round 4: stale, both free again, and the record is not rewritten.
        let free = try RoundPlanner.plan(snapshot, round: 4, holdRounds: 2)
        #expect(free.pending == 0 && free.stale == 1)
        #expect(considered(free) == ["c1", "c2"])
        #expect(places(free, "o1") == 2)
        #expect(free.placementWrites(digest: Self.digest).isEmpty)
    }

    @Test("deux acceptations pour un candidat : la plus récente devient un placement, l’autre est signalée")
    func doubleAcceptances() throws {
        let snapshot = RoundSnapshot(
            proposals: [Self.proposal(1, "c1", "o1", .accepted), Self.proposal(2, "c1", "o2", .accepted),
                        Self.proposal(2, "c2", "o1", .accepted, id: "r2-b"), Self.proposal(2, "c2", "o2", .accepted, id: "r2-a")],
            opportunities: [Self.opportunity("o1", places: 3), Self.opportunity("o2", places: 3, startsOn: nil)],
            candidates: [Self.candidate("c1"), Self.candidate("c2", region: "Gao")])
        let plan = try RoundPlanner.plan(snapshot, holdRounds: 14)
        #expect(plan.round == 3)
        // Newest round first, the smallest id among equals.
        #expect(plan.acceptances == [
            RoundPlan.Acceptance(proposal: "r2-a", candidate: "c2", opportunity: "o2"),
            RoundPlan.Acceptance(proposal: "r2-c1", candidate: "c1", opportunity: "o2"),
        ])
        #expect(plan.doubleAcceptances == 2)
        #expect(places(plan, "o1") == 3 && places(plan, "o2") == 1)
        #expect(plan.request.candidates.allSatisfy { !$0.available })
        let c = Schema.V1.candidate, l = Schema.V1.placement
        #expect(plan.placementWrites(digest: Self.digest) == [
            RoundPlan.Write(table: "placement", id: "pl-r2-a", fields: [
                (l.candidateID.name, .text("c2")), (l.opportunityID.name, .text("o2")), (l.outcome.name, .text("en cours")),
            ]),
            RoundPlan.Write(table: "candidate", id: "c2", fields: [(c.status.name, .text("placed"))]),
            RoundPlan.Write(table: "placement", id: "pl-r2-c1", fields: [
                (l.candidateID.name, .text("c1")), (l.opportunityID.name, .text("o2")), (l.outcome.name, .text("en cours")),
            ]),
            RoundPlan.Write(table: "candidate", id: "c1", fields: [(c.status.name, .text("placed"))]),
        ])

        // Once placed, the next round makes no second placement and still reports the other acceptances.
        let after = RoundSnapshot(
            proposals: snapshot.proposals, placements: [Self.placement("c1", "o2"), Self.placement("c2", "o2")],
            opportunities: snapshot.opportunities, candidates: snapshot.candidates, lastRound: 3)
        let next = try RoundPlanner.plan(after, holdRounds: 14)
        #expect(next.acceptances.isEmpty && next.doubleAcceptances == 2)
        #expect(places(next, "o2") == 1)
    }

    @Test("une paire refusée n’est jamais reproposée ; le candidat reste libre pour le reste")
    func declinedNeverAgain() throws {
        let snapshot = RoundSnapshot(
            proposals: [Self.proposal(1, "c1", "o1", .declined)],
            opportunities: [Self.opportunity("o1"), Self.opportunity("o2", places: 1)],
            candidates: [Self.candidate("c1")])
        let plan = try RoundPlanner.plan(snapshot, holdRounds: 14)
        #expect(plan.request.declined == [MatchRequest.Pair(candidate: "c1", opportunity: "o1")])
        #expect(considered(plan) == ["c1"] && places(plan, "o1") == 2)
        let result = Matcher.run(plan.request)
        #expect(result.proposals.map(\.opportunity.id) == ["o2"])

        let onlyRefused = RoundSnapshot(proposals: snapshot.proposals, opportunities: [Self.opportunity("o1")],
                                        candidates: snapshot.candidates)
        let again = Matcher.run(try RoundPlanner.plan(onlyRefused, holdRounds: 14).request)
        #expect(again.proposals.isEmpty)
        #expect(again.excluded.map(\.reason) == [.declinedBefore])
    }

    @Test("ce que voit le rapprochement : statut, consentement, opportunités fermées")
    func matchInputs() throws {
        let snapshot = RoundSnapshot(
            opportunities: [Self.opportunity("o1"), Self.opportunity("o2", status: .filled)],
            candidates: [Self.candidate("a", status: .trained), Self.candidate("b", status: .withdrawn),
                         Self.candidate("c", consent: .programme), Self.candidate("d", status: .placed)])
        let plan = try RoundPlanner.plan(snapshot, holdRounds: 14, k: 5)
        #expect(plan.request.k == 5)
        #expect(plan.request.candidates.map(\.available) == [true, false, true, false])
        #expect(plan.request.candidates.map(\.consentToEmployers) == [true, true, false, true])
        #expect(plan.request.candidates[0].education == Schema.educationLevels.firstIndex(of: "CAP"))
        #expect(plan.request.candidates[0].skills == ["maçonnerie"] && plan.request.candidates[0].languages == ["bm", "fr"])
        #expect(plan.request.opportunities.map(\.open) == [true, false])
        #expect(plan.request.opportunities[0].kind == "job" && plan.request.opportunities[0].startsOn == "2027-01-15")
        #expect(plan.startsOn == ["o1": "2027-01-15", "o2": "2027-01-15"])
    }

    @Test("les propositions du tour : r<tour>-<candidat>, haché au-delà de 128 octets, statut proposed")
    func proposalWrites() throws {
        let long = String(repeating: "x", count: 126)
        let snapshot = RoundSnapshot(opportunities: [Self.opportunity("o1", places: 2)],
                                     candidates: [Self.candidate("c1"), Self.candidate(long)], lastRound: 11)
        let plan = try RoundPlanner.plan(snapshot, holdRounds: 14)
        let result = Matcher.run(plan.request)
        #expect(result.proposals.count == 2)
        let writes = result.proposals.map { plan.proposalWrite($0, digest: Self.digest) }
        #expect(writes.map(\.id) == ["r12-c1", "r12-digest130"])
        let p = Schema.V1.proposal
        #expect(writes[0].table == "proposal")
        #expect(writes[0].fields.map { $0.0 } == [p.candidateID, p.opportunityID, p.score, p.reasons, p.round, p.status.field].map(\.name))
        #expect(writes[0].fields[0].1 == .text("c1") && writes[0].fields[4].1 == .integer(12))
        #expect(writes[0].fields[5].1 == .text("proposed"))
        #expect(writes[0].fields[3].1.text?.hasPrefix("Score ") == true)
        #expect(RoundPlan.recordID("pl", "r1-" + String(repeating: "y", count: 125), digest: Self.digest) == "pl-digest131")
        #expect(RoundPlan.recordID("pl", "r1-" + String(repeating: "y", count: 122), digest: Self.digest).utf8.count == 128)
    }
}
