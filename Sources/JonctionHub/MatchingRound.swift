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

    public init(replica: Replica, k: Int = 20, weights: ScoringWeights = ScoringWeights(), holdRounds: Int = 14) {
        self.replica = replica
        self.k = k
        self.weights = weights
        self.holdRounds = holdRounds
    }

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
    }

    public enum Phase: Sendable {
        case loading, scoring(Int, Int), solving, writing(Int, Int)
    }

    public func run(round requested: Int? = nil, progress: ((Phase) -> Void)? = nil) throws -> Outcome {
        let started = Date()
        progress?(.loading)
        let schema = replica.schema
        let candidateTable = try schema.table(named: "candidate"), opportunityTable = try schema.table(named: "opportunity")
        let proposalTable = try schema.table(named: "proposal"), placementTable = try schema.table(named: "placement")
        func field(_ t: TableSchema, _ name: String) -> Int { t.position(of: name)! }
        func text(_ v: Value) -> String? { if case .text(let s) = v { return s } else { return nil } }
        func int(_ v: Value) -> Int? { if case .integer(let n) = v { return Int(n) } else { return nil } }

        let proposals = try replica.read { try $0.liveRecords(table: "proposal") }
        let placements = try replica.read { try $0.liveRecords(table: "placement") }
        let opportunities = try replica.read { try $0.liveRecords(table: "opportunity") }
        let candidates = try replica.read { try $0.liveRecords(table: "candidate") }

        let pC = field(proposalTable, "candidate_id"), pO = field(proposalTable, "opportunity_id")
        let pStatus = field(proposalTable, "status"), pRound = field(proposalTable, "round")
        let lC = field(placementTable, "candidate_id"), lO = field(placementTable, "opportunity_id")
        var placedPairs = Set<[String]>(), taken: [String: Int] = [:], placedCandidates = Set<String>()
        for (_, v) in placements {
            guard let c = text(v[lC]), let o = text(v[lO]) else { continue }
            placedPairs.insert([c, o])
            taken[o, default: 0] += 1
            placedCandidates.insert(c)
        }
        // Rounds that proposed nothing leave no proposal: the hub's round history counts them.
        let lastRound = max(try replica.read { try $0.lastMatchRound() }, proposals.reduce(0) { max($0, int($1.values[pRound]) ?? 0) })
        let round = requested ?? lastRound + 1
        guard round > lastRound else { throw Failure.roundAlreadyHeld(requested: round, last: lastRound) }
        var declined = Set<MatchRequest.Pair>(), pendingCandidates = Set<String>(), stale = 0
        var toPlace: [(proposal: String, candidate: String, opportunity: String)] = []
        // Newest round first: if an office accepted two proposals for one candidate, the newest counts.
        var doubleAcceptances = 0
        for (id, v) in proposals.sorted(by: { (int($0.values[pRound]) ?? 0, $1.id) > (int($1.values[pRound]) ?? 0, $0.id) }) {
            guard let c = text(v[pC]), let o = text(v[pO]) else { continue }
            switch text(v[pStatus]) {
            case "declined": declined.insert(.init(candidate: c, opportunity: o))
            case "accepted" where !placedPairs.contains([c, o]) && placedCandidates.contains(c):
                doubleAcceptances += 1
            case "accepted" where !placedPairs.contains([c, o]):
                toPlace.append((id, c, o))
                placedPairs.insert([c, o])
                taken[o, default: 0] += 1
                placedCandidates.insert(c)
            case "proposed" where round - (int(v[pRound]) ?? 0) > holdRounds:
                stale += 1
            case "proposed":
                pendingCandidates.insert(c)
                taken[o, default: 0] += 1  // the place is held until the office answers
            default: break
            }
        }

        let oStatus = field(opportunityTable, "status"), oPlaces = field(opportunityTable, "places")
        let oStart = field(opportunityTable, "starts_on")
        var startsOn: [String: String] = [:]
        let matchOpportunities: [MatchOpportunity] = opportunities.map { id, v in
            if let s = text(v[oStart]) { startsOn[id] = s }
            return MatchOpportunity(
                id: id, kind: text(v[field(opportunityTable, "kind")]), title: text(v[field(opportunityTable, "title")]),
                region: text(v[field(opportunityTable, "region")]), isco: text(v[field(opportunityTable, "isco")]),
                skillsRequired: Field.listItems(v[field(opportunityTable, "skills_required")]).map(String.init),
                languages: Field.listItems(v[field(opportunityTable, "languages")]).map(String.init),
                minEducation: text(v[field(opportunityTable, "min_education")]).flatMap { Schema.educationLevels.firstIndex(of: $0) },
                open: text(v[oStatus]) == "open",
                placesLeft: max(0, (int(v[oPlaces]) ?? 0) - (taken[id] ?? 0)),
                startsOn: text(v[oStart]))
        }
        let cStatus = field(candidateTable, "status")
        var regions: [String: String] = [:]
        let matchCandidates: [MatchCandidate] = candidates.compactMap { id, v in
            let region = text(v[field(candidateTable, "region")])
            regions[id] = region
            guard !pendingCandidates.contains(id) else { return nil }
            let status = text(v[cStatus])
            return MatchCandidate(
                id: id, region: region, relocate: int(v[field(candidateTable, "relocate")]) == 1,
                education: text(v[field(candidateTable, "education")]).flatMap { Schema.educationLevels.firstIndex(of: $0) },
                consentToEmployers: text(v[field(candidateTable, "consent")]) == "employers",
                available: (status == "registered" || status == "trained") && !placedCandidates.contains(id),
                availableFrom: text(v[field(candidateTable, "available_from")]), isco: text(v[field(candidateTable, "isco")]),
                skills: Field.listItems(v[field(candidateTable, "skills")]).map(String.init),
                languages: Field.listItems(v[field(candidateTable, "languages")]).map(String.init))
        }

        let result = Matcher.run(MatchRequest(candidates: matchCandidates, opportunities: matchOpportunities,
                                              declined: declined, k: k, weights: weights)) { phase, done, total in
            switch phase {
            case .scoring: progress?(.scoring(done, total))
            case .solving: progress?(.solving)
            }
        }

        // One transaction: placements for the accepted, then this round's proposals.
        let total = result.proposals.count
        try replica.write { writer in
            for p in toPlace {
                var fields: [(String, Value)] = [("candidate_id", .text(p.candidate)), ("opportunity_id", .text(p.opportunity))]
                if let start = startsOn[p.opportunity] { fields.append(("started_on", .text(start))) }
                fields.append(("outcome", .text("en cours")))
                try writer.set(table: "placement", id: MatchingRound.recordID("pl", p.proposal), fields: fields)
                if regions.keys.contains(p.candidate) {
                    try writer.set(table: "candidate", id: p.candidate, fields: [("status", .text("placed"))])
                }
            }
            for (n, proposal) in result.proposals.enumerated() {
                if n % 1000 == 0 { progress?(.writing(n, total)) }
                try writer.set(table: "proposal", id: MatchingRound.recordID("r\(round)", proposal.candidate.id), fields: [
                    ("candidate_id", .text(proposal.candidate.id)),
                    ("opportunity_id", .text(proposal.opportunity.id)),
                    ("score", .integer(Int64(proposal.score))),
                    ("reasons", .text(String(proposal.card.reasons(.fr, candidate: proposal.candidate, opportunity: proposal.opportunity).prefix(2000)))),
                    ("round", .integer(Int64(round))),
                    ("status", .text("proposed")),
                ])
            }
            try writer.recordMatchRound(round, proposals: total, placements: toPlace.count, totalScore: result.totalScore)
            progress?(.writing(total, total))
        }
        return Outcome(round: round, result: result, newPlacements: toPlace.count, pending: pendingCandidates.count, doubleAcceptances: doubleAcceptances, stale: stale, holdRounds: holdRounds,
                       candidates: matchCandidates.count, opportunities: matchOpportunities.count,
                       seconds: Date().timeIntervalSince(started), regions: regions)
    }

    /// `<prefix>-<id>`, or a digest of it when that would be longer than a record id may be.
    static func recordID(_ prefix: String, _ id: String) -> String {
        let plain = "\(prefix)-\(id)"
        if plain.utf8.count <= 128 { return plain }
        let digest = SHA256.hash(data: Data(plain.utf8)).prefix(16).map { String(format: "%02x", $0) }.joined()
        return "\(prefix)-\(digest)"
    }
}
