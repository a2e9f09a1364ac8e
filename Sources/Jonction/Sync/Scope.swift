/// What an office serves (issue 13, protocol.md §2.6): the records a partial replica of it holds.
///
/// An office that serves regions holds the candidates of its regions, the candidates it registered
/// (ids `<office>-…`, §2.3), the candidates proposed to one of its opportunities (in its regions, or
/// registered by it), the proposals and placements of the candidates it holds, and every employer and
/// opportunity. An office that serves no region holds everything (a full replica).
///
/// Pure: the caller gives the few fields the rule reads, `Scope.Facts`, and gets the records.
public struct Scope: Sendable, Equatable {
    public var office: SiteName
    /// The regions served, in normal form; empty: everything.
    public var regions: Set<String>

    public init(office: SiteName, regions: Set<String>) {
        self.office = office
        self.regions = regions
    }

    public var isPartial: Bool { !regions.isEmpty }

    /// Changes an office may lack, per record it holds, beyond which the hub sends it its whole scope
    /// (a complete delivery, §5.10) rather than what those changes touched: about a record's fields.
    public static let completeAbove = 10

    /// The fields the rule reads, for every live record of the tables it concerns. For a partial
    /// scope, the candidates may be only those of its regions, registered by its office, or named
    /// by a proposal: the rule holds no other.
    public struct Facts: Sendable {
        /// Candidate id → region (nil when unset).
        public var candidates: [String: String?] = [:]
        /// Opportunity id → region.
        public var opportunities: [String: String?] = [:]
        /// Proposal id → (candidate id, opportunity id).
        public var proposals: [String: (candidate: String?, opportunity: String?)] = [:]
        /// Placement id → candidate id.
        public var placements: [String: String?] = [:]

        public init() {}
    }

    /// Whether the office holds every record of `table` (employers, opportunities), or every record
    /// at all (an office serving no region).
    public func holdsAll(of table: String) -> Bool {
        !isPartial || table == Schema.V1.employer.table || table == Schema.V1.opportunity.table
    }

    /// The candidates, proposals and placements the office holds.
    public func records(_ facts: Facts) -> Set<RecordKey> {
        let own = { (id: String) in ProposalRule.isCandidate(id, of: office) }
        let ownOpportunity = { (id: String) -> Bool in
            own(id) || (facts.opportunities[id].flatMap { $0 }.map(regions.contains) ?? false)
        }
        var candidates = Set<String>()
        for (id, region) in facts.candidates where !isPartial || own(id) || region.map(regions.contains) == true {
            candidates.insert(id)
        }
        for (_, p) in facts.proposals {
            if let c = p.candidate, let o = p.opportunity, facts.candidates[c] != nil, ownOpportunity(o) { candidates.insert(c) }
        }
        var keys = Set(candidates.map { RecordKey(table: Schema.V1.candidate.table, id: $0) })
        for (id, p) in facts.proposals where p.candidate.map(candidates.contains) == true {
            keys.insert(RecordKey(table: Schema.V1.proposal.table, id: id))
        }
        for (id, c) in facts.placements where c.map(candidates.contains) == true {
            keys.insert(RecordKey(table: Schema.V1.placement.table, id: id))
        }
        return keys
    }
}
