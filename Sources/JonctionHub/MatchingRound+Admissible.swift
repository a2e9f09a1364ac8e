import Jonction
import JonctionMatch
import JonctionStore

extension MatchingRound {
    /// Admissible, in a round's fairness table (protocol.md §2.5): a candidate the round considered
    /// (not held by a pending proposal) for whom at least one open opportunity with places left
    /// passes every hard filter of the scorer — consent, availability, region or move, education,
    /// the pair not declined — with at least the minimum score. The one rule of the round's own
    /// report, of `report --matching` and of the hub's dashboard.
    static func admissible(_ plan: RoundPlan, excluded: [(candidate: String, reason: Exclusion)]) -> Set<String> {
        Set(plan.request.candidates.map(\.id)).subtracting(excluded.map(\.candidate))
    }

    /// The fairness table of round `round` as the replica holds it now (`report --matching`, the hub's
    /// dashboard): that round's proposals, every placement, and the candidates `admissible(round:)`.
    public func fairness(round requested: Int? = nil) throws -> FairnessTable {
        try Schema.V1.check(replica.schema)
        let snapshot = try Self.snapshot(replica)
        let round = Self.round(requested, in: snapshot)
        return FairnessTable(try replica.read { try $0.recordSet() }, round: round,
                             admissible: try admissible(round: round, snapshot: snapshot))
    }

    /// The candidates admissible in round `round` of the replica (by default its last round, as the
    /// hub's history or the proposals say; the first when there is none), counted as that round
    /// counted them: over the records without that round's proposals and later ones, with this
    /// value's weights and holding rule. A record changed since the round, an office's answer say,
    /// counts as it is now.
    public func admissible(round requested: Int? = nil) throws -> Set<String> {
        try Schema.V1.check(replica.schema)
        let snapshot = try Self.snapshot(replica)
        return try admissible(round: Self.round(requested, in: snapshot), snapshot: snapshot)
    }

    private func admissible(round: Int, snapshot: RoundSnapshot) throws -> Set<String> {
        let p = Schema.V1.proposal
        var before = snapshot
        before.proposals = snapshot.proposals.filter { ($0.values[p.round].int ?? 0) < round }
        before.lastRound = round - 1
        let plan = try RoundPlanner.plan(before, round: round, holdRounds: holdRounds, k: k, weights: weights)
        return Self.admissible(plan, excluded: Matcher.exclusions(plan.request))
    }

    /// The round asked, else the last one the hub's history or the proposals know, else the first.
    private static func round(_ requested: Int?, in snapshot: RoundSnapshot) -> Int {
        let p = Schema.V1.proposal
        return max(1, requested ?? max(snapshot.lastRound, snapshot.proposals.compactMap { $0.values[p.round].int }.max() ?? 0))
    }
}
