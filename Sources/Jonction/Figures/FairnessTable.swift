/// Fairness shown (protocol.md §2.5): per region and per group (origin status, sex), the candidates
/// admissible, proposed, accepted and placed, and the group's share of the places proposed and of
/// the placements in that region. Pure: the round's report, `report --matching` and the hub's
/// dashboard draw the same table.
public struct FairnessTable: Sendable, Equatable {
    /// A person as the table counts them: no name, no identity beyond the record id.
    public struct Person: Sendable, Equatable {
        public var id: String
        public var region: String?
        public var origin: String?
        public var sex: String?

        public init(id: String, region: String?, origin: String?, sex: String?) {
            self.id = id
            self.region = region
            self.origin = origin
            self.sex = sex
        }
    }

    public struct Row: Sendable, Equatable {
        /// A region, or "*" for all regions together.
        public var region: String
        /// `origin_status` or `sex`.
        public var field: String
        /// The group's code (`host_youth`, `F`, …), "?" when unknown.
        public var group: String
        public var admissible = 0
        public var proposed = 0
        public var accepted = 0
        public var placed = 0
        /// The group's share, in per cent rounded down, of the region's places proposed and placements.
        public var proposedShare = 0
        public var placedShare = 0
    }

    public var rows: [Row]

    /// Counts `people`: `admissible`, `proposed`, `accepted` and `placed` are sets of person ids.
    public init(people: [Person], admissible: Set<String>, proposed: Set<String>, accepted: Set<String>, placed: Set<String>) {
        // People counted by kind first (region, origin, sex: a few hundred kinds for a million
        // people), then each kind into its four rows.
        struct Kind: Hashable {
            var region: String, origin: String, sex: String
        }
        var kinds: [Kind: (admissible: Int, proposed: Int, accepted: Int, placed: Int)] = [:]
        for person in people {
            let a = admissible.contains(person.id), p = proposed.contains(person.id)
            let c = accepted.contains(person.id), l = placed.contains(person.id)
            guard a || p || c || l else { continue }
            let kind = Kind(region: person.region ?? "?", origin: person.origin ?? "?", sex: person.sex ?? "?")
            var counts = kinds[kind] ?? (0, 0, 0, 0)
            if a { counts.admissible += 1 }
            if p { counts.proposed += 1 }
            if c { counts.accepted += 1 }
            if l { counts.placed += 1 }
            kinds[kind] = counts
        }
        var rows: [String: Row] = [:]
        for (kind, counts) in kinds {
            for region in [kind.region, "*"] {
                for (field, group) in [("origin_status", kind.origin), ("sex", kind.sex)] {
                    let key = "\(region)\u{1}\(field)\u{1}\(group)"
                    var row = rows[key] ?? Row(region: region, field: field, group: group)
                    row.admissible += counts.admissible
                    row.proposed += counts.proposed
                    row.accepted += counts.accepted
                    row.placed += counts.placed
                    rows[key] = row
                }
            }
        }
        // Shares within a region and a field: every person is in exactly one group of each field.
        var proposedTotal: [String: Int] = [:], placedTotal: [String: Int] = [:]
        for row in rows.values {
            proposedTotal["\(row.region)\u{1}\(row.field)", default: 0] += row.proposed
            placedTotal["\(row.region)\u{1}\(row.field)", default: 0] += row.placed
        }
        for (key, var row) in rows {
            let total = "\(row.region)\u{1}\(row.field)"
            row.proposedShare = proposedTotal[total]! == 0 ? 0 : row.proposed * 100 / proposedTotal[total]!
            row.placedShare = placedTotal[total]! == 0 ? 0 : row.placed * 100 / placedTotal[total]!
            rows[key] = row
        }
        let groupOrder = ["returnee", "displaced", "host_youth", "other", "F", "M", "X", "?"]
        func regionRank(_ r: String) -> Int { r == "*" ? -1 : Schema.regions.firstIndex(of: r) ?? Schema.regions.count }
        self.rows = rows.values.sorted {
            (regionRank($0.region), $0.region, $0.field == "sex" ? 1 : 0, groupOrder.firstIndex(of: $0.group) ?? 99, $0.group)
                < (regionRank($1.region), $1.region, $1.field == "sex" ? 1 : 0, groupOrder.firstIndex(of: $1.group) ?? 99, $1.group)
        }
    }

