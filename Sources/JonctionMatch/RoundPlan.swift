import Jonction

/// What a matching round decided before the matcher runs (protocol.md §2.5), and the records it
/// writes after: `RoundPlanner.plan` computes it from a `RoundSnapshot`, without I/O.
public struct RoundPlan: Sendable {
    /// An accepted proposal that this round turns into a placement.
    public struct Acceptance: Sendable, Hashable {
        public var proposal: String
        public var candidate: String
        public var opportunity: String

        public init(proposal: String, candidate: String, opportunity: String) {
            self.proposal = proposal
            self.candidate = candidate
            self.opportunity = opportunity
        }
    }

    /// Fields to set on one record, as `LocalWriter.set(table:id:fields:)` takes them.
    public struct Write: Sendable, Equatable {
        public var table: String
        public var id: String
        public var fields: [(String, Value)]

        public init(table: String, id: String, fields: [(String, Value)]) {
            self.table = table
            self.id = id
            self.fields = fields
        }

        public static func == (a: Write, b: Write) -> Bool {
            a.table == b.table && a.id == b.id && a.fields.count == b.fields.count
                && zip(a.fields, b.fields).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        }
    }

    /// The round's number: above every round held before.
    public var round: Int
    /// What the matcher is asked: the candidates not held by a pending proposal, the opportunities
    /// with the places left, the declined pairs.
    public var request: MatchRequest
    /// Accepted proposals without a placement, newest round first; each becomes a placement.
    public var acceptances: [Acceptance]
    /// Candidates held by a pending proposal of an earlier round (left out of `request`).
    public var pending: Int
    /// Acceptances for a candidate already placed (or accepted twice): not turned into placements.
    public var doubleAcceptances: Int
    /// Proposals left unanswered for more than `holdRounds` rounds: their candidates and places are free again.
    public var stale: Int
    /// Candidate id → region (candidates with a region), for the report.
    public var regions: [String: String]
    /// The live candidates: an accepted one is marked `placed` (a placement for a candidate
    /// deleted meanwhile writes no candidate record back).
    public var liveCandidates: Set<String>
    /// Opportunity id → `starts_on`, where set: a placement starts then.
    public var startsOn: [String: String]

    /// The `outcome` of a placement a round writes.
    public static let placementOutcome = "en cours"

    /// The writes for `acceptances`: each placement `pl-<proposal id>`, then its candidate's status
    /// set to `placed`. `digest` gives the hex digest of an id too long to be one (see `recordID`).
    public func placementWrites(digest: (String) -> String) -> [Write] {
        let placement = Schema.V1.placement, candidate = Schema.V1.candidate
        var writes: [Write] = []
        writes.reserveCapacity(2 * acceptances.count)
        for accepted in acceptances {
            var fields: [(String, Value)] = [
                (placement.candidateID.name, .text(accepted.candidate)),
                (placement.opportunityID.name, .text(accepted.opportunity)),
            ]
            if let start = startsOn[accepted.opportunity] { fields.append((placement.startedOn.name, .text(start))) }
            fields.append((placement.outcome.name, .text(RoundPlan.placementOutcome)))
            writes.append(Write(table: placement.table, id: RoundPlan.recordID("pl", accepted.proposal, digest: digest),
                                fields: fields))
            if liveCandidates.contains(accepted.candidate) {
                writes.append(Write(table: candidate.table, id: accepted.candidate,
                                    fields: [(candidate.status.name, CandidateStatus.placed.value)]))
            }
        }
        return writes
    }

    /// The write of one of this round's proposals: `r<round>-<candidate id>`, status `proposed`,
    /// reasons in French.
    public func proposalWrite(_ proposal: MatchProposal, digest: (String) -> String) -> Write {
        let p = Schema.V1.proposal
        let reasons = proposal.card.reasons(.fr, candidate: proposal.candidate, opportunity: proposal.opportunity)
        return Write(table: p.table, id: RoundPlan.recordID("r\(round)", proposal.candidate.id, digest: digest), fields: [
            (p.candidateID.name, .text(proposal.candidate.id)),
            (p.opportunityID.name, .text(proposal.opportunity.id)),
            (p.score.name, .integer(Int64(proposal.score))),
            (p.reasons.name, .text(RoundPlan.clip(reasons, to: 2000))),
            (p.round.name, .integer(Int64(round))),
            (p.status.name, ProposalStatus.proposed.value),
        ])
    }

    /// Text cut to `length` characters (Unicode scalars, protocol.md §2.2), in normal form.
    static func clip(_ text: String, to length: Int) -> String {
        if NormalText.isNormal(text, maxLength: length, multiline: true) { return text }
        let scalars = text.unicodeScalars
        guard scalars.count > length else { return NormalText.normalise(text, multiline: true) }
        return NormalText.normalise(String(String.UnicodeScalarView(scalars.prefix(length))), multiline: true)
    }

    /// `<prefix>-<id>`, or `<prefix>-<digest>` when that would be longer than a record id may be
    /// (protocol.md §2.5). `digest` gives the first 16 bytes of the SHA-256 of its argument in
    /// lowercase hex: the hashing lives with the caller, this module stays free of cryptography.
    public static func recordID(_ prefix: String, _ id: String, digest: (String) -> String) -> String {
        let plain = "\(prefix)-\(id)"
        if plain.utf8.count <= 128 { return plain }
        return "\(prefix)-\(digest(plain))"
    }
}
