import Jonction

/// The rules of a matching round (protocol.md §2.5), on plain values: what the hub's replica holds
/// in, what the matcher is asked and what the round writes out. No I/O: `MatchingRound` reads the
/// snapshot, runs the matcher and writes the plan.
public enum RoundPlanner {
    public enum Failure: Error, UserFacingError, Equatable {
        /// `--round` names a round already written: its ids would overwrite the offices' answers.
        case roundAlreadyHeld(requested: Int, last: Int)

        public func message(_ lang: Lang) -> String {
            switch self {
            case .roundAlreadyHeld(let requested, let last):
                return lang.pick(
                    "Le tour n° \(requested) existe déjà (dernier tour : \(last)) : ses propositions et les réponses des bureaux seraient écrasées. Omettez --round, ou donnez un numéro supérieur à \(last). Rien n’a été fait.",
                    "Round \(requested) already exists (last round: \(last)): its proposals and the offices' answers would be overwritten. Leave out --round, or give a number above \(last). Nothing was done.")
            }
        }
    }

    /// Plans round `requested` (by default the last + 1) over `snapshot`.
    ///
    /// Accepted proposals without a placement become placements, newest round first (the smallest
    /// id among equals); a second acceptance for a placed candidate is only counted. A declined
    /// pair is never proposed again. A `proposed` proposal holds its candidate and one place of its
    /// opportunity for `holdRounds` rounds; past that it is counted as stale and holds nothing.
    public static func plan(_ snapshot: RoundSnapshot, round requested: Int? = nil, holdRounds: Int, k: Int = 20,
                            weights: ScoringWeights = ScoringWeights(), quotas: MatchQuotas = MatchQuotas()) throws(Failure) -> RoundPlan {
        let proposal = Schema.V1.proposal, placement = Schema.V1.placement
        let opportunity = Schema.V1.opportunity, candidate = Schema.V1.candidate

        var placedPairs = Set<MatchRequest.Pair>(), taken: [String: Int] = [:], placedCandidates = Set<String>()
        // Candidates who held a job or an internship: an internship is first for a first job (§2.5).
        var kinds: [String: String] = [:]
        for (id, v) in snapshot.opportunities { kinds[id] = v[opportunity.kind.field].text }
        var employedBefore = Set<String>()
        for (_, v) in snapshot.placements {
            guard let c = v[placement.candidateID].text, let o = v[placement.opportunityID].text else { continue }
            if kinds[o] != "training" { employedBefore.insert(c) }
            placedPairs.insert(MatchRequest.Pair(candidate: c, opportunity: o))
            taken[o, default: 0] += 1
            placedCandidates.insert(c)
        }
        let rounds = snapshot.proposals.map { $0.values[proposal.round].int ?? 0 }
        let lastRound = max(snapshot.lastRound, rounds.reduce(0, max))
        let round = requested ?? lastRound + 1
        guard round > lastRound else { throw .roundAlreadyHeld(requested: round, last: lastRound) }

        var declined = Set<MatchRequest.Pair>(), pendingCandidates = Set<String>(), stale = 0, doubleAcceptances = 0
        var acceptances: [RoundPlan.Acceptance] = []
        // Newest round first: if an office accepted two proposals for one candidate, the newest counts.
        let newestFirst = snapshot.proposals.indices.sorted { a, b in
            rounds[a] != rounds[b] ? rounds[a] > rounds[b] : snapshot.proposals[a].id < snapshot.proposals[b].id
        }
        for i in newestFirst {
            let (id, v) = snapshot.proposals[i]
            guard let c = v[proposal.candidateID].text, let o = v[proposal.opportunityID].text else { continue }
            let pair = MatchRequest.Pair(candidate: c, opportunity: o)
            switch v[proposal.status] {
            case .declined?:
                declined.insert(pair)
            case .accepted? where !placedPairs.contains(pair) && placedCandidates.contains(c):
                doubleAcceptances += 1
            case .accepted? where !placedPairs.contains(pair):
                acceptances.append(RoundPlan.Acceptance(proposal: id, candidate: c, opportunity: o))
                placedPairs.insert(pair)
                taken[o, default: 0] += 1
                placedCandidates.insert(c)
            case .proposed? where round - rounds[i] > holdRounds:
                stale += 1
            case .proposed?:
                pendingCandidates.insert(c)
                taken[o, default: 0] += 1  // the place is held until the office answers
            default:
                break
            }
        }

        @Sendable func educationLevel(_ value: Value) -> Int? { value.text.flatMap { Schema.educationLevels.firstIndex(of: $0) } }
        @Sendable func strings(_ value: Value) -> [String] { value.listItems.map(String.init) }
        var startsOn: [String: String] = [:]
        let opportunities: [MatchOpportunity] = snapshot.opportunities.map { id, v in
            let start = v[opportunity.startsOn].text
            if let start { startsOn[id] = start }
            return MatchOpportunity(
                id: id, kind: v[opportunity.kind.field].text, title: v[opportunity.title].text,
                region: v[opportunity.region].text, isco: v[opportunity.isco].text,
                skillsRequired: strings(v[opportunity.skillsRequired]), languages: strings(v[opportunity.languages]),
                minEducation: educationLevel(v[opportunity.minEducation]),
                open: v[opportunity.status] == .open,
                placesLeft: max(0, (v[opportunity.places].int ?? 0) - (taken[id] ?? 0)),
                startsOn: start, teaches: strings(v[opportunity.teaches]))
        }
        var regions: [String: String] = [:]
        for (id, v) in snapshot.candidates { regions[id] = v[candidate.region].text }
        // The candidates read on every core (a million at national scale), in the snapshot's order.
        let records = snapshot.candidates, pending = pendingCandidates, placed = placedCandidates, employed = employedBefore
        let candidates: [MatchCandidate] = Array(Parallel.map(slicing: records.indices, into: 16) { range in
            range.compactMap { i -> MatchCandidate? in
                let (id, v) = records[i]
                guard !pending.contains(id) else { return nil }
                return MatchCandidate(
                    id: id, region: v[candidate.region].text, relocate: v[candidate.relocate].int == 1,
                    education: educationLevel(v[candidate.education]),
                    consentToEmployers: v[candidate.consent] == .employers,
                    available: (v[candidate.status]?.isAvailable ?? false) && !placed.contains(id),
                    availableFrom: v[candidate.availableFrom].text, isco: v[candidate.isco].text,
                    skills: strings(v[candidate.skills]), languages: strings(v[candidate.languages]),
                    placedBefore: employed.contains(id),
                    group: MatchGroup(origin: v[candidate.originStatus].text, sex: v[candidate.sex].text))
            }
        }.joined())

        return RoundPlan(
            round: round,
            request: MatchRequest(candidates: candidates, opportunities: opportunities, declined: declined, k: k, weights: weights,
                                  quotas: quotas),
            acceptances: acceptances, pending: pendingCandidates.count, doubleAcceptances: doubleAcceptances, stale: stale,
            regions: regions, liveCandidates: Set(snapshot.candidates.map(\.id)), startsOn: startsOn)
    }
}