    /// The table from a replica's records: `round`'s proposals (the last round when nil) as
    /// proposed and accepted, every placement as placed, and as admissible the candidates
    /// `admissible` names — by the round's own rule (`MatchingRound.admissible` in JonctionHub: the
    /// scorer's hard filters and minimum score), which this pure module does not apply.
    public init(_ records: RecordSet, round requested: Int? = nil, admissible: Set<String>) {
        let c = Schema.V1.candidate, p = Schema.V1.proposal, pl = Schema.V1.placement
        func live(_ table: String) -> [(String, RecordState)] {
            (records.tables[table] ?? [:]).filter { !$0.value.isDeleted }.map { ($0.key, $0.value) }
        }
        let proposals = live(p.table)
        let round = requested ?? proposals.compactMap { $0.1.values[p.round.position].integer.map(Int.init) }.max()
        var proposed = Set<String>(), accepted = Set<String>(), placed = Set<String>()
        for (_, state) in proposals {
            let v = state.values
            guard let id = v[p.candidateID.position].text, v[p.round.position].integer.map(Int.init) == round else { continue }
            proposed.insert(id)
            if v[p.status.field.position].text == "accepted" { accepted.insert(id) }
        }
        for (_, state) in live(pl.table) {
            if let id = state.values[pl.candidateID.position].text { placed.insert(id) }
        }
        var people: [Person] = []
        for (id, state) in live(c.table) {
            let v = state.values
            people.append(Person(id: id, region: v[c.region.position].text, origin: v[c.originStatus.position].text,
                                 sex: v[c.sex.position].text))
        }
        self.init(people: people, admissible: admissible, proposed: proposed, accepted: accepted, placed: placed)
    }

    /// The table as text lines, all regions first, then region by region.
    public func lines(_ lang: Lang) -> [String] {
        var out = [lang.pick("Équité, par région et par groupe : admissibles, proposés, acceptés, placés ; part des places proposées / des placements",
                             "Fairness, by region and group: admissible, proposed, accepted, placed; share of places proposed / of placements")]
        if rows.isEmpty {
            out.append(lang.pick("  personne à compter : aucun candidat admissible, proposé, accepté ni placé",
                                 "  nobody to count: no candidate admissible, proposed, accepted or placed"))
        }
        var region: String? = nil
        for row in rows {
            if row.region != region {
                region = row.region
                out.append("  " + (row.region == "*" ? lang.pick("Toutes régions", "All regions") : row.region))
            }
            let name = row.group == "?" ? "?" : Labels.value("candidate", row.field, row.group, lang)
            out.append("    \(name + String(repeating: " ", count: max(0, 34 - name.count))) \(row.admissible) · \(row.proposed) · \(row.accepted) · \(row.placed) ; \(row.proposedShare) % / \(row.placedShare) %")
        }
        return out
    }

    /// The table as one JSON array (in `match --json` and `report --matching --json`).
    public func write(to out: inout CanonicalJSON) {
        out.beginArray()
        for row in rows {
            out.beginObject()
            out.key("accepted"); out.integer(row.accepted)
            out.key("admissible"); out.integer(row.admissible)
            out.key("field"); out.string(row.field)
            out.key("group"); out.string(row.group)
            out.key("placed"); out.integer(row.placed)
            out.key("placed_share"); out.integer(row.placedShare)
            out.key("proposed"); out.integer(row.proposed)
            out.key("proposed_share"); out.integer(row.proposedShare)
            out.key("region"); out.string(row.region)
            out.endObject()
        }
        out.endArray()
    }
}
