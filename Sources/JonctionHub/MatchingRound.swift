import Crypto
import Foundation
import Jonction
import JonctionMatch
import JonctionStore

/// A matching round on the hub's replica (DESIGN §6): accepted proposals become placements, the
/// matcher proposes the best assignment for everyone else, and the proposals are written as records
/// that reach the offices with the next bundles.
///
/// A candidate with a proposal still pending keeps it, and its place stays reserved: the round does
/// not propose them again until the office accepts or declines, or until the proposal is older than
/// `holdRounds` rounds (offices without network may answer a week late; after that the place goes back
/// to the pool). A stale proposal is not rewritten: an office's late acceptance still becomes a
/// placement. A declined pair is never proposed again.
public struct MatchingRound: Sendable {
    public let replica: Replica
    public var k: Int
    public var weights: ScoringWeights
    /// Rounds a pending proposal holds its candidate and its place (nightly rounds: about two weeks).
    public var holdRounds: Int
    /// Shares by group and priorities (protocol.md §2.5, `jonction match --quotas`).
    public var quotas: MatchQuotas

    public init(replica: Replica, k: Int = 20, weights: ScoringWeights = ScoringWeights(), holdRounds: Int = 14,
                quotas: MatchQuotas = MatchQuotas()) {
        self.replica = replica
        self.k = k
        self.weights = weights
        self.holdRounds = holdRounds
        self.quotas = quotas
    }

    /// A round with the hub's matching configuration: its shares, priorities and weights.
    public init(replica: Replica, configuration: MatchingConfiguration, k: Int = 20, holdRounds: Int = 14) {
        self.init(replica: replica, k: k, weights: configuration.weights ?? ScoringWeights(), holdRounds: holdRounds,
                  quotas: configuration.quotas)
    }

    /// Refusals of a round (`roundAlreadyHeld`), decided by the planner.
    public typealias Failure = RoundPlanner.Failure

    public struct Outcome: Sendable {
        public var round: Int
        public var result: MatchResult
        /// Accepted proposals turned into placements by this round.
        public var newPlacements: Int
        /// Proposals still pending from earlier rounds (their candidates and places were left out).
        public var pending: Int
        /// Acceptances for a candidate already placed (or accepted twice): not turned into placements.
        public var doubleAcceptances: Int
        /// Proposals left unanswered for more than `holdRounds` rounds: their candidates and places are free again.
        public var stale: Int
        public var holdRounds: Int
        /// Candidates and opportunities considered.
        public var candidates: Int
        public var opportunities: Int
        public var seconds: Double
        /// Candidate id → region, for the report.
        public var regions: [String: String]
        /// Per region and group: admissible, proposed this round, accepted, placed (protocol.md §2.5).
        public var fairness: FairnessTable
    }

    public enum Phase: Sendable {
        case loading, scoring(Int, Int), solving, writing(Int, Int)
    }

    /// Reads the hub's replica in one transaction, plans the round (`RoundPlanner`), runs the
    /// matcher, and writes the placements, the proposals and the round's history in another.
    /// `dryRun`: the same plan and report, nothing written (the replica may be opened read-only).
    public func run(round requested: Int? = nil, dryRun: Bool = false, progress: ((Phase) -> Void)? = nil) throws -> Outcome {
        let started = Date()
        progress?(.loading)
        try Schema.V1.check(replica.schema)
        let snapshot = try Self.snapshot(replica)
        let plan = try RoundPlanner.plan(snapshot, round: requested, holdRounds: holdRounds, k: k, weights: weights, quotas: quotas)

        let result = Matcher.run(plan.request) { phase, done, total in
            switch phase {
            case .scoring: progress?(.scoring(done, total))
            case .solving: progress?(.solving)
            }
        }

        // One transaction: placements for the accepted, then this round's proposals, their reasons
        // written out beforehand on every core.
        let total = result.proposals.count
        if !dryRun {
            progress?(.writing(0, total))
            let proposals = result.proposals
            let writes = Parallel.map(slicing: proposals.indices, into: 64) { range in
                range.map { plan.proposalWrite(proposals[$0], digest: MatchingRound.digest) }
            }
            try replica.write { writer in
                for write in plan.placementWrites(digest: MatchingRound.digest) {
                    try writer.set(table: write.table, id: write.id, fields: write.fields)
                }
                var n = 0
                for write in writes.joined() {
                    if n % 1000 == 0 { progress?(.writing(n, total)) }
                    n += 1
                    try writer.set(table: write.table, id: write.id, fields: write.fields)
                }
                try writer.recordMatchRound(plan.round, proposals: total, placements: plan.acceptances.count,
                                            totalScore: result.totalScore)
                progress?(.writing(total, total))
            }
        }
        return Outcome(round: plan.round, result: result, newPlacements: plan.acceptances.count, pending: plan.pending,
                       doubleAcceptances: plan.doubleAcceptances, stale: plan.stale, holdRounds: holdRounds,
                       candidates: plan.request.candidates.count, opportunities: plan.request.opportunities.count,
                       seconds: Date().timeIntervalSince(started), regions: plan.regions,
                       fairness: Self.fairness(snapshot, plan: plan, result: result))
    }

    /// The assignment network the next round would solve (without shares), in the instance format
    /// of `shared/bench/assign_graph.py`: "C O", one line of places per opportunity, then "c o score"
    /// per arc. For checking the round's optimum against another solver.
    public func assignmentGraph(round requested: Int? = nil) throws -> String {
        try Schema.V1.check(replica.schema)
        let plan = try RoundPlanner.plan(try Self.snapshot(replica), round: requested, holdRounds: holdRounds, k: k, weights: weights)
        let graph = Matcher.graph(plan.request)
        var out = "\(plan.request.candidates.count) \(plan.request.opportunities.count)\n"
        out.reserveCapacity(graph.arcs.count * 16)
        for places in graph.capacities { out += "\(places)\n" }
        for a in graph.arcs { out += "\(a.c) \(a.o) \(a.s)\n" }
        return out
    }

    /// What a round reads, in one transaction.
    static func snapshot(_ replica: Replica) throws -> RoundSnapshot {
        try replica.read { reader in
            RoundSnapshot(
                proposals: try reader.liveRecords(table: Schema.V1.proposal.table),
                placements: try reader.liveRecords(table: Schema.V1.placement.table),
                opportunities: try reader.liveRecords(table: Schema.V1.opportunity.table),
                candidates: try reader.liveRecords(table: Schema.V1.candidate.table),
                lastRound: try reader.lastMatchRound())
        }
    }

    /// The round's fairness table: admissible by `admissible(_:excluded:)`; proposed = this
    /// round's proposals; accepted = every accepted proposal; placed = every placement, this
    /// round's new ones included.
    static func fairness(_ snapshot: RoundSnapshot, plan: RoundPlan, result: MatchResult) -> FairnessTable {
        let c = Schema.V1.candidate, p = Schema.V1.proposal, pl = Schema.V1.placement
        let admissible = Self.admissible(plan, excluded: result.excluded)
        var accepted = Set(plan.acceptances.map(\.candidate)), placed = accepted
        for (_, v) in snapshot.proposals where v[p.status] == .accepted { if let id = v[p.candidateID].text { accepted.insert(id) } }
        for (_, v) in snapshot.placements { if let id = v[pl.candidateID].text { placed.insert(id) } }
        let people = snapshot.candidates.map { id, v in
            FairnessTable.Person(id: id, region: v[c.region].text, origin: v[c.originStatus].text, sex: v[c.sex].text)
        }
        return FairnessTable(people: people, admissible: admissible, proposed: Set(result.proposals.map(\.candidate.id)),
                             accepted: accepted, placed: placed)
    }

    /// The first 16 bytes of the SHA-256 of `text`, in lowercase hex (protocol.md §2.5).
    static func digest(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).prefix(16).map { String(format: "%02x", $0) }.joined()
    }
}
